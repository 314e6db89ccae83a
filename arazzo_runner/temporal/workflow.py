"""The Temporal workflow that runs one Arazzo workflow: :class:`ArazzoRunWorkflow`.

The engine's :class:`~arazzo_runner.engine.interpreter.Run` is a generator of
commands that does no I/O and reads time only from its clock, so it runs inside
the workflow as it is: the clock is the workflow's, each ``SendRequest`` is an
activity, each ``Wait`` a durable timer, and the commands of concurrent steps
(``Concurrently``) tasks in flight together. Replaying a history steps the
generator through the same commands with the recorded outcomes.

The workflow is not sandboxed: the sandbox exists to catch workflow code that
reads the time or does I/O behind Temporal's back, and the engine does neither
by construction (it is the same code a local run uses, with the clock injected).
The document is read once per worker and pinned by its digest (:mod:`.documents`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

from ..engine import Run
from ..engine.state import RunLimitExceeded
from ..errors import ArazzoError
from ..http.commands import Completed, Concurrently, SendOutcome, SendRequest, Wait
from ..results import WorkflowResult
from .activities import SEND_REQUEST
from .documents import DocumentRefused, default_store
from .events import EventLog
from .request import IDEMPOTENT_METHODS, RunRequest, options_from_wire
from .wire import from_wire, to_wire

if TYPE_CHECKING:
    from ..engine.interpreter import Command, RunCommands

WORKFLOW_NAME = "ArazzoRun"
CANCEL = "cancel"
CANCELLED = "the run was cancelled (temporal workflow cancel)"
OUTCOME_UNKNOWN = "outcome unknown"
RESEND_ATTEMPTS = 5
"""How often a request that may be sent again is tried when workers stop while sending it."""
INVALID_RUN = "InvalidRun"


class WorkflowClock:
    """The workflow's deterministic time, and its durable timers."""

    def now(self) -> datetime:
        return workflow.now()

    def monotonic(self) -> float:
        return workflow.time()

    def sleep(self, seconds: float) -> None:  # pragma: no cover - only asleep is used
        raise RuntimeError("a run on Temporal waits with asleep()")

    async def asleep(self, seconds: float) -> None:
        await workflow.sleep(seconds)


@workflow.defn(name=WORKFLOW_NAME, sandboxed=False)
class ArazzoRunWorkflow:
    """Runs the workflow a :class:`RunRequest` names; returns its result and events."""

    def __init__(self) -> None:
        self._request: RunRequest | None = None
        self._handlers: dict[type[Any], Callable[[Any], Awaitable[Any]]] = {
            SendRequest: self._send,
            Wait: self._wait,
            Concurrently: self._concurrently,
        }
        self._in_flight: dict[int, asyncio.Task[Any]] = {}
        """The commands of steps running concurrently, by the engine's token."""

    @workflow.run
    async def run(self, request: RunRequest) -> dict[str, Any]:
        self._request = request
        log = EventLog()
        commands = self._start(request, log).commands()
        try:
            result = await self._drive(commands)
        finally:
            commands.close()
        return {"result": to_wire(result), "events": log.events}

    def _start(self, request: RunRequest, log: EventLog) -> Run:
        try:
            loaded = default_store().get(request.document, request.digest, request.offline)
        except DocumentRefused as refused:
            raise ApplicationError(str(refused), type=refused.kind, non_retryable=True) from None
        options = options_from_wire(request.options, WorkflowClock())
        try:
            chosen = loaded.workflow(request.workflow_id)
            prepared = loaded.prepare_workflow(chosen, options.server_overrides)
            inputs = loaded.prepare_inputs(chosen, loaded.document, request.input_values())
        except ArazzoError as exc:
            raise ApplicationError(str(exc), type=INVALID_RUN, non_retryable=True) from None
        return Run(prepared, inputs, options, log)

    async def _drive(self, commands: RunCommands) -> WorkflowResult:
        reply: Any = None
        while True:
            try:
                command: Command = commands.send(reply)
            except StopIteration as stop:
                result: WorkflowResult = stop.value
                return result
            handler = self._handler(command)
            try:
                reply = await handler(command)
            except (asyncio.CancelledError, CancelledError):
                self._drop(tuple(self._in_flight))
                return _cancelled(commands)

    async def _concurrently(self, command: Concurrently) -> Completed | None:
        """Start, drop, and wait for the first of the commands of concurrent steps.

        Started work outlives this call: each is an asyncio task on the workflow's
        deterministic event loop (an activity or a durable timer), kept by token
        until the engine hears of its end. ``workflow.wait`` is the deterministic
        ``asyncio.wait``, and of several finished at once the lowest token is told
        first, so a replay resumes the engine in the same order.
        """
        self._drop(command.cancel)
        for token, started in command.start.items():
            self._in_flight[token] = asyncio.ensure_future(self._handler(started)(started))
        if not self._in_flight:
            return None
        await workflow.wait(list(self._in_flight.values()), return_when=asyncio.FIRST_COMPLETED)
        token = min(t for t, task in self._in_flight.items() if task.done())
        return Completed(token, self._in_flight.pop(token).result())

    def _handler(self, command: Any) -> Callable[[Any], Awaitable[Any]]:
        handler = self._handlers.get(type(command))
        if handler is None:
            # Message commands (AsyncAPI steps): arazzo run --temporal refuses such
            # workflows before they start; this is for a request made another way.
            raise ApplicationError(
                f"a run on Temporal cannot carry out {type(command).__name__}",
                non_retryable=True,
            )
        return handler

    def _drop(self, tokens: tuple[int, ...]) -> None:
        for token in tokens:
            task = self._in_flight.pop(token, None)
            if task is not None:
                task.cancel()

    async def _wait(self, command: Wait) -> None:
        await workflow.sleep(command.seconds)

    async def _send(self, command: SendRequest) -> SendOutcome:
        request = self._request
        assert request is not None
        method = command.request.method.upper()
        options = request.options
        payload = {
            "request": to_wire(command.request),
            "timeout": command.timeout,
            "transport": {
                "timeout": options.get("timeout", command.timeout),
                "connect_timeout": options.get("connect_timeout", 10.0),
                "max_response_bytes": options.get("max_response_bytes", 64 * 1024 * 1024),
                "follow_redirects": options.get("follow_redirects", False),
                "max_redirects": options.get("max_redirects", 10),
                "verify": options.get("verify_tls", True),
            },
            "heartbeat_seconds": request.heartbeat_seconds,
            "max_payload_bytes": request.max_payload_bytes,
        }
        attempts = RESEND_ATTEMPTS if _may_resend(request.resend, method) else 1
        # A request may follow redirects: each hop may take the whole timeout.
        hops = 1 + (
            int(options.get("max_redirects", 10)) if payload["transport"]["follow_redirects"] else 0
        )
        started = workflow.time()
        try:
            outcome = await workflow.execute_activity(
                SEND_REQUEST,
                payload,
                start_to_close_timeout=timedelta(seconds=command.timeout * hops + 30),
                heartbeat_timeout=timedelta(seconds=request.heartbeat_seconds),
                retry_policy=RetryPolicy(maximum_attempts=attempts),
            )
        except ActivityError as failed:
            if isinstance(failed.cause, CancelledError):
                raise failed.cause from None
            elapsed = (workflow.time() - started) * 1000
            return SendOutcome(None, _unknown_outcome(method, attempts, request.resend), elapsed)
        sent: SendOutcome = from_wire(outcome)
        return sent


def _may_resend(policy: str, method: str) -> bool:
    if policy == "always":
        return True
    if policy == "never":
        return False
    return method in IDEMPOTENT_METHODS


def _unknown_outcome(method: str, attempts: int, policy: str) -> str:
    if attempts == 1:
        why = (
            f"{method} is not idempotent, so it was not sent again"
            if policy == "idempotent"
            else "--resend never: it was not sent again"
        )
        return (
            f"{OUTCOME_UNKNOWN}: the worker sending this {method} stopped before its answer "
            f"was recorded, and the request may or may not have reached the API; {why} "
            "(docs/temporal.md, 'Requests in flight')"
        )
    return (
        f"{OUTCOME_UNKNOWN}: the {method} was tried {attempts} times and each time the worker "
        "sending it stopped before its answer was recorded"
    )


def _cancelled(commands: RunCommands) -> WorkflowResult:
    """End the run as stopped by a cancellation: its result up to there."""
    try:
        commands.throw(RunLimitExceeded(CANCELLED, CANCEL))
    except StopIteration as stop:
        result: WorkflowResult = stop.value
        return result
    raise ApplicationError(CANCELLED, non_retryable=True)  # pragma: no cover
