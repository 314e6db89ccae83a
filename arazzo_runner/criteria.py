"""Criterion Objects: simple conditions and regex conditions.

A simple condition goes through a lexer (:class:`_Lexer`), a recursive-descent
parser (:class:`_Parser`) that builds an AST of :class:`Condition` nodes, and an
evaluator (the nodes' ``evaluate`` methods). Everything is parsed once by
:func:`compile_criterion`; :meth:`CompiledCriterion.check` only evaluates.

Every rule this module follows where the specification leaves room (precedence,
how mixed types compare, what counts as passing, what happens to missing data) is
recorded, with examples, in ``docs/semantics.md`` ("Criteria").
"""

from __future__ import annotations

import operator
import re
import string
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any, Protocol

from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import (
    CompiledValue,
    ExpressionContext,
    RuntimeExpression,
    UnresolvedReference,
    compile_template,
    parse_expression,
    scan_expression,
    value_to_text,
)

__all__ = [
    "And",
    "Comparison",
    "CompiledCriterion",
    "Condition",
    "CriterionOutcome",
    "Index",
    "Literal",
    "Member",
    "Not",
    "Or",
    "Reference",
    "compare",
    "compile_criterion",
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
# What a numeric string looks like when it is coerced for a comparison with a number.
_NUMERIC_STRING = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")


def compare(op: str, left: Any, right: Any) -> bool:
    """Apply a comparison operator with the loose typing rules of docs/semantics.md."""
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
                return CriterionOutcome(True, f"{self.condition.source} is true")
            return _failure(self.condition.explain(ctx))
        except UnresolvedReference as exc:
            return _failure(str(exc))

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


def _not_supported_yet(kind: str) -> _Compiler:
    def compile_unsupported(
        condition: str, context: str | None, version: str | None
    ) -> CompiledCriterion:
        raise ExpressionError(
            f"criterion type '{kind}' is not supported yet",
            hint="use a simple condition or a regex instead",
            field="type",
        )

    return compile_unsupported


# One entry per criterion type; supporting a new one means replacing its entry.
_COMPILERS: dict[str, _Compiler] = {
    "simple": _compile_simple,
    "regex": _compile_regex,
    "jsonpath": _not_supported_yet("jsonpath"),
    "xpath": _not_supported_yet("xpath"),
}

# The versions a Criterion Expression Type Object may name (Arazzo 1.0.1).
_VERSIONS: Mapping[str, tuple[str, ...]] = {
    "jsonpath": ("draft-goessner-dispatch-jsonpath-00",),
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
