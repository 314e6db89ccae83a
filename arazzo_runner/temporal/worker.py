"""A worker that executes Arazzo runs: :func:`new_worker` and :func:`run_worker`.

Users with workers of their own register :class:`ArazzoRunWorkflow` and
``ArazzoActivities().activities()`` instead (``docs/temporal.md``).
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from .activities import ArazzoActivities
from .client import TemporalError
from .request import DEFAULT_TASK_QUEUE
from .workflow import ArazzoRunWorkflow

DEFAULT_MAX_CONCURRENT = 100
GRACEFUL_SHUTDOWN = timedelta(seconds=30)
"""How long a stopping worker lets the requests it is sending finish."""


def new_worker(
    client: Client,
    task_queue: str = DEFAULT_TASK_QUEUE,
    max_concurrent: int = DEFAULT_MAX_CONCURRENT,
    activities: ArazzoActivities | None = None,
) -> Worker:
    """A worker (not yet running) for the Arazzo runs of ``task_queue``."""
    activities = activities or ArazzoActivities()
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[ArazzoRunWorkflow],
        activities=activities.activities(),
        max_concurrent_activities=max_concurrent,
        max_concurrent_workflow_tasks=max_concurrent,
        graceful_shutdown_timeout=GRACEFUL_SHUTDOWN,
    )


async def run_worker(
    client: Client,
    task_queue: str = DEFAULT_TASK_QUEUE,
    max_concurrent: int = DEFAULT_MAX_CONCURRENT,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Run a worker until SIGINT or SIGTERM, then let it finish what it is sending."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    activities = ArazzoActivities()
    try:
        worker = new_worker(client, task_queue, max_concurrent, activities)
        running = asyncio.create_task(worker.run())
        stopping = asyncio.create_task(stop.wait())
        if on_ready is not None:
            on_ready()
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if running.done():  # it failed on its own: a namespace that went away, say
            stopping.cancel()
            failure = running.exception()
            raise TemporalError(f"the worker stopped: {failure}") from None
        await worker.shutdown()  # finishes what it is sending, up to GRACEFUL_SHUTDOWN
        await running
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await activities.aclose()
