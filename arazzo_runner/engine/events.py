"""Progress events: what a listener hears while a workflow runs.

Subclass :class:`RunListener` and override the events you need; every event
has a no-op default, so new events never break existing listeners. Events
arrive in order: ``workflow_started``, then for each step ``step_started``,
one ``exchange`` per HTTP attempt, ``action_taken`` when a success or
failure action (or the default) decides what comes next, ``step_finished``;
and finally ``workflow_finished``. Steps that call another workflow nest that
workflow's events between their own ``step_started`` and ``step_finished``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..document import Step, Workflow
    from ..http.messages import Exchange, PreparedRequest
    from ..results import ActionTaken, StepResult, WorkflowResult


class RunListener:
    """Receives progress events while a workflow runs (all methods optional)."""

    @property
    def wants_exchanges(self) -> bool:
        """Whether :meth:`exchange` does anything: the engine records exchanges only if so.

        Recording costs a timestamp and an object per request. By default, a
        listener wants them when it defines ``exchange`` (on its class or on
        the instance); a subclass may say so explicitly instead.
        """
        return getattr(self.exchange, "__func__", None) is not RunListener.exchange

    def workflow_started(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        """A workflow (the one asked for, a dependency or a child) begins."""

    def step_started(self, step: Step, request: PreparedRequest | None) -> None:
        """A step begins; ``request`` is None for a step that calls a workflow."""

    def exchange(self, exchange: Exchange) -> None:
        """An HTTP attempt ended, with a response or with an error."""

    def action_taken(self, step: Step, action: ActionTaken) -> None:
        """A success or failure action was chosen after an attempt of ``step``."""

    def step_finished(self, result: StepResult) -> None:
        """A step ended (after all its retries)."""

    def workflow_finished(self, result: WorkflowResult) -> None:
        """A workflow ended."""


class Listeners(RunListener):
    """Sends every event to several listeners, in order."""

    def __init__(self, listeners: Sequence[RunListener | None]) -> None:
        self.listeners = [listener for listener in listeners if listener is not None]

    @property
    def wants_exchanges(self) -> bool:
        return any(listener.wants_exchanges for listener in self.listeners)

    def workflow_started(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        for listener in self.listeners:
            listener.workflow_started(workflow, inputs)

    def step_started(self, step: Step, request: PreparedRequest | None) -> None:
        for listener in self.listeners:
            listener.step_started(step, request)

    def exchange(self, exchange: Exchange) -> None:
        for listener in self.listeners:
            listener.exchange(exchange)

    def action_taken(self, step: Step, action: ActionTaken) -> None:
        for listener in self.listeners:
            listener.action_taken(step, action)

    def step_finished(self, result: StepResult) -> None:
        for listener in self.listeners:
            listener.step_finished(result)

    def workflow_finished(self, result: WorkflowResult) -> None:
        for listener in self.listeners:
            listener.workflow_finished(result)
