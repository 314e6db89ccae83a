"""Runtime expressions (``$inputs.x``, ``$response.body#/a/0``, ...) and string templates.

The pipeline has three stages, in the spirit of python-jsonpath:

* **reading** -- :class:`_Parser` walks the text once and produces an immutable
  :class:`RuntimeExpression` (root, fixed names, property accessors, JSON pointer).
  The grammar is tiny and the set of allowed characters depends on where we are
  (a step id, a header token, a pointer...), so a character-level recursive-descent
  reader replaces a separate token stream here; conditions (``criteria.py``) have
  a real lexer because their tokens are context-free.
* **evaluation** -- :meth:`RuntimeExpression.evaluate` dispatches on the root and
  walks the value, raising :class:`UnresolvedReference` with a precise message when
  something is not there.
* **values** -- :func:`compile_value` turns document values (parameter values,
  payloads, outputs) into :class:`CompiledValue` trees that are compiled once and
  evaluated many times.

The rules this module follows where the specification leaves room are recorded,
with examples, in ``docs/semantics.md`` ("Runtime expressions").
"""

from __future__ import annotations

import difflib
import json
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from arazzo_runner.errors import ExpressionError

__all__ = [
    "CompiledValue",
    "ExpressionContext",
    "HttpMessage",
    "JsonPointer",
    "RuntimeExpression",
    "UnresolvedReference",
    "compile_template",
    "compile_value",
    "parse_expression",
    "scan_expression",
    "template_placeholders",
    "value_to_text",
]

# --------------------------------------------------------------------------- errors


class UnresolvedReference(Exception):
    """A well-formed expression names something that is not there.

    ``str(exc)`` (also ``exc.message``) is ``"<expression>: <reason>"``, e.g.
    ``"$response.body#/state: no member 'state' in the response body"``.

    ``source_missing`` separates two situations that conditions treat differently:
    the *source* of the value does not exist at all (no response yet, the step has
    not run, unknown source description) versus a *member* of an existing source is
    absent (an input that was not given, a header the response lacks, a pointer
    that does not resolve).
    """

    def __init__(self, expression: str, reason: str, *, source_missing: bool = False) -> None:
        self.expression = expression
        self.reason = reason
        self.source_missing = source_missing
        self.message = f"{expression}: {reason}"
        super().__init__(self.message)


# --------------------------------------------------------------------------- context


@dataclass
class HttpMessage:
    """A request or response as expressions see it."""

    headers: Mapping[str, str]
    # Parsed JSON, text, or None when there is no body.
    body: Any = None
    query: Mapping[str, Any] = field(default_factory=dict)
    path: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ExpressionContext:
    """Everything a runtime expression can read."""

    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    # stepId -> {"outputs": {...}}
    steps: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # workflowId -> {"inputs": {...}, "outputs": {...}}
    workflows: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # name -> the Source Description Object's fields (name, url, type, ...)
    source_descriptions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # the document's raw `components` object
    components: Mapping[str, Any] = field(default_factory=dict)
    url: str | None = None
    method: str | None = None
    status_code: int | None = None
    request: HttpMessage | None = None
    response: HttpMessage | None = None


# --------------------------------------------------------------------------- the AST


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
    url/method/statusCode  ``()``
    request/response       ``("header", token)``, ``("query", name)``,
                           ``("path", name)`` or ``("body",)``
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


# --------------------------------------------------------------------------- reading

_LETTERS = frozenset(string.ascii_letters)
_ID_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_NAME_CHARS = _ID_CHARS | {"."}
_WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_")
# RFC 9110 tchar: what a header name may contain.
_TCHARS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")
# Characters that end a JSON pointer in scanning mode: they are far more likely to
# be condition syntax or surrounding text than part of a member name.
_POINTER_STOPS = frozenset("(){}[]<>=!&|,;\"'")

_COMPONENT_KINDS = ("parameters", "successActions", "failureActions", "inputs")
_ROOT_HINT = (
    "a runtime expression starts with $url, $method, $statusCode, $request., $response., "
    "$inputs., $outputs., $steps., $workflows., $sourceDescriptions. or $components."
)
# What may start an expression when scanning free text. The bare keywords must not run
# on into a longer word ("$urls" is text), the others need their dot.
_ROOT_START = re.compile(
    r"\$(?:(?:url|method|statusCode)(?![A-Za-z0-9_])"
    r"|(?:request|response|inputs|outputs|steps|workflows|sourceDescriptions|components)\.)"
)

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
        if kind == "body":
            return ("body",), self._read_properties(), self._read_pointer()
        if kind == "header":
            self._expect(".", "after 'header'")
            return ("header", self._read_header()), (), None
        if kind in ("query", "path"):
            self._expect(".", f"after '{kind}'")
            return (kind, self._read_free_name(f"a {kind} parameter name")), (), None
        raise self._error(
            f"expected 'header.', 'query.', 'path.' or 'body' after '${root}.'",
            kind_at,
            hint=_did_you_mean(kind, ("header", "query", "path", "body")),
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
        return (source, self._read_name("a field name")), (), None

    def _read_components(self, root: str) -> _Parts:
        self._expect(".", "after '$components'")
        kind = self._read_choice(_COMPONENT_KINDS)
        self._expect(".", f"after '{kind}'")
        return (kind, self._read_name("a component name")), (), None

    _ROOT_READERS: ClassVar[Mapping[str, Callable[[_Parser, str], _Parts]]] = {
        "url": _read_keyword,
        "method": _read_keyword,
        "statusCode": _read_keyword,
        "request": _read_message,
        "response": _read_message,
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
            return self._error("expected an expression name after '$'", self.start, _ROOT_HINT)
        return self._error(f"unknown runtime expression '${root}'", self.start, _ROOT_HINT)

    def _error(
        self, message: str, position: int | None = None, hint: str | None = None
    ) -> ExpressionError:
        at = self.pos if position is None else position
        return ExpressionError(message, text=self.text, position=at, hint=hint)


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str | None:
    # "headers" for "header" is the commonest slip in published documents.
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean '{close[0]}'?" if word and close else None


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
            "a runtime expression must start with '$'", text=text, position=0, hint=_ROOT_HINT
        )
    return _Parser(text, 0, len(text), scanning=False).parse()


def scan_expression(
    text: str, start: int, *, strict: bool = False
) -> tuple[RuntimeExpression, int] | None:
    """Read the longest expression starting at ``text[start]``.

    Returns the expression and the offset just past it, or ``None`` when the text
    there does not begin with a known root (``"$5"``, ``"$foo"``) -- unless ``strict``,
    in which case that is an :class:`ExpressionError` too. A known root followed by
    something malformed (``"$steps."``) is always an error.
    """
    if _ROOT_START.match(text, start) is None:
        if not strict:
            return None
        if not text.startswith("$", start):
            raise ExpressionError("expected '$'", text=text, position=start, hint=_ROOT_HINT)
        # Let the whole-string reader produce its precise complaint ("expected '.'...").
        end = start + 1
        while end < len(text) and text[end] in _WORD_CHARS:
            end += 1
        _Parser(text, start, end, scanning=False).parse()
        raise ExpressionError(
            f"unknown runtime expression '{text[start:end]}'",
            text=text,
            position=start,
            hint=_ROOT_HINT,
        )
    parser = _Parser(text, start, len(text), scanning=True)
    expression = parser.parse()
    return expression, parser.pos


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


def _resolve_message(expr: RuntimeExpression, ctx: ExpressionContext) -> Any:
    noun = expr.root
    message = ctx.request if noun == "request" else ctx.response
    if message is None:
        raise _unresolved(expr, f"there is no {noun} yet", source_missing=True)
    kind = expr.names[0]
    if kind == "body":
        return _resolve_body(expr, message.body, noun)
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


def _resolve_body(expr: RuntimeExpression, body: Any, noun: str) -> Any:
    if not _has_access(expr):
        return body
    where = f"the {noun} body"
    if body is None:
        raise _unresolved(expr, f"the {noun} has no body")
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
    "request": _resolve_message,
    "response": _resolve_message,
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
            walked += "/" + token.replace("~", "~0").replace("/", "~1")
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
        expr, f"cannot index into {_json_type(value)} (looking up '{token}' in {place})"
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


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


# --------------------------------------------------------------------------- compiled values


def value_to_text(value: Any) -> str:
    """How a value is written when embedded in a string (templates, regex subjects).

    Strings as-is, numbers as JSON numbers, ``true``/``false``/``null``, objects and
    arrays as compact JSON.
    """
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, separators=(",", ":"), default=_json_default)
    return str(value)


def _json_default(value: Any) -> Any:
    # Mappings other than dict (e.g. read-only views) serialise like objects.
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)


class CompiledValue(Protocol):
    """A document value compiled once, evaluated against many contexts."""

    def evaluate(self, ctx: ExpressionContext) -> Any: ...

    def expressions(self) -> list[RuntimeExpression]: ...


@dataclass(frozen=True, slots=True)
class _Literal:
    value: Any

    def evaluate(self, ctx: ExpressionContext) -> Any:
        # Callers do not mutate evaluated values, so sharing the object is safe.
        return self.value

    def expressions(self) -> list[RuntimeExpression]:
        return []


@dataclass(frozen=True, slots=True)
class _Whole:
    """A string that is one expression: the value keeps its type."""

    expression: RuntimeExpression

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return self.expression.evaluate(ctx)

    def expressions(self) -> list[RuntimeExpression]:
        return [self.expression]


@dataclass(frozen=True, slots=True)
class _Template:
    """Text with embedded expressions: the result is always a string."""

    parts: tuple[str | RuntimeExpression, ...]

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return "".join(
            part if isinstance(part, str) else value_to_text(part.evaluate(ctx))
            for part in self.parts
        )

    def expressions(self) -> list[RuntimeExpression]:
        return [part for part in self.parts if isinstance(part, RuntimeExpression)]


@dataclass(frozen=True, slots=True)
class _Object:
    items: tuple[tuple[Any, CompiledValue], ...]

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return {key: value.evaluate(ctx) for key, value in self.items}

    def expressions(self) -> list[RuntimeExpression]:
        return [expr for _, value in self.items for expr in value.expressions()]


@dataclass(frozen=True, slots=True)
class _Array:
    items: tuple[CompiledValue, ...]

    def evaluate(self, ctx: ExpressionContext) -> Any:
        return [item.evaluate(ctx) for item in self.items]

    def expressions(self) -> list[RuntimeExpression]:
        return [expr for item in self.items for expr in item.expressions()]


def compile_value(value: Any) -> CompiledValue:
    """Compile a document value; see "Strings in values" in docs/semantics.md."""
    if isinstance(value, str):
        return _compile_string(value)
    if isinstance(value, Mapping):
        items = tuple((key, compile_value(item)) for key, item in value.items())
        if all(isinstance(item, _Literal) for _, item in items):
            return _Literal(value)
        return _Object(items)
    if isinstance(value, list):
        elements = tuple(compile_value(item) for item in value)
        if all(isinstance(item, _Literal) for item in elements):
            return _Literal(value)
        return _Array(elements)
    return _Literal(value)


def _compile_string(text: str) -> CompiledValue:
    if "$" not in text:
        return _Literal(text)
    if text.startswith("$"):
        try:
            return _Whole(parse_expression(text))
        except ExpressionError:
            pass  # not one expression; it may still be text with expressions inside
    if text.startswith("{$") and text.find("}") == len(text) - 1:
        return _Whole(_Parser(text, 1, len(text) - 1, scanning=False).parse())
    return compile_template(text)


def compile_template(text: str, *, bare: bool = True) -> CompiledValue:
    """Compile text with embedded ``{$...}`` expressions; the result is always a string.

    With ``bare`` (the default), ``$inputs.token`` written without braces is embedded
    too. Criteria turn it off for regex and JSONPath conditions, where ``$`` is syntax.
    """
    parts = _template_parts(text, bare=bare)
    if not any(isinstance(part, RuntimeExpression) for part in parts):
        return _Literal(text)
    return _Template(tuple(parts))


def template_placeholders(text: str, placeholder: str, *, bare: bool = True) -> str:
    """``text`` with each embedded expression replaced by ``placeholder``.

    Lets a condition whose final text is only known at run time (a JSONPath or XPath
    query with ``{$...}`` inside) still be syntax-checked when the document loads.
    """
    parts = _template_parts(text, bare=bare)
    return "".join(part if isinstance(part, str) else placeholder for part in parts)


_EMBED_START = re.compile(r"\{\$|\$")


def _template_parts(text: str, *, bare: bool) -> list[str | RuntimeExpression]:
    parts: list[str | RuntimeExpression] = []
    literal_from = 0  # start of the literal text not yet emitted
    search_from = 0
    while (match := _EMBED_START.search(text, search_from)) is not None:
        found = _embedded_at(text, match.start(), braced=match.group() == "{$", bare=bare)
        if found is None:
            search_from = match.start() + 1
            continue
        expression, end = found
        if match.start() > literal_from:
            parts.append(text[literal_from : match.start()])
        parts.append(expression)
        literal_from = search_from = end
    if literal_from < len(text):
        parts.append(text[literal_from:])
    return parts


def _embedded_at(
    text: str, at: int, *, braced: bool, bare: bool
) -> tuple[RuntimeExpression, int] | None:
    """The expression embedded at ``text[at]`` and where it ends, if there is one."""
    if braced:
        close = text.find("}", at + 2)
        if close < 0:
            raise ExpressionError(
                "'{$' opens an embedded expression but there is no closing '}'",
                text=text,
                position=at,
                hint="close it: {$inputs.name}",
            )
        return _Parser(text, at + 1, close, scanning=False).parse(), close + 1
    # "US$inputs" or "a_$steps" is a word that happens to contain '$', not an expression.
    if not bare or (at > 0 and text[at - 1] in _WORD_CHARS):
        return None
    return scan_expression(text, at)


# Public names for code that walks compiled values, e.g. payload evaluation,
# which treats absent references differently from other values.
LiteralValue = _Literal
WholeValue = _Whole
TemplateValue = _Template
ObjectValue = _Object
ArrayValue = _Array
