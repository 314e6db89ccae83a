"""How long a fresh ``arazzo`` process takes, against importing its two main dependencies."""

from __future__ import annotations

import subprocess
import sys
import time

from .common import WORKFLOW, Result, inputs_for, session_ids, stand_in

RUN_TARGET = 2.5


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} ... failed: {completed.stderr[-500:]}")
    return elapsed


def _median(command: list[str], rounds: int) -> float:
    times = sorted(_timed(command) for _ in range(rounds))
    return times[len(times) // 2]


def cold_start(rounds: int) -> list[Result]:
    python = sys.executable
    baseline = _median([python, "-c", "import httpx2, yaml"], rounds)
    arazzo = [python, "-m", "arazzo_runner"]
    session = session_ids(1)[0]
    with stand_in([session]) as base_url:
        inputs = inputs_for(session) | {"acceptingJobs": "false"}
        pairs = [item for name, value in inputs.items() for item in ("-i", f"{name}={value}")]
        run = [*arazzo, "run", str(WORKFLOW), *pairs, "--server", f"sessionsApi={base_url}"]
        results = [_row("arazzo run (IBM workflow)", _median(run, rounds), baseline, RUN_TARGET)]
    if _has_validate():
        validate = [*arazzo, "validate", str(WORKFLOW)]
        results.append(_row("arazzo validate (IBM workflow)", _median(validate, rounds), baseline))
    else:
        results.append(
            Result("arazzo validate", 0, baseline, "ms", "-", None, "skipped: no validate command")
        )
    results.append(_row("arazzo --help", _median([*arazzo, "--help"], rounds), baseline))
    return results


def _row(name: str, seconds: float, baseline: float, target: float | None = None) -> Result:
    return Result(
        f"cold start: {name}",
        seconds * 1000,
        baseline * 1000,
        "ms",
        f"< {target:.1f}x" if target else "-",
        seconds / baseline < target if target else None,
        'baseline: python -c "import httpx2, yaml"',
    )


def _has_validate() -> bool:
    from arazzo_runner.cli.commands import COMMANDS

    return "validate" in COMMANDS
