"""Building a step's HTTP request: parameters, body and URL.

Parameters are serialized the OpenAPI way (``style``/``explode``, see
:mod:`arazzo_runner.openapi.serialization`), path values are percent-encoded so that
they can never change the path's structure, and the body is encoded for its
content type (:mod:`arazzo_runner.http.bodies`).

The query string is built here, percent-encoded, and sent as part of the URL:
the HTTP client would otherwise re-encode it with its own rules (``+`` for a
space, ``|`` and brackets left as they are).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from .._version import __version__
from ..diagnostics import Diagnostics
from ..document import PATH_TEMPLATE, Parameter, Step, Workflow
from ..expressions import (
    CompiledValue,
    ExpressionContext,
    HttpMessage,
    RuntimeExpression,
    Template,
    UnresolvedReference,
    Whole,
    value_to_text,
)
from ..expressions.payload import evaluate_payload, is_text_template
from ..openapi import (
    Operation,
    OperationParameter,
    ParameterStyle,
    default_style,
    query_escape,
    serialize_cookie,
    serialize_form_query,
    serialize_header,
    serialize_path_value,
    serialize_querystring,
)
from .bodies import Encoding, Replacement, choose_content_type, prepare_body
from .media_types import essence, is_json
from .messages import PreparedRequest, StepFailure, has_header, header_value

Styles = Mapping[tuple[str, str], ParameterStyle]


USER_AGENT = f"arazzo-runner/{__version__}"
"""Sent with every request whose step does not set its own ``User-Agent``."""


class RequestTemplate:
    """The parts of a step's request that are the same on every run, worked out once.

    Which parameters the step sends, how each is serialized, the path template
    split into its pieces and the operation's request media types come from the
    documents alone; a workflow run many times reads them once and evaluates
    only the values per request. What can warn or read another document (the
    styles, the request body's ``$ref``) is read at the first :meth:`build`,
    and the style warnings are repeated on every build (diagnostics are
    de-duplicated) so that each request reports them at the same point.
    """

    def __init__(self, workflow: Workflow, step: Step, operation: Operation) -> None:
        self.step = step
        self.operation = operation
        self.method = operation.method.upper()
        self.parameters = effective_parameters(workflow, step)
        self._values = [_value_reader(parameter.value) for parameter in self.parameters]
        header_names = [p.name for p in self.parameters if p.location == "header"]
        self._sets_content_type = has_header(header_names, "content-type")
        self._sets_user_agent = has_header(header_names, "user-agent")
        self._path = [(segment, _split_template(segment)) for segment in operation.path.split("/")]
        self._styles: _Styles | None = None
        self._request_types: list[str] | None = None
        self._encodings: dict[str, Encoding] = {}

    def build(
        self, context: ExpressionContext, base_url: str, diagnostics: Diagnostics
    ) -> tuple[PreparedRequest, HttpMessage]:
        """The request, built with the values of ``context``, and what ``$request`` reads.

        ``context`` is only read: recording the request for ``$url``,
        ``$method`` and ``$request.*`` is the caller's decision (the full URL,
        with its query, is ``request.url``).
        """
        values: dict[str, dict[str, Any]] = {
            "path": {},
            "query": {},
            "querystring": {},
            "header": {},
            "cookie": {},
        }
        for parameter, read in zip(self.parameters, self._values, strict=True):
            if parameter.location is None:
                raise StepFailure(f"parameter '{parameter.name}' has no 'in'")
            try:
                value = read(context)
            except UnresolvedReference as exc:
                raise StepFailure(
                    f"cannot set {parameter.location} parameter '{parameter.name}': {exc}"
                ) from None
            values[parameter.location][parameter.name] = value
        styles = self._styles_for(diagnostics)
        url = base_url.rstrip("/") + self._expand_path(values["path"], styles)
        query = _query_string(values["query"], styles) if values["query"] else ""
        if values["querystring"]:
            query = _whole_query_string(values, styles)
        if query:
            url += ("&" if "?" in url else "?") + query
        headers = [
            (name, serialize_header(value, styles.style(name, "header")))
            for name, value in values["header"].items()
        ]
        cookie = _cookie_header(values["cookie"], styles) if values["cookie"] else ""
        if cookie:
            headers.append(("Cookie", cookie))
        content, content_type, body_value = self._build_body(context, diagnostics)
        if content_type and not self._sets_content_type:
            headers.append(("Content-Type", content_type))
        if not self._sets_user_agent:
            headers.append(("User-Agent", USER_AGENT))
        request = PreparedRequest(
            method=self.method, url=url, headers=headers, query=[], content=content
        )
        query_values = values["query"] or (_query_fields(query) if values["querystring"] else {})
        message = HttpMessage(
            headers=dict(headers), body=body_value, query=query_values, path=values["path"]
        )
        return request, message

    def _styles_for(self, diagnostics: Diagnostics) -> _Styles:
        if self._styles is None:
            self._styles = _Styles(self.operation, diagnostics)
        for spec in self._styles.invalid:
            _warn_style(self.operation, spec, diagnostics)
        return self._styles

    def _expand_path(self, values: Mapping[str, Any], styles: _Styles) -> str:
        # Segment by segment: the values are encoded ('/' included), so segments
        # can only come from the template, and a segment that the values turned
        # into '.' or '..' is encoded too, since servers would resolve it.
        segments = []
        for segment, pieces in self._path:
            if not pieces:  # no template in this segment
                segments.append(segment)
                continue
            parts = []
            for is_name, piece in pieces:
                parts.append(self._path_value(piece, values, styles) if is_name else piece)
            expanded = "".join(parts)
            if expanded in (".", "..") and expanded != segment:
                expanded = expanded.replace(".", "%2E")
            segments.append(expanded)
        return "/".join(segments)

    def _path_value(self, name: str, values: Mapping[str, Any], styles: _Styles) -> str:
        if name not in values:
            raise StepFailure(f"no value for path parameter '{name}' of {self.operation.label}")
        return serialize_path_value(name, values[name], styles.style(name, "path"))

    def _build_body(
        self, context: ExpressionContext, diagnostics: Diagnostics
    ) -> tuple[bytes | None, str | None, Any]:
        step = self.step
        body = step.request_body
        if body is None or not body.has_payload or body.payload is None:
            return None, None, None

        def warn_absent(exc: UnresolvedReference) -> None:
            diagnostics.warning(f"step '{step.step_id}': the request body has null where {exc}")

        if self._request_types is None:
            self._request_types = self.operation.request_content_types()
        declared = self._request_types
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
                r.target_type,
                r.compiled_target,
            )
            for r in body.replacements
        ]
        encoded = prepare_body(value, content_type, replacements, self._encoding(content_type))
        return encoded.content, encoded.content_type, encoded.value

    def _encoding(self, content_type: str) -> Encoding:
        # Shared by every request: prepare_body only reads it.
        if content_type not in self._encodings:
            self._encodings[content_type] = _request_encoding(self.operation, content_type)
        return self._encodings[content_type]


def _request_encoding(operation: Operation, content_type: str) -> Encoding:
    """The ``encoding`` map of the request body's media type ``content_type``.

    Media types compare by their essence (no parameters, any case); an
    ``encoding`` entry that is a ``$ref`` or not an object is ignored.
    """
    wanted = essence(content_type)
    for key, media in operation.request_content().items():
        if essence(str(key)) != wanted or not isinstance(media, dict):
            continue
        encoding = media.get("encoding")
        if isinstance(encoding, dict):
            return {str(k): v for k, v in encoding.items() if isinstance(v, dict)}
    return {}


def effective_parameters(workflow: Workflow, step: Step) -> list[Parameter]:
    """Workflow-level parameters, overridden (never removed) by the step's own."""
    merged: dict[tuple[str, str | None], Parameter] = {
        (p.name, p.location): p for p in workflow.parameters
    }
    for parameter in step.parameters:
        merged[(parameter.name, parameter.location)] = parameter
    return list(merged.values())


ValueReader = Callable[[ExpressionContext], Any]


def _value_reader(value: CompiledValue) -> ValueReader:
    """How to evaluate a parameter value, with a short cut for plain ``$inputs.<name>``.

    Most parameters are an input, alone or inside text (``Bearer $inputs.token``).
    Such an input, when given, is read straight from the inputs; otherwise, and
    for any other value, the expression is evaluated as usual (which also words
    the error for an input that was not given).
    """
    if isinstance(value, Whole):
        name = _plain_input(value.expression)
        if name is not None:
            expression = value.expression
            return lambda context: (
                context.inputs[name] if name in context.inputs else expression.evaluate(context)
            )
    if isinstance(value, Template):
        readers = [_part_reader(part) for part in value.parts]
        return lambda context: "".join(read(context) for read in readers)
    return value.evaluate


def _part_reader(part: str | RuntimeExpression) -> Callable[[ExpressionContext], str]:
    """One piece of a text template, as the template's own evaluation turns it into text."""
    if isinstance(part, str):
        return lambda context: part
    name = _plain_input(part)
    if name is None:
        return lambda context: value_to_text(part.evaluate(context))
    return lambda context: value_to_text(
        context.inputs[name] if name in context.inputs else part.evaluate(context)
    )


def _plain_input(expression: RuntimeExpression) -> str | None:
    """The input ``$inputs.<name>`` reads as a whole (no property, no pointer), else None.

    Evaluating it tries the whole name as an input first, so an input of that
    name is the value; anything else is left to the expression.
    """
    if (
        expression.root == "inputs"
        and len(expression.names) == 1
        and not expression.properties
        and expression.pointer is None
    ):
        return expression.names[0]
    return None


# --------------------------------------------------------------------------- parameters


class _Styles:
    """The serialization of each parameter the operation describes, looked up by name."""

    def __init__(self, operation: Operation, diagnostics: Diagnostics) -> None:
        self.by_key: dict[tuple[str, str], ParameterStyle] = {}
        self.invalid: list[OperationParameter] = []
        for spec in operation.parameters(diagnostics):
            if not spec.style_is_valid:
                self.invalid.append(spec)
            self.by_key[(spec.name, spec.location)] = spec.serialization()
        self._found: dict[tuple[str, str], ParameterStyle] = {}

    def style(self, name: str, location: str) -> ParameterStyle:
        key = (name, location)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = _style(self.by_key, name, location)
        return found


def _warn_style(operation: Operation, spec: OperationParameter, diagnostics: Diagnostics) -> None:
    default = default_style(spec.location).style
    diagnostics.warning(
        f"{spec.location} parameter '{spec.name}' of {operation.label} has style "
        f"'{spec.style}', which OpenAPI does not define for {spec.location} parameters; "
        f"'{default}' is used"
    )


def _style(styles: Styles, name: str, location: str) -> ParameterStyle:
    # A parameter the operation does not describe gets OpenAPI's default style.
    if location == "querystring":
        # An operation has at most one: it is the step's whatever the names say.
        declared = [style for (_, loc), style in styles.items() if loc == location]
        return declared[0] if declared else default_style(location)
    if location == "header":
        # Header names ignore case, in OpenAPI as in HTTP.
        by_name = [(n, style) for (n, loc), style in styles.items() if loc == location]
        return header_value(by_name, name) or default_style(location)
    return styles.get((name, location)) or default_style(location)


def _query_string(values: Mapping[str, Any], styles: _Styles) -> str:
    pieces: list[str] = []
    for name, value in values.items():
        style = styles.style(name, "query")
        pieces += serialize_form_query(name, value, style, query_escape(style.allow_reserved))
    return "&".join(pieces)


def _whole_query_string(values: Mapping[str, Mapping[str, Any]], styles: _Styles) -> str:
    """The query string an ``in: querystring`` parameter (Arazzo 1.1, OpenAPI 3.2) gives."""
    if values["query"] or len(values["querystring"]) > 1:
        # OpenAPI: one querystring parameter, and never together with query parameters.
        raise StepFailure(
            "a querystring parameter is the whole query string: it cannot be sent with "
            "query parameters or another querystring parameter"
        )
    ((name, value),) = values["querystring"].items()
    return serialize_querystring(value, styles.style(name, "querystring").content_type)


def _query_fields(query: str) -> dict[str, Any]:
    """What ``$request.query.<name>`` reads from a whole query string: its form fields."""
    fields: dict[str, Any] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        fields.setdefault(name, value)
    return fields


def _cookie_header(values: Mapping[str, Any], styles: _Styles) -> str:
    pairs: list[str] = []
    for name, value in values.items():
        pairs += serialize_cookie(name, value, styles.style(name, "cookie"))
    return "; ".join(pairs)


def _split_template(segment: str) -> list[tuple[bool, str]]:
    """A path segment as (is a ``{name}``, text or name) pieces; empty without a template.

    The pieces are those ``re.sub`` would visit: literal text and names alternate.
    """
    pieces = PATH_TEMPLATE.split(segment)
    if len(pieces) == 1:
        return []
    return [(index % 2 == 1, piece) for index, piece in enumerate(pieces)]
