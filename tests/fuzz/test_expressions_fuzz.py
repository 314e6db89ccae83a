"""Fuzzing the runtime-expression parser: any text gives a value or an ExpressionError."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from arazzo_runner.errors import ArazzoError
from arazzo_runner.expressions import (
    UnresolvedReference,
    compile_template,
    compile_value,
    parse_expression,
    scan_expression,
)
from tests._support.strategies import FUZZ, expression_text, fixed_context, json_values

# Each property runs FUZZ_EXAMPLES (300) generated cases: seconds per test.
pytestmark = pytest.mark.slow

CONTEXT = fixed_context()


def evaluates_cleanly(compiled: Any) -> None:
    """Evaluation may find nothing there (UnresolvedReference), and nothing else goes wrong."""
    with contextlib.suppress(UnresolvedReference):
        compiled.evaluate(CONTEXT)


@FUZZ
@given(expression_text)
@example("$response.body#/a~1b/~0")
@example("$steps..outputs")
@example("$request.header.")
def test_parse_expression_returns_or_raises_an_arazzo_error(text: str) -> None:
    try:
        expression = parse_expression(text)
    except ArazzoError:
        return
    evaluates_cleanly(compile_value(text))
    assert expression is not None


@FUZZ
@given(expression_text, st.data())
def test_scan_expression_stays_inside_the_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    try:
        found = scan_expression(text, start)
    except ArazzoError:
        return
    if found is not None:
        _, end = found
        assert start < end <= len(text)


@FUZZ
@given(expression_text, st.booleans())
@example("{$inputs.id}-{$response.body#/items/0/n}", True)
@example("{$inputs.id", False)
def test_compile_template_returns_or_raises_an_arazzo_error(text: str, bare: bool) -> None:
    try:
        compiled = compile_template(text, bare=bare)
    except ArazzoError:
        return
    evaluates_cleanly(compiled)


@FUZZ
@given(json_values)
def test_compile_value_and_evaluate(value: Any) -> None:
    try:
        compiled = compile_value(value)
    except ArazzoError:
        return
    evaluates_cleanly(compiled)
