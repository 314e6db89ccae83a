"""Payload evaluation: absent references are null, JSON text templates stay valid JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from arazzo_runner.expressions import ExpressionContext, UnresolvedReference, compile_value
from arazzo_runner.expressions.payload import evaluate_payload, is_text_template

CONTEXT = ExpressionContext(
    inputs={
        "name": 'Ann "the cat"',
        "id": 42,
        "customer": {"first": "Ann", "uri": None},
        "tags": ["a", "b"],
        "flag": False,
    }
)


def evaluate(payload: Any, *, json_text: bool = True) -> tuple[Any, list[str]]:
    missing: list[str] = []

    def record(exc: UnresolvedReference) -> None:
        missing.append(str(exc))

    compiled = compile_value(payload)
    value = evaluate_payload(compiled, CONTEXT, json_text=json_text, on_missing=record)
    return value, missing


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # A placeholder that is a whole JSON string takes the value's own type.
        ('{"id": "{$inputs.id}"}', {"id": 42}),
        ('{"customer": "{$inputs.customer}"}', {"customer": {"first": "Ann", "uri": None}}),
        (
            '{"tags": "{$inputs.tags}", "flag": "{$inputs.flag}"}',
            {"tags": ["a", "b"], "flag": False},
        ),
        # Quotes inside a value are escaped, so the text stays valid JSON.
        ('{"name": "{$inputs.name}"}', {"name": 'Ann "the cat"'}),
        # Inside a longer string: the value is escaped string content.
        ('{"greeting": "Hello {$inputs.name}!"}', {"greeting": 'Hello Ann "the cat"!'}),
        ('{"label": "pet-{$inputs.id}"}', {"label": "pet-42"}),
        # Outside any string: the value as JSON.
        ('{"id": {$inputs.id}, "tags": {$inputs.tags}}', {"id": 42, "tags": ["a", "b"]}),
        # Escaped quotes before a placeholder do not confuse the scanner.
        ('{"q": "say \\"{$inputs.id}\\""}', {"q": 'say "42"'}),
    ],
)
def test_json_text_templates_render_valid_json(template: str, expected: Any) -> None:
    text, missing = evaluate(template)
    assert json.loads(text) == expected
    assert missing == []


def test_the_spec_json_templated_example() -> None:
    template = (
        '{\n  "petOrder": {\n    "petId": "{$inputs.id}",\n'
        '    "couponCode": "{$inputs.name}",\n    "quantity": "{$inputs.quantity}",\n'
        '    "status": "placed",\n    "complete": false\n  }\n}'
    )
    text, missing = evaluate(template)
    assert json.loads(text) == {
        "petOrder": {
            "petId": 42,
            "couponCode": 'Ann "the cat"',
            "quantity": None,
            "status": "placed",
            "complete": False,
        }
    }
    assert len(missing) == 1 and "quantity" in missing[0]


def test_absent_references_are_null_and_reported() -> None:
    value, missing = evaluate(
        {"a": "$inputs.nope", "b": ["$steps.never.outputs.x", 1], "c": "$inputs.id"},
        json_text=False,
    )
    assert value == {"a": None, "b": [None, 1], "c": 42}
    assert len(missing) == 2


def test_plain_text_templates_leave_absent_values_empty() -> None:
    value, missing = evaluate("customer={$inputs.nope}&id={$inputs.id}", json_text=False)
    assert value == "customer=&id=42"
    assert len(missing) == 1


def test_text_templates_are_recognised() -> None:
    assert is_text_template(compile_value("plain"))
    assert is_text_template(compile_value("id={$inputs.id}"))
    assert not is_text_template(compile_value("$inputs.id"))
    assert not is_text_template(compile_value({"a": 1}))
