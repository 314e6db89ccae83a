"""``arazzo run --dry-run``: what a run would send, worked out without sending anything.

The workflow is prepared exactly as for a run (every operation resolved,
every check made, inputs validated), then each step's request is described
with what is known before the first response: values that come from inputs
and literals are filled in; values that need a response (``$steps``,
``$response``, ``$outputs``, ...) are shown as the expression, ``{$...}``.

Inputs that look secret are shown as ``***``, and so is any value built from them.
The plan is data (:meth:`Plan.to_json`); :func:`~arazzo_runner.reporting.describe.render_plan`
prints it as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .asyncapi.steps import is_message_step
from .document import ArazzoDocument, Step, Workflow, effective_actions
from .engine import RunOptions
from .errors import DocumentError
from .expressions import ExpressionContext
from .http.bodies import choose_content_type
from .http.request import effective_parameters
from .masking import MASK, SecretMasker, is_secret_name
from .openapi import RelativeServerURL
from .reporting.describe import action_json, criterion_json, partial_value, show_value

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
    server_note: str | None = None
    """Why a real run could not send to ``url`` as it stands (a relative server URL)."""
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
                    **({"serverNote": self.server_note} if self.server_note else {}),
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
    prepared = loaded.prepare_workflow(workflow, options.server_overrides, planning=True)
    values = loaded.prepare_inputs(workflow, loaded.document, inputs)
    shown_inputs = masked_inputs(workflow, values)
    context = _static_context(loaded.document, shown_inputs)
    steps = [  # in the order a run takes them (1.1 step dependsOn may reorder them)
        _plan_step(loaded, workflow, workflow.steps[index], context, options.server_overrides)
        for index in prepared.order
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
        self_uri=document.self_uri,
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
    if is_message_step(loaded.document, step):
        return _plan_message_step(loaded, workflow, step, planned, context, server_overrides)
    operation = loaded.sources.resolve(step)  # prepare() resolved it once already
    base = server_overrides.get(operation.description.name)
    if base is None:
        try:
            base = operation.description.server_url(operation)
        except RelativeServerURL as exc:
            # The plan is still useful: show the path under the relative URL
            # and say what a real run needs.
            base = exc.url
            planned.server_note = f"the server URL '{exc.url}' is relative; for a real run, " + (
                exc.hint or "pass --server"
            )
    planned.source = operation.description.name
    planned.operation_id = operation.operation_id
    planned.operation_path = operation.path
    planned.method = operation.method.upper()
    planned.url = base.rstrip("/") + operation.path
    planned.body = _plan_body(step, operation, context)
    return planned


def _plan_message_step(
    loaded: LoadedArazzo,
    workflow: Workflow,
    step: Step,
    planned: PlannedStep,
    context: ExpressionContext,
    server_overrides: Mapping[str, str],
) -> PlannedStep:
    """A send step's message, or a receive step's subscription, as far as known now."""
    from .messaging.template import MessageTemplate

    target = loaded.sources.resolve_message(step)  # prepare() resolved it once already
    template = MessageTemplate(workflow, step, target, (target.source,))
    try:
        broker = template.endpoint(server_overrides).display()
    except DocumentError as exc:
        broker, planned.server_note = "?", exc.message
    path = {p.name: p.value for p in planned.parameters if p.location == "path"}
    address = target.channel.address
    for name, value in path.items():
        address = address.replace(f"{{{name}}}", value if isinstance(value, str) else str(value))
    planned.source = target.source
    planned.operation_id = target.operation.operation_id if target.operation else None
    planned.operation_path = target.channel.address
    planned.method = template.action.upper()
    planned.url = f"{broker} {address}"
    body = step.request_body
    if template.action == "send" and body is not None and body.payload is not None:
        replacements = [
            {"target": r.target, "value": partial_value(r.value, context, braced=True)}
            for r in body.replacements
        ]
        payload = partial_value(body.payload, context, braced=True)
        planned.body = PlannedBody(template.content_type, payload, replacements)
    if template.action == "receive":
        correlation = (
            partial_value(step.correlation_id, context, braced=False)
            if step.correlation_id is not None
            else None
        )
        locations = target.correlation_locations()
        planned.server_note = (
            "subscribed when the workflow starts, before any step runs"
            + (f"; waits for correlation id {show_value(correlation)}" if correlation else "")
            + (f" at {locations[0]}" if correlation and locations else "")
        )
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
