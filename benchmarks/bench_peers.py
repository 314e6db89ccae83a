"""The IBM workflow through other Arazzo runners, against the same stand-in, side by side.

* **Jentic's arazzo-runner** (PyPI ``arazzo-runner``, another project than this
  one, ``arazzo-engine``), in a virtual environment of its own: ``python3 -m venv
  /tmp/jentic``, then install the PyPI package ``arazzo-runner`` with
  ``/tmp/jentic/bin/python -m pip``; point ``ARAZZO_BENCH_JENTIC_PYTHON`` at that ``python``
  (``/tmp/jentic/bin/python`` is tried when it is unset). Run cold, as its
  ``arazzo-runner execute-workflow`` command, and in-process (``ArazzoRunner``).
  It has no option to change a source's server, so it reads copies of the
  documents whose ``servers`` name the stand-in.
* **Redocly's respect** (npm ``@redocly/cli``): ``npm install --prefix
  /tmp/redocly @redocly/cli``; point ``ARAZZO_BENCH_REDOCLY`` at its ``redocly``
  executable (``/tmp/redocly/node_modules/.bin/redocly`` is tried, then
  ``redocly`` on PATH). Run cold, as ``redocly respect`` with ``--server``.

A peer that is not installed gets a row saying so. Cold runs are fresh
processes, interleaved with ours and with ``python -c "import httpx2, yaml"``
(median time and median peak RSS, from ``wait4``); in-process runs are the
workflow run many times in one process after one warm-up run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from .bench_cold_start import run_command
from .common import (
    ROOT,
    WORKFLOW,
    ProcessRun,
    Result,
    inputs_for,
    interleaved,
    median_rss,
    median_seconds,
    session_ids,
    stand_in,
)

JENTIC_ENV = "ARAZZO_BENCH_JENTIC_PYTHON"
REDOCLY_ENV = "ARAZZO_BENCH_REDOCLY"
JENTIC_DEFAULT = "/tmp/jentic/bin/python"
REDOCLY_DEFAULT = "/tmp/redocly/node_modules/.bin/redocly"
COLD_TARGET = 0.8
"""Ours at most 0.8x Jentic's time, cold (issue 16)."""
WORKFLOW_ID = "pause-session-and-confirm"
OPENAPI = ROOT / "openapi" / "ibm-quantum-runtime-sessions-openapi.yml"
PUBLISHED_SERVER = "https://quantum.cloud.ibm.com/api"

# Run by the peer's interpreter: N runs in one process, milliseconds per run.
_JENTIC_IN_PROCESS = """
import json, sys, time, logging
logging.disable(logging.CRITICAL)
from arazzo_runner import ArazzoRunner
path, workflow, inputs, runs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
runner = ArazzoRunner.from_arazzo_path(path)
def once():
    result = runner.execute_workflow(workflow, dict(inputs))
    assert str(result.status) == "workflow_complete", result
once()
started = time.perf_counter()
for _ in range(runs):
    once()
print((time.perf_counter() - started) / runs * 1000)
"""

_OURS_IN_PROCESS = """
import json, sys, time
from arazzo_runner.api import load
path, workflow, inputs, runs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
base_url = sys.argv[5]
loaded = load(path)
def once():
    result = loaded.run(workflow, inputs, server_overrides={"sessionsApi": base_url})
    assert result.status.value == "succeeded", result
once()
started = time.perf_counter()
for _ in range(runs):
    once()
print((time.perf_counter() - started) / runs * 1000)
"""


def jentic_python() -> str | None:
    found = os.environ.get(JENTIC_ENV) or JENTIC_DEFAULT
    if not Path(found).exists():
        return None
    probe = subprocess.run(
        [found, "-c", "import arazzo_runner.runner"],  # Jentic's package has our name
        capture_output=True,
        check=False,
        cwd=tempfile.gettempdir(),
    )
    return found if probe.returncode == 0 else None


def redocly() -> str | None:
    for candidate in (os.environ.get(REDOCLY_ENV), REDOCLY_DEFAULT, shutil.which("redocly")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def peers(rounds: int, in_process_runs: int) -> list[Result]:
    session = session_ids(1)[0]
    inputs = inputs_for(session)
    jentic, respect = jentic_python(), redocly()
    rows: list[Result] = []
    with stand_in([session]) as base_url, tempfile.TemporaryDirectory() as scratch:
        commands = {
            "baseline": [sys.executable, "-c", "import httpx2, yaml"],
            "ours": run_command(base_url, session),
        }
        checks: dict[str, Callable[[int, str], bool]] = {}
        if jentic is not None:
            copy = _documents_served_by(base_url, Path(scratch))
            commands["jentic"] = [
                str(Path(jentic).with_name("arazzo-runner")),
                *("execute-workflow", "--workflow-id", WORKFLOW_ID),
                *("--inputs", json.dumps(inputs), str(copy)),
            ]
            # Its command exits 0 whatever happened: the result is in its output.
            checks["jentic"] = lambda code, text: code == 0 and "workflow_complete" in text
        if respect is not None:
            pairs = [
                f"{k}={json.dumps(v) if isinstance(v, bool) else v}" for k, v in inputs.items()
            ]
            commands["respect"] = [
                respect,
                *("respect", str(WORKFLOW), "--workflow", WORKFLOW_ID),
                *(item for pair in pairs for item in ("--input", pair)),
                *("--server", f"sessionsApi={base_url}"),
            ]
        runs = interleaved(commands, rounds, checks)
        ours_in_process = _in_process(
            [sys.executable, "-c", _OURS_IN_PROCESS, str(WORKFLOW)],
            inputs,
            in_process_runs,
            base_url,
        )
        jentic_in_process = (
            _in_process(
                [
                    jentic,
                    "-c",
                    _JENTIC_IN_PROCESS,
                    str(_documents_served_by(base_url, Path(scratch))),
                ],
                inputs,
                in_process_runs,
            )
            if jentic
            else None
        )
    ours, baseline = runs["ours"], runs["baseline"]
    rows.append(
        Result(
            "peers: ours cold vs import baseline",
            median_seconds(ours) * 1000,
            median_seconds(baseline) * 1000,
            "ms",
            "<= 2.0x",
            median_seconds(ours) / median_seconds(baseline) <= 2.0,
            'baseline: python -c "import httpx2, yaml"',
        )
    )
    rows += _peer_rows("Jentic arazzo-runner", runs.get("jentic"), ours, COLD_TARGET, JENTIC_ENV)
    rows += _peer_rows("Redocly respect", runs.get("respect"), ours, None, REDOCLY_ENV)
    rows.append(_in_process_row(ours_in_process, jentic_in_process, in_process_runs))
    return rows


def _documents_served_by(base_url: str, directory: Path) -> Path:
    """Copies of the workflow and its description whose server is the stand-in."""
    (directory / "openapi").mkdir(exist_ok=True)
    (directory / "workflows").mkdir(exist_ok=True)
    text = OPENAPI.read_text(encoding="utf-8").replace(PUBLISHED_SERVER, base_url)
    (directory / "openapi" / OPENAPI.name).write_text(text, encoding="utf-8")
    copy = directory / "workflows" / WORKFLOW.name
    shutil.copy(WORKFLOW, copy)
    return copy


def _in_process(command: list[str], inputs: dict[str, object], runs: int, *extra: str) -> float:
    completed = subprocess.run(
        [*command, WORKFLOW_ID, json.dumps(inputs), str(runs), *extra],
        capture_output=True,
        text=True,
        check=False,
        cwd=tempfile.gettempdir(),  # the installed package, not the checkout
    )
    if completed.returncode != 0:
        raise RuntimeError(f"in-process runs failed: {completed.stderr[-800:]}")
    return float(completed.stdout.strip().splitlines()[-1])


def _peer_rows(
    name: str,
    peer: list[ProcessRun] | None,
    ours: list[ProcessRun],
    target: float | None,
    variable: str,
) -> list[Result]:
    if peer is None:
        reason = f"skipped: not installed (set {variable}; see benchmarks/bench_peers.py)"
        return [Result(f"peers: ours cold vs {name}", 0, 0, "ms", "-", None, reason)]
    ours_time, peer_time = median_seconds(ours), median_seconds(peer)
    return [
        Result(
            f"peers: ours cold vs {name}",
            ours_time * 1000,
            peer_time * 1000,
            "ms",
            f"<= {target:.1f}x" if target else "-",
            ours_time / peer_time <= target if target else None,
            "baseline: the peer's median, same workflow and stand-in, interleaved",
        ),
        Result(
            f"peers: ours peak RSS vs {name}",
            median_rss(ours),
            median_rss(peer),
            "MiB",
            "-",
            None,
        ),
    ]


def _in_process_row(ours: float, jentic: float | None, runs: int) -> Result:
    name = f"peers: ours in-process vs Jentic ({runs} runs)"
    if jentic is None:
        return Result(name, ours, 0, "ms/run", "-", None, f"skipped Jentic: set {JENTIC_ENV}")
    return Result(name, ours, jentic, "ms/run", "-", None)
