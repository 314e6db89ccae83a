"""Control flow: steps that no execution of their workflow can reach."""

from __future__ import annotations

from ..document import Action, Workflow, join_pointer
from .context import LintContext


def _always_leaves(actions: list[Action]) -> bool:
    """Whether these success actions always transfer control away from the next step.

    The first action whose criteria all hold is executed; an action without
    criteria always holds. So when one has no criteria, some action always
    runs, and every action is an end or a goto: the next step is never reached
    by falling through (a goto to it is followed as an edge instead).
    """
    return any(not a.conditional and a.type in ("end", "goto") for a in actions)


def check_reachability(ctx: LintContext, workflow: Workflow) -> None:
    """Warn about steps that no execution of the workflow can reach.

    Step 0 is reached. A reached step reaches the next one unless its success
    actions (its own plus the workflow's) always leave, and it reaches every
    step named by its success and failure actions' stepId (including retry's),
    whatever their criteria. Workflow-level actions apply to every step.
    """
    if not workflow.steps:
        return
    steps = [s.step_id for s in workflow.steps]
    shared = [*workflow.success_actions, *workflow.failure_actions]
    reached = {0}
    pending = [0]
    while pending:
        index = pending.pop()
        step = workflow.steps[index]
        successors = {steps.index(a.step_id) for a in [*step.on_success, *step.on_failure, *shared]
                      if a.step_id in steps}  # fmt: skip
        leaves = _always_leaves([*step.on_success, *workflow.success_actions])
        if index + 1 < len(steps) and not leaves:
            successors.add(index + 1)
        for successor in successors - reached:
            reached.add(successor)
            pending.append(successor)
    for index, step in enumerate(workflow.steps):
        if index not in reached:
            ctx.report(
                "unreachable-step",
                join_pointer(step.pointer, "stepId"),
                f"step '{step.step_id}' can never run: no step goes to it, and the step "
                "before it always ends or goes elsewhere",
                hint="add a goto to it, give the previous step's unconditional action "
                "criteria, or remove the step",
            )
