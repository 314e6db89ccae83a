"""What a run produced: per-step records and the workflow's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class ActionTaken:
    """What happened after a step attempt: the action chosen, or the default."""

    type: str
    """``next`` (the default on success), ``end``, ``goto``, ``retry``, or ``fail`` (on failure)."""
    name: str | None = None
    """The action's ``name``; None for a default."""
    step_id: str | None = None
    workflow_id: str | None = None
    retry_after: float | None = None
    """Seconds waited before the retry (``Retry-After`` overrules ``retryAfter``)."""
    retry_number: int | None = None
    """For ``retry``: which retry of this action this is (1 for the first)."""
    retry_limit: int | None = None
    """For ``retry``: the action's ``retryLimit`` (1 when it has none)."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "name": self.name}
        if self.step_id is not None:
            data["stepId"] = self.step_id
        if self.workflow_id is not None:
            data["workflowId"] = self.workflow_id
        if self.retry_after is not None:
            data["retryAfter"] = self.retry_after
        return data


@dataclass(frozen=True)
class CriterionVerdict:
    """How one success criterion judged an attempt (kept for reports, not in ``--output json``)."""

    condition: str
    passed: bool
    detail: str
    """Why it passed or failed, with the values it compared."""
    type: str | None = None
    """The criterion's type when it is not a simple one (``regex``, ``jsonpath``, ``xpath``)."""


@dataclass
class Attempt:
    """One try of a step (its first run or a retry)."""

    number: int
    status: Status
    status_code: int | None = None
    error: str | None = None
    duration_ms: float | None = None
    action: ActionTaken | None = None
    called_workflow: WorkflowResult | None = None
    """The workflow a retry action ran before the next attempt, if any."""
    criteria: list[CriterionVerdict] = field(default_factory=list)
    """The verdict of each success criterion on this attempt's response (empty when the
    attempt got no response or the step has none)."""

    def to_json(self) -> dict[str, Any]:
        data = {
            "attempt": self.number,
            "status": str(self.status),
            "statusCode": self.status_code,
            "error": self.error,
            "durationMs": round(self.duration_ms, 3) if self.duration_ms is not None else None,
            "action": self.action.to_json() if self.action else None,
        }
        if self.called_workflow is not None:
            data["workflow"] = self.called_workflow.to_json()
        return data


@dataclass
class StepResult:
    step_id: str
    status: Status
    method: str | None = None
    url: str | None = None
    status_code: int | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    """Why the step failed: unmet criteria, a network error, a request that could not be built."""
    duration_ms: float | None = None
    warnings: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    """Every try of the step, in order (more than one when it was retried)."""
    action: ActionTaken | None = None
    """The action taken after the last attempt."""
    workflow_id: str | None = None
    """The workflow this step belongs to."""
    called_workflow: WorkflowResult | None = None
    """For a step that calls a workflow: that workflow's result."""
    stopped: str | None = None
    """Why the run stopped in this step, if it did: a run limit, or an interrupt."""
    message: dict[str, Any] | None = None
    """For an AsyncAPI step: the message sent or received (``action``, ``broker``,
    ``address``, ``headers``, ``payload``) and ``ignored``, how many messages arrived
    on the subscription without matching (they are left for other steps)."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "stepId": self.step_id,
            "status": str(self.status),
            "statusCode": self.status_code,
            "outputs": self.outputs,
            "error": self.error,
            "warnings": self.warnings,
            "attempts": [attempt.to_json() for attempt in self.attempts],
            "action": self.action.to_json() if self.action else None,
        }
        if self.called_workflow is not None:
            data["workflow"] = self.called_workflow.to_json()
        if self.stopped is not None:
            data["stopped"] = self.stopped
        if self.message is not None:
            data["message"] = self.message
        return data


@dataclass
class RunError:
    message: str
    step_id: str | None = None
    stopped_by: str | None = None
    """What stopped the run, if something did: ``max-steps``, ``max-duration`` (the run
    limits) or ``interrupt`` (Ctrl-C)."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"stepId": self.step_id, "message": self.message}
        if self.stopped_by is not None:
            data["stoppedBy"] = self.stopped_by
        return data


@dataclass
class WorkflowResult:
    workflow_id: str
    status: Status
    outputs: dict[str, Any] = field(default_factory=dict)
    steps: list[StepResult] = field(default_factory=list)
    error: RunError | None = None
    dependencies: list[WorkflowResult] = field(default_factory=list)
    """Results of the ``dependsOn`` workflows, run first, in order."""

    @property
    def succeeded(self) -> bool:
        return self.status is Status.SUCCEEDED

    def to_json(self) -> dict[str, Any]:
        """The ``--output json`` document (a stable, documented contract)."""
        data: dict[str, Any] = {
            "workflowId": self.workflow_id,
            "status": str(self.status),
            "outputs": self.outputs,
            "steps": [step.to_json() for step in self.steps],
            "error": self.error.to_json() if self.error else None,
        }
        if self.dependencies:
            data["dependencies"] = [d.to_json() for d in self.dependencies]
        return data
