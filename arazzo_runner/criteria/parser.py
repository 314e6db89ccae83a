"""The second stage of a simple condition: tokens to an AST of :class:`Condition` nodes."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ExpressionError
from .ast import And, Comparison, Condition, Index, Literal, Member, Not, Or, Reference
from .lexer import KEYWORDS, Kind, Lexer, Token

__all__ = ["parse_condition"]

# The binary operators: the node each builds and how tightly it binds (higher first).
_BINARY: Mapping[Kind, tuple[int, type[And] | type[Or]]] = {
    Kind.OR: (1, Or),
    Kind.AND: (2, And),
}


class _Parser:
    """Recursive descent, lowest precedence first::

    condition  := "{" or "}" | or
    or         := and ("||" and)*
    and        := comparison ("&&" comparison)*
    comparison := unary [COMPARE unary]        -- not chainable
    unary      := "!" unary | postfix
    postfix    := primary ("." NAME | "[" (NUMBER | STRING) "]")*
    primary    := NUMBER | STRING | true | false | null | EXPRESSION | "(" or ")"

    ``or`` and ``and`` differ only in their operator and node, so one method,
    :meth:`_binary`, parses both from the ``_BINARY`` table.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = Lexer(text).tokens()
        self.index = 0

    def parse(self) -> Condition:
        if self._peek().kind is Kind.END:
            raise self._error("empty condition", self._peek())
        node = self._wrapped() if self._peek().kind is Kind.LBRACE else self._binary()
        token = self._peek()
        if token.kind is not Kind.END:
            raise self._error(
                f"unexpected {_show(token)} after a complete condition",
                token,
                hint="combine conditions with && or ||",
            )
        return node

    def _wrapped(self) -> Condition:
        # The spec's own example writes "{$statusCode == 401}".
        opening = self._advance()
        node = self._binary()
        self._expect(Kind.RBRACE, f"expected '}}' to close the '{{' at column {opening.start + 1}")
        return node

    def _binary(self, min_precedence: int = 1) -> Condition:
        """The ``or`` and ``and`` rules in one loop (precedence climbing, left-associative).

        Only operators of at least ``min_precedence`` are consumed here; a looser one
        ends this operand and is left to the caller that is building the looser node.
        """
        start = self._peek().start
        node = self._comparison()
        while (binary := _BINARY.get(self._peek().kind)) and binary[0] >= min_precedence:
            precedence, node_class = binary
            self._advance()
            right = self._binary(precedence + 1)
            node = node_class(self._source(start), node, right)
        return node

    def _comparison(self) -> Condition:
        start = self._peek().start
        left = self._unary()
        if self._peek().kind is not Kind.COMPARE:
            return left
        op = self._advance().text
        right = self._unary()
        following = self._peek()
        if following.kind is Kind.COMPARE:
            raise self._error(
                "comparison operators cannot be chained",
                following,
                hint="combine comparisons with &&: a < b && b < c",
            )
        return Comparison(self._source(start), op, left, right)

    def _unary(self) -> Condition:
        token = self._peek()
        if token.kind is not Kind.NOT:
            return self._postfix()
        self._advance()
        operand = self._unary()
        return Not(self._source(token.start), operand)

    def _postfix(self) -> Condition:
        start = self._peek().start
        node = self._primary()
        while self._peek().kind in (Kind.DOT, Kind.LBRACKET):
            if self._advance().kind is Kind.DOT:
                name = self._member_name()
                node = Member(self._source(start), node, name)
            else:
                key = self._index_key()
                self._expect(Kind.RBRACKET, "expected ']' to close '['")
                node = Index(self._source(start), node, key)
        return node

    def _member_name(self) -> str:
        token = self._peek()
        is_index = token.kind is Kind.NUMBER and isinstance(token.value, int) and token.value >= 0
        if token.kind in (Kind.NAME, Kind.KEYWORD) or is_index:
            return self._advance().text
        raise self._error(f"expected a property name after '.', found {_show(token)}", token)

    def _index_key(self) -> int | str:
        token = self._peek()
        if token.kind is Kind.STRING:
            return str(self._advance().value)
        if token.kind is Kind.NUMBER:
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
        if token.kind in (Kind.NUMBER, Kind.STRING, Kind.KEYWORD):
            self._advance()
            return Literal(token.text, token.value)
        if token.kind is Kind.EXPRESSION:
            self._advance()
            return Reference(token.text, token.value)
        if token.kind is Kind.LPAREN:
            self._advance()
            node = self._binary()
            self._expect(Kind.RPAREN, f"expected ')' to close the '(' at column {token.start + 1}")
            return node
        raise self._missing_operand(token)

    def _missing_operand(self, token: Token) -> ExpressionError:
        if token.kind is Kind.NAME:
            return self._bare_name(token)
        if token.kind is Kind.LBRACE:
            return self._error(
                "'{' may only wrap the whole condition", token, hint="use ( ) to group"
            )
        after = f" after '{self.tokens[self.index - 1].text}'" if self.index else ""
        found = "" if token.kind is Kind.END else f", found {_show(token)}"
        return self._error(f"expected an operand{after}{found}", token)

    def _bare_name(self, token: Token) -> ExpressionError:
        if token.text.lower() in KEYWORDS:
            hint = f"literals are lowercase: {token.text.lower()}"
        else:
            hint = f"string literals need single quotes: '{token.text}'"
        return self._error(f"unexpected name '{token.text}'", token, hint=hint)

    # -- token plumbing

    def _peek(self) -> Token:
        return self.tokens[self.index]

    def _advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not Kind.END:
            self.index += 1
        return token

    def _expect(self, kind: Kind, message: str) -> Token:
        token = self._peek()
        if token.kind is not kind:
            found = "the end" if token.kind is Kind.END else _show(token)
            raise self._error(f"{message}, found {found}", token)
        return self._advance()

    def _source(self, start: int) -> str:
        """The condition text from ``start`` to the end of the last token consumed."""
        return self.text[start : self.tokens[self.index - 1].end]

    def _error(self, message: str, token: Token, hint: str | None = None) -> ExpressionError:
        return ExpressionError(message, text=self.text, position=token.start, hint=hint)


def _show(token: Token) -> str:
    return "the end of the condition" if token.kind is Kind.END else f"'{token.text}'"


def parse_condition(text: str) -> Condition:
    """Parse a simple condition into its AST; raises ExpressionError when malformed."""
    return _Parser(text).parse()
