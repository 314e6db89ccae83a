"""Arazzo 1.1 step ``dependsOn``: independent branches run concurrently vs one at a time.

The workflow fans out: a first step, ``branches`` steps that depend only on it, and a
last step that depends on all of them. Every request is answered after a fixed
latency by a local server, so the time of a run is set by how many requests wait
one after the other: ``branches + 2`` in sequence, 3 when the branches overlap. The
baseline is the same workflow, same server, same run, with ``step_concurrency=1``.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .common import Result

SPEEDUP_TARGET = 2.0


def step_concurrency(branches: int, latency: float, runs: int) -> list[Result]:
    """Runs per second, concurrent vs sequential, on the blocking and asyncio drivers."""
    from arazzo_runner.api import load
    from arazzo_runner.engine import RunOptions

    with tempfile.TemporaryDirectory() as directory, _latency_server(latency) as base_url:
        loaded = load(str(_write_documents(Path(directory), branches)))

        def options(width: int) -> RunOptions:
            return RunOptions(server_overrides={"api": base_url}, step_concurrency=width)

        def blocking(width: int) -> float:
            started = time.perf_counter()
            for _ in range(runs):
                if not loaded.run(options=options(width)).succeeded:
                    raise RuntimeError("a benchmark run failed")
            return runs / (time.perf_counter() - started)

        def asynchronous(width: int) -> float:
            async def all_runs() -> None:
                for _ in range(runs):
                    if not (await loaded.arun(options=options(width))).succeeded:
                        raise RuntimeError("a benchmark run failed")

            started = time.perf_counter()
            asyncio.run(all_runs())
            return runs / (time.perf_counter() - started)

        width = branches
        blocking(width)  # warm up: imports, the server's threads, the prepared workflow
        rows = []
        for name, measure in (("blocking", blocking), ("asyncio", asynchronous)):
            concurrent, sequential = measure(width), measure(1)
            rows.append(
                Result(
                    f"step concurrency, {name} ({branches} branches, {latency * 1000:.0f} ms)",
                    concurrent,
                    sequential,
                    "runs/s",
                    f">= {SPEEDUP_TARGET:.1f}x",
                    concurrent / sequential >= SPEEDUP_TARGET,
                    "baseline: the same workflow with --step-concurrency 1",
                )
            )
        return rows


def _write_documents(directory: Path, branches: int) -> Path:
    names = [f"branch{n}" for n in range(branches)]
    operations = ["start", *names, "join"]
    openapi = {
        "openapi": "3.1.0",
        "info": {"title": "latency", "version": "1"},
        "servers": [{"url": "http://localhost:1"}],
        "paths": {
            f"/{name}": {"get": {"operationId": name, "responses": {"200": {"description": "ok"}}}}
            for name in operations
        },
    }
    ok = [{"condition": "$statusCode == 200"}]
    steps: list[dict[str, Any]] = [
        {"stepId": "start", "operationId": "start", "successCriteria": ok}
    ]
    steps += [
        {"stepId": name, "operationId": name, "dependsOn": ["start"], "successCriteria": ok}
        for name in names
    ]
    steps.append(
        {"stepId": "join", "operationId": "join", "dependsOn": names, "successCriteria": ok}
    )
    arazzo = {
        "arazzo": "1.1.0",
        "info": {"title": "fan out", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.openapi.json", "type": "openapi"}],
        "workflows": [{"workflowId": "fanOut", "steps": steps}],
    }
    (directory / "api.openapi.json").write_text(json.dumps(openapi))
    path = directory / "fan-out.arazzo.json"
    path.write_text(json.dumps(arazzo))
    return path


@contextmanager
def _latency_server(latency: float) -> Iterator[str]:
    """A server on 127.0.0.1 that answers every request with 200 after ``latency`` seconds."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        # socketserver's listen backlog of 5 drops some of the branches' simultaneous
        # connects, which the client retries a second later: that would measure TCP.
        request_queue_size = 128

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
