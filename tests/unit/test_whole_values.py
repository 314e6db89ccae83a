"""Reading whole values that start like one expression but are not one (expressions/whole.py)."""

from __future__ import annotations

import pytest

from arazzo_runner.expressions.whole import read_whole_value


@pytest.mark.parametrize(
    ("text", "expression", "rest", "suggestion"),
    [
        ("$response.body[0].id", "$response.body", "[0].id", "$response.body#/0/id"),
        (
            "$response.body.items[0].id",
            "$response.body.items",
            "[0].id",
            "$response.body#/items/0/id",
        ),
        ("$outputs.data[0].id", "$outputs.data", "[0].id", "$outputs.data#/0/id"),
        ("$steps.s.outputs.list[2]", "$steps.s.outputs.list", "[2]", "$steps.s.outputs.list#/2"),
        ("$inputs.a['b/c'].d", "$inputs.a", "['b/c'].d", "$inputs.a#/b~1c/d"),
        ("$inputs.items[*].id", "$inputs.items", "[*].id", None),
        ("$response.header.X-Id[0]", "$response.header.X-Id", "[0]", None),
    ],
)
def test_a_path_after_an_expression_is_read_with_its_pointer_form(
    text: str, expression: str, rest: str, suggestion: str | None
) -> None:
    reading = read_whole_value(text)
    assert reading is not None
    assert (reading.kind, reading.expression, reading.rest) == ("continued", expression, rest)
    assert reading.suggestion == suggestion


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("$statusCode == 201", "$statusCode"),
        ("$response.body.length > 0", "$response.body.length"),
        ("$inputs.a&&$inputs.b", "$inputs.a"),
    ],
)
def test_a_comparison_is_told_apart(text: str, expression: str) -> None:
    reading = read_whole_value(text)
    assert reading is not None and (reading.kind, reading.expression) == ("comparison", expression)


@pytest.mark.parametrize(
    ("text", "root"),
    [("$datetime.iso8601", "$datetime"), ("$source.login", "$source"), ("$foo", "$foo")],
)
def test_an_unknown_root_is_told_apart(text: str, root: str) -> None:
    reading = read_whole_value(text)
    assert reading is not None and (reading.kind, reading.expression) == ("unknown-root", root)


@pytest.mark.parametrize(
    "text",
    [
        "$response.body#/0/id",
        "$response.body.token",  # the lenient dotted reading: one expression
        "$inputs.n b",  # text after a space: a template, as documented
        "$inputs.x.",  # a sentence's full stop
        "Bearer $inputs.token",
        "$5",
        "$steps.",  # malformed: an invalid expression, reported as such
        "",
    ],
)
def test_values_that_are_one_expression_or_plainly_text_are_left_alone(text: str) -> None:
    assert read_whole_value(text) is None
