"""The document's structure: the Arazzo JSON Schema, and what a schema cannot say.

Structure is checked once, here; the model builder trusts it and the other
rules read the model.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic
from ..document import LoadedDocument, Parameter, join_pointer
from .context import LintContext
from .phrasing import json_type_name
from .rules import severity_of
from .schema import check_schema


def check_structure(document: LoadedDocument) -> list[Diagnostic]:
    """Every structural problem of the document, worded as ``arazzo run`` words it."""
    data = document.data
    if not isinstance(data, dict):
        message = f"an Arazzo document must be an object, not {json_type_name(data)}"
        return [_diagnostic(document, "wrong-type", "", message)]
    if not is_arazzo(data):
        # Every field of an OpenAPI description is unknown here: one sentence says it all.
        message = "not an Arazzo document: the 'arazzo' field is missing"
        hint = "this looks like an OpenAPI description; pass the Arazzo document instead"
        return [_diagnostic(document, "required-field", "", message, hint)]
    return [
        _diagnostic(document, p.rule, p.pointer, p.message, p.hint, key=p.key)
        for p in check_schema(data)
    ]


def is_arazzo(data: Any) -> bool:
    """Whether the document is worth checking any further than :func:`check_structure` did."""
    if not isinstance(data, dict):
        return False
    return "arazzo" in data or not ("openapi" in data or "swagger" in data)


def _diagnostic(
    document: LoadedDocument,
    rule: str,
    pointer: str,
    message: str,
    hint: str | None = None,
    *,
    key: bool = False,
) -> Diagnostic:
    location = document.location(pointer, key=key)
    return Diagnostic(severity_of(rule), message, location, hint, rule)


def check_steps(ctx: LintContext) -> None:
    """What a step may hold, beyond what the schema says about each object alone."""
    for workflow in ctx.model.workflows:
        for step in workflow.steps:
            if step.workflow_id is not None and step.request_body is not None:
                ctx.report(
                    "workflow-step-request-body",
                    join_pointer(step.pointer, "requestBody"),
                    "a step that calls a workflow cannot have a requestBody",
                    key=True,
                )
            if step.workflow_id is None:
                _check_component_locations(ctx, step.parameters)


def _check_component_locations(ctx: LintContext, parameters: list[Parameter]) -> None:
    # Only an operation call needs 'in'; a component does not know how it will be used.
    for parameter in parameters:
        if parameter.reference is None:
            continue
        component = ctx.raw(parameter.reference)
        if isinstance(component, dict) and "in" not in component:
            message = "parameter is missing the required field 'in'"
            ctx.report("required-field", parameter.reference, message)
