"""Reading runtime expressions: text to :class:`RuntimeExpression`.

The grammar is tiny and the set of allowed characters depends on where we are
(a step id, a header token, a pointer...), so a character-level recursive-descent
reader replaces a separate token stream here; conditions (``criteria/lexer.py``)
have a real lexer because their tokens are context-free.

The rules this module follows where the specification leaves room are recorded,
with examples, in ``docs/semantics.md`` ("Runtime expressions").
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ClassVar

from ..errors import ExpressionError, did_you_mean
from .ast import JsonPointer, RuntimeExpression

__all__ = [
    "WORD_CHARS",
    "arazzo_grammar",
    "grammar_minor",
    "parse_between",
    "parse_expression",
    "scan_expression",
]

_LETTERS = frozenset(string.ascii_letters)
_ID_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_NAME_CHARS = _ID_CHARS | {"."}
# What a word is made of: "US$inputs" is a word containing '$', not an expression.
WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_")
# RFC 9110 tchar: what a header name may contain.
_TCHARS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
# Characters that end a JSON pointer in scanning mode: they are far more likely to
# be condition syntax or surrounding text than part of a member name.
_POINTER_STOPS = frozenset("(){}[]<>=!&|,;\"'")

_COMPONENT_KINDS = ("parameters", "successActions", "failureActions", "inputs")
# Arazzo 1.1's component-type has no "inputs": an inputs schema is reached with a
# JSON Schema $ref, never with a runtime expression.
_COMPONENT_KINDS_1_1 = ("parameters", "successActions", "failureActions")
_ROOT_HINT = (
    "a runtime expression starts with $url, $method, $statusCode, $request., $response., "
    "$inputs., $outputs., $steps., $workflows., $sourceDescriptions. or $components."
)
_ROOT_HINT_1_1 = (
    "a runtime expression starts with $url, $method, $statusCode, $self, $request., "
    "$response., $message., $inputs., $outputs., $steps., $workflows., "
    "$sourceDescriptions. or $components."
)
# What may start an expression when scanning free text. The bare keywords must not run
# on into a longer word ("$urls" is text), the others need their dot.
_ROOT_START = re.compile(
    r"\$(?:(?:url|method|statusCode)(?![A-Za-z0-9_])"
    r"|(?:request|response|inputs|outputs|steps|workflows|sourceDescriptions|components)\.)"
)
_ROOT_START_1_1 = re.compile(
    r"\$(?:(?:url|method|statusCode|self)(?![A-Za-z0-9_])"
    r"|(?:request|response|message|inputs|outputs|steps|workflows|sourceDescriptions"
    r"|components)\.)"
)
# The roots only Arazzo 1.1 has; a 1.0 document that writes them has literal text.
ROOTS_1_1 = frozenset({"self", "message"})

# Which Arazzo grammar expressions are read by: "1.0" (the default) or "1.1". The
# model builder sets it for the document it builds (``arazzo_grammar``), so that
# every reader below it (values, criteria, validation) follows the document's own
# version without each passing it along.
_GRAMMAR: ContextVar[str] = ContextVar("arazzo_grammar", default="1.0")


@contextmanager
def arazzo_grammar(minor: str | None) -> Iterator[None]:
    """Read expressions by the grammar of Arazzo ``minor`` ("1.1"; anything else is 1.0)."""
    token = _GRAMMAR.set("1.1" if minor == "1.1" else "1.0")
    try:
        yield
    finally:
        _GRAMMAR.reset(token)


def grammar_minor() -> str:
    """The Arazzo grammar expressions are read by here: "1.0" or "1.1"."""
    return _GRAMMAR.get()


def _is_1_1() -> bool:
    return _GRAMMAR.get() == "1.1"


def _root_hint() -> str:
    return _ROOT_HINT_1_1 if _is_1_1() else _ROOT_HINT


_Parts = tuple[tuple[str, ...], tuple[str, ...], JsonPointer | None]


class _Parser:
    """Reads one expression from ``text[start:stop]``.

    In *whole-string* mode the expression must fill the range exactly and names may
    use every character their ABNF rule allows. In *scanning* mode the expression
    ends at the first character that cannot continue it, names are limited to
    ``[A-Za-z0-9_.-]`` and a trailing ``.`` is left to the surrounding text.
    Error positions are offsets into the full ``text`` so a caret can point at them.
    """

    def __init__(self, text: str, start: int, stop: int, *, scanning: bool) -> None:
        self.text = text
        self.start = start
        self.pos = start
        self.stop = stop
        self.scanning = scanning

    # -- entry point

    def parse(self) -> RuntimeExpression:
        self.pos += 1  # the caller guarantees text[start] == "$"
        root = self._take(_LETTERS)
        reader = self._ROOT_READERS.get(root)
        if root in ROOTS_1_1 and not _is_1_1():
            reader = None  # a 1.0 document: not a root there
        if reader is None:
            raise self._unknown_root(root)
        names, properties, pointer = reader(self, root)
        if not self.scanning and self.pos < self.stop:
            raise self._error(
                f"unexpected {self.text[self.pos]!r} after '{self._so_far()}'",
                hint="to embed an expression in text, wrap it in braces: {$inputs.name}",
            )
        return RuntimeExpression(self._so_far(), root, names, properties, pointer)

    # -- one reader per root

    def _read_keyword(self, root: str) -> _Parts:
        return (), (), None

    def _read_message(self, root: str) -> _Parts:
        self._expect(".", f"after '${root}'")
        kind_at = self.pos
        kind = self._take(_LETTERS)
        if kind == "body" or (kind == "payload" and _is_1_1()):
            # 1.1's payload-reference: an HTTP message's payload is its body.
            return (kind,), self._read_properties(), self._read_pointer()
        if kind == "header":
            self._expect(".", "after 'header'")
            return ("header", self._read_header()), (), None
        if kind in ("query", "path"):
            self._expect(".", f"after '{kind}'")
            return (kind, self._read_free_name(f"a {kind} parameter name")), (), None
        kinds: tuple[str, ...] = ("header", "query", "path", "body")
        expected = "'header.', 'query.', 'path.' or 'body'"
        if _is_1_1():
            kinds += ("payload",)
            expected = "'header.', 'query.', 'path.', 'body' or 'payload'"
        raise self._error(
            f"expected {expected} after '${root}.'", kind_at, hint=_did_you_mean(kind, kinds)
        )

    def _read_named(self, root: str) -> _Parts:
        self._expect(".", f"after '${root}'")
        noun = "an input name" if root == "inputs" else "an output name"
        return (self._read_name(noun),), (), self._read_pointer()

    def _read_steps(self, root: str) -> _Parts:
        self._expect(".", "after '$steps'")
        step_id = self._read_id("a step id")
        self._expect(
            ".outputs.", f"after '{self._so_far()}'", "write $steps.<stepId>.outputs.<name>"
        )
        return (step_id, "outputs", self._read_name("an output name")), (), self._read_pointer()

    def _read_workflows(self, root: str) -> _Parts:
        self._expect(".", "after '$workflows'")
        workflow_id = self._read_id("a workflow id")
        self._expect(".", f"after '{self._so_far()}'")
        kind = self._read_choice(("inputs", "outputs"))
        self._expect(".", f"after '{kind}'")
        name = self._read_name("an input name" if kind == "inputs" else "an output name")
        return (workflow_id, kind, name), (), self._read_pointer()

    def _read_source_descriptions(self, root: str) -> _Parts:
        self._expect(".", "after '$sourceDescriptions'")
        source = self._read_id("a source description name")
        self._expect(".", f"after '{self._so_far()}'")
        if _is_1_1() and not self.scanning and self.pos < self.stop:
            # 1.1: source-reference-id = 1*CHAR, since operationIds may hold any character.
            reference = self.text[self.pos : self.stop]
            self.pos = self.stop
            return (source, reference), (), None
        return (source, self._read_name("a field name")), (), None

    def _read_components(self, root: str) -> _Parts:
        self._expect(".", "after '$components'")
        if _is_1_1() and self.text.startswith("inputs", self.pos):
            raise self._error(
                "Arazzo 1.1 runtime expressions cannot name components.inputs",
                hint="an inputs schema is reused with a JSON Schema $ref: "
                "{$ref: '#/components/inputs/<name>'}",
            )
        kind = self._read_choice(_COMPONENT_KINDS_1_1 if _is_1_1() else _COMPONENT_KINDS)
        self._expect(".", f"after '{kind}'")
        return (kind, self._read_name("a component name")), (), None

    _ROOT_READERS: ClassVar[Mapping[str, Callable[[_Parser, str], _Parts]]] = {
        "url": _read_keyword,
        "method": _read_keyword,
        "statusCode": _read_keyword,
        "self": _read_keyword,
        "request": _read_message,
        "response": _read_message,
        "message": _read_message,
        "inputs": _read_named,
        "outputs": _read_named,
        "steps": _read_steps,
        "workflows": _read_workflows,
        "sourceDescriptions": _read_source_descriptions,
        "components": _read_components,
    }

    # -- pieces

    def _read_id(self, what: str) -> str:
        """A step id, workflow id or source name: ``[A-Za-z0-9_-]+``."""
        value = self._take(_ID_CHARS)
        if not value:
            raise self._error(f"expected {what} after '{self._so_far()}'")
        return value

    def _read_name(self, what: str) -> str:
        """An input/output/component name: dot-separated ``[A-Za-z0-9_-]+`` segments."""
        begin = self.pos
        value = self._take(_NAME_CHARS)
        if self.scanning:
            # "Token is $inputs.x." -- the final dot ends the sentence, not the name.
            stripped = value.rstrip(".")
            self.pos -= len(value) - len(stripped)
            value = stripped
        if not value:
            raise self._error(f"expected {what} after '{self.text[self.start : begin]}'", begin)
        self._check_segments(value, begin)
        return value

    def _check_segments(self, value: str, begin: int) -> None:
        # Dots separate segments, so "a..b", ".a" and (whole-string) "a." have an empty one.
        offset = 0
        segments = value.split(".")
        for index, segment in enumerate(segments):
            if not segment:
                # Point at the offending dot itself.
                if index == 0:
                    problem, at = "starts with '.'", offset
                elif index == len(segments) - 1:
                    problem, at = "ends with '.'", offset - 1
                else:
                    problem, at = "has two dots in a row", offset
                raise self._error(
                    f"name '{value}' {problem}",
                    begin + at,
                    hint="names are dot-separated words of letters, digits, '_' and '-'",
                )
            offset += len(segment) + 1

    def _read_header(self) -> str:
        if self.scanning:
            return self._read_name("a header name")
        value = self._take(_TCHARS)
        if not value:
            raise self._error(f"expected a header name after '{self._so_far()}'")
        return value

    def _read_free_name(self, what: str) -> str:
        """A query/path parameter name: anything up to the end in whole-string mode."""
        if self.scanning:
            return self._read_name(what)
        if self.pos >= self.stop:
            raise self._error(f"expected {what} after '{self._so_far()}'")
        value = self.text[self.pos : self.stop]
        self.pos = self.stop
        return value

    def _read_choice(self, choices: tuple[str, ...]) -> str:
        begin = self.pos
        word = self._take(_LETTERS)
        if word not in choices:
            listed = ", ".join(f"'{choice}'" for choice in choices)
            raise self._error(
                f"expected one of {listed} after '{self._so_far(begin)}'",
                begin,
                hint=_did_you_mean(word, choices),
            )
        return word

    def _read_properties(self) -> tuple[str, ...]:
        """``.a.b.0`` after ``body``."""
        if self._peek() != ".":
            return ()
        if self.scanning and self._peek(1) not in _NAME_CHARS:
            return ()  # a dot that ends the sentence
        self.pos += 1
        return tuple(self._read_name("a property name").split("."))

    def _read_pointer(self) -> JsonPointer | None:
        if self._peek() != "#":
            return None
        self.pos += 1
        begin = self.pos
        if self.scanning:
            while self.pos < self.stop and not self._ends_pointer(self.text[self.pos]):
                self.pos += 1
            while self.pos > begin and self.text[self.pos - 1] == ".":
                self.pos -= 1
        else:
            self.pos = self.stop
        return self._decode_pointer(begin)

    @staticmethod
    def _ends_pointer(char: str) -> bool:
        return char.isspace() or char in _POINTER_STOPS

    def _decode_pointer(self, begin: int) -> JsonPointer:
        written = self.text[begin : self.pos]
        if written and not written.startswith("/"):
            raise self._error(
                "a JSON pointer must be empty or start with '/'",
                begin,
                hint=f"write #/{written}",
            )
        tokens = tuple(
            self._decode_token(token, begin + offset) for token, offset in _split_pointer(written)
        )
        return JsonPointer(written, tokens)

    def _decode_token(self, token: str, begin: int) -> str:
        out: list[str] = []
        index = 0
        while index < len(token):
            char = token[index]
            if char == "~":
                escaped = token[index + 1 : index + 2]
                if escaped not in ("0", "1"):
                    raise self._error(
                        f"invalid escape '~{escaped}' in JSON pointer",
                        begin + index,
                        hint="write ~0 for '~' and ~1 for '/'",
                    )
                out.append("~" if escaped == "0" else "/")
                index += 2
            else:
                out.append(char)
                index += 1
        return "".join(out)

    # -- low level

    def _peek(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.text[index] if index < self.stop else ""

    def _take(self, allowed: frozenset[str]) -> str:
        begin = self.pos
        while self.pos < self.stop and self.text[self.pos] in allowed:
            self.pos += 1
        return self.text[begin : self.pos]

    def _expect(self, literal: str, where: str, hint: str | None = None) -> None:
        if not self.text.startswith(literal, self.pos) or self.pos + len(literal) > self.stop:
            raise self._error(f"expected '{literal}' {where}", hint=hint)
        self.pos += len(literal)

    def _so_far(self, end: int | None = None) -> str:
        return self.text[self.start : self.pos if end is None else end]

    def _unknown_root(self, root: str) -> ExpressionError:
        if not root:
            return self._error("expected an expression name after '$'", self.start, _root_hint())
        return self._error(f"unknown runtime expression '${root}'", self.start, _root_hint())

    def _error(
        self, message: str, position: int | None = None, hint: str | None = None
    ) -> ExpressionError:
        at = self.pos if position is None else position
        return ExpressionError(message, text=self.text, position=at, hint=hint)


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str | None:
    # "headers" for "header" is the commonest slip in published documents.
    close = did_you_mean(word, choices)
    return f"did you mean '{close}'?" if close else None


def _split_pointer(written: str) -> Iterator[tuple[str, int]]:
    """Reference tokens of a pointer with the offset of each in ``written``."""
    if not written:
        return
    offset = 1
    for token in written[1:].split("/"):
        yield token, offset
        offset += len(token) + 1


def parse_expression(text: str) -> RuntimeExpression:
    """Parse ``text``, which must be exactly one runtime expression."""
    if not text.startswith("$"):
        raise ExpressionError(
            "a runtime expression must start with '$'", text=text, position=0, hint=_root_hint()
        )
    return parse_between(text, 0, len(text))


def parse_between(text: str, start: int, stop: int) -> RuntimeExpression:
    """Parse ``text[start:stop]``, which must be exactly one expression starting with '$'.

    Error positions are offsets into the whole ``text``, so a caret drawn under it
    points at the problem inside a longer string (``"id={$inputs.x!}"``).
    """
    return _Parser(text, start, stop, scanning=False).parse()


def scan_expression(
    text: str, start: int, *, strict: bool = False
) -> tuple[RuntimeExpression, int] | None:
    """Read the longest expression starting at ``text[start]``.

    Returns the expression and the offset just past it, or ``None`` when the text
    there does not begin with a known root (``"$5"``, ``"$foo"``) -- unless ``strict``,
    in which case that is an :class:`ExpressionError` too. A known root followed by
    something malformed (``"$steps."``) is always an error.
    """
    root_start = _ROOT_START_1_1 if _is_1_1() else _ROOT_START
    if root_start.match(text, start) is None:
        if not strict:
            return None
        if not text.startswith("$", start):
            raise ExpressionError("expected '$'", text=text, position=start, hint=_root_hint())
        # Let the whole-string reader produce its precise complaint ("expected '.'...").
        end = start + 1
        while end < len(text) and text[end] in WORD_CHARS:
            end += 1
        parse_between(text, start, end)
        raise ExpressionError(
            f"unknown runtime expression '{text[start:end]}'",
            text=text,
            position=start,
            hint=_root_hint(),
        )
    parser = _Parser(text, start, len(text), scanning=True)
    expression = parser.parse()
    return expression, parser.pos
