"""``$anchor`` in workflow inputs schemas: plain-name fragments (``$ref: '#pet'``).

Arazzo ("Resolving URI Fragments") says a ``$ref`` in ``inputs`` and
``components.inputs`` MUST support both JSON Pointer fragments and plain-name
fragments defined by ``$anchor`` (JSON Schema 2020-12). The whole Arazzo document is
one schema resource, so an anchor anywhere in its inputs schemas can be named from
any of them. The document is not itself a schema, so a JSON Schema library cannot
find those anchors by walking it; they are found here and each plain-name
``$ref`` becomes the JSON Pointer of its anchor.

An embedded ``$id`` would start a resource of its own; such schemas are rare in
Arazzo documents, and their anchors are read as the document's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .pointer import join_pointer

# Keywords whose value is data, not a schema: an "$anchor" or "$ref" there is data too.
_VALUE_KEYWORDS = frozenset({"const", "enum", "default", "examples"})


def schema_anchors(data: Any) -> dict[str, str]:
    """Every ``$anchor`` in the document's inputs schemas, by name: the pointer of its schema.

    The first one in document order wins; the JSON Schema rule that anchors are
    unique within a resource makes a second one an error there, not here.
    """
    found: dict[str, str] = {}
    for pointer, schema in _inputs_schemas(data):
        for at, node in _walk(schema, pointer):
            name = node.get("$anchor")
            if isinstance(name, str):
                found.setdefault(name, at)
    return found


def plain_name(ref: str) -> str | None:
    """The anchor a ``$ref`` names by a plain-name fragment (``#pet``), if it does so."""
    if not ref.startswith("#") or ref.startswith("#/") or ref == "#":
        return None
    return ref[1:]


def with_anchors_as_pointers(data: Any, anchors: dict[str, str]) -> Any:
    """``data`` with each ``$ref: '#<anchor>'`` in its inputs schemas as ``'#<pointer>'``.

    Only the inputs schemas are copied; the rest of the document is shared.
    """
    if not anchors or not isinstance(data, dict):
        return data
    copy = dict(data)
    workflows = data.get("workflows")
    if isinstance(workflows, list):
        copy["workflows"] = [
            {**w, "inputs": _rewritten(w["inputs"], anchors)}
            if isinstance(w, dict) and "inputs" in w
            else w
            for w in workflows
        ]
    components = data.get("components")
    if isinstance(components, dict) and isinstance(components.get("inputs"), dict):
        copy["components"] = {
            **components,
            "inputs": _rewritten(components["inputs"], anchors),
        }
    return copy


def _rewritten(node: Any, anchors: dict[str, str]) -> Any:
    if isinstance(node, list):
        return [_rewritten(item, anchors) for item in node]
    if not isinstance(node, dict):
        return node
    result = {
        key: value if key in _VALUE_KEYWORDS else _rewritten(value, anchors)
        for key, value in node.items()
    }
    ref = node.get("$ref")
    name = plain_name(ref) if isinstance(ref, str) else None
    if name is not None and name in anchors:
        result["$ref"] = "#" + anchors[name]
    return result


def _inputs_schemas(data: Any) -> Iterator[tuple[str, Any]]:
    if not isinstance(data, dict):
        return
    workflows = data.get("workflows")
    for index, workflow in enumerate(workflows if isinstance(workflows, list) else []):
        if isinstance(workflow, dict) and isinstance(workflow.get("inputs"), dict):
            yield join_pointer("/workflows", index, "inputs"), workflow["inputs"]
    components = data.get("components")
    inputs = components.get("inputs") if isinstance(components, dict) else None
    for name, schema in (inputs if isinstance(inputs, dict) else {}).items():
        if isinstance(schema, dict):
            yield join_pointer("/components/inputs", name), schema


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            if key not in _VALUE_KEYWORDS:
                yield from _walk(value, join_pointer(pointer, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, join_pointer(pointer, index))
