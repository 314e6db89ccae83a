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

    def to_json(self) -> dict[str, Any]:
        return {
            "stepId": self.step_id,
            "status": str(self.status),
            "statusCode": self.status_code,
            "outputs": self.outputs,
        }


@dataclass
class RunError:
    message: str
    step_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"stepId": self.step_id, "message": self.message}


@dataclass
class WorkflowResult:
    workflow_id: str
    status: Status
    outputs: dict[str, Any] = field(default_factory=dict)
    steps: list[StepResult] = field(default_factory=list)
    error: RunError | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is Status.SUCCEEDED

    def to_json(self) -> dict[str, Any]:
        """The ``--output json`` document (a stable, documented contract)."""
        return {
            "workflowId": self.workflow_id,
            "status": str(self.status),
            "outputs": self.outputs,
            "steps": [step.to_json() for step in self.steps],
            "error": self.error.to_json() if self.error else None,
        }
