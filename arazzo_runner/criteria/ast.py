"""The nodes of a parsed simple condition; each evaluates itself.

``evaluate`` gives a node's value, ``resolve`` also says why a value is null when
data is missing, and ``explain`` writes the sentence a failed criterion reports.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..expressions import ExpressionContext, RuntimeExpression, UnresolvedReference
from .compare import compare
from .outcome import render

__all__ = [
    "And",
    "Comparison",
    "Condition",
    "Index",
    "Literal",
    "Member",
    "Not",
    "Or",
    "Reference",
]


class Condition(ABC):
    """A node of a simple condition. ``source`` is the text it was parsed from."""

    source: str

    @abstractmethod
    def evaluate(self, ctx: ExpressionContext) -> Any:
        """The node's value; raises UnresolvedReference only when a source is missing."""

    def resolve(self, ctx: ExpressionContext) -> tuple[Any, str | None]:
        """The value, and why it is null when it is null because data is missing."""
        return self.evaluate(ctx), None

    def explain(self, ctx: ExpressionContext) -> str:
        """Why this node, as a whole condition, is not true."""
        value, missing = self.resolve(ctx)
        shown = f"missing ({missing})" if missing else render(value)
        return f"{self.source} is {shown}; a condition passes only when it is true"

    def expressions(self) -> list[RuntimeExpression]:
        return []


@dataclass(frozen=True, slots=True)
class Literal(Condition):
    source: str
    value: Any

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class Reference(Condition):
    """A runtime expression used as an operand."""

    source: str
    expression: RuntimeExpression

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.resolve(ctx)[0]

    def resolve(self, ctx: ExpressionContext) -> tuple[Any, str | None]:
        try:
            return self.expression.evaluate(ctx), None
        except UnresolvedReference as exc:
            # Absent data reads as null ("$response.body#/token != null"); an absent
            # source (no response, step never ran) cannot be judged, so it propagates.
            if exc.source_missing:
                raise
            return None, exc.reason

    def expressions(self) -> list[RuntimeExpression]:
        return [self.expression]


@dataclass(frozen=True, slots=True)
class Member(Condition):
    """``target.name``: an object member, or an array element for a digit name."""

    source: str
    target: Condition
    name: str

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.resolve(ctx)[0]

    def resolve(self, ctx: ExpressionContext) -> tuple[Any, str | None]:
        value, missing = self.target.resolve(ctx)
        if missing:
            return None, missing
        key: int | str = int(self.name) if self.name.isdigit() else self.name
        return _lookup(value, key, self.target.source)

    def expressions(self) -> list[RuntimeExpression]:
        return self.target.expressions()


@dataclass(frozen=True, slots=True)
class Index(Condition):
    """``target[0]`` (array element) or ``target['name']`` (object member)."""

    source: str
    target: Condition
    key: int | str

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.resolve(ctx)[0]

    def resolve(self, ctx: ExpressionContext) -> tuple[Any, str | None]:
        value, missing = self.target.resolve(ctx)
        if missing:
            return None, missing
        return _lookup(value, self.key, self.target.source)

    def expressions(self) -> list[RuntimeExpression]:
        return self.target.expressions()


def _lookup(value: Any, key: int | str, where: str) -> tuple[Any, str | None]:
    if isinstance(value, Mapping):
        if str(key) in value:
            return value[str(key)], None
        return None, f"no member '{key}' in {where}"
    if isinstance(value, list | tuple) and isinstance(key, int):
        if key < len(value):
            return value[key], None
        return None, f"index {key} out of range (length {len(value)}) in {where}"
    return None, f"cannot look up {key!r} in {where}, which is {render(value)}"


@dataclass(frozen=True, slots=True)
class Not(Condition):
    source: str
    operand: Condition

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.operand.evaluate(ctx) is not True

    def explain(self, ctx: ExpressionContext) -> str:
        return f"{self.source} is false because {self.operand.source} is true"

    def expressions(self) -> list[RuntimeExpression]:
        return self.operand.expressions()


@dataclass(frozen=True, slots=True)
class And(Condition):
    source: str
    left: Condition
    right: Condition

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.left.evaluate(ctx) is True and self.right.evaluate(ctx) is True

    def explain(self, ctx: ExpressionContext) -> str:
        # The first operand that is not true is the reason (the evaluation short-circuits
        # the same way, so the right side may never have been looked at).
        if self.left.evaluate(ctx) is not True:
            return self.left.explain(ctx)
        return self.right.explain(ctx)

    def expressions(self) -> list[RuntimeExpression]:
        return self.left.expressions() + self.right.expressions()


@dataclass(frozen=True, slots=True)
class Or(Condition):
    source: str
    left: Condition
    right: Condition

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.left.evaluate(ctx) is True or self.right.evaluate(ctx) is True

    def explain(self, ctx: ExpressionContext) -> str:
        return f"{self.left.explain(ctx)}; and {self.right.explain(ctx)}"

    def expressions(self) -> list[RuntimeExpression]:
        return self.left.expressions() + self.right.expressions()


@dataclass(frozen=True, slots=True)
class Comparison(Condition):
    source: str
    operator: str
    left: Condition
    right: Condition

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return compare(self.operator, self.left.evaluate(ctx), self.right.evaluate(ctx))

    def explain(self, ctx: ExpressionContext) -> str:
        described = [_describe(operand, ctx) for operand in (self.left, self.right)]
        details = "; ".join(text for text in described if text)
        return f"{self.source} is false" + (f" ({details})" if details else "")

    def expressions(self) -> list[RuntimeExpression]:
        return self.left.expressions() + self.right.expressions()


def _describe(operand: Condition, ctx: ExpressionContext) -> str | None:
    """``$statusCode is 401`` -- what an operand turned out to be (literals need no words)."""
    if isinstance(operand, Literal):
        return None
    value, missing = operand.resolve(ctx)
    if missing:
        return f"{operand.source} is missing: {missing}"
    return f"{operand.source} is {render(value)}"
