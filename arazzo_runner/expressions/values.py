"""Document values compiled once and evaluated many times.

:func:`compile_value` turns a value from the document (a parameter value, a
payload, an output) into a tree of :class:`Literal`, :class:`Whole`,
:class:`Template`, :class:`Object` and :class:`Array` nodes. Parts without
expressions collapse into one :class:`Literal`, so evaluating them costs
nothing. Code that treats some nodes specially (payload evaluation, where an
absent reference is null; the dry run, which shows what it cannot know) walks
these classes itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ..errors import ExpressionError
from ..pointers import escape_pointer_token
from .ast import RuntimeExpression
from .context import ExpressionContext
from .parser import WORD_CHARS, parse_between, parse_expression, scan_expression

__all__ = [
    "Array",
    "CompiledValue",
    "Literal",
    "Object",
    "SelectorHook",
    "Template",
    "Whole",
    "compile_template",
    "compile_value",
    "template_placeholders",
    "value_to_text",
]


def value_to_text(value: Any) -> str:
    """How a value is written when embedded in a string (templates, regex subjects).

    Strings as-is, numbers as JSON numbers, ``true``/``false``/``null``, objects and
    arrays as compact JSON.
    """
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, separators=(",", ":"), default=_json_default)
    return str(value)


def _json_default(value: Any) -> Any:
    # Mappings other than dict (e.g. read-only views) serialise like objects.
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)


class CompiledValue(Protocol):
    """A document value compiled once, evaluated against many contexts."""

    def evaluate(self, ctx: ExpressionContext) -> Any: ...

    def expressions(self) -> list[RuntimeExpression]: ...


@dataclass(frozen=True, slots=True)
class Literal:
    """A value without expressions: evaluates to itself."""

    value: Any

    def evaluate(self, ctx: ExpressionContext) -> Any:
        # Callers do not mutate evaluated values, so sharing the object is safe.
        return self.value

    def expressions(self) -> list[RuntimeExpression]:
        return []


@dataclass(frozen=True, slots=True)
class Whole:
    """A string that is one expression: the value keeps its type."""

    expression: RuntimeExpression

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.expression.evaluate(ctx)

    def expressions(self) -> list[RuntimeExpression]:
        return [self.expression]


@dataclass(frozen=True, slots=True)
class Template:
    """Text with embedded expressions: the result is always a string."""

    parts: tuple[str | RuntimeExpression, ...]

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return "".join(
            part if isinstance(part, str) else value_to_text(part.evaluate(ctx))
            for part in self.parts
        )

    def expressions(self) -> list[RuntimeExpression]:
        return [part for part in self.parts if isinstance(part, RuntimeExpression)]


@dataclass(frozen=True, slots=True)
class Object:
    """A mapping with at least one expression among its values."""

    items: tuple[tuple[Any, CompiledValue], ...]

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return {key: value.evaluate(ctx) for key, value in self.items}

    def expressions(self) -> list[RuntimeExpression]:
        return [expr for _, value in self.items for expr in value.expressions()]


@dataclass(frozen=True, slots=True)
class Array:
    """A list with at least one expression among its items."""

    items: tuple[CompiledValue, ...]

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return [item.evaluate(ctx) for item in self.items]

    def expressions(self) -> list[RuntimeExpression]:
        return [expr for item in self.items for expr in item.expressions()]


SelectorHook = Callable[[Mapping[str, Any]], "CompiledValue | None"]
"""Compiles a mapping written as an Arazzo 1.1 Selector Object, or gives None for any other.

The criteria layer implements Selector Objects (they run JSONPath and XPath);
the builder passes its hook for 1.1 documents only, so 1.0 documents keep every
mapping a literal.
"""


def compile_value(value: Any, selectors: SelectorHook | None = None) -> CompiledValue:
    """Compile a document value; see "Strings in values" in docs/semantics.md.

    With ``selectors``, a mapping the hook recognises (at any depth) is compiled
    by it. An :class:`ExpressionError` it raises gets, as its ``field``, the JSON
    pointer from ``value`` to the field that is wrong (``/invoiceId/selector``).
    """
    if isinstance(value, str):
        return _compile_string(value)
    if isinstance(value, Mapping):
        if selectors is not None:
            selected = _at("", lambda: selectors(value))
            if selected is not None:
                return selected
        items = tuple(
            (key, _compile_member(str(key), item, selectors)) for key, item in value.items()
        )
        if all(isinstance(item, Literal) for _, item in items):
            return Literal(value)
        return Object(items)
    if isinstance(value, list):
        elements = tuple(
            _compile_member(str(index), item, selectors) for index, item in enumerate(value)
        )
        if all(isinstance(item, Literal) for item in elements):
            return Literal(value)
        return Array(elements)
    return Literal(value)


def _compile_member(token: str, value: Any, selectors: SelectorHook | None) -> CompiledValue:
    if selectors is None:  # no Selector Objects, so no field to locate (Arazzo 1.0)
        return compile_value(value)
    return _at(token, lambda: compile_value(value, selectors))


_T = TypeVar("_T")


def _at(token: str, compile_: Callable[[], _T]) -> _T:
    """Run ``compile_``; a selector's error is located one member deeper, at ``token``."""
    try:
        return compile_()
    except ExpressionError as exc:
        if exc.field is not None and (token or not exc.field.startswith("/")):
            prefix = "/" + escape_pointer_token(token) if token else ""
            exc.field = prefix + (exc.field if exc.field.startswith("/") else "/" + exc.field)
        raise


def _compile_string(text: str) -> CompiledValue:
    if "$" not in text:
        return Literal(text)
    if text.startswith("$"):
        try:
            return Whole(parse_expression(text))
        except ExpressionError:
            pass  # not one expression; it may still be text with expressions inside
    if text.startswith("{$") and text.find("}") == len(text) - 1:
        return Whole(parse_between(text, 1, len(text) - 1))
    return compile_template(text)


def compile_template(text: str, *, bare: bool = True) -> CompiledValue:
    """Compile text with embedded ``{$...}`` expressions; the result is always a string.

    With ``bare`` (the default), ``$inputs.token`` written without braces is embedded
    too. Criteria turn it off for regex and JSONPath conditions, where ``$`` is syntax.
    """
    parts = _template_parts(text, bare=bare)
    if not any(isinstance(part, RuntimeExpression) for part in parts):
        return Literal(text)
    return Template(tuple(parts))


def template_placeholders(text: str, placeholder: str, *, bare: bool = True) -> str:
    """``text`` with each embedded expression replaced by ``placeholder``.

    Lets a condition whose final text is only known at run time (a JSONPath or XPath
    query with ``{$...}`` inside) still be syntax-checked when the document loads.
    """
    parts = _template_parts(text, bare=bare)
    return "".join(part if isinstance(part, str) else placeholder for part in parts)


_EMBED_START = re.compile(r"\{\$|\$")


def _template_parts(text: str, *, bare: bool) -> list[str | RuntimeExpression]:
    parts: list[str | RuntimeExpression] = []
    literal_from = 0  # start of the literal text not yet emitted
    search_from = 0
    while (match := _EMBED_START.search(text, search_from)) is not None:
        found = _embedded_at(text, match.start(), braced=match.group() == "{$", bare=bare)
        if found is None:
            search_from = match.start() + 1
            continue
        expression, end = found
        if match.start() > literal_from:
            parts.append(text[literal_from : match.start()])
        parts.append(expression)
        literal_from = search_from = end
    if literal_from < len(text):
        parts.append(text[literal_from:])
    return parts


def _embedded_at(
    text: str, at: int, *, braced: bool, bare: bool
) -> tuple[RuntimeExpression, int] | None:
    """The expression embedded at ``text[at]`` and where it ends, if there is one."""
    if braced:
        close = text.find("}", at + 2)
        if close < 0:
            raise ExpressionError(
                "'{$' opens an embedded expression but there is no closing '}'",
                text=text,
                position=at,
                hint="close it: {$inputs.name}",
            )
        return parse_between(text, at + 1, close), close + 1
    # "US$inputs" or "a_$steps" is a word that happens to contain '$', not an expression.
    if not bare or (at > 0 and text[at - 1] in WORD_CHARS):
        return None
    return scan_expression(text, at)
