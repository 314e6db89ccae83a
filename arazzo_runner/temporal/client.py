"""Starting runs on Temporal and waiting for their results, from ``arazzo run --temporal``
or from a program.

::

    client = await connect("localhost:7233")
    handle = await start_run(client, request)
    result, events = await run_result(handle)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.converter import DataConverter

from ..errors import ArazzoError
from .codec import EncryptionCodec, Key, keys_from_environment
from .request import DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE, RunRequest, default_execution_id
from .wire import from_wire
from .workflow import ArazzoRunWorkflow

if TYPE_CHECKING:
    from ..results import WorkflowResult


class TemporalError(ArazzoError):
    """Temporal cannot be reached, or refused or failed a run (exit code 2)."""


def data_converter(keys: Sequence[Key]) -> DataConverter:
    """Temporal's default JSON converter with every payload encrypted by ``keys``."""
    return dataclasses.replace(DataConverter.default, payload_codec=EncryptionCodec(keys))


async def connect(
    target: str, namespace: str = DEFAULT_NAMESPACE, keys: Sequence[Key] | None = None
) -> Client:
    """A client of the Temporal service at ``target`` (HOST:PORT) whose payloads are
    encrypted with ``keys`` (by default, those the environment configures)."""
    converter = data_converter(keys if keys is not None else keys_from_environment())
    try:
        return await Client.connect(target, namespace=namespace, data_converter=converter)
    except Exception as exc:
        raise TemporalError(
            f"cannot reach Temporal at {target} (namespace {namespace}): {exc}",
            hint="start a Temporal service there (for a try: temporal server start-dev), "
            "or name another with --temporal HOST:PORT",
        ) from None


async def start_run(
    client: Client,
    request: RunRequest,
    *,
    execution_id: str | None = None,
    task_queue: str = DEFAULT_TASK_QUEUE,
) -> WorkflowHandle[Any, Any]:
    """Start ``request`` as a workflow execution, or join the one already running with
    the same id (by default a digest of the document, the workflow and the inputs)."""
    return await client.start_workflow(
        ArazzoRunWorkflow.run,
        request,
        id=execution_id or default_execution_id(request),
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )


async def run_result(
    handle: WorkflowHandle[Any, Any],
) -> tuple[WorkflowResult, list[dict[str, Any]]]:
    """Wait for the execution's end: the run's result, and its events for listeners
    (:func:`~arazzo_runner.temporal.events.replay_events`)."""
    try:
        output = await handle.result()
    except WorkflowFailureError as failed:
        cause = failed.cause
        message = str(getattr(cause, "message", "") or cause)
        raise TemporalError(f"the run on Temporal ({handle.id}) failed: {message}") from None
    result: WorkflowResult = from_wire(output["result"])
    events: list[dict[str, Any]] = output["events"]
    return result, events
