"""Evaluating a request body's payload: absent values, and JSON text templates.

Two readings here go beyond plain expression evaluation (docs/semantics.md,
"Payloads"):

* A reference to something absent (an input not given, a step that did not
  run) is ``null`` in a payload, with a warning, instead of failing the step:
  the spec's own examples rely on it (an optional ``quantity`` input; a body
  naming both the enrolled and the new customer, only one of which exists).
* A string payload sent as JSON is a JSON *text* template. Its placeholders
  are filled so that the result is always valid JSON: ``"{$inputs.customer}"``
  (a placeholder that is a whole JSON string) becomes the value itself, of its
  own type, an object stays an object; a placeholder inside a longer string is
  escaped as string content; one outside any string is the value as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .ast import RuntimeExpression
from .context import ExpressionContext, UnresolvedReference
from .values import Array, CompiledValue, Literal, Object, Template, Whole, value_to_text

__all__ = ["OnMissing", "evaluate_payload", "is_text_template"]

OnMissing = Callable[[UnresolvedReference], None]


def is_text_template(payload: CompiledValue) -> bool:
    """Whether ``payload`` always evaluates to a string (a literal or a template)."""
    if isinstance(payload, Literal):
        return isinstance(payload.value, str)
    return isinstance(payload, Template)


def evaluate_payload(
    payload: CompiledValue, context: ExpressionContext, *, json_text: bool, on_missing: OnMissing
) -> Any:
    """Evaluate ``payload``; absent references become null (reported via ``on_missing``)."""
    if isinstance(payload, Literal):
        return payload.value
    if isinstance(payload, Whole):
        return _resolve(payload.expression, context, on_missing)
    if isinstance(payload, Object):
        return {
            key: evaluate_payload(value, context, json_text=False, on_missing=on_missing)
            for key, value in payload.items
        }
    if isinstance(payload, Array):
        return [
            evaluate_payload(item, context, json_text=False, on_missing=on_missing)
            for item in payload.items
        ]
    if isinstance(payload, Template):
        if json_text:
            return _render_json_template(payload.parts, context, on_missing)
        return "".join(
            part if isinstance(part, str) else _text(_resolve(part, context, on_missing))
            for part in payload.parts
        )
    # Any other compiled value (an Arazzo 1.1 Selector Object): absent is null here too.
    try:
        return payload.evaluate(context)
    except UnresolvedReference as exc:
        on_missing(exc)
        return None


def _resolve(
    expression: RuntimeExpression, context: ExpressionContext, on_missing: OnMissing
) -> Any:
    try:
        return expression.evaluate(context)
    except UnresolvedReference as exc:
        on_missing(exc)
        return None


def _text(value: Any) -> str:
    return "" if value is None else value_to_text(value)


def _render_json_template(
    parts: tuple[str | RuntimeExpression, ...],
    context: ExpressionContext,
    on_missing: OnMissing,
) -> str:
    """Fill a JSON text template so that the result is JSON (see the module docstring)."""
    out: list[str] = []
    scanner = _JsonScanner()
    skip_closing_quote = False
    for index, part in enumerate(parts):
        if isinstance(part, str):
            if skip_closing_quote:
                part = part[1:]
                skip_closing_quote = False
            scanner.feed(part)
            out.append(part)
            continue
        value = _resolve(part, context, on_missing)
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if scanner.just_opened and isinstance(following, str) and following.startswith('"'):
            # "{$x}" is the whole JSON string: put the value there, with its own type.
            out[-1] = out[-1][:-1]
            out.append(_json(value))
            scanner.close_string()
            skip_closing_quote = True
        elif scanner.in_string:
            out.append(json.dumps(_text(value), ensure_ascii=False)[1:-1])
            scanner.just_opened = False
        else:
            out.append(_json(value))
    return "".join(out)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class _JsonScanner:
    """Follows whether JSON text is inside a string literal, across fragments."""

    def __init__(self) -> None:
        self.in_string = False
        self.escaped = False
        self.just_opened = False
        """The last character fed opened a string."""

    def feed(self, text: str) -> None:
        for char in text:
            self.just_opened = False
            if not self.in_string:
                if char == '"':
                    self.in_string = self.just_opened = True
            elif self.escaped:
                self.escaped = False
            elif char == "\\":
                self.escaped = True
            elif char == '"':
                self.in_string = False

    def close_string(self) -> None:
        self.in_string = self.escaped = self.just_opened = False
