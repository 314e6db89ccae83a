"""JSON Pointer (RFC 6901) as an Arazzo 1.1 selector type: ``type: jsonpointer``.

Used by Selector Objects, payload replacement targets and, since the Expression
Type Object allows it there too, criteria. A pointer selects at most one value:
the query form returns it as a one-item list, like a JSONPath nodelist, so the
three selector types can be treated alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ExpressionError
from ..expressions import ExpressionContext
from ..pointers import unescape_pointer_token
from .outcome import CriterionOutcome, failure, render
from .query import QueryCriterion, Unusable

__all__ = ["JsonPointerCriterion", "PointerQuery", "compile_json_pointer", "parse_json_text"]

# A '~' must be followed by 0 or 1 (RFC 6901, section 3).
_BAD_ESCAPE = re.compile(r"~(?![01])")


@dataclass(frozen=True)
class PointerQuery:
    """A parsed JSON Pointer."""

    text: str
    tokens: tuple[str, ...]

    def select(self, value: Any) -> list[Any]:
        """``[the value]`` the pointer names in ``value``, or ``[]`` when it names nothing."""
        for token in self.tokens:
            if isinstance(value, Mapping) and token in value:
                value = value[token]
            elif isinstance(value, list) and _is_index(token, len(value)):
                value = value[int(token)]
            else:
                return []
        return [value]


def _is_index(token: str, length: int) -> bool:
    return token.isdigit() and (token == "0" or not token.startswith("0")) and int(token) < length


def compile_json_pointer(text: str) -> PointerQuery:
    """Parse an RFC 6901 pointer; :class:`ExpressionError` when it is malformed."""
    if text and not text.startswith("/"):
        raise ExpressionError(
            "a JSON Pointer is empty or starts with '/'",
            text=text,
            position=0,
            hint="for example: /items/0/id",
        )
    bad = _BAD_ESCAPE.search(text)
    if bad is not None:
        raise ExpressionError(
            "'~' in a JSON Pointer must be followed by 0 (for '~') or 1 (for '/')",
            text=text,
            position=bad.start(),
            hint="write ~0 for a literal '~' and ~1 for a '/' inside a name",
        )
    tokens = tuple(unescape_pointer_token(token) for token in text.split("/")[1:])
    return PointerQuery(text, tokens)


def parse_json_text(
    where: str,
    value: Any,
    *,
    nothing: str = "nothing to select from",
    refusal: str = "it cannot be queried",
) -> Any:
    """A context value ready for JSONPath or JSON Pointer: JSON text is parsed first.

    ``nothing`` and ``refusal`` finish the messages for a null value and for text
    that is not JSON, in the words of whatever reads the value.
    """
    import json

    if value is None:
        raise Unusable(f"{where} is null, so there is {nothing}")
    if isinstance(value, bytes | bytearray):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        # A body whose content type was not recognised as JSON arrives as text.
        try:
            return json.loads(value)
        except ValueError:
            raise Unusable(
                f"{where} is text that is not JSON ({render(value)}), so {refusal}"
            ) from None
    return value


@dataclass(frozen=True)
class JsonPointerCriterion(QueryCriterion[PointerQuery]):
    """Passes when the pointer names a value, other than null, in the context (Arazzo 1.1)."""

    kind: ClassVar[str] = "jsonpointer"
    context_role: ClassVar[str] = "the value the pointer is resolved against"
    query_name: ClassVar[str] = "JSON Pointer"

    @staticmethod
    def compile_query(text: str, version: str | None) -> PointerQuery:
        return compile_json_pointer(text)

    def subject(self, ctx: ExpressionContext) -> Any:
        return parse_json_text(self.context.text, self.context.evaluate(ctx))

    def judge(self, query: PointerQuery, subject: Any) -> CriterionOutcome:
        found = query.select(subject)
        if not found:
            return failure(f"{render(query.text)} names nothing in {self.context.text}")
        if found[0] is None:
            return failure(f"{render(query.text)} names null in {self.context.text}")
        return CriterionOutcome(True, f"{render(query.text)} names {render(found[0])}")
