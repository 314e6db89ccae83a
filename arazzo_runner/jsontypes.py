"""How messages name the JSON type of a value ("must be an object, not a list")."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["json_type_name"]


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
