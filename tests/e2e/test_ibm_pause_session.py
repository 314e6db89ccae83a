"""The IBM Quantum pause-session workflow, unchanged, through the real CLI and a real server."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests._support.cli import run_cli, run_cli_process, run_python
from tests._support.paths import WORKFLOW, corpus_path
from tests._support.sessions import (
    API_VERSION,
    SESSION,
    assert_three_requests,
    run_workflow,
    stand_in,
    workflow_args,
)


@pytest.mark.parametrize("accepting_jobs", [False, True])
def test_runs_unchanged_workflow_json_output(sessions_server: Any, accepting_jobs: bool) -> None:
    if accepting_jobs:  # start from the opposite state so the change is visible
        sessions_server.sessions[SESSION]["accepting_jobs"] = False
    result = run_workflow(
        sessions_server, "--output", "json", acceptingJobs=str(accepting_jobs).lower()
    )

    assert result.exit_code == 0, result.stderr
    document = result.json()
    for step in document["steps"]:
        # Each step lists its tries and the action that followed (here: one try, then next).
        (attempt,) = step.pop("attempts")
        assert attempt["attempt"] == 1 and attempt["status"] == "succeeded"
        assert attempt["statusCode"] == step["statusCode"] and attempt["durationMs"] >= 0
        assert step.pop("action") == attempt["action"] == {"type": "next", "name": None}
        assert step.pop("error") is None
        assert step.pop("warnings") == []
    assert document == {
        "workflowId": "pause-session-and-confirm",
        "status": "succeeded",
        "outputs": {"finalAcceptingJobs": accepting_jobs, "finalState": "active"},
        "steps": [
            {
                "stepId": "getSession",
                "status": "succeeded",
                "statusCode": 200,
                "outputs": {
                    "currentState": "active",
                    "currentAcceptingJobs": not accepting_jobs,
                },
            },
            {"stepId": "updateSession", "status": "succeeded", "statusCode": 204, "outputs": {}},
            {
                "stepId": "confirmSession",
                "status": "succeeded",
                "statusCode": 200,
                "outputs": {"finalAcceptingJobs": accepting_jobs, "finalState": "active"},
            },
        ],
        "error": None,
    }
    assert_three_requests(sessions_server, accepting_jobs)
    assert sessions_server.sessions[SESSION]["accepting_jobs"] is accepting_jobs


def test_text_output_shows_each_step_then_outputs(sessions_server: Any) -> None:
    result = run_workflow(sessions_server)

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    base = sessions_server.base_url
    assert lines[0].split()[:5] == [
        "getSession", "GET", f"{base}/v1/sessions/{SESSION}", "200", "passed"
    ]  # fmt: skip
    assert lines[1].split()[:5] == [
        "updateSession", "PATCH", f"{base}/v1/sessions/{SESSION}", "204", "passed"
    ]  # fmt: skip
    assert lines[2].split()[:5] == [
        "confirmSession", "GET", f"{base}/v1/sessions/{SESSION}", "200", "passed"
    ]  # fmt: skip
    assert lines[3:] == [
        "workflow pause-session-and-confirm succeeded",
        "outputs:",
        "  finalAcceptingJobs: false",
        '  finalState: "active"',
    ]
    assert stand_in.DEFAULT_TOKEN not in result.stdout + result.stderr


def test_inputs_file_and_stdin(sessions_server: Any, tmp_path: Any) -> None:
    inputs = {
        "accessToken": stand_in.DEFAULT_TOKEN,
        "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
        "apiVersion": API_VERSION,
        "sessionId": SESSION,
        "acceptingJobs": False,
    }
    server_arg = f"sessionsApi={sessions_server.base_url}"
    result = run_cli(
        "run", str(WORKFLOW), "--inputs", "-", "--server", server_arg, "-o", "json",
        stdin=json.dumps(inputs),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"]["finalAcceptingJobs"] is False

    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(inputs))
    # --input wins over the file.
    result = run_cli(
        "run", str(WORKFLOW), "--inputs", str(path), "--input", "acceptingJobs=true",
        "--server", server_arg, "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"]["finalAcceptingJobs"] is True


@pytest.mark.subprocess
def test_python_module_entry_point_and_workflow_flag(sessions_server: Any) -> None:
    args = workflow_args(sessions_server, "--workflow", "pause-session-and-confirm", "-o", "json")
    result = run_cli_process(*args)
    assert result.exit_code == 0, result.stderr
    assert result.json()["status"] == "succeeded"


@pytest.mark.parametrize("accepting_jobs", [False, True])
def test_defective_public_openapi_file_runs_with_warnings(
    sessions_server: Any, accepting_jobs: bool
) -> None:
    """The published copy of the workflow and its OpenAPI file, both unchanged."""
    workflow = corpus_path(
        "api-evangelist/ibm-quantum/arazzo-7fd0387/ibm-quantum-pause-session-and-confirm-workflow.yml"
    )
    corpus_path("api-evangelist/ibm-quantum/openapi/ibm-quantum-runtime-sessions-openapi.yml")

    flag = str(accepting_jobs).lower()
    result = run_workflow(
        sessions_server, "--output", "json", workflow=str(workflow), acceptingJobs=flag
    )

    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"] == {
        "finalAcceptingJobs": accepting_jobs,
        "finalState": "active",
    }
    assert_three_requests(sessions_server, accepting_jobs)
    # What could not be resolved is reported, with where it is, once each.
    warnings = result.stderr
    assert "cannot resolve $ref '#/components/parameters/IBM-API-Version'" in warnings
    assert "ibm-quantum-runtime-sessions-openapi.yml:" in warnings
    assert "security scheme 'IBMCloudAPIKey' (required by GET /v1/sessions/{id})" in warnings
    assert "security scheme 'IBMCloudAuth'" in warnings
    assert warnings.count("IBMCloudAuth") == 1


@pytest.mark.subprocess
def test_running_does_not_import_openapi_core(sessions_server: Any) -> None:
    """openapi-core is slow to import; a plain run must not pay for it."""
    args = workflow_args(sessions_server, "-o", "json", acceptingJobs="true")
    code = (
        "import sys\n"
        "from arazzo_runner.cli import main\n"
        f"status = main({args!r})\n"
        "print('openapi_core' in sys.modules, file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    completed = run_python(code)
    assert completed.exit_code == 0, completed.stderr
    assert completed.stderr.strip().splitlines()[-1] == "False"
