"""``arazzo run --dry-run``: what a run would send, worked out without sending anything.

The workflow is prepared exactly as for a run (every operation resolved,
every check made, inputs validated), then each step's request is described
with what is known before the first response: values that come from inputs
and literals are filled in; values that need a response (``$steps``,
``$response``, ``$outputs``, ...) are shown as the expression, ``{$...}``.

Inputs that look secret are shown as ``***``, and so is any value built from them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TextIO

from .document import Action, ArazzoDocument, Criterion, Step, Workflow
from .engine import RunOptions
from .expressions import (
    CompiledValue,
    ExpressionContext,
    UnresolvedReference,
    _Array,
    _Literal,
    _Object,
    _Template,
    _Whole,
    value_to_text,
)
from .http.bodies import choose_content_type
from .http.request import effective_parameters
from .masking import MASK, SecretMasker, is_secret_name
from .reporting.mermaid import effective_actions

if TYPE_CHECKING:
    from .api import LoadedArazzo
    from .openapi import Operation


# --------------------------------------------------------------------------- secrets


def secret_input_names(workflow: Workflow, inputs: Mapping[str, Any] | None = None) -> set[str]:
    """Inputs whose values must not be shown (the rules of :mod:`arazzo_runner.masking`)."""
    declared = SecretMasker().secret_input_names(workflow)
    return declared | {name for name in inputs or {} if is_secret_name(name)}


def masked_inputs(workflow: Workflow, inputs: Mapping[str, Any]) -> dict[str, Any]:
    secrets = secret_input_names(workflow, inputs)
    return {name: MASK if name in secrets else value for name, value in inputs.items()}


def _mask_plan(plan: Plan, masker: SecretMasker) -> None:
    # Values were computed from masked inputs already; this catches secrets
    # nested in object inputs and copies of a secret under another name.
    plan.inputs = masker.mask_value(plan.inputs)
    plan.outputs = masker.mask_value(plan.outputs)
    for step in plan.steps:
        for parameter in step.parameters:
            parameter.value = masker.mask_value(parameter.value)
        if step.body is not None:
            step.body.payload = masker.mask_value(step.body.payload)
            step.body.replacements = masker.mask_value(step.body.replacements)


# --------------------------------------------------------------------------- partial values


def partial_value(value: CompiledValue, context: ExpressionContext, *, braced: bool) -> Any:
    """``value`` evaluated as far as ``context`` allows.

    An expression that cannot be resolved yet is kept as text: ``{$steps.a.outputs.b}``
    inside a larger value, or as written (``$steps.a.outputs.b``) when ``braced`` is
    false and the whole value is that one expression.
    """
    if isinstance(value, _Literal):
        return value.value
    if isinstance(value, _Whole):
        try:
            return value.expression.evaluate(context)
        except UnresolvedReference:
            text = value.expression.text
            return f"{{{text}}}" if braced else text
    if isinstance(value, _Template):
        return "".join(_template_part(part, context) for part in value.parts)
    if isinstance(value, _Object):
        return {key: partial_value(item, context, braced=True) for key, item in value.items}
    if isinstance(value, _Array):
        return [partial_value(item, context, braced=True) for item in value.items]
    try:  # a kind of compiled value this module does not know: all or nothing
        return value.evaluate(context)
    except UnresolvedReference:
        return " ".join(f"{{{e.text}}}" for e in value.expressions())


def _template_part(part: Any, context: ExpressionContext) -> str:
    if isinstance(part, str):
        return part
    try:
        return value_to_text(part.evaluate(context))
    except UnresolvedReference:
        return f"{{{part.text}}}"


def expression_text(value: CompiledValue) -> Any:
    """``value`` as written, expressions included (nothing is evaluated)."""
    return partial_value(value, ExpressionContext(), braced=False)


# --------------------------------------------------------------------------- the plan


@dataclass
class PlannedParameter:
    name: str
    location: str | None
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "in": self.location, "value": self.value}


@dataclass
class PlannedBody:
    content_type: str
    payload: Any
    replacements: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = {"contentType": self.content_type, "payload": self.payload}
        if self.replacements:
            data["replacements"] = self.replacements
        return data


@dataclass
class PlannedStep:
    step_id: str
    description: str | None
    source: str | None = None
    operation_id: str | None = None
    operation_path: str | None = None
    method: str | None = None
    url: str | None = None
    """The server's base URL joined with the operation's path template."""
    workflow_id: str | None = None
    """For a step that calls a workflow."""
    parameters: list[PlannedParameter] = field(default_factory=list)
    body: PlannedBody | None = None
    success_criteria: list[dict[str, Any]] = field(default_factory=list)
    on_success: list[dict[str, Any]] = field(default_factory=list)
    on_failure: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"stepId": self.step_id, "description": self.description}
        if self.workflow_id is not None:
            data["workflowId"] = self.workflow_id
            data["inputs"] = {p.name: p.value for p in self.parameters}
        else:
            data.update(
                {
                    "source": self.source,
                    "operationId": self.operation_id,
                    "path": self.operation_path,
                    "method": self.method,
                    "url": self.url,
                    "parameters": [p.to_json() for p in self.parameters],
                    "body": self.body.to_json() if self.body else None,
                }
            )
        data["successCriteria"] = self.success_criteria
        data["onSuccess"] = self.on_success
        data["onFailure"] = self.on_failure
        return data


@dataclass
class Plan:
    workflow_id: str
    inputs: dict[str, Any]
    """The inputs the run would use (defaults applied), secrets masked."""
    depends_on: list[str]
    steps: list[PlannedStep]
    outputs: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "workflowId": self.workflow_id,
            "dryRun": True,
            "inputs": self.inputs,
            "dependsOn": self.depends_on,
            "steps": [step.to_json() for step in self.steps],
            "outputs": self.outputs,
        }


def plan_run(
    loaded: LoadedArazzo,
    workflow_id: str | None,
    inputs: Mapping[str, Any],
    *,
    options: RunOptions | None = None,
) -> Plan:
    """Prepare ``workflow_id`` as a run would and describe its steps; nothing is sent.

    Raises the errors a run raises before sending (invalid document or inputs,
    unknown workflow or source description).
    """
    workflow = loaded.workflow(workflow_id)
    options = replace(options) if options is not None else RunOptions()
    loaded.check_server_overrides(options.server_overrides)
    loaded.prepare_workflow(workflow, options.server_overrides)
    values = loaded.prepare_inputs(workflow, loaded.document, inputs)
    shown_inputs = masked_inputs(workflow, values)
    context = _static_context(loaded.document, shown_inputs)
    steps = [
        _plan_step(loaded, workflow, step, context, options.server_overrides)
        for step in workflow.steps
    ]
    outputs = {
        name: partial_value(value, context, braced=False)
        for name, value in workflow.outputs.items()
    }
    plan = Plan(workflow.workflow_id, shown_inputs, list(workflow.depends_on), steps, outputs)
    masker = SecretMasker()
    masker.add_workflow_inputs(workflow, values)
    _mask_plan(plan, masker)
    return plan


def _static_context(document: ArazzoDocument, inputs: Mapping[str, Any]) -> ExpressionContext:
    # What is known before anything is sent: the inputs and the document itself.
    return ExpressionContext(
        inputs=inputs,
        source_descriptions={s.name: s.as_expression_value() for s in document.source_descriptions},
        components=document.components,
    )


def _plan_step(
    loaded: LoadedArazzo,
    workflow: Workflow,
    step: Step,
    context: ExpressionContext,
    server_overrides: Mapping[str, str],
) -> PlannedStep:
    planned = PlannedStep(
        step.step_id,
        step.description,
        parameters=[
            PlannedParameter(p.name, p.location, partial_value(p.value, context, braced=False))
            for p in effective_parameters(workflow, step)
        ],
        success_criteria=[criterion_json(c) for c in step.success_criteria],
        on_success=[
            action_json(a) for a in effective_actions(workflow.success_actions, step.on_success)
        ],
        on_failure=[
            action_json(a) for a in effective_actions(workflow.failure_actions, step.on_failure)
        ],
    )
    if step.workflow_id is not None:
        planned.workflow_id = step.workflow_id
        return planned
    operation = loaded.sources.resolve(step)  # prepare() resolved it once already
    base = server_overrides.get(operation.description.name)
    if base is None:
        base = operation.description.server_url(operation)
    planned.source = operation.description.name
    planned.operation_id = operation.operation_id
    planned.operation_path = operation.path
    planned.method = operation.method.upper()
    planned.url = base.rstrip("/") + operation.path
    planned.body = _plan_body(step, operation, context)
    return planned


def _plan_body(step: Step, operation: Operation, context: ExpressionContext) -> PlannedBody | None:
    body = step.request_body
    if body is None or not body.has_payload or body.payload is None:
        return None
    payload = partial_value(body.payload, context, braced=True)
    content_type = choose_content_type(
        body.content_type, operation.request_content_types(), payload
    )
    replacements = [
        {"target": r.target, "value": partial_value(r.value, context, braced=True)}
        for r in body.replacements
    ]
    return PlannedBody(content_type, payload, replacements)


def criterion_json(criterion: Criterion) -> dict[str, Any]:
    data: dict[str, Any] = {"condition": criterion.condition}
    if criterion.context is not None:
        data["context"] = criterion.context
    if criterion.type is not None:
        data["type"] = criterion.type
    return data


def action_json(action: Action) -> dict[str, Any]:
    data: dict[str, Any] = {"name": action.name, "type": action.type}
    if action.step_id is not None:
        data["stepId"] = action.step_id
    if action.workflow_id is not None:
        data["workflowId"] = action.workflow_id
    if action.type == "retry":
        data["retryAfter"] = action.retry_after
        data["retryLimit"] = 1 if action.retry_limit is None else action.retry_limit
    if action.criteria:
        data["criteria"] = [criterion_json(c) for c in action.criteria]
    return data


def describe_action(action: Mapping[str, Any]) -> str:
    """One line for an action: ``retry waitAndRetry (max 3, after 2s) if $statusCode == 503``."""
    text = f"{action['type']} {action['name']}"
    target = action.get("stepId") or action.get("workflowId")
    if target:
        text += f" -> {target}"
    if action["type"] == "retry":
        text += f" (max {action['retryLimit']}"
        after = action.get("retryAfter")
        text += f", after {after:g}s)" if after is not None else ")"
    criteria = action.get("criteria") or []
    if criteria:
        text += " if " + " and ".join(describe_criterion(c) for c in criteria)
    return text


def describe_criterion(criterion: Mapping[str, Any]) -> str:
    condition = " ".join(str(criterion["condition"]).split())
    kind = criterion.get("type")
    if isinstance(kind, Mapping):
        kind = f"{kind.get('type')} {kind.get('version')}"
    if kind and kind != "simple":
        where = f" in {criterion['context']}" if criterion.get("context") else ""
        return f"{condition} ({kind}{where})"
    return condition


# --------------------------------------------------------------------------- text output


def render_plan(plan: Plan, stream: TextIO) -> None:
    def line(text: str = "") -> None:
        print(text, file=stream)

    line(f"dry run of workflow {plan.workflow_id}: {len(plan.steps)} steps; nothing was sent")
    if plan.depends_on:
        line(f"runs first (dependsOn): {', '.join(plan.depends_on)}")
    if plan.inputs:
        line("inputs:")
        for name, value in plan.inputs.items():
            line(f"  {name}: {_show(value)}")
    for number, step in enumerate(plan.steps, start=1):
        line()
        line(f"{number}. {step.step_id}")
        if step.description:
            line(f"   {' '.join(step.description.split())}")
        for label, text in _step_lines(step):
            line(f"   {label + ':':<10} {text}")
    if plan.outputs:
        line()
        line("outputs:")
        for name, value in plan.outputs.items():
            line(f"  {name}: {_show(value)}")


def _step_lines(step: PlannedStep) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if step.workflow_id is not None:
        rows.append(("calls", f"workflow {step.workflow_id}"))
        rows += [("input", f"{p.name} = {_show(p.value)}") for p in step.parameters]
    else:
        operation = step.operation_id or step.operation_path
        rows.append(("operation", f"{step.source}: {operation}"))
        rows.append(("request", f"{step.method} {step.url}"))
        rows += [
            (p.location or "parameter", f"{p.name} = {_show(p.value)}") for p in step.parameters
        ]
        if step.body is not None:
            rows.append(("body", f"({step.body.content_type}) {_show(step.body.payload)}"))
            rows += [
                ("replace", f"{r['target']} = {_show(r['value'])}") for r in step.body.replacements
            ]
    rows += [("success", describe_criterion(c)) for c in step.success_criteria]
    rows += [("onSuccess", describe_action(a)) for a in step.on_success]
    rows += [("onFailure", describe_action(a)) for a in step.on_failure]
    return rows


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
