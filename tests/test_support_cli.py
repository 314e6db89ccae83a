"""The in-process CLI runner, with ``main`` as it is and as it is becoming.

``arazzo_runner.cli.main`` is gaining ``stdout``, ``stderr``, ``stdin`` and
``environ`` parameters; the runner must give the same result either way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

import pytest

from arazzo_runner import cli
from tests._support.cli import run_cli
from tests._support.paths import ROOT


def old_main(argv: Sequence[str] | None = None) -> int:
    """Reads and writes the process-wide streams and environment."""
    return _echo(argv, sys.stdout, sys.stderr, sys.stdin, os.environ)


def new_main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Uses only what it is given."""
    assert stdout and stderr and stdin and environ is not None
    return _echo(argv, stdout, stderr, stdin, environ)


def _echo(
    argv: Sequence[str] | None,
    stdout: TextIO,
    stderr: TextIO,
    stdin: TextIO,
    environ: Mapping[str, str],
) -> int:
    print(" ".join(argv or []), stdin.read(), os.getcwd(), file=stdout)
    print(environ.get("NO_COLOR"), environ.get("ARAZZO_PROBE"), file=stderr)
    return 3


@pytest.mark.parametrize("main", [old_main, new_main], ids=["old", "new"])
def test_the_runner_gives_the_same_result_with_either_main(
    main: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setenv("ARAZZO_PROBE", "seen")
    result = run_cli("run", "x.yaml", stdin="given")
    assert (result.exit_code, result.stdout, result.stderr) == (
        3,
        f"run x.yaml given {ROOT}\n",
        "1 seen\n",
    )


def test_the_runner_restores_the_process_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "main", old_main)
    monkeypatch.delenv("NO_COLOR", raising=False)
    streams = (sys.stdout, sys.stderr, sys.stdin)
    directory = os.getcwd()
    run_cli("list")
    assert (sys.stdout, sys.stderr, sys.stdin) == streams
    assert os.getcwd() == directory
    assert "NO_COLOR" not in os.environ


def test_an_exit_through_argparse_is_its_status() -> None:
    version = run_cli("--version")
    assert version.exit_code == 0
    assert version.stdout.startswith("arazzo-runner ")
    assert run_cli("run", "--help").exit_code == 0
