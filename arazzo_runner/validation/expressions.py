"""Runtime expressions: what they name exists, and how they are embedded in text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from ..document import Workflow, join_pointer, resolve_pointer
from ..errors import ExpressionError
from ..expressions import RuntimeExpression, scan_expression
from ..expressions.whole import read_whole_value
from .calls import check_source_field
from .context import LintContext
from .references import unknown_workflow_hint
from .walk import ValueSite, walk_criteria, walk_values
from .walk import dotted_match as _dotted_match


def check_expressions(ctx: LintContext, workflow: Workflow) -> None:
    for site in walk_values(workflow):
        for pointer, text, expressions in _strings(ctx, site):
            for expression in expressions:
                check_reference(ctx, workflow, expression, pointer, text)
            if isinstance(text, str):
                check_bare(ctx, text, pointer)
    for criterion in walk_criteria(workflow):
        context = criterion.context
        for expression in criterion.compiled.expressions():
            field = "context" if context is not None and expression.text in context else "condition"
            text = context if field == "context" else criterion.condition
            check_reference(ctx, workflow, expression, join_pointer(criterion.pointer, field), text)


def _strings(
    ctx: LintContext, site: ValueSite
) -> Iterator[tuple[str, Any, list[RuntimeExpression]]]:
    """(pointer, text, expressions) for each string written in a value, in document order.

    The compiled value lists its expressions in document order; each belongs to
    the first string, from where the previous one was found, that contains it.
    An output is one value: its problems are reported at the output.
    """
    written = ctx.raw(site.pointer)
    expressions = site.value.expressions()
    if not site.nested or isinstance(written, str):
        yield site.pointer, written, expressions
        return
    leaves = list(_leaves(written, site.pointer))
    found: list[list[RuntimeExpression]] = [[] for _ in leaves]
    cursor = 0
    for expression in expressions:
        index = next(
            (i for i in range(cursor, len(leaves)) if expression.text in leaves[i][1]), None
        )
        if index is not None:
            cursor = index
            found[index].append(expression)
    for (pointer, text), inside in zip(leaves, found, strict=True):
        yield pointer, text, inside


def _leaves(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, join_pointer(pointer, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, join_pointer(pointer, index))
    elif isinstance(value, str):
        yield pointer, value


# --------------------------------------------------------------------------- references


def declared_inputs(ctx: LintContext, workflow: Workflow) -> set[str] | None:
    """The input names a workflow's inputs schema declares; None when it cannot be told."""
    if workflow.inputs is None:
        return set()
    names: set[str] = set()
    return names if _collect_properties(ctx, workflow.input_schema, names, depth=0) else None


def _collect_properties(ctx: LintContext, schema: Any, names: set[str], depth: int) -> bool:
    """Add the property names ``schema`` declares; False if it allows names it does not list."""
    if depth > 16 or not isinstance(schema, dict):
        return schema is not True
    if isinstance(schema.get("$ref"), str) and not _collect_referenced(ctx, schema, names, depth):
        return False
    if schema.get("patternProperties") or schema.get("additionalProperties") not in (None, False):
        return False
    properties = schema.get("properties")
    if isinstance(properties, dict):
        names.update(str(name) for name in properties)
    branches = [
        *(schema.get("allOf") or []),
        *(schema.get("anyOf") or []),
        *(schema.get("oneOf") or []),
        *(schema[keyword] for keyword in ("then", "else") if keyword in schema),
    ]
    return all(_collect_properties(ctx, branch, names, depth + 1) for branch in branches)


def _collect_referenced(
    ctx: LintContext, schema: dict[str, Any], names: set[str], depth: int
) -> bool:
    ref = schema["$ref"]
    if not ref.startswith("#"):
        return False
    try:
        target = resolve_pointer(ctx.document.data, unquote(ref[1:]))
    except LookupError:
        return False  # reported by the model as unresolved-input-reference
    return _collect_properties(ctx, target, names, depth + 1)


def check_reference(
    ctx: LintContext, workflow: Workflow, expression: RuntimeExpression, pointer: str, text: Any
) -> None:
    """Report an expression that names an input, step, output or component that is not there."""
    at = expression.text if isinstance(text, str) and expression.text in text else None
    root, names = expression.root, expression.names
    if root == "inputs":
        _check_input(ctx, workflow, names[0], expression, pointer, at)
    elif root == "steps":
        _check_step_output(ctx, workflow, names, expression, pointer, at)
    elif root == "workflows":
        _check_workflow_member(ctx, names, expression, pointer, at)
    elif root == "sourceDescriptions" and ctx.model.source(names[0]) is not None:
        check_source_field(ctx, workflow, expression, pointer, at)
    elif root == "sourceDescriptions":
        known = ", ".join(s.name for s in ctx.model.source_descriptions) or "none"
        ctx.report(
            "unknown-source",
            pointer,
            f"{expression.text} names source description '{names[0]}', which is not defined",
            hint=f"source descriptions: {known}",
            text=at,
        )
    elif root == "components":
        section = ctx.model.components.get(names[0])
        if not isinstance(section, dict) or names[1] not in section:
            ctx.report(
                "unresolved-component",
                pointer,
                f"{expression.text}: components.{names[0]} has no entry '{names[1]}'",
                hint=f"define it under components.{names[0]}",
                text=at,
            )


def _check_input(
    ctx: LintContext,
    workflow: Workflow,
    name: str,
    expression: RuntimeExpression,
    pointer: str,
    at: str | None,
) -> None:
    if workflow.inputs is None:
        ctx.report(
            "missing-inputs-schema",
            pointer,
            f"{expression.text}: workflow '{workflow.workflow_id}' has no inputs schema, so "
            f"input '{name}' is not declared",
            hint="describe the inputs: inputs: {type: object, properties: {"
            f"{name.split('.')[0]}: {{type: string}}}}}}",
            text=at,
        )
        return
    declared = declared_inputs(ctx, workflow)
    if declared is None or _dotted_match(name, declared):
        return
    listed = ", ".join(sorted(declared))
    ctx.report(
        "unknown-input",
        pointer,
        f"{expression.text}: workflow '{workflow.workflow_id}' declares no input '{name}'",
        hint=f"declared inputs: {listed}"
        if listed
        else "declare it under the workflow's inputs.properties",
        text=at,
    )


def _check_step_output(
    ctx: LintContext,
    workflow: Workflow,
    names: tuple[str, ...],
    expression: RuntimeExpression,
    pointer: str,
    at: str | None,
) -> None:
    step_id, _, output = names
    step = workflow.step(step_id)
    if step is None:
        ctx.report(
            "unknown-step",
            pointer,
            f"{expression.text}: workflow '{workflow.workflow_id}' has no step '{step_id}'",
            hint=f"steps of this workflow: {', '.join(s.step_id for s in workflow.steps)}",
            text=at,
        )
        return
    if not _dotted_match(output, step.output_names):
        ctx.report(
            "unknown-step-output",
            pointer,
            f"{expression.text}: step '{step_id}' has no output '{output}'",
            hint=f"outputs of step '{step_id}': {', '.join(step.output_names) or 'none'}; "
            f"add '{output}' to its outputs",
            text=at,
        )


def _check_workflow_member(
    ctx: LintContext,
    names: tuple[str, ...],
    expression: RuntimeExpression,
    pointer: str,
    at: str | None,
) -> None:
    workflow_id, kind, name = names
    target = ctx.model.workflow(workflow_id)
    if target is None:
        ctx.report(
            "unknown-workflow",
            pointer,
            f"{expression.text}: there is no workflow '{workflow_id}'",
            hint=unknown_workflow_hint(ctx),
            text=at,
        )
        return
    if kind == "outputs":
        if not _dotted_match(name, target.output_names):
            ctx.report(
                "unknown-workflow-output",
                pointer,
                f"{expression.text}: workflow '{workflow_id}' has no output '{name}'",
                hint=f"outputs of workflow '{workflow_id}': "
                f"{', '.join(target.output_names) or 'none'}",
                text=at,
            )
        return
    declared = declared_inputs(ctx, target)
    if declared is not None and not _dotted_match(name, declared):
        ctx.report(
            "unknown-input",
            pointer,
            f"{expression.text}: workflow '{workflow_id}' declares no input '{name}'",
            hint=f"declared inputs: {', '.join(sorted(declared)) or 'none'}",
            text=at,
        )


# --------------------------------------------------------------------------- bare expressions


def check_bare(ctx: LintContext, text: str, pointer: str) -> None:
    """Warn about ``$inputs.x`` written inside other text without braces.

    A value that is exactly one expression is fine bare; inside text, the spec
    embeds expressions only as ``{$...}``. The runner reads bare ones too, but
    other tools will send them literally.
    """
    for start, end in _bare_spans(text):
        if start == 0 and (end == len(text) or read_whole_value(text) is not None):
            continue  # one expression, or one whose rest continues it (whole_values.py)
        written = text[start:end]
        fixed = text[:start] + "{" + written + "}" + text[end:]
        ctx.report(
            "bare-expression",
            pointer,
            f"the expression {written} is embedded in text without braces",
            hint=f"write it as: {fixed}" if len(fixed) <= 120 else f"write it as {{{written}}}",
            text=written,
        )


def _bare_spans(text: str) -> Iterator[tuple[int, int]]:
    position = text.find("$")
    while position >= 0:
        braced = position > 0 and text[position - 1] == "{"
        word = position > 0 and (text[position - 1].isalnum() or text[position - 1] == "_")
        end = position + 1
        if not braced and not word:
            try:
                found = scan_expression(text, position)
            except ExpressionError:
                found = None
            if found is not None:
                end = found[1]
                yield position, end
        position = text.find("$", end)
