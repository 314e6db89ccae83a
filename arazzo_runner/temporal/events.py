"""A run's events, kept by the workflow and heard again by the client's listeners.

A run on Temporal happens in a worker, but ``arazzo run --temporal`` prints
what a local run prints: progress lines, the result, reports. The workflow
keeps every event as data (:class:`EventLog`); the client replays them into
the same listeners a local run uses (:func:`replay_events`), finding the
workflows and steps they name in its own copy of the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ..engine import RunListener
from .wire import from_wire, to_wire

if TYPE_CHECKING:
    from ..document import ArazzoDocument, Step, Workflow
    from ..http.messages import Exchange, PreparedRequest
    from ..results import ActionTaken, StepResult, WorkflowResult


class EventLog(RunListener):
    """Keeps every event of a run as JSON-compatible data, in order."""

    wants_exchanges = True

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        # Steps do not know their workflow: the innermost one running is theirs.
        self._running: list[str] = []

    def workflow_started(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        self._running.append(workflow.workflow_id)
        self.events.append(
            {
                "event": "workflow_started",
                "workflow": workflow.workflow_id,
                "steps": [step.step_id for step in workflow.steps],
                "inputs": to_wire(dict(inputs)),
            }
        )

    def step_started(self, step: Step, request: PreparedRequest | None) -> None:
        self.events.append(
            {"event": "step_started", **self._step(step), "request": to_wire(request)}
        )

    def exchange(self, exchange: Exchange) -> None:
        self.events.append({"event": "exchange", "exchange": to_wire(exchange)})

    def action_taken(self, step: Step, action: ActionTaken) -> None:
        self.events.append({"event": "action_taken", **self._step(step), "action": to_wire(action)})

    def step_finished(self, result: StepResult) -> None:
        self.events.append({"event": "step_finished", "result": to_wire(result)})

    def workflow_finished(self, result: WorkflowResult) -> None:
        if self._running:
            self._running.pop()
        self.events.append({"event": "workflow_finished", "result": to_wire(result)})

    def _step(self, step: Step) -> dict[str, Any]:
        return {"workflow": self._running[-1] if self._running else "", "step": step.step_id}


@dataclass
class StandInWorkflow:
    """A workflow of a document the client did not load (one a ``type: arazzo`` source
    leads to): what listeners read of it."""

    workflow_id: str
    steps: list[StandInStep] = field(default_factory=list)
    input_schema: Any = None
    input_properties: dict[str, Any] = field(default_factory=dict)

    def step(self, step_id: str) -> StandInStep | None:
        return next((s for s in self.steps if s.step_id == step_id), None)


@dataclass
class StandInStep:
    step_id: str
    workflow_id: str | None = None
    """Never known for a stand-in: such steps show their request instead."""


class _Resolver:
    """Finds the workflows and steps events name in the client's document."""

    def __init__(self, document: ArazzoDocument) -> None:
        self.document = document
        self.stand_ins: dict[str, StandInWorkflow] = {}

    def workflow(self, workflow_id: str, step_ids: list[str]) -> Workflow:
        found = self.document.workflow(workflow_id)
        if found is not None and [s.step_id for s in found.steps] == step_ids:
            return found
        stand_in = StandInWorkflow(workflow_id)
        stand_in.steps = [StandInStep(step_id) for step_id in step_ids]
        self.stand_ins[workflow_id] = stand_in
        return cast("Workflow", stand_in)

    def step(self, workflow_id: str, step_id: str) -> Step:
        stand_in = self.stand_ins.get(workflow_id)
        if stand_in is None:
            workflow = self.document.workflow(workflow_id)
            found = workflow.step(step_id) if workflow is not None else None
            if found is not None:
                return found
            stand_in = self.stand_ins[workflow_id] = StandInWorkflow(workflow_id)
        step = stand_in.step(step_id)
        if step is None:
            step = StandInStep(step_id)
            stand_in.steps.append(step)
        return cast("Step", step)


def replay_events(
    events: list[dict[str, Any]], document: ArazzoDocument, listener: RunListener
) -> WorkflowResult | None:
    """Tell ``listener`` every event of a run, in the order the run had them.

    Returns the run's result as the listener heard it (None without events): report
    the run with this one, since listeners such as a report's recorder know a result
    by the object they were given.
    """
    resolve = _Resolver(document)
    depth = 0
    finished: WorkflowResult | None = None
    for event in events:
        kind = event["event"]
        if kind == "workflow_started":
            workflow = resolve.workflow(event["workflow"], event["steps"])
            depth += 1
            listener.workflow_started(workflow, from_wire(event["inputs"]))
        elif kind == "step_started":
            step = resolve.step(event["workflow"], event["step"])
            listener.step_started(step, from_wire(event["request"]))
        elif kind == "exchange":
            listener.exchange(from_wire(event["exchange"]))
        elif kind == "action_taken":
            step = resolve.step(event["workflow"], event["step"])
            listener.action_taken(step, from_wire(event["action"]))
        elif kind == "step_finished":
            listener.step_finished(from_wire(event["result"]))
        elif kind == "workflow_finished":
            result: WorkflowResult = from_wire(event["result"])
            depth -= 1
            if depth == 0:
                finished = result  # the run's own workflow, after its dependencies
            listener.workflow_finished(result)
    return finished
