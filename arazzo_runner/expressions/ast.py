"""The parsed form of a runtime expression, and how it is evaluated.

A :class:`RuntimeExpression` resolves itself against an :class:`ExpressionContext`
(as python-jsonpath's selectors do): :meth:`RuntimeExpression.evaluate`
dispatches on the root (``$inputs``, ``$response``, ...) to one resolver each,
and walks the value it finds with the expression's property names and JSON
pointer, raising :class:`UnresolvedReference` with a precise message when
something is not there. The resolvers live here, next to the node, because
the node cannot evaluate without them and they cannot work without the node.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..jsontypes import json_type_name
from ..pointers import escape_pointer_token
from .context import ExpressionContext, UnresolvedReference

__all__ = ["JsonPointer", "RuntimeExpression"]


@dataclass(frozen=True, slots=True)
class JsonPointer:
    """An RFC 6901 pointer: ``text`` as written (``/a~1b/0``), ``tokens`` decoded."""

    text: str
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuntimeExpression:
    """One parsed runtime expression.

    ``names`` holds the fixed parts after the root, by root:

    ===================  =========================================
    url/method/statusCode  ``()``; also ``self`` (Arazzo 1.1)
    request/response       ``("header", token)``, ``("query", name)``,
    /message (1.1)         ``("path", name)``, ``("body",)`` or (1.1) ``("payload",)``
    inputs/outputs         ``(name,)`` -- may contain dots
    steps                  ``(stepId, "outputs", name)``
    workflows              ``(workflowId, "inputs" | "outputs", name)``
    sourceDescriptions     ``(sourceName, field)``
    components             ``(kind, name)``
    ===================  =========================================

    ``properties`` is the dotted access after ``body`` (``$response.body.a.0``) and
    ``pointer`` the JSON pointer after ``#``, if any.
    """

    text: str
    root: str
    names: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()
    pointer: JsonPointer | None = None

    def evaluate(self, ctx: ExpressionContext) -> Any:
        """The value the expression names in ``ctx``; raises :class:`UnresolvedReference`."""
        return _RESOLVERS[self.root](self, ctx)

    def __str__(self) -> str:
        return self.text


# --------------------------------------------------------------------------- evaluation

_ABSENT = object()


def _unresolved(
    expr: RuntimeExpression, reason: str, *, source_missing: bool = False
) -> UnresolvedReference:
    return UnresolvedReference(expr.text, reason, source_missing=source_missing)


def _resolve_url(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    if ctx.url is None:
        raise _unresolved(expr, "no request has been made yet", source_missing=True)
    return ctx.url


def _resolve_method(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    if ctx.method is None:
        raise _unresolved(expr, "no request has been made yet", source_missing=True)
    return ctx.method


def _resolve_status_code(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    if ctx.status_code is None:
        raise _unresolved(expr, "there is no response yet", source_missing=True)
    return ctx.status_code


def _resolve_self(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    if ctx.self_uri is None:
        raise _unresolved(expr, "the document has no $self field", source_missing=True)
    return ctx.self_uri


def _resolve_message(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    noun = expr.root
    message = {"request": ctx.request, "response": ctx.response}.get(noun, ctx.message)
    if message is None:
        raise _unresolved(expr, f"there is no {noun} yet", source_missing=True)
    kind = expr.names[0]
    if kind in ("body", "payload"):
        return _resolve_body(expr, message.body, noun, part=kind)
    name = expr.names[1]
    if kind == "header":
        value = _find_header(message.headers, name)
        if value is _ABSENT:
            raise _unresolved(expr, f"the {noun} has no header '{name}'")
        return value
    parameters = message.query if kind == "query" else message.path
    if name not in parameters:
        raise _unresolved(expr, f"the {noun} has no {kind} parameter '{name}'")
    return parameters[name]


def _find_header(headers: Mapping[str, str], name: str) -> Any:
    # Header names are case-insensitive (RFC 9110); try the cheap exact match first.
    if name in headers:
        return headers[name]
    folded = name.lower()
    for key, value in headers.items():
        if key.lower() == folded:
            return value
    return _ABSENT


def _resolve_body(expr: RuntimeExpression, body: Any, noun: str, part: str = "body") -> Any:
    if not _has_access(expr):
        return body
    where = f"the {noun} {part}"
    if body is None:
        raise _unresolved(expr, f"the {noun} has no {part}")
    if isinstance(body, str):
        # A JSON body kept as text (unknown content type) is still addressable.
        try:
            body = json.loads(body)
        except ValueError:
            raise _unresolved(expr, f"{where} is text, not JSON") from None
    return _walk(expr, body, where, expr.properties)


def _has_access(expr: RuntimeExpression) -> bool:
    return bool(expr.properties) or (expr.pointer is not None and bool(expr.pointer.tokens))


def _resolve_inputs(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    return _resolve_dotted(expr, ctx.inputs, "input '{}'", "no input named {} was given")


def _resolve_outputs(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    return _resolve_dotted(
        expr, ctx.outputs, "workflow output '{}'", "no workflow output named {} has been set"
    )


def _resolve_steps(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    step_id = expr.names[0]
    step = ctx.steps.get(step_id)
    if step is None:
        raise _unresolved(expr, f"step '{step_id}' has not run", source_missing=True)
    outputs = step.get("outputs") or {}
    return _resolve_dotted(
        expr,
        outputs,
        f"output '{{}}' of step '{step_id}'",
        f"step '{step_id}' has no output named {{}}",
    )


def _resolve_workflows(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    workflow_id, kind = expr.names[0], expr.names[1]
    workflow = ctx.workflows.get(workflow_id)
    if workflow is None:
        raise _unresolved(expr, f"workflow '{workflow_id}' has not run", source_missing=True)
    singular = kind[:-1]  # "inputs" -> "input"
    return _resolve_dotted(
        expr,
        workflow.get(kind) or {},
        f"{singular} '{{}}' of workflow '{workflow_id}'",
        f"workflow '{workflow_id}' has no {singular} named {{}}",
    )


def _resolve_dotted(
    expr: RuntimeExpression, values: Mapping[str, Any], where: str, missing: str
) -> Any:
    """Resolve a possibly dotted name: the longest prefix that is a key wins.

    ``$inputs.a.b`` reads the input literally named ``a.b`` if there is one,
    otherwise input ``a`` and then its property ``b``. ``where`` and ``missing``
    are message templates whose ``{}`` receives the key(s).
    """
    segments = expr.names[-1].split(".")
    for cut in range(len(segments), 0, -1):
        key = ".".join(segments[:cut])
        if key in values:
            rest = tuple(segments[cut:])
            return _walk(expr, values[key], where.format(key), rest)
    raise _unresolved(expr, missing.format(_tried(segments)))


def _tried(segments: list[str]) -> str:
    """``'a.b.c' (nor 'a.b', 'a')`` -- every key the dotted lookup tried."""
    keys = [".".join(segments[:cut]) for cut in range(len(segments), 0, -1)]
    text = f"'{keys[0]}'"
    if len(keys) > 1:
        text += " (nor " + ", ".join(f"'{key}'" for key in keys[1:]) + ")"
    return text


def _resolve_source_descriptions(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    name, field_name = expr.names
    source = ctx.source_descriptions.get(name)
    if source is None:
        raise _unresolved(
            expr, f"there is no source description named '{name}'", source_missing=True
        )
    if field_name not in source:
        raise _unresolved(expr, f"source description '{name}' has no field '{field_name}'")
    return source[field_name]


def _resolve_components(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    kind, name = expr.names
    # Component keys may contain dots ("my.org.User"); they are matched whole.
    section = ctx.components.get(kind) or {}
    if name not in section:
        raise _unresolved(expr, f"components.{kind} has no entry '{name}'")
    return section[name]


_RESOLVERS: Mapping[str, Callable[[RuntimeExpression, ExpressionContext], Any]] = {
    "url": _resolve_url,
    "method": _resolve_method,
    "statusCode": _resolve_status_code,
    "self": _resolve_self,
    "request": _resolve_message,
    "response": _resolve_message,
    "message": _resolve_message,
    "inputs": _resolve_inputs,
    "outputs": _resolve_outputs,
    "steps": _resolve_steps,
    "workflows": _resolve_workflows,
    "sourceDescriptions": _resolve_source_descriptions,
    "components": _resolve_components,
}


# --------------------------------------------------------------------------- walking values


def _walk(expr: RuntimeExpression, value: Any, where: str, properties: Iterable[str]) -> Any:
    """Apply dotted ``properties`` and then the expression's pointer to ``value``."""
    walked = ""
    for token in properties:
        value = _step(expr, value, token, where, walked)
        walked += "." + token
    if expr.pointer is not None:
        for token in expr.pointer.tokens:
            value = _step(expr, value, token, where, walked)
            walked += "/" + escape_pointer_token(token)
    return value


def _step(expr: RuntimeExpression, value: Any, token: str, where: str, walked: str) -> Any:
    place = f"'{walked.lstrip('.')}' of {where}" if walked else where
    if isinstance(value, Mapping):
        if token in value:
            return value[token]
        raise _unresolved(expr, f"no member '{token}' in {place}")
    if isinstance(value, list | tuple):
        return value[_array_index(expr, value, token, place)]
    raise _unresolved(
        expr, f"cannot index into {json_type_name(value)} (looking up '{token}' in {place})"
    )


def _array_index(
    expr: RuntimeExpression, array: list[Any] | tuple[Any, ...], token: str, place: str
) -> int:
    if token == "-":
        raise _unresolved(expr, f"'-' (past the last element) never resolves, in {place}")
    # RFC 6901 array indices: "0" or digits without a leading zero.
    if not token.isdigit() or not token.isascii() or (len(token) > 1 and token[0] == "0"):
        raise _unresolved(expr, f"'{token}' is not an array index, in {place}")
    index = int(token)
    if index >= len(array):
        raise _unresolved(expr, f"index {index} out of range (length {len(array)}) in {place}")
    return index
