"""``arazzo run --dry-run``: the plan of a run, with nothing sent; inputs from the environment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import run_cli
from tests._support.documents import openapi_for, write_documents
from tests._support.paths import WORKFLOW
from tests._support.servers import ScriptedServer
from tests._support.sessions import load_stand_in

OPERATIONS = [("login", "POST", "/token"), ("getItem", "GET", "/items/{id}")]

DOCUMENT: dict[str, Any] = {
    "arazzo": "1.0.1",
    "info": {"title": "dry run", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "api.openapi.yaml", "type": "openapi"}],
    "workflows": [
        {
            "workflowId": "fetch",
            "inputs": {
                "type": "object",
                "required": ["user", "password"],
                "properties": {
                    "user": {"type": "string"},
                    "password": {"type": "string"},
                    "pin": {"type": "string", "format": "password"},
                    "limit": {"type": "integer", "default": 10},
                },
            },
            "steps": [
                {
                    "stepId": "login",
                    "operationId": "login",
                    "requestBody": {
                        "contentType": "application/json",
                        "payload": {"user": "$inputs.user", "password": "$inputs.password"},
                    },
                    "successCriteria": [{"condition": "$statusCode == 200"}],
                    "outputs": {"token": "$response.body#/token", "id": "$response.body#/id"},
                },
                {
                    "stepId": "get-item",
                    "operationId": "getItem",
                    "parameters": [
                        {"name": "id", "in": "path", "value": "$steps.login.outputs.id"},
                        {"name": "limit", "in": "query", "value": "$inputs.limit"},
                        {
                            "name": "Authorization",
                            "in": "header",
                            "value": "Bearer {$steps.login.outputs.token}",
                        },
                        {"name": "X-User", "in": "header", "value": "user {$inputs.user}"},
                    ],
                    "requestBody": {
                        "payload": {"owner": "$inputs.user", "after": "$response.body#/next"}
                    },
                    "successCriteria": [{"condition": "$statusCode == 200"}],
                    "outputs": {"item": "$response.body"},
                    "onFailure": [
                        {
                            "name": "again",
                            "type": "retry",
                            "retryAfter": 2,
                            "retryLimit": 3,
                            "criteria": [{"condition": "$statusCode == 503"}],
                        }
                    ],
                },
            ],
            "outputs": {"item": "$steps.get-item.outputs.item"},
        }
    ],
}


def write(tmp_path: Path, document: dict[str, Any] | None = None) -> Path:
    return write_documents(
        tmp_path, document or DOCUMENT, {"api.openapi.yaml": openapi_for(OPERATIONS)}
    )


def dry_run(path: Path, server: ScriptedServer, *args: str) -> Any:
    return run_cli(
        "run", str(path), "--dry-run", "--server", f"api={server.base_url}/v1", *args, stdin=""
    )


def test_the_json_plan_resolves_inputs_and_keeps_later_expressions(
    tmp_path: Path, server: ScriptedServer
) -> None:
    result = dry_run(
        write(tmp_path), server, "-i", "user=ada", "-i", "password=s3cret", "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert server.received == []
    plan = result.json()
    assert plan["dryRun"] is True
    assert plan["inputs"] == {"user": "ada", "password": "***", "limit": 10}
    login, get_item = plan["steps"]
    assert login["method"] == "POST"
    assert login["url"] == f"{server.base_url}/v1/token"
    assert (login["source"], login["operationId"], login["path"]) == ("api", "login", "/token")
    assert login["body"] == {
        "contentType": "application/json",
        "payload": {"user": "ada", "password": "***"},
    }
    assert get_item["url"] == f"{server.base_url}/v1/items/{{id}}"
    assert get_item["parameters"] == [
        {"name": "id", "in": "path", "value": "$steps.login.outputs.id"},
        {"name": "limit", "in": "query", "value": 10},
        {
            "name": "Authorization",
            "in": "header",
            "value": "Bearer {$steps.login.outputs.token}",
        },
        {"name": "X-User", "in": "header", "value": "user ada"},
    ]
    assert get_item["body"]["payload"] == {"owner": "ada", "after": "{$response.body#/next}"}
    assert get_item["successCriteria"] == [{"condition": "$statusCode == 200"}]
    assert get_item["onFailure"] == [
        {
            "name": "again",
            "type": "retry",
            "retryAfter": 2,
            "retryLimit": 3,
            "criteria": [{"condition": "$statusCode == 503"}],
        }
    ]
    assert plan["outputs"] == {"item": "$steps.get-item.outputs.item"}
    assert "s3cret" not in result.stdout


def test_the_text_plan(tmp_path: Path, server: ScriptedServer) -> None:
    result = dry_run(write(tmp_path), server, "-i", "user=ada", "-i", "password=s3cret")
    assert result.exit_code == 0, result.stderr
    assert server.received == []
    text = result.stdout
    assert "dry run of workflow fetch: 2 steps; nothing was sent" in text
    assert f"request:   GET {server.base_url}/v1/items/{{id}}" in text
    assert "header:    Authorization = Bearer {$steps.login.outputs.token}" in text
    assert "query:     limit = 10" in text
    assert 'body:      (application/json) {"user": "ada", "password": "***"}' in text
    assert "onFailure: retry again (max 3, after 2s) if $statusCode == 503" in text
    assert "s3cret" not in text


def test_format_password_inputs_are_masked(tmp_path: Path, server: ScriptedServer) -> None:
    result = dry_run(
        write(tmp_path), server, "-i", "user=a", "-i", "password=p", "-i", "pin=1234", "-o", "json"
    )
    assert result.json()["inputs"]["pin"] == "***"
    assert "1234" not in result.stdout


def test_invalid_inputs_exit_2_and_list_the_ways_to_give_them(
    tmp_path: Path, server: ScriptedServer
) -> None:
    result = dry_run(write(tmp_path), server, "-i", "user=ada")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "input 'password' is required but was not given" in result.stderr
    assert "--input password=VALUE" in result.stderr
    assert "--inputs FILE.json" in result.stderr
    assert "ARAZZO_INPUT_password" in result.stderr
    assert server.received == []


def test_an_invalid_document_exits_2(tmp_path: Path, server: ScriptedServer) -> None:
    broken = json.loads(json.dumps(DOCUMENT))
    broken["workflows"][0]["steps"][0]["operationId"] = "noSuchOperation"
    result = dry_run(write(tmp_path, broken), server, "-i", "user=a", "-i", "password=p")
    assert result.exit_code == 2
    assert "noSuchOperation" in result.stderr
    assert server.received == []


def test_inputs_precedence_flag_over_file_over_environment(
    tmp_path: Path, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARAZZO_INPUT_USER", "from-env")
    monkeypatch.setenv("ARAZZO_INPUT_password", "env-password")
    monkeypatch.setenv("ARAZZO_INPUT_LIMIT", "5")
    inputs_file = tmp_path / "inputs.json"
    inputs_file.write_text(json.dumps({"user": "from-file", "limit": 7}))
    path = write(tmp_path)
    env_only = dry_run(path, server, "-o", "json").json()["inputs"]
    assert env_only == {"user": "from-env", "password": "***", "limit": 5}
    with_file = dry_run(path, server, "--inputs", str(inputs_file), "-o", "json").json()["inputs"]
    assert with_file == {"user": "from-file", "password": "***", "limit": 7}
    with_flag = dry_run(
        path, server, "--inputs", str(inputs_file), "-i", "user=from-flag", "-o", "json"
    ).json()["inputs"]
    assert with_flag == {"user": "from-flag", "password": "***", "limit": 7}


def test_a_real_run_takes_its_inputs_from_the_environment(
    sessions_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in = load_stand_in()
    monkeypatch.setenv("ARAZZO_INPUT_ACCESSTOKEN", stand_in.DEFAULT_TOKEN)
    monkeypatch.setenv("ARAZZO_INPUT_serviceCrn", stand_in.DEFAULT_SERVICE_CRN)
    monkeypatch.setenv("ARAZZO_INPUT_APIVERSION", "2025-01-01")
    monkeypatch.setenv("ARAZZO_INPUT_SESSIONID", "demo-session-1")
    monkeypatch.setenv("ARAZZO_INPUT_ACCEPTINGJOBS", "false")
    result = run_cli(
        "run", str(WORKFLOW), "--server", f"sessionsApi={sessions_server.base_url}", stdin=""
    )
    assert result.exit_code == 0, result.stderr
    assert sessions_server.sessions["demo-session-1"]["accepting_jobs"] is False


def test_the_dry_run_of_the_sessions_workflow_sends_nothing(sessions_server: Any) -> None:
    result = run_cli(
        "run",
        str(WORKFLOW),
        "--dry-run",
        "--server",
        f"sessionsApi={sessions_server.base_url}",
        "-i",
        "accessToken=t",
        "-i",
        "serviceCrn=c",
        "-i",
        "apiVersion=2025-01-01",
        "-i",
        "sessionId=demo-session-1",
        "-i",
        "acceptingJobs=false",
        stdin="",
    )
    assert result.exit_code == 0, result.stderr
    assert "header:    Authorization = Bearer ***" in result.stdout
    assert list(sessions_server.requests) == []


def test_a_relative_server_url_is_planned_and_needs_server_for_a_real_run(
    tmp_path: Path, server: ScriptedServer
) -> None:
    description = openapi_for(OPERATIONS)
    description["servers"] = [{"url": "/api/v2"}]
    path = write_documents(tmp_path, DOCUMENT, {"api.openapi.yaml": description})
    inputs = ("-i", "user=ada", "-i", "password=p")

    planned = run_cli("run", str(path), "--dry-run", *inputs, "-o", "json", stdin="")
    assert planned.exit_code == 0, planned.stderr
    login = planned.json()["steps"][0]
    assert login["url"] == "/api/v2/token"
    assert login["serverNote"] == (
        "the server URL '/api/v2' is relative; for a real run, "
        "pass --server api=https://host/base-path"
    )
    text = run_cli("run", str(path), "--dry-run", *inputs, stdin="")
    assert text.exit_code == 0, text.stderr
    assert "request:   POST /api/v2/token" in text.stdout
    assert "note:      the server URL '/api/v2' is relative" in text.stdout

    # A real run still refuses before sending, with the same advice.
    real = run_cli("run", str(path), *inputs, stdin="")
    assert real.exit_code == 2
    assert "--server api=https://host/base-path" in real.stderr
    # With --server, the dry run plans the overridden URL and has nothing to add.
    overridden = dry_run(path, server, *inputs, "-o", "json")
    assert overridden.exit_code == 0, overridden.stderr
    assert "serverNote" not in overridden.json()["steps"][0]
    assert server.received == []
