"""Whole values that look like one runtime expression but are not one.

``compile_value`` reads ``"$response.body[0].id"`` as a template: the value of
``$response.body`` followed by the text ``[0].id`` (docs/semantics.md, "Strings in
values"). That is never what its author meant, so :func:`read_whole_value` tells
such values apart, with the form that says what was meant, for validation to
report. It also finds values that start like an expression with a root the
grammar does not have (``$datetime.iso8601``), which are sent as literal text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..errors import ExpressionError
from .ast import RuntimeExpression
from .parser import parse_expression, scan_expression

Kind = Literal["continued", "comparison", "unknown-root"]

_COMPARISON = re.compile(r"\s*(==|!=|<=|>=|<|>|&&|\|\|)")
# What continues an expression as a path rather than starting other text: an index
# or a member after it. A lone trailing "." is sentence text ("... $inputs.x.").
_CONTINUATION = re.compile(r"\[|\.[A-Za-z0-9_\[]")
_UNKNOWN_ROOT = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_PATH_TOKEN = re.compile(r"\[(\d+)\]|\[\s*(['\"])(.*?)\2\s*\]|\.([A-Za-z0-9_-]+)")
# Roots whose value may be selected into with a JSON pointer (the grammar allows '#').
_POINTER_ROOTS = frozenset({"inputs", "outputs", "steps", "workflows"})


@dataclass(frozen=True)
class WholeValueReading:
    """How a value that starts with ``$`` falls short of being one expression."""

    kind: Kind
    expression: str
    """The expression it starts with (or, for ``unknown-root``, the unknown root)."""
    rest: str
    """The text after it."""
    suggestion: str | None = None
    """The one expression that selects what the path meant (``continued`` only)."""


def read_whole_value(text: str) -> WholeValueReading | None:
    """None when ``text`` is one expression, or is not meant as one; otherwise how it is not."""
    if not text.startswith("$"):
        return None
    try:
        parse_expression(text)
        return None
    except ExpressionError:
        pass
    try:
        scanned = scan_expression(text, 0)
    except ExpressionError:
        return None  # a known root, malformed: an invalid expression, reported as such
    if scanned is None:
        root = _UNKNOWN_ROOT.match(text)
        return WholeValueReading("unknown-root", root.group(), text[root.end() :]) if root else None
    expression, end = scanned
    rest = text[end:]
    if _COMPARISON.match(rest):
        return WholeValueReading("comparison", expression.text, rest)
    if _CONTINUATION.match(rest):
        return WholeValueReading("continued", expression.text, rest, _as_pointer(expression, rest))
    return None


def _as_pointer(expression: RuntimeExpression, rest: str) -> str | None:
    """``$response.body.items`` + ``[0].id`` as ``$response.body#/items/0/id``, when it can be."""
    if expression.root not in _POINTER_ROOTS and expression.names != ("body",):
        return None
    tokens = _path_tokens(rest)
    if tokens is None:
        return None
    base, written = expression.text, list(expression.properties)
    if written:
        base = base[: len(base) - len("." + ".".join(written))]
    if expression.pointer is not None:
        return expression.text + "".join("/" + _escape(t) for t in tokens)
    return base + "#" + "".join("/" + _escape(t) for t in [*written, *tokens])


def _path_tokens(rest: str) -> list[str] | None:
    """The members and indexes of ``[0].id``-style text; None if it is anything else."""
    tokens, at = [], 0
    while at < len(rest):
        match = _PATH_TOKEN.match(rest, at)
        if match is None:
            return None  # a wildcard, a filter, a call: no pointer selects that
        tokens.append(match.group(1) or match.group(3) or match.group(4) or "")
        at = match.end()
    return tokens


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
