"""How messages name the JSON type of a value ("must be an object, not a list")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["json_text", "json_type_name", "schema_error_text"]


def json_type_name(value: object) -> str:
    """``'an object'``, ``'a list'``, ``'a string'``, ``'a boolean'``, ``'a number'`` or ``'null'``.

    Values parsed from JSON or YAML are always one of these; anything else (bytes
    from a binary body, say) is named by its Python type, with an article so the
    name still reads as part of a sentence.
    """
    if value is None:
        return "null"
    # bool before int: True is an int to isinstance, but JSON has separate types.
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def json_text(value: object, limit: int = 60) -> str:
    """A value from a document as a message shows it: as JSON writes it, never as Python does.

    ``true``, ``null``, ``7``, ``[1,2]``, ``{"a":null}``; a string in single quotes
    (``'text'``), as messages quote names. Long values are cut at ``limit`` characters.
    """
    if isinstance(value, str):
        text = f"'{value}'"
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
        except (TypeError, ValueError):  # a cycle, or keys JSON cannot have
            text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def schema_error_text(error: Any) -> str:
    """A JSON Schema validation error's message with values written as JSON.

    ``error`` is a ``jsonschema`` ``ValidationError`` (read by duck typing: this
    module imports nothing). Its own messages show the instance the Python way
    (``None is not of type 'string'``, ``{'a': True}``); the keywords whose
    messages quote the instance are worded again, the others kept.
    """
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        return f"{json_text(instance)} is not of type {', '.join(json_text(t) for t in wanted)}"
    if keyword == "enum" and isinstance(expected, list):
        return f"{json_text(instance)} is not one of {', '.join(json_text(v) for v in expected)}"
    if keyword == "const":
        return f"{json_text(expected)} was expected, not {json_text(instance)}"
    if keyword in ("anyOf", "oneOf"):
        return f"{json_text(instance)} is not valid under any of the given schemas"
    return str(error.message)
