"""Building a step's HTTP request: parameters, body and URL.

Parameters are serialized the OpenAPI way (``style``/``explode``), path values
are percent-encoded so that they can never change the path's structure, and
the body is encoded for its content type.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import jsonpointer

from . import __version__
from .diagnostics import Diagnostics
from .exchange import PreparedRequest, StepFailure
from .expressions import ExpressionContext, HttpMessage, UnresolvedReference
from .model import Parameter, RequestBody, Step, Workflow
from .openapi import Operation

PATH_TEMPLATE_NAMES = r"\{([^{}]+)\}"


def build_request(
    workflow: Workflow,
    step: Step,
    operation: Operation,
    context: ExpressionContext,
    base_url: str,
    diagnostics: Diagnostics,
) -> PreparedRequest:
    """Build ``step``'s request and record it in ``context`` for ``$request.*``."""
    values: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}, "cookie": {}}
    for parameter in effective_parameters(workflow, step):
        if parameter.location is None:
            raise StepFailure(f"parameter '{parameter.name}' has no 'in'")
        values[parameter.location][parameter.name] = _evaluate_parameter(parameter, context)
    specs = {(p.name, p.location): p for p in operation.parameters(diagnostics)}
    url = base_url.rstrip("/") + _expand_path(operation, values["path"], specs)
    headers = [
        (name, _serialize_simple(value, _explode(specs, name, "header")))
        for name, value in values["header"].items()
    ]
    if values["cookie"]:
        cookie = "; ".join(
            f"{name}={_serialize_simple(value, False)}" for name, value in values["cookie"].items()
        )
        headers.append(("Cookie", cookie))
    query = [
        pair
        for name, value in values["query"].items()
        for pair in _serialize_query(name, value, _explode(specs, name, "query", True))
    ]
    content, content_type, body_value = _build_body(step.request_body, operation, context)
    if content_type and not has_header((n for n, _ in headers), "content-type"):
        headers.append(("Content-Type", content_type))
    if not has_header((n for n, _ in headers), "user-agent"):
        headers.append(("User-Agent", f"arazzo-runner/{__version__}"))
    request = PreparedRequest(
        method=operation.method.upper(),
        url=url,
        headers=headers,
        query=query,
        content=content,
    )
    context.url = request.full_url
    context.method = request.method
    context.request = HttpMessage(
        headers={name: value for name, value in headers},
        body=body_value,
        query=values["query"],
        path=values["path"],
    )
    return request


def _build_body(
    body: RequestBody | None, operation: Operation, context: ExpressionContext
) -> tuple[bytes | None, str | None, Any]:
    if body is None or not body.has_payload or body.payload is None:
        return None, None, None
    try:
        value = body.payload.evaluate(context)
        for replacement in body.replacements:
            value = _replace(value, replacement.target, replacement.value.evaluate(context))
    except UnresolvedReference as exc:
        raise StepFailure(f"cannot build the request body: {exc}") from None
    declared = operation.request_content_types()
    content_type = body.content_type or (declared[0] if declared else None)
    if content_type is None:
        content_type = "text/plain" if isinstance(value, str) else "application/json"
    return _encode_body(value, content_type), content_type, value


def effective_parameters(workflow: Workflow, step: Step) -> list[Parameter]:
    """Workflow-level parameters, overridden (never removed) by the step's own."""
    merged: dict[tuple[str, str | None], Parameter] = {
        (p.name, p.location): p for p in workflow.parameters
    }
    for parameter in step.parameters:
        merged[(parameter.name, parameter.location)] = parameter
    return list(merged.values())


def has_header(names: Iterable[str], name: str) -> bool:
    """Whether ``name`` is among header ``names`` (header names ignore case)."""
    lowered = name.lower()
    return any(n.lower() == lowered for n in names)


def _evaluate_parameter(parameter: Parameter, context: ExpressionContext) -> Any:
    try:
        return parameter.value.evaluate(context)
    except UnresolvedReference as exc:
        raise StepFailure(
            f"cannot set {parameter.location} parameter '{parameter.name}': {exc}"
        ) from None


def _explode(
    specs: Mapping[tuple[str, str], Any], name: str, location: str, default: bool = False
) -> bool:
    spec = specs.get((name, location))
    return spec.explode if spec is not None else default


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return json.dumps(value)


def _serialize_simple(value: Any, explode: bool) -> str:
    """OpenAPI ``style: simple`` (path and header parameters)."""
    if isinstance(value, list):
        return ",".join(_scalar(v) for v in value)
    if isinstance(value, dict):
        if explode:
            return ",".join(f"{k}={_scalar(v)}" for k, v in value.items())
        return ",".join(f"{k},{_scalar(v)}" for k, v in value.items())
    return _scalar(value)


def _serialize_query(name: str, value: Any, explode: bool) -> list[tuple[str, str]]:
    """OpenAPI ``style: form`` (the default for query parameters)."""
    if isinstance(value, list):
        if explode:
            return [(name, _scalar(v)) for v in value]
        return [(name, ",".join(_scalar(v) for v in value))]
    if isinstance(value, dict):
        if explode:
            return [(str(k), _scalar(v)) for k, v in value.items()]
        return [(name, ",".join(f"{k},{_scalar(v)}" for k, v in value.items()))]
    return [(name, _scalar(value))]


def _expand_path(
    operation: Operation, values: Mapping[str, Any], specs: Mapping[tuple[str, str], Any]
) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise StepFailure(f"no value for path parameter '{name}' of {operation.label}")
        text = _serialize_simple(values[name], _explode(specs, name, "path"))
        # Encode everything, '/' included, so a value can never add path segments;
        # dot segments are encoded too, because servers would resolve them.
        encoded = quote(text, safe="")
        return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded

    return re.sub(PATH_TEMPLATE_NAMES, substitute, operation.path)


def _replace(payload: Any, target: str, value: Any) -> Any:
    """Set ``value`` at JSON pointer ``target`` inside a copy of ``payload``."""
    if not isinstance(payload, dict | list):
        raise StepFailure(
            f"payload replacement target '{target}' needs a JSON object or array payload"
        )
    document = copy.deepcopy(payload)
    try:
        return jsonpointer.set_pointer(document, target, value, inplace=True)
    except (jsonpointer.JsonPointerException, TypeError, KeyError, IndexError) as exc:
        raise StepFailure(f"payload replacement target '{target}': {exc}") from None


def _encode_body(value: Any, content_type: str) -> bytes:
    media_type = content_type.split(";")[0].strip().lower()
    if isinstance(value, bytes):
        return value
    if media_type == "application/json" or media_type.endswith("+json"):
        if isinstance(value, str):
            # A string payload for a JSON body is the JSON text itself (the spec's
            # "JSON Templated Example"), not a JSON string to be quoted again.
            return value.encode("utf-8")
        try:
            text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise StepFailure(f"the payload cannot be sent as JSON: {exc}") from None
        return text.encode("utf-8")
    if media_type == "application/x-www-form-urlencoded":
        if isinstance(value, dict):
            return urlencode([(str(k), _scalar(v)) for k, v in value.items()]).encode("ascii")
        if isinstance(value, str):
            return value.encode("utf-8")
    if isinstance(value, str):
        return value.encode("utf-8")
    raise StepFailure(
        f"cannot send a structured payload as '{content_type}' yet; give the payload as a string"
    )
