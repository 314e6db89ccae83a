"""How long a fresh ``arazzo`` process takes, against importing its two main dependencies.

Each command runs ``rounds`` times, interleaved with the baseline, and the
medians are compared. Measure an installed package (``pip install .``, not
editable) with compiled bytecode: with ``PYTHONDONTWRITEBYTECODE`` set and no
``__pycache__``, every start also compiles the package (docs/performance.md).
"""

from __future__ import annotations

import sys

from .common import (
    WORKFLOW,
    Result,
    arazzo_command,
    inputs_for,
    interleaved,
    median_rss,
    median_seconds,
    session_ids,
    stand_in,
)

RUN_TARGET = 2.0
BASELINE = 'baseline: python -c "import httpx2, yaml" (median of interleaved runs)'


def run_command(base_url: str, session: str) -> list[str]:
    """``arazzo run`` of the IBM workflow against the stand-in at ``base_url``."""
    inputs = inputs_for(session) | {"acceptingJobs": "false"}
    pairs = [item for name, value in inputs.items() for item in ("-i", f"{name}={value}")]
    return [
        *arazzo_command(),
        *("run", str(WORKFLOW), *pairs, "--server", f"sessionsApi={base_url}"),
    ]


def cold_start(rounds: int) -> list[Result]:
    session = session_ids(1)[0]
    commands = {
        "baseline": [sys.executable, "-c", "import httpx2, yaml"],
        "validate": [*arazzo_command(), "validate", str(WORKFLOW)],
        "help": [*arazzo_command(), "--help"],
    }
    with stand_in([session]) as base_url:
        commands["run"] = run_command(base_url, session)
        runs = interleaved(commands, rounds)
    baseline = median_seconds(runs["baseline"])
    return [
        _row("arazzo run (IBM workflow)", median_seconds(runs["run"]), baseline, RUN_TARGET),
        _row("arazzo validate (IBM workflow)", median_seconds(runs["validate"]), baseline),
        _row("arazzo --help", median_seconds(runs["help"]), baseline),
        Result(
            "cold start: arazzo run, peak RSS",
            median_rss(runs["run"]),
            median_rss(runs["baseline"]),
            "MiB",
            "-",
            None,
            BASELINE,
        ),
    ]


def _row(name: str, seconds: float, baseline: float, target: float | None = None) -> Result:
    return Result(
        f"cold start: {name}",
        seconds * 1000,
        baseline * 1000,
        "ms",
        f"<= {target:.1f}x" if target else "-",
        seconds / baseline <= target if target else None,
        BASELINE,
    )
