"""Criterion Objects: the simple condition language and regex conditions."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner import criteria
from arazzo_runner.criteria import (
    And,
    Comparison,
    CriterionOutcome,
    Index,
    Literal,
    Member,
    Not,
    Or,
    Reference,
    compare,
    compile_criterion,
    parse_condition,
)
from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import ExpressionContext, HttpMessage, parse_expression


@pytest.fixture
def ctx() -> ExpressionContext:
    return ExpressionContext(
        inputs={
            "flag": True,
            "off": False,
            "n": 5,
            "status": "Queued",
            "pattern": "Q.*d",
            "bad": "(",
            "obj": {"a": [1, 2]},
            "same": {"a": [1, 2]},
            "other": {"a": [1, 2.5]},
            "list": [1, 2],
            "long": "x" * 200,
        },
        steps={"getSession": {"outputs": {"state": "open"}}},
        status_code=401,
        response=HttpMessage(
            headers={"X-Count": "10", "X-Flag": "TRUE"},
            body={
                "state": "Open",
                "count": 3,
                "items": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}],
                "data": None,
            },
        ),
    )


def check(condition: str, ctx: ExpressionContext) -> CriterionOutcome:
    return compile_criterion(condition).check(ctx)


def passes(condition: str, ctx: ExpressionContext) -> bool:
    return check(condition, ctx).passed


# --------------------------------------------------------------------------- parsing


def ref(text: str) -> Reference:
    return Reference(text, parse_expression(text))


def lit(source: str, value: Any) -> Literal:
    return Literal(source, value)


def test_parse_simple_comparison() -> None:
    assert parse_condition("$statusCode == 200") == Comparison(
        "$statusCode == 200", "==", ref("$statusCode"), lit("200", 200)
    )


def test_or_binds_looser_than_and() -> None:
    tree = parse_condition("true || false && false")
    assert tree == Or(
        "true || false && false",
        lit("true", True),
        And("false && false", lit("false", False), lit("false", False)),
    )


def test_and_binds_looser_than_comparison() -> None:
    tree = parse_condition("1 == 1 && 2 < 3")
    assert isinstance(tree, And)
    assert isinstance(tree.left, Comparison) and isinstance(tree.right, Comparison)


def test_not_binds_tighter_than_comparison() -> None:
    tree = parse_condition("!$inputs.flag == true")
    assert tree == Comparison(
        "!$inputs.flag == true",
        "==",
        Not("!$inputs.flag", ref("$inputs.flag")),
        lit("true", True),
    )


def test_parentheses_group() -> None:
    tree = parse_condition("(true || false) && false")
    assert isinstance(tree, And)
    assert tree.left == Or("true || false", lit("true", True), lit("false", False))
    assert tree.source == "(true || false) && false"


def test_logical_operators_are_left_associative() -> None:
    tree = parse_condition("$inputs.n == 1 || 2 == 2 || 3 == 3")
    assert isinstance(tree, Or) and isinstance(tree.left, Or)


def test_postfix_member_and_index() -> None:
    tree = parse_condition("$response.body#/items[1].name")
    assert tree == Member(
        "$response.body#/items[1].name",
        Index("$response.body#/items[1]", ref("$response.body#/items"), 1),
        "name",
    )
    assert parse_condition("$inputs.obj['a'][0]") == Index(
        "$inputs.obj['a'][0]", Index("$inputs.obj['a']", ref("$inputs.obj"), "a"), 0
    )


def test_double_negation() -> None:
    assert parse_condition("!!true") == Not("!!true", Not("!true", lit("true", True)))


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("0", 0),
        ("200", 200),
        ("-1", -1),
        ("0.5", 0.5),
        ("-2.25", -2.25),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
        ("2.5e+1", 25.0),
        ("'Queued'", "Queued"),
        ("''", ""),
        ("'it''s'", "it's"),
        ("''''", "'"),
        ("'a == b && c'", "a == b && c"),
        ("true", True),
        ("false", False),
        ("null", None),
    ],
)
def test_literals(source: str, value: Any) -> None:
    tree = parse_condition(source)
    assert tree == Literal(source, value)
    assert type(tree.evaluate(ExpressionContext())) is type(value)


def test_whitespace_is_insignificant(ctx: ExpressionContext) -> None:
    tight = parse_condition("$statusCode==401&&!($inputs.n<3)")
    loose = parse_condition("  $statusCode  ==\t401 &&\n ! ( $inputs.n < 3 )  ")
    assert tight.evaluate(ctx) is True
    assert loose.evaluate(ctx) is True


def test_whole_condition_may_be_wrapped_in_braces(ctx: ExpressionContext) -> None:
    assert parse_condition("{$statusCode == 401}") == parse_condition("$statusCode == 401")
    assert passes("{$statusCode == 401}", ctx)
    assert passes("{ $statusCode == 401 && true }", ctx)


def test_braced_expression_operand(ctx: ExpressionContext) -> None:
    tree = parse_condition("{$inputs.n} == 5")
    assert tree == Comparison(
        "{$inputs.n} == 5",
        "==",
        Reference("{$inputs.n}", parse_expression("$inputs.n")),
        lit("5", 5),
    )
    assert passes("{$inputs.n} == 5 && {$statusCode} == 401", ctx)
    assert passes("{$response.body#/state} == 'open'", ctx)


def test_property_names_may_be_keywords(ctx: ExpressionContext) -> None:
    context = ExpressionContext(inputs={"o": {"null": 1, "true": 2}})
    assert passes("($inputs.o).null == 1 && ($inputs.o).true == 2", context)


@pytest.mark.parametrize(
    ("condition", "message", "position"),
    [
        ("", "empty condition", 0),
        ("   ", "empty condition", 3),
        ("$statusCode ==", "expected an operand after '=='", 14),
        ("$statusCode == 200 &&", "expected an operand after '&&'", 21),
        ("$statusCode == 'abc", "unterminated string starting at column 16", 15),
        ("'it''s", "unterminated string starting at column 1", 0),
        ('$statusCode == "Queued"', "double-quoted strings are not allowed in conditions", 15),
        ("$statusCode == 200 200", "unexpected '200' after a complete condition", 19),
        ("1 == 2 == 3", "comparison operators cannot be chained", 7),
        ("1 < 2 > 0", "comparison operators cannot be chained", 6),
        ("(1 == 1", "expected ')' to close the '(' at column 1, found the end", 7),
        ("(1 == 1))", "unexpected ')' after a complete condition", 8),
        ("$statusCode = 200", "unexpected '='", 12),
        ("1 & 2", "unexpected '&'", 2),
        ("1 | 2", "unexpected '|'", 2),
        ("$statusCode == Queued", "unexpected name 'Queued'", 15),
        ("$statusCode == True", "unexpected name 'True'", 15),
        ("$foo == 1", "unknown runtime expression '$foo'", 0),
        ("$steps. == 1", "expected a step id after '$steps.'", 7),
        ("$inputs == 1", "expected '.' after '$inputs'", 7),
        ("$response.body[x]", "expected a number or a quoted string inside '[ ]', found 'x'", 15),
        ("$response.body[-1]", "an array index must be a whole number from 0 up, not -1", 15),
        ("$response.body[1.5]", "an array index must be a whole number from 0 up, not 1.5", 15),
        ("$response.body[0", "expected ']' to close '[', found the end", 16),
        ("($inputs.o). == 1", "expected a property name after '.', found '=='", 13),
        ("{$statusCode == 1", "expected '}' to close the '{' at column 1, found the end", 17),
        ("1 == {2}", "'{' may only wrap the whole condition", 5),
        ("1 == 01", "malformed number starting '01'", 5),
        ("1 == 2x", "malformed number starting '2x'", 5),
        ("1 == - 2", "unexpected '-'", 5),
        ("1 == #", "unexpected character '#'", 5),
        ("== 1", "expected an operand, found '=='", 0),
        ("!", "expected an operand after '!'", 1),
        ("()", "expected an operand after '(', found ')'", 1),
        (
            "$statusCode == 200 $statusCode",
            "unexpected '$statusCode' after a complete condition",
            19,
        ),
        ("$response.body#/a~2 == 1", "invalid escape '~2' in JSON pointer", 17),
    ],
)
def test_malformed_conditions(condition: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion(condition)
    assert info.value.message == message
    assert info.value.position == position
    assert info.value.text == condition


@pytest.mark.parametrize(
    ("condition", "hint"),
    [
        ('$inputs.s == "Queued"', "use single quotes: 'Queued'"),
        ('$inputs.s == "it\'s"', "use single quotes: 'it''s'"),
        ("$inputs.s == Queued", "string literals need single quotes: 'Queued'"),
        ("$inputs.s == NULL", "literals are lowercase: null"),
        ("$inputs.s = 'a'", "compare with '=='"),
        ("1 == 2 == 3", "combine comparisons with &&"),
        ("$foo == 1", "a runtime expression starts with $url"),
        ("'abc", "close it with '"),
    ],
)
def test_condition_errors_carry_hints(condition: str, hint: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion(condition)
    assert info.value.hint is not None
    assert hint in info.value.hint


def test_condition_error_renders_a_caret() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("$statusCode ==")
    assert info.value.render().endswith("    $statusCode ==\n                  ^")


# --------------------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        # numbers
        ("==", 200, 200, True),
        ("==", 1, 1.0, True),
        ("!=", 200, 201, True),
        ("<", 1, 2, True),
        ("<=", 2, 2, True),
        (">", 2.5, 2, True),
        (">=", 1, 2, False),
        # numeric strings are coerced when compared with numbers
        ("==", "10", 10, True),
        ("==", 10, "10", True),
        (">", "10", 9, True),
        ("<", 9, "10", True),
        ("==", "1e3", 1000, True),
        ("==", " 7 ", 7, True),
        ("==", "2.50", 2.5, True),
        ("==", "abc", 1, False),
        ("!=", "abc", 1, True),
        ("<", "abc", 1, False),
        (">=", "abc", 1, False),
        ("==", "NaN", 1, False),
        ("==", "", 0, False),
        # strings compare case-insensitively, ordering included
        ("==", "Queued", "queued", True),
        ("!=", "Queued", "QUEUED", False),
        ("==", "straße", "STRASSE", True),
        ("<", "apple", "Banana", True),
        (">", "b", "A", True),
        ("<=", "abc", "ABC", True),
        (">=", "a", "B", False),
        ("==", "10", "10.0", False),
        # booleans: equality only, also against the text 'true'/'false'
        ("==", True, True, True),
        ("!=", True, False, True),
        ("<", False, True, False),
        (">=", True, True, False),
        ("==", True, "TRUE", True),
        ("==", "false", False, True),
        ("!=", False, "false", False),
        ("==", True, "yes", False),
        ("!=", True, "yes", True),
        (">", True, "false", False),
        ("==", True, 1, False),
        ("!=", True, 1, True),
        ("==", False, 0, False),
        # null equals only null and is never ordered
        ("==", None, None, True),
        ("!=", None, None, False),
        ("<=", None, None, False),
        ("==", None, 0, False),
        ("!=", None, 0, True),
        ("==", "", None, False),
        ("!=", None, False, True),
        ("<", None, 1, False),
        (">", 1, None, False),
        # objects and arrays: deep JSON equality, never ordered
        ("==", {"a": [1, 2]}, {"a": [1, 2.0]}, True),
        ("==", {"a": [1, 2]}, {"a": [1, 3]}, False),
        ("!=", {"a": 1}, {"a": 1, "b": 2}, True),
        ("==", [1, 2], [1, 2], True),
        ("==", [1, 2], [2, 1], False),
        ("==", [True], [1], False),
        ("==", ["A"], ["a"], False),
        ("==", {}, [], False),
        ("<", [1], [2], False),
        (">=", {"a": 1}, {"a": 1}, False),
        # unrelated types
        ("==", {"a": 1}, "{'a': 1}", False),
        ("!=", [1], 1, True),
        ("<", "1", [1], False),
    ],
)
def test_compare(op: str, left: Any, right: Any, expected: bool) -> None:
    assert compare(op, left, right) is expected


@pytest.mark.parametrize(
    "condition",
    [
        "$statusCode == 401",
        "$statusCode >= 400 && $statusCode < 500",
        "$response.header.X-Count > 5",
        "$response.header.x-count == 10",
        "$response.header.X-Flag == true",
        "$response.body#/state == 'OPEN'",
        "$response.body.state != 'closed'",
        "$response.body.count == 3",
        "$response.body#/items[1].name == 'B'",
        "$response.body.items[0]['id'] == 1",
        "$response.body#/data == null",
        "$response.body#/token == null",
        "$inputs.obj == $inputs.same",
        "$inputs.obj != $inputs.other",
        "$inputs.flag",
        "$inputs.flag == true",
        "!$inputs.off",
        "!$inputs.n",
        "!null",
        "!$response.body#/missing",
        "true",
        "'it''s' == 'IT''S'",
        "-1 < 0",
        "$steps.getSession.outputs.state == 'OPEN'",
        "$inputs.status == 'queued' && ($response.body.count == 3 || false)",
        "$inputs.list[1] == 2",
        "($inputs.obj).a[1] == 2",
    ],
)
def test_passing_conditions(condition: str, ctx: ExpressionContext) -> None:
    outcome = check(condition, ctx)
    assert outcome.passed, outcome.detail


@pytest.mark.parametrize(
    "condition",
    [
        "$statusCode == 200",
        "$response.body#/token != null",
        "$response.body.data != null",
        "$response.body.items[5].id == 1",
        "$inputs.n",
        "$response.body",
        "$response.body#/state",
        "'true'",
        "1",
        "null",
        "false",
        "!$inputs.flag",
        "!true",
        "$inputs.flag && false",
        "false || null",
        "$response.body#/missing < 1",
        "$response.body#/missing > 1",
        "null == false",
    ],
)
def test_failing_conditions(condition: str, ctx: ExpressionContext) -> None:
    assert not check(condition, ctx).passed


# --------------------------------------------------------------------------- evaluation


def test_only_the_boolean_true_passes(ctx: ExpressionContext) -> None:
    assert passes("$inputs.flag", ctx)
    assert not passes("$inputs.n", ctx)
    assert not passes("'true'", ctx)
    assert not passes("$response.body", ctx)


def test_missing_data_reads_as_null(ctx: ExpressionContext) -> None:
    assert passes("$response.body#/token == null", ctx)
    assert not passes("$response.body#/token != null", ctx)
    assert passes("$inputs.notGiven == null", ctx)
    assert passes("$response.header.X-Absent == null", ctx)
    assert passes("$response.body.items[9] == null", ctx)
    assert passes("$response.body.items[0].nope == null", ctx)
    assert passes("$inputs.n.x == null", ctx)


@pytest.mark.parametrize(
    ("condition", "detail"),
    [
        ("$steps.never.outputs.x == null", "$steps.never.outputs.x: step 'never' has not run"),
        (
            "$workflows.w.outputs.x != null",
            "$workflows.w.outputs.x: workflow 'w' has not run",
        ),
        (
            "$sourceDescriptions.api.url == 'x'",
            "$sourceDescriptions.api.url: there is no source description named 'api'",
        ),
        ("!$steps.never.outputs.x", "$steps.never.outputs.x: step 'never' has not run"),
    ],
)
def test_a_missing_source_fails_the_criterion(
    condition: str, detail: str, ctx: ExpressionContext
) -> None:
    assert check(condition, ctx) == CriterionOutcome(False, detail)


def test_no_response_yet_fails_with_that_reason() -> None:
    outcome = check("$response.body#/token == null", ExpressionContext())
    assert outcome == CriterionOutcome(False, "$response.body#/token: there is no response yet")
    outcome = check("$statusCode != 200", ExpressionContext())
    assert outcome == CriterionOutcome(False, "$statusCode: there is no response yet")


def test_and_or_short_circuit(ctx: ExpressionContext) -> None:
    # The right-hand sides would fail the criterion (the step never ran) if evaluated.
    assert not check("false && $steps.never.outputs.x == 1", ctx).detail.startswith("$steps")
    assert passes("true || $steps.never.outputs.x == 1", ctx)
    assert passes("$statusCode == 401 || $steps.never.outputs.x == 1", ctx)


def test_logical_operators_treat_non_booleans_as_not_true(ctx: ExpressionContext) -> None:
    assert not passes("$inputs.n && true", ctx)
    assert passes("$inputs.n || true", ctx)
    assert passes("!$inputs.status", ctx)


def test_comparison_of_logical_results(ctx: ExpressionContext) -> None:
    assert passes("($statusCode == 401) == true", ctx)
    assert passes("($statusCode == 200) != true", ctx)


# --------------------------------------------------------------------------- details


@pytest.mark.parametrize(
    ("condition", "detail"),
    [
        ("$statusCode == 204", "$statusCode == 204 is false ($statusCode is 401)"),
        ("1 == 2", "1 == 2 is false"),
        (
            "$response.body#/state == 'closed'",
            "$response.body#/state == 'closed' is false ($response.body#/state is 'Open')",
        ),
        (
            "$response.body#/token != null",
            "$response.body#/token != null is false ($response.body#/token is missing: "
            "no member 'token' in the response body)",
        ),
        (
            "$response.body.items[5].id == 1",
            "$response.body.items[5].id == 1 is false ($response.body.items[5].id is missing: "
            "index 5 out of range (length 2) in $response.body.items)",
        ),
        (
            "$inputs.n.x == 1",
            "$inputs.n.x == 1 is false ($inputs.n.x is missing: cannot index into a number "
            "(looking up 'x' in input 'n'))",
        ),
        (
            "$statusCode == $inputs.n",
            "$statusCode == $inputs.n is false ($statusCode is 401; $inputs.n is 5)",
        ),
        (
            "$statusCode == 200 || $statusCode == 201",
            "$statusCode == 200 is false ($statusCode is 401); and "
            "$statusCode == 201 is false ($statusCode is 401)",
        ),
        (
            "$statusCode == 401 && $inputs.n > 9",
            "$inputs.n > 9 is false ($inputs.n is 5)",
        ),
        (
            "$inputs.n > 9 && $statusCode == 401",
            "$inputs.n > 9 is false ($inputs.n is 5)",
        ),
        ("!$inputs.flag", "!$inputs.flag is false because $inputs.flag is true"),
        (
            "!($statusCode == 401)",
            "!($statusCode == 401) is false because $statusCode == 401 is true",
        ),
        ("$inputs.n", "$inputs.n is 5; a condition passes only when it is true"),
        ("null", "null is null; a condition passes only when it is true"),
        (
            "$response.body.nope",
            "$response.body.nope is missing (no member 'nope' in the response body); "
            "a condition passes only when it is true",
        ),
        (
            "$inputs.obj == $inputs.other",
            '$inputs.obj == $inputs.other is false ($inputs.obj is {"a":[1,2]}; '
            '$inputs.other is {"a":[1,2.5]})',
        ),
        (
            "$inputs.flag == false",
            "$inputs.flag == false is false ($inputs.flag is true)",
        ),
    ],
)
def test_failure_details(condition: str, detail: str, ctx: ExpressionContext) -> None:
    assert check(condition, ctx) == CriterionOutcome(False, detail)


def test_long_values_are_truncated_in_details(ctx: ExpressionContext) -> None:
    detail = check("$inputs.long == 'y'", ctx).detail
    shown = detail.removeprefix("$inputs.long == 'y' is false ($inputs.long is ").removesuffix(")")
    assert len(shown) == 80
    assert shown == "'" + "x" * 76 + "..."


def test_pass_detail(ctx: ExpressionContext) -> None:
    assert check("$statusCode == 401", ctx) == CriterionOutcome(True, "$statusCode == 401 is true")
    assert check("{$statusCode == 401}", ctx).detail == "$statusCode == 401 is true"


def test_condition_is_parsed_once(monkeypatch: pytest.MonkeyPatch, ctx: ExpressionContext) -> None:
    compiled = compile_criterion("$statusCode == 401 && $inputs.flag")

    def no_lexing(*args: object) -> None:
        raise AssertionError("check() must not re-parse the condition")

    monkeypatch.setattr(criteria.parser, "Lexer", no_lexing)
    monkeypatch.setattr(criteria.simple, "parse_condition", no_lexing)
    for _ in range(3):
        assert compiled.check(ctx).passed


def test_expressions_of_a_simple_criterion() -> None:
    compiled = compile_criterion("$statusCode == 200 && $response.body#/a[0].b != $inputs.x")
    assert [expr.text for expr in compiled.expressions()] == [
        "$statusCode",
        "$response.body#/a",
        "$inputs.x",
    ]


def test_simple_criterion_parses_but_ignores_its_context(ctx: ExpressionContext) -> None:
    compiled = compile_criterion("$statusCode == 401", "simple", "$response.body")
    assert compiled.check(ctx).passed
    assert [expr.text for expr in compiled.expressions()] == ["$statusCode", "$response.body"]
    with pytest.raises(ExpressionError, match="expected a step id"):
        compile_criterion("$statusCode == 401", None, "$steps.")


def test_explicit_simple_type(ctx: ExpressionContext) -> None:
    assert compile_criterion("$statusCode == 401", "simple").check(ctx).passed


# --------------------------------------------------------------------------- regex


def test_regex_matches_the_context(ctx: ExpressionContext) -> None:
    outcome = compile_criterion(r"^4\d{2}$", "regex", "$statusCode").check(ctx)
    assert outcome == CriterionOutcome(True, r"'401' matches /^4\d{2}$/")


def test_regex_uses_search_not_fullmatch(ctx: ExpressionContext) -> None:
    assert compile_criterion("pe", "regex", "$response.body#/state").check(ctx).passed


def test_regex_failure_detail(ctx: ExpressionContext) -> None:
    outcome = compile_criterion("^200$", "regex", "$statusCode").check(ctx)
    assert outcome == CriterionOutcome(False, "$statusCode is '401', which does not match /^200$/")


def test_regex_context_is_converted_like_templates(ctx: ExpressionContext) -> None:
    assert compile_criterion("^true$", "regex", "$inputs.flag").check(ctx).passed
    assert compile_criterion(r'^\{"a":\[1,2\]\}$', "regex", "$inputs.obj").check(ctx).passed


def test_regex_context_may_be_braced(ctx: ExpressionContext) -> None:
    assert compile_criterion("^401$", "regex", "{$statusCode}").check(ctx).passed


def test_regex_null_context_fails(ctx: ExpressionContext) -> None:
    outcome = compile_criterion(".*", "regex", "$response.body#/data").check(ctx)
    assert outcome == CriterionOutcome(False, "$response.body#/data is null, so /.*/ cannot match")


def test_regex_unresolved_context_fails(ctx: ExpressionContext) -> None:
    outcome = compile_criterion(".*", "regex", "$response.body#/nope").check(ctx)
    assert outcome == CriterionOutcome(
        False, "$response.body#/nope: no member 'nope' in the response body"
    )
    outcome = compile_criterion(".*", "regex", "$statusCode").check(ExpressionContext())
    assert outcome == CriterionOutcome(False, "$statusCode: there is no response yet")


def test_regex_needs_a_context() -> None:
    with pytest.raises(ExpressionError, match="a regex criterion needs a context"):
        compile_criterion("^200$", "regex")


def test_regex_bad_context() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("^200$", "regex", "$response.nope")
    assert info.value.position == 10


def test_invalid_regex_is_a_compile_error() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("^(4\\d{2}$", "regex", "$statusCode")
    assert info.value.message.startswith("invalid regular expression: missing ), unterminated")
    assert info.value.position == 1
    assert info.value.text == "^(4\\d{2}$"


def test_regex_embedded_expressions_are_substituted(ctx: ExpressionContext) -> None:
    compiled = compile_criterion("^({$inputs.pattern})$", "regex", "$inputs.status")
    assert compiled.check(ctx) == CriterionOutcome(True, "'Queued' matches /^(Q.*d)$/")
    assert [expr.text for expr in compiled.expressions()] == ["$inputs.status", "$inputs.pattern"]


def test_regex_dollar_is_an_anchor_not_an_expression(ctx: ExpressionContext) -> None:
    # "$inputs" here is regex text: '$' (end) followed by 'inputs' can never match.
    compiled = compile_criterion("^x$inputs.n", "regex", "$statusCode")
    assert compiled.expressions() == [parse_expression("$statusCode")]
    assert not compiled.check(ctx).passed


def test_regex_fixed_pattern_is_compiled_once() -> None:
    fixed = compile_criterion("^2", "regex", "$statusCode")
    assert getattr(fixed, "query", None) is not None
    templated = compile_criterion("^{$inputs.p}", "regex", "$statusCode")
    assert getattr(templated, "query", "absent") is None


def test_regex_substituted_invalid_pattern_fails(ctx: ExpressionContext) -> None:
    outcome = compile_criterion("^{$inputs.bad}", "regex", "$statusCode").check(ctx)
    assert not outcome.passed
    assert outcome.detail.startswith("/^(/ is not a valid regular expression: missing ),")


def test_regex_unresolved_embedded_expression_fails(ctx: ExpressionContext) -> None:
    outcome = compile_criterion("^{$inputs.nope}", "regex", "$statusCode").check(ctx)
    assert outcome == CriterionOutcome(False, "$inputs.nope: no input named 'nope' was given")


def test_regex_malformed_embedded_expression() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("^{$inputs.}", "regex", "$statusCode")
    assert info.value.position == 10


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("type_", "condition"),
    [
        ("jsonpath", "$[?count(@.pets) > 0]"),
        ({"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"}, "$.pets[0]"),
        ("xpath", "count(/root/pets/*) > 0"),
        ({"type": "xpath", "version": "xpath-30"}, "/root/pets"),
        ({"type": "xpath", "version": "xpath-20"}, "/root/pets"),
        ({"type": "xpath", "version": "xpath-10"}, "/root/pets"),
    ],
)
def test_jsonpath_and_xpath_types_compile(type_: Any, condition: str) -> None:
    # Behaviour is covered by test_criteria_jsonpath.py and test_criteria_xpath.py.
    compiled = compile_criterion(condition, type_, "$response.body")
    assert [str(expr) for expr in compiled.expressions()] == ["$response.body"]


@pytest.mark.parametrize(
    ("type_", "message"),
    [
        (
            "JSONPath",
            "unknown criterion type 'JSONPath'; valid types are 'simple', 'regex', "
            "'jsonpath', 'xpath'",
        ),
        ("", "unknown criterion type ''; valid types are 'simple', 'regex', 'jsonpath', 'xpath'"),
        (
            {"type": "xpath", "version": "xpath-31"},
            "'xpath-31' is not a valid xpath version; valid versions: xpath-30, xpath-20, xpath-10",
        ),
        (
            {"type": "jsonpath", "version": "rfc9535"},
            "'rfc9535' is not a valid jsonpath version; valid versions: "
            "draft-goessner-dispatch-jsonpath-00",
        ),
        (
            {"type": "jsonpath"},
            "a jsonpath criterion expression type object needs a version",
        ),
        (
            {"type": "simple", "version": "1"},
            "a criterion expression type object's type must be 'jsonpath' or 'xpath', not 'simple'",
        ),
        (
            {"version": "xpath-30"},
            "a criterion expression type object needs a type: 'jsonpath' or 'xpath'",
        ),
        (3, "a criterion type must be a string or a {type, version} object, not 3"),
    ],
)
def test_invalid_types(type_: Any, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("x", type_, "$response.body")
    assert info.value.message == message


def test_condition_must_be_a_string() -> None:
    with pytest.raises(ExpressionError, match="a condition must be a string, not 200"):
        compile_criterion(200)  # type: ignore[arg-type]


def test_adding_a_type_is_one_table_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel = object()
    monkeypatch.setitem(criteria._COMPILERS, "jsonpath", lambda c, ctx, v: (sentinel, c, ctx, v))
    compiled = compile_criterion(
        "$.a",
        {"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"},
        "$response.body",
    )
    assert compiled == (sentinel, "$.a", "$response.body", "draft-goessner-dispatch-jsonpath-00")
