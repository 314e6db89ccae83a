"""Runtime expressions (``$inputs.x``, ``$response.body#/a/0``, ...) and string templates.

The pipeline has three stages, one module each, in the spirit of python-jsonpath:

* **reading** (:mod:`.parser`) -- :func:`parse_expression` and
  :func:`scan_expression` walk the text once and produce an immutable
  :class:`RuntimeExpression` (root, fixed names, property accessors, JSON pointer).
* **evaluation** (:mod:`.ast`) -- :meth:`RuntimeExpression.evaluate` resolves the
  expression against an :class:`ExpressionContext` (:mod:`.context`), raising
  :class:`UnresolvedReference` with a precise message when something is not there.
* **values** (:mod:`.values`) -- :func:`compile_value` turns document values
  (parameter values, payloads, outputs) into :class:`CompiledValue` trees that are
  compiled once and evaluated many times; :mod:`.payload` evaluates request bodies.

The rules these modules follow where the specification leaves room are recorded,
with examples, in ``docs/semantics.md`` ("Runtime expressions").
"""

from __future__ import annotations

from .ast import JsonPointer, RuntimeExpression
from .context import ExpressionContext, HttpMessage, UnresolvedReference
from .parser import parse_expression, scan_expression
from .values import (
    Array,
    CompiledValue,
    Literal,
    Object,
    Template,
    Whole,
    compile_template,
    compile_value,
    template_placeholders,
    value_to_text,
)

__all__ = [
    "Array",
    "CompiledValue",
    "ExpressionContext",
    "HttpMessage",
    "JsonPointer",
    "Literal",
    "Object",
    "RuntimeExpression",
    "Template",
    "UnresolvedReference",
    "Whole",
    "compile_template",
    "compile_value",
    "parse_expression",
    "scan_expression",
    "template_placeholders",
    "value_to_text",
]
