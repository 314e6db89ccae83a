"""What the benchmarks share: the stand-in server in its own process, inputs, results,
and timing fresh processes."""

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


@dataclass(frozen=True)
class ProcessRun:
    """One fresh process: its wall time and its peak resident memory."""

    seconds: float
    max_rss_mib: float


def run_process(command: list[str], ok: Callable[[int, str], bool] | None = None) -> ProcessRun:
    """Run ``command`` to its end: its wall time and its peak RSS.

    The peak comes from GNU ``time`` when it is installed: a process started
    directly by this one would count this process's memory as its own (Linux keeps
    the highest RSS a process had, and before ``exec`` a child is a copy of its
    parent), and the benchmarks hold large documents. Without it, ``wait4`` says.
    """
    import tempfile
    import time

    gnu_time = Path("/usr/bin/time")
    with tempfile.TemporaryFile() as output, tempfile.NamedTemporaryFile("r") as peak:
        measured = (
            [str(gnu_time), "-f", "%M", "-o", peak.name, *command] if gnu_time.exists() else command
        )
        started = time.perf_counter()
        # Started outside the checkout, so that `python -c` imports the installed package.
        process = subprocess.Popen(
            measured, stdout=output, stderr=subprocess.STDOUT, cwd=tempfile.gettempdir()
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
        reported = peak.read().strip().splitlines() if gnu_time.exists() else []
    succeeded = ok(process.returncode, text) if ok else process.returncode == 0
    if not succeeded:
        raise RuntimeError(f"{' '.join(command[:4])} ... failed: {text[-800:]}")
    kib = int(reported[-1]) if reported and reported[-1].isdigit() else usage.ru_maxrss
    return ProcessRun(elapsed, kib / 1024)  # both in KiB on Linux


def interleaved(
    commands: dict[str, list[str]],
    rounds: int,
    ok: dict[str, Callable[[int, str], bool]] | None = None,
) -> dict[str, list[ProcessRun]]:
    """Each command ``rounds`` times, taking turns, so that drift on a shared machine
    hits every command alike; one unmeasured run of each first (disk caches)."""
    checks = ok or {}
    for name, command in commands.items():
        run_process(command, checks.get(name))
    runs: dict[str, list[ProcessRun]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            runs[name].append(run_process(command, checks.get(name)))
    return runs


def median_seconds(runs: list[ProcessRun]) -> float:
    return statistics.median(run.seconds for run in runs)


def median_rss(runs: list[ProcessRun]) -> float:
    return statistics.median(run.max_rss_mib for run in runs)


def arazzo_command() -> list[str]:
    """The ``arazzo`` console script of this interpreter's environment, as users start it
    (``python -m arazzo_runner`` when the script is not installed there)."""
    script = Path(sys.executable).with_name("arazzo")
    return [str(script)] if script.exists() else [sys.executable, "-m", "arazzo_runner"]
