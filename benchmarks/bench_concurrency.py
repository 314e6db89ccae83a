"""Many runs at once through the async driver vs raw httpx2.AsyncClient calls."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from .common import WORKFLOW, Result, headers, inputs_for, session_ids, stand_in

THROUGHPUT_TARGET = 0.8


def concurrency(runs: int, width: int, rounds: int) -> Result:
    """Runs per second of ``runs`` sessions, ``width`` at a time, engine vs raw calls."""
    from arazzo_runner.api import load
    from arazzo_runner.batch import BatchRun, InputLine
    from arazzo_runner.engine import RunOptions

    sessions = session_ids(runs)
    loaded = load(str(WORKFLOW))
    workflow = loaded.workflow()
    lines = [InputLine(n, inputs_for(s)) for n, s in enumerate(sessions, start=1)]
    engine, baseline = [], []
    with stand_in(sessions) as base_url:
        options = RunOptions(server_overrides={"sessionsApi": base_url})

        async def engine_batch() -> float:
            started = time.perf_counter()
            report = await BatchRun(loaded, workflow, options, width).arun(lines)
            if not report.all_succeeded:
                raise RuntimeError(f"{report.failed} runs failed")
            return runs / (time.perf_counter() - started)

        async def raw_batch() -> float:
            started = time.perf_counter()
            await _raw(base_url, sessions, width)
            return runs / (time.perf_counter() - started)

        asyncio.run(raw_batch())  # warm up: the server's threads, both clients' imports
        asyncio.run(engine_batch())
        for round_number in range(rounds):  # alternating who goes first
            if round_number % 2:
                baseline.append(asyncio.run(raw_batch()))
                engine.append(asyncio.run(engine_batch()))
            else:
                engine.append(asyncio.run(engine_batch()))
                baseline.append(asyncio.run(raw_batch()))
    value, base = max(engine), max(baseline)
    return Result(
        f"concurrency ({runs} sessions, {width} at once)",
        value,
        base,
        "runs/s",
        f">= {THROUGHPUT_TARGET:.1f}x",
        value / base >= THROUGHPUT_TARGET,
        "baseline: raw httpx2.AsyncClient, same calls and pool",
    )


async def _raw(base_url: str, sessions: list[str], width: int) -> None:
    import httpx2

    limits = httpx2.Limits(max_connections=width, max_keepalive_connections=width)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for session in sessions:
        queue.put_nowait(session)
    async with httpx2.AsyncClient(timeout=30, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                await _raw_run(client, base_url, queue.get_nowait())

        await asyncio.gather(*(worker() for _ in range(width)))


async def _raw_run(client: Any, base_url: str, session: str) -> None:
    url = f"{base_url}/v1/sessions/{session}"
    sent = headers()
    first = await client.get(url, headers=sent)
    first.json()
    update = await client.patch(url, headers=sent, json={"accepting_jobs": False})
    last = await client.get(url, headers=sent)
    last.json()
    if (first.status_code, update.status_code, last.status_code) != (200, 204, 200):
        raise RuntimeError("the stand-in did not answer as expected")
