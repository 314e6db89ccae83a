"""Records what reports need while a run goes: every HTTP exchange and when workflows ran."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..engine import RunListener

if TYPE_CHECKING:
    from ..document import Step, Workflow
    from ..http.messages import Exchange, PreparedRequest
    from ..results import StepResult, WorkflowResult


@dataclass(frozen=True)
class Timing:
    started: datetime
    duration_ms: float


class RunRecorder(RunListener):
    """Keeps every exchange (retries included) and the start and duration of each workflow run.

    It also keeps what the HTML report draws: each workflow that ran (its graph),
    the first workflow's inputs, which exchanges belong to which step execution, and
    every workflow run inside a step (a result keeps only a step's last called run).
    """

    wants_exchanges = True
    """The engine builds exchange records only for listeners that want them."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.started: datetime | None = None
        self._open: list[tuple[datetime, float]] = []
        self._timings: dict[int, Timing] = {}
        self._results: list[WorkflowResult] = []  # keeps the ids of _timings valid
        self.workflows: dict[str, Workflow] = {}
        """Every workflow that started, by workflowId (the first one is the one asked for)."""
        self.inputs: dict[str, Any] = {}
        """The inputs of the first workflow, as it received them."""
        self._unclaimed: list[Exchange] = []
        self._step_exchanges: dict[int, dict[int, Exchange]] = {}
        self._steps: list[StepResult] = []  # keeps the ids of _step_exchanges valid
        # Open steps: the stepId, how many workflows were open when it started, and the
        # workflow runs that ran directly inside it so far.
        self._open_steps: list[tuple[str, int, list[WorkflowResult]]] = []
        self._step_runs: dict[int, list[WorkflowResult]] = {}

    def workflow_started(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        now = datetime.now(UTC)
        if self.started is None:
            self.started = now
            self.inputs = dict(inputs)
        self.workflows.setdefault(workflow.workflow_id, workflow)
        self._open.append((now, time.perf_counter()))

    def step_started(self, step: Step, request: PreparedRequest | None) -> None:
        self._open_steps.append((step.step_id, len(self._open), []))

    def exchange(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)
        self._unclaimed.append(exchange)

    def step_finished(self, result: StepResult) -> None:
        # A step's own exchanges arrive before it finishes, and the steps it ran
        # meanwhile (retry targets, called workflows) finish first and take theirs.
        own = {}
        rest = []
        for exchange in self._unclaimed:
            if exchange.step_id == result.step_id and exchange.workflow_id == result.workflow_id:
                own[exchange.attempt] = exchange
            else:
                rest.append(exchange)
        self._unclaimed = rest
        if own:
            self._step_exchanges[id(result)] = own
        if self._open_steps and self._open_steps[-1][0] == result.step_id:
            self._step_runs[id(result)] = self._open_steps.pop()[2]
        self._steps.append(result)

    def step_exchanges(self, result: StepResult) -> dict[int, Exchange]:
        """The exchanges of one step execution, by attempt number."""
        return self._step_exchanges.get(id(result), {})

    def step_runs(self, result: StepResult) -> list[WorkflowResult] | None:
        """Every workflow run directly inside one step execution, in order: each attempt's
        called workflow and each retry's workflow. None when the recorder did not see it."""
        return self._step_runs.get(id(result))

    def workflow_finished(self, result: WorkflowResult) -> None:
        if not self._open:  # pragma: no cover - events always pair up
            return
        started, counter = self._open.pop()
        timing = Timing(started, (time.perf_counter() - counter) * 1000)
        self._timings[id(result)] = timing
        self._results.append(result)
        if self._open_steps and self._open_steps[-1][1] == len(self._open):
            self._open_steps[-1][2].append(result)

    def timing(self, result: WorkflowResult) -> Timing | None:
        """When a workflow run (the top one or a nested one) started, and how long it took."""
        return self._timings.get(id(result))
