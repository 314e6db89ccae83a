"""Arazzo 1.1 step rules: ``dependsOn`` targets and cycles, forward references to
outputs, ``timeout`` values, and the ``in`` rule for action ``parameters``.

A 1.0 document is left alone: these fields need ``arazzo: 1.1.0`` there, which the
schema already reports (``needs-arazzo-1.1``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import (
    Step,
    Workflow,
    dependency_cycle,
    join_pointer,
    local_dependencies,
    parse_step_target,
    uses_step_dependencies,
)
from ..expressions import RuntimeExpression
from .context import LintContext
from .references import unknown_workflow_hint
from .walk import walk_action_lists, walk_values


def check_steps_1_1(ctx: LintContext, workflow: Workflow) -> None:
    if not ctx.model.is_1_1:
        return
    for step in workflow.steps:
        _check_timeout(ctx, step)
        for index, entry in enumerate(step.depends_on):
            _check_dependency(
                ctx, workflow, step, entry, join_pointer(step.pointer, "dependsOn", index)
            )
    if uses_step_dependencies(workflow):
        _check_cycle(ctx, workflow)
    else:
        _check_forward_references(ctx, workflow)
    _check_action_parameters(ctx, workflow)


def _check_timeout(ctx: LintContext, step: Step) -> None:
    if step.timeout is not None and step.timeout < 1:
        ctx.report(
            "invalid-value",
            join_pointer(step.pointer, "timeout"),
            f"step '{step.step_id}' has timeout {step.timeout}: a step can never complete "
            "within it",
            hint="timeout is in milliseconds and at least 1 (timeout: 5000 is five seconds); "
            "leave it out for no timeout",
        )


def _check_dependency(
    ctx: LintContext, workflow: Workflow, step: Step, entry: str, pointer: str
) -> None:
    target = parse_step_target(entry)
    if target is None:
        return  # the schema's patterns report the form
    if target.source is not None:
        source = ctx.model.source(target.source)
        if source is None or source.type != "arazzo":
            names = ", ".join(s.name for s in ctx.model.source_descriptions if s.type == "arazzo")
            ctx.report(
                "unknown-source",
                pointer,
                f"step '{step.step_id}' depends on '{entry}', but '{target.source}' is not an "
                "Arazzo source description",
                hint=f"Arazzo source descriptions: {names}" if names else
                "a step of another Arazzo document needs a source description of type arazzo",
            )  # fmt: skip
        return  # the other document's steps are checked when a run prepares it
    owner = workflow
    if target.workflow_id is not None:
        found = ctx.model.workflow(target.workflow_id)
        if found is None:
            ctx.report(
                "unknown-workflow",
                pointer,
                f"step '{step.step_id}' depends on '{entry}': there is no workflow "
                f"'{target.workflow_id}'",
                hint=unknown_workflow_hint(ctx),
            )
            return
        owner = found
    if owner.step(target.step_id) is None:
        ctx.report(
            "unknown-step",
            pointer,
            f"step '{step.step_id}' depends on '{entry}': workflow '{owner.workflow_id}' has "
            f"no step '{target.step_id}'",
            hint=f"steps of workflow '{owner.workflow_id}': "
            f"{', '.join(s.step_id for s in owner.steps)}",
        )


def _check_cycle(ctx: LintContext, workflow: Workflow) -> None:
    dependencies = local_dependencies(workflow)
    for step in workflow.steps:
        if step.step_id in [t.step_id for e in step.depends_on
                            if (t := parse_step_target(e)) and t.is_local]:  # fmt: skip
            ctx.report(
                "step-dependency-cycle",
                join_pointer(step.pointer, "dependsOn"),
                f"step '{step.step_id}' depends on itself",
                hint="remove it from its own dependsOn",
            )
            return
    cycle = dependency_cycle(dependencies)
    if cycle is None:
        return
    first = workflow.step(cycle[0])
    assert first is not None
    ctx.report(
        "step-dependency-cycle",
        join_pointer(first.pointer, "stepId"),
        "steps wait for each other in a cycle (through dependsOn or the outputs they read): "
        + " -> ".join([*cycle, cycle[0]]),
        hint="a step cannot run before itself; remove a dependsOn entry or an output "
        "reference on the cycle",
    )


def _check_forward_references(ctx: LintContext, workflow: Workflow) -> None:
    """Without step ``dependsOn`` the steps run in array order, so reading the outputs of a
    later step cannot work on the first pass: the spec says SHOULD report it; we do."""
    positions = {s.step_id: i for i, s in reversed(list(enumerate(workflow.steps)))}
    for index, step in enumerate(workflow.steps):
        for pointer, expression in _step_references(ctx, workflow, step):
            later = expression.names[0]
            if positions.get(later, -1) <= index:
                continue
            raw = ctx.raw(pointer)
            ctx.report(
                "forward-step-reference",
                pointer,
                f"step '{step.step_id}' reads {expression.text}, but step '{later}' comes "
                "after it and the steps of a workflow without dependsOn run in order",
                hint=f"move step '{later}' before '{step.step_id}', or add "
                f"dependsOn: [{later}] to step '{step.step_id}' (then the steps run in the "
                "order their dependencies need)",
                text=expression.text if isinstance(raw, str) and expression.text in raw else None,
            )


def _step_references(
    ctx: LintContext, workflow: Workflow, step: Step
) -> Iterator[tuple[str, RuntimeExpression]]:
    """(pointer, expression) of every ``$steps`` expression written in ``step``."""
    inside = step.pointer + "/"
    for site in walk_values(workflow):
        if site.pointer.startswith(inside):
            for expression in site.value.expressions():
                if expression.root == "steps":
                    yield _string_holding(ctx, site.pointer, expression.text), expression
    criteria = [*step.success_criteria]
    for action in [*step.on_success, *step.on_failure]:
        if action.reference is None:
            criteria += action.criteria
    for criterion in criteria:
        for expression in criterion.compiled.expressions():
            if expression.root == "steps":
                field = "context" if criterion.context and expression.text in criterion.context \
                    else "condition"  # fmt: skip
                yield join_pointer(criterion.pointer, field), expression


def _string_holding(ctx: LintContext, pointer: str, text: str) -> str:
    """The pointer of the string under ``pointer`` that contains ``text`` (for the column)."""
    stack = [(pointer, ctx.raw(pointer))]
    while stack:
        at, value = stack.pop(0)
        if isinstance(value, str) and text in value:
            return at
        if isinstance(value, dict):
            stack += [(join_pointer(at, str(k)), v) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(join_pointer(at, i), v) for i, v in enumerate(value)]
    return pointer


def _check_action_parameters(ctx: LintContext, workflow: Workflow) -> None:
    """The parameters of an action are a workflow's inputs: ``in`` MUST NOT be used."""
    for actions in walk_action_lists(workflow):
        for action in actions.actions:
            for parameter in action.parameters:
                if parameter.location is None:
                    continue
                component = parameter.reference is not None
                ctx.report(
                    "action-parameter-in",
                    parameter.pointer if component else join_pointer(parameter.pointer, "in"),
                    f"parameter '{parameter.name}' of action '{action.name}' has in: "
                    f"{parameter.location}, but an action's parameters are the inputs of "
                    "the workflow it goes to and take no 'in'"
                    + (f" (it comes from {parameter.reference})" if component else ""),
                    hint="remove 'in'" + (" (use a component without it)" if component else ""),
                )
