"""Checks that need the whole document: references, expressions, control flow, names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from ..criteria import compile_criterion
from ..document import Workflow, join_pointer, resolve_pointer
from ..errors import ExpressionError
from ..expressions import RuntimeExpression, compile_value, scan_expression
from .context import LintContext

NAME_CONVENTION = re.compile(r"^[A-Za-z0-9_\-]+$")
SOURCE_QUALIFIED = re.compile(r"^\$sourceDescriptions\.([A-Za-z0-9_-]+)\.(.+)$")
_ACTION_LISTS = (
    ("successActions", "successActions"),
    ("failureActions", "failureActions"),
    ("onSuccess", "successActions"),
    ("onFailure", "failureActions"),
)


def check_semantics(ctx: LintContext) -> None:
    check_naming(ctx)
    check_dependencies(ctx)
    for workflow in ctx.model.workflows:
        check_actions(ctx, workflow)
        check_expressions(ctx, workflow)
        check_step_workflows(ctx, workflow)
        check_reachability(ctx, workflow)


# --------------------------------------------------------------------------- names


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


# --------------------------------------------------------------------------- workflows


def is_known_workflow(ctx: LintContext, reference: str) -> bool | None:
    """Whether ``reference`` (a workflowId or $sourceDescriptions.<name>.<id>) exists.

    None when it cannot be known here (a workflow of another Arazzo document).
    """
    match = SOURCE_QUALIFIED.match(reference)
    if match is not None:
        source = ctx.model.source(match.group(1))
        # An OpenAPI description has no workflows; an Arazzo one is checked with sources.
        return False if source is not None and source.type == "openapi" else None
    if ctx.model.workflow(reference) is not None:
        return True
    # A plain id may name a workflow of an arazzo source (the runner accepts it).
    return None if any(s.type == "arazzo" for s in ctx.model.source_descriptions) else False


def _unknown_workflow_hint(ctx: LintContext) -> str:
    ids = ", ".join(w.workflow_id for w in ctx.model.workflows)
    return f"workflows in this document: {ids}" if ids else "the document defines no workflow"


def check_dependencies(ctx: LintContext) -> None:
    for workflow in ctx.model.workflows:
        for index, target in enumerate(workflow.depends_on):
            pointer = join_pointer(workflow.pointer, "dependsOn", index)
            if _source_prefix_unknown(ctx, target, pointer):
                continue
            if is_known_workflow(ctx, target) is False:
                ctx.report(
                    "unknown-dependency",
                    pointer,
                    f"workflow '{workflow.workflow_id}' depends on '{target}': no workflow "
                    f"'{target}' in this document",
                    hint=_unknown_workflow_hint(ctx),
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


def _source_prefix_unknown(ctx: LintContext, reference: str, pointer: str) -> bool:
    """Report a $sourceDescriptions.<name>. prefix naming no source; True if reported."""
    match = SOURCE_QUALIFIED.match(reference)
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


def check_step_workflows(ctx: LintContext, workflow: Workflow) -> None:
    for step in workflow.steps:
        if step.workflow_id is None:
            continue
        pointer = join_pointer(step.pointer, "workflowId")
        if _source_prefix_unknown(ctx, step.workflow_id, pointer):
            continue
        if is_known_workflow(ctx, step.workflow_id) is False:
            ctx.report(
                "unknown-workflow",
                pointer,
                f"step '{step.step_id}' calls a workflow: no workflow '{step.workflow_id}' in "
                "this document",
                hint=_unknown_workflow_hint(ctx),
            )


# --------------------------------------------------------------------------- actions


def _resolved_actions(
    ctx: LintContext, owner: dict[str, Any], owner_pointer: str, name: str, kind: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer of the list item, the action object) for each action in a list.

    A Reusable Object is replaced by the component it names, but keeps the
    pointer of the reference, which is where a problem with using it belongs.
    """
    items = owner.get(name)
    for index, item in enumerate(items if isinstance(items, list) else []):
        pointer = join_pointer(owner_pointer, name, index)
        if isinstance(item, dict) and isinstance(item.get("reference"), str):
            component_name = item["reference"].rpartition(".")[2]
            section = ctx.model.components.get(kind)
            target = section.get(component_name) if isinstance(section, dict) else None
            if isinstance(target, dict):
                yield pointer, target
        elif isinstance(item, dict):
            yield pointer, item


def check_actions(ctx: LintContext, workflow: Workflow) -> None:
    raw = ctx.workflow_raw(workflow)
    owners: list[tuple[dict[str, Any], str]] = [(raw, workflow.pointer)]
    for step in workflow.steps:
        step_raw = ctx.raw(step.pointer)
        if isinstance(step_raw, dict):
            owners.append((step_raw, step.pointer))
    step_ids = [s.step_id for s in workflow.steps]
    for owner, owner_pointer in owners:
        for name, kind in _ACTION_LISTS:
            seen: set[str] = set()
            for pointer, action in _resolved_actions(ctx, owner, owner_pointer, name, kind):
                _check_action_name(ctx, action, pointer, name, seen)
                _check_action_target(ctx, workflow, action, pointer, step_ids)


def _check_action_name(
    ctx: LintContext, action: dict[str, Any], pointer: str, list_name: str, seen: set[str]
) -> None:
    action_name = action.get("name")
    if not isinstance(action_name, str):
        return
    if action_name in seen:
        ctx.report(
            "duplicate-action-name",
            pointer,
            f"'{list_name}' has two actions named '{action_name}'",
            hint="the list must not include duplicate actions; rename or remove one",
        )
    seen.add(action_name)


def _check_action_target(
    ctx: LintContext, workflow: Workflow, action: dict[str, Any], pointer: str, step_ids: list[str]
) -> None:
    in_place = ctx.raw(pointer) is action
    step_id = action.get("stepId")
    if isinstance(step_id, str) and step_id not in step_ids:
        ctx.report(
            "unknown-step",
            join_pointer(pointer, "stepId") if in_place else pointer,
            f"{action.get('type')} action '{action.get('name')}' names stepId '{step_id}', "
            f"which is not a step of workflow '{workflow.workflow_id}'",
            hint=f"steps of this workflow: {', '.join(step_ids)}",
        )
    target = action.get("workflowId")
    if isinstance(target, str):
        where = join_pointer(pointer, "workflowId") if in_place else pointer
        if _source_prefix_unknown(ctx, target, where):
            return
        if is_known_workflow(ctx, target) is False:
            ctx.report(
                "unknown-workflow",
                where,
                f"{action.get('type')} action '{action.get('name')}': no workflow '{target}' "
                "in this document",
                hint=_unknown_workflow_hint(ctx),
            )


# --------------------------------------------------------------------------- reachability


def _always_leaves(actions: list[dict[str, Any]]) -> bool:
    """Whether these success actions always transfer control away from the next step.

    The first action whose criteria all hold is executed; an action without
    criteria always holds. So when one has no criteria, some action always
    runs, and every action is an end or a goto: the next step is never reached
    by falling through (a goto to it is followed as an edge instead).
    """
    return any(not a.get("criteria") and a.get("type") in ("end", "goto") for a in actions)


def check_reachability(ctx: LintContext, workflow: Workflow) -> None:
    """Warn about steps that no execution of the workflow can reach.

    Step 0 is reached. A reached step reaches the next one unless its success
    actions (its own plus the workflow's) always leave, and it reaches every
    step named by its success and failure actions' stepId (including retry's),
    whatever their criteria. Workflow-level actions apply to every step.
    """
    if not workflow.steps:
        return
    raw = ctx.workflow_raw(workflow)
    steps = [s.step_id for s in workflow.steps]
    shared_success = _actions_of(ctx, raw, workflow.pointer, "successActions", "successActions")
    shared = shared_success + _actions_of(
        ctx, raw, workflow.pointer, "failureActions", "failureActions"
    )
    reached = {0}
    pending = [0]
    while pending:
        index = pending.pop()
        step_raw = ctx.raw(workflow.steps[index].pointer)
        step_raw = step_raw if isinstance(step_raw, dict) else {}
        pointer = workflow.steps[index].pointer
        success = _actions_of(ctx, step_raw, pointer, "onSuccess", "successActions")
        failure = _actions_of(ctx, step_raw, pointer, "onFailure", "failureActions")
        successors = {steps.index(a["stepId"]) for a in [*success, *failure, *shared]
                      if isinstance(a.get("stepId"), str) and a["stepId"] in steps}  # fmt: skip
        if index + 1 < len(steps) and not _always_leaves([*success, *shared_success]):
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


def _actions_of(
    ctx: LintContext, owner: dict[str, Any], pointer: str, name: str, kind: str
) -> list[dict[str, Any]]:
    return [action for _, action in _resolved_actions(ctx, owner, pointer, name, kind)]


# --------------------------------------------------------------------------- expressions

# Where values may embed expressions, relative to a step or workflow.
_VALUE_FIELDS = ("parameters", "requestBody", "outputs")


def check_expressions(ctx: LintContext, workflow: Workflow) -> None:
    raw = ctx.workflow_raw(workflow)
    for pointer, value in _values(ctx, raw, workflow.pointer):
        for expression in _value_expressions(value):
            check_reference(ctx, workflow, expression, pointer, value)
        if isinstance(value, str):
            check_bare(ctx, value, pointer)
    for pointer, criterion in _criteria(ctx, raw, workflow.pointer):
        for expression, field_name in _criterion_expressions(criterion):
            text = criterion.get(field_name)
            check_reference(ctx, workflow, expression, join_pointer(pointer, field_name), text)


def _values(ctx: LintContext, raw: dict[str, Any], pointer: str) -> Iterator[tuple[str, Any]]:
    """Every string (or scalar) value that can hold expressions, with its pointer."""
    owners = [(raw, pointer)]
    steps = raw.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if isinstance(step, dict):
            owners.append((step, join_pointer(pointer, "steps", index)))
    for owner, owner_pointer in owners:
        parameters = owner.get("parameters")
        for index, item in enumerate(parameters if isinstance(parameters, list) else []):
            if isinstance(item, dict) and "value" in item:
                item_pointer = join_pointer(owner_pointer, "parameters", index, "value")
                yield from _leaves(item["value"], item_pointer)
        outputs = owner.get("outputs")
        for name, value in (outputs if isinstance(outputs, dict) else {}).items():
            yield join_pointer(owner_pointer, "outputs", str(name)), value
        body = owner.get("requestBody")
        if isinstance(body, dict):
            body_pointer = join_pointer(owner_pointer, "requestBody")
            if "payload" in body:
                yield from _leaves(body["payload"], join_pointer(body_pointer, "payload"))
            replacements = body.get("replacements")
            for index, item in enumerate(replacements if isinstance(replacements, list) else []):
                if isinstance(item, dict) and "value" in item:
                    item_pointer = join_pointer(body_pointer, "replacements", index, "value")
                    yield from _leaves(item["value"], item_pointer)


def _leaves(value: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, join_pointer(pointer, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, join_pointer(pointer, index))
    elif isinstance(value, str):
        yield pointer, value


def _value_expressions(value: Any) -> list[RuntimeExpression]:
    try:
        return compile_value(value).expressions()
    except ExpressionError:
        return []  # reported by the model as invalid-expression


def _criteria(
    ctx: LintContext, raw: dict[str, Any], pointer: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every criterion of the workflow's steps and actions (not of components)."""
    owners = [(raw, pointer)]
    steps = raw.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if isinstance(step, dict):
            owners.append((step, join_pointer(pointer, "steps", index)))
    for owner, owner_pointer in owners:
        yield from _criterion_list(owner, owner_pointer, "successCriteria")
        for name, _ in _ACTION_LISTS:
            actions = owner.get(name)
            for index, action in enumerate(actions if isinstance(actions, list) else []):
                if isinstance(action, dict):
                    action_pointer = join_pointer(owner_pointer, name, index)
                    yield from _criterion_list(action, action_pointer, "criteria")


def _criterion_list(
    owner: dict[str, Any], pointer: str, name: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    items = owner.get(name)
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield join_pointer(pointer, name, index), item


def _criterion_expressions(criterion: dict[str, Any]) -> list[tuple[RuntimeExpression, str]]:
    condition = criterion.get("condition")
    if not isinstance(condition, str):
        return []
    try:
        compiled = compile_criterion(condition, criterion.get("type"), criterion.get("context"))
    except (ExpressionError, TypeError):
        return []  # reported by the model, or a type run cannot compile
    context = criterion.get("context")
    found = []
    for expression in compiled.expressions():
        in_context = isinstance(context, str) and expression.text in context
        found.append((expression, "context" if in_context else "condition"))
    return found


def declared_inputs(ctx: LintContext, workflow: Workflow) -> set[str] | None:
    """The input names a workflow's inputs schema declares; None when it cannot be told."""
    schema = workflow.input_schema
    if workflow.inputs is None:
        return set()
    names: set[str] = set()
    return names if _collect_properties(ctx, schema, names, depth=0) else None


def _collect_properties(ctx: LintContext, schema: Any, names: set[str], depth: int) -> bool:
    """Add the property names ``schema`` declares; False if it allows names it does not list."""
    if depth > 16 or not isinstance(schema, dict):
        return schema is not True
    if isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if not ref.startswith("#"):
            return False
        try:
            target = resolve_pointer(ctx.document.data, unquote(ref[1:]))
        except LookupError:
            return False  # reported by the model as unresolved-input-reference
        if not _collect_properties(ctx, target, names, depth + 1):
            return False
    if schema.get("patternProperties") or schema.get("additionalProperties") not in (None, False):
        return False
    properties = schema.get("properties")
    if isinstance(properties, dict):
        names.update(str(name) for name in properties)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            if not _collect_properties(ctx, branch, names, depth + 1):
                return False
    for keyword in ("then", "else"):
        if keyword in schema and not _collect_properties(ctx, schema[keyword], names, depth + 1):
            return False
    return True


def _dotted_match(name: str, known: set[str] | list[str]) -> bool:
    """``a.b.c`` names ``a.b.c``, ``a.b`` or ``a`` (the longest existing prefix wins)."""
    segments = name.split(".")
    return any(".".join(segments[:cut]) in known for cut in range(len(segments), 0, -1))


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
    elif root == "sourceDescriptions" and ctx.model.source(names[0]) is None:
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
    if not _dotted_match(output, list(_raw_outputs(ctx, step.pointer))):
        outputs = ", ".join(_raw_outputs(ctx, step.pointer)) or "none"
        ctx.report(
            "unknown-step-output",
            pointer,
            f"{expression.text}: step '{step_id}' has no output '{output}'",
            hint=f"outputs of step '{step_id}': {outputs}; add '{output}' to its outputs",
            text=at,
        )


def _raw_outputs(ctx: LintContext, pointer: str) -> list[str]:
    outputs = ctx.raw(join_pointer(pointer, "outputs"))
    return [str(name) for name in outputs] if isinstance(outputs, dict) else []


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
            hint=_unknown_workflow_hint(ctx),
            text=at,
        )
        return
    if kind == "outputs":
        outputs = _raw_outputs(ctx, target.pointer)
        if not _dotted_match(name, outputs):
            ctx.report(
                "unknown-workflow-output",
                pointer,
                f"{expression.text}: workflow '{workflow_id}' has no output '{name}'",
                hint=f"outputs of workflow '{workflow_id}': {', '.join(outputs) or 'none'}",
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
        if start == 0 and end == len(text):
            continue
        written = text[start:end]
        fixed = text[:start] + "{" + written + "}" + text[end:]
        ctx.report(
            "bare-expression",
            pointer,
            f"the expression {written} is embedded in text without braces",
            hint=f"write it as {fixed!r}" if len(fixed) <= 120 else f"write it as {{{written}}}",
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
