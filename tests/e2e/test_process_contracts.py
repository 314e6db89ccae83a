"""What only a real process shows: the installed ``arazzo`` program's exit status,
Ctrl-C, and a reader that goes away. Everything else runs the CLI in process."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._support.cli import assert_clean_failure, process_environment, run_cli_process
from tests._support.paths import ROOT, WORKFLOW
from tests._support.servers import Reply, ScriptedServer
from tests._support.sessions import assert_three_requests, stand_in, workflow_args

pytestmark = pytest.mark.subprocess


@pytest.fixture
def console_script() -> Path:
    """The ``arazzo`` program that installing the package put beside this interpreter."""
    script = Path(sys.executable).with_name("arazzo")
    if not script.exists():
        pytest.skip("the arazzo console script is not installed beside this interpreter")
    return script


def test_the_console_script_exits_with_the_documented_codes(console_script: Path) -> None:
    version = run_cli_process("--version", command=[str(console_script)])
    assert version.exit_code == 0, version.stderr
    assert version.stdout.startswith("arazzo-runner ")
    assert_clean_failure(
        run_cli_process("frobnicate", command=[str(console_script)]), 2, "invalid choice"
    )
    assert_clean_failure(
        run_cli_process("run", "missing.yaml", command=[str(console_script)]),
        2,
        "missing.yaml: error: file not found",
    )


def test_ctrl_c_ends_a_run_with_130_and_no_traceback(console_script: Path) -> None:
    with ScriptedServer(fallback=Reply(delay=30.0)) as silent:  # the run waits for an answer
        args = workflow_args(_At(f"{silent.base_url}/api"))
        process = subprocess.Popen(
            [str(console_script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=process_environment(),
        )
        _wait_for_a_request(silent, process)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr == "interrupted\n"
    assert "Traceback" not in stdout


def test_a_reader_that_went_away_is_not_an_error(console_script: Path) -> None:
    """``arazzo list FILE | head -0``: output to a closed pipe ends quietly with 0."""
    reader, writer = os.pipe()
    os.close(reader)  # gone before the first write, so every write fails
    try:
        completed = subprocess.run(
            [str(console_script), "list", str(WORKFLOW)],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=ROOT,
            env=process_environment(),
        )
    finally:
        os.close(writer)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""


def test_a_run_whose_reader_went_away_still_sends_every_request(console_script: Path) -> None:
    """``arazzo run ... | grep -q x``: the GET, the PATCH and the confirming GET are all
    sent after the first write failed, and the exit code is the workflow's."""
    with stand_in.start_server() as running:
        completed = _run_into_closed_pipe([str(console_script), *workflow_args(running)])
        assert completed.returncode == 0, completed.stderr
        assert_three_requests(running, accepting_jobs=False)
    assert "Traceback" not in completed.stderr
    assert "Exception ignored" not in completed.stderr


def test_a_failed_run_into_a_closed_pipe_is_not_a_success(console_script: Path) -> None:
    with stand_in.start_server() as running:
        args = workflow_args(running, sessionId="no-such-session")
        completed = _run_into_closed_pipe([str(console_script), *args, "--output", "json"])
        paths = [r.path for r in running.requests.snapshot()]
    assert completed.returncode == 1, completed.stderr
    assert paths == ["/api/v1/sessions/no-such-session"]


def test_a_failed_run_piped_to_true_fails_the_pipeline(console_script: Path) -> None:
    """``set -o pipefail; arazzo run ... | true`` ends with the workflow's exit code."""
    with stand_in.start_server() as running:
        args = workflow_args(running, sessionId="no-such-session")
        command = shlex.join([str(console_script), *args])
        completed = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {command} | true"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            env=process_environment(),
        )
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr


def _run_into_closed_pipe(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with its stdout a pipe whose reader has already gone."""
    reader, writer = os.pipe()
    os.close(reader)  # gone before the first write, so every write fails
    try:
        return subprocess.run(
            command,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=ROOT,
            env=process_environment(),
        )
    finally:
        os.close(writer)


class _At:
    """Anything with a ``base_url``, as :func:`workflow_args` expects of a server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url


def _wait_for_a_request(server: ScriptedServer, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not server.received:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run sent no request within a minute"
        time.sleep(0.02)
