"""JSONPath criteria, compiled by python-jsonpath: RFC 9535, or the Goessner draft.

Importing this module imports python-jsonpath (about 50 ms), so the criteria
package imports it only when a JSONPath criterion is compiled or
:func:`compile_jsonpath` is asked for.

The readings this module follows are recorded in ``docs/semantics.md``
("Criteria: jsonpath and xpath").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from jsonpath import CompoundJSONPath, JSONPath, JSONPathEnvironment, JSONPathError, JSONPathMatch
from jsonpath.parse import Parser
from jsonpath.segments import JSONPathChildSegment
from jsonpath.selectors import Filter, JSONPathSelector, NameSelector
from jsonpath.stream import TokenStream

from ..errors import ExpressionError
from ..expressions import ExpressionContext
from .outcome import CriterionOutcome, counted, failure, render, render_list
from .pointer import parse_json_text
from .query import QueryCriterion
from .versions import GOESSNER_JSONPATH

__all__ = ["JsonPathCriterion", "JsonPathQuery", "compile_jsonpath"]


# --------------------------------------------------------------------------- dialects


class _LengthName(NameSelector):
    """``.length`` that also reads the length of an array or string (Goessner style)."""

    __slots__ = ()

    def resolve(self, node: JSONPathMatch) -> Iterable[JSONPathMatch]:
        value = node.obj
        if isinstance(value, list | str):
            match = node.new_child(len(value), self.name)
            node.add_child(match)
            yield match
            return
        yield from super().resolve(node)


def _length_aware(selector: JSONPathSelector) -> JSONPathSelector:
    if type(selector) is NameSelector and selector.name == "length":
        return _LengthName(env=selector.env, token=selector.token, name=selector.name)
    return selector


class _GoessnerParser(Parser):
    """Reads the member name ``length``, shorthand or bracketed, as :class:`_LengthName`.

    Filters and embedded queries are read by the same parser, so ``@.length``
    inside a filter is covered too.
    """

    def parse_shorthand_selector(self, stream: TokenStream) -> JSONPathSelector:
        return _length_aware(super().parse_shorthand_selector(stream))

    def parse_bracketed_selection(self, stream: TokenStream) -> list[JSONPathSelector]:
        return [_length_aware(selector) for selector in super().parse_bracketed_selection(stream)]


class _GoessnerEnvironment(JSONPathEnvironment):
    """The lenient dialect for ``draft-goessner-dispatch-jsonpath-00``.

    Goessner's article predates RFC 9535 and tools written against it accept
    surrounding whitespace, ``?(...)`` filters and ``@.length``; the library's
    non-strict mode covers all but the last, which :class:`_GoessnerParser` adds.
    """

    parser_class = _GoessnerParser

    def __init__(self) -> None:
        super().__init__(strict=False)


# Environments hold no per-query state, so one of each serves every compilation.
_STRICT = JSONPathEnvironment(strict=True)
_GOESSNER = _GoessnerEnvironment()


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class JsonPathQuery:
    """A compiled JSONPath query.

    :meth:`select` is the plain RFC 9535 evaluation (the compliance suite runs
    through it); criteria add the root-filter reading on top (see
    :class:`JsonPathCriterion`).
    """

    text: str
    path: JSONPath | CompoundJSONPath

    def select(self, value: Any) -> list[Any]:
        """The values of the nodelist the query selects from ``value``."""
        if isinstance(value, str):
            # The library would parse a string argument as JSON text. A JSON string
            # has no children, so only the bare root query selects anything from it.
            return [value] if isinstance(self.path, JSONPath) and not self.path.segments else []
        return [match.obj for match in self.path.finditer(value)]

    def starts_with_filter(self) -> bool:
        """Whether the first segment is ``[?...]`` on the root (``$[?@.a == 1]``)."""
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
    environment = _GOESSNER if version == GOESSNER_JSONPATH else _STRICT
    try:
        return JsonPathQuery(text, environment.compile(text))
    except (JSONPathError, RecursionError) as exc:
        raise _jsonpath_error(text, exc) from None


def _jsonpath_error(text: str, exc: Exception) -> ExpressionError:
    token = getattr(exc, "token", None)
    position = token.index if token is not None and token.path == text else None
    if position is not None and not 0 <= position <= len(text):
        position = len(text)  # the end-of-query token has no real offset
    return ExpressionError(
        f"invalid JSONPath query: {_library_message(exc)}",
        text=text,
        position=position,
        hint=_jsonpath_hint(text),
    )


def _library_message(exc: Exception) -> str:
    # str() of a JSONPathError draws its own multi-line caret display; messages
    # here want the sentence alone (ExpressionError draws the caret).
    return str(exc.args[0]) if exc.args else type(exc).__name__


_COMPARISON_OUTSIDE_FILTER = re.compile(r"^\$[^?]*?(==|!=|<=|>=|<|>)")


def _jsonpath_hint(text: str) -> str:
    if _COMPARISON_OUTSIDE_FILTER.match(text):
        return (
            "a JSONPath query selects nodes and cannot compare on its own; put the test in "
            "a filter, e.g. $[?@.ok == true], or use a simple condition: $response.body#/ok == true"
        )
    return "JSONPath follows RFC 9535, e.g. $.pets[?@.status == 'available']"


# --------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class JsonPathCriterion(QueryCriterion[JsonPathQuery]):
    """Passes when the query selects at least one node from the context value."""

    kind: ClassVar[str] = "jsonpath"
    context_role: ClassVar[str] = "the value the jsonpath condition is applied to"
    query_name: ClassVar[str] = "JSONPath query"

    @staticmethod
    def compile_query(text: str, version: str | None) -> JsonPathQuery:
        return compile_jsonpath(text, version)

    def subject(self, ctx: ExpressionContext) -> Any:
        """The context value; JSON text is parsed first."""
        return parse_json_text(
            self.context.text,
            self.context.evaluate(ctx),
            nothing="nothing to query",
            refusal="a JSONPath query cannot run on it",
        )

    def judge(self, query: JsonPathQuery, subject: Any) -> CriterionOutcome:
        shown_query = render(query.text)
        try:
            nodes = query.select(subject)
            # Arazzo's own example filters the root object itself; see select_root_itself.
            if not nodes and query.starts_with_filter() and isinstance(subject, Mapping):
                return self._root_filter(query, subject)
        except (JSONPathError, RecursionError) as exc:
            # e.g. the descendant segment's depth limit on a deeply nested body.
            return failure(f"evaluating {shown_query} failed: {_library_message(exc)}")
        if nodes:
            return CriterionOutcome(
                True, f"{shown_query} selected {counted(nodes, 'node')}: {render_list(nodes)}"
            )
        return failure(
            f"{shown_query} selected nothing from {self.context.text} "
            f"({render(subject)}); a JSONPath criterion passes when the nodelist is not empty"
        )

    def _root_filter(self, query: JsonPathQuery, value: Any) -> CriterionOutcome:
        nodes = query.select_root_itself(value)
        if nodes:
            return CriterionOutcome(
                True,
                f"{render(query.text)} matched {self.context.text} itself "
                f"(its filter applied to the root object): {render_list(nodes)}",
            )
        return failure(
            f"{render(query.text)} selected nothing from {self.context.text} "
            f"({render(value)}), neither among its members nor the object itself"
        )
