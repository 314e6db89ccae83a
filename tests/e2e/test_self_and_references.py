"""Arazzo 1.1 `$self`, identity-based referencing, base URIs and `$anchor`, through the CLI
against local servers; a 1.0 document keeps its 1.0 reading beside them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests._support.cli import run_cli
from tests._support.documents import openapi_for
from tests._support.servers import Reply, ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def _api(server: ScriptedServer) -> dict[str, Any]:
    api = openapi_for([("getPet", "GET", "/pets/{id}"), ("url", "GET", "/url")])
    api["servers"] = [{"url": server.base_url}]
    return api


def _shared(identity: str) -> dict[str, Any]:
    """A 1.1 document whose source description is relative: read against its $self."""
    return {
        "arazzo": "1.1.0",
        "$self": identity,
        "info": {"title": "shared", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.yaml", "type": "openapi"}],
        "workflows": [
            {
                "workflowId": "getPet",
                "steps": [
                    {
                        "stepId": "get",
                        "operationId": "getPet",
                        "parameters": [{"name": "id", "in": "path", "value": "7"}],
                        "outputs": {"name": "$response.body#/name"},
                    }
                ],
                "outputs": {"name": "$steps.get.outputs.name", "me": "$self"},
            }
        ],
    }


def _caller(version: str, url: str) -> dict[str, Any]:
    return {
        "arazzo": version,
        "info": {"title": "caller", "version": "1"},
        "sourceDescriptions": [{"name": "shared", "url": url, "type": "arazzo"}],
        "workflows": [
            {
                "workflowId": "main",
                "steps": [
                    {
                        "stepId": "call",
                        "workflowId": "$sourceDescriptions.shared.getPet",
                        "outputs": {"name": "$outputs.name", "me": "$outputs.me"},
                    }
                ],
                "outputs": {
                    "name": "$steps.call.outputs.name",
                    "calledSelf": "$steps.call.outputs.me",
                },
            }
        ],
    }


def test_a_source_url_names_a_document_given_to_the_run_by_its_self(
    tmp_path: Path, server: ScriptedServer
) -> None:
    # The shared document says it lives on the server, and is stored elsewhere:
    # the run finds it by identity, and reads its relative source against $self.
    identity = f"{server.base_url}/flows/shared.arazzo.yaml"
    server.serve("/flows/api.yaml", _api(server))
    server.script("GET", "/pets/7", Reply(200, {"name": "Rex"}))
    shared = _write(tmp_path / "elsewhere" / "copy.yaml", _shared(identity))
    caller = _write(tmp_path / "caller.arazzo.yaml", _caller("1.1.0", identity))

    result = run_cli("run", str(caller), "--document", str(shared), "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"] == {"name": "Rex", "calledSelf": identity}
    # Never fetched by location; its source description came from the $self base.
    assert server.paths() == ["GET /flows/api.yaml", "GET /pets/7"]


def test_without_the_document_the_url_is_a_location(tmp_path: Path, server: ScriptedServer) -> None:
    identity = f"{server.base_url}/flows/shared.arazzo.yaml"
    _write(tmp_path / "elsewhere" / "copy.yaml", _shared(identity))
    caller = _write(tmp_path / "caller.arazzo.yaml", _caller("1.1.0", identity))

    result = run_cli("run", str(caller))

    assert result.exit_code == 2
    assert "cannot load source description 'shared'" in result.stderr
    assert server.paths() == ["GET /flows/shared.arazzo.yaml"]


def test_validate_offline_finds_a_document_on_the_command_line_by_its_self(
    tmp_path: Path,
) -> None:
    # The air-gapped case of Appendix B: nothing is fetched, the identity is enough.
    identity = "https://workflows.example.com/shared.arazzo.yaml"
    shared = _shared(identity)
    shared["sourceDescriptions"][0]["url"] = "../api/api.yaml"
    _write(tmp_path / "api" / "api.yaml", openapi_for([("getPet", "GET", "/pets/{id}")]))
    shared_path = _write(tmp_path / "shared" / "shared.yaml", shared)
    caller = _write(tmp_path / "caller.arazzo.yaml", _caller("1.1.0", identity))

    alone = run_cli("validate", str(caller), "--offline")
    together = run_cli("validate", str(caller), str(shared_path), "--offline")

    assert alone.exit_code == 0, alone.stdout  # offline: a remote source is not read
    assert together.exit_code == 0, together.stdout
    assert "source-not-found" not in together.stdout


def test_a_1_0_document_calls_a_1_1_one_and_each_keeps_its_rules(
    tmp_path: Path, server: ScriptedServer
) -> None:
    # The 1.1 document has a relative $self: resolved against where it was read.
    server.script("GET", "/pets/7", Reply(200, {"name": "Rex"}))
    _write(tmp_path / "lib" / "api.yaml", _api(server))
    _write(tmp_path / "shared.arazzo.yaml", _shared("lib/shared.arazzo.yaml"))
    caller = _caller("1.0.1", "shared.arazzo.yaml")
    caller["workflows"][0]["outputs"]["literal"] = "$self"
    path = _write(tmp_path / "caller.arazzo.yaml", caller)

    result = run_cli("run", str(path), "-o", "json")

    assert result.exit_code == 0, result.stderr
    outputs = result.json()["outputs"]
    assert outputs["name"] == "Rex"
    # 1.1: $self is a URI; its relative form resolved against the file's location.
    assert outputs["calledSelf"] == (tmp_path / "lib" / "shared.arazzo.yaml").as_uri()
    # 1.0: there is no $self expression; the text is kept, with the usual warning.
    assert outputs["literal"] == "$self"
    assert "declare arazzo: 1.1.0 to use $self" in result.stderr


def test_a_ref_to_an_anchor_in_the_inputs_schema(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/pets/3", Reply(200, {"name": "Tom"}))
    _write(tmp_path / "api.yaml", _api(server))
    document = {
        "arazzo": "1.1.0",
        "info": {"title": "anchors", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.yaml", "type": "openapi"}],
        "workflows": [
            {
                "workflowId": "get",
                "inputs": {
                    "type": "object",
                    "properties": {"pet": {"$ref": "#pet"}},
                    "required": ["pet"],
                },
                "steps": [
                    {
                        "stepId": "get",
                        "operationId": "getPet",
                        "parameters": [{"name": "id", "in": "path", "value": "$inputs.pet#/id"}],
                        "outputs": {"name": "$response.body#/name"},
                    }
                ],
                "outputs": {"name": "$steps.get.outputs.name"},
            }
        ],
        "components": {
            "inputs": {
                "pet": {
                    "$anchor": "pet",
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "integer"}},
                }
            }
        },
    }
    path = _write(tmp_path / "flow.arazzo.yaml", document)

    wrong = run_cli("run", str(path), "--input", 'pet={"id": "x"}')
    right = run_cli("run", str(path), "--input", 'pet={"id": 3}', "-o", "json")

    assert wrong.exit_code == 2
    assert "'x' is not of type 'integer'" in wrong.stderr
    assert right.exit_code == 0, right.stderr
    assert right.json()["outputs"] == {"name": "Tom"}
    assert server.paths() == ["GET /pets/3"]


def test_an_anchor_no_schema_declares_is_a_located_error(tmp_path: Path) -> None:
    document = {
        "arazzo": "1.1.0",
        "info": {"title": "anchors", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.yaml", "type": "openapi"}],
        "workflows": [
            {
                "workflowId": "get",
                "inputs": {"type": "object", "properties": {"pet": {"$ref": "#pett"}}},
                "steps": [{"stepId": "get", "operationId": "getPet"}],
            }
        ],
    }
    _write(tmp_path / "api.yaml", openapi_for([("getPet", "GET", "/pets")]))
    path = _write(tmp_path / "flow.arazzo.yaml", document)

    result = run_cli("validate", str(path))

    assert result.exit_code == 1
    assert "unresolved-input-reference" in result.stdout
    assert "no inputs schema of the document has $anchor: pett" in result.stdout


def test_source_descriptions_reference_priority(tmp_path: Path, server: ScriptedServer) -> None:
    # An operation named 'url': in operationId it is the operation (priority 1); in a
    # value, $sourceDescriptions.api.url is the Source Description's field (priority 2).
    server.script("GET", "/url", Reply(200, {"ok": True}))
    _write(tmp_path / "api.yaml", _api(server))
    document = {
        "arazzo": "1.1.0",
        "info": {"title": "priority", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.yaml", "type": "openapi"}],
        "workflows": [
            {
                "workflowId": "w",
                "steps": [{"stepId": "s", "operationId": "$sourceDescriptions.api.url"}],
                "outputs": {"where": "$sourceDescriptions.api.url"},
            }
        ],
    }
    path = _write(tmp_path / "flow.arazzo.yaml", document)

    result = run_cli("run", str(path), "-o", "json")

    assert result.exit_code == 0, result.stderr
    assert server.paths() == ["GET /url"]
    assert result.json()["outputs"] == {"where": "api.yaml"}


def test_message_and_self_are_expressions_only_in_1_1_documents(tmp_path: Path) -> None:
    _write(tmp_path / "api.yaml", openapi_for([("getPet", "GET", "/pets")]))
    document = {
        "arazzo": "1.1.0",
        "info": {"title": "roots", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.yaml", "type": "openapi"}],
        "workflows": [
            {
                "workflowId": "w",
                "steps": [
                    {
                        "stepId": "s",
                        "operationId": "getPet",
                        "outputs": {"me": "$self", "status": "$message.payload#/status"},
                    }
                ],
            }
        ],
    }
    newer = _write(tmp_path / "newer.arazzo.yaml", document)
    older = _write(tmp_path / "older.arazzo.yaml", {**document, "arazzo": "1.0.1"})

    result = run_cli("validate", str(newer), str(older), "-o", "json")

    found = {
        (Path(entry["file"]).name, problem["rule"])
        for entry in result.json()["files"]
        for problem in entry["diagnostics"]
    }
    # Only the 1.0 document warns: $self and $message are literal text there.
    assert found == {("older.arazzo.yaml", "unknown-expression-root")}
