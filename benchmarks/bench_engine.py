"""Engine overhead against raw httpx2 calls, and whether long series of runs slow down or grow."""

from __future__ import annotations

import gc
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from .common import WORKFLOW, Result, headers, inputs_for, session_ids, stand_in

OVERHEAD_TARGET = 1.10
GROWTH_TARGET = 1.05
GROWTH_WARM_UP_RUNS = 50


def engine_overhead(runs: int, rounds: int) -> Result:
    """Seconds per run of the IBM workflow vs the same three calls made by hand."""
    import httpx2

    from arazzo_runner.api import load
    from arazzo_runner.engine import RunOptions
    from arazzo_runner.http.transport import new_client

    session = session_ids(1)[0]
    loaded = load(str(WORKFLOW))
    with stand_in([session]) as base_url:
        options = RunOptions(server_overrides={"sessionsApi": base_url})
        inputs = inputs_for(session)
        with new_client(options.transport()) as client, httpx2.Client(timeout=30) as raw:

            def engine_block() -> float:
                return _per_run(runs, lambda: _engine_run(loaded, inputs, client, options))

            def raw_block() -> float:
                return _per_run(runs, lambda: _raw_run(raw, base_url, session))

            engine_block(), raw_block()  # warm up: imports, connections, validators
            engine, baseline = [], []
            for _ in range(rounds):  # interleaved, so that drift hits both sides alike
                engine.append(engine_block())
                baseline.append(raw_block())
    value, base = min(engine), min(baseline)
    return Result(
        f"engine overhead ({runs} runs x {rounds}, keep-alive)",
        value * 1000,
        base * 1000,
        "ms/run",
        f"<= {OVERHEAD_TARGET:.2f}x",
        value / base <= OVERHEAD_TARGET,
        "baseline: raw httpx2.Client, same 3 calls",
    )


def engine_cpu(runs: int, rounds: int) -> Result:
    """The same comparison with an in-memory transport: the engine's own CPU time per run."""
    import httpx2

    from arazzo_runner.api import load
    from arazzo_runner.engine import RunOptions

    session = session_ids(1)[0]
    base_url = "http://stand-in.local/api"
    body = json.dumps({"id": session, "state": "active", "accepting_jobs": False}).encode()

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.method == "PATCH":
            return httpx2.Response(204)
        return httpx2.Response(200, content=body, headers={"Content-Type": "application/json"})

    loaded = load(str(WORKFLOW))
    options = RunOptions(server_overrides={"sessionsApi": base_url})
    inputs = inputs_for(session)
    with httpx2.Client(transport=httpx2.MockTransport(answer)) as client:

        def engine_block() -> float:
            return _per_run(runs, lambda: _engine_run(loaded, inputs, client, options))

        def raw_block() -> float:
            return _per_run(runs, lambda: _raw_run(client, base_url, session))

        engine_block(), raw_block()
        engine = min(engine_block() for _ in range(rounds))
        baseline = min(raw_block() for _ in range(rounds))
    return Result(
        f"engine CPU ({runs} runs x {rounds}, in-memory transport)",
        engine * 1000,
        baseline * 1000,
        "ms/run",
        "-",
        None,
        "in-memory: httpx2.MockTransport, no network, no server",
    )


def _per_run(runs: int, one_run: Callable[[], None]) -> float:
    started = time.perf_counter()
    for _ in range(runs):
        one_run()
    return (time.perf_counter() - started) / runs


def _engine_run(loaded: Any, inputs: dict[str, object], client: Any, options: Any) -> None:
    result = loaded.run(None, inputs, client=client, options=options)
    if not result.succeeded:
        raise RuntimeError(f"the workflow failed: {result.error}")


def _raw_run(client: Any, base_url: str, session: str) -> None:
    url = f"{base_url}/v1/sessions/{session}"
    sent = headers()
    first = client.get(url, headers=sent)
    first.json()
    update = client.patch(url, headers=sent, json={"accepting_jobs": False})
    last = client.get(url, headers=sent)
    last.json()
    if (first.status_code, update.status_code, last.status_code) != (200, 204, 200):
        raise RuntimeError("the stand-in did not answer as expected")


def no_growth(total: int) -> list[Result]:
    """Per-run time and process memory of the last tenth of ``total`` runs vs the first."""
    from arazzo_runner.api import load
    from arazzo_runner.engine import RunOptions
    from arazzo_runner.http.transport import new_client

    window = total // 10
    session = session_ids(1)[0]
    loaded = load(str(WORKFLOW))
    durations: list[float] = []
    with stand_in([session]) as base_url:
        options = RunOptions(server_overrides={"sessionsApi": base_url})
        inputs = inputs_for(session)
        with new_client(options.transport()) as client:
            for _ in range(GROWTH_WARM_UP_RUNS):  # imports, caches, the first connection
                _engine_run(loaded, inputs, client, options)
            gc.collect()
            rss_first = rss_last = 0
            for number in range(1, total + 1):
                started = time.perf_counter()
                _engine_run(loaded, inputs, client, options)
                durations.append(time.perf_counter() - started)
                if number == window:
                    rss_first = _rss_bytes()
                elif number == total:
                    rss_last = _rss_bytes()
    first = statistics.fmean(durations[:window])
    last = statistics.fmean(durations[-window:])
    label = f"runs {total - window + 1:,}-{total:,} vs 1-{window:,}"
    return [
        Result(
            f"no growth: time, {label}",
            last * 1000,
            first * 1000,
            "ms/run",
            f"<= {GROWTH_TARGET:.2f}x",
            last / first <= GROWTH_TARGET,
        ),
        Result(
            f"no growth: RSS after run {total:,} vs after {window:,}",
            rss_last / 2**20,
            rss_first / 2**20,
            "MiB",
            f"<= {GROWTH_TARGET:.2f}x",
            rss_last / rss_first <= GROWTH_TARGET,
        ),
    ]


def _rss_bytes() -> int:
    # /proc is Linux only; elsewhere the peak RSS is the closest portable figure.
    try:
        with open("/proc/self/statm") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
