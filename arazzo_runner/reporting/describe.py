"""Workflows described for people: steps, criteria and actions as JSON and as one-line text.

``arazzo show`` and ``arazzo run --dry-run`` print the same things the same
way: a criterion as ``$statusCode == 200`` (with its type when it is not a
simple one), an action as ``retry waitAndRetry (max 3, after 2s) if
$statusCode == 503``, and values with the expressions that are not known yet
kept as written (``{$steps.login.outputs.token}``). The Mermaid graph labels
its edges with the same action text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO

from ..document import Action, Criterion
from ..expressions import (
    Array,
    CompiledValue,
    ExpressionContext,
    Literal,
    Object,
    Template,
    UnresolvedReference,
    Whole,
    value_to_text,
)

# --------------------------------------------------------------------------- the model


# --------------------------------------------------------------------------- values


def partial_value(value: CompiledValue, context: ExpressionContext, *, braced: bool) -> Any:
    """``value`` evaluated as far as ``context`` allows.

    An expression that cannot be resolved yet is kept as text: ``{$steps.a.outputs.b}``
    inside a larger value, or as written (``$steps.a.outputs.b``) when ``braced`` is
    false and the whole value is that one expression.
    """
    if isinstance(value, Literal):
        return value.value
    if isinstance(value, Whole):
        try:
            return value.expression.evaluate(context)
        except UnresolvedReference:
            text = value.expression.text
            return f"{{{text}}}" if braced else text
    if isinstance(value, Template):
        return "".join(_template_part(part, context) for part in value.parts)
    if isinstance(value, Object):
        return {key: partial_value(item, context, braced=True) for key, item in value.items}
    if isinstance(value, Array):
        return [partial_value(item, context, braced=True) for item in value.items]
    try:  # a kind of compiled value this module does not know: all or nothing
        return value.evaluate(context)
    except UnresolvedReference:
        # A Selector Object (Arazzo 1.1) says what it selects: "jsonpath '$.a' on $response.body".
        described = getattr(value, "text", None)
        if isinstance(described, str):
            return f"{{{described}}}" if braced else described
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


# --------------------------------------------------------------------------- JSON


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


# --------------------------------------------------------------------------- one line


def describe_action(
    action: Mapping[str, Any], *, target: bool = True, limit: int | None = None
) -> str:
    """One line for an action (its :func:`action_json`).

    ``retry waitAndRetry -> poll (max 3, after 2s) if $statusCode == 503``;
    without ``target`` the ``-> poll`` is left out (a graph draws it as an edge),
    and ``limit`` shortens each condition to that many characters.
    """
    text = f"{action['type']} {action['name']}"
    goes_to = action.get("stepId") or action.get("workflowId")
    if target and goes_to:
        text += f" -> {goes_to}"
    if action["type"] == "retry":
        text += f" (max {action['retryLimit']}"
        after = action.get("retryAfter")
        text += f", after {after:g}s)" if after is not None else ")"
    criteria = action.get("criteria") or []
    if criteria:
        text += " if " + " and ".join(describe_criterion(c, limit=limit) for c in criteria)
    return text


def describe_criterion(criterion: Mapping[str, Any], *, limit: int | None = None) -> str:
    """A criterion's condition on one line, with its type unless it is a simple one."""
    condition = shorten(" ".join(str(criterion["condition"]).split()), limit)
    kind = criterion.get("type")
    if isinstance(kind, Mapping):
        kind = f"{kind.get('type')} {kind.get('version')}"
    if kind and kind != "simple":
        where = f" in {criterion['context']}" if criterion.get("context") else ""
        return f"{condition} ({kind}{where})"
    return condition


def shorten(text: str, limit: int | None) -> str:
    """``text`` cut to ``limit`` characters, ``...`` included (None: not cut)."""
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


def show_value(value: Any) -> str:
    """A value on one line: a string as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the dry run


def render_plan(plan: Mapping[str, Any], stream: TextIO) -> None:
    """The text of ``arazzo run --dry-run``, from the dry run's JSON document."""

    def line(text: str = "") -> None:
        print(text, file=stream)

    steps = plan["steps"]
    line(f"dry run of workflow {plan['workflowId']}: {len(steps)} steps; nothing was sent")
    if plan["dependsOn"]:
        line(f"runs first (dependsOn): {', '.join(plan['dependsOn'])}")
    if plan["inputs"]:
        line("inputs:")
        for name, value in plan["inputs"].items():
            line(f"  {name}: {show_value(value)}")
    for number, step in enumerate(steps, start=1):
        line()
        line(f"{number}. {step['stepId']}")
        if step["description"]:
            line(f"   {one_line(step['description'])}")
        for label, text in _step_lines(step):
            line(f"   {label + ':':<10} {text}")
    if plan["outputs"]:
        line()
        line("outputs:")
        for name, value in plan["outputs"].items():
            line(f"  {name}: {show_value(value)}")


def _step_lines(step: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if "workflowId" in step:
        rows.append(("calls", f"workflow {step['workflowId']}"))
        rows += [("input", f"{name} = {show_value(v)}") for name, v in step["inputs"].items()]
    else:
        rows.append(("operation", f"{step['source']}: {step['operationId'] or step['path']}"))
        rows.append(("request", f"{step['method']} {step['url']}"))
        if step.get("serverNote"):
            rows.append(("note", step["serverNote"]))
        rows += [
            (p["in"] or "parameter", f"{p['name']} = {show_value(p['value'])}")
            for p in step["parameters"]
        ]
        body = step["body"]
        if body is not None:
            rows.append(("body", f"({body['contentType']}) {show_value(body['payload'])}"))
            rows += [
                ("replace", f"{r['target']} = {show_value(r['value'])}")
                for r in body.get("replacements", [])
            ]
    rows += [("success", describe_criterion(c)) for c in step["successCriteria"]]
    rows += [("onSuccess", describe_action(a)) for a in step["onSuccess"]]
    rows += [("onFailure", describe_action(a)) for a in step["onFailure"]]
    return rows
