"""Arazzo 1.1 Selector Objects and Expression Type Objects: compiled once, evaluated per use."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.criteria import compile_criterion
from arazzo_runner.criteria.selectors import Selector, compile_selector, is_selector_object
from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import (
    ExpressionContext,
    HttpMessage,
    Literal,
    Object,
    UnresolvedReference,
    compile_value,
)

BODY = {"user": {"email": "a@example.com", "tags": ["x", "y"]}, "items": [{"id": 1}, {"id": 2}]}
XML = "<Invoice a='1'><Header><Number>INV-7</Number></Header><Line>2</Line><Line>3</Line></Invoice>"


def response(body: Any) -> ExpressionContext:
    return ExpressionContext(response=HttpMessage(headers={}, body=body))


def select(selector: str, type_: Any, body: Any = BODY) -> Any:
    compiled = compile_selector({"context": "$response.body", "selector": selector, "type": type_})
    return compiled.evaluate(response(body))


@pytest.mark.parametrize(
    ("selector", "type_", "expected"),
    [
        ("$.user.email", "jsonpath", "a@example.com"),
        ("$.user.tags[*]", "jsonpath", ["x", "y"]),
        ("$.items[?@.id > 1].id", {"type": "jsonpath", "version": "rfc9535"}, 2),
        (
            "$.user.tags.length",
            {"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"},
            2,
        ),
        ("/user/tags/1", "jsonpointer", "y"),
        ("", {"type": "jsonpointer", "version": "rfc6901"}, BODY),
    ],
)
def test_json_selectors_give_one_value_or_an_array(
    selector: str, type_: Any, expected: Any
) -> None:
    assert select(selector, type_) == expected


@pytest.mark.parametrize(
    ("selector", "version", "expected"),
    [
        ("/Invoice/Header/Number", "xpath-31", "INV-7"),
        ("/Invoice/Header", "xpath-30", "<Header><Number>INV-7</Number></Header>"),
        ("/Invoice/@a", "xpath-20", "1"),
        ("//Line", "xpath-10", ["2", "3"]),
        ("count(//Line)", "xpath-10", 2),
        ("sum(//Line) div 2", "xpath-31", 2.5),
        ("string(//Number)", "xpath-10", "INV-7"),
    ],
)
def test_xpath_selectors_give_text_numbers_or_xml(
    selector: str, version: str, expected: Any
) -> None:
    assert select(selector, {"type": "xpath", "version": version}, XML) == expected


def test_a_json_text_context_is_parsed() -> None:
    assert select("$.a", "jsonpath", '{"a": 5}') == 5


@pytest.mark.parametrize(
    ("selector", "type_", "body", "reason"),
    [
        ("$.nope", "jsonpath", BODY, "the selector selects nothing"),
        ("/nope", "jsonpointer", BODY, "the selector selects nothing"),
        ("$.a", "jsonpath", "not json", "is text that is not JSON"),
        ("$.a", "jsonpath", None, "is null, so there is nothing to select from"),
        ("/a", "xpath", BODY, "not XML text"),
        ("/a", "xpath", "<a>", "is not well-formed XML"),
    ],
)
def test_nothing_selected_or_an_unusable_context_is_an_absent_value(
    selector: str, type_: str, body: Any, reason: str
) -> None:
    with pytest.raises(UnresolvedReference) as raised:
        select(selector, type_, body)
    assert reason in str(raised.value)
    assert str(raised.value).startswith(f"{type_} '{selector}' on $response.body: ")


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"type": "jmespath"}, "type", "unknown selector type 'jmespath'"),
        ({"type": {"type": "xpath", "version": "xpath-40"}}, "type", "'xpath-40' is not a valid"),
        ({"type": {"type": "jsonpath"}}, "type", "needs a version"),
        ({"selector": "$.a["}, "selector", "invalid JSONPath query"),
        ({"selector": "a/b", "type": "jsonpointer"}, "selector", "starts with '/'"),
        ({"selector": "/a~2", "type": "jsonpointer"}, "selector", "'~' in a JSON Pointer"),
        ({"selector": "/a[", "type": "xpath"}, "selector", "invalid XPath 3.1 expression"),
        ({"context": "$nope"}, "context", ""),
    ],
)
def test_malformed_selectors_name_their_field(
    raw: dict[str, Any], field: str, message: str
) -> None:
    full = {"context": "$response.body", "selector": "$.a", "type": "jsonpath", **raw}
    with pytest.raises(ExpressionError) as raised:
        compile_selector(full)
    assert raised.value.field == field
    assert message in raised.value.message


def test_only_the_three_fields_and_extensions_make_a_selector_object() -> None:
    fields = {"context": "$response.body", "selector": "$.a", "type": "jsonpath"}
    assert is_selector_object(fields)
    assert is_selector_object({**fields, "x-note": 1})
    assert not is_selector_object({**fields, "other": 1})
    assert not is_selector_object({"context": "$response.body", "selector": "$.a"})


def hook(value: Any) -> Any:
    return compile_selector(value) if is_selector_object(value) else None


def test_compile_value_compiles_selector_objects_at_any_depth_with_the_hook() -> None:
    raw = {
        "a": [{"b": {"context": "$response.body", "selector": "$.user.email", "type": "jsonpath"}}]
    }
    compiled = compile_value(raw, hook)
    assert compiled.evaluate(response(BODY)) == {"a": [{"b": "a@example.com"}]}
    assert [e.text for e in compiled.expressions()] == ["$response.body"]
    # Without the hook (an Arazzo 1.0 document) the same mapping is data.
    literal = compile_value({"context": "text", "selector": "$.a", "type": "jsonpath"})
    assert isinstance(literal, Literal)
    assert isinstance(compile_value(raw, hook), Object)


def test_a_nested_selector_error_carries_the_pointer_to_its_field() -> None:
    raw = {"a~b": [{"context": "$response.body", "selector": "$[", "type": "jsonpath"}]}
    with pytest.raises(ExpressionError) as raised:
        compile_value(raw, hook)
    assert raised.value.field == "/a~0b/0/selector"


def test_a_selector_is_compiled_once() -> None:
    compiled = compile_selector(
        {"context": "$response.body", "selector": "$.items[*].id", "type": "jsonpath"}
    )
    assert isinstance(compiled, Selector)
    query = compiled.query
    assert compiled.evaluate(response(BODY)) == [1, 2]
    assert compiled.evaluate(response({"items": [{"id": 9}]})) == 9
    assert compiled.query is query


# --------------------------------------------------------------------------- criteria by version


@pytest.mark.parametrize(
    "type_",
    [
        {"type": "jsonpath", "version": "rfc9535"},
        {"type": "xpath", "version": "xpath-31"},
        {"type": "jsonpointer", "version": "rfc6901"},
    ],
)
def test_type_objects_arazzo_1_1_adds_are_refused_in_1_0(type_: dict[str, str]) -> None:
    with pytest.raises(ExpressionError) as raised:
        compile_criterion("/a", type_, "$response.body")
    assert raised.value.field == "type"
    compile_criterion(
        "/a" if type_["type"] != "jsonpath" else "$.a", type_, "$response.body", minor="1.1"
    )


def test_a_jsonpointer_criterion_passes_when_the_pointer_names_a_value_that_is_not_null() -> None:
    def check(condition: str, body: Any) -> tuple[bool, str]:
        criterion = compile_criterion(
            condition, {"type": "jsonpointer", "version": "rfc6901"}, "$response.body", minor="1.1"
        )
        outcome = criterion.check(response(body))
        return outcome.passed, outcome.detail

    assert check("/a/0", {"a": [1]}) == (True, "'/a/0' names 1")
    assert check("/a/1", {"a": [1]}) == (False, "'/a/1' names nothing in $response.body")
    assert check("/a", {"a": None}) == (False, "'/a' names null in $response.body")
    assert check("/{$response.body#/k}", {"k": "v", "v": 1})[0] is True
    assert check("/a", "not json")[0] is False
