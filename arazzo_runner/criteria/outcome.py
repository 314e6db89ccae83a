"""What checking a criterion produces, and how its messages show values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..expressions import ExpressionContext, RuntimeExpression, value_to_text

__all__ = [
    "CompiledCriterion",
    "CriterionOutcome",
    "counted",
    "failure",
    "render",
    "render_list",
]


@dataclass(frozen=True)
class CriterionOutcome:
    """Whether a criterion passed, and a sentence saying why (or why not)."""

    passed: bool
    detail: str


class CompiledCriterion(Protocol):
    """A Criterion Object compiled once; ``check`` it against as many contexts as needed."""

    def check(self, ctx: ExpressionContext) -> CriterionOutcome: ...

    def expressions(self) -> list[RuntimeExpression]: ...


def failure(detail: str) -> CriterionOutcome:
    return CriterionOutcome(False, detail)


# Long enough for a status text or an id, short enough to keep a message on a line.
_MAX_RENDERED = 80
# How many selected nodes or items a message lists before "... N more".
_MAX_LISTED = 3


def render(value: Any) -> str:
    """A value as a failure message shows it: strings quoted, long ones shortened."""
    text = f"'{value}'" if isinstance(value, str) else value_to_text(value)
    if len(text) > _MAX_RENDERED:
        text = text[: _MAX_RENDERED - 3] + "..."
    return text


def render_list(items: Sequence[Any], render_item: Callable[[Any], str] = render) -> str:
    """``[1, 2, 3, ... 4 more]``: the first few items, and how many were left out."""
    shown = ", ".join(render_item(item) for item in items[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return f"[{shown}{f', ... {more} more' if more > 0 else ''}]"


def counted(items: Sequence[Any], noun: str) -> str:
    """``1 node``, ``3 nodes``."""
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"
