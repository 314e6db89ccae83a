"""Media types (RFC 9110, section 8.3): the essence, its family, and parameters.

``essence`` and the JSON/XML tests run for every request and response, so they
are plain string operations: a media type's essence never contains ``;`` or a
quote. Parameters can be quoted (``boundary="a;b"``) or RFC 2231 encoded, so
they are read by the standard library's ``email.message.Message``, which
handles both.
"""

from __future__ import annotations

_XML_ESSENCES = frozenset({"application/xml", "text/xml"})


def essence(content_type: str) -> str:
    """The media type without its parameters, lower-cased: ``application/json``."""
    return content_type.split(";", 1)[0].strip().lower()


def is_json(content_type: str) -> bool:
    """``application/json`` or a ``+json`` structured syntax suffix, parameters ignored."""
    media_type = essence(content_type)
    return media_type == "application/json" or media_type.endswith("+json")


def is_xml(content_type: str) -> bool:
    """``application/xml``, ``text/xml`` or a ``+xml`` suffix, parameters ignored."""
    media_type = essence(content_type)
    return media_type in _XML_ESSENCES or media_type.endswith("+xml")


def parameter(content_type: str, name: str) -> str | None:
    """The value of parameter ``name`` (case-insensitive), unquoted; None when absent or empty."""
    if ";" not in content_type:
        return None  # the common case: no parameters at all
    # Imported here: loading and validating documents never read a parameter.
    from email.message import Message
    from email.utils import collapse_rfc2231_value

    message = Message()
    message["Content-Type"] = content_type
    value = message.get_param(name, header="content-type")
    if isinstance(value, tuple):  # RFC 2231: (charset, language, text)
        value = collapse_rfc2231_value(value)
    return value or None


def charset(content_type: str) -> str | None:
    """The ``charset`` parameter: how a text body is encoded."""
    return parameter(content_type, "charset")


def boundary(content_type: str) -> str | None:
    """The ``boundary`` parameter of a ``multipart/*`` media type."""
    return parameter(content_type, "boundary")
