"""Bad input: each case ends with a clear message and the documented exit code, no traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import assert_clean_failure, run_cli
from tests._support.paths import SESSIONS_OPENAPI, WORKFLOW
from tests._support.servers import closed_port
from tests._support.sessions import SESSION, run_workflow, stand_in


def test_missing_required_input(sessions_server: Any) -> None:
    result = run_cli(
        "run", str(WORKFLOW), "--input", "accessToken=t", "--input", "serviceCrn=c",
        "--input", "apiVersion=2026-03-15", "--input", "acceptingJobs=true",
        "--server", f"sessionsApi={sessions_server.base_url}",
    )  # fmt: skip
    assert_clean_failure(result, 2, "input 'sessionId' is required but was not given")
    assert sessions_server.requests.snapshot() == []  # nothing was sent


@pytest.mark.parametrize("value", ["maybe", "0", "'false'"])
def test_input_of_the_wrong_type(sessions_server: Any, value: str) -> None:
    result = run_workflow(sessions_server, acceptingJobs=value)
    assert_clean_failure(result, 2, "input 'acceptingJobs' expects boolean", value)
    assert sessions_server.requests.snapshot() == []


def test_inputs_file_with_wrong_type_is_rejected_by_schema(
    sessions_server: Any, tmp_path: Path
) -> None:
    path = tmp_path / "inputs.json"
    path.write_text('{"accessToken": "t", "serviceCrn": "c", "apiVersion": "v", '
                    '"sessionId": 7, "acceptingJobs": "false"}')  # fmt: skip
    result = run_cli("run", str(WORKFLOW), "--inputs", str(path))
    assert_clean_failure(
        result, 2, "input 'acceptingJobs': 'false' is not of type 'boolean'",
        "input 'sessionId': 7 is not of type 'string'",
    )  # fmt: skip


def test_unknown_input_name(sessions_server: Any) -> None:
    result = run_workflow(sessions_server, sessionID="x")
    assert_clean_failure(result, 2, "has no input named 'sessionID'", "sessionId")


def test_unknown_workflow_id(sessions_server: Any) -> None:
    result = run_workflow(sessions_server, "--workflow", "pause-sesion")
    assert_clean_failure(
        result, 2, "no workflow 'pause-sesion'", "workflows: pause-session-and-confirm"
    )


def test_unreachable_server() -> None:
    class Unreachable:
        base_url = f"http://127.0.0.1:{closed_port()}/api"

    result = run_workflow(Unreachable(), "--output", "json")
    assert_clean_failure(result, 1, "cannot connect to http://127.0.0.1:")
    document = result.json()
    assert document["status"] == "failed"
    assert document["error"]["stepId"] == "getSession"
    assert "cannot connect" in document["error"]["message"]
    assert [s["status"] for s in document["steps"]] == ["failed", "skipped", "skipped"]
    assert document["steps"][0]["statusCode"] is None


def test_unauthorized_response_fails_the_step(sessions_server: Any) -> None:
    result = run_workflow(sessions_server, accessToken="wrong-token")
    assert_clean_failure(
        result, 1, "getSession", "401", "FAILED",
        "$statusCode == 200", "workflow pause-session-and-confirm failed",
    )  # fmt: skip
    assert "wrong-token" not in result.stdout + result.stderr
    assert len(sessions_server.requests.snapshot()) == 1  # the run stopped at the failed step
    assert "skipped: updateSession, confirmSession" in result.stdout


def test_unknown_session_is_a_failed_run_with_json_error(sessions_server: Any) -> None:
    result = run_workflow(sessions_server, "-o", "json", sessionId="no-such-session")
    assert_clean_failure(result, 1)
    document = result.json()
    assert document["error"]["stepId"] == "getSession"
    assert "404" in document["error"]["message"]


def test_malformed_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.arazzo.yaml"
    path.write_text("arazzo: 1.0.1\ninfo:\n  title: x\n   version: 1\nworkflows: []\n")
    result = run_cli("run", str(path))
    assert_clean_failure(result, 2, f"{path}:4:", "invalid YAML")


def test_unsupported_arazzo_version(tmp_path: Path) -> None:
    text = WORKFLOW.read_text().replace("arazzo: 1.0.1", "arazzo: 2.0.0")
    path = tmp_path / "v2.arazzo.yaml"
    path.write_text(text)
    result = run_cli("run", str(path))
    assert_clean_failure(result, 2, f"{path}:1:9", "unsupported Arazzo version '2.0.0'")


def test_missing_file() -> None:
    result = run_cli("run", "does-not-exist.yaml")
    assert_clean_failure(result, 2, "does-not-exist.yaml: error: file not found")


def test_openapi_file_instead_of_arazzo() -> None:
    result = run_cli("run", "openapi/ibm-quantum-runtime-sessions-openapi.yml")
    assert_clean_failure(result, 2, "not an Arazzo document", "looks like an OpenAPI description")


def test_bad_arguments() -> None:
    assert_clean_failure(run_cli("run"), 2, "error:")
    assert_clean_failure(run_cli("run", str(WORKFLOW), "--input", "novalue"), 2, "NAME=VALUE")
    assert_clean_failure(
        run_cli("run", str(WORKFLOW), "--server", "sessionsApi=ftp://x"), 2, "not an http(s) URL"
    )
    assert_clean_failure(
        run_cli("run", str(WORKFLOW), "--server", "nope=http://127.0.0.1:1"),
        2,
        "source description 'nope'",
    )
    assert_clean_failure(run_cli("frobnicate"), 2, "invalid choice")


def test_broken_document_reports_every_error_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "broken.arazzo.yaml"
    path.write_text(
        "arazzo: 1.0.1\n"
        "info:\n"
        "  title: Broken\n"
        "  version: 1.0.0\n"
        "sourceDescriptions:\n"
        "- name: api\n"
        "  url: ./api.yaml\n"
        "workflows:\n"
        "- workflowId: w\n"
        "  steps:\n"
        "  - stepId: a\n"
        "    operationId: op\n"
        "    successCriteria:\n"
        "    - condition: $statusCode ==\n"
        "    outputs:\n"
        "      x: $response.body#/a~2\n"
        "  - stepId: a\n"
    )
    result = run_cli("run", str(path))
    assert_clean_failure(
        result, 2, f"{path}:14:32: error:", f"{path}:16:27: error:", f"{path}:17:",
        "duplicate stepId 'a'", "step 'a' names no target", "nothing was sent",
    )  # fmt: skip


def test_unknown_operation_id_is_reported_before_sending(
    tmp_path: Path, sessions_server: Any
) -> None:
    text = WORKFLOW.read_text().replace("operationId: update_session", "operationId: updateSesion")
    path = tmp_path / "workflows" / "typo.arazzo.yaml"
    path.parent.mkdir()
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / SESSIONS_OPENAPI.name).write_text(SESSIONS_OPENAPI.read_text())
    path.write_text(text)
    result = run_workflow(sessions_server, workflow=str(path))
    assert_clean_failure(result, 2, "no operation with operationId 'updateSesion'")
    assert sessions_server.requests.snapshot() == []


def test_session_token_never_printed_on_failure(sessions_server: Any) -> None:
    sessions_server.sessions.pop(SESSION)
    result = run_workflow(sessions_server)
    assert result.exit_code == 1
    assert stand_in.DEFAULT_TOKEN not in result.stdout + result.stderr


def test_help_version_and_no_command() -> None:
    version = run_cli("--version")
    assert version.exit_code == 0
    assert version.stdout.startswith("arazzo-runner ")
    help_text = run_cli("run", "--help")
    assert help_text.exit_code == 0
    for option in ("--workflow", "--input", "--inputs", "--server", "--output", "--timeout"):
        assert option in help_text.stdout
    bare = run_cli()
    assert bare.exit_code == 2
    assert "run a workflow" in bare.stdout


def test_bad_timeout_and_inputs_file() -> None:
    assert_clean_failure(
        run_cli("run", str(WORKFLOW), "--timeout", "0"), 2, "--timeout must be a positive"
    )
    assert_clean_failure(
        run_cli("run", str(WORKFLOW), "--timeout", "soon"), 2, "invalid float value"
    )
    assert_clean_failure(
        run_cli("run", str(WORKFLOW), "--inputs", "-", stdin="[1, 2]"), 2, "must hold an object"
    )
    assert_clean_failure(
        run_cli("run", str(WORKFLOW), "--inputs", "-", stdin="{oops"), 2, "is not valid JSON"
    )
    assert_clean_failure(
        run_cli("run", str(WORKFLOW), "--inputs", "missing.json"), 2, "cannot read inputs file"
    )
