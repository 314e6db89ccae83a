"""JSONPath criteria: RFC 9535 queries, the root-filter reading, the Goessner draft."""

from __future__ import annotations

import json
from typing import Any

import pytest

from arazzo_runner.criteria import CriterionOutcome, compile_criterion, compile_jsonpath
from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import ExpressionContext, HttpMessage

GOESSNER = {"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"}

PETS = {
    "pets": [
        {"name": "Rex", "status": "available", "tags": ["dog", "big"], "age": 3},
        {"name": "Tom", "status": "sold", "tags": [], "age": 7},
    ],
    "count": 2,
    "ok": True,
}


def response(body: Any, **inputs: Any) -> ExpressionContext:
    return ExpressionContext(
        inputs=inputs,
        status_code=200,
        response=HttpMessage(headers={"Content-Type": "application/json"}, body=body),
    )


def check(
    condition: str,
    body: Any,
    type_: Any = "jsonpath",
    context: str = "$response.body",
    **inputs: Any,
) -> CriterionOutcome:
    return compile_criterion(condition, type_, context).check(response(body, **inputs))


# --------------------------------------------------------------------------- the spec example


def test_spec_example_passes_on_a_body_with_pets() -> None:
    outcome = check("$[?count(@.pets) > 0]", PETS)
    assert outcome.passed
    assert "matched $response.body itself" in outcome.detail


def test_spec_example_fails_without_pets() -> None:
    outcome = check("$[?count(@.pets) > 0]", {"animals": [1]})
    assert not outcome.passed
    assert outcome.detail.startswith("'$[?count(@.pets) > 0]' selected nothing from $response.body")
    assert "neither among its members nor the object itself" in outcome.detail


def test_count_counts_nodes_not_array_elements() -> None:
    # RFC 9535 count() counts nodes: @.pets is one node even when the array is empty.
    assert check("$[?count(@.pets) > 0]", {"pets": []}).passed
    # Asking for at least one element means counting the elements' nodes.
    assert not check("$[?count(@.pets[*]) > 0]", {"pets": []}).passed
    assert check("$[?count(@.pets[*]) > 0]", {"pets": [{"name": "Rex"}]}).passed


def test_root_filter_on_an_object_member_test() -> None:
    # The form published documents use: the body itself is tested.
    body = {"title": "Validation failed", "status": 400}
    assert check("$[?@.title == 'Validation failed']", body).passed
    assert not check("$[?@.title == 'Accepted']", body).passed


def test_root_filter_keeps_rfc_meaning_on_members() -> None:
    # RFC 9535: a filter on $ selects among the root's children; that still passes.
    body = {"a": {"x": 1}, "b": {"x": 2}}
    outcome = check("$[?@.x == 2]", body)
    assert outcome.passed
    assert outcome.detail == """'$[?@.x == 2]' selected 1 node: [{"x":2}]"""


def test_root_filter_on_an_array_selects_elements_only() -> None:
    # An array body is filtered element by element, never as a whole: an empty
    # array has no elements, so even an existence test fails.
    assert not check("$[?@]", []).passed
    assert check("$[?@.age > 5]", PETS["pets"]).passed
    assert not check("$[?@.age > 10]", PETS["pets"]).passed


def test_root_filter_then_further_segments() -> None:
    assert check("$[?@.ok == true].pets[0].name", PETS).passed
    assert not check("$[?@.ok == false].pets[0].name", PETS).passed


# --------------------------------------------------------------------------- truth rule


@pytest.mark.parametrize(
    ("condition", "passed"),
    [
        ("$.pets[*]", True),
        ("$.pets[0].name", True),
        ("$.pets[5]", False),
        ("$.missing", False),
        ("$.pets[?@.status == 'available']", True),
        ("$.pets[?@.status == 'pending']", False),
        ("$.pets[?@.age >= 7]", True),
        ("$.pets[?@.age < 3]", False),
        ("$.pets[?@.age != 3 && @.status == 'sold']", True),
        ("$.pets[?length(@.tags) > 1]", True),
        ("$.pets[?length(@.tags) > 2]", False),
        ("$.pets[?match(@.name, 'R.*')]", True),
        ("$.pets[?search(@.name, 'z')]", False),
        ("$..name", True),
        ("$..nothing", False),
        ("$.count", True),
        # A selected node whose value is false or null still counts: the nodelist is
        # not empty.
        ("$.pets[?@.age == 3].tags[?@ == 'dog']", True),
    ],
)
def test_passes_when_the_nodelist_is_not_empty(condition: str, passed: bool) -> None:
    assert check(condition, PETS).passed is passed


def test_selected_false_and_null_values_pass() -> None:
    assert check("$.flag", {"flag": False}).passed
    assert check("$.value", {"value": None}).passed


def test_success_detail_shows_the_nodes() -> None:
    outcome = check("$.pets[*].name", PETS)
    assert outcome == CriterionOutcome(True, "'$.pets[*].name' selected 2 nodes: ['Rex', 'Tom']")


def test_failure_detail_says_what_was_evaluated() -> None:
    outcome = check("$.pets[?@.status == 'pending']", PETS)
    assert not outcome.passed
    assert outcome.detail.startswith(
        "'$.pets[?@.status == 'pending']' selected nothing from $response.body ("
    )
    assert outcome.detail.endswith("a JSONPath criterion passes when the nodelist is not empty")


def test_details_are_truncated_for_large_bodies() -> None:
    body = {"items": [{"id": index, "text": "x" * 500} for index in range(1000)]}
    failed = check("$.items[?@.id < 0]", body)
    assert not failed.passed
    assert len(failed.detail) < 300
    passed = check("$.items[*].id", body)
    assert passed.passed
    assert passed.detail == "'$.items[*].id' selected 1000 nodes: [0, 1, 2, ... 997 more]"


# --------------------------------------------------------------------------- context


def test_context_can_be_any_expression() -> None:
    ctx = response(PETS, order={"lines": [{"sku": "a"}]})
    compiled = compile_criterion("$.lines[?@.sku == 'a']", "jsonpath", "$inputs.order")
    assert compiled.check(ctx).passed
    compiled = compile_criterion("$[0]", "jsonpath", "$response.body#/pets")
    assert compiled.check(ctx).passed


def test_braced_context() -> None:
    assert check("$.ok", PETS, context="{$response.body}").passed


def test_json_text_body_is_parsed() -> None:
    assert check("$.pets[0].name", json.dumps(PETS)).passed
    assert check("$.pets[0].name", json.dumps(PETS).encode()).passed


def test_non_json_text_fails_clearly() -> None:
    outcome = check("$.a", "<html>oops</html>")
    assert outcome == CriterionOutcome(
        False,
        "$response.body is text that is not JSON ('<html>oops</html>'), "
        "so a JSONPath query cannot run on it",
    )


def test_null_context_fails() -> None:
    outcome = check("$", None)
    assert outcome == CriterionOutcome(
        False, "$response.body is null, so there is nothing to query"
    )


def test_missing_response_fails() -> None:
    outcome = compile_criterion("$.a", "jsonpath", "$response.body").check(ExpressionContext())
    assert outcome == CriterionOutcome(False, "$response.body: there is no response yet")


def test_context_is_required() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("$.a", "jsonpath")
    assert info.value.message == (
        "a jsonpath criterion needs a context: the value the jsonpath condition is applied to"
    )
    assert info.value.field == "context"
    assert info.value.hint == "add for example: context: $response.body"


def test_malformed_context_is_an_error() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("$.a", "jsonpath", "$response.bdy")
    assert info.value.field == "context"


# --------------------------------------------------------------------------- compile time


def test_query_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from arazzo_runner.criteria import jsonpath

    compiled = compile_criterion("$.pets[*]", "jsonpath", "$response.body")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(jsonpath, "compile_jsonpath", fail)
    assert compiled.check(response(PETS)).passed
    assert not compiled.check(response({"pets": []})).passed


@pytest.mark.parametrize(
    ("condition", "position"),
    [
        ("$.pets[?@.age ==]", 16),
        ("$.pets[", 7),
        ("pets[0]", 0),
        (" $.pets", 1),
        ("$.pets[?@.name == \"a']", None),
    ],
)
def test_syntax_errors_are_expression_errors(condition: str, position: int | None) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion(condition, "jsonpath", "$response.body")
    assert info.value.message.startswith("invalid JSONPath query: ")
    assert info.value.text == condition
    if position is not None:
        assert info.value.position == position
    assert info.value.hint


def test_comparison_outside_a_filter_gets_a_hint() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("$.ok == true", "jsonpath", "$response.body")
    assert info.value.message == "invalid JSONPath query: unexpected token '=='"
    assert info.value.position == 5
    assert info.value.hint is not None
    assert "$[?@.ok == true]" in info.value.hint


def test_ill_typed_function_call_is_an_error() -> None:
    # RFC 9535 well-typedness: length() returns a value, not a logical result.
    with pytest.raises(ExpressionError):
        compile_jsonpath("$[?length(@.a)]")


def test_compile_jsonpath_select_is_plain_rfc9535() -> None:
    query = compile_jsonpath("$[?count(@.pets) > 0]")
    assert query.select(PETS) == []
    assert query.select_root_itself(PETS) == [PETS]
    assert compile_jsonpath("$").select("text") == ["text"]
    assert compile_jsonpath("$[0]").select("text") == []


# --------------------------------------------------------------------------- embedded expressions


def test_embedded_expression_is_substituted_per_check() -> None:
    compiled = compile_criterion(
        "$.pets[?@.status == '{$inputs.wanted}']", "jsonpath", "$response.body"
    )
    assert compiled.check(response(PETS, wanted="sold")).passed
    assert not compiled.check(response(PETS, wanted="pending")).passed
    assert [str(expr) for expr in compiled.expressions()] == ["$response.body", "$inputs.wanted"]


def test_embedded_expression_skeleton_is_checked_at_compile_time() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("$.pets[?@.age > {$inputs.n}", "jsonpath", "$response.body")
    assert "checked with each {$...} replaced by 0" in info.value.message
    assert info.value.text == "$.pets[?@.age > 0"


def test_substituted_query_that_does_not_compile_fails_the_check() -> None:
    compiled = compile_criterion("$.pets[?@.age > {$inputs.n}]", "jsonpath", "$response.body")
    assert compiled.check(response(PETS, n=5)).passed
    outcome = compiled.check(response(PETS, n="]"))
    assert not outcome.passed
    assert outcome.detail.startswith("'$.pets[?@.age > ]]' is not a valid JSONPath query")


def test_missing_embedded_input_fails_the_check() -> None:
    compiled = compile_criterion("$.pets[?@.age > {$inputs.n}]", "jsonpath", "$response.body")
    outcome = compiled.check(response(PETS))
    assert outcome == CriterionOutcome(False, "$inputs.n: no input named 'n' was given")


# --------------------------------------------------------------------------- Goessner draft


@pytest.mark.parametrize(
    ("condition", "passed"),
    [
        ("$.pets[?(@.status == 'available')]", True),
        ("$.pets[?(@.status == 'pending')]", False),
        ('$.pets[?(@.status == "sold")]', True),
        ("$.pets[?(@.age > 5)]", True),
        ("$.pets[?(@.age < 3)]", False),
        ("$.pets[?(@.age != 3)].name", True),
        ("$.pets[?(@.tags.length > 1)]", True),
        ("$.pets[?(@.tags.length > 2)]", False),
        ("$.pets.length", True),
        ("$.pets[-1:]", True),
        ("$..tags[0]", True),
        # The form published documents pair with the Goessner version.
        ("$[?@.ok == true]", True),
        ("$[?(@.count == 3)]", False),
    ],
)
def test_goessner_filters(condition: str, passed: bool) -> None:
    assert check(condition, PETS, GOESSNER).passed is passed


def test_goessner_length_reads_arrays_and_strings_but_keeps_members() -> None:
    assert compile_jsonpath("$.a.length", GOESSNER["version"]).select({"a": [1, 2, 3]}) == [3]
    assert compile_jsonpath("$.a.length", GOESSNER["version"]).select({"a": "abcd"}) == [4]
    assert compile_jsonpath("$.a.length", GOESSNER["version"]).select({"a": {"length": 9}}) == [9]
    # RFC 9535 has no such shortcut: .length is a member name.
    assert compile_jsonpath("$.a.length").select({"a": [1, 2, 3]}) == []


def test_rfc9535_accepts_parenthesised_filters_too() -> None:
    # "?(...)" is a parenthesised logical expression in RFC 9535 as well.
    assert check("$.pets[?(@.status == 'sold')]", PETS).passed
    assert not check("$.pets[?(@.status == 'gone')]", PETS).passed


def test_goessner_syntax_errors_are_expression_errors() -> None:
    with pytest.raises(ExpressionError, match="invalid JSONPath query"):
        compile_criterion("$.pets[?(@.age >]", GOESSNER, "$response.body")


def test_evaluation_error_fails_the_check() -> None:
    # The descendant segment stops at a depth limit instead of exhausting the stack.
    body: dict[str, Any] = {}
    node = body
    for _ in range(300):
        node["a"] = {}
        node = node["a"]
    outcome = check("$..x", body)
    assert outcome == CriterionOutcome(False, "evaluating '$..x' failed: recursion limit exceeded")
