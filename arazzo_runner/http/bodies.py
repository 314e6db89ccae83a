"""Request bodies: applying ``replacements`` and encoding the payload for its media type.

* JSON (``application/json``, ``*+json``): a structured payload is JSON text; a
  string payload is the JSON text itself (the spec's "JSON Templated Example").
* ``application/x-www-form-urlencoded``: an object's properties become fields;
  arrays and objects follow OpenAPI's Encoding Object defaults (``style: form``,
  exploded), or are JSON text when the encoding's ``contentType`` is JSON.
* ``multipart/form-data``: an object's properties become parts, with a
  generated boundary.
* XML (``application/xml``, ``text/xml``, ``*+xml``): a string is sent as it
  is; a mapping with a single key is the root element (see :func:`mapping_to_xml`).
* ``text/*``: a string as it is, anything else as JSON text.

Replacement targets are JSON Pointers, except for XML bodies, where they are
XPath 1.0 expressions (lxml). An Arazzo 1.1 ``targetSelectorType`` of
``jsonpath`` sets every node its query selects; one of ``xpath`` is evaluated in
its own version (2.0 to 3.1 by elementpath). Every problem is a
:class:`StepFailure`.
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import jsonpointer

from ..openapi import (
    ParameterStyle,
    content_text,
    form_escape,
    query_escape,
    serialize_form_query,
    to_text,
)
from .media_types import boundary as given_boundary
from .media_types import essence, is_json, is_xml
from .messages import StepFailure

# lxml takes tens of milliseconds to import and only XML payloads need it:
# each function below that handles XML imports it itself.
if TYPE_CHECKING:
    from lxml import etree

Encoding = Mapping[str, Mapping[str, Any]]
"""An OpenAPI media type's ``encoding`` map: property name -> Encoding Object."""


@dataclass(frozen=True)
class Replacement:
    """A payload replacement whose value is already evaluated."""

    target: str
    value: Any
    target_type: str | None = None
    """Arazzo 1.1 ``targetSelectorType``; None means JSON Pointer, or XPath for XML."""
    query: Any = None
    """A JSONPath or XPath target, compiled (``criteria.JsonPathQuery``, ``XPathQuery``)."""


@dataclass(frozen=True)
class EncodedBody:
    content: bytes
    content_type: str
    """The Content-Type header, with the multipart boundary when one was generated."""
    value: Any
    """The payload after replacements: what ``$request.body`` reads."""


# --------------------------------------------------------------------------- media types


def choose_content_type(explicit: str | None, declared: Sequence[str], value: Any) -> str:
    """``requestBody.contentType``, else the operation's media type, else one for the value.

    When the operation declares several media types, a JSON one is preferred: the
    payload is written in YAML or JSON, so JSON carries it without a mapping rule.
    Wildcards such as ``*/*`` or ``image/*`` name no concrete type and are skipped.
    """
    if explicit:
        return explicit
    concrete = [media for media in declared if "*" not in media]
    if concrete:
        return next((media for media in concrete if is_json(media)), concrete[0])
    if isinstance(value, bytes):
        return "application/octet-stream"
    return "text/plain" if isinstance(value, str) else "application/json"


# --------------------------------------------------------------------------- entry point


def prepare_body(
    value: Any,
    content_type: str,
    replacements: Sequence[Replacement] = (),
    encoding: Encoding | None = None,
) -> EncodedBody:
    """Apply ``replacements`` to ``value`` and encode it as ``content_type``."""
    encoding = encoding or {}
    if is_xml(content_type):
        return _xml_body(value, content_type, replacements)
    value = _apply_pointers(value, content_type, replacements)
    media_type = essence(content_type)
    if isinstance(value, bytes):
        return EncodedBody(value, content_type, value)
    if is_json(content_type):
        return EncodedBody(_json_bytes(value), content_type, value)
    if media_type == "application/x-www-form-urlencoded":
        return EncodedBody(_form_bytes(value, encoding), content_type, value)
    if media_type == "multipart/form-data":
        return _multipart_body(value, content_type, encoding)
    if isinstance(value, str):
        return EncodedBody(value.encode("utf-8"), content_type, value)
    if media_type.startswith("text/"):
        return EncodedBody(_json_bytes(value), content_type, value)
    raise StepFailure(
        f"cannot send a structured payload as '{content_type}'; give the payload as a string"
    )


def _json_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        # A string is the JSON text itself, never quoted a second time.
        return value.encode("utf-8")
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StepFailure(f"the payload cannot be sent as JSON: {exc}") from None
    return text.encode("utf-8")


# --------------------------------------------------------------------------- JSON Pointer targets


def _apply_pointers(value: Any, content_type: str, replacements: Sequence[Replacement]) -> Any:
    if not replacements:
        return value
    if isinstance(value, str):
        value = _parse_string_payload(value, content_type)
    document = copy.deepcopy(value)
    for replacement in replacements:
        if replacement.target_type == "xpath":
            raise StepFailure(
                f"payload replacement target '{replacement.target}' is XPath, which needs an "
                f"XML body, not '{content_type}'"
            )
        if replacement.target_type == "jsonpath":
            document = _set_jsonpath(document, replacement)
        else:
            document = set_pointer(document, replacement.target, replacement.value)
    return document


def _set_jsonpath(document: Any, replacement: Replacement) -> Any:
    """Set the value at every node a JSONPath target selects (each must already exist)."""
    if replacement.query is None:
        from ..criteria import compile_jsonpath

        query = compile_jsonpath(replacement.target)
    else:
        query = replacement.query
    # The pointers are all found first: a value set could change what later ones select.
    pointers = [str(match.pointer()) for match in query.path.finditer(document)]
    if not pointers:
        raise StepFailure(
            f"payload replacement target '{replacement.target}' matches nothing in the payload"
        )
    for pointer in pointers:
        document = set_pointer(document, pointer, copy.deepcopy(replacement.value))
    return document


def _parse_string_payload(text: str, content_type: str) -> Any:
    """A templated JSON or form string, parsed so that pointers can address its members."""
    if is_json(content_type):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise StepFailure(
                f"payload replacements need the JSON payload to parse, and it does not: {exc}"
            ) from None
    if essence(content_type) == "application/x-www-form-urlencoded":
        fields: dict[str, Any] = {}
        for name, item in parse_qsl(text, keep_blank_values=True):
            # A repeated field name becomes an array, which is sent repeated again.
            if name in fields:
                previous = fields[name]
                fields[name] = [*previous, item] if isinstance(previous, list) else [previous, item]
            else:
                fields[name] = item
        return fields
    raise StepFailure(
        f"payload replacements need an object or array payload, not a '{content_type}' string"
    )


def set_pointer(document: Any, target: str, value: Any) -> Any:
    """Set ``value`` at ``target`` (RFC 6901) of ``document``, like JSON Patch ``add``.

    The spec says replacements *inject* values, so a new member of an existing
    object may be added (and ``-`` appends to an array); but the parent must
    exist, since a pointer into nothing is a typo that must not go unnoticed.
    """
    if target == "":
        return value
    try:
        pointer = jsonpointer.JsonPointer(target)
        parent = jsonpointer.JsonPointer.from_parts(pointer.parts[:-1]).resolve(document)
    except jsonpointer.JsonPointerException as exc:
        raise StepFailure(f"payload replacement target '{target}': {exc}") from None
    last = pointer.parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list) and _is_index(last, len(parent)):
        parent[int(last)] = value
    elif isinstance(parent, list) and last == "-":
        parent.append(value)
    else:
        raise StepFailure(f"payload replacement target '{target}' matches nothing in the payload")
    return document


def _is_index(part: str, length: int) -> bool:
    return part.isdigit() and (part == "0" or not part.startswith("0")) and int(part) < length


# --------------------------------------------------------------------------- forms


def _form_bytes(value: Any, encoding: Encoding) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if not isinstance(value, dict):
        raise StepFailure("an application/x-www-form-urlencoded payload must be an object or text")
    pieces: list[str] = []
    for name, item in value.items():
        if item is None:
            continue  # form encoding has no null; an absent field is the closest
        pieces += _form_field(str(name), item, encoding.get(str(name), {}))
    return "&".join(pieces).encode("ascii")


def _form_field(name: str, value: Any, spec: Mapping[str, Any]) -> list[str]:
    """One property of a form body, per its Encoding Object (OpenAPI defaults otherwise)."""
    part_type = spec.get("contentType")
    allow_reserved = spec.get("allowReserved") is True
    escape = _form_reserved_escape if allow_reserved else form_escape
    if isinstance(part_type, str) and isinstance(value, list | dict) and is_json(part_type):
        return [f"{escape(name)}={escape(content_text(value, 'application/json'))}"]
    style = str(spec.get("style", "form"))
    explode = spec.get("explode", style == "form") is True
    return serialize_form_query(name, value, ParameterStyle(style, explode), escape)


def _form_reserved_escape(text: str) -> str:
    return query_escape(allow_reserved=True)(text).replace("%20", "+")


# --------------------------------------------------------------------------- multipart


@dataclass(frozen=True)
class Part:
    name: str
    content_type: str
    data: bytes
    filename: str | None = None


def _multipart_body(value: Any, content_type: str, encoding: Encoding) -> EncodedBody:
    if isinstance(value, str):
        # A templated multipart body: its boundary must be in the given contentType.
        return EncodedBody(value.encode("utf-8"), content_type, value)
    if not isinstance(value, dict):
        raise StepFailure("a multipart/form-data payload must be an object or text")
    parts = [
        _part(str(name), item, encoding.get(str(name), {}))
        for name, item in value.items()
        if item is not None  # as in forms: no part rather than a part claiming null
    ]
    boundary = given_boundary(content_type)
    if boundary is None:
        boundary = _new_boundary(parts)
        content_type = f"{content_type}; boundary={boundary}"
    return EncodedBody(encode_multipart(parts, boundary), content_type, value)


def _part(name: str, value: Any, spec: Mapping[str, Any]) -> Part:
    declared = _first_concrete(spec.get("contentType"))
    if isinstance(value, bytes):
        return Part(name, declared or "application/octet-stream", value, filename=name)
    if isinstance(value, list | dict):
        part_type = declared or "application/json"
        text = content_text(value, part_type if not is_xml(part_type) else "application/json")
        return Part(name, part_type, text.encode("utf-8"))
    part_type = declared or "text/plain"
    data = to_text(value).encode("utf-8")
    # A part of a non-text type is a file upload; servers look for a filename.
    is_file = not (essence(part_type).startswith("text/") or is_json(part_type))
    return Part(name, part_type, data, filename=name if is_file else None)


def _first_concrete(content_type: Any) -> str | None:
    """The first media type of an Encoding Object's ``contentType`` (a comma list)."""
    if not isinstance(content_type, str) or not content_type.strip():
        return None
    first = content_type.split(",")[0].strip()
    return "application/octet-stream" if "*" in first else first


def _new_boundary(parts: Sequence[Part]) -> str:
    while True:
        boundary = f"arazzo-{secrets.token_hex(16)}"
        # 128 random bits make a clash practically impossible; checking is cheap.
        if not any(boundary.encode("ascii") in part.data for part in parts):
            return boundary


def encode_multipart(parts: Sequence[Part], boundary: str) -> bytes:
    """RFC 7578 ``multipart/form-data`` with CRLF line ends."""
    chunks: list[bytes] = []
    for part in parts:
        disposition = f'form-data; name="{_quote_name(part.name)}"'
        if part.filename is not None:
            disposition += f'; filename="{_quote_name(part.filename)}"'
        head = (
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Type: {part.content_type}\r\n\r\n"
        )
        chunks += [head.encode("utf-8"), part.data, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(chunks)


def _quote_name(name: str) -> str:
    # As browsers do (HTML's form submission rules): a quote or line break in a
    # field name would end the header parameter early.
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


# --------------------------------------------------------------------------- XML


def _xml_body(value: Any, content_type: str, replacements: Sequence[Replacement]) -> EncodedBody:
    if isinstance(value, bytes) and not replacements:
        return EncodedBody(value, content_type, value)
    if isinstance(value, dict):
        data = mapping_to_xml(value)
    elif isinstance(value, str | bytes):
        data = value.encode("utf-8") if isinstance(value, str) else value
    else:
        raise StepFailure(
            f"an XML payload must be a string or a mapping with one root element, not "
            f"{type(value).__name__}"
        )
    if not replacements:
        return EncodedBody(data, content_type, value)
    data = apply_xpath_replacements(data, replacements)
    return EncodedBody(data, content_type, data.decode("utf-8"))


def mapping_to_xml(value: Mapping[str, Any]) -> bytes:
    """XML for a mapping payload, UTF-8, without a declaration.

    The mapping has exactly one key, the root element's name. Inside an element:
    a key ``@name`` is an attribute, ``#text`` is the element's text, any other
    key is a child element (an array value repeats that child once per item),
    a scalar is text (``true``/``false``, numbers as JSON) and null is empty.
    Namespaces are not mapped; write the payload as an XML string for those.
    """
    if len(value) != 1:
        raise StepFailure(
            "an XML payload given as a mapping needs exactly one key, the root element's name "
            f"(it has {len(value)})"
        )
    from lxml import etree

    ((name, content),) = value.items()
    root = _new_element(None, str(name))
    _fill(root, content)
    return etree.tostring(root, encoding="utf-8")  # type: ignore[no-any-return]


def _new_element(parent: Any, name: str) -> Any:
    from lxml import etree

    try:
        return etree.Element(name) if parent is None else etree.SubElement(parent, name)
    except ValueError:
        raise StepFailure(f"'{name}' is not a valid XML element name") from None


def _fill(element: Any, content: Any) -> None:
    if not isinstance(content, dict):
        element.text = None if content is None else to_text(content)
        return
    for key, item in content.items():
        key = str(key)
        if key.startswith("@"):
            try:
                element.set(key[1:], to_text(item))
            except ValueError:
                raise StepFailure(f"'{key[1:]}' is not a valid XML attribute name") from None
        elif key == "#text":
            element.text = to_text(item)
        else:
            for entry in item if isinstance(item, list) else [item]:
                _fill(_new_element(element, key), entry)


def _safe_parser() -> etree.XMLParser:
    from lxml import etree

    # No entity expansion, no DTD loading, no network: the payload is data only.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def apply_xpath_replacements(data: bytes, replacements: Sequence[Replacement]) -> bytes:
    """Set the text of elements, or the value of attributes, selected by XPath targets."""
    from lxml import etree

    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise StepFailure(f"payload replacements need the XML payload to parse: {exc}") from None
    namespaces = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    for replacement in replacements:
        if replacement.target_type not in (None, "xpath"):
            raise StepFailure(
                f"payload replacement target '{replacement.target}' is a "
                f"{replacement.target_type} target, which cannot address an XML body"
            )
        if replacement.query is not None and replacement.query.version != "xpath-10":
            _set_xpath_nodes(root, replacement)
            continue
        try:
            found = root.xpath(replacement.target, namespaces=namespaces)
        except etree.XPathError as exc:
            raise StepFailure(
                f"payload replacement target '{replacement.target}' is not a valid XPath "
                f"expression: {exc}"
            ) from None
        if not isinstance(found, list):
            raise StepFailure(
                f"payload replacement target '{replacement.target}' selects a value, not an "
                "element or attribute"
            )
        if not found:
            raise StepFailure(
                f"payload replacement target '{replacement.target}' matches nothing in the payload"
            )
        for node in found:
            _set_node(node, replacement)
    declared = data.lstrip().startswith(b"<?xml")
    return etree.tostring(  # type: ignore[no-any-return]
        root.getroottree(), encoding="utf-8", xml_declaration=declared
    )


def _set_xpath_nodes(root: Any, replacement: Replacement) -> None:
    """Apply an XPath 2.0, 3.0 or 3.1 target (Arazzo 1.1 ``targetSelectorType``), by elementpath."""
    from ..criteria.query import Unusable

    try:
        found = replacement.query.nodes(root.getroottree())
    except Unusable as exc:
        raise StepFailure(f"payload replacement target {exc}") from None
    if not found:
        raise StepFailure(
            f"payload replacement target '{replacement.target}' matches nothing in the payload"
        )
    for item in found:
        element, parent = getattr(item, "elem", None), getattr(item, "parent", None)
        if element is not None:
            _set_node(element, replacement)
        elif parent is not None and getattr(item, "name", None) is not None:
            parent.elem.set(item.name, to_text(replacement.value))  # an attribute
        elif parent is not None and parent.elem.text == getattr(item, "value", None):
            parent.elem.text = to_text(replacement.value)  # the element's text node
        else:
            raise StepFailure(
                f"payload replacement target '{replacement.target}' selects a value, not an "
                "element or attribute"
            )


def _set_node(node: Any, replacement: Replacement) -> None:
    from lxml import etree

    value = replacement.value
    if isinstance(node, etree._Element):
        # The element's content is replaced, not appended to; its attributes stay.
        node.text = None
        for child in list(node):
            node.remove(child)
        _fill(node, value)
        return
    parent = node.getparent() if isinstance(node, etree._ElementUnicodeResult) else None
    if parent is None:
        raise StepFailure(
            f"payload replacement target '{replacement.target}' selects a value, not an element "
            "or attribute"
        )
    text = to_text(value)
    if node.is_attribute:
        parent.set(node.attrname, text)
    elif node.is_tail:
        parent.tail = text
    else:
        parent.text = text
