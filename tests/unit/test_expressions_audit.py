"""Every runtime expression form of the Arazzo 1.0.1 ABNF resolves against a context."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.expressions import (
    ExpressionContext,
    HttpMessage,
    UnresolvedReference,
    compile_value,
    parse_expression,
)


@pytest.fixture
def ctx() -> ExpressionContext:
    return ExpressionContext(
        inputs={"username": "ada", "order": {"lines": [{"sku": "a-1"}]}},
        outputs={"bar": {"name": "out"}},
        steps={"someStepId": {"outputs": {"pets": [{"id": 7}, {"id": 8}], "token": "t"}}},
        workflows={
            "foo": {
                "inputs": {"username": "bob"},
                "outputs": {"mappedResponse": {"name": "mapped"}},
            }
        },
        source_descriptions={
            "petStore": {
                "name": "petStore",
                "url": "https://example.com/openapi.yaml",
                "type": "openapi",
            }
        },
        components={
            "inputs": {"pagination": {"type": "object"}},
            "parameters": {"storeId": {"name": "storeId", "in": "header", "value": "s-1"}},
            "successActions": {"done": {"name": "done", "type": "end"}},
            "failureActions": {"retry": {"name": "retry", "type": "retry"}},
        },
        url="https://example.com/pets/7?limit=5",
        method="GET",
        status_code=200,
        request=HttpMessage(
            headers={"Accept": "application/json", "X-Request-ID": "r-1"},
            body={"user": {"uuid": "u-1"}},
            query={"limit": "5"},
            path={"id": "7"},
        ),
        response=HttpMessage(
            headers={"Server": "nginx", "Content-Type": "application/json"},
            body={"status": "ok", "items": [{"id": 1}, {"id": 2}], "a/b": {"~c": 3}},
        ),
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # $url, $method, $statusCode
        ("$url", "https://example.com/pets/7?limit=5"),
        ("$method", "GET"),
        ("$statusCode", 200),
        # $request. source
        ("$request.header.accept", "application/json"),
        ("$request.header.x-request-id", "r-1"),
        ("$request.query.limit", "5"),
        ("$request.path.id", "7"),
        ("$request.body", {"user": {"uuid": "u-1"}}),
        ("$request.body#/user/uuid", "u-1"),
        # $response. source
        ("$response.header.Server", "nginx"),
        ("$response.body#/status", "ok"),
        ("$response.body#/items/1/id", 2),
        ("$response.body#/a~1b/~0c", 3),
        ("$response.body#", {"status": "ok", "items": [{"id": 1}, {"id": 2}], "a/b": {"~c": 3}}),
        # $inputs. / $outputs.
        ("$inputs.username", "ada"),
        ("$inputs.order#/lines/0/sku", "a-1"),
        ("$outputs.bar", {"name": "out"}),
        ("$outputs.bar#/name", "out"),
        # $steps.
        ("$steps.someStepId.outputs.pets", [{"id": 7}, {"id": 8}]),
        ("$steps.someStepId.outputs.pets#/0/id", 7),
        # $workflows.
        ("$workflows.foo.inputs.username", "bob"),
        ("$workflows.foo.outputs.mappedResponse", {"name": "mapped"}),
        ("$workflows.foo.outputs.mappedResponse#/name", "mapped"),
        # $sourceDescriptions.
        ("$sourceDescriptions.petStore.url", "https://example.com/openapi.yaml"),
        ("$sourceDescriptions.petStore.name", "petStore"),
        ("$sourceDescriptions.petStore.type", "openapi"),
        # $components.
        ("$components.inputs.pagination", {"type": "object"}),
        ("$components.parameters.storeId", {"name": "storeId", "in": "header", "value": "s-1"}),
        ("$components.successActions.done", {"name": "done", "type": "end"}),
        ("$components.failureActions.retry", {"name": "retry", "type": "retry"}),
    ],
)
def test_every_form_resolves(ctx: ExpressionContext, expression: str, expected: Any) -> None:
    assert parse_expression(expression).evaluate(ctx) == expected


@pytest.mark.parametrize("name", ["Content-Type", "content-type", "CONTENT-TYPE", "cOnTeNt-TyPe"])
def test_response_header_names_are_case_insensitive(ctx: ExpressionContext, name: str) -> None:
    assert parse_expression(f"$response.header.{name}").evaluate(ctx) == "application/json"


@pytest.mark.parametrize("name", ["X-Request-ID", "x-request-id", "X-REQUEST-ID"])
def test_request_header_names_are_case_insensitive(ctx: ExpressionContext, name: str) -> None:
    assert parse_expression(f"$request.header.{name}").evaluate(ctx) == "r-1"


def test_types_are_preserved(ctx: ExpressionContext) -> None:
    # "Runtime expressions preserve the type of the referenced value."
    assert compile_value("$statusCode").evaluate(ctx) == 200
    assert compile_value("$steps.someStepId.outputs.pets").evaluate(ctx) == [
        {"id": 7},
        {"id": 8},
    ]


def test_embedded_forms_resolve(ctx: ExpressionContext) -> None:
    # "Expressions can be embedded into string values by surrounding ... with {}."
    text = "{$method} {$url} -> {$statusCode} ({$response.header.server})"
    assert compile_value(text).evaluate(ctx) == (
        "GET https://example.com/pets/7?limit=5 -> 200 (nginx)"
    )


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("$response.header.X-Missing", "the response has no header 'X-Missing'"),
        ("$request.query.offset", "the request has no query parameter 'offset'"),
        ("$request.path.petId", "the request has no path parameter 'petId'"),
        ("$response.body#/nope", "no member 'nope' in the response body"),
        ("$steps.other.outputs.x", "step 'other' has not run"),
        ("$workflows.bar.inputs.x", "workflow 'bar' has not run"),
        ("$sourceDescriptions.nope.url", "there is no source description named 'nope'"),
        (
            "$sourceDescriptions.petStore.version",
            "source description 'petStore' has no field 'version'",
        ),
        ("$components.parameters.nope", "components.parameters has no entry 'nope'"),
    ],
)
def test_absent_values_are_reported(ctx: ExpressionContext, expression: str, reason: str) -> None:
    with pytest.raises(UnresolvedReference) as info:
        parse_expression(expression).evaluate(ctx)
    assert info.value.reason == reason
