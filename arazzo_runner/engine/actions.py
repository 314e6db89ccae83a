"""What follows an attempt: the success or failure action that applies, and where it leads.

These read the step's frame and decide; they send nothing and wait for
nothing (the interpreter carries the decision out).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..document import Action, Step, effective_actions
from ..expressions import ExpressionContext, UnresolvedReference
from ..http.response import retry_after
from ..results import ActionTaken, CriterionVerdict
from .options import Clock
from .prepare import PreparedWorkflow
from .state import StepFrame, Transition


def after_success(frame: StepFrame) -> tuple[ActionTaken, Transition]:
    """The first success action whose criteria hold, or the next step."""
    workflow = frame.flow.workflow
    for action in effective_actions(workflow.success_actions, frame.step.on_success):
        if _criteria_hold(action, frame.context):
            return _transition(frame.flow.prepared, action, failed=False)
    return ActionTaken("next"), Transition(frame.index + 1)


def after_failure(
    frame: StepFrame, retries: dict[str, int], clock: Clock
) -> tuple[ActionTaken, Transition, Action | None]:
    """The failure action that applies, its transition, and a retry's action.

    ``retries`` counts the retries each action of this step has used; the
    clock dates a ``Retry-After`` given as an HTTP-date.
    """
    workflow = frame.flow.workflow
    for action in effective_actions(workflow.failure_actions, frame.step.on_failure):
        if not _criteria_hold(action, frame.context):
            continue
        if action.type == "retry":
            limit = 1 if action.retry_limit is None else action.retry_limit
            used = retries.get(action.name, 0)
            if used >= limit:
                continue  # exhausted: the spec says the next failure action applies
            retries[action.name] = used + 1
            taken = ActionTaken(
                "retry",
                action.name,
                action.step_id,
                action.workflow_id,
                retry_after=_retry_delay(action, frame.context, clock),
                retry_number=used + 1,
                retry_limit=limit,
            )
            return taken, Transition(frame.index), action
        taken, transition = _transition(frame.flow.prepared, action, failed=True)
        return taken, transition, None
    return ActionTaken("fail"), Transition(None, failed=True), None


def judge_criteria(
    step: Step, context: ExpressionContext, status: int | None
) -> tuple[list[CriterionVerdict], list[str]]:
    """Each success criterion's verdict on an answered attempt, and why it failed (empty if not)."""
    if not step.success_criteria:
        # The spec leaves this open; an HTTP error status is a failure here
        # (docs/semantics.md, "Steps without successCriteria").
        if status is not None and status >= 400:
            return [], [f"HTTP {status} and the step has no successCriteria to accept it"]
        return [], []
    verdicts = []
    failures = []
    for criterion in step.success_criteria:
        outcome = criterion.compiled.check(context)
        kind = criterion.type if isinstance(criterion.type, str) else None
        if isinstance(criterion.type, Mapping):
            kind = str(criterion.type.get("type"))
        verdicts.append(CriterionVerdict(criterion.condition, outcome.passed, outcome.detail, kind))
        if not outcome.passed:
            failures.append(f"success criterion not met: {outcome.detail}")
    return verdicts, failures


def _retry_delay(action: Action, context: ExpressionContext, clock: Clock) -> float:
    """Seconds to wait: the response's Retry-After overrules the action's retryAfter."""
    if context.response is not None:
        delay = retry_after(context.response.headers, clock.now())
        if delay is not None:
            return delay
    return float(action.retry_after or 0.0)


def _transition(
    prepared: PreparedWorkflow, action: Action, *, failed: bool
) -> tuple[ActionTaken, Transition]:
    """Where an ``end`` or ``goto`` action leads."""
    taken = ActionTaken(action.type, action.name, action.step_id, action.workflow_id)
    if action.type == "end":
        # A failure handled by 'end' still ends a failed workflow (docs/semantics.md).
        return taken, Transition(None, failed=failed)
    if action.step_id is not None:
        return taken, Transition(prepared.step_indexes[action.step_id])
    assert action.workflow_id is not None
    target = prepared.targets[action.workflow_id]
    return taken, Transition(None, goto_workflow=target, action=action)


def _criteria_hold(action: Action, context: ExpressionContext) -> bool:
    for criterion in action.criteria:
        try:
            if not criterion.compiled.check(context).passed:
                return False
        except UnresolvedReference:
            return False
    return True
