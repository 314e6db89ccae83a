"""Selector Objects (Arazzo 1.1): ``{context, selector, type}``, a query that gives a value.

A Selector Object may stand where a value does: a step or workflow output, a
parameter value, a replacement value, anywhere inside a request body's payload.
The builder compiles it once (:func:`compile_selector`, through the hook that
:func:`arazzo_runner.expressions.compile_value` takes); each evaluation only
evaluates the context and runs the compiled query on it.

What a selection gives (docs/semantics.md, "Selector Objects"): one node is
its value, several are an array of their values, none is an absent value,
reported like any expression that names something absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import ExpressionError
from ..expressions import ExpressionContext, RuntimeExpression, UnresolvedReference
from ..jsontypes import json_text
from .outcome import render
from .query import Unusable, parse_context
from .versions import DEFAULT_VERSIONS

__all__ = [
    "SELECTOR_FIELDS",
    "SELECTOR_TYPES",
    "Selector",
    "compile_selector",
    "compile_selector_query",
    "is_selector_object",
    "resolve_selector_type",
]

SELECTOR_FIELDS = frozenset({"context", "selector", "type"})
SELECTOR_TYPES = ("jsonpath", "xpath", "jsonpointer")


class SelectorQuery(Protocol):
    """A compiled JSONPath, XPath or JSON Pointer: what a selection needs of it."""

    text: str


def is_selector_object(value: Any) -> bool:
    """Whether ``value`` is written as a Selector Object: its three fields, and extensions."""
    return (
        isinstance(value, Mapping)
        and value.keys() >= SELECTOR_FIELDS
        and all(key in SELECTOR_FIELDS or str(key).startswith("x-") for key in value)
    )


@dataclass(frozen=True)
class Selector:
    """A compiled Selector Object; a :class:`~arazzo_runner.expressions.CompiledValue`."""

    context: RuntimeExpression
    kind: str
    version: str
    query: Any

    @property
    def text(self) -> str:
        """How messages name it: ``jsonpath '$.id' on $response.body``."""
        return f"{self.kind} {render(self.query.text)} on {self.context.text}"

    def evaluate(self, ctx: ExpressionContext) -> Any:
        value = self.context.evaluate(ctx)
        try:
            items = self.select(value)
        except Unusable as exc:
            raise UnresolvedReference(self.text, str(exc)) from None
        if not items:
            raise UnresolvedReference(self.text, "the selector selects nothing")
        return items[0] if len(items) == 1 else items

    def select(self, value: Any) -> list[Any]:
        """The values the query selects from a context value; :class:`Unusable` if it cannot run."""
        where = self.context.text
        if self.kind == "xpath":
            from .xpath import parse_xml

            return list(self.query.select(parse_xml(where, value)))
        from .pointer import parse_json_text

        document = parse_json_text(where, value)
        if self.kind == "jsonpath":
            from jsonpath import JSONPathError

            try:
                return list(self.query.select(document))
            except (JSONPathError, RecursionError) as exc:
                raise Unusable(f"evaluating {render(self.query.text)} failed: {exc}") from None
        return list(self.query.select(document))

    def expressions(self) -> list[RuntimeExpression]:
        return [self.context]


def resolve_selector_type(type_: Any, owner: str, field: str = "type") -> tuple[str, str]:
    """``(type, version)`` of a selector ``type`` field: a name, or an Expression Type Object."""
    from . import resolve_type_object

    if isinstance(type_, str):
        if type_ not in DEFAULT_VERSIONS:
            valid = ", ".join(f"'{name}'" for name in SELECTOR_TYPES)
            raise ExpressionError(
                f"unknown {owner} type {json_text(type_)}; valid types are {valid}", field=field
            )
        return type_, DEFAULT_VERSIONS[type_]
    if isinstance(type_, Mapping):
        return resolve_type_object(type_, "1.1", owner, field)
    raise ExpressionError(
        f"a {owner} type must be a string or a {{type, version}} object, not {json_text(type_)}",
        field=field,
    )


def compile_selector_query(kind: str, version: str, text: str) -> Any:
    """Compile ``text`` as a query of ``kind`` and ``version``; :class:`ExpressionError` if bad."""
    if kind == "jsonpath":
        from .jsonpath import compile_jsonpath

        return compile_jsonpath(text, version)
    if kind == "xpath":
        from .xpath import compile_xpath

        return compile_xpath(text, version)
    from .pointer import compile_json_pointer

    return compile_json_pointer(text)


def compile_selector(raw: Mapping[str, Any]) -> Selector:
    """Compile a Selector Object; :class:`ExpressionError` naming the field that is wrong."""
    kind, version = resolve_selector_type(raw.get("type"), "selector")
    context = raw.get("context")
    if not isinstance(context, str):
        raise ExpressionError(
            f"a selector's context must be a runtime expression, not {json_text(context)}",
            field="context",
        )
    parsed_context = parse_context(context)
    text = raw.get("selector")
    if not isinstance(text, str):
        raise ExpressionError(
            f"a selector's selector must be a string, not {json_text(text)}", field="selector"
        )
    try:
        query = compile_selector_query(kind, version, text)
    except ExpressionError as exc:
        raise ExpressionError(
            exc.message, text=exc.text, position=exc.position, hint=exc.hint, field="selector"
        ) from None
    return Selector(parsed_context, kind, version, query)
