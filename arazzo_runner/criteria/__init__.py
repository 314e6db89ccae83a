"""Criterion Objects: simple, regex, JSONPath and XPath conditions.

:func:`compile_criterion` compiles a Criterion Object's fields once, through the
registry of criterion types below; :meth:`CompiledCriterion.check` only evaluates.
The modules follow the pipeline:

* a simple condition goes through :mod:`.lexer` (tokens), :mod:`.parser` (an AST
  of :mod:`.ast` nodes, which evaluate themselves with :mod:`.compare`) and
  :mod:`.simple` (the criterion);
* regex, JSONPath and XPath criteria share :mod:`.query` (a query compiled once,
  or per check when the condition embeds expressions); :mod:`.simple` holds the
  regex one, :mod:`.jsonpath` (python-jsonpath, RFC 9535 or the Goessner draft)
  and :mod:`.xpath` (lxml for XPath 1.0, elementpath for 2.0, 3.0 and 3.1) the
  others. :func:`compile_jsonpath` and :func:`compile_xpath` are the entry points
  the criteria and the compliance tests share;
* Arazzo 1.1 adds :mod:`.pointer` (JSON Pointer as a selector type) and
  :mod:`.selectors` (Selector Objects: compiled values that run a JSONPath,
  XPath or JSON Pointer query on a context); :mod:`.versions` holds which
  Expression Type Object versions each Arazzo version allows.

Every rule these modules follow where the specification leaves room (precedence,
how mixed types compare, what counts as passing, what happens to missing data) is
recorded, with examples, in ``docs/semantics.md`` ("Criteria" and "Criteria: jsonpath
and xpath").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..errors import ExpressionError
from ..jsontypes import json_text
from .ast import And, Comparison, Condition, Index, Literal, Member, Not, Or, Reference
from .compare import compare
from .outcome import CompiledCriterion, CriterionOutcome
from .parser import parse_condition
from .query import compile_query_criterion
from .simple import compile_regex, compile_simple
from .versions import type_object_versions

# python-jsonpath, elementpath and lxml take about 150 ms to import together, and
# most documents use only simple criteria: the modules that need them are imported
# by the first criterion (or the first of these names) that does, never up front.
if TYPE_CHECKING:
    from .jsonpath import JsonPathQuery, compile_jsonpath
    from .xpath import XPathQuery, compile_xpath

_IMPORTED_ON_FIRST_USE: Mapping[str, str] = {
    "JsonPathQuery": ".jsonpath",
    "compile_jsonpath": ".jsonpath",
    "XPathQuery": ".xpath",
    "compile_xpath": ".xpath",
}

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


def __getattr__(name: str) -> Any:
    module = _IMPORTED_ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_IMPORTED_ON_FIRST_USE})


_Compiler = Callable[[str, str | None, str | None], CompiledCriterion]


def _compile_jsonpath_criterion(
    condition: str, context: str | None, version: str | None
) -> CompiledCriterion:
    from .jsonpath import JsonPathCriterion

    return compile_query_criterion(JsonPathCriterion, condition, context, version)


def _compile_xpath_criterion(
    condition: str, context: str | None, version: str | None
) -> CompiledCriterion:
    from .xpath import XPathCriterion

    return compile_query_criterion(XPathCriterion, condition, context, version)


def _compile_jsonpointer_criterion(
    condition: str, context: str | None, version: str | None
) -> CompiledCriterion:
    from .pointer import JsonPointerCriterion

    return compile_query_criterion(JsonPointerCriterion, condition, context, version)


# One entry per criterion type; supporting a new one means replacing its entry.
_COMPILERS: dict[str, _Compiler] = {
    "simple": compile_simple,
    "regex": compile_regex,
    "jsonpath": _compile_jsonpath_criterion,
    "xpath": _compile_xpath_criterion,
}
# Only an Arazzo 1.1 Expression Type Object can name it ({type: jsonpointer, ...}).
_OBJECT_ONLY_COMPILERS: dict[str, _Compiler] = {"jsonpointer": _compile_jsonpointer_criterion}


def compile_criterion(
    condition: str,
    type_: str | Mapping[str, Any] | None = None,
    context: str | None = None,
    *,
    minor: str = "1.0",
) -> CompiledCriterion:
    """Compile a Criterion Object's fields once; ``check`` it as often as needed.

    ``minor`` is the Arazzo version of the document it is written in ("1.0" or
    "1.1"): it decides which Expression Type Object versions are allowed.
    """
    if not isinstance(condition, str):
        raise ExpressionError(f"a condition must be a string, not {json_text(condition)}")
    kind, version = _resolve_type(type_, minor)
    compiler = _COMPILERS.get(kind) or _OBJECT_ONLY_COMPILERS[kind]
    return compiler(condition, context, version)


def _resolve_type(
    type_: str | Mapping[str, Any] | None, minor: str = "1.0"
) -> tuple[str, str | None]:
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
        return resolve_type_object(type_, minor, "criterion")
    raise ExpressionError(
        f"a criterion type must be a string or a {{type, version}} object, not {json_text(type_)}",
        field="type",
    )


def resolve_type_object(
    type_: Mapping[str, Any], minor: str, owner: str, field: str = "type"
) -> tuple[str, str]:
    """The type and version an Expression Type Object names, checked against ``minor``'s table.

    ``owner`` words the messages ("criterion", "selector", "replacement target");
    ``field`` is the field the object is written in.
    """
    table = type_object_versions(minor)
    kind = type_.get("type")
    if not isinstance(kind, str) or kind not in table:
        valid = " or ".join(f"'{name}'" for name in table)
        raise ExpressionError(
            f"a {owner} expression type object's type must be {valid}, not {json_text(kind)}"
            if kind is not None
            else f"a {owner} expression type object needs a type: {valid}",
            field=field,
        )
    version = type_.get("version")
    allowed = table[kind]
    if not isinstance(version, str) or version not in allowed:
        listed = ", ".join(allowed)
        raise ExpressionError(
            f"{json_text(version)} is not a valid {kind} version; valid versions: {listed}"
            if version is not None
            else f"a {kind} {owner} expression type object needs a version",
            hint=f"valid versions for {kind}: {listed}",
            field=field,
        )
    return kind, version
