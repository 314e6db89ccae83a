"""XPath criteria: XPath 1.0 by lxml, XPath 2.0, 3.0 and 3.1 by elementpath.

Importing this module imports lxml and elementpath (about 100 ms together), so
the criteria package imports it only when an XPath criterion is compiled or
:func:`compile_xpath` is asked for.

The readings this module follows are recorded in ``docs/semantics.md``
("Criteria: jsonpath and xpath").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from elementpath import ElementPathError, XPath2Parser, XPathContext

# Without lxml-stubs installed, mypy knows nothing about lxml.
from lxml import etree

from ..errors import ExpressionError
from ..expressions import ExpressionContext, value_to_text
from .outcome import CriterionOutcome, counted, failure, render, render_list
from .query import QueryCriterion, Unusable
from .versions import XPATH_DEFAULT, XPATH_NAMES

__all__ = ["XPathCriterion", "XPathQuery", "compile_xpath", "parse_xml"]

_ERROR_AT = re.compile(r"at line (\d+), column (\d+)")
_UNDECLARED_PREFIX = re.compile(r"prefix '([^']*)' is not declared")
_MAX_PREFIXES = 32

# Prefix bindings of the document root, as a hashable cache key.
_Namespaces = tuple[tuple[str, str], ...]


class _XPathFailed(Exception):
    """Evaluating an XPath expression raised an error (the check fails, with this text)."""


# --------------------------------------------------------------------------- queries


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
        try:
            compiled = self._compiled_for(tree)
            if self.version == "xpath-10":
                result = compiled(tree)
                return _xpath1_boolean(result), _render_xpath(result)
            context = XPathContext(root=tree, item=tree.getroot())
            result = compiled.evaluate(context)
            return bool(compiled.boolean_value(result)), _render_xpath(result)
        except (etree.XPathError, ElementPathError) as exc:
            raise _XPathFailed(_xpath_message(exc)) from None

    def select(self, tree: etree._ElementTree) -> list[Any]:
        """The items the expression gives on ``tree``, as plain values (Selector Objects).

        An element is its text when it has no child elements, else its XML; an
        attribute or text node its text; numbers, strings and booleans themselves.
        Raises :class:`Unusable` when the expression cannot be evaluated.
        """
        return [_item_value(item) for item in self.nodes(tree)]

    def nodes(self, tree: etree._ElementTree) -> list[Any]:
        """The raw items the expression gives on ``tree`` (lxml's or elementpath's own).

        For replacement targets, which set what they select. Raises :class:`Unusable`
        when the expression cannot be evaluated.
        """
        try:
            compiled = self._compiled_for(tree)
            if self.version == "xpath-10":
                result = compiled(tree)
            else:
                result = compiled.evaluate(XPathContext(root=tree, item=tree.getroot()))
        except (etree.XPathError, ElementPathError) as exc:
            message = _xpath_message(exc)
            raise Unusable(f"{render(self.text)} could not be evaluated: {message}") from None
        return result if isinstance(result, list) else [result]

    def _compiled_for(self, tree: etree._ElementTree) -> Any:
        namespaces = _root_namespaces(tree)
        compiled = self._compiled.get(namespaces)
        if compiled is None:
            compiled = self._compiled[namespaces] = _compile_xpath(
                self.text, self.version, dict(namespaces)
            )
        return compiled


def _item_value(item: Any) -> Any:
    element = getattr(item, "elem", item)
    if isinstance(element, etree._Element):
        if not isinstance(element.tag, str):
            return element.text  # a comment or processing instruction
        if len(element):
            return etree.tostring(element, encoding="unicode", with_tail=False)
        return element.text or ""
    value = getattr(item, "value", item)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # XPath 1.0 numbers are doubles: count() gives 2.0
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def compile_xpath(text: str, version: str | None = None) -> XPathQuery:
    """Syntax-check ``text`` for ``version`` (default XPath 3.1); ExpressionError if bad."""
    chosen = version or XPATH_DEFAULT
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
        return etree.XPath(text, namespaces=namespaces or None)
    # Parser instances keep state while parsing, so each compilation gets its own.
    return _elementpath_parser(version)(namespaces=namespaces).parse(text)


def _elementpath_parser(version: str) -> Any:
    # The 3.0 and 3.1 parsers are modules of their own that take a while to import;
    # only documents that use those versions pay for them.
    if version == "xpath-20":
        return XPath2Parser
    if version == "xpath-30":
        from elementpath.xpath30 import XPath30Parser

        return XPath30Parser
    from elementpath.xpath31 import XPath31Parser

    return XPath31Parser


def _xpath_error(text: str, version: str, exc: Exception) -> ExpressionError:
    return ExpressionError(
        f"invalid {XPATH_NAMES[version]} expression: {_xpath_message(exc)}",
        text=text,
        position=_xpath_position(text, exc),
        hint="for example: count(/root/pets/*) > 0, or /root/pets",
    )


def _xpath_message(exc: Exception) -> str:
    if isinstance(exc, ElementPathError):
        return str(exc.message)
    return str(exc) or type(exc).__name__


def _xpath_position(text: str, exc: Exception) -> int | None:
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
        return f"{counted(result, 'item')} {render_list(result, _render_xpath_item)}"
    return _render_xpath_item(result)


def _render_xpath_item(item: Any) -> str:
    element = getattr(item, "elem", item)
    if isinstance(element, etree._Element):
        return f"<{etree.QName(element).localname}>" if isinstance(element.tag, str) else "node"
    value = getattr(item, "value", item)
    if isinstance(value, str):
        return render(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return render(value) if isinstance(value, int | float) else render(str(value))


# --------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class XPathCriterion(QueryCriterion[XPathQuery]):
    """Passes when the expression's value on the context document is true as a boolean."""

    kind: ClassVar[str] = "xpath"
    context_role: ClassVar[str] = "the value the xpath condition is applied to"
    query_name: ClassVar[str] = "XPath expression"

    @staticmethod
    def compile_query(text: str, version: str | None) -> XPathQuery:
        return compile_xpath(text, version)

    def subject(self, ctx: ExpressionContext) -> Any:
        return parse_xml(self.context.text, self.context.evaluate(ctx))

    def judge(self, query: XPathQuery, subject: Any) -> CriterionOutcome:
        try:
            passed, shown = query.evaluate(subject)
        except _XPathFailed as exc:
            return failure(f"{render(query.text)} could not be evaluated: {exc}")
        if passed:
            return CriterionOutcome(True, f"{render(query.text)} gave {shown}")
        return failure(
            f"{render(query.text)} on {self.context.text} gave {shown}, which is false as "
            f"an {XPATH_NAMES[query.version]} boolean"
        )


def parse_xml(where: str, value: Any) -> etree._ElementTree:
    """The document an XPath expression runs against; never resolves entities or fetches."""
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
        raise Unusable(f"{where} is null, so there is no XML document to query")
    else:
        raise Unusable(
            f"{where} is {render(value)}, not XML text, so an XPath expression cannot run on it"
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
        raise Unusable(
            f"{where} is not well-formed XML ({exc.msg}): {render(value_to_text(value))}"
        ) from None
