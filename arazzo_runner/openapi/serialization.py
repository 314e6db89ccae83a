"""OpenAPI parameter serialization: ``style`` and ``explode`` for every location.

The rules are those of OpenAPI 3.0/3.1 ("Style Values" and "Style Examples"),
which follow RFC 6570 URI templates:

* path: ``simple`` (default), ``label``, ``matrix``;
* query: ``form`` (default, exploded), ``spaceDelimited``, ``pipeDelimited``,
  ``deepObject``;
* header: ``simple``;
* cookie: ``form``;
* querystring (OpenAPI 3.2, Arazzo 1.1): no style, the whole query string in
  the parameter's ``content`` media type (:func:`serialize_querystring`).

Every function here is pure. Names and atomic values are percent-encoded one by
one *before* the delimiters of the style are put between them, so a ``,`` or
``/`` inside a value can never be mistaken for a delimiter or a path separator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

Escape = Callable[[str], str]
"""Percent-encodes one name or atomic value for the part of the message it goes to."""

STYLES: Mapping[str, frozenset[str]] = {
    "path": frozenset({"simple", "label", "matrix"}),
    "query": frozenset({"form", "spaceDelimited", "pipeDelimited", "deepObject"}),
    "header": frozenset({"simple"}),
    "cookie": frozenset({"form"}),
}
DEFAULT_STYLES: Mapping[str, str] = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
}

# RFC 3986 unreserved characters: what `quote` never encodes.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
# RFC 3986 reserved characters, which `allowReserved: true` leaves as they are.
_RESERVED = ":/?[]@!$&'()*+,;="
# A percent-encoded triplet: with allowReserved it is already encoded, as in
# RFC 6570's reserved expansion, and is not encoded a second time.
_TRIPLET = re.compile(r"%[0-9A-Fa-f]{2}")
# Characters a cookie value cannot hold as they are (RFC 6265 cookie-octet), and
# '%' so that the encoding can be undone.
_COOKIE_SAFE = "!#$&'()*+-./:<=>?@[]^_`{|}~"


@dataclass(frozen=True)
class ParameterStyle:
    """How one parameter is serialized."""

    style: str
    explode: bool
    allow_reserved: bool = False
    content_type: str | None = None
    """Set for parameters described with ``content``: the value is sent as that media type."""


def default_style(location: str) -> ParameterStyle:
    """The style of a parameter the operation does not describe: OpenAPI's defaults."""
    style = DEFAULT_STYLES.get(location, "simple")
    return ParameterStyle(style, explode=style == "form")


# --------------------------------------------------------------------------- values


def to_text(value: Any) -> str:
    """A scalar as text: strings as they are, JSON for numbers, ``true``/``false``, null as ''.

    A nested array or object (inside an array or object value) has no OpenAPI
    style of its own, so it is sent as compact JSON text.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def content_text(value: Any, content_type: str) -> str:
    """A parameter described with ``content``: JSON text, or a string as it is."""
    media_type = content_type.split(";")[0].strip().lower()
    is_json = media_type == "application/json" or media_type.endswith("+json")
    if isinstance(value, str) and not is_json:
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _pairs(value: Mapping[Any, Any]) -> list[tuple[str, str]]:
    return [(str(key), to_text(item)) for key, item in value.items()]


def _is_empty(value: Any) -> bool:
    # RFC 6570 treats an empty list or object as undefined: nothing is sent for it.
    return isinstance(value, list | dict) and not value


# --------------------------------------------------------------------------- escaping


def escape_path(text: str) -> str:
    """Encode everything but RFC 3986 unreserved characters, ``/`` included."""
    if isinstance(text, str) and _UNRESERVED.fullmatch(text):
        return text  # the common case, short-cut: nothing to encode
    return quote(text, safe="")


def escape_header(text: str) -> str:
    """Header values are not URLs: nothing is percent-encoded."""
    return text


def escape_cookie(text: str) -> str:
    """Encode what a cookie value cannot hold (space, ``"``, ``,``, ``;``, ``\\``, non-ASCII)."""
    return quote(text, safe=_COOKIE_SAFE)


def query_escape(allow_reserved: bool = False) -> Escape:
    """RFC 3986 encoding for a query name or value (a space is ``%20``, ``+`` is ``%2B``).

    With ``allowReserved`` the reserved characters stay as they are, except ``#``:
    it would end the query and start a fragment, so it is always encoded.
    """
    if not allow_reserved:
        return lambda text: quote(text, safe="")

    def escape_reserved(text: str) -> str:
        pieces = []
        position = 0
        for match in _TRIPLET.finditer(text):
            pieces.append(quote(text[position : match.start()], safe=_RESERVED.replace("#", "")))
            pieces.append(match.group(0))
            position = match.end()
        pieces.append(quote(text[position:], safe=_RESERVED.replace("#", "")))
        return "".join(pieces)

    return escape_reserved


def form_escape(text: str) -> str:
    """``application/x-www-form-urlencoded`` encoding (HTML forms): a space is ``+``."""
    return quote_plus(text, safe="")


# --------------------------------------------------------------------------- path


def serialize_path(name: str, value: Any, style: str = "simple", explode: bool = False) -> str:
    """The text that replaces ``{name}`` in the path, already percent-encoded."""
    if style == "label":
        return _label(value, explode)
    if style == "matrix":
        return _matrix(name, value, explode)
    return serialize_simple(value, explode, escape_path)


def serialize_simple(value: Any, explode: bool, escape: Escape) -> str:
    """``style: simple``: ``blue``, ``blue,black``, ``R,100,G,200`` or ``R=100,G=200``."""
    if isinstance(value, list):
        return ",".join(escape(to_text(item)) for item in value)
    if isinstance(value, dict):
        separator = "=" if explode else ","
        return ",".join(f"{escape(k)}{separator}{escape(v)}" for k, v in _pairs(value))
    return escape(to_text(value))


def _label(value: Any, explode: bool) -> str:
    if _is_empty(value):
        return ""
    if isinstance(value, list):
        return "".join("." + escape_path(to_text(item)) for item in value)
    if isinstance(value, dict):
        if explode:
            return "".join(f".{escape_path(k)}={escape_path(v)}" for k, v in _pairs(value))
        return "".join(f".{escape_path(k)}.{escape_path(v)}" for k, v in _pairs(value))
    return "." + escape_path(to_text(value))


def _matrix(name: str, value: Any, explode: bool) -> str:
    if _is_empty(value):
        return ""
    key = escape_path(name)
    if isinstance(value, list):
        items = [escape_path(to_text(item)) for item in value]
        if explode:
            return "".join(_matrix_pair(key, item) for item in items)
        return _matrix_pair(key, ",".join(items))
    if isinstance(value, dict):
        pairs = [(escape_path(k), escape_path(v)) for k, v in _pairs(value)]
        if explode:
            return "".join(_matrix_pair(k, v) for k, v in pairs)
        return _matrix_pair(key, ",".join(f"{k},{v}" for k, v in pairs))
    return _matrix_pair(key, escape_path(to_text(value)))


def _matrix_pair(key: str, text: str) -> str:
    # RFC 6570: an empty value is just ';name', without '='.
    return f";{key}={text}" if text else f";{key}"


# --------------------------------------------------------------------------- query


def serialize_query(
    name: str,
    value: Any,
    style: str = "form",
    explode: bool = True,
    escape: Escape | None = None,
) -> list[str]:
    """The ``name=value`` pieces of the query string for one parameter (joined with ``&``)."""
    escape = escape or query_escape()
    if _is_empty(value):
        return []
    if style == "deepObject" and isinstance(value, dict):
        return [f"{escape(key)}={escape(text)}" for key, text in _deep_object(name, value)]
    if not explode and isinstance(value, list | dict):
        # The delimiters stay as they are; the items were encoded one by one.
        delimiter = {"spaceDelimited": "%20", "pipeDelimited": "%7C"}.get(style, ",")
        return [f"{escape(name)}={_delimited(value, delimiter, escape)}"]
    return [f"{escape(key)}={escape(text)}" for key, text in exploded_pairs(name, value)]


def exploded_pairs(name: str, value: Any) -> list[tuple[str, str]]:
    """``style: form, explode: true`` as (name, value) pairs, before percent-encoding.

    An array repeats the name; an object's properties become the pairs.
    """
    if isinstance(value, list):
        return [(name, to_text(item)) for item in value]
    if isinstance(value, dict):
        return _pairs(value)
    return [(name, to_text(value))]


def _delimited(value: list[Any] | dict[Any, Any], delimiter: str, escape: Escape) -> str:
    if isinstance(value, list):
        return delimiter.join(escape(to_text(item)) for item in value)
    return delimiter.join(f"{escape(k)}{delimiter}{escape(v)}" for k, v in _pairs(value))


def _deep_object(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    """``color[R]=100``; nested objects nest the brackets, arrays repeat the name.

    OpenAPI defines deepObject for one level of properties only; nesting further
    is the common reading (``a[b][c]=1``), and arrays follow form's exploded rule.
    """
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _deep_object(f"{prefix}[{key}]", item)
    elif isinstance(value, list):
        for item in value:
            yield prefix, to_text(item)
    else:
        yield prefix, to_text(value)


def serialize_form_query(name: str, value: Any, style: ParameterStyle, escape: Escape) -> list[str]:
    """One query parameter (or form field) with its :class:`ParameterStyle`."""
    if style.content_type is not None:
        return [f"{escape(name)}={escape(content_text(value, style.content_type))}"]
    return serialize_query(name, value, style.style, style.explode, escape)


# --------------------------------------------------------------------------- header and cookie


def serialize_header(value: Any, style: ParameterStyle) -> str:
    """A header parameter's value (``style: simple``)."""
    if isinstance(value, str) and style.content_type is None:
        return value  # the common case, short-cut: a string is sent as it is
    if style.content_type is not None:
        return content_text(value, style.content_type)
    return serialize_simple(value, style.explode, escape_header)


def serialize_cookie(name: str, value: Any, style: ParameterStyle) -> list[str]:
    """A cookie parameter's ``name=value`` pairs for the ``Cookie`` header (``style: form``)."""
    if style.content_type is not None:
        return [f"{name}={escape_cookie(content_text(value, style.content_type))}"]
    if _is_empty(value):
        return []
    if isinstance(value, list | dict) and not style.explode:
        # The commas between items are delimiters; the items are encoded first.
        return [f"{name}={_delimited(value, ',', escape_cookie)}"]
    return [f"{key}={escape_cookie(text)}" for key, text in exploded_pairs(name, value)]


def serialize_path_value(name: str, value: Any, style: ParameterStyle) -> str:
    """A path parameter with its :class:`ParameterStyle`, percent-encoded."""
    if isinstance(value, str) and style.content_type is None and style.style == "simple":
        return escape_path(value)  # the common case, short-cut: what serialize_simple does
    if style.content_type is not None:
        return escape_path(content_text(value, style.content_type))
    return serialize_path(name, value, style.style, style.explode)


# --------------------------------------------------------------------------- querystring

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def serialize_querystring(value: Any, content_type: str | None) -> str:
    """The whole query string (without ``?``) for an ``in: querystring`` parameter.

    ``content_type`` is the media type of the parameter's ``content`` (form by
    default). For a form: text is the query string as written, with only what a
    query cannot hold percent-encoded (``&``, ``=``, ``+`` and ``%XX`` stay); an
    object's members are form fields (an array repeats its name). For any other
    media type (``application/json``): the value as that media type's text (an
    object as compact JSON, a string as it is), percent-encoded as one piece.
    """
    media_type = (content_type or FORM_MEDIA_TYPE).split(";")[0].strip().lower()
    if media_type == FORM_MEDIA_TYPE:
        if isinstance(value, Mapping):
            return "&".join(_form_fields(value))
        return query_escape(allow_reserved=True)(to_text(value))
    text = value if isinstance(value, str) else content_text(value, media_type)
    return quote(text, safe="")


def _form_fields(value: Mapping[Any, Any]) -> list[str]:
    fields: list[str] = []
    for name, item in value.items():
        for entry in item if isinstance(item, list) else [item]:
            if entry is not None:  # forms have no null: the field is left out
                fields.append(f"{form_escape(str(name))}={form_escape(to_text(entry))}")
    return fields
