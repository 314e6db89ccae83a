"""What the benchmarks share: the stand-in server in its own process, inputs, results."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "workflows" / "ibm-quantum-pause-session-and-confirm-workflow.yml"
STAND_IN = ROOT / "examples" / "ibm_quantum_sessions_server.py"
TOKEN = "demo-token"
SERVICE_CRN = "crn:v1:bluemix:public:quantum-computing:us-east:a/demo::demo"
API_VERSION = "2026-03-15"

# Started with `python -c`: the stand-in's listen backlog (socketserver's
# default of 5) is raised so that hundreds of simultaneous connects are not
# dropped and retried a second later, which would measure TCP, not the client.
_LAUNCHER = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("stand_in", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["stand_in"] = module
spec.loader.exec_module(module)
module._HTTPServer.request_queue_size = 4096
sys.exit(module.main(sys.argv[2:]))
"""


@dataclass
class Result:
    """One row of the table: a measurement, its baseline, and the target for their ratio."""

    name: str
    value: float
    baseline: float
    unit: str
    target: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


def session_ids(count: int) -> list[str]:
    return [f"bench-{n:05d}" for n in range(count)]


def inputs_for(session_id: str) -> dict[str, object]:
    return {
        "accessToken": TOKEN,
        "serviceCrn": SERVICE_CRN,
        "apiVersion": API_VERSION,
        "sessionId": session_id,
        "acceptingJobs": False,
    }


def headers() -> dict[str, str]:
    return {
        "Authorization": f"Bearer {TOKEN}",
        "Service-CRN": SERVICE_CRN,
        "IBM-API-Version": API_VERSION,
    }


@contextmanager
def stand_in(sessions: list[str]) -> Iterator[str]:
    """The sessions stand-in in a separate process (its own GIL); yields its base URL."""
    arguments = [item for session in sessions for item in ("--session-id", session)]
    process = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, str(STAND_IN), "--port", "0", *arguments],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the stand-in did not start: {line!r}")
        yield line.removeprefix("listening on ")
    finally:
        process.terminate()
        process.wait(timeout=10)


def best_of(rounds: int, measure: Callable[[], float]) -> float:
    """The fastest of ``rounds`` measurements: the least disturbed by other processes."""
    return min(measure() for _ in range(rounds))


def median_of(rounds: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(rounds))
