"""Running AsyncAPI steps: subscriptions first, then sends and correlated receives.

A receive step must not miss a reply that comes right after an earlier send, so
every receive step of a workflow is subscribed when the workflow starts, before
any of its steps (or the workflows it depends on) runs, and the subscription
buffers what arrives until the step takes it (docs/semantics.md, "Message
steps"). A receive step whose channel address needs a value that only an
earlier step produces cannot be subscribed then: it subscribes when it starts.

Like the rest of the engine this does no I/O: it yields the commands of
``messaging/commands.py`` and is resumed with their outcomes.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from ..errors import ArazzoError
from ..expressions import HttpMessage, UnresolvedReference
from ..http.messages import StepFailure
from ..messaging.auth import broker_endpoint
from ..messaging.commands import (
    MessageCommand,
    MessageOutcome,
    ReceiveMessage,
    SendMessage,
    Subscribe,
)
from ..messaging.endpoint import Endpoint
from ..messaging.template import MessageTemplate
from .events import RunListener
from .options import Clock, RunOptions
from .state import RunState, StepFrame, WorkflowFrame

DEFAULT_RECEIVE_TIMEOUT = 30.0
"""Seconds a receive step waits when neither it nor the run sets a timeout."""

MessageCommands = Generator[MessageCommand, Any, Any]


class MessageSteps:
    """The message side of one run: which receive steps are subscribed, under which key."""

    def __init__(
        self, options: RunOptions, listener: RunListener, clock: Clock, state: RunState
    ) -> None:
        self.options = options
        self.listener = listener
        self.clock = clock
        self.state = state
        self._keys: dict[tuple[int, str], str] = {}
        self._count = 0

    # -- at the start of a workflow

    def subscribe_receivers(self, flow: WorkflowFrame) -> Generator[MessageCommand, Any, None]:
        for step_id, template in flow.prepared.messages.items():
            if template.action != "receive":
                continue
            try:
                endpoint = self.endpoint(template)
                address = template.build(flow.context, endpoint.protocol).address
            except (StepFailure, ArazzoError):
                continue  # said by the step itself, which subscribes when it starts
            yield from self._subscribe(flow, step_id, template, endpoint, address)

    def _subscribe(
        self,
        flow: WorkflowFrame,
        step_id: str,
        template: MessageTemplate,
        endpoint: Endpoint,
        address: str,
    ) -> Generator[MessageCommand, Any, str]:
        self._count += 1
        key = f"{flow.workflow.workflow_id}/{step_id}#{self._count}"
        self._keys[(id(flow), step_id)] = key
        # A failed subscription is reported by the receive step that needs it.
        _: MessageOutcome = yield Subscribe(
            key, endpoint, address, template.bindings(endpoint.protocol)
        )
        return key

    def endpoint(self, template: MessageTemplate) -> Endpoint:
        endpoint = template.endpoint(self.options.server_overrides)
        credentials = self.options.credentials
        if credentials is None:
            return endpoint
        return broker_endpoint(credentials, endpoint, template.target)

    # -- one attempt of a step

    def attempt(self, frame: StepFrame) -> Generator[MessageCommand, Any, bool]:
        """Send or receive; True when there is something to judge by the step's criteria."""
        template = frame.flow.prepared.messages[frame.step.step_id]
        result = frame.result
        result.status_code = None
        result.method = template.action.upper()
        first = frame.attempt_number == 1
        try:
            endpoint = self.endpoint(template)
            built = template.build(frame.context, endpoint.protocol)
        except (StepFailure, ArazzoError) as exc:
            if first:
                self.listener.step_started(frame.step, None)
            result.error = exc.message if isinstance(exc, ArazzoError) else str(exc)
            return False
        result.url = f"{endpoint.display()} {built.address}"
        if first:
            self.listener.step_started(frame.step, None)
        record: dict[str, Any] = {
            "action": template.action,
            "broker": endpoint.display(),
            "address": built.address,
        }
        result.message = record
        if built.message is not None:
            outcome: MessageOutcome = yield SendMessage(endpoint, built.message)
            record.update(headers=dict(built.message.headers), payload=_payload_of(built.seen))
            if outcome.error is not None:
                result.error = outcome.error
                return False
            return True
        return (yield from self._receive(frame, template, endpoint, built.address, record))

    def _receive(
        self,
        frame: StepFrame,
        template: MessageTemplate,
        endpoint: Endpoint,
        address: str,
        record: dict[str, Any],
    ) -> Generator[MessageCommand, Any, bool]:
        step, result = frame.step, frame.result
        key = self._keys.get((id(frame.flow), step.step_id))
        if key is None:
            key = yield from self._subscribe(frame.flow, step.step_id, template, endpoint, address)
        expected = None
        if step.correlation_id is not None:
            try:
                value = step.correlation_id.evaluate(frame.context)
            except UnresolvedReference as exc:
                result.error = f"cannot evaluate correlationId: {exc}"
                return False
            expected = None if value is None else _text(value)
        locations = [m.correlation for m in template.target.messages if m.correlation]
        # Cut to the time the run has left (--max-duration), as a request's timeout is.
        timeout, bounded = self.receive_timeout(frame)
        outcome: MessageOutcome = yield ReceiveMessage(
            key, timeout, locations[0] if locations and expected is not None else None, expected
        )
        record["ignored"] = outcome.ignored
        if outcome.error is not None:
            result.error = outcome.error
            return False
        message = outcome.message
        if message is None:
            deadline = frame.deadline if bounded else None
            within = None if deadline is not None else timeout
            nothing = _nothing_received(address, within, expected, outcome.ignored)
            # Bounded by the step's timeout: the step timed out, and says what it missed.
            result.error = f"{deadline.message()}: {nothing}" if deadline is not None else nothing
            return False
        payload = message.payload()
        record.update(headers=dict(message.headers), payload=payload)
        frame.context.message = HttpMessage(headers=dict(message.headers), body=payload)
        return True

    def receive_timeout(self, frame: StepFrame) -> tuple[float, bool]:
        """Seconds to wait for the message: what is left of the step's ``timeout`` (or of
        the step that called this workflow), else the run's ``--timeout``, cut to the
        run's time limit; and whether the step's timeout is what bounds it."""
        wait = self.options.timeout or DEFAULT_RECEIVE_TIMEOUT
        bounded = False
        if frame.deadline is not None:
            wait = max(0.001, frame.deadline.at - self.clock.monotonic())
            bounded = True
        timeout = self.state.request_timeout(wait)
        return timeout, bounded and timeout >= wait


def _nothing_received(
    address: str, within: float | None, expected: str | None, ignored: int
) -> str:
    what = f"with correlation id '{expected}' " if expected is not None else ""
    text = f"no message {what}arrived on '{address}'"
    if within is not None:
        text += f" within {within:g} s"
    if ignored:
        plural = "s" if ignored != 1 else ""
        text += f" ({ignored} other message{plural} did not match)"
    return text


def _payload_of(seen: HttpMessage | None) -> Any:
    return seen.body if seen is not None else None


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
