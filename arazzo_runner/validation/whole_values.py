"""Values that start like one runtime expression but are not one (``whole.py``).

An output must be an expression: ``$response.body[0].id`` there is an error
(``partial-expression``), since the run would store the body's text followed
by ``[0].id``. In a parameter or a body the same value is sent that way, which
is a warning (``text-after-expression``). A value with a root the grammar does
not have (``$datetime.iso8601``) is sent as literal text (``unknown-expression-root``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..document import Workflow, join_pointer
from ..expressions.whole import WholeValueReading, read_whole_value
from .context import LintContext
from .walk import walk_values

_ROOTS = (
    "$url, $method, $statusCode, $request., $response., $inputs., $outputs., $steps., "
    "$workflows., $sourceDescriptions., $components."
)

_LATER_ROOTS = frozenset({"$message", "$self"})


def check_whole_values(ctx: LintContext, workflow: Workflow) -> None:
    for site in walk_values(workflow):
        for pointer, text in _strings(ctx.raw(site.pointer), site.pointer):
            reading = read_whole_value(text)
            if reading is not None:
                _report(ctx, reading, text, pointer, is_output=not site.nested)


def _report(
    ctx: LintContext, reading: WholeValueReading, text: str, pointer: str, *, is_output: bool
) -> None:
    what = "the output is" if is_output else "it is sent as"
    if reading.kind == "unknown-root":
        why = (
            "an Arazzo 1.1 root, and this document declares Arazzo 1.0"
            if reading.expression in _LATER_ROOTS
            else "not one of their roots"
        )
        ctx.report(
            "unknown-expression-root",
            pointer,
            f"'{text}' is not a runtime expression ({reading.expression} is {why}): "
            f"{what} this literal text",
            hint=f"declare arazzo: 1.1.0 to use {reading.expression}; "
            "if the text is meant, leave it"
            if reading.expression in _LATER_ROOTS
            else f"runtime expressions start with {_ROOTS}; if the text is meant, leave it",
            text=text,
        )
        return
    if reading.kind == "comparison":
        message = f"'{text}' is a comparison, which a value cannot be"
        hint = (
            f"a value selects data (write {reading.expression}); a comparison belongs in "
            "successCriteria or an action's criteria"
        )
    else:
        message = f"'{text}' is not one runtime expression"
        hint = _pointer_hint(reading)
    ctx.report(
        "partial-expression" if is_output else "text-after-expression",
        pointer,
        f"{message}: {what} the value of {reading.expression} followed by the text "
        f"'{reading.rest}'",
        hint=hint,
        text=text,
    )


def _pointer_hint(reading: WholeValueReading) -> str:
    if reading.suggestion is not None:
        return f"select inside a value with a JSON Pointer after '#': {reading.suggestion}"
    return (
        f"{reading.expression} cannot select '{reading.rest}': a JSON Pointer after '#' "
        "selects one member or index (#/0/id), with no wildcards or filters"
    )


def _strings(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, join_pointer(pointer, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, join_pointer(pointer, index))
