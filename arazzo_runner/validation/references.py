"""References between workflows: dependsOn, workflow calls and action targets."""

from __future__ import annotations

from ..document import SOURCE_REFERENCE, Action, Workflow, join_pointer
from .context import LintContext
from .walk import walk_action_lists


def is_known_workflow(ctx: LintContext, reference: str) -> bool | None:
    """Whether ``reference`` (a workflowId or $sourceDescriptions.<name>.<id>) exists.

    None when it cannot be known here (a workflow of another Arazzo document).
    """
    match = SOURCE_REFERENCE.match(reference)
    if match is not None:
        source = ctx.model.source(match.group(1))
        # An OpenAPI description has no workflows; an Arazzo one is checked with sources.
        return False if source is not None and source.type == "openapi" else None
    if ctx.model.workflow(reference) is not None:
        return True
    # A plain id may name a workflow of an arazzo source (the runner accepts it).
    return None if any(s.type == "arazzo" for s in ctx.model.source_descriptions) else False


def missing_workflow(ctx: LintContext, reference: str) -> tuple[str, str]:
    """What to say about a workflow reference that names nothing, and the hint.

    ``$sourceDescriptions.<name>.<id>`` of an OpenAPI source is a mix-up of a
    workflow call with an operation: the message says so rather than "no workflow".
    """
    match = SOURCE_REFERENCE.match(reference)
    source = ctx.model.source(match.group(1)) if match is not None else None
    if match is not None and source is not None and source.type == "openapi":
        return (
            f"source description '{source.name}' is an OpenAPI description, which has no workflows",
            f"to call its operation, write operationId: {reference} (not workflowId); a "
            "workflow of another Arazzo document needs a source description of type arazzo",
        )
    return f"no workflow '{reference}' in this document", unknown_workflow_hint(ctx)


def unknown_workflow_hint(ctx: LintContext) -> str:
    ids = ", ".join(w.workflow_id for w in ctx.model.workflows)
    return f"workflows in this document: {ids}" if ids else "the document defines no workflow"


def source_prefix_unknown(ctx: LintContext, reference: str, pointer: str) -> bool:
    """Report a $sourceDescriptions.<name>. prefix naming no source; True if reported."""
    match = SOURCE_REFERENCE.match(reference)
    if match is None or ctx.model.source(match.group(1)) is not None:
        return False
    names = ", ".join(s.name for s in ctx.model.source_descriptions) or "none"
    ctx.report(
        "unknown-source",
        pointer,
        f"'{reference}' names source description '{match.group(1)}', which is not defined",
        hint=f"source descriptions: {names}",
    )
    return True


# --------------------------------------------------------------------------- dependsOn


def check_dependencies(ctx: LintContext) -> None:
    for workflow in ctx.model.workflows:
        for index, target in enumerate(workflow.depends_on):
            pointer = join_pointer(workflow.pointer, "dependsOn", index)
            if source_prefix_unknown(ctx, target, pointer):
                continue
            if is_known_workflow(ctx, target) is False:
                what, hint = missing_workflow(ctx, target)
                ctx.report(
                    "unknown-dependency",
                    pointer,
                    f"workflow '{workflow.workflow_id}' depends on '{target}': {what}",
                    hint,
                )
    _check_cycles(ctx)


def _check_cycles(ctx: LintContext) -> None:
    graph = {w.workflow_id: [d for d in w.depends_on if ctx.model.workflow(d)]
             for w in ctx.model.workflows}  # fmt: skip
    reported: set[frozenset[str]] = set()
    for start in graph:
        cycle = _cycle_from(graph, start)
        if cycle is None or frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        first = ctx.model.workflow(cycle[0])
        assert first is not None
        index = first.depends_on.index(cycle[1])
        ctx.report(
            "dependency-cycle",
            join_pointer(first.pointer, "dependsOn", index),
            f"workflows depend on each other in a cycle: {' -> '.join([*cycle, cycle[0]])}",
            hint="a workflow cannot run before itself; remove one of the dependsOn entries",
        )


def _cycle_from(graph: dict[str, list[str]], start: str) -> list[str] | None:
    """A cycle through ``start`` (as a path that returns to it), if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in graph.get(node, []):
            if target == start:
                return path
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


# --------------------------------------------------------------------------- calls and targets


def check_step_workflows(ctx: LintContext, workflow: Workflow) -> None:
    for step in workflow.steps:
        if step.workflow_id is None:
            continue
        pointer = join_pointer(step.pointer, "workflowId")
        if source_prefix_unknown(ctx, step.workflow_id, pointer):
            continue
        if is_known_workflow(ctx, step.workflow_id) is False:
            what, hint = missing_workflow(ctx, step.workflow_id)
            ctx.report(
                "unknown-workflow", pointer, f"step '{step.step_id}' calls a workflow: {what}", hint
            )


def check_action_targets(ctx: LintContext, workflow: Workflow) -> None:
    step_ids = [s.step_id for s in workflow.steps]
    for actions in walk_action_lists(workflow):
        for action in actions.actions:
            _check_action_target(ctx, workflow, action, step_ids)


def _check_action_target(
    ctx: LintContext, workflow: Workflow, action: Action, step_ids: list[str]
) -> None:
    # A component's target is reported where the workflow uses it: the names it
    # refers to are this workflow's.
    def at(name: str) -> str:
        return join_pointer(action.pointer, name) if action.reference is None else action.used_at

    if action.step_id is not None and action.workflow_id is not None:
        return  # the structure reports the two targets once; neither is the one meant
    if action.step_id is not None and action.step_id not in step_ids:
        ctx.report(
            "unknown-step",
            at("stepId"),
            f"{action.type} action '{action.name}' names {_named('stepId', action.step_id)}, "
            f"which is not a step of workflow '{workflow.workflow_id}'",
            hint=_target_hint(action, f"steps of this workflow: {', '.join(step_ids)}"),
        )
    target = action.workflow_id
    if target is None or source_prefix_unknown(ctx, target, at("workflowId")):
        return
    if is_known_workflow(ctx, target) is False:
        what, hint = missing_workflow(ctx, target)
        ctx.report(
            "unknown-workflow",
            at("workflowId"),
            f"{action.type} action '{action.name}': {what}"
            if target
            else f"{action.type} action '{action.name}' names an empty workflowId",
            hint=_target_hint(action, hint),
        )


def _named(field: str, value: str) -> str:
    return f"{field} '{value}'" if value else f"an empty {field}"


def _target_hint(action: Action, known: str) -> str:
    # An end action goes nowhere: the field is a mistake, not a misspelled target.
    if action.type == "end":
        return "an end action ends the workflow and takes no stepId or workflowId; remove it"
    return known
