"""The Arazzo 1.1 runtime-expression grammar, read only for 1.1 documents."""

from __future__ import annotations

import pytest

from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import ExpressionContext, HttpMessage, parse_expression
from arazzo_runner.expressions.parser import arazzo_grammar, grammar_minor, scan_expression
from arazzo_runner.expressions.values import compile_value


def _parse_1_1(text: str) -> tuple[str, tuple[str, ...], str | None]:
    with arazzo_grammar("1.1"):
        expression = parse_expression(text)
    pointer = expression.pointer.text if expression.pointer else None
    return expression.root, expression.names, pointer


def test_the_grammar_is_1_0_unless_a_1_1_document_is_read() -> None:
    assert grammar_minor() == "1.0"
    with arazzo_grammar("1.1"):
        assert grammar_minor() == "1.1"
        with arazzo_grammar("1.0"):
            assert grammar_minor() == "1.0"
        assert grammar_minor() == "1.1"
    with arazzo_grammar(None):  # no version: the 1.0 reading
        assert grammar_minor() == "1.0"
    assert grammar_minor() == "1.0"


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("$self", ("self", (), None)),
        ("$message.payload#/status", ("message", ("payload",), "/status")),
        ("$message.header.Server", ("message", ("header", "Server"), None)),
        ("$response.payload#/a", ("response", ("payload",), "/a")),
        ("$inputs.customer#/address/0", ("inputs", ("customer",), "/address/0")),
        ("$outputs.bar#/name", ("outputs", ("bar",), "/name")),
        (
            "$workflows.foo.outputs.mapped#/name",
            ("workflows", ("foo", "outputs", "mapped"), "/name"),
        ),
        ("$steps.s.outputs.pets#/0/id", ("steps", ("s", "outputs", "pets"), "/0/id")),
        # source-reference-id = 1*CHAR: operationIds may hold any character.
        (
            "$sourceDescriptions.pets.list pets/all",
            ("sourceDescriptions", ("pets", "list pets/all"), None),
        ),
        ("$components.parameters.my.key", ("components", ("parameters", "my.key"), None)),
    ],
)
def test_1_1_forms(text: str, parsed: tuple[str, tuple[str, ...], str | None]) -> None:
    assert _parse_1_1(text) == parsed


@pytest.mark.parametrize("text", ["$self", "$message.payload"])
def test_1_1_roots_are_not_expressions_in_1_0(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(text)
    assert scan_expression(text, 0) is None  # text, in a 1.0 template


def test_payload_is_a_1_1_source() -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_expression("$response.payload")
    assert raised.value.message == (
        "expected 'header.', 'query.', 'path.' or 'body' after '$response.'"
    )


def test_components_inputs_is_not_a_1_1_expression() -> None:
    parse_expression("$components.inputs.pet")  # 1.0 reads it
    with arazzo_grammar("1.1"), pytest.raises(ExpressionError) as raised:
        parse_expression("$components.inputs.pet")
    assert "cannot name components.inputs" in raised.value.message
    assert raised.value.hint is not None and "#/components/inputs/<name>" in raised.value.hint


def test_identifier_rules() -> None:
    # identifier-strict (no dots) for ids; identifier (dots) for names.
    with arazzo_grammar("1.1"):
        with pytest.raises(ExpressionError):
            parse_expression("$steps.a.b.outputs.x")
        assert parse_expression("$inputs.a.b").names == ("a.b",)
        with pytest.raises(ExpressionError):
            parse_expression("$inputs.a..b")


def test_scanning_finds_1_1_roots_in_templates() -> None:
    with arazzo_grammar("1.1"):
        found = scan_expression("id is $self.", 6)
        value = compile_value("from {$self} at {$message.payload#/at}")
    assert found is not None and found[0].root == "self" and found[1] == 11
    context = ExpressionContext(
        self_uri="https://x/flow.yaml", message=HttpMessage({}, body={"at": 3})
    )
    assert value.evaluate(context) == "from https://x/flow.yaml at 3"


def test_self_and_message_evaluate_to_nothing_until_there_is_one() -> None:
    from arazzo_runner.expressions import UnresolvedReference

    with arazzo_grammar("1.1"):
        self_expression = parse_expression("$self")
        message = parse_expression("$message.payload")
    with pytest.raises(UnresolvedReference, match="has no \\$self field"):
        self_expression.evaluate(ExpressionContext())
    with pytest.raises(UnresolvedReference, match="there is no message yet"):
        message.evaluate(ExpressionContext())
