"""Every name a user gives is checked with a did-you-mean; settings read the same everywhere.

``arazzo run`` of the sample workflow against the sessions stand-in on
127.0.0.1: a misspelt scheme, check, input or setting stops the command
before anything is sent (exit 2), and says what was probably meant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import assert_clean_failure, run_cli
from tests._support.paths import WORKFLOW
from tests._support.sessions import (
    API_VERSION,
    SESSION,
    assert_three_requests,
    stand_in,
    workflow_args,
)


def test_a_misspelt_auth_scheme_is_refused_before_anything_is_sent(sessions_server: Any) -> None:
    result = run_cli(*workflow_args(sessions_server, "--auth", "IBMCloudIAMBaerer=token"))
    assert_clean_failure(
        result,
        2,
        "--auth names security scheme 'IBMCloudIAMBaerer', which no source description defines",
        "did you mean 'IBMCloudIAMBearer'?",
    )
    assert "token" not in result.stderr.replace("IBMCloudIAMBearer", "")
    assert sessions_server.requests.snapshot() == []


def test_a_known_auth_scheme_is_accepted(sessions_server: Any) -> None:
    token = f"IBMCloudIAMBearer={stand_in.DEFAULT_TOKEN}"
    result = run_cli(*workflow_args(sessions_server, "--auth", token))
    assert result.exit_code == 0, result.stderr


def test_a_misspelt_check_name_gets_a_did_you_mean(sessions_server: Any) -> None:
    result = run_cli(*workflow_args(sessions_server, "--check", "body_schema=error"))
    assert_clean_failure(
        result, 2, "--check: unknown check 'body_schema'", "did you mean 'body-schema'?"
    )


def test_every_input_problem_is_reported_at_once(sessions_server: Any) -> None:
    result = run_cli(
        *workflow_args(sessions_server, "--input", "sesionId=x", "--input", "acceptingJobs=maybe")
    )
    assert_clean_failure(
        result,
        2,
        "--input: 2 problems:",
        "has no input named 'sesionId' (did you mean 'sessionId'?)",
        "input 'acceptingJobs' expects boolean, but 'maybe' is not one",
    )
    assert sessions_server.requests.snapshot() == []


def test_inputs_file_in_yaml(sessions_server: Any, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.yaml"
    inputs.write_text(
        f"accessToken: {stand_in.DEFAULT_TOKEN}\n"
        f"serviceCrn: '{stand_in.DEFAULT_SERVICE_CRN}'\n"
        f"apiVersion: '{API_VERSION}'\n"
        f"sessionId: {SESSION}\n"
        "acceptingJobs: false\n",
        encoding="utf-8",
    )
    server = f"sessionsApi={sessions_server.base_url}"
    result = run_cli("run", str(WORKFLOW), "--inputs", str(inputs), "--server", server)
    assert result.exit_code == 0, result.stderr
    assert_three_requests(sessions_server, False)


def _run_with_config(server: Any, tmp_path: Path, config: str, *extra: str) -> Any:
    (tmp_path / "arazzo.toml").write_text(config, encoding="utf-8")
    return run_cli(*workflow_args(server, *extra), cwd=tmp_path)


def test_settings_take_the_options_spelling_with_dashes_or_underscores(
    sessions_server: Any, tmp_path: Path
) -> None:
    result = _run_with_config(sessions_server, tmp_path, "max_steps = 1\n")
    assert result.exit_code == 1
    assert len(sessions_server.requests.snapshot()) == 1


def test_a_misspelt_setting_gets_a_did_you_mean(sessions_server: Any, tmp_path: Path) -> None:
    result = _run_with_config(sessions_server, tmp_path, "max-step = 3\n")
    assert_clean_failure(result, 2, "unknown setting 'max-step'", "did you mean 'max-steps'?")
    result = _run_with_config(sessions_server, tmp_path, "[server]\nsessionsApi = 'http://x'\n")
    assert_clean_failure(result, 2, "unknown setting 'server'", "did you mean 'servers'?")
    result = _run_with_config(sessions_server, tmp_path, "[checks]\nbody_schema = 'off'\n")
    assert_clean_failure(result, 2, "unknown check 'body_schema'", "did you mean 'body-schema'?")
    assert sessions_server.requests.snapshot() == []


def test_verbose_says_which_configuration_file_was_used(
    sessions_server: Any, tmp_path: Path
) -> None:
    result = _run_with_config(sessions_server, tmp_path, "timeout = 5\n", "-v")
    assert result.exit_code == 0, result.stderr
    assert f"configuration file: {tmp_path / 'arazzo.toml'}" in result.stderr


def test_workflow_server_and_secret_input_names_get_a_did_you_mean(sessions_server: Any) -> None:
    result = run_cli(*workflow_args(sessions_server, "--workflow", "pause-sesion"))
    assert_clean_failure(result, 2, "did you mean 'pause-session-and-confirm'?")
    result = run_cli(*workflow_args(sessions_server, "--server", "sessionApi=http://127.0.0.1:9"))
    assert_clean_failure(
        result,
        2,
        "--server names source description 'sessionApi'",
        "did you mean 'sessionsApi'?",
    )
    result = run_cli(*workflow_args(sessions_server, "--secret-input", "acessToken"))
    assert_clean_failure(result, 2, "did you mean 'accessToken'?")
    assert sessions_server.requests.snapshot() == []


def test_input_hints_fit_where_the_inputs_came_from(sessions_server: Any, tmp_path: Path) -> None:
    from arazzo_runner import InputError, load

    # The Python API: a mapping, not flags.
    with pytest.raises(InputError) as raised:
        load(str(WORKFLOW)).run(inputs={"sessionId": SESSION, "acceptingJobs": "no"})
    assert raised.value.hint is not None
    assert raised.value.hint.startswith("pass them in the inputs mapping")
    # The command line: a wrong type, nothing missing.
    given = {
        "accessToken": stand_in.DEFAULT_TOKEN,
        "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
        "apiVersion": API_VERSION,
        "sessionId": SESSION,
        "acceptingJobs": "no",
    }
    server = f"sessionsApi={sessions_server.base_url}"
    result = run_cli(
        "run", str(WORKFLOW), "--inputs", "-", "--server", server, stdin=json.dumps(given)
    )
    assert "input 'acceptingJobs': 'no' is not of type 'boolean'" in result.stderr
    assert "hint: pass inputs with --input NAME=VALUE or --inputs FILE" in result.stderr
    # JSON Lines: the line that is wrong.
    lines = tmp_path / "runs.jsonl"
    lines.write_text('{"acceptingJobs": "no"}\n', encoding="utf-8")
    result = run_cli(*workflow_args(sessions_server, "--inputs-each", str(lines)))
    assert_clean_failure(result, 2, "runs.jsonl line 1:", "hint: each line of")
    assert sessions_server.requests.snapshot() == []
