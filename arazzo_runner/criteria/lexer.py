"""The first stage of a simple condition: text to tokens.

Conditions have a real lexer, unlike runtime expressions (``expressions/parser.py``),
because their tokens do not depend on where they appear. Positions are offsets into
the condition, so errors can draw a caret under the problem.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

from ..errors import ExpressionError
from ..expressions import scan_expression

__all__ = ["KEYWORDS", "Kind", "Lexer", "Token"]


class Kind(Enum):
    """What a token is; the parser dispatches on it."""

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
class Token:
    kind: Kind
    text: str  # as written
    start: int
    end: int
    # A literal's value (number, string, true/false/null) or, for EXPRESSION, the
    # parsed RuntimeExpression; None for operators and punctuation.
    value: Any = None


KEYWORDS: Mapping[str, Any] = {"true": True, "false": False, "null": None}
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NAME_START = frozenset(string.ascii_letters + "_")
# ASCII only: str.isdigit() also accepts characters like '²' that are not JSON digits.
_DIGITS = frozenset(string.digits)
_WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_.")

# Longest first, so "<=" wins over "<".
_OPERATORS: tuple[tuple[str, Kind], ...] = (
    ("==", Kind.COMPARE),
    ("!=", Kind.COMPARE),
    ("<=", Kind.COMPARE),
    (">=", Kind.COMPARE),
    ("&&", Kind.AND),
    ("||", Kind.OR),
    ("<", Kind.COMPARE),
    (">", Kind.COMPARE),
    ("!", Kind.NOT),
    ("(", Kind.LPAREN),
    (")", Kind.RPAREN),
    ("[", Kind.LBRACKET),
    ("]", Kind.RBRACKET),
    ("}", Kind.RBRACE),
    (".", Kind.DOT),
)

# Single characters people reach for from other languages.
_LOOKALIKES: Mapping[str, tuple[str, str]] = {
    "=": ("unexpected '='", "compare with '=='"),
    "&": ("unexpected '&'", "'and' is written '&&'"),
    "|": ("unexpected '|'", "'or' is written '||'"),
    "-": ("unexpected '-'", "negative numbers are written -5; there is no arithmetic"),
}


class Lexer:
    """Turns a condition into tokens; positions are offsets into the condition."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def tokens(self) -> list[Token]:
        tokens: list[Token] = []
        while True:
            self._skip_space()
            if self.pos >= len(self.text):
                tokens.append(Token(Kind.END, "", self.pos, self.pos))
                return tokens
            token = self._next()
            tokens.append(token)
            self.pos = token.end

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _next(self) -> Token:
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

    def _expression(self) -> Token:
        found = scan_expression(self.text, self.pos, strict=True)
        assert found is not None  # strict scanning raises instead of returning None
        expression, end = found
        return Token(Kind.EXPRESSION, self.text[self.pos : end], self.pos, end, expression)

    def _brace(self) -> Token:
        # "{$inputs.x}" is one embedded expression; any other "{" can only be the
        # wrapper around a whole condition ("{$statusCode == 401}"), which the parser
        # checks.
        if self.text.startswith("{$", self.pos):
            found = scan_expression(self.text, self.pos + 1, strict=True)
            assert found is not None
            expression, end = found
            if self.text.startswith("}", end):
                return Token(
                    Kind.EXPRESSION, self.text[self.pos : end + 1], self.pos, end + 1, expression
                )
        return Token(Kind.LBRACE, "{", self.pos, self.pos + 1)

    def _string(self) -> Token:
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
                return Token(
                    Kind.STRING,
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

    def _number(self) -> Token:
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
        return Token(Kind.NUMBER, literal, self.pos, end, value)

    def _name(self) -> Token:
        match = _NAME.match(self.text, self.pos)
        assert match is not None  # _next checked the first character
        word = match.group()
        kind = Kind.KEYWORD if word in KEYWORDS else Kind.NAME
        return Token(kind, word, self.pos, match.end(), KEYWORDS.get(word))

    def _operator(self) -> Token:
        for symbol, kind in _OPERATORS:
            if self.text.startswith(symbol, self.pos):
                return Token(kind, symbol, self.pos, self.pos + len(symbol))
        char = self.text[self.pos]
        if char in _LOOKALIKES:
            message, hint = _LOOKALIKES[char]
            raise self._error(message, hint=hint)
        raise self._error(f"unexpected character {char!r}")

    def _error(self, message: str, hint: str | None = None) -> ExpressionError:
        return ExpressionError(message, text=self.text, position=self.pos, hint=hint)
