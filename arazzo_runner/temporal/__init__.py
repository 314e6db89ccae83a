"""Durable runs on Temporal (``pip install 'arazzo-engine[temporal]'``).

The workflow and activity classes are public, so that a worker of your own can
run Arazzo documents beside your other workflows (``docs/temporal.md``)::

    from arazzo_runner.temporal import ArazzoActivities, ArazzoRunWorkflow, connect

    client = await connect("localhost:7233")
    worker = Worker(client, task_queue="arazzo", workflows=[ArazzoRunWorkflow],
                    activities=ArazzoActivities().activities())

Importing this package imports the ``temporalio`` SDK: nothing else in
``arazzo_runner`` imports it, so plain runs never pay for it.
"""

from __future__ import annotations

from .activities import ArazzoActivities
from .client import TemporalError, connect, data_converter, run_result, start_run
from .codec import EncryptionCodec, Key, keys_from_environment, parse_keys
from .documents import DocumentStore, use_store
from .events import EventLog, replay_events
from .request import RunRequest, default_execution_id, document_digest, options_to_wire
from .worker import new_worker, run_worker
from .workflow import ArazzoRunWorkflow, WorkflowClock

__all__ = [
    "ArazzoActivities",
    "ArazzoRunWorkflow",
    "DocumentStore",
    "EncryptionCodec",
    "EventLog",
    "Key",
    "RunRequest",
    "TemporalError",
    "WorkflowClock",
    "connect",
    "data_converter",
    "default_execution_id",
    "document_digest",
    "keys_from_environment",
    "new_worker",
    "options_to_wire",
    "parse_keys",
    "replay_events",
    "run_result",
    "run_worker",
    "start_run",
    "use_store",
]
