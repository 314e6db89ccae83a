"""What regex, JSONPath and XPath criteria share: a query run against a context value.

The condition is compiled once when it is fixed text. One with embedded ``{$...}``
expressions is only complete at run time: it is kept as a template, syntax-checked
with a placeholder in place of each expression when the document loads, and
compiled at every check.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from ..errors import ExpressionError
from ..expressions import (
    CompiledValue,
    ExpressionContext,
    RuntimeExpression,
    UnresolvedReference,
    compile_template,
    parse_expression,
    template_placeholders,
)
from ..jsontypes import json_text
from .outcome import CriterionOutcome, failure, render

__all__ = ["QueryCriterion", "Unusable", "compile_query_criterion", "parse_context"]

Query = TypeVar("Query")

# Stands in for each {$...} when a templated condition is syntax-checked at load time:
# a number is valid both as a JSONPath/XPath operand and inside a quoted string.
_PLACEHOLDER = "0"


class Unusable(Exception):
    """The context value cannot be queried, or the filled-in query does not compile.

    Either way the check fails with this text; it is not an error in the document.
    """


@dataclass(frozen=True)
class QueryCriterion(ABC, Generic[Query]):
    """A criterion that runs a query (a pattern, a JSONPath, an XPath) on its context."""

    context: RuntimeExpression
    # Compiled once when the condition is fixed, else rebuilt from `template` per check.
    query: Query | None
    template: CompiledValue | None
    version: str | None = None

    # The criterion type, as messages name it ("a jsonpath criterion needs a context").
    kind: ClassVar[str]
    # What the context is for, completing "needs a context: ...".
    context_role: ClassVar[str]
    # What a condition is, for compile_filled's "... is not a valid ...".
    query_name: ClassVar[str]
    # Whether a templated condition is syntax-checked with placeholders when loading.
    checks_skeleton: ClassVar[bool] = True

    @staticmethod
    @abstractmethod
    def compile_query(text: str, version: str | None) -> Query:
        """Compile a condition; :class:`ExpressionError` when it is malformed."""

    @abstractmethod
    def subject(self, ctx: ExpressionContext) -> Any:
        """The context value, ready to be queried; raises :class:`Unusable` if it cannot be."""

    @abstractmethod
    def judge(self, query: Query, subject: Any) -> CriterionOutcome:
        """Run ``query`` on ``subject`` and say whether the criterion passed, and why."""

    def check(self, ctx: ExpressionContext) -> CriterionOutcome:
        try:
            subject = self.subject(ctx)
            query = self.query_for(ctx)
        except (UnresolvedReference, Unusable) as exc:
            return failure(str(exc))
        return self.judge(query, subject)

    def query_for(self, ctx: ExpressionContext) -> Query:
        """The fixed query, or the template filled in from ``ctx`` and compiled."""
        if self.query is not None:
            return self.query
        assert self.template is not None
        return self.compile_filled(self.template.evaluate(ctx))

    def compile_filled(self, text: str) -> Query:
        """Compile a condition whose expressions were filled in; :class:`Unusable` if bad."""
        try:
            return self.compile_query(text, self.version)
        except ExpressionError as exc:
            raise Unusable(
                f"{render(text)} is not a valid {self.query_name}: {exc.message}"
            ) from None

    def expressions(self) -> list[RuntimeExpression]:
        embedded = self.template.expressions() if self.template is not None else []
        return [self.context, *embedded]


def compile_query_criterion(
    criterion: type[QueryCriterion[Query]],
    condition: str,
    context: str | None,
    version: str | None,
) -> QueryCriterion[Query]:
    """Compile a criterion of class ``criterion``: its query now, or its template."""
    parsed_context = _require_context(criterion, context)
    # Only braced {$...} expressions are substituted: a bare '$' is syntax in all
    # three languages (the end anchor, the JSONPath root, an XPath variable).
    template = compile_template(condition, bare=False)
    if template.expressions():
        if criterion.checks_skeleton:
            _check_skeleton(condition, lambda text: criterion.compile_query(text, version))
        return criterion(parsed_context, None, template, version)
    return criterion(parsed_context, criterion.compile_query(condition, version), None, version)


def _require_context(
    criterion: type[QueryCriterion[Any]], context: str | None
) -> RuntimeExpression:
    # Both specification versions say the context MUST be given once a type is; a
    # guessed default could silently query the wrong value.
    if context is None:
        raise ExpressionError(
            f"a {criterion.kind} criterion needs a context: {criterion.context_role}",
            hint="add for example: context: $response.body",
            field="context",
        )
    return parse_context(context)


def _check_skeleton(condition: str, compile_query: Callable[[str], object]) -> None:
    """Syntax-check a templated condition with each ``{$...}`` replaced by a placeholder."""
    skeleton = template_placeholders(condition, _PLACEHOLDER, bare=False)
    try:
        compile_query(skeleton)
    except ExpressionError as exc:
        raise ExpressionError(
            f"{exc.message} (checked with each {{$...}} replaced by {_PLACEHOLDER})",
            text=skeleton,
            position=exc.position,
            hint=exc.hint,
        ) from None


def parse_context(context: str) -> RuntimeExpression:
    """A criterion's ``context`` field: one runtime expression, braced or not."""
    if not isinstance(context, str):
        raise ExpressionError(
            f"a criterion context must be a string, not {json_text(context)}", field="context"
        )
    # The field is typed {expression}; accept the braced spelling as well.
    braced = context.startswith("{$") and context.endswith("}")
    try:
        return parse_expression(context[1:-1] if braced else context)
    except ExpressionError as exc:
        position = exc.position + 1 if braced and exc.position is not None else exc.position
        raise ExpressionError(
            exc.message, text=context, position=position, hint=exc.hint, field="context"
        ) from None
