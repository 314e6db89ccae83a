"""Finding ``$ref`` cycles in a JSON Schema that would make a validator loop forever."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from .pointer import join_pointer, resolve_pointer

# JSON Schema keywords whose subschemas apply to the same instance as the schema
# holding them. A validator following a cycle of these never reaches the end of
# the instance, so it never stops; recursion through "properties" or "items" is
# fine, since each step goes one level into the instance.
_IN_PLACE_SCHEMA = ("not", "if", "then", "else")
_IN_PLACE_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_SCHEMA_MAPS = ("dependentSchemas",)
# Keywords whose values are data, not schemas.
_DATA_KEYWORDS = ("const", "enum", "default", "examples", "example")


def find_schema_cycle(root: Any, pointer: str) -> list[str] | None:
    """A cycle of ``$ref`` (and in-place applicators) that a validator would loop on.

    Walks the schema at ``pointer`` in ``root`` and everything it reaches,
    following local ``$ref`` values (``#/...``). Returns the pointers around the
    first endless cycle, starting and ending at the same schema, or None.
    """
    edges = _schema_graph(root, pointer)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        if state.get(start):
            continue
        path: list[str] = []
        pending: list[tuple[str, bool]] = [(start, False)]
        while pending:
            node, leaving = pending.pop()
            if leaving:
                state[node] = 2
                path.pop()
                continue
            if state.get(node) == 2:
                continue
            state[node] = 1
            path.append(node)
            pending.append((node, True))
            for target in edges.get(node, ()):
                if state.get(target) == 1:
                    return [*path[path.index(target) :], target]
                if not state.get(target):
                    pending.append((target, False))
    return None


def _schema_graph(root: Any, pointer: str) -> dict[str, list[str]]:
    """The in-place edges between the schemas reachable from ``pointer``."""
    edges: dict[str, list[str]] = {}
    pending = [pointer]
    while pending:
        current = pending.pop()
        if current in edges:
            continue
        try:
            schema = resolve_pointer(root, current)
        except LookupError:
            continue  # the validator reports unresolvable references itself
        edges[current] = in_place = []
        if not isinstance(schema, dict):
            continue
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and ref[1:2] in ("", "/"):
            in_place.append(unquote(ref[1:]))
        for key, value in schema.items():
            for child, applies_in_place in _subschemas(current, key, value):
                if applies_in_place:
                    in_place.append(child)
                pending.append(child)
        pending.extend(in_place)
    return edges


def _subschemas(pointer: str, key: str, value: Any) -> Iterator[tuple[str, bool]]:
    """The places under ``key`` that may hold schemas, and whether they apply in place.

    This over-approximates: ``properties`` is visited both as a schema and as a
    map of schemas. A place that is not a schema adds no edges, so that is harmless.
    """
    if key in _DATA_KEYWORDS or key == "$ref":
        return
    here = join_pointer(pointer, key)
    if isinstance(value, dict):
        yield here, key in _IN_PLACE_SCHEMA
        for name in value:
            yield join_pointer(here, str(name)), key in _IN_PLACE_SCHEMA_MAPS
    elif isinstance(value, list):
        for index in range(len(value)):
            yield join_pointer(here, index), key in _IN_PLACE_SCHEMA_LISTS
