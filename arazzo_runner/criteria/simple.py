"""Simple criteria (a parsed condition) and regex criteria (a pattern on the context)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ExpressionError
from ..expressions import ExpressionContext, RuntimeExpression, UnresolvedReference, value_to_text
from .ast import Condition
from .outcome import CompiledCriterion, CriterionOutcome, failure, render
from .parser import parse_condition
from .query import QueryCriterion, Unusable, compile_query_criterion, parse_context

__all__ = ["RegexCriterion", "SimpleCriterion", "compile_regex", "compile_simple"]


@dataclass(frozen=True)
class SimpleCriterion:
    """A simple condition, parsed once; checking it only evaluates the AST."""

    condition: Condition
    # Simple conditions do not use a context; it is still parsed so mistakes surface.
    context: RuntimeExpression | None = None

    def check(self, ctx: ExpressionContext) -> CriterionOutcome:
        try:
            if self.condition.evaluate(ctx) is True:
                return self._passed
            return failure(self.condition.explain(ctx))
        except UnresolvedReference as exc:
            return failure(str(exc))

    @functools.cached_property
    def _passed(self) -> CriterionOutcome:
        # Always the same (and immutable): made once instead of on every check.
        return CriterionOutcome(True, f"{self.condition.source} is true")

    def expressions(self) -> list[RuntimeExpression]:
        extra = [self.context] if self.context is not None else []
        return self.condition.expressions() + extra


def compile_simple(condition: str, context: str | None, version: str | None) -> CompiledCriterion:
    parsed_context = parse_context(context) if context is not None else None
    return SimpleCriterion(parse_condition(condition), parsed_context)


@dataclass(frozen=True)
class RegexCriterion(QueryCriterion[re.Pattern[str]]):
    """A Python regular expression searched for in the context value, as text."""

    kind: ClassVar[str] = "regex"
    context_role: ClassVar[str] = "the value the pattern is matched against"
    # A stand-in for an embedded value can break a pattern that is valid once
    # filled in (a group name, a repetition count), so only the full one is checked.
    checks_skeleton: ClassVar[bool] = False

    @staticmethod
    def compile_query(text: str, version: str | None) -> re.Pattern[str]:
        try:
            return re.compile(text)
        except re.error as exc:
            raise ExpressionError(
                f"invalid regular expression: {exc.msg}",
                text=text,
                position=exc.pos,
                hint="regex conditions use Python's re syntax; escape literal characters with \\",
            ) from None

    def compile_filled(self, text: str) -> re.Pattern[str]:
        # A failed check has no caret to point with, so re's own message, which
        # names the position, is shown instead of the load-time wording.
        try:
            return re.compile(text)
        except re.error as exc:
            raise Unusable(f"/{text}/ is not a valid regular expression: {exc}") from None

    def subject(self, ctx: ExpressionContext) -> Any:
        return self.context.evaluate(ctx)

    def judge(self, query: re.Pattern[str], subject: Any) -> CriterionOutcome:
        if subject is None:
            return failure(f"{self.context.text} is null, so /{query.pattern}/ cannot match")
        text = value_to_text(subject)
        if query.search(text):
            return CriterionOutcome(True, f"{render(text)} matches /{query.pattern}/")
        return failure(
            f"{self.context.text} is {render(text)}, which does not match /{query.pattern}/"
        )


def compile_regex(condition: str, context: str | None, version: str | None) -> CompiledCriterion:
    return compile_query_criterion(RegexCriterion, condition, context, version)
