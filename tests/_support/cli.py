"""Running the ``arazzo`` command: in this process (the default) or in a fresh one.

A fresh interpreter costs about a second per call, so tests run the command in
process unless the process itself is what they check (exit status of the real
program, signals, imports, memory limits); those use :func:`run_cli_process` or
:func:`run_python` and carry the ``subprocess`` marker.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .paths import ROOT

# What every run sees: plain text, whatever the developer's terminal settings.
BASE_ENVIRONMENT = {"NO_COLOR": "1"}


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> CliResult:
    """Run ``arazzo ARGS`` in this process, as if from a shell in ``cwd`` (default: the root).

    The streams, the working directory and the environment are swapped only for
    the call, so each xdist worker (a process of its own) stays isolated.
    """
    stdout, stderr, given = io.StringIO(), io.StringIO(), io.StringIO(stdin or "")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd or ROOT)
        for name, value in BASE_ENVIRONMENT.items():
            patch.setenv(name, value)
        # Also swapped when main() takes streams: argparse's --help and --version
        # still print to sys.stdout.
        patch.setattr(sys, "stdout", stdout)
        patch.setattr(sys, "stderr", stderr)
        patch.setattr(sys, "stdin", given)
        exit_code = _call_main(list(args), stdout, stderr, given)
    return CliResult(exit_code, stdout.getvalue(), stderr.getvalue())


def _call_main(
    argv: list[str], stdout: io.StringIO, stderr: io.StringIO, stdin: io.StringIO
) -> int:
    from arazzo_runner.cli import main

    entry: Callable[..., int] = main  # its signature gains the stream parameters over time
    try:
        if _takes_streams(entry):
            environ = dict(os.environ)
            return int(entry(argv, stdout=stdout, stderr=stderr, stdin=stdin, environ=environ))
        return int(entry(argv))
    except SystemExit as exit_:  # argparse's --help and --version end this way
        return _exit_status(exit_, stderr)


def _takes_streams(main: Callable[..., int]) -> bool:
    """Whether ``main`` accepts ``stdout=``/``stderr=``/``stdin=``/``environ=`` itself.

    Older versions read ``sys`` and ``os.environ`` only; the swap above covers both.
    """
    parameters = inspect.signature(main).parameters
    return all(name in parameters for name in ("stdout", "stderr", "stdin", "environ"))


def _exit_status(exit_: SystemExit, stderr: io.StringIO) -> int:
    """The status a process would end with after ``raise exit_``."""
    if exit_.code is None:
        return 0
    if isinstance(exit_.code, int):
        return exit_.code
    print(exit_.code, file=stderr)
    return 1


def run_cli_process(
    *args: str, command: Sequence[str] = (sys.executable, "-m", "arazzo_runner")
) -> CliResult:
    """Run ``arazzo ARGS`` in a fresh process (``python -m arazzo_runner`` by default)."""
    completed = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=process_environment(),
        cwd=ROOT,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def run_python(
    code: str,
    *args: str,
    timeout: float = 120,
    preexec_fn: Callable[[], None] | None = None,
) -> CliResult:
    """Run Python ``code`` (with ``args`` as ``sys.argv[1:]``) in a fresh interpreter."""
    completed = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=process_environment(),
        cwd=ROOT,
        preexec_fn=preexec_fn,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def run_cli_in_terminal(*args: str, timeout: float = 60) -> CliResult:
    """Run ``arazzo ARGS`` in a fresh process whose stdout and stderr are one pseudo-terminal,
    as in an interactive shell; ``stdout`` is everything the terminal received, raw
    (carriage returns and erase-line sequences included), ``stderr`` is empty."""
    import pty
    import select
    import time

    controller, terminal = pty.openpty()
    environment = {**process_environment(), "TERM": "xterm", "COLUMNS": "400"}
    process = subprocess.Popen(
        [sys.executable, "-m", "arazzo_runner", *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env=environment,
        cwd=ROOT,
    )
    os.close(terminal)
    received = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([controller], [], [], 0.1)[0]:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the process closed the terminal (EIO on Linux)
                    break
                if not chunk:
                    break
                received += chunk
            elif process.poll() is not None:
                break
        exit_code = process.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        os.close(controller)
    return CliResult(exit_code, received.decode("utf-8", errors="replace"), "")


def terminal_lines(raw: str) -> list[str]:
    """The lines a terminal shows for ``raw`` output: what follows the last erase-line
    of each line (a live line rewritten in place shows only its last version)."""
    lines = raw.replace("\r\n", "\n").split("\n")
    return [line.rsplit("\r\x1b[2K", 1)[-1] for line in lines if line]


def process_environment() -> dict[str, str]:
    """This environment, for a child process that imports this checkout."""
    return {**os.environ, **BASE_ENVIRONMENT, "PYTHONPATH": str(ROOT)}


def assert_clean_failure(result: CliResult, exit_code: int, *fragments: str) -> None:
    """The command ended with ``exit_code``, no traceback, and every fragment in its output."""
    output = result.stdout + result.stderr
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert "Traceback" not in output
    assert "internal error" not in output
    for fragment in fragments:
        assert fragment in output, (fragment, result.stderr)
