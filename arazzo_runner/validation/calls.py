"""What a step that calls a workflow reads back, and what can never be read.

A step that calls a workflow reads the called workflow's outputs as
``$outputs.<name>`` (in its outputs, criteria and actions); each name is checked
against the outputs that workflow declares, whether it is in this document or
in an Arazzo source description that could be read.

``$sourceDescriptions.<name>.<field>`` reads a field of the Source Description
Object. Another document's workflow outputs have no expression of their own
(``$sourceDescriptions.<name>.<workflowId>.outputs.<x>`` never resolves): they
are reached through the step that calls that workflow.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..document import Step, Workflow, join_pointer
from ..expressions import RuntimeExpression
from .context import LintContext
from .walk import dotted_match

# What ``$sourceDescriptions.<name>`` evaluates to (SourceDescription.as_expression_value).
SOURCE_FIELDS = ("name", "url", "type")


def check_local_calls(ctx: LintContext, workflow: Workflow) -> None:
    """``$outputs.<name>`` in steps calling a workflow of this document."""
    for step in workflow.steps:
        called = ctx.model.workflow(step.workflow_id) if step.workflow_id else None
        if called is not None:
            check_call_outputs(ctx, step, called.output_names)


def check_call_outputs(ctx: LintContext, step: Step, declared: tuple[str, ...]) -> None:
    """Report each ``$outputs.<name>`` of ``step`` that the called workflow does not declare."""
    for pointer, text, expression in _outputs_read(ctx, step):
        name = expression.names[0]
        if dotted_match(name, declared):
            continue
        ctx.report(
            "unknown-workflow-output",
            pointer,
            f"{expression.text}: workflow '{step.workflow_id}', which step '{step.step_id}' "
            f"calls, has no output '{name}'",
            hint=f"outputs of '{step.workflow_id}': {', '.join(declared) or 'none'}; "
            f"declare '{name}' under that workflow's outputs",
            text=expression.text if isinstance(text, str) and expression.text in text else None,
        )


def _outputs_read(ctx: LintContext, step: Step) -> Iterator[tuple[str, object, RuntimeExpression]]:
    """(pointer, written text, expression) for each ``$outputs`` the step writes in place."""
    for name, value in step.outputs.items():
        pointer = join_pointer(step.pointer, "outputs", name)
        for expression in value.expressions():
            if expression.root == "outputs":
                yield pointer, ctx.raw(pointer), expression
    in_place = [a for a in [*step.on_success, *step.on_failure] if a.reference is None]
    for criterion in [*step.success_criteria, *(c for a in in_place for c in a.criteria)]:
        for expression in criterion.compiled.expressions():
            if expression.root != "outputs":
                continue
            in_context = criterion.context is not None and expression.text in criterion.context
            field = "context" if in_context else "condition"
            text = criterion.context if in_context else criterion.condition
            yield join_pointer(criterion.pointer, field), text, expression


def check_source_field(
    ctx: LintContext,
    workflow: Workflow,
    expression: RuntimeExpression,
    pointer: str,
    at: str | None,
) -> None:
    """Report ``$sourceDescriptions.<name>.<field>`` whose field the object does not have."""
    source, field = expression.names
    if field in SOURCE_FIELDS:
        return
    ctx.report(
        "unknown-source-field",
        pointer,
        f"{expression.text} never resolves: a source description has the fields "
        f"{', '.join(SOURCE_FIELDS)}, not '{field}'",
        hint=_source_field_hint(ctx, workflow, source, field),
        text=at,
    )


def _source_field_hint(ctx: LintContext, workflow: Workflow, source: str, field: str) -> str:
    workflow_id, kind, name = [*field.split(".", 2), "", ""][:3]
    described = ctx.model.source(source)
    if kind == "outputs" and described is not None and described.type == "openapi":
        return f"'{source}' is an OpenAPI description, which has no workflows"
    if kind != "outputs" or not name:
        return f"use one of {', '.join(f'$sourceDescriptions.{source}.{f}' for f in SOURCE_FIELDS)}"
    reference = f"$sourceDescriptions.{source}.{workflow_id}"
    caller = next((s for s in workflow.steps if s.workflow_id == reference), None)
    output = name.split(".")[0]
    if caller is not None:
        outputs = ctx.raw(join_pointer(caller.pointer, "outputs"))
        mapped = [str(k) for k, v in (outputs or {}).items() if v == f"$outputs.{output}"]
        if mapped:
            reads = f"$steps.{caller.step_id}.outputs.{mapped[0]}"
            return f"read it from the step that calls that workflow: {reads}"
        return (
            f"read it from the step that calls that workflow: $steps.{caller.step_id}.outputs."
            f"{output}, with '{output}: $outputs.{output}' among that step's outputs"
        )
    return (
        f"call the workflow in a step (workflowId: {reference}) whose outputs have "
        f"'{output}: $outputs.{output}', then read $steps.<that stepId>.outputs.{output}"
    )
