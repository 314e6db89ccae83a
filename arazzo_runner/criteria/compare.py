"""How a comparison operator treats two values of possibly different types.

The rules (numbers compare with numeric strings, strings compare without regard
to case, booleans equal the text 'true'/'false', unrelated types are simply
different) are recorded with examples in ``docs/semantics.md`` ("Criteria").
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["compare"]

_ORDERINGS: Mapping[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
# What a numeric string looks like when it is coerced for a comparison with a number.
_NUMERIC_STRING = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")


def compare(op: str, left: Any, right: Any) -> bool:
    """Apply a comparison operator with the loose typing rules of docs/semantics.md."""
    operands = _comparable(left, right)
    if operands is None:
        # Values of unrelated types are simply different.
        return op == "!="
    a, b, ordered = operands
    if op == "==":
        return _json_equal(a, b)
    if op == "!=":
        return not _json_equal(a, b)
    return ordered and _ORDERINGS[op](a, b)


def _comparable(left: Any, right: Any) -> tuple[Any, Any, bool] | None:
    """Bring two values to a common type: ``(a, b, orderable)``, or None if unrelated."""
    if left is None or right is None:
        return (left, right, False) if left is right else None
    if _is_number(left) and _is_number(right):
        return left, right, True
    if _is_number(left) and isinstance(right, str):
        number = _as_number(right)
        return None if number is None else (left, number, True)
    if isinstance(left, str) and _is_number(right):
        number = _as_number(left)
        return None if number is None else (number, right, True)
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold(), right.casefold(), True
    if isinstance(left, bool) or isinstance(right, bool):
        return _comparable_booleans(left, right)
    if _is_container(left) and _is_container(right):
        return left, right, False
    return None


def _comparable_booleans(left: Any, right: Any) -> tuple[Any, Any, bool] | None:
    # Booleans equal booleans, or the text 'true'/'false' in any case (headers and
    # query values are text). They are never ordered.
    left_text, right_text = _boolean_text(left), _boolean_text(right)
    if left_text is None or right_text is None:
        return None
    return left_text, right_text, False


def _boolean_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.casefold() in ("true", "false"):
        return value.casefold()
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_container(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple)


def _as_number(text: str) -> int | float | None:
    if _NUMERIC_STRING.fullmatch(text) is None:
        return None
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        return float(stripped)


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON sees it: ``true`` is not ``1``, ``1`` is ``1.0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_json_equal(a[key], b[key]) for key in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)
