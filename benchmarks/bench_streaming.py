"""``arazzo run --inputs-each``: peak memory of a 10,000-line file vs a 1,000-line one.

The file is streamed (checked line by line, then read again and run line by
line), so the peak resident memory of the whole process should not grow with
the number of lines: the target ratio is about 1.0x.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from .common import (
    API_VERSION,
    SERVICE_CRN,
    TOKEN,
    WORKFLOW,
    ProcessRun,
    Result,
    arazzo_command,
    run_process,
    session_ids,
    stand_in,
)

FLAT_TARGET = 1.10


def streamed_inputs(small: int, large: int, width: int) -> list[Result]:
    """Peak RSS of ``arazzo run --inputs-each`` over ``small`` and ``large`` lines."""
    sessions = session_ids(large)
    with tempfile.TemporaryDirectory() as folder, stand_in(sessions) as base_url:
        runs: dict[int, ProcessRun] = {}
        for count in (small, large):
            inputs = Path(folder) / f"inputs-{count}.jsonl"
            inputs.write_text(
                "".join(json.dumps({"sessionId": s}) + "\n" for s in sessions[:count]),
                encoding="utf-8",
            )
            runs[count] = run_process(_command(base_url, inputs, width), _all_succeeded(count))
    rate = large / runs[large].seconds
    return [
        Result(
            f"--inputs-each peak RSS ({large:,} vs {small:,} lines, {width} at once)",
            runs[large].max_rss_mib,
            runs[small].max_rss_mib,
            "MiB",
            f"<= {FLAT_TARGET:.2f}x (flat)",
            runs[large].max_rss_mib <= FLAT_TARGET * runs[small].max_rss_mib,
            f"one process each; {rate:,.0f} runs/s over {large:,} lines, start-up included",
        )
    ]


def _command(base_url: str, inputs: Path, width: int) -> list[str]:
    shared = {
        "accessToken": TOKEN,
        "serviceCrn": SERVICE_CRN,
        "apiVersion": API_VERSION,
        "acceptingJobs": "false",
    }
    values = [item for name, value in shared.items() for item in ("--input", f"{name}={value}")]
    return [
        *arazzo_command(),
        "run",
        str(WORKFLOW),
        *values,
        "--server",
        f"sessionsApi={base_url}",
        "--inputs-each",
        str(inputs),
        "--concurrency",
        str(width),
    ]


def _all_succeeded(count: int) -> Callable[[int, str], bool]:
    def ok(code: int, text: str) -> bool:
        return code == 0 and f"{count} runs: {count} succeeded, 0 failed" in text

    return ok
