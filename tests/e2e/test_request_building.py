"""Requests as they arrive at a real HTTP server: the exact bytes of every part.

A scripted server on 127.0.0.1 records each request it receives (the request
target as sent, the headers and the body) and serves OpenAPI descriptions, so
that relative server URLs resolve against a real URL.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from arazzo_runner.api import load
from arazzo_runner.results import WorkflowResult
from tests._support.cli import run_cli
from tests._support.documents import arazzo_document
from tests._support.servers import Received, Reply, ScriptedServer


@pytest.fixture
def recorder() -> Iterator[ScriptedServer]:
    """Records every request and answers ``{"ok": true}`` unless a document is served."""
    with ScriptedServer(fallback=Reply(200, {"ok": True})) as server:
        yield server


YAML = {"Content-Type": "application/yaml"}
OK = {"200": {"description": "ok"}}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Styles", "version": "1"},
    "servers": [{"url": "/relative-needs-an-override"}],
    "paths": {
        "/items/{id}/x{label}/y{matrix}": {
            "get": {
                "operationId": "styles",
                "parameters": [
                    {"name": "id", "in": "path", "required": True},
                    {"name": "label", "in": "path", "required": True, "style": "label"},
                    {"name": "matrix", "in": "path", "required": True, "style": "matrix",
                     "explode": True},
                    {"name": "tags", "in": "query", "explode": False},
                    {"name": "words", "in": "query", "style": "spaceDelimited"},
                    {"name": "ids", "in": "query", "style": "pipeDelimited"},
                    {"name": "filter", "in": "query", "style": "deepObject", "explode": True},
                    {"name": "next", "in": "query", "allowReserved": True},
                    {"name": "where", "in": "query",
                     "content": {"application/json": {"schema": {"type": "object"}}}},
                    {"name": "X-Dims", "in": "header", "explode": True},
                    {"name": "prefs", "in": "cookie", "explode": False},
                ],
                "responses": OK,
            }
        },
        "/upload": {
            "post": {
                "operationId": "upload",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "encoding": {"picture": {"contentType": "image/png"}}
                        }
                    }
                },
                "responses": OK,
            }
        },
        "/token": {
            "post": {
                "operationId": "token",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "encoding": {"claims": {"contentType": "application/json"}}
                        }
                    }
                },
                "responses": OK,
            }
        },
        "/orders": {
            "post": {
                "operationId": "order",
                "requestBody": {"content": {"application/xml": {}, "text/plain": {}}},
                "responses": OK,
            }
        },
    },
}  # fmt: skip


def write_workflow(tmp_path: Path, steps: list[dict[str, Any]], source_url: str) -> Path:
    workflow = {"workflowId": "w", "steps": steps}
    document = arazzo_document(workflow, title="requests", source_url=source_url)
    path = tmp_path / "requests.arazzo.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def run_local(tmp_path: Path, recorder: ScriptedServer, step: dict[str, Any]) -> Received:
    """Run one step against a local OpenAPI file, its server overridden to the recorder."""
    return run_local_result(tmp_path, recorder, step)[0]


def run_local_result(
    tmp_path: Path, recorder: ScriptedServer, step: dict[str, Any]
) -> tuple[Received, WorkflowResult]:
    (tmp_path / "api.openapi.yaml").write_text(yaml.safe_dump(OPENAPI, sort_keys=False))
    path = write_workflow(tmp_path, [step], "api.openapi.yaml")
    result: WorkflowResult = load(str(path)).run(
        "w", {}, server_overrides={"api": recorder.base_url + "/base"}
    )
    assert result.succeeded, result.error
    assert len(recorder.received) == 1
    return recorder.received[0], result


def test_path_query_header_and_cookie_styles_on_the_wire(
    tmp_path: Path, recorder: ScriptedServer
) -> None:
    step = {
        "stepId": "styles",
        "operationId": "styles",
        "parameters": [
            {"name": "id", "in": "path", "value": ["a/b", "c d"]},
            {"name": "label", "in": "path", "value": ["x", "y"]},
            {"name": "matrix", "in": "path", "value": {"lat": 1.5, "lng": -2}},
            {"name": "tags", "in": "query", "value": ["red", "a,b"]},
            {"name": "words", "in": "query", "value": ["big", "dog"]},
            {"name": "ids", "in": "query", "value": [1, 2]},
            {"name": "filter", "in": "query", "value": {"color": "red", "size": "L"}},
            {"name": "next", "in": "query", "value": "/page?n=2&s=a+b"},
            {"name": "where", "in": "query", "value": {"a": 1}},
            {"name": "undeclared", "in": "query", "value": ["u v", "w"]},
            {"name": "X-Dims", "in": "header", "value": {"w": 3, "h": 4}},
            {"name": "X-Undeclared", "in": "header", "value": [1, 2]},
            {"name": "prefs", "in": "cookie", "value": ["dark", "compact"]},
            {"name": "session", "in": "cookie", "value": "a b;c"},
        ],
    }
    received = run_local(tmp_path, recorder, step)
    assert received.method == "GET"
    assert received.target == (
        "/base/items/a%2Fb,c%20d/x.x.y/y;lat=1.5;lng=-2"
        "?tags=red,a%2Cb"
        "&words=big%20dog"
        "&ids=1%7C2"
        "&filter%5Bcolor%5D=red&filter%5Bsize%5D=L"
        "&next=/page?n=2&s=a+b"
        "&where=%7B%22a%22%3A1%7D"
        "&undeclared=u%20v&undeclared=w"
    )
    assert received.header("X-Dims") == "w=3,h=4"
    assert received.header("X-Undeclared") == "1,2"
    assert received.header("Cookie") == "prefs=dark,compact; session=a%20b%3Bc"


def test_multipart_upload_on_the_wire(tmp_path: Path, recorder: ScriptedServer) -> None:
    step = {
        "stepId": "upload",
        "operationId": "upload",
        "requestBody": {
            "payload": {"title": "Rex", "meta": {"age": 3}, "picture": "PNGDATA"},
        },
    }
    received = run_local(tmp_path, recorder, step)
    content_type = received.header("Content-Type")
    assert content_type is not None and content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1]
    assert (
        received.body
        == (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="title"\r\n'
            "Content-Type: text/plain\r\n\r\n"
            "Rex\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="meta"\r\n'
            "Content-Type: application/json\r\n\r\n"
            '{"age":3}\r\n'
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="picture"; filename="picture"\r\n'
            "Content-Type: image/png\r\n\r\n"
            "PNGDATA\r\n"
            f"--{boundary}--\r\n"
        ).encode()
    )
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.message_from_bytes(head + received.body, policy=email.policy.HTTP)
    assert [part.get_content_type() for part in message.iter_parts()] == [  # type: ignore[attr-defined]
        "text/plain",
        "application/json",
        "image/png",
    ]


def test_form_body_on_the_wire(tmp_path: Path, recorder: ScriptedServer) -> None:
    step = {
        "stepId": "token",
        "operationId": "token",
        "requestBody": {
            "payload": {
                "grant_type": "client_credentials",
                "scope": ["read all", "write"],
                "claims": {"sub": "me"},
                "redirect": "https://app.test/cb?x=1",
            },
        },
    }
    received = run_local(tmp_path, recorder, step)
    assert received.header("Content-Type") == "application/x-www-form-urlencoded"
    assert received.body == (
        b"grant_type=client_credentials&scope=read+all&scope=write"
        b"&claims=%7B%22sub%22%3A%22me%22%7D&redirect=https%3A%2F%2Fapp.test%2Fcb%3Fx%3D1"
    )


def test_xml_body_with_an_xpath_replacement_on_the_wire(
    tmp_path: Path, recorder: ScriptedServer
) -> None:
    step = {
        "stepId": "order",
        "operationId": "order",
        "requestBody": {
            "payload": '<order id="0"><pet>dog</pet><qty>1</qty></order>',
            "replacements": [
                {"target": "/order/qty", "value": 3},
                {"target": "/order/@id", "value": "o-7"},
            ],
        },
        "outputs": {"sent": "$request.body"},
    }
    received, result = run_local_result(tmp_path, recorder, step)
    # The first declared media type: none of them is JSON.
    assert received.header("Content-Type") == "application/xml"
    assert received.body == b'<order id="o-7"><pet>dog</pet><qty>3</qty></order>'
    # $request.body is the payload after its replacements.
    assert result.steps[0].outputs == {"sent": received.body.decode()}


def test_relative_server_resolves_against_the_description_url(
    tmp_path: Path, recorder: ScriptedServer
) -> None:
    description = {
        "openapi": "3.0.3",
        "info": {"title": "Ping", "version": "1"},
        "servers": [{"url": "../api/{version}", "variables": {"version": {"default": "v1"}}}],
        "paths": {"/ping": {"get": {"operationId": "ping", "responses": OK}}},
    }
    recorder.serve("/specs/ping.yaml", yaml.safe_dump(description), headers=YAML)
    step = {"stepId": "ping", "operationId": "ping",
            "parameters": [{"name": "q", "in": "query", "value": "a b"}]}  # fmt: skip
    path = write_workflow(tmp_path, [step], f"{recorder.base_url}/specs/ping.yaml")
    result = run_cli("run", str(path), "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [(r.method, r.target) for r in recorder.received] == [
        ("GET", "/specs/ping.yaml"),  # the description, then the call
        ("GET", "/api/v1/ping?q=a%20b"),
    ]


def test_relative_server_of_a_local_description_asks_for_an_override(
    tmp_path: Path, recorder: ScriptedServer
) -> None:
    (tmp_path / "api.openapi.yaml").write_text(yaml.safe_dump(OPENAPI, sort_keys=False))
    step = {"stepId": "order", "operationId": "order", "requestBody": {"payload": "<a/>"}}
    path = write_workflow(tmp_path, [step], "api.openapi.yaml")
    result = run_cli("run", str(path))
    assert result.exit_code == 2
    assert "the server URL '/relative-needs-an-override'" in result.stderr
    assert "--server api=" in result.stderr
    assert recorder.received == []


def test_style_not_defined_for_the_location_is_a_warning_and_the_default(
    tmp_path: Path, recorder: ScriptedServer
) -> None:
    description = {
        "openapi": "3.1.0",
        "info": {"title": "Odd", "version": "1"},
        "paths": {
            "/odd": {
                "get": {
                    "operationId": "odd",
                    "parameters": [{"name": "q", "in": "query", "style": "matrix"}],
                    "responses": OK,
                }
            }
        },
    }
    (tmp_path / "odd.yaml").write_text(yaml.safe_dump(description))
    step = {"stepId": "odd", "operationId": "odd",
            "parameters": [{"name": "q", "in": "query", "value": ["a", "b"]}]}  # fmt: skip
    loaded = load(str(write_workflow(tmp_path, [step], "odd.yaml")))
    result = loaded.run("w", {}, server_overrides={"api": recorder.base_url})
    assert result.succeeded, result.error
    assert [r.target for r in recorder.received] == ["/odd?q=a&q=b"]
    assert any(
        "has style 'matrix', which OpenAPI does not define for query parameters; 'form' is used"
        in w.message
        for w in loaded.diagnostics.warnings
    )
