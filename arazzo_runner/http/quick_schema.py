"""A quick yes for response bodies that plainly match their OpenAPI 3.0 schema.

Validating a body with ``jsonschema`` first costs importing it (with
``referencing``, ``attrs`` and its format checkers: about a third of a cold
``arazzo run``) and compiling a validator. Most response schemas only use
``type``, ``properties``, ``required``, ``enum``, ``items``, ``nullable``,
numeric bounds and local ``$ref``s, and most bodies match them. :func:`accepts`
answers True only when the body is certainly valid under
``schema_validators.OpenAPI30ResponseValidator``; for anything it does not
judge (another keyword, an OpenAPI 3.1 schema, a format it does not check, a
reference to another file, a date-time it cannot read plainly) or any failure,
it answers False, and the full validator decides and words the violations. It
never says a body is invalid.

The rules mirror the full validator's (draft 4 as OpenAPI 3.0 changes it):
keywords the validator does not know are ignored by both, ``nullable: true``
lets ``null`` pass ``type`` (and only ``type``), an integer is an ``int`` (a
``2.0`` is left to the full validator), and ``$ref`` is evaluated together with
its siblings. ``tests/unit/test_quick_schema.py`` compares the two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from ..document.pointer import resolve_pointer

_MAX_DEPTH = 64
"""References followed, nested: deeper (or cyclic) schemas go to the full validator."""

# Keywords the full 3.0 validator evaluates and this module does not: their
# presence anywhere it looks sends the body to the full validator.
_NOT_JUDGED = frozenset(
    {
        *("multipleOf", "pattern", "maxItems", "minItems", "uniqueItems", "maxProperties"),
        *("minProperties", "not", "anyOf", "oneOf", "discriminator", "writeOnly"),
        # Read by the keywords above and by `additionalProperties` in draft 4.
        *("patternProperties", "id"),
    }
)

_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}

_INTEGER_RANGES = {"int32": 2**31, "int64": 2**63}
# OpenAPI formats the full validator never fails a value for.
_SILENT_FORMATS = frozenset({"float", "double", "password", "binary"})


class _NotJudged(Exception):
    """The schema or value is outside what this module decides."""


def accepts(schema: Any, document: Any, body: Any, *, openapi_version: str) -> bool:
    """Whether ``body`` certainly matches ``schema`` (an OpenAPI 3.0 Schema Object written
    in ``document``, whose local ``$ref``s it may follow)."""
    if not openapi_version.startswith("3.0."):
        return False
    try:
        return _matches(schema, body, document, 0)
    except (_NotJudged, RecursionError):
        return False


def _matches(schema: Any, value: Any, document: Any, depth: int) -> bool:
    if not isinstance(schema, dict):
        raise _NotJudged
    if depth > _MAX_DEPTH or not _NOT_JUDGED.isdisjoint(schema):
        raise _NotJudged
    if "$ref" in schema:
        target = _target(schema["$ref"], document)
        if not _matches(target, value, document, depth + 1):
            return False
    return (
        _type_matches(schema, value)
        and _enum_matches(schema, value)
        and _format_matches(schema, value)
        and _bounds_match(schema, value)
        and _object_matches(schema, value, document, depth)
        and _array_matches(schema, value, document, depth)
        and all(_matches(part, value, document, depth + 1) for part in _all_of(schema))
    )


def _target(reference: Any, document: Any) -> Any:
    # Only plain local pointers: percent-encoded ones and other files are the full validator's.
    if not isinstance(reference, str) or not reference.startswith("#/") or "%" in reference:
        raise _NotJudged
    try:
        return resolve_pointer(document, reference[1:])
    except LookupError:
        raise _NotJudged from None


def _type_matches(schema: dict[str, Any], value: Any) -> bool:
    if "type" not in schema:
        return True
    if value is None and schema.get("nullable") is True:
        return True
    declared = schema["type"]
    names = declared if isinstance(declared, list) else [declared]
    tests = [_TYPE_TESTS.get(name) if isinstance(name, str) else None for name in names]
    if not names or any(test is None for test in tests):
        raise _NotJudged  # "null" is no type in 3.0; the full validator says so
    return any(test(value) for test in tests if test is not None)


def _enum_matches(schema: dict[str, Any], value: Any) -> bool:
    if "enum" not in schema:
        return True
    enum = schema["enum"]
    # Only strings are judged: JSON equality of numbers and booleans has its subtleties.
    return isinstance(enum, list) and isinstance(value, str) and value in enum


def _format_matches(schema: dict[str, Any], value: Any) -> bool:
    if "format" not in schema or value is None:
        return True
    name = schema["format"]
    if name in _SILENT_FORMATS:
        return True
    if name == "date-time" and isinstance(value, str):
        return _is_plain_date_time(value)
    limit = _INTEGER_RANGES.get(name) if isinstance(name, str) else None
    if limit is None:
        raise _NotJudged  # date, email, byte...: checked by the full validator
    if not isinstance(value, int) or isinstance(value, bool):
        return True
    return -limit <= value < limit


# RFC 3339 date-time, in its strictest spelling (upper-case T and Z, no leap second):
# whatever date-time checker the full validator has accepts at least these.
_DATE_TIME = re.compile(
    r"(\d{4})-(0[1-9]|1[0-2])-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)",
    re.ASCII,
)


def _is_plain_date_time(value: str) -> bool:
    found = _DATE_TIME.fullmatch(value)
    if found is None:
        raise _NotJudged  # perhaps valid in a looser spelling: the full validator decides
    year, month, day = (int(part) for part in found.groups())
    try:
        date(year, month, day)
    except ValueError:
        raise _NotJudged from None
    return year > 0


def _bounds_match(schema: dict[str, Any], value: Any) -> bool:
    if isinstance(value, str):
        return _length_matches(schema, len(value))
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    for keyword, exclusive, below in (
        ("minimum", "exclusiveMinimum", True),
        ("maximum", "exclusiveMaximum", False),
    ):
        if keyword not in schema:
            continue
        bound, is_exclusive = schema[keyword], schema.get(exclusive, False)
        if not _is_number(bound) or not isinstance(is_exclusive, bool):
            raise _NotJudged
        if not _within(value, bound, is_exclusive, bound_is_minimum=below):
            return False
    return True


def _within(value: float, bound: float, exclusive: bool, *, bound_is_minimum: bool) -> bool:
    if bound_is_minimum:
        return value > bound if exclusive else value >= bound
    return value < bound if exclusive else value <= bound


def _length_matches(schema: dict[str, Any], length: int) -> bool:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if not isinstance(low, int) or (high is not None and not isinstance(high, int)):
        raise _NotJudged
    return length >= low and (high is None or length <= high)


def _object_matches(schema: dict[str, Any], value: Any, document: Any, depth: int) -> bool:
    if not isinstance(value, dict):
        return True
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    additional = schema.get("additionalProperties", True)
    if not isinstance(properties, dict) or not isinstance(required, list):
        raise _NotJudged
    if any(name not in value for name in required):
        return False
    for name, item in value.items():
        governing = properties.get(name, additional)
        if governing is True:
            continue
        if governing is False or not _matches(governing, item, document, depth + 1):
            return False
    return True


def _array_matches(schema: dict[str, Any], value: Any, document: Any, depth: int) -> bool:
    if not isinstance(value, list) or "items" not in schema:
        return True
    items = schema["items"]
    if not isinstance(items, dict):
        raise _NotJudged  # the tuple form
    return all(_matches(items, item, document, depth + 1) for item in value)


def _all_of(schema: dict[str, Any]) -> list[Any]:
    parts = schema.get("allOf", [])
    if not isinstance(parts, list):
        raise _NotJudged
    return parts


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
