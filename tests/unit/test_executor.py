"""Request building and response handling of the executor, over httpx2.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from arazzo_runner.api import LoadedArazzo, load
from arazzo_runner.diagnostics import DocumentInvalid
from arazzo_runner.results import Status, WorkflowResult

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1"},
    "servers": [
        {"url": "https://{region}.pets.example/v1", "variables": {"region": {"default": "eu"}}}
    ],
    "paths": {
        "/pets/{petId}": {
            "parameters": [{"name": "petId", "in": "path", "required": True}],
            "get": {
                "operationId": "getPet",
                "parameters": [
                    {"name": "tags", "in": "query", "explode": False},
                    {"name": "X-Trace", "in": "header", "required": True},
                ],
                "responses": {"200": {"description": "ok"}},
            },
            "put": {
                "operationId": "putPet",
                "requestBody": {"content": {"application/merge-patch+json": {}}},
                "responses": {"204": {"description": "ok"}},
            },
        },
        "/pets": {
            "get": {"operationId": "listPets", "responses": {"200": {"description": "ok"}}},
            "post": {
                "operationId": "addPet",
                "requestBody": {"content": {"application/x-www-form-urlencoded": {}}},
                "responses": {"201": {"description": "ok"}},
            },
        },
    },
}

Handler = Callable[[httpx2.Request], httpx2.Response]


def make_document(tmp_path: Path, workflow: dict[str, Any], **extra: Any) -> LoadedArazzo:
    (tmp_path / "pets.openapi.yaml").write_text(yaml.safe_dump(OPENAPI))
    document = {
        "arazzo": "1.0.1",
        "info": {"title": "t", "version": "1"},
        "sourceDescriptions": [{"name": "pets", "url": "pets.openapi.yaml", "type": "openapi"}],
        "workflows": [{"workflowId": "w", **workflow}],
        **extra,
    }
    path = tmp_path / "doc.arazzo.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return load(str(path))


def run(
    loaded: LoadedArazzo, handler: Handler, inputs: dict[str, Any] | None = None
) -> WorkflowResult:
    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    return loaded.run("w", inputs or {}, client=client)


def capture(
    status: int = 200, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[list[httpx2.Request], Handler]:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if body is None:
            return httpx2.Response(status, headers=headers)
        if isinstance(body, bytes):
            return httpx2.Response(status, content=body, headers=headers)
        return httpx2.Response(status, json=body, headers=headers)

    return seen, handler


def get_pet_step(**overrides: Any) -> dict[str, Any]:
    step = {
        "stepId": "s",
        "operationId": "getPet",
        "parameters": [
            {"name": "petId", "in": "path", "value": "$inputs.id"},
            {"name": "X-Trace", "in": "header", "value": "t-1"},
        ],
        "successCriteria": [{"condition": "$statusCode == 200"}],
    }
    step.update(overrides)
    return step


def test_path_values_are_encoded_so_they_cannot_change_the_path(tmp_path: Path) -> None:
    loaded = make_document(tmp_path, {"steps": [get_pet_step()]})
    for value, expected in [
        ("a/b?c#d", "/v1/pets/a%2Fb%3Fc%23d"),
        ("..", "/v1/pets/%2E%2E"),
        ("caf\u00e9 1", "/v1/pets/caf%C3%A9%201"),
        (42, "/v1/pets/42"),
    ]:
        seen, handler = capture(body={})
        run(loaded, handler, {"id": value})
        assert seen[0].url.raw_path.decode() == expected
        assert seen[0].url.host == "eu.pets.example"  # server variable default


def test_query_header_and_cookie_serialization(tmp_path: Path) -> None:
    step = get_pet_step()
    step["parameters"] += [
        {"name": "tags", "in": "query", "value": ["a", "b"]},
        {"name": "ids", "in": "query", "value": [1, 2]},
        {"name": "flag", "in": "query", "value": True},
        {"name": "X-List", "in": "header", "value": [1, 2]},
        {"name": "session", "in": "cookie", "value": "abc"},
        {"name": "theme", "in": "cookie", "value": "dark"},
    ]
    loaded = make_document(tmp_path, {"steps": [step]})
    seen, handler = capture(body={})
    run(loaded, handler, {"id": "p1"})
    request = seen[0]
    # tags declares explode: false; undeclared query parameters use form + explode.
    assert request.url.params.multi_items() == [
        ("tags", "a,b"),
        ("ids", "1"),
        ("ids", "2"),
        ("flag", "true"),
    ]
    assert request.headers["X-List"] == "1,2"
    assert request.headers["Cookie"] == "session=abc; theme=dark"
    assert request.headers["User-Agent"].startswith("arazzo-runner/")


def test_workflow_parameters_apply_to_every_step_and_steps_override_them(tmp_path: Path) -> None:
    second = get_pet_step(stepId="t")
    second["parameters"] = [
        *second["parameters"],
        {"name": "X-Team", "in": "header", "value": "step"},
    ]
    workflow = {
        "parameters": [
            {"name": "X-Team", "in": "header", "value": "workflow"},
            {"name": "X-Env", "in": "header", "value": "$inputs.env"},
        ],
        "steps": [get_pet_step(), second],
    }
    loaded = make_document(tmp_path, workflow)
    seen, handler = capture(body={})
    run(loaded, handler, {"id": "p", "env": "prod"})
    assert [(r.headers["X-Team"], r.headers["X-Env"]) for r in seen] == [
        ("workflow", "prod"),
        ("step", "prod"),
    ]


def test_json_payload_with_expressions_anywhere(tmp_path: Path) -> None:
    step = {
        "stepId": "s",
        "operationId": "putPet",
        "parameters": [{"name": "petId", "in": "path", "value": "p"}],
        "requestBody": {
            "payload": {
                "name": "$inputs.name",
                "tags": ["$inputs.tag", "fixed", {"deep": "$inputs.count"}],
                "label": "pet {$inputs.name} #{$inputs.count}",
                "price": 12.5,
            },
            "replacements": [{"target": "/tags/1", "value": "$inputs.name"}],
        },
        "successCriteria": [{"condition": "$statusCode == 204"}],
    }
    loaded = make_document(tmp_path, {"steps": [step]})
    seen, handler = capture(status=204)
    result = run(loaded, handler, {"name": "Rex", "tag": "dog", "count": 3})
    assert result.status is Status.SUCCEEDED
    request = seen[0]
    # The operation's declared media type is the default content type.
    assert request.headers["Content-Type"] == "application/merge-patch+json"
    assert json.loads(request.content) == {
        "name": "Rex",
        "tags": ["dog", "Rex", {"deep": 3}],
        "label": "pet Rex #3",
        "price": 12.5,
    }


def test_string_payload_is_a_template_sent_as_is(tmp_path: Path) -> None:
    step = {
        "stepId": "s",
        "operationId": "putPet",
        "parameters": [{"name": "petId", "in": "path", "value": "p"}],
        "requestBody": {
            "contentType": "application/json",
            "payload": '{"petId": "{$inputs.id}", "quantity": {$inputs.n}}',
        },
    }
    loaded = make_document(tmp_path, {"steps": [step]})
    seen, handler = capture(status=204)
    run(loaded, handler, {"id": "p7", "n": 2})
    assert seen[0].headers["Content-Type"] == "application/json"
    assert json.loads(seen[0].content) == {"petId": "p7", "quantity": 2}


def test_form_payload_is_urlencoded(tmp_path: Path) -> None:
    step = {
        "stepId": "s",
        "operationId": "addPet",
        "requestBody": {"payload": {"name": "$inputs.name", "vaccinated": True}},
        "successCriteria": [{"condition": "$statusCode == 201"}],
    }
    loaded = make_document(tmp_path, {"steps": [step]})
    seen, handler = capture(status=201)
    assert run(loaded, handler, {"name": "Rex & Co"}).succeeded
    assert seen[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert seen[0].content == b"name=Rex+%26+Co&vaccinated=true"


def test_outputs_see_request_response_url_and_method(tmp_path: Path) -> None:
    step = get_pet_step(
        outputs={
            "url": "$url",
            "method": "$method",
            "trace": "$request.header.x-trace",
            "pet": "$request.path.petId",
            "etag": "$response.header.etag",
            "name": "$response.body#/name",
            "whole": "$response.body",
        }
    )
    workflow = {"steps": [step], "outputs": {"petName": "$steps.s.outputs.name"}}
    loaded = make_document(tmp_path, workflow)
    _, handler = capture(body={"name": "Rex"}, headers={"ETag": '"v1"'})
    result = run(loaded, handler, {"id": "p1"})
    assert result.steps[0].outputs == {
        "url": "https://eu.pets.example/v1/pets/p1",
        "method": "GET",
        "trace": "t-1",
        "pet": "p1",
        "etag": '"v1"',
        "name": "Rex",
        "whole": {"name": "Rex"},
    }
    assert result.outputs == {"petName": "Rex"}


def test_unresolvable_output_is_null_with_a_warning(tmp_path: Path) -> None:
    loaded = make_document(
        tmp_path, {"steps": [get_pet_step(outputs={"missing": "$response.body#/nope"})]}
    )
    _, handler = capture(body={"name": "Rex"})
    result = run(loaded, handler, {"id": "p"})
    assert result.succeeded
    assert result.steps[0].outputs == {"missing": None}
    assert "output 'missing' is null" in result.steps[0].warnings[0]
    assert any("no member 'nope'" in d.message for d in loaded.diagnostics.warnings)


def test_unresolvable_parameter_fails_the_step_without_sending(tmp_path: Path) -> None:
    step = get_pet_step()
    # Valid in a document, but nothing has been received when the request is built.
    step["parameters"][1]["value"] = "$response.header.X-Token"
    loaded = make_document(tmp_path, {"steps": [step]})
    seen, handler = capture(body={})
    result = run(loaded, handler, {"id": "p"})
    assert seen == []
    assert result.status is Status.FAILED
    assert result.error is not None and result.error.step_id == "s"
    assert "cannot set header parameter 'X-Trace'" in result.error.message


@pytest.mark.parametrize(
    ("status", "expected"),
    [(200, Status.SUCCEEDED), (302, Status.SUCCEEDED), (404, Status.FAILED), (500, Status.FAILED)],
)
def test_step_without_success_criteria_fails_on_http_errors(
    tmp_path: Path, status: int, expected: Status
) -> None:
    loaded = make_document(tmp_path, {"steps": [get_pet_step(successCriteria=[])]})
    _, handler = capture(status=status, body={})
    result = run(loaded, handler, {"id": "p"})
    assert result.steps[0].status is expected
    if expected is Status.FAILED:
        assert result.error is not None
        assert f"HTTP {status}" in result.error.message


def test_failed_criteria_are_all_reported(tmp_path: Path) -> None:
    step = get_pet_step(
        successCriteria=[
            {"condition": "$statusCode == 200"},
            {"condition": "$response.body#/state == 'open'"},
            {"context": "$response.body#/id", "condition": "^pet-", "type": "regex"},
        ]
    )
    loaded = make_document(tmp_path, {"steps": [step, get_pet_step(stepId="never")]})
    _, handler = capture(status=200, body={"state": "closed", "id": "dog-1"})
    result = run(loaded, handler, {"id": "p"})
    assert [s.status for s in result.steps] == [Status.FAILED, Status.SKIPPED]
    assert result.error is not None
    message = result.error.message
    assert "$statusCode" not in message  # that one passed
    assert "'closed'" in message
    assert "^pet-" in message


def test_invalid_json_response_is_kept_as_text_with_a_warning(tmp_path: Path) -> None:
    loaded = make_document(tmp_path, {"steps": [get_pet_step(outputs={"raw": "$response.body"})]})
    _, handler = capture(body=b"{not json", headers={"Content-Type": "application/json"})
    result = run(loaded, handler, {"id": "p"})
    assert result.steps[0].outputs == {"raw": "{not json"}
    assert "not valid JSON" in result.steps[0].warnings[0]


def test_network_errors_end_the_step_with_a_clear_message(tmp_path: Path) -> None:
    loaded = make_document(tmp_path, {"steps": [get_pet_step()]})

    def timeout(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out", request=request)

    result = loaded.run(
        "w",
        {"id": "p"},
        client=httpx2.Client(transport=httpx2.MockTransport(timeout)),
        timeout=2.5,
    )
    assert result.status is Status.FAILED
    assert result.steps[0].status_code is None
    assert result.error is not None
    assert result.error.message == (
        "no response from https://eu.pets.example within 2.5 s (read timeout)"
    )


def test_server_override_replaces_the_base_url(tmp_path: Path) -> None:
    loaded = make_document(tmp_path, {"steps": [get_pet_step()]})
    seen, handler = capture(body={})
    loaded.run(
        "w",
        {"id": "p"},
        server_overrides={"pets": "http://127.0.0.1:9999/base/"},
        client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    assert str(seen[0].url) == "http://127.0.0.1:9999/base/pets/p"


def test_missing_path_parameter_is_refused_before_sending(tmp_path: Path) -> None:
    step = get_pet_step()
    step["parameters"] = step["parameters"][1:]
    loaded = make_document(tmp_path, {"steps": [step]})
    seen, handler = capture(body={})
    with pytest.raises(DocumentInvalid) as raised:
        run(loaded, handler, {"id": "p"})
    assert seen == []
    assert "does not supply path parameter 'petId'" in raised.value.render()


def test_missing_required_header_is_a_warning(tmp_path: Path) -> None:
    step = get_pet_step()
    step["parameters"] = step["parameters"][:1]
    loaded = make_document(tmp_path, {"steps": [step]})
    _, handler = capture(body={})
    assert run(loaded, handler, {"id": "p"}).succeeded
    assert any(
        "does not supply the required header parameter 'X-Trace'" in d.message
        for d in loaded.diagnostics.warnings
    )


def test_a_broken_neighbour_workflow_does_not_stop_this_one(tmp_path: Path) -> None:
    (tmp_path / "pets.openapi.yaml").write_text(yaml.safe_dump(OPENAPI))
    document = {
        "arazzo": "1.0.1",
        "info": {"title": "t", "version": "1"},
        "sourceDescriptions": [{"name": "pets", "url": "pets.openapi.yaml"}],
        "workflows": [
            {"workflowId": "w", "steps": [get_pet_step()]},
            {"workflowId": "broken", "steps": [{"stepId": "x", "operationId": "listPets",
                                                "successCriteria": [{"condition": "=="}]}]},
        ],
    }  # fmt: skip
    path = tmp_path / "doc.arazzo.json"
    path.write_text(json.dumps(document, indent=2))
    loaded = load(str(path))
    _, handler = capture(body={})
    assert run(loaded, handler, {"id": "p"}).succeeded
    warning = next(d for d in loaded.diagnostics.warnings if "broken" in d.message)
    assert "workflow 'broken' has 1 error and could not run" in warning.message
    lines = path.read_text().splitlines()
    expected_line = next(n for n, line in enumerate(lines, 1) if '"condition": "=="' in line)
    assert warning.location is not None and warning.location.line == expected_line
    with pytest.raises(DocumentInvalid):
        loaded.run("broken", {})


def test_header_value_with_a_line_break_fails_without_echoing_it(tmp_path: Path) -> None:
    step = get_pet_step()
    step["parameters"][1]["value"] = "Bearer $inputs.token"
    loaded = make_document(tmp_path, {"steps": [step]})
    seen, handler = capture(body={})
    result = run(loaded, handler, {"id": "p", "token": "s3cr3t\r\nX-Injected: 1"})
    assert seen == []
    assert result.error is not None
    assert result.error.message == (
        "header 'X-Trace' cannot be sent: its value contains a line break or NUL character"
    )
    assert "s3cr3t" not in repr(result)
