"""``arazzo run --all`` and repeated ``--workflow``: several workflows in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import run_cli
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.servers import Reply, ScriptedServer

OPERATIONS = [("createUser", "POST", "/users"), ("getUser", "GET", "/users/{id}")]


def _workflow(workflow_id: str, operation: str, inputs: dict[str, Any]) -> dict[str, Any]:
    step: dict[str, Any] = {
        "stepId": "call",
        "operationId": operation,
        "successCriteria": [{"condition": "$statusCode == 200"}],
    }
    if operation == "getUser":
        step["parameters"] = [{"name": "id", "in": "path", "value": "$inputs.id"}]
    else:
        step["requestBody"] = {"payload": {"name": "$inputs.name"}}
    return {
        "workflowId": workflow_id,
        "inputs": {"type": "object", "required": list(inputs), "properties": inputs},
        "steps": [step],
        "outputs": {"status": "$statusCode"},
    }


def _document(tmp_path: Path) -> Path:
    document = arazzo_document(
        _workflow("create", "createUser", {"name": {"type": "string"}}),
        _workflow("fetch", "getUser", {"id": {"type": "string"}}),
        _workflow("fetch-again", "getUser", {"id": {"type": "string"}}),
    )
    return write_documents(tmp_path, document, {"api.yaml": openapi_for(OPERATIONS)})


@pytest.fixture
def server() -> Any:
    with ScriptedServer(fallback=Reply(200, {"ok": True})) as running:
        yield running


def _run(path: Path, server: ScriptedServer, *args: str) -> Any:
    inputs = ("-i", "name=ada", "-i", "id=7")
    return run_cli("run", str(path), "--server", f"api={server.base_url}", *inputs, *args)


def test_all_runs_every_workflow_in_document_order(tmp_path: Path, server: ScriptedServer) -> None:
    result = _run(_document(tmp_path), server, "--all")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert server.paths() == ["POST /users", "GET /users/7", "GET /users/7"]
    assert "[1/3] workflow create" in result.stdout
    assert "[3/3] workflow fetch-again" in result.stdout
    assert result.stdout.rstrip().endswith("3 of 3 workflows succeeded")


def test_repeated_workflow_options_run_each_in_the_order_given(
    tmp_path: Path, server: ScriptedServer
) -> None:
    result = _run(_document(tmp_path), server, "-w", "fetch", "-w", "create", "-o", "json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["succeeded"] is True
    assert [w["workflowId"] for w in report["workflows"]] == ["fetch", "create"]
    assert server.paths() == ["GET /users/7", "POST /users"]
    assert server.received[1].json() == {"name": "ada"}


def test_a_failed_workflow_does_not_stop_the_others_and_fails_the_exit_code(
    tmp_path: Path,
) -> None:
    with ScriptedServer(fallback=Reply(200, {})) as server:
        server.script("POST", "/users", Reply(500, {"error": "down"}))
        result = _run(_document(tmp_path), server, "--all", "-o", "json")
    assert result.exit_code == 1
    statuses = [w["status"] for w in result.json()["workflows"]]
    assert statuses[0] != statuses[1] and len(statuses) == 3
    assert result.json()["succeeded"] is False


def test_every_workflows_inputs_are_checked_before_anything_is_sent(
    tmp_path: Path, server: ScriptedServer
) -> None:
    result = run_cli(
        "run", str(_document(tmp_path)), "--server", f"api={server.base_url}",
        "-i", "name=ada", "--all",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "workflow 'fetch'" in result.stderr and "id" in result.stderr
    assert server.paths() == []


def test_an_input_no_workflow_declares_is_an_error_with_did_you_mean(
    tmp_path: Path, server: ScriptedServer
) -> None:
    result = _run(_document(tmp_path), server, "-i", "nmae=x", "--all")
    assert result.exit_code == 2
    assert "no workflow being run has an input named 'nmae'" in result.stderr
    assert "did you mean 'name'?" in result.stderr
    assert server.paths() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-w", "fetch", "-w", "fetch"), "--workflow fetch is given more than once"),
        (("--all", "-w", "fetch"), "leave out --workflow"),
        (("--all", "--report", "json=r.json"), "--report writes the report of one workflow"),
        (("-w", "nope", "-w", "fetch"), "no workflow 'nope'"),
    ],
)
def test_combinations_that_cannot_work_are_usage_errors(
    tmp_path: Path, server: ScriptedServer, args: tuple[str, ...], message: str
) -> None:
    result = _run(_document(tmp_path), server, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert server.paths() == []


def test_dry_run_plans_every_workflow(tmp_path: Path, server: ScriptedServer) -> None:
    result = _run(_document(tmp_path), server, "--all", "--dry-run", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert len(result.json()["workflows"]) == 3
    assert server.paths() == []


def test_one_workflow_named_once_runs_as_before(tmp_path: Path, server: ScriptedServer) -> None:
    path = _document(tmp_path)
    url = f"api={server.base_url}"
    result = run_cli("run", str(path), "--server", url, "-i", "id=7", "-w", "fetch", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["workflowId"] == "fetch"


def test_a_workflow_without_declared_inputs_takes_every_input_given(
    tmp_path: Path, server: ScriptedServer
) -> None:
    loose = _workflow("loose", "getUser", {})
    del loose["inputs"]
    document = arazzo_document(
        _workflow("create", "createUser", {"name": {"type": "string"}}), loose
    )
    path = write_documents(tmp_path, document, {"api.yaml": openapi_for(OPERATIONS)})
    result = _run(path, server, "--all")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert server.paths() == ["POST /users", "GET /users/7"]
