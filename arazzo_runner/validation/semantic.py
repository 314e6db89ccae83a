"""Checks that need the whole document, read from its model: references, expressions, flow."""

from __future__ import annotations

import re

from ..document import join_pointer
from .calls import check_local_calls
from .components import check_component_uses
from .context import LintContext
from .control_flow import check_reachability
from .expressions import check_expressions
from .payloads import check_explicit_body
from .references import check_action_targets, check_dependencies, check_step_workflows
from .steps import check_steps_1_1
from .whole_values import check_whole_values

NAME_CONVENTION = re.compile(r"^[A-Za-z0-9_\-]+$")


def check_semantics(ctx: LintContext) -> None:
    check_naming(ctx)
    check_dependencies(ctx)
    for workflow in ctx.model.workflows:
        check_action_targets(ctx, workflow)
        check_expressions(ctx, workflow)
        check_component_uses(ctx, workflow)
        check_local_calls(ctx, workflow)
        check_explicit_body(ctx, workflow)
        check_step_workflows(ctx, workflow)
        check_reachability(ctx, workflow)
        check_whole_values(ctx, workflow)
        check_steps_1_1(ctx, workflow)


def check_naming(ctx: LintContext) -> None:
    """Ids and names SHOULD match [A-Za-z0-9_\\-]+ (the spec's recommendation)."""
    named = [(s.name, join_pointer(s.pointer, "name"), "source description name")
             for s in ctx.model.source_descriptions]  # fmt: skip
    for workflow in ctx.model.workflows:
        named.append((workflow.workflow_id, join_pointer(workflow.pointer, "workflowId"),
                      "workflowId"))  # fmt: skip
        named += [(s.step_id, join_pointer(s.pointer, "stepId"), "stepId") for s in workflow.steps]
    for value, pointer, what in named:
        if not NAME_CONVENTION.match(value):
            ctx.report(
                "naming-convention",
                pointer,
                f"{what} '{value}' should use only letters, digits, '_' and '-'",
                hint="tools use it as an identifier; the specification recommends [A-Za-z0-9_-]+",
            )
