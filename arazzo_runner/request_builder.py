"""Building a step's HTTP request: parameters, body and URL.

Parameters are serialized the OpenAPI way (``style``/``explode``, see
:mod:`arazzo_runner.serialization`), path values are percent-encoded so that
they can never change the path's structure, and the body is encoded for its
content type (:mod:`arazzo_runner.bodies`).

The query string is built here, percent-encoded, and sent as part of the URL:
the HTTP client would otherwise re-encode it with its own rules (``+`` for a
space, ``|`` and brackets left as they are).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from . import __version__
from .bodies import Replacement, choose_content_type, is_json, prepare_body
from .diagnostics import Diagnostics
from .exchange import PreparedRequest, StepFailure
from .expressions import ExpressionContext, HttpMessage, UnresolvedReference
from .model import Parameter, Step, Workflow
from .openapi import Operation, OperationParameter
from .payloads import evaluate_payload, is_text_template
from .serialization import (
    ParameterStyle,
    default_style,
    query_escape,
    serialize_cookie,
    serialize_form_query,
    serialize_header,
    serialize_path_value,
)

PATH_TEMPLATE_NAMES = r"\{([^{}]+)\}"

Styles = Mapping[tuple[str, str], ParameterStyle]


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
    styles = _styles(operation, diagnostics)
    url = base_url.rstrip("/") + _expand_path(operation, values["path"], styles)
    query = _query_string(values["query"], styles)
    if query:
        url += ("&" if "?" in url else "?") + query
    headers = [
        (name, serialize_header(value, _style(styles, name, "header")))
        for name, value in values["header"].items()
    ]
    cookie = _cookie_header(values["cookie"], styles)
    if cookie:
        headers.append(("Cookie", cookie))
    content, content_type, body_value = _build_body(step, operation, context, diagnostics)
    if content_type and not has_header((n for n, _ in headers), "content-type"):
        headers.append(("Content-Type", content_type))
    if not has_header((n for n, _ in headers), "user-agent"):
        headers.append(("User-Agent", f"arazzo-runner/{__version__}"))
    request = PreparedRequest(
        method=operation.method.upper(), url=url, headers=headers, query=[], content=content
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


# --------------------------------------------------------------------------- parameters


def _styles(operation: Operation, diagnostics: Diagnostics) -> Styles:
    """The serialization of each parameter the operation describes."""
    styles: dict[tuple[str, str], ParameterStyle] = {}
    for spec in operation.parameters(diagnostics):
        if not spec.style_is_valid:
            _warn_style(operation, spec, diagnostics)
        styles[(spec.name, spec.location)] = spec.serialization()
    return styles


def _warn_style(operation: Operation, spec: OperationParameter, diagnostics: Diagnostics) -> None:
    default = default_style(spec.location).style
    diagnostics.warning(
        f"{spec.location} parameter '{spec.name}' of {operation.label} has style "
        f"'{spec.style}', which OpenAPI does not define for {spec.location} parameters; "
        f"'{default}' is used"
    )


def _style(styles: Styles, name: str, location: str) -> ParameterStyle:
    # A parameter the operation does not describe gets OpenAPI's default style.
    if location == "header":
        # Header names ignore case, in OpenAPI as in HTTP.
        lowered = name.lower()
        matches = (s for (n, loc), s in styles.items() if loc == location and n.lower() == lowered)
        return next(matches, None) or default_style(location)
    return styles.get((name, location)) or default_style(location)


def _query_string(values: Mapping[str, Any], styles: Styles) -> str:
    pieces: list[str] = []
    for name, value in values.items():
        style = _style(styles, name, "query")
        pieces += serialize_form_query(name, value, style, query_escape(style.allow_reserved))
    return "&".join(pieces)


def _cookie_header(values: Mapping[str, Any], styles: Styles) -> str:
    pairs: list[str] = []
    for name, value in values.items():
        pairs += serialize_cookie(name, value, _style(styles, name, "cookie"))
    return "; ".join(pairs)


def _expand_path(operation: Operation, values: Mapping[str, Any], styles: Styles) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise StepFailure(f"no value for path parameter '{name}' of {operation.label}")
        return serialize_path_value(name, values[name], _style(styles, name, "path"))

    # Segment by segment: the values are encoded ('/' included), so segments
    # can only come from the template, and a segment that the values turned
    # into '.' or '..' is encoded too, since servers would resolve it.
    segments = []
    for segment in operation.path.split("/"):
        expanded = re.sub(PATH_TEMPLATE_NAMES, substitute, segment)
        if expanded in (".", "..") and expanded != segment:
            expanded = expanded.replace(".", "%2E")
        segments.append(expanded)
    return "/".join(segments)


# --------------------------------------------------------------------------- body


def _build_body(
    step: Step, operation: Operation, context: ExpressionContext, diagnostics: Diagnostics
) -> tuple[bytes | None, str | None, Any]:
    body = step.request_body
    if body is None or not body.has_payload or body.payload is None:
        return None, None, None

    def warn_absent(exc: UnresolvedReference) -> None:
        diagnostics.warning(f"step '{step.step_id}': the request body has null where {exc}")

    declared = operation.request_content_types()
    text_template = is_text_template(body.payload)
    if text_template:
        content_type = choose_content_type(body.content_type, declared, "")
    value = evaluate_payload(
        body.payload,
        context,
        json_text=text_template and is_json(content_type),
        on_missing=warn_absent,
    )
    if not text_template:
        content_type = choose_content_type(body.content_type, declared, value)
    replacements = [
        Replacement(
            r.target,
            evaluate_payload(r.value, context, json_text=False, on_missing=warn_absent),
        )
        for r in body.replacements
    ]
    encoded = prepare_body(
        value, content_type, replacements, operation.request_encoding(content_type)
    )
    return encoded.content, encoded.content_type, encoded.value
