"""How the criteria modules fit together: operator precedence, the shared query
base, the Goessner dialect's parser and the names imported on first use."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from arazzo_runner import criteria
from arazzo_runner.criteria import And, Literal, Or, compile_criterion, compile_jsonpath
from arazzo_runner.criteria.jsonpath import JsonPathCriterion
from arazzo_runner.criteria.query import QueryCriterion
from arazzo_runner.criteria.simple import RegexCriterion
from arazzo_runner.criteria.xpath import XPathCriterion
from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import ExpressionContext

GOESSNER = "draft-goessner-dispatch-jsonpath-00"


def truth(source: str, value: bool) -> Literal:
    return Literal(source, value)


def test_mixed_logical_chain_groups_and_before_or_with_exact_sources() -> None:
    tree = criteria.parse_condition("true && false || true && true || false")
    t, f = truth("true", True), truth("false", False)
    assert tree == Or(
        "true && false || true && true || false",
        Or("true && false || true && true", And("true && false", t, f), And("true && true", t, t)),
        f,
    )


def test_parentheses_restart_precedence() -> None:
    tree = criteria.parse_condition("true && (false || true)")
    t, f = truth("true", True), truth("false", False)
    assert tree == And("true && (false || true)", t, Or("false || true", f, t))


@pytest.mark.parametrize(
    ("type_", "condition"),
    [("regex", "^2"), ("jsonpath", "$.a"), ("xpath", "/a")],
)
def test_query_criteria_share_one_base(type_: str, condition: str) -> None:
    fixed = compile_criterion(condition, type_, "$response.body")
    templated = compile_criterion(condition + "{$inputs.x}", type_, "$response.body")
    assert isinstance(fixed, QueryCriterion) and isinstance(templated, QueryCriterion)
    assert fixed.query is not None and fixed.template is None
    assert templated.query is None and templated.template is not None


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        (
            RegexCriterion,
            "a regex criterion needs a context: the value the pattern is matched against",
        ),
        (
            JsonPathCriterion,
            "a jsonpath criterion needs a context: the value the jsonpath condition is applied to",
        ),
        (
            XPathCriterion,
            "a xpath criterion needs a context: the value the xpath condition is applied to",
        ),
    ],
)
def test_each_query_criterion_says_what_its_context_is_for(criterion: Any, expected: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("x", criterion.kind)
    assert info.value.message == expected
    assert info.value.field == "context"


def test_a_templated_regex_is_not_checked_with_placeholders() -> None:
    # '0' in place of the name would make the group name invalid; the pattern is
    # only judged once its value is known.
    compiled = compile_criterion("(?P<{$inputs.name}>x)", "regex", "$inputs.text")
    assert compiled.check(ExpressionContext(inputs={"name": "g", "text": "x"})).passed


@pytest.mark.parametrize(
    ("query", "body", "selected"),
    [
        ("$.a.length", {"a": [1, 2]}, [2]),
        ("$.a['length']", {"a": [1, 2, 3]}, [3]),
        ("$..length", {"a": "abcd"}, [4]),
        ("$.a[?(@.length > 1)]", {"a": [[1], [1, 2]]}, [[1, 2]]),
    ],
)
def test_goessner_length_in_every_position(query: str, body: Any, selected: list[Any]) -> None:
    assert compile_jsonpath(query, GOESSNER).select(body) == selected


def test_strict_jsonpath_keeps_length_a_member_name() -> None:
    assert compile_jsonpath("$.a['length']").select({"a": [1, 2, 3]}) == []


def test_a_type_object_whose_type_is_not_a_string_is_refused() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("$.a", {"type": ["jsonpath"], "version": GOESSNER}, "$response.body")
    assert info.value.field == "type"
    assert 'not ["jsonpath"]' in info.value.message


def test_names_imported_on_first_use() -> None:
    assert {"compile_jsonpath", "compile_xpath", "JsonPathQuery", "XPathQuery"} <= set(
        dir(criteria)
    )
    with pytest.raises(AttributeError):
        criteria.no_such_name  # noqa: B018


def test_importing_the_package_imports_no_query_library() -> None:
    code = (
        "import sys\n"
        "import arazzo_runner.criteria\n"
        "print([name for name in ('jsonpath', 'lxml', 'elementpath') if name in sys.modules])"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert completed.stdout.strip() == "[]"
