"""What one run keeps while it goes: its limits, ``$workflows``, the last response,
and the frames of the workflows and steps it is in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..results import RunError
from .options import DEFAULT_MAX_NESTING, MAX_NESTING_CEILING, Clock, RunOptions

if TYPE_CHECKING:
    from ..document import Action, ArazzoDocument, Step, Workflow
    from ..expressions import ExpressionContext, HttpMessage
    from ..results import StepResult, WorkflowResult
    from .prepare import PreparedWorkflow


MAX_STEPS = "max-steps"
MAX_DURATION = "max-duration"
MAX_NESTING = "max-nesting"
INTERRUPT = "interrupt"
INTERRUPTED = "interrupted"
"""The reason of a step the run stopped in when it was interrupted."""


class RunLimitExceeded(Exception):
    """The run hit --max-steps, --max-duration or --max-nesting, or was interrupted; it ends
    with this message. A driver throws one with :data:`INTERRUPT` into the run on Ctrl-C,
    so that the run still ends with a result."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit
        """:data:`MAX_STEPS`, :data:`MAX_DURATION`, :data:`MAX_NESTING` or :data:`INTERRUPT`."""
        self.placed = False
        """Whether a step already carries the message (the others only point to it)."""


@dataclass
class RunState:
    """What every workflow of one run shares: limits, and ``$workflows`` values."""

    max_executions: int
    max_duration: float | None
    clock: Clock
    max_nesting: int = DEFAULT_MAX_NESTING
    deadline: float | None = None
    """On the clock's monotonic scale; set by :meth:`start`."""
    executions: int = 0
    depth: int = 0
    """How many workflows are running, nested in each other."""
    workflows: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: dict[PreparedWorkflow, WorkflowResult] = field(default_factory=dict)
    """Dependencies that ran: each runs once per run, however often it is named."""
    last_response: tuple[int, HttpMessage] | None = None
    """The most recent HTTP response of the run (what ``$statusCode`` of a workflow step reads)."""
    completed_steps: set[tuple[str, str, str]] = field(default_factory=set)
    """(document URI, workflowId, stepId) of each step whose latest run succeeded: what a
    ``dependsOn`` entry naming another workflow's step waits for (Arazzo 1.1)."""

    @classmethod
    def for_options(cls, options: RunOptions) -> RunState:
        nesting = min(options.max_nesting, MAX_NESTING_CEILING)
        return cls(options.max_step_executions, options.max_duration, options.clock, nesting)

    def enter_workflow(self, workflow_id: str) -> None:
        """One more workflow nested in the running ones; refused beyond the nesting limit.

        Validation refuses a workflow that always calls itself again; one that does
        so on some branch only (a goto, an onFailure action) ends here at the latest.
        """
        if self.depth >= self.max_nesting:
            raise RunLimitExceeded(
                f"the run stopped before workflow '{workflow_id}': it would be nested "
                f"{self.depth + 1} workflows deep, beyond the limit of {self.max_nesting} "
                "(a workflow that calls itself again?); raise it with --max-nesting "
                f"(at most {MAX_NESTING_CEILING})",
                MAX_NESTING,
            )
        self.depth += 1

    def start(self) -> None:
        """Start the time limit: from the first step, not from when the run was set up."""
        if self.max_duration is not None:
            self.deadline = self.clock.monotonic() + self.max_duration

    def count_execution(self, step_id: str) -> None:
        self.executions += 1
        if self.executions > self.max_executions:
            raise RunLimitExceeded(
                f"the run stopped before step '{step_id}': it reached the limit of "
                f"{self.max_executions} step executions (a goto or retry loop?); "
                "raise it with --max-steps",
                MAX_STEPS,
            )
        if self.out_of_time():  # the message is only worded when needed
            raise self.time_limit_error(f"before step '{step_id}'")

    def remaining(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline - self.clock.monotonic()

    def out_of_time(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def time_limit_error(self, where: str) -> RunLimitExceeded:
        return RunLimitExceeded(
            f"the run stopped {where}: it exceeded its time limit of "
            f"{self.max_duration:g} s; raise it with --max-duration",
            MAX_DURATION,
        )

    def request_timeout(self, timeout: float) -> float:
        """The read timeout of the next request: ``timeout``, cut to the time left."""
        remaining = self.remaining()
        if remaining is None:
            return timeout
        if remaining <= 0:
            raise self.time_limit_error("while waiting to send a request")
        return max(0.001, min(timeout, remaining))

    def check_retry(self, step_id: str, delay: float) -> None:
        """Refuse a retry the limits would stop anyway, before waiting for it: a retry
        past --max-steps, or a wait that would outlast the time limit."""
        if self.executions >= self.max_executions:
            raise RunLimitExceeded(
                f"the run stopped before retrying step '{step_id}': it reached the limit of "
                f"{self.max_executions} step executions; raise it with --max-steps",
                MAX_STEPS,
            )
        remaining = self.remaining()
        if remaining is not None and delay > remaining:
            raise RunLimitExceeded(
                f"the run stopped before retrying step '{step_id}': the retry would wait "
                f"{delay:g} s, beyond the run's time limit of {self.max_duration:g} s; "
                "raise it with --max-duration",
                MAX_DURATION,
            )


def limit_failure(executions: list[StepResult], exc: RunLimitExceeded) -> RunError:
    """The workflow's error when a run limit stopped it; its last step says so too.

    The error names the step only when that step's own line showed the message
    (the limit struck inside it); a limit met between steps (before the next
    one, on a goto to a workflow) is the workflow's, so the summary says it.
    """
    if executions and executions[-1].error is None:
        executions[-1].error = str(exc)
    placed = exc.placed and executions
    return RunError(str(exc), executions[-1].step_id if placed else None, exc.limit)


def place_limit(result: StepResult, exc: RunLimitExceeded) -> None:
    """Mark the step a run limit stopped, before the step is reported as finished.

    The step where the limit struck carries the message; the steps that called
    workflows on the way there only point to it, so that it is printed once.
    """
    if exc.placed:
        mark_stopped(result, "stopped by the run limit reached in a workflow it called")
        return
    mark_stopped(result, str(exc))
    exc.placed = True


def mark_stopped(result: StepResult, reason: str) -> None:
    """The run stopped in this step: a step stopped before its first attempt fails with the
    reason; one stopped later keeps its last attempt's error."""
    if result.stopped is None:
        result.stopped = reason
    if result.error is None:
        result.error = reason


@dataclass
class Transition:
    """What follows a step: the index of the next step, or the end of the workflow."""

    next_index: int | None
    failed: bool = False
    goto_workflow: PreparedWorkflow | None = None
    action: Action | None = None
    """The goto action that leads to ``goto_workflow`` (its ``parameters`` are the inputs)."""


@dataclass(frozen=True)
class Deadline:
    """When a step's ``timeout`` runs out (on the clock's monotonic scale), and whose."""

    at: float
    step_id: str
    timeout_ms: int

    def message(self) -> str:
        return (
            f"step '{self.step_id}' timed out: it did not complete within its timeout "
            f"of {self.timeout_ms} ms"
        )


@dataclass(slots=True)
class WorkflowFrame:
    """One workflow being run: what its expressions read, and its steps so far."""

    prepared: PreparedWorkflow
    context: ExpressionContext
    executions: list[StepResult]
    deadline: Deadline | None = None
    """The timeout of the step that called this workflow, which bounds all of it."""
    succeeded: set[str] = field(default_factory=set)
    """The steps whose latest run succeeded (what ``dependsOn`` waits for)."""
    workflow: Workflow = field(init=False)
    document: ArazzoDocument = field(init=False)

    def __post_init__(self) -> None:
        # Plain fields rather than properties: the interpreter reads them often.
        self.workflow = self.prepared.workflow
        self.document = self.prepared.document.document


@dataclass(slots=True)
class StepFrame:
    """One step being run, in its workflow; every attempt of the step shares it."""

    flow: WorkflowFrame
    step: Step
    index: int
    result: StepResult
    context: ExpressionContext = field(init=False)
    """The workflow's context (``flow.context``), or a copy of it for a step that runs
    concurrently with others (each has its own request and response)."""
    deadline: Deadline | None = None
    """When the current attempt times out: its own ``timeout`` or the calling step's."""

    def __post_init__(self) -> None:
        self.context = self.flow.context

    @property
    def attempt_number(self) -> int:
        """1 during the first attempt, 2 during the first retry, and so on."""
        return len(self.result.attempts)
