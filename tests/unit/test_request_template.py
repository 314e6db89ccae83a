"""A step's request template: built per run from the context, which it only reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import LoadedArazzo, load
from arazzo_runner.diagnostics import Diagnostics
from arazzo_runner.expressions import ExpressionContext
from arazzo_runner.http.request import USER_AGENT, RequestTemplate
from tests._support.documents import write_documents

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/pets/{id}": {
            "post": {
                "operationId": "tagPet",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded; charset=utf-8": {
                            "encoding": {"tags": {"style": "form", "explode": False}}
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}
ARAZZO: dict[str, Any] = {
    "arazzo": "1.0.1",
    "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "api.yaml", "type": "openapi"}],
    "workflows": [
        {
            "workflowId": "flow",
            "steps": [
                {
                    "stepId": "tag",
                    "operationId": "tagPet",
                    "parameters": [
                        {"name": "id", "in": "path", "value": "$inputs.id"},
                        {"name": "q", "in": "query", "value": "a b"},
                        {"name": "X-Trace", "in": "header", "value": "t-$inputs.id"},
                    ],
                    "requestBody": {
                        "contentType": "Application/X-WWW-Form-Urlencoded",
                        "payload": {"tags": ["a", "b"]},
                    },
                }
            ],
        }
    ],
}


@pytest.fixture
def loaded(tmp_path: Path) -> LoadedArazzo:
    return load(str(write_documents(tmp_path, ARAZZO, {"api.yaml": OPENAPI})))


def template_of(loaded: LoadedArazzo) -> RequestTemplate:
    workflow = loaded.workflow("flow")
    step = workflow.steps[0]
    return RequestTemplate(workflow, step, loaded.sources.resolve(step))


def test_build_returns_the_request_and_what_request_expressions_read(
    loaded: LoadedArazzo,
) -> None:
    context = ExpressionContext(inputs={"id": "7"})
    request, message = template_of(loaded).build(context, "http://h/v1/", Diagnostics())
    assert (request.method, request.url) == ("POST", "http://h/v1/pets/7?q=a%20b")
    assert request.header("x-trace") == "t-7"
    assert request.header("User-Agent") == USER_AGENT
    # The encoding is found although the media types differ in case and parameters.
    assert request.content == b"tags=a,b"
    assert message.headers["X-Trace"] == "t-7"
    assert (message.path, message.query, message.body) == (
        {"id": "7"},
        {"q": "a b"},
        {"tags": ["a", "b"]},
    )
    assert (context.url, context.method, context.request) == (None, None, None)
