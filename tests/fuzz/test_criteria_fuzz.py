"""Fuzzing conditions and criteria: malformed text is an ExpressionError, never a crash."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from arazzo_runner.criteria import compile_criterion, parse_condition
from arazzo_runner.errors import ArazzoError
from arazzo_runner.expressions import UnresolvedReference
from tests._support.strategies import FUZZ, expression_text, fixed_context

# Each property runs FUZZ_EXAMPLES (300) generated cases: seconds per test.
pytestmark = pytest.mark.slow

CONTEXT = fixed_context()

criterion_types: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([None, "simple", "regex", "jsonpath", "xpath", "nonsense", ""]),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["jsonpath", "xpath", "regex"]),
            "version": st.sampled_from(["draft-goessner-dispatch-jsonpath-00", "xpath-30", "x"]),
        }
    ),
)


@FUZZ
@given(expression_text)
@example("$statusCode == 200 && ($response.body#/flag || !$inputs.flag)")
@example("$inputs.list[1] == '2'")
@example("((((")
def test_parse_condition_returns_or_raises_an_arazzo_error(text: str) -> None:
    try:
        condition = parse_condition(text)
    except ArazzoError:
        return
    with contextlib.suppress(UnresolvedReference):
        condition.evaluate(CONTEXT)


@FUZZ
@given(expression_text, criterion_types, st.one_of(st.none(), expression_text))
@example("^ok$", "regex", "$response.body#/state")
@example("$[?(@.n > 1)]", "jsonpath", "$response.body#/items")
@example("$.items.length", {"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"},
         "$response.body")  # fmt: skip
def test_compile_criterion_and_check(condition: str, type_: Any, context: str | None) -> None:
    try:
        compiled = compile_criterion(condition, type_, context)
    except ArazzoError:
        return
    with contextlib.suppress(UnresolvedReference):
        compiled.check(CONTEXT)
