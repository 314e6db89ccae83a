"""Criterion Objects: simple, regex, JSONPath and XPath conditions.

A simple condition goes through a lexer (:class:`_Lexer`), a recursive-descent
parser (:class:`_Parser`) that builds an AST of :class:`Condition` nodes, and an
evaluator (the nodes' ``evaluate`` methods). Everything is parsed once by
:func:`compile_criterion`; :meth:`CompiledCriterion.check` only evaluates.

JSONPath queries are compiled by python-jsonpath (RFC 9535 in strict mode, its
lenient mode for the Goessner draft), XPath 1.0 by lxml and XPath 2.0/3.0/3.1 by
elementpath; :func:`compile_jsonpath` and :func:`compile_xpath` are the entry points
the criteria and the compliance tests share.

Every rule this module follows where the specification leaves room (precedence,
how mixed types compare, what counts as passing, what happens to missing data) is
recorded, with examples, in ``docs/semantics.md`` ("Criteria" and "Criteria: jsonpath
and xpath").
"""

from __future__ import annotations

import functools
import json
import math
import operator
import re
import string
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import TYPE_CHECKING, Any, Protocol

from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import (
    CompiledValue,
    ExpressionContext,
    RuntimeExpression,
    UnresolvedReference,
    compile_template,
    parse_expression,
    scan_expression,
    template_placeholders,
    value_to_text,
)

# python-jsonpath, elementpath and lxml take about 150 ms to import together, and
# most documents use only simple criteria: each is imported by the first criterion
# that needs it, never at module level.
if TYPE_CHECKING:
    from jsonpath import CompoundJSONPath, JSONPath
    from lxml import etree

__all__ = [
    "And",
    "Comparison",
    "CompiledCriterion",
    "Condition",
    "CriterionOutcome",
    "Index",
    "JsonPathQuery",
    "Literal",
    "Member",
    "Not",
    "Or",
    "Reference",
    "XPathQuery",
    "compare",
    "compile_criterion",
    "compile_jsonpath",
    "compile_xpath",
    "parse_condition",
]


@dataclass(frozen=True)
class CriterionOutcome:
    """Whether a criterion passed, and a sentence saying why (or why not)."""

    passed: bool
    detail: str


class CompiledCriterion(Protocol):
    def check(self, ctx: ExpressionContext) -> CriterionOutcome: ...

    def expressions(self) -> list[RuntimeExpression]: ...


# --------------------------------------------------------------------------- lexer


class _Kind(Enum):
    NUMBER = auto()
    STRING = auto()
    KEYWORD = auto()  # true, false, null
    NAME = auto()
    EXPRESSION = auto()
    COMPARE = auto()  # == != < <= > >=
    AND = auto()
    OR = auto()
    NOT = auto()
    LPAREN = auto()
    RPAREN = auto()
    LBRACKET = auto()
    RBRACKET = auto()
    LBRACE = auto()
    RBRACE = auto()
    DOT = auto()
    END = auto()


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _Kind
    text: str  # as written
    start: int
    end: int
    value: Any = None


_KEYWORDS: Mapping[str, Any] = {"true": True, "false": False, "null": None}
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NAME_START = frozenset(string.ascii_letters + "_")
# ASCII only: str.isdigit() also accepts characters like '²' that are not JSON digits.
_DIGITS = frozenset(string.digits)
_WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_.")

# Longest first, so "<=" wins over "<".
_OPERATORS: tuple[tuple[str, _Kind], ...] = (
    ("==", _Kind.COMPARE),
    ("!=", _Kind.COMPARE),
    ("<=", _Kind.COMPARE),
    (">=", _Kind.COMPARE),
    ("&&", _Kind.AND),
    ("||", _Kind.OR),
    ("<", _Kind.COMPARE),
    (">", _Kind.COMPARE),
    ("!", _Kind.NOT),
    ("(", _Kind.LPAREN),
    (")", _Kind.RPAREN),
    ("[", _Kind.LBRACKET),
    ("]", _Kind.RBRACKET),
    ("}", _Kind.RBRACE),
    (".", _Kind.DOT),
)

# Single characters people reach for from other languages.
_LOOKALIKES: Mapping[str, tuple[str, str]] = {
    "=": ("unexpected '='", "compare with '=='"),
    "&": ("unexpected '&'", "'and' is written '&&'"),
    "|": ("unexpected '|'", "'or' is written '||'"),
    "-": ("unexpected '-'", "negative numbers are written -5; there is no arithmetic"),
}


class _Lexer:
    """Turns a condition into tokens; positions are offsets into the condition."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def tokens(self) -> list[_Token]:
        tokens: list[_Token] = []
        while True:
            self._skip_space()
            if self.pos >= len(self.text):
                tokens.append(_Token(_Kind.END, "", self.pos, self.pos))
                return tokens
            token = self._next()
            tokens.append(token)
            self.pos = token.end

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _next(self) -> _Token:
        char = self.text[self.pos]
        if char == "$":
            return self._expression()
        if char == "{":
            return self._brace()
        if char == "'":
            return self._string()
        if char == '"':
            raise self._double_quoted()
        if char in _DIGITS or (char == "-" and self.text[self.pos + 1 : self.pos + 2] in _DIGITS):
            return self._number()
        if char in _NAME_START:
            return self._name()
        return self._operator()

    def _expression(self) -> _Token:
        found = scan_expression(self.text, self.pos, strict=True)
        assert found is not None  # strict scanning raises instead of returning None
        expression, end = found
        return _Token(_Kind.EXPRESSION, self.text[self.pos : end], self.pos, end, expression)

    def _brace(self) -> _Token:
        # "{$inputs.x}" is one embedded expression; any other "{" can only be the
        # wrapper around a whole condition ("{$statusCode == 401}"), which the parser
        # checks.
        if self.text.startswith("{$", self.pos):
            found = scan_expression(self.text, self.pos + 1, strict=True)
            assert found is not None
            expression, end = found
            if self.text.startswith("}", end):
                return _Token(
                    _Kind.EXPRESSION, self.text[self.pos : end + 1], self.pos, end + 1, expression
                )
        return _Token(_Kind.LBRACE, "{", self.pos, self.pos + 1)

    def _string(self) -> _Token:
        index = self.pos + 1
        chunks: list[str] = []
        while True:
            close = self.text.find("'", index)
            if close < 0:
                raise self._error(
                    f"unterminated string starting at column {self.pos + 1}",
                    hint="close it with ' (write '' for a quote inside a string)",
                )
            chunks.append(self.text[index:close])
            if not self.text.startswith("''", close):
                return _Token(
                    _Kind.STRING,
                    self.text[self.pos : close + 1],
                    self.pos,
                    close + 1,
                    "'".join(chunks),
                )
            index = close + 2  # '' is an escaped quote

    def _double_quoted(self) -> ExpressionError:
        close = self.text.find('"', self.pos + 1)
        content = self.text[self.pos + 1 : close] if close != -1 else "..."
        quoted = "'" + content.replace("'", "''") + "'"
        return self._error(
            "double-quoted strings are not allowed in conditions",
            hint=f"use single quotes: {quoted}",
        )

    def _number(self) -> _Token:
        match = _NUMBER.match(self.text, self.pos)
        assert match is not None  # _next checked for a digit
        end = match.end()
        if end < len(self.text) and self.text[end] in _WORD_CHARS:
            word = self.text[self.pos : end + 1]
            raise self._error(
                f"malformed number starting '{word}'",
                hint="numbers are written like 200, -1, 0.5 or 1e3",
            )
        literal = match.group()
        value: int | float = float(literal) if any(c in literal for c in ".eE") else int(literal)
        return _Token(_Kind.NUMBER, literal, self.pos, end, value)

    def _name(self) -> _Token:
        match = _NAME.match(self.text, self.pos)
        assert match is not None  # _next checked the first character
        word = match.group()
        kind = _Kind.KEYWORD if word in _KEYWORDS else _Kind.NAME
        return _Token(kind, word, self.pos, match.end(), _KEYWORDS.get(word))

    def _operator(self) -> _Token:
        for symbol, kind in _OPERATORS:
            if self.text.startswith(symbol, self.pos):
                return _Token(kind, symbol, self.pos, self.pos + len(symbol))
        char = self.text[self.pos]
        if char in _LOOKALIKES:
            message, hint = _LOOKALIKES[char]
            raise self._error(message, hint=hint)
        raise self._error(f"unexpected character {char!r}")

    def _error(self, message: str, hint: str | None = None) -> ExpressionError:
        return ExpressionError(message, text=self.text, position=self.pos, hint=hint)


# --------------------------------------------------------------------------- AST


class Condition(ABC):
    """A node of a simple condition. ``source`` is the text it was parsed from."""

    source: str

    @abstractmethod
    def evaluate(self, ctx: ExpressionContext) -> Any:
        """The node's value; raises UnresolvedReference only when a source is missing."""

    def resolve(self, ctx: ExpressionContext) -> tuple[Any, str | None]:
        """The value, and why it is null when it is null because data is missing."""
        return self.evaluate(ctx), None

    def explain(self, ctx: ExpressionContext) -> str:
        """Why this node, as a whole condition, is not true."""
        value, missing = self.resolve(ctx)
        shown = f"missing ({missing})" if missing else _render(value)
        return f"{self.source} is {shown}; a condition passes only when it is true"

    def expressions(self) -> list[RuntimeExpression]:
        return []


@dataclass(frozen=True, slots=True)
class Literal(Condition):
    source: str
    value: Any

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class Reference(Condition):
    """A runtime expression used as an operand."""

    source: str
    expression: RuntimeExpression

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.resolve(ctx)[0]

    def resolve(self, ctx: ExpressionContext) -> tuple[Any, str | None]:
        try:
            return self.expression.evaluate(ctx), None
        except UnresolvedReference as exc:
            # Absent data reads as null ("$response.body#/token != null"); an absent
            # source (no response, step never ran) cannot be judged, so it propagates.
            if exc.source_missing:
                raise
            return None, exc.reason

    def expressions(self) -> list[RuntimeExpression]:
        return [self.expression]


@dataclass(frozen=True, slots=True)
class Member(Condition):
    """``target.name``: an object member, or an array element for a digit name."""

    source: str
    target: Condition
    name: str

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.resolve(ctx)[0]

    def resolve(self, ctx: ExpressionContext) -> tuple[Any, str | None]:
        value, missing = self.target.resolve(ctx)
        if missing:
            return None, missing
        key: int | str = int(self.name) if self.name.isdigit() else self.name
        return _lookup(value, key, self.target.source)

    def expressions(self) -> list[RuntimeExpression]:
        return self.target.expressions()


@dataclass(frozen=True, slots=True)
class Index(Condition):
    """``target[0]`` (array element) or ``target['name']`` (object member)."""

    source: str
    target: Condition
    key: int | str

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.resolve(ctx)[0]

    def resolve(self, ctx: ExpressionContext) -> tuple[Any, str | None]:
        value, missing = self.target.resolve(ctx)
        if missing:
            return None, missing
        return _lookup(value, self.key, self.target.source)

    def expressions(self) -> list[RuntimeExpression]:
        return self.target.expressions()


def _lookup(value: Any, key: int | str, where: str) -> tuple[Any, str | None]:
    if isinstance(value, Mapping):
        if str(key) in value:
            return value[str(key)], None
        return None, f"no member '{key}' in {where}"
    if isinstance(value, list | tuple) and isinstance(key, int):
        if key < len(value):
            return value[key], None
        return None, f"index {key} out of range (length {len(value)}) in {where}"
    return None, f"cannot look up {key!r} in {where}, which is {_render(value)}"


@dataclass(frozen=True, slots=True)
class Not(Condition):
    source: str
    operand: Condition

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.operand.evaluate(ctx) is not True

    def explain(self, ctx: ExpressionContext) -> str:
        return f"{self.source} is false because {self.operand.source} is true"

    def expressions(self) -> list[RuntimeExpression]:
        return self.operand.expressions()


@dataclass(frozen=True, slots=True)
class And(Condition):
    source: str
    left: Condition
    right: Condition

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.left.evaluate(ctx) is True and self.right.evaluate(ctx) is True

    def explain(self, ctx: ExpressionContext) -> str:
        # The first operand that is not true is the reason (the evaluation short-circuits
        # the same way, so the right side may never have been looked at).
        if self.left.evaluate(ctx) is not True:
            return self.left.explain(ctx)
        return self.right.explain(ctx)

    def expressions(self) -> list[RuntimeExpression]:
        return self.left.expressions() + self.right.expressions()


@dataclass(frozen=True, slots=True)
class Or(Condition):
    source: str
    left: Condition
    right: Condition

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.left.evaluate(ctx) is True or self.right.evaluate(ctx) is True

    def explain(self, ctx: ExpressionContext) -> str:
        return f"{self.left.explain(ctx)}; and {self.right.explain(ctx)}"

    def expressions(self) -> list[RuntimeExpression]:
        return self.left.expressions() + self.right.expressions()


@dataclass(frozen=True, slots=True)
class Comparison(Condition):
    source: str
    operator: str
    left: Condition
    right: Condition

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return compare(self.operator, self.left.evaluate(ctx), self.right.evaluate(ctx))

    def explain(self, ctx: ExpressionContext) -> str:
        described = [_describe(operand, ctx) for operand in (self.left, self.right)]
        details = "; ".join(text for text in described if text)
        return f"{self.source} is false" + (f" ({details})" if details else "")

    def expressions(self) -> list[RuntimeExpression]:
        return self.left.expressions() + self.right.expressions()


def _describe(operand: Condition, ctx: ExpressionContext) -> str | None:
    """``$statusCode is 401`` -- what an operand turned out to be (literals need no words)."""
    if isinstance(operand, Literal):
        return None
    value, missing = operand.resolve(ctx)
    if missing:
        return f"{operand.source} is missing: {missing}"
    return f"{operand.source} is {_render(value)}"


_MAX_RENDERED = 80


def _render(value: Any) -> str:
    """A value as a failure message shows it: strings quoted, long ones shortened."""
    text = f"'{value}'" if isinstance(value, str) else value_to_text(value)
    if len(text) > _MAX_RENDERED:
        text = text[: _MAX_RENDERED - 3] + "..."
    return text


# --------------------------------------------------------------------------- comparisons

_ORDERINGS: Mapping[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_INT_COMPARISONS: Mapping[str, Callable[[int, int], bool]] = {
    **_ORDERINGS,
    "==": operator.eq,
    "!=": operator.ne,
}
# What a numeric string looks like when it is coerced for a comparison with a number.
_NUMERIC_STRING = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")


def compare(op: str, left: Any, right: Any) -> bool:
    """Apply a comparison operator with the loose typing rules of docs/semantics.md."""
    if type(left) is int and type(right) is int:
        # `$statusCode == 200` and the like: two plain integers need none of the
        # coercions below, which would compare them exactly like this.
        return _INT_COMPARISONS[op](left, right)
    operands = _comparable(left, right)
    if operands is None:
        # Values of unrelated types are simply different.
        return op == "!="
    a, b, ordered = operands
    if op == "==":
        return _json_equal(a, b)
    if op == "!=":
        return not _json_equal(a, b)
    return ordered and _ORDERINGS[op](a, b)


def _comparable(left: Any, right: Any) -> tuple[Any, Any, bool] | None:
    """Bring two values to a common type: ``(a, b, orderable)``, or None if unrelated."""
    if left is None or right is None:
        return (left, right, False) if left is right else None
    if _is_number(left) and _is_number(right):
        return left, right, True
    if _is_number(left) and isinstance(right, str):
        number = _as_number(right)
        return None if number is None else (left, number, True)
    if isinstance(left, str) and _is_number(right):
        number = _as_number(left)
        return None if number is None else (number, right, True)
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold(), right.casefold(), True
    if isinstance(left, bool) or isinstance(right, bool):
        return _comparable_booleans(left, right)
    if _is_container(left) and _is_container(right):
        return left, right, False
    return None


def _comparable_booleans(left: Any, right: Any) -> tuple[Any, Any, bool] | None:
    # Booleans equal booleans, or the text 'true'/'false' in any case (headers and
    # query values are text). They are never ordered.
    left_text, right_text = _boolean_text(left), _boolean_text(right)
    if left_text is None or right_text is None:
        return None
    return left_text, right_text, False


def _boolean_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.casefold() in ("true", "false"):
        return value.casefold()
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_container(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple)


def _as_number(text: str) -> int | float | None:
    if _NUMERIC_STRING.fullmatch(text) is None:
        return None
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        return float(stripped)


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON sees it: ``true`` is not ``1``, ``1`` is ``1.0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_json_equal(a[key], b[key]) for key in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent, lowest precedence first::

    condition  := "{" or "}" | or
    or         := and ("||" and)*
    and        := comparison ("&&" comparison)*
    comparison := unary [COMPARE unary]        -- not chainable
    unary      := "!" unary | postfix
    postfix    := primary ("." NAME | "[" (NUMBER | STRING) "]")*
    primary    := NUMBER | STRING | true | false | null | EXPRESSION | "(" or ")"
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _Lexer(text).tokens()
        self.index = 0

    def parse(self) -> Condition:
        if self._peek().kind is _Kind.END:
            raise self._error("empty condition", self._peek())
        node = self._wrapped() if self._peek().kind is _Kind.LBRACE else self._or()
        token = self._peek()
        if token.kind is not _Kind.END:
            raise self._error(
                f"unexpected {_show(token)} after a complete condition",
                token,
                hint="combine conditions with && or ||",
            )
        return node

    def _wrapped(self) -> Condition:
        # The spec's own example writes "{$statusCode == 401}".
        opening = self._advance()
        node = self._or()
        self._expect(_Kind.RBRACE, f"expected '}}' to close the '{{' at column {opening.start + 1}")
        return node

    def _or(self) -> Condition:
        start = self._peek().start
        node = self._and()
        while self._peek().kind is _Kind.OR:
            self._advance()
            right = self._and()
            node = Or(self._source(start), node, right)
        return node

    def _and(self) -> Condition:
        start = self._peek().start
        node = self._comparison()
        while self._peek().kind is _Kind.AND:
            self._advance()
            right = self._comparison()
            node = And(self._source(start), node, right)
        return node

    def _comparison(self) -> Condition:
        start = self._peek().start
        left = self._unary()
        if self._peek().kind is not _Kind.COMPARE:
            return left
        op = self._advance().text
        right = self._unary()
        following = self._peek()
        if following.kind is _Kind.COMPARE:
            raise self._error(
                "comparison operators cannot be chained",
                following,
                hint="combine comparisons with &&: a < b && b < c",
            )
        return Comparison(self._source(start), op, left, right)

    def _unary(self) -> Condition:
        token = self._peek()
        if token.kind is not _Kind.NOT:
            return self._postfix()
        self._advance()
        operand = self._unary()
        return Not(self._source(token.start), operand)

    def _postfix(self) -> Condition:
        start = self._peek().start
        node = self._primary()
        while self._peek().kind in (_Kind.DOT, _Kind.LBRACKET):
            if self._advance().kind is _Kind.DOT:
                name = self._member_name()
                node = Member(self._source(start), node, name)
            else:
                key = self._index_key()
                self._expect(_Kind.RBRACKET, "expected ']' to close '['")
                node = Index(self._source(start), node, key)
        return node

    def _member_name(self) -> str:
        token = self._peek()
        is_index = token.kind is _Kind.NUMBER and isinstance(token.value, int) and token.value >= 0
        if token.kind in (_Kind.NAME, _Kind.KEYWORD) or is_index:
            return self._advance().text
        raise self._error(f"expected a property name after '.', found {_show(token)}", token)

    def _index_key(self) -> int | str:
        token = self._peek()
        if token.kind is _Kind.STRING:
            return str(self._advance().value)
        if token.kind is _Kind.NUMBER:
            if not isinstance(token.value, int) or token.value < 0:
                raise self._error(
                    f"an array index must be a whole number from 0 up, not {token.text}", token
                )
            return int(self._advance().value)
        raise self._error(
            f"expected a number or a quoted string inside '[ ]', found {_show(token)}", token
        )

    def _primary(self) -> Condition:
        token = self._peek()
        if token.kind in (_Kind.NUMBER, _Kind.STRING, _Kind.KEYWORD):
            self._advance()
            return Literal(token.text, token.value)
        if token.kind is _Kind.EXPRESSION:
            self._advance()
            return Reference(token.text, token.value)
        if token.kind is _Kind.LPAREN:
            self._advance()
            node = self._or()
            self._expect(_Kind.RPAREN, f"expected ')' to close the '(' at column {token.start + 1}")
            return node
        raise self._missing_operand(token)

    def _missing_operand(self, token: _Token) -> ExpressionError:
        if token.kind is _Kind.NAME:
            return self._bare_name(token)
        if token.kind is _Kind.LBRACE:
            return self._error(
                "'{' may only wrap the whole condition", token, hint="use ( ) to group"
            )
        after = f" after '{self.tokens[self.index - 1].text}'" if self.index else ""
        found = "" if token.kind is _Kind.END else f", found {_show(token)}"
        return self._error(f"expected an operand{after}{found}", token)

    def _bare_name(self, token: _Token) -> ExpressionError:
        if token.text.lower() in _KEYWORDS:
            hint = f"literals are lowercase: {token.text.lower()}"
        else:
            hint = f"string literals need single quotes: '{token.text}'"
        return self._error(f"unexpected name '{token.text}'", token, hint=hint)

    # -- token plumbing

    def _peek(self) -> _Token:
        return self.tokens[self.index]

    def _advance(self) -> _Token:
        token = self.tokens[self.index]
        if token.kind is not _Kind.END:
            self.index += 1
        return token

    def _expect(self, kind: _Kind, message: str) -> _Token:
        token = self._peek()
        if token.kind is not kind:
            found = "the end" if token.kind is _Kind.END else _show(token)
            raise self._error(f"{message}, found {found}", token)
        return self._advance()

    def _source(self, start: int) -> str:
        """The condition text from ``start`` to the end of the last token consumed."""
        return self.text[start : self.tokens[self.index - 1].end]

    def _error(self, message: str, token: _Token, hint: str | None = None) -> ExpressionError:
        return ExpressionError(message, text=self.text, position=token.start, hint=hint)


def _show(token: _Token) -> str:
    return "the end of the condition" if token.kind is _Kind.END else f"'{token.text}'"


def parse_condition(text: str) -> Condition:
    """Parse a simple condition into its AST; raises ExpressionError when malformed."""
    return _Parser(text).parse()


# --------------------------------------------------------------------------- criteria


def _failure(detail: str) -> CriterionOutcome:
    return CriterionOutcome(False, detail)


@dataclass(frozen=True)
class _SimpleCriterion:
    condition: Condition
    # Simple conditions do not use a context; it is still parsed so mistakes surface.
    context: RuntimeExpression | None = None

    def check(self, ctx: ExpressionContext) -> CriterionOutcome:
        try:
            if self.condition.evaluate(ctx) is True:
                return self._passed
            return _failure(self.condition.explain(ctx))
        except UnresolvedReference as exc:
            return _failure(str(exc))

    @functools.cached_property
    def _passed(self) -> CriterionOutcome:
        # Always the same (and immutable): made once instead of on every check.
        return CriterionOutcome(True, f"{self.condition.source} is true")

    def expressions(self) -> list[RuntimeExpression]:
        extra = [self.context] if self.context is not None else []
        return self.condition.expressions() + extra


class _PatternError(Exception):
    """A pattern built from embedded expressions does not compile (fails the check)."""


@dataclass(frozen=True)
class _RegexCriterion:
    context: RuntimeExpression
    # Compiled once when the pattern is fixed, else rebuilt from `template` per check.
    pattern: re.Pattern[str] | None
    template: CompiledValue | None

    def check(self, ctx: ExpressionContext) -> CriterionOutcome:
        try:
            subject = self.context.evaluate(ctx)
            pattern = self.pattern or self._substituted(ctx)
        except (UnresolvedReference, _PatternError) as exc:
            return _failure(str(exc))
        if subject is None:
            return _failure(f"{self.context.text} is null, so /{pattern.pattern}/ cannot match")
        text = value_to_text(subject)
        if pattern.search(text):
            return CriterionOutcome(True, f"{_render(text)} matches /{pattern.pattern}/")
        return _failure(
            f"{self.context.text} is {_render(text)}, which does not match /{pattern.pattern}/"
        )

    def _substituted(self, ctx: ExpressionContext) -> re.Pattern[str]:
        assert self.template is not None
        source = self.template.evaluate(ctx)
        try:
            return re.compile(source)
        except re.error as exc:
            raise _PatternError(f"/{source}/ is not a valid regular expression: {exc}") from None

    def expressions(self) -> list[RuntimeExpression]:
        embedded = self.template.expressions() if self.template is not None else []
        return [self.context, *embedded]


# --------------------------------------------------------------------------- jsonpath

_GOESSNER = "draft-goessner-dispatch-jsonpath-00"
_MAX_SHOWN_NODES = 3


@dataclass(frozen=True)
class JsonPathQuery:
    """A compiled JSONPath query.

    :meth:`select` is the plain RFC 9535 evaluation (the compliance suite runs
    through it); criteria add the root-filter reading on top (see
    :class:`_JsonPathCriterion`).
    """

    text: str
    path: JSONPath | CompoundJSONPath

    def select(self, value: Any) -> list[Any]:
        """The values of the nodelist the query selects from ``value``."""
        from jsonpath import JSONPath

        if isinstance(value, str):
            # The library would parse a string argument as JSON text. A JSON string
            # has no children, so only the bare root query selects anything from it.
            return [value] if isinstance(self.path, JSONPath) and not self.path.segments else []
        return [match.obj for match in self.path.finditer(value)]

    def starts_with_filter(self) -> bool:
        """Whether the first segment is ``[?...]`` on the root (``$[?@.a == 1]``)."""
        from jsonpath import JSONPath
        from jsonpath.segments import JSONPathChildSegment
        from jsonpath.selectors import Filter

        if not isinstance(self.path, JSONPath) or not self.path.segments:
            return False
        first = self.path.segments[0]
        return isinstance(first, JSONPathChildSegment) and all(
            isinstance(selector, Filter) for selector in first.selectors
        )

    def select_root_itself(self, value: Any) -> list[Any]:
        """Evaluate with the root's filter applied to the root value itself.

        ``$[?count(@.pets) > 0]`` on ``{"pets": [...]}``: the root becomes the only
        element of a one-element array, so ``@`` in the first filter is the body.
        """
        return [match.obj for match in self.path.finditer([value])]


def compile_jsonpath(text: str, version: str | None = None) -> JsonPathQuery:
    """Compile an RFC 9535 query (or a Goessner one for that version); ExpressionError if bad."""
    from jsonpath import JSONPathError

    from .jsonpath_dialects import enable_length, environment

    try:
        path = environment(version == _GOESSNER).compile(text)
    except (JSONPathError, RecursionError) as exc:
        raise _jsonpath_error(text, exc) from None
    if version == _GOESSNER:
        enable_length(path)
    return JsonPathQuery(text, path)


def _jsonpath_error(text: str, exc: Exception) -> ExpressionError:
    token = getattr(exc, "token", None)
    position = token.index if token is not None and token.path == text else None
    if position is not None and not 0 <= position <= len(text):
        position = len(text)  # the end-of-query token has no real offset
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    return ExpressionError(
        f"invalid JSONPath query: {message}",
        text=text,
        position=position,
        hint=_jsonpath_hint(text),
    )


_COMPARISON_OUTSIDE_FILTER = re.compile(r"^\$[^?]*?(==|!=|<=|>=|<|>)")


def _jsonpath_hint(text: str) -> str:
    if _COMPARISON_OUTSIDE_FILTER.match(text):
        return (
            "a JSONPath query selects nodes and cannot compare on its own; put the test in "
            "a filter, e.g. $[?@.ok == true], or use a simple condition: $response.body#/ok == true"
        )
    return "JSONPath follows RFC 9535, e.g. $.pets[?@.status == 'available']"


def _shown_nodes(nodes: list[Any]) -> str:
    shown = ", ".join(_render(node) for node in nodes[:_MAX_SHOWN_NODES])
    more = len(nodes) - _MAX_SHOWN_NODES
    return f"[{shown}{f', ... {more} more' if more > 0 else ''}]"


def _node_count(nodes: list[Any]) -> str:
    return f"{len(nodes)} node{'' if len(nodes) == 1 else 's'}"


class _Unusable(Exception):
    """The context value cannot be queried (missing, null, not JSON/XML): the check fails."""


@dataclass(frozen=True)
class _JsonPathCriterion:
    context: RuntimeExpression
    version: str | None
    # Compiled once when the condition is fixed, else rebuilt from `template` per check.
    query: JsonPathQuery | None
    template: CompiledValue | None

    def check(self, ctx: ExpressionContext) -> CriterionOutcome:
        from jsonpath import JSONPathError

        try:
            value = _json_context(self.context, ctx)
            query = self.query or _substituted_jsonpath(self.template, ctx, self.version)
        except (UnresolvedReference, _Unusable) as exc:
            return _failure(str(exc))
        try:
            nodes = query.select(value)
            # Arazzo's own example filters the root object itself; see select_root_itself.
            if not nodes and query.starts_with_filter() and isinstance(value, Mapping):
                return self._root_filter(query, value)
        except (JSONPathError, RecursionError) as exc:
            # e.g. the descendant segment's depth limit on a deeply nested body.
            message = str(exc.args[0]) if exc.args else type(exc).__name__
            return _failure(f"evaluating {_render_query(query)} failed: {message}")
        if nodes:
            return CriterionOutcome(
                True, f"{_render_query(query)} selected {_node_count(nodes)}: {_shown_nodes(nodes)}"
            )
        return _failure(
            f"{_render_query(query)} selected nothing from {self.context.text} "
            f"({_render(value)}); a JSONPath criterion passes when the nodelist is not empty"
        )

    def _root_filter(self, query: JsonPathQuery, value: Any) -> CriterionOutcome:
        nodes = query.select_root_itself(value)
        if nodes:
            return CriterionOutcome(
                True,
                f"{_render_query(query)} matched {self.context.text} itself "
                f"(its filter applied to the root object): {_shown_nodes(nodes)}",
            )
        return _failure(
            f"{_render_query(query)} selected nothing from {self.context.text} "
            f"({_render(value)}), neither among its members nor the object itself"
        )

    def expressions(self) -> list[RuntimeExpression]:
        embedded = self.template.expressions() if self.template is not None else []
        return [self.context, *embedded]


def _render_query(query: JsonPathQuery) -> str:
    return _render(query.text)


def _json_context(context: RuntimeExpression, ctx: ExpressionContext) -> Any:
    """The value a JSONPath query runs against; JSON text is parsed first."""
    value = context.evaluate(ctx)
    if value is None:
        raise _Unusable(f"{context.text} is null, so there is nothing to query")
    if isinstance(value, bytes | bytearray):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        # A body whose content type was not recognised as JSON arrives as text.
        try:
            return json.loads(value)
        except ValueError:
            raise _Unusable(
                f"{context.text} is text that is not JSON ({_render(value)}), "
                "so a JSONPath query cannot run on it"
            ) from None
    return value


def _substituted_jsonpath(
    template: CompiledValue | None, ctx: ExpressionContext, version: str | None
) -> JsonPathQuery:
    assert template is not None
    text = template.evaluate(ctx)
    try:
        return compile_jsonpath(text, version)
    except ExpressionError as exc:
        raise _Unusable(f"{_render(text)} is not a valid JSONPath query: {exc.message}") from None


# Stands in for each {$...} when a templated condition is syntax-checked at load time:
# a number is valid both as a JSONPath/XPath operand and inside a quoted string.
_PLACEHOLDER = "0"


# --------------------------------------------------------------------------- xpath

# XPath 3.1 is the default the Criterion Expression Type Object names; it is the
# version used when a criterion says just ``type: xpath``.
_XPATH_DEFAULT = "xpath-31"
_XPATH_NAMES: Mapping[str, str] = {
    "xpath-10": "XPath 1.0",
    "xpath-20": "XPath 2.0",
    "xpath-30": "XPath 3.0",
    "xpath-31": "XPath 3.1",
}
_ERROR_AT = re.compile(r"at line (\d+), column (\d+)")
_UNDECLARED_PREFIX = re.compile(r"prefix '([^']*)' is not declared")
_MAX_PREFIXES = 32

# Prefix bindings of the document root, as a hashable cache key.
_Namespaces = tuple[tuple[str, str], ...]


class _XPathFailed(Exception):
    """Evaluating an XPath expression raised an error (the check fails, with this text)."""


@dataclass(frozen=True)
class XPathQuery:
    """An XPath expression compiled for one version.

    Prefixes resolve against the namespaces declared on the document's root
    element, which are only known per document: the expression is compiled once
    per distinct set of declarations and the compiled form cached.
    """

    text: str
    version: str
    _compiled: dict[_Namespaces, Any] = field(default_factory=dict, compare=False, repr=False)

    def evaluate(self, tree: etree._ElementTree) -> tuple[bool, str]:
        """The criterion outcome for ``tree`` and a short rendering of the raw result."""
        from elementpath import ElementPathError, XPathContext
        from lxml import etree

        namespaces = _root_namespaces(tree)
        try:
            compiled = self._compiled.get(namespaces)
            if compiled is None:
                compiled = self._compiled[namespaces] = _compile_xpath(
                    self.text, self.version, dict(namespaces)
                )
            if self.version == "xpath-10":
                result = compiled(tree)
                return _xpath1_boolean(result), _render_xpath(result)
            context = XPathContext(root=tree, item=tree.getroot())
            result = compiled.evaluate(context)
            return bool(compiled.boolean_value(result)), _render_xpath(result)
        except (etree.XPathError, ElementPathError) as exc:
            raise _XPathFailed(_xpath_message(exc)) from None


def compile_xpath(text: str, version: str | None = None) -> XPathQuery:
    """Syntax-check ``text`` for ``version`` (default XPath 3.1); ExpressionError if bad."""
    from elementpath import ElementPathError
    from lxml import etree

    chosen = version or _XPATH_DEFAULT
    namespaces: dict[str, str] = {}
    # Prefixes are bound by the document, unknown here: bind each one the parser
    # complains about to a stand-in URI so the rest of the syntax is still checked.
    for _ in range(_MAX_PREFIXES):
        try:
            _compile_xpath(text, chosen, namespaces)
            return XPathQuery(text, chosen)
        except ElementPathError as exc:
            prefix = _UNDECLARED_PREFIX.search(str(exc))
            if prefix is None or prefix.group(1) in namespaces:
                raise _xpath_error(text, chosen, exc) from None
            namespaces[prefix.group(1)] = f"urn:arazzo-runner:prefix:{prefix.group(1)}"
        except etree.XPathError as exc:
            raise _xpath_error(text, chosen, exc) from None
    raise ExpressionError(f"too many namespace prefixes in {text!r}", text=text)


def _compile_xpath(text: str, version: str, namespaces: dict[str, str]) -> Any:
    if version == "xpath-10":
        from lxml import etree

        return etree.XPath(text, namespaces=namespaces or None)
    # Parser instances keep state while parsing, so each compilation gets its own.
    return _elementpath_parser(version)(namespaces=namespaces).parse(text)


def _elementpath_parser(version: str) -> Any:
    if version == "xpath-20":
        from elementpath import XPath2Parser

        return XPath2Parser
    if version == "xpath-30":
        from elementpath.xpath30 import XPath30Parser

        return XPath30Parser
    from elementpath.xpath31 import XPath31Parser

    return XPath31Parser


def _xpath_error(text: str, version: str, exc: Exception) -> ExpressionError:
    return ExpressionError(
        f"invalid {_XPATH_NAMES[version]} expression: {_xpath_message(exc)}",
        text=text,
        position=_xpath_position(text, exc),
        hint="for example: count(/root/pets/*) > 0, or /root/pets",
    )


def _xpath_message(exc: Exception) -> str:
    from elementpath import ElementPathError

    if isinstance(exc, ElementPathError):
        return str(exc.message)
    return str(exc) or type(exc).__name__


def _xpath_position(text: str, exc: Exception) -> int | None:
    from lxml import etree

    if isinstance(exc, etree.XPathSyntaxError):
        last = exc.error_log.last_error
        return min(last.column, len(text)) if last is not None else None
    found = _ERROR_AT.search(str(exc))
    if found is None:
        return None
    line, column = int(found.group(1)), int(found.group(2))
    lines = text.split("\n")
    offset = sum(len(before) + 1 for before in lines[: line - 1])
    return min(offset + column - 1, len(text))


def _root_namespaces(tree: etree._ElementTree) -> _Namespaces:
    # The default namespace (key None) has no prefix to write in XPath 1.0; it is
    # left out for every version so an expression means the same in all of them.
    nsmap = tree.getroot().nsmap
    return tuple(sorted((prefix, uri) for prefix, uri in nsmap.items() if prefix))


def _xpath1_boolean(result: Any) -> bool:
    """XPath 1.0 boolean(): node-sets non-empty, numbers non-zero and not NaN, strings non-empty."""
    if isinstance(result, bool):
        return result
    if isinstance(result, float):
        return result != 0 and not math.isnan(result)
    if isinstance(result, str):
        return bool(result)
    return len(result) > 0


def _render_xpath(result: Any) -> str:
    if isinstance(result, list):
        shown = ", ".join(_render_xpath_item(item) for item in result[:_MAX_SHOWN_NODES])
        more = len(result) - _MAX_SHOWN_NODES
        count = f"{len(result)} item{'' if len(result) == 1 else 's'}"
        return f"{count} [{shown}{f', ... {more} more' if more > 0 else ''}]"
    return _render_xpath_item(result)


def _render_xpath_item(item: Any) -> str:
    from lxml import etree

    element = getattr(item, "elem", item)
    if isinstance(element, etree._Element):
        return f"<{etree.QName(element).localname}>" if isinstance(element.tag, str) else "node"
    value = getattr(item, "value", item)
    if isinstance(value, str):
        return _render(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return _render(value) if isinstance(value, int | float) else _render(str(value))


def _parse_xml(context: RuntimeExpression, value: Any) -> etree._ElementTree:
    """The document an XPath expression runs against; never resolves entities or fetches."""
    from lxml import etree

    if isinstance(value, etree._ElementTree):
        return value
    if isinstance(value, etree._Element):
        return value.getroottree()
    if isinstance(value, str):
        # Text already decoded: its encoding declaration, if any, no longer applies.
        data, encoding = value.encode("utf-8"), "utf-8"
    elif isinstance(value, bytes | bytearray):
        data, encoding = bytes(value), None
    elif value is None:
        raise _Unusable(f"{context.text} is null, so there is no XML document to query")
    else:
        raise _Unusable(
            f"{context.text} is {_render(value)}, not XML text, so an XPath expression "
            "cannot run on it"
        )
    parser = etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,
    )
    try:
        return etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        raise _Unusable(
            f"{context.text} is not well-formed XML ({exc.msg}): {_render(value_to_text(value))}"
        ) from None


@dataclass(frozen=True)
class _XPathCriterion:
    context: RuntimeExpression
    version: str | None
    # Compiled once when the condition is fixed, else rebuilt from `template` per check.
    query: XPathQuery | None
    template: CompiledValue | None

    def check(self, ctx: ExpressionContext) -> CriterionOutcome:
        query: XPathQuery | None = self.query
        try:
            tree = _parse_xml(self.context, self.context.evaluate(ctx))
            query = query or _substituted_xpath(self.template, ctx, self.version)
            passed, shown = query.evaluate(tree)
        except (UnresolvedReference, _Unusable) as exc:
            return _failure(str(exc))
        except _XPathFailed as exc:
            assert query is not None
            return _failure(f"{_render(query.text)} could not be evaluated: {exc}")
        name = _XPATH_NAMES[query.version]
        if passed:
            return CriterionOutcome(True, f"{_render(query.text)} gave {shown}")
        return _failure(
            f"{_render(query.text)} on {self.context.text} gave {shown}, which is false as "
            f"an {name} boolean"
        )

    def expressions(self) -> list[RuntimeExpression]:
        embedded = self.template.expressions() if self.template is not None else []
        return [self.context, *embedded]


def _substituted_xpath(
    template: CompiledValue | None, ctx: ExpressionContext, version: str | None
) -> XPathQuery:
    assert template is not None
    text = template.evaluate(ctx)
    try:
        return compile_xpath(text, version)
    except ExpressionError as exc:
        raise _Unusable(f"{_render(text)} is not a valid XPath expression: {exc.message}") from None


_Compiler = Callable[[str, str | None, str | None], CompiledCriterion]


def _compile_simple(condition: str, context: str | None, version: str | None) -> CompiledCriterion:
    parsed_context = _parse_context(context) if context is not None else None
    return _SimpleCriterion(parse_condition(condition), parsed_context)


def _compile_regex(condition: str, context: str | None, version: str | None) -> CompiledCriterion:
    if context is None:
        raise ExpressionError(
            "a regex criterion needs a context: the value the pattern is matched against",
            hint="add for example: context: $response.body",
            field="context",
        )
    # Only braced {$...} expressions are substituted: a bare '$' is the end anchor.
    template = compile_template(condition, bare=False)
    if template.expressions():
        return _RegexCriterion(_parse_context(context), None, template)
    return _RegexCriterion(_parse_context(context), _compile_pattern(condition), None)


def _compile_pattern(condition: str) -> re.Pattern[str]:
    try:
        return re.compile(condition)
    except re.error as exc:
        raise ExpressionError(
            f"invalid regular expression: {exc.msg}",
            text=condition,
            position=exc.pos,
            hint="regex conditions use Python's re syntax; escape literal characters with \\",
        ) from None


def _require_context(kind: str, context: str | None) -> RuntimeExpression:
    # Both specification versions say the context MUST be given once a type is; a
    # guessed default could silently query the wrong value.
    if context is None:
        raise ExpressionError(
            f"a {kind} criterion needs a context: the value the {kind} condition is applied to",
            hint="add for example: context: $response.body",
            field="context",
        )
    return _parse_context(context)


def _compile_jsonpath_criterion(
    condition: str, context: str | None, version: str | None
) -> CompiledCriterion:
    parsed_context = _require_context("jsonpath", context)
    # Only braced {$...} expressions are substituted: a bare '$' is the JSONPath root.
    template = compile_template(condition, bare=False)
    if template.expressions():
        _check_skeleton(condition, lambda text: compile_jsonpath(text, version))
        return _JsonPathCriterion(parsed_context, version, None, template)
    return _JsonPathCriterion(parsed_context, version, compile_jsonpath(condition, version), None)


def _compile_xpath_criterion(
    condition: str, context: str | None, version: str | None
) -> CompiledCriterion:
    parsed_context = _require_context("xpath", context)
    template = compile_template(condition, bare=False)
    if template.expressions():
        _check_skeleton(condition, lambda text: compile_xpath(text, version))
        return _XPathCriterion(parsed_context, version, None, template)
    return _XPathCriterion(parsed_context, version, compile_xpath(condition, version), None)


def _check_skeleton(condition: str, compile_query: Callable[[str], object]) -> None:
    """Syntax-check a templated condition with each ``{$...}`` replaced by a placeholder."""
    skeleton = template_placeholders(condition, _PLACEHOLDER, bare=False)
    try:
        compile_query(skeleton)
    except ExpressionError as exc:
        raise ExpressionError(
            f"{exc.message} (checked with each {{$...}} replaced by {_PLACEHOLDER})",
            text=skeleton,
            position=exc.position,
            hint=exc.hint,
        ) from None


# One entry per criterion type; supporting a new one means replacing its entry.
_COMPILERS: dict[str, _Compiler] = {
    "simple": _compile_simple,
    "regex": _compile_regex,
    "jsonpath": _compile_jsonpath_criterion,
    "xpath": _compile_xpath_criterion,
}

# The versions a Criterion Expression Type Object may name (Arazzo 1.0.1). Without
# the object, jsonpath means RFC 9535 and xpath means XPath 3.1.
_VERSIONS: Mapping[str, tuple[str, ...]] = {
    "jsonpath": (_GOESSNER,),
    "xpath": ("xpath-30", "xpath-20", "xpath-10"),
}


def _parse_context(context: str) -> RuntimeExpression:
    if not isinstance(context, str):
        raise ExpressionError(
            f"a criterion context must be a string, not {context!r}", field="context"
        )
    # The field is typed {expression}; accept the braced spelling as well.
    braced = context.startswith("{$") and context.endswith("}")
    try:
        return parse_expression(context[1:-1] if braced else context)
    except ExpressionError as exc:
        position = exc.position + 1 if braced and exc.position is not None else exc.position
        raise ExpressionError(
            exc.message, text=context, position=position, hint=exc.hint, field="context"
        ) from None


def _resolve_type(type_: str | Mapping[str, Any] | None) -> tuple[str, str | None]:
    """The criterion type name and, for the object form, its version."""
    if type_ is None:
        return "simple", None
    if isinstance(type_, str):
        if type_ not in _COMPILERS:
            valid = ", ".join(f"'{name}'" for name in _COMPILERS)
            raise ExpressionError(
                f"unknown criterion type '{type_}'; valid types are {valid}", field="type"
            )
        return type_, None
    if isinstance(type_, Mapping):
        return _resolve_type_object(type_)
    raise ExpressionError(
        f"a criterion type must be a string or a {{type, version}} object, not {type_!r}",
        field="type",
    )


def _resolve_type_object(type_: Mapping[str, Any]) -> tuple[str, str]:
    kind = type_.get("type")
    if kind not in _VERSIONS:
        valid = " or ".join(f"'{name}'" for name in _VERSIONS)
        raise ExpressionError(
            f"a criterion expression type object's type must be {valid}, not {kind!r}",
            field="type",
        )
    version = type_.get("version")
    allowed = _VERSIONS[kind]
    if version not in allowed:
        listed = ", ".join(allowed)
        raise ExpressionError(
            f"{version!r} is not a valid {kind} version; valid versions: {listed}"
            if version is not None
            else f"a {kind} criterion expression type object needs a version",
            hint=f"valid versions for {kind}: {listed}",
            field="type",
        )
    return kind, version


def compile_criterion(
    condition: str,
    type_: str | Mapping[str, Any] | None = None,
    context: str | None = None,
) -> CompiledCriterion:
    """Compile a Criterion Object's fields once; ``check`` it as often as needed."""
    if not isinstance(condition, str):
        raise ExpressionError(f"a condition must be a string, not {condition!r}")
    kind, version = _resolve_type(type_)
    return _COMPILERS[kind](condition, context, version)
