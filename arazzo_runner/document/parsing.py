"""Parsing a document's text: JSON when it looks like JSON, otherwise YAML 1.2.

Either way the data is checked against the document limits (nesting depth,
and for YAML what aliases add), and every problem is a located
:class:`DocumentError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..errors import DocumentError, DocumentSyntaxError, SourceLocation
from .gc_pause import collection_paused
from .limits import DocumentLimits
from .source_map import SourceMap, line_column
from .syntax import spec_minor
from .uris import is_url, resolve_reference
from .yaml12 import Yaml12Loader, construct_document
from .yaml_guards import LimitExceeded, check_document_graph


@dataclass
class LoadedDocument:
    """A parsed document and where it came from."""

    uri: str
    """Absolute path or URL: what relative references are resolved against."""
    display_name: str
    """How to name the document in messages (the path as the user gave it)."""
    data: Any
    source_map: SourceMap
    is_json: bool = False

    def location(self, pointer: str = "", *, key: bool = False) -> SourceLocation:
        """A :class:`SourceLocation` for the node at ``pointer``."""
        position = self.source_map.locate(pointer, key=key)
        line, column = position if position else (None, None)
        return SourceLocation(self.display_name, line, column, pointer)

    def resolve_uri(self, reference: str) -> str:
        """Resolve a (possibly relative) URI reference against this document's base URI."""
        return resolve_reference(self.base_uri, reference)

    @property
    def self_uri(self) -> str | None:
        """An Arazzo 1.1 document's identity: its ``$self``, resolved against where it
        was read (RFC 3986 5.1.2-5.1.4); None for a document without one, and for
        every document of another version (1.0 has no ``$self``).

        A ``$self`` this runner cannot resolve against (``urn:...``, or ``file:`` in a
        document read over the network) is still the document's identity, as written.
        """
        written = _written_self(self.data)
        if written is None:
            return None
        try:
            return resolve_reference(self.uri, written)
        except DocumentError:
            return written

    @property
    def base_uri(self) -> str:
        """What relative references in this document resolve against.

        Arazzo 1.1 ("Establishing the Base URI"): the ``$self`` URI when there is one,
        else the retrieval URI (the file's path, or the URL it was fetched from). A
        ``$self`` with a scheme no document can be read from (``urn:``) cannot be a
        base for reading; the retrieval URI is then used.
        """
        identity = self.self_uri
        scheme = urlsplit(identity).scheme if identity is not None else ""
        if identity is None or (len(scheme) > 1 and not is_url(identity)):
            return self.uri
        return identity


def _written_self(data: Any) -> str | None:
    """The ``$self`` of an Arazzo 1.1 document, when it is a URI-reference without a fragment."""
    if not isinstance(data, dict) or spec_minor(data.get("arazzo")) != "1.1":
        return None
    written = data.get("$self")
    if not isinstance(written, str) or not written or "#" in written:
        return None  # the schema reports a fragment or a wrong type
    return written


def parse_document(
    text: str, *, uri: str, display_name: str, limits: DocumentLimits | None = None
) -> LoadedDocument:
    """Parse ``text`` as JSON when it looks like JSON, otherwise as YAML.

    Either way the result is checked against ``limits`` (the defaults of
    :class:`DocumentLimits` when None), and every problem is a located
    :class:`DocumentError`. Positions are computed when first asked for.
    """
    limits = limits or DocumentLimits()
    data, is_json = parse_text(text, uri=uri, display_name=display_name, limits=limits)
    return LoadedDocument(uri, display_name, data, SourceMap(text), is_json=is_json)


def parse_text(
    text: str, *, uri: str, display_name: str, limits: DocumentLimits
) -> tuple[Any, bool]:
    """The data of ``text``, and whether it was read as JSON (see :func:`parse_document`).

    ``uri`` decides how invalid JSON is reported: as JSON for a ``.json`` file,
    otherwise by the YAML parser, which reads flow-style YAML too.
    """
    if looks_like_json(text):
        data = _parse_json(text, uri, display_name, limits)
        if data is not _NOT_JSON:
            return data, True
    return _parse_yaml(text, display_name, limits), False


def looks_like_json(text: str) -> bool:
    """Whether ``text`` is worth trying as JSON (flow-style YAML looks the same)."""
    return text.lstrip().startswith(("{", "["))


_NOT_JSON = object()


def _parse_json(text: str, uri: str, display_name: str, limits: DocumentLimits) -> Any:
    """The JSON value of ``text``, or ``_NOT_JSON`` to let the YAML parser decide."""
    try:
        with collection_paused():
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        if uri.endswith(".json"):
            raise DocumentSyntaxError(
                f"invalid JSON: {exc.msg}",
                location=SourceLocation(display_name, exc.lineno, exc.colno),
            ) from None
        return _NOT_JSON  # flow-style YAML also starts with a brace
    except (RecursionError, ValueError):
        # Too deep for the JSON parser, or an integer too long for Python. YAML
        # reads JSON too, and reports these with a line and column.
        return _NOT_JSON
    # Too deep: YAML reads it again, and says where the limit is crossed.
    return data if _depth_within(data, limits.max_depth) else _NOT_JSON


def _depth_within(data: Any, max_depth: int) -> bool:
    """Whether ``data`` nests at most ``max_depth`` arrays and objects deep."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, level = pending.pop()
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            if isinstance(child, dict | list):
                if level + 1 > max_depth:
                    return False
                pending.append((child, level + 1))
    return not isinstance(data, dict | list) or max_depth >= 1


def _parse_yaml(text: str, display_name: str, limits: DocumentLimits) -> Any:
    """The data of YAML ``text``, checked against ``limits`` before it is built.

    Every problem is a :class:`DocumentError` located in ``display_name``.
    """
    loader = Yaml12Loader(text)
    try:
        with collection_paused():
            return _checked_data(loader, text, limits)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, text, display_name, limits) from None
    except yaml.YAMLError as exc:
        raise DocumentSyntaxError(
            f"invalid YAML: {exc}", location=SourceLocation(display_name)
        ) from None
    except RecursionError:
        # Only reachable without libyaml, whose parser stops at 1000 levels.
        line, column = _flow_depth_position(text, limits.max_depth) or (None, None)
        raise DocumentError(
            f"the document is nested more than {limits.max_depth} levels deep",
            location=SourceLocation(display_name, line, column),
        ) from None
    finally:
        loader.dispose()


def _checked_data(loader: Yaml12Loader, text: str, limits: DocumentLimits) -> Any:
    # A function of its own so that the node graph is freed when it returns,
    # while the collector is still paused: the first collection after the pause
    # would otherwise walk every node once more.
    node = loader.get_single_node()
    if node is None:
        return None
    check_document_graph(node, text, limits)
    return construct_document(loader, node)


def _yaml_error(
    exc: yaml.MarkedYAMLError, text: str, display_name: str, limits: DocumentLimits
) -> DocumentError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    if isinstance(exc, LimitExceeded):
        return DocumentError(
            str(exc.problem), location=SourceLocation(display_name, line, column), hint=exc.hint
        )
    problem = exc.problem or "cannot parse"
    if "maximum nesting depth" in problem:
        # libyaml's own limit (1000 levels). In flow style the first bracket over
        # our limit can be found; in block style libyaml's position is the best.
        position = _flow_depth_position(text, limits.max_depth)
        levels = limits.max_depth if position else max(limits.max_depth, 1000)
        line, column = position or (line, column)
        return DocumentError(
            f"the document is nested more than {levels} levels deep",
            location=SourceLocation(display_name, line, column),
            hint="no Arazzo or OpenAPI document needs this much nesting; check the brackets",
        )
    context = f" ({exc.context})" if exc.context else ""
    return DocumentSyntaxError(
        f"invalid YAML: {problem}{context}",
        location=SourceLocation(display_name, line, column),
        hint="check the indentation and quoting around this line",
    )


_FLOW_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[\[\]{}]')


def _flow_depth_position(text: str, max_depth: int) -> tuple[int, int] | None:
    """Line and column of the first bracket nested deeper than ``max_depth``."""
    depth = 0
    for match in _FLOW_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return line_column(text, match.start())
        elif token in "]}":
            depth = max(0, depth - 1)
    return None
