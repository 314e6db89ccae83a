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
from temporalio.service import RPCError

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
    # The SDK's own failure to connect leaves threads behind that abort the interpreter
    # at exit (temporalio/sdk-python#300): a plain TCP connect finds most causes first.
    _check_reachable(target, namespace)
    try:
        client = await Client.connect(target, namespace=namespace, data_converter=converter)
    except Exception as exc:
        raise TemporalError(
            f"cannot reach Temporal at {target} (namespace {namespace}): {exc}",
            hint=_START_HINT,
        ) from None
    await _check_namespace(client, target, namespace)
    return client


async def _check_namespace(client: Client, target: str, namespace: str) -> None:
    """Said at once, rather than by a worker that polls nothing or a start that fails."""
    from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

    try:
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=namespace)
        )
    except RPCError as exc:
        raise TemporalError(
            f"Temporal at {target} cannot serve namespace {namespace}: {exc.message}",
            hint="name an existing namespace with --namespace (default: default), or create "
            f"it: temporal operator namespace create --namespace {namespace}",
        ) from None


def _check_reachable(target: str, namespace: str) -> None:
    import socket

    host, colon, port = target.rpartition(":")
    if not colon or not host or not port.isdigit():
        raise TemporalError(
            f"--temporal {target}: expected HOST:PORT", hint="for example localhost:7233"
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
    except OSError as exc:
        raise TemporalError(
            f"cannot reach Temporal at {target} (namespace {namespace}): {exc.strerror or exc}",
            hint=_START_HINT,
        ) from None


_START_HINT = (
    "start a Temporal service there (for a try: temporal server start-dev), "
    "or name another with --temporal HOST:PORT"
)


async def start_run(
    client: Client,
    request: RunRequest,
    *,
    execution_id: str | None = None,
    task_queue: str = DEFAULT_TASK_QUEUE,
) -> WorkflowHandle[Any, Any]:
    """Start ``request`` as a workflow execution, or join the one already running with
    the same id (by default a digest of the document, the workflow and the inputs)."""
    try:
        return await client.start_workflow(
            ArazzoRunWorkflow.run,
            request,
            id=execution_id or default_execution_id(request),
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    except RPCError as refused:
        raise TemporalError(
            f"Temporal refused to start the run: {refused.message}",
            hint="check --namespace and --workflow-run-id",
        ) from None


async def run_result(
    handle: WorkflowHandle[Any, Any],
) -> tuple[WorkflowResult, list[dict[str, Any]]]:
    """Wait for the execution's end: the run's result, and its events for listeners
    (:func:`~arazzo_runner.temporal.events.replay_events`)."""
    try:
        output = await handle.result()
    except RPCError as lost:
        raise TemporalError(f"lost the run on Temporal ({handle.id}): {lost.message}") from None
    except WorkflowFailureError as failed:
        cause = failed.cause
        message = str(getattr(cause, "message", "") or cause)
        raise TemporalError(f"the run on Temporal ({handle.id}) failed: {message}") from None
    result: WorkflowResult = from_wire(output["result"])
    events: list[dict[str, Any]] = output["events"]
    return result, events
