"""The python-jsonpath environments JSONPath criteria are compiled with.

Kept apart from ``criteria.py`` because the classes here derive from
python-jsonpath's: importing this module imports the library (about 50 ms),
which only a document with a JSONPath criterion needs.
"""

from __future__ import annotations

from collections.abc import Iterable

from jsonpath import CompoundJSONPath, JSONPath, JSONPathEnvironment, JSONPathMatch
from jsonpath.filter import BaseExpression, FilterQuery
from jsonpath.selectors import Filter, NameSelector


class _GoessnerEnvironment(JSONPathEnvironment):
    """The lenient dialect for ``draft-goessner-dispatch-jsonpath-00``.

    Goessner's article predates RFC 9535 and tools written against it accept
    surrounding whitespace, ``?(...)`` filters and ``@.length``; the library's
    non-strict mode covers all but the last, which :func:`enable_length` adds.
    """

    def __init__(self) -> None:
        super().__init__(strict=False)


_STRICT = JSONPathEnvironment(strict=True)
_GOESSNER = _GoessnerEnvironment()


def environment(goessner: bool) -> JSONPathEnvironment:
    """RFC 9535 in strict mode, or the lenient Goessner dialect."""
    return _GOESSNER if goessner else _STRICT


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


def enable_length(path: JSONPath | CompoundJSONPath) -> None:
    """Make every ``.length`` member name in ``path`` (filters included) length-aware."""
    paths = [path] if isinstance(path, JSONPath) else [path.path, *(p for _, p in path.paths)]
    for each in paths:
        for segment in each.segments:
            for selector in segment.selectors:
                _enable_length_in_selector(selector)


def _enable_length_in_selector(selector: object) -> None:
    if type(selector) is NameSelector and selector.name == "length":
        # Same slots, so the instance can change class in place.
        selector.__class__ = _LengthName
    elif isinstance(selector, Filter):
        _enable_length_in_expression(selector.expression)


def _enable_length_in_expression(expression: BaseExpression) -> None:
    if isinstance(expression, FilterQuery):
        enable_length(expression.path)
    for child in expression.children():
        _enable_length_in_expression(child)
