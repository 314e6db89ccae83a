"""One pipeline for every document a run reaches: built once, one resolver, one parameter check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from arazzo_runner.api import load
from arazzo_runner.diagnostics import Diagnostic, Diagnostics, DocumentInvalid
from arazzo_runner.document import ModelBuilder, check_workflow, load_document
from arazzo_runner.validation import prepare_document, validate_document
from tests._support.documents import openapi_for, write_documents
from tests._support.servers import Reply, ScriptedServer

OPENAPI: dict[str, Any] = openapi_for([("getItem", "GET", "/items/{id}")])
# A required query parameter and two headers OpenAPI says to ignore.
OPENAPI["paths"]["/items/{id}"]["get"]["parameters"] += [
    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
    {"name": "Accept", "in": "header", "required": True, "schema": {"type": "string"}},
    {"name": "mode", "in": "query", "required": True, "schema": {"default": "x"}},
]


def document(url: str, *steps: dict[str, Any], **workflow: Any) -> dict[str, Any]:
    return {
        "arazzo": "1.0.1",
        "info": {"title": "t", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": url, "type": "openapi"}],
        "workflows": [{"workflowId": "w", "steps": list(steps), **workflow}],
    }


STEP_WITHOUT_PARAMETERS = {"stepId": "get", "operationId": "getItem"}


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as scripted:
        scripted.script("GET", "/api.json", Reply(200, OPENAPI))
        yield scripted


def _parameter_problems(found: list[Diagnostic]) -> list[tuple[Any, ...]]:
    return sorted(
        (d.rule, str(d.severity), d.message, d.hint, d.location.pointer if d.location else None)
        for d in found
        if d.rule in ("missing-path-parameter", "missing-required-parameter")
    )


def _local_and_served(tmp_path: Path, server: ScriptedServer) -> tuple[Path, Path]:
    (tmp_path / "local").mkdir()
    (tmp_path / "served").mkdir()
    local = write_documents(
        tmp_path / "local", document("api.json", STEP_WITHOUT_PARAMETERS), {"api.json": OPENAPI}
    )
    served = write_documents(
        tmp_path / "served", document(f"{server.base_url}/api.json", STEP_WITHOUT_PARAMETERS)
    )
    return local, served


def test_validate_words_parameter_problems_the_same_for_a_local_and_a_served_description(
    tmp_path: Path, server: ScriptedServer
) -> None:
    local, served = _local_and_served(tmp_path, server)
    found = []
    for path in (local, served):
        diagnostics = Diagnostics()
        validate_document(str(path), diagnostics)
        found.append(_parameter_problems(list(diagnostics)))
    assert found[0] == found[1]
    assert [problem[:3] for problem in found[0]] == [
        (
            "missing-path-parameter",
            "error",
            "step 'get' does not supply path parameter 'id' of GET /items/{id}",
        ),
        (
            "missing-required-parameter",
            "warning",
            "step 'get' does not supply the required query parameter 'q' of GET /items/{id}",
        ),
    ]


def test_a_run_words_parameter_problems_the_same_for_a_local_and_a_served_description(
    tmp_path: Path, server: ScriptedServer
) -> None:
    local, served = _local_and_served(tmp_path, server)
    found = []
    for path in (local, served):
        diagnostics = Diagnostics()
        with pytest.raises(DocumentInvalid) as raised:
            load(str(path), diagnostics=diagnostics).run("w", {})
        found.append(_parameter_problems([*raised.value.diagnostics, *diagnostics.warnings]))
    assert found[0] == found[1]
    assert len(found[0]) == 2  # each problem once


# --------------------------------------------------------------------------- built once


def test_loading_builds_the_model_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_documents(
        tmp_path, document("api.json", {**STEP_WITHOUT_PARAMETERS}), {"api.json": OPENAPI}
    )
    builds = []
    original = ModelBuilder.build

    def counting(self: ModelBuilder) -> Any:
        builds.append(self.document.display_name)
        return original(self)

    monkeypatch.setattr(ModelBuilder, "build", counting)
    load(str(path))
    assert builds == [str(path)]


# --------------------------------------------------------------------------- other documents

CHILD_STEP = {
    "stepId": "get",
    "operationId": "getItem",
    "parameters": [
        {"name": "id", "in": "path", "value": "1"},
        {"name": "q", "in": "query", "value": "x"},
    ],
}


def _parent_and_child(tmp_path: Path, child: dict[str, Any]) -> Path:
    write_documents(tmp_path, child, {"api.json": OPENAPI}, name="child.arazzo.yaml")
    parent = document("api.json", {"stepId": "call", "workflowId": "$sourceDescriptions.child.w"})
    parent["sourceDescriptions"].append(
        {"name": "child", "url": "child.arazzo.yaml", "type": "arazzo"}
    )
    return write_documents(tmp_path, parent, name="parent.arazzo.yaml")


def test_a_called_document_is_prepared_into_the_same_diagnostics(tmp_path: Path) -> None:
    # A schema error inside the called document's workflow: located in its own
    # file, and it stops that workflow, not the caller's workflow at the same pointer.
    child = document("api.json", {**CHILD_STEP, "outputs": {"n": 5}})
    parent = _parent_and_child(tmp_path, child)
    diagnostics = Diagnostics()
    parent_model = prepare_document(load_document(str(parent)), diagnostics)
    child_model = prepare_document(load_document(str(tmp_path / "child.arazzo.yaml")), diagnostics)
    (error,) = diagnostics.errors
    assert (error.rule, error.message) == ("wrong-type", "'n' must be a string, not a number")
    assert error.location is not None and error.location.file.endswith("child.arazzo.yaml")
    check_workflow(parent_model.workflows[0], diagnostics)
    with pytest.raises(DocumentInvalid):
        check_workflow(child_model.workflows[0], diagnostics)


def test_a_run_refuses_a_called_document_with_a_schema_error(tmp_path: Path) -> None:
    child = document("api.json", {**CHILD_STEP, "outputs": {"n": 5}})
    parent = _parent_and_child(tmp_path, child)
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return httpx2.Response(200, json={})

    with pytest.raises(DocumentInvalid) as raised:
        load(str(parent)).run(
            "w",
            {},
            server_overrides={"api": "http://api.test"},
            client=httpx2.Client(transport=httpx2.MockTransport(handler)),
        )
    assert sent == []
    assert "'n' must be a string, not a number" in raised.value.render()
