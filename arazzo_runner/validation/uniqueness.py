"""Names that must be unique: workflowIds, stepIds, source names, parameters, action names."""

from __future__ import annotations

from ..document import Parameter, Workflow, join_pointer
from .context import LintContext
from .walk import owners, walk_action_lists


def check_uniqueness(ctx: LintContext) -> None:
    model = ctx.model
    sources = [(s.name, s.pointer) for s in model.source_descriptions]
    _check_unique(ctx, sources, "name", "source descriptions", "duplicate-source-name")
    for workflow in model.workflows:
        steps = [(s.step_id, s.pointer) for s in workflow.steps]
        _check_unique(ctx, steps, "stepId", "steps", "duplicate-step-id")
        for owner in owners(workflow):
            _check_parameters(ctx, owner.parameters)
        _check_action_names(ctx, workflow)
    workflows = [(w.workflow_id, w.pointer) for w in model.workflows]
    _check_unique(ctx, workflows, "workflowId", "workflows", "duplicate-workflow-id")


def _check_unique(
    ctx: LintContext, items: list[tuple[str, str]], field_name: str, what: str, rule: str
) -> None:
    seen: dict[str, str] = {}
    for value, pointer in items:
        if value not in seen:
            seen[value] = pointer
            continue
        first = ctx.document.location(seen[value])
        ctx.report(
            rule,
            join_pointer(pointer, field_name),
            f"duplicate {field_name} '{value}' among {what} (first defined at line {first.line})",
        )


def _check_parameters(ctx: LintContext, parameters: list[Parameter]) -> None:
    """A parameter is identified by its name and ``in`` (a workflow call's by its name)."""
    seen: set[tuple[str, str | None]] = set()
    for parameter in parameters:
        identity = (parameter.name, parameter.location)
        if identity in seen:
            where = f" in {parameter.location}" if parameter.location else ""
            ctx.report(
                "duplicate-parameter",
                parameter.pointer,
                f"duplicate parameter '{parameter.name}'{where}",
                hint="a parameter is identified by its name and 'in'; list each once",
            )
        seen.add(identity)


def _check_action_names(ctx: LintContext, workflow: Workflow) -> None:
    for actions in walk_action_lists(workflow):
        seen: set[str] = set()
        for action in actions.actions:
            if action.name in seen:
                ctx.report(
                    "duplicate-action-name",
                    action.used_at,
                    f"'{actions.name}' has two actions named '{action.name}'",
                    hint="the list must not include duplicate actions; rename or remove one",
                )
            seen.add(action.name)
