"""What only a real process shows: the installed ``arazzo`` program's exit status,
Ctrl-C, and a reader that goes away. Everything else runs the CLI in process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._support.cli import assert_clean_failure, process_environment, run_cli_process
from tests._support.paths import ROOT, WORKFLOW
from tests._support.servers import Reply, ScriptedServer
from tests._support.sessions import workflow_args

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
