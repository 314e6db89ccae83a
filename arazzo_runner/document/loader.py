"""Reading YAML and JSON documents, from files or URLs, with source positions.

A loaded document keeps its location (so relative references resolve against
it) and a :class:`SourceMap` that turns a JSON pointer back into a line and
column, so every diagnostic can say where in the file the problem is.
"""

from __future__ import annotations

import codecs
import gc
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from ..errors import DocumentError, SourceLocation

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MIB = 1024 * 1024


@dataclass(frozen=True)
class DocumentLimits:
    """Bounds on what reading one document may cost, so a hostile or broken
    document fails with a clear error instead of hanging or exhausting memory.

    Every document is checked: the Arazzo document, its source descriptions and
    the files and URLs that their ``$ref`` values point to.
    """

    max_bytes: int = 64 * MIB
    """Largest file or response body, in bytes (before decoding)."""
    max_depth: int = 100
    """Deepest nesting of mappings and sequences. Much deeper data would
    exhaust the Python stack of whatever walks it later."""
    max_alias_nodes: int = 1_000_000
    """How many nodes YAML aliases (``*name``) may add to a document, counting
    each alias as a copy of what it names. Documents without aliases are never
    affected; a "billion laughs" document is refused before it is built."""
    max_alias_chars: int = 64 * MIB
    """How many characters of scalar text aliases may add, counted the same way."""
    fetch_timeout: float = 30.0
    """Seconds a remote document may take, from connecting to the last byte."""


DEFAULT_LIMITS = DocumentLimits()
"""The limits used when none are given; replace it to change them process-wide."""

# Kept for code that imported the old names.
FETCH_TIMEOUT_SECONDS = DEFAULT_LIMITS.fetch_timeout
MAX_DOCUMENT_BYTES = DEFAULT_LIMITS.max_bytes


@dataclass(frozen=True)
class LoadOptions:
    """How documents are read: the limits, and whether the network may be used."""

    limits: DocumentLimits | None = None
    """None means :data:`DEFAULT_LIMITS` as it is when a document is read."""
    offline: bool = False
    """Refuse to fetch any remote document (``--offline``)."""
    fetch: Callable[[str], bytes] | None = field(default=None, compare=False)
    """Fetches a URL's bytes; :func:`fetch_url` when None (tests replace it)."""

    def effective_limits(self) -> DocumentLimits:
        return self.limits or DEFAULT_LIMITS


class FetchRefused(DocumentError):
    """A remote document was needed, and fetching it is not allowed (``--offline``).

    Unlike other unreadable documents, this is never downgraded to a warning:
    a run must not quietly differ because the network was switched off.
    """


_REPLACED_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # YAML 1.2: a leading zero does not make a number octal


class _GuardedConstruction:
    """Mixin for the loaders: check the node graph before building data from it.

    PyYAML shares the node of an anchor between all its aliases, so a
    "billion laughs" document composes and constructs quickly, and only
    explodes later, in whatever walks the data. The graph is measured first,
    counting every alias as a copy, and refused when it is too large, too deep
    or recursive.
    """

    limits: DocumentLimits = DEFAULT_LIMITS
    may_have_aliases: bool = True
    """False when the text cannot hold an alias (see :func:`_may_have_aliases`): then
    no node is shared, and only the nesting depth needs checking."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()  # type: ignore[attr-defined]
        if node is None:
            return None
        limits = self.limits
        if self.may_have_aliases or min(limits.max_alias_nodes, limits.max_alias_chars) < 0:
            check_node_graph(node, limits)
        else:
            _check_tree_depth(node, limits)
        return self.construct_document(node)  # type: ignore[attr-defined]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except (yaml.YAMLError, RecursionError, MemoryError):
            raise
        except Exception as exc:
            # PyYAML's constructors trust the text they are given: an explicit tag
            # on a value it cannot hold (``!!int abc``, ``!!bool maybe``, ``!!float ''``)
            # raises ValueError, KeyError or IndexError, and so does an integer too
            # long for Python. Each is a problem with the document, not a bug.
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"cannot read this value as {_tag_name(node.tag)} ({exc})",
                node.start_mark,
            ) from None


def _tag_name(tag: str) -> str:
    return "!!" + tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else tag


def _yaml12(base: type) -> type:
    """A safe loader class that reads scalars the way YAML 1.2 (and JSON) does.

    PyYAML implements YAML 1.1, which turns ``2026-03-15`` into a date,
    ``on``/``yes``/``no`` into booleans, ``1:20`` into 80 and ``017`` into 15.
    Arazzo recommends YAML 1.2 and its data model is JSON's, so this loader uses
    the YAML 1.2 core schema for booleans and numbers, and dates stay strings.
    """
    loader = type(f"Yaml12{base.__name__}", (_GuardedConstruction, base), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    # Integers are added before floats so that "17" is an integer.
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        list("-+0123456789"),
    )
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    )
    loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    return loader


_Yaml12Loader = _yaml12(_BaseLoader)
# libyaml rejects some text that JSON allows (escaped surrogate pairs such as
# "\ud83d\ude00"); the pure-Python parser accepts it, so positions fall back to it.
_Yaml12PythonLoader = _yaml12(yaml.SafeLoader)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is parsed.

    Parsing allocates hundreds of thousands of containers that all stay alive,
    and every collection this triggers walks them all again for nothing: on a
    10 MB YAML description that was most of the parsing time (json.loads and
    marshal.loads lose about half of theirs). Parsed documents hold no
    reference cycles (a recursive YAML alias is refused), so there is nothing
    for the collector to find; reference counting frees everything as usual.
    """
    if not gc.isenabled():
        yield  # turned off by the application (or a parse in another thread)
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def escape_pointer_token(token: str) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    """Append reference tokens to a JSON pointer."""
    return pointer + "".join("/" + escape_pointer_token(str(t)) for t in tokens)


def resolve_pointer(data: Any, pointer: str) -> Any:
    """The value at JSON pointer ``pointer`` in ``data``; LookupError says why not."""
    if pointer and not pointer.startswith("/"):
        raise LookupError("the fragment is not a JSON pointer")
    current = data
    walked = "#"
    for raw_token in pointer.split("/")[1:]:
        token = raw_token.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            raise LookupError(f"there is no '{token}' in '{walked}'")
        walked += "/" + raw_token
    return current


class SourceMap:
    """Maps JSON pointers in a document to 1-based (line, column) positions.

    Positions are computed on first use, by composing the YAML node tree once
    more: most runs never report a problem, and large OpenAPI descriptions
    would pay for a position table they never read.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._values: dict[str, tuple[int, int]] | None = None
        self._keys: dict[str, tuple[int, int]] = {}

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int] | None:
        """Position of the value at ``pointer`` (or of its key, when ``key``).

        Falls back to the nearest enclosing node that exists, so a missing
        field is reported at the object that should have had it.
        """
        if self._values is None:
            self._values = {}
            self._build()
        current = pointer
        while True:
            if key and current in self._keys:
                return self._keys[current]
            if current in self._values:
                return self._values[current]
            if not current:
                return None
            current = current.rsplit("/", 1)[0]

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` (empty when out of range)."""
        lines = self._text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def _build(self) -> None:
        for loader in (_Yaml12Loader, _Yaml12PythonLoader):
            try:
                with collection_paused():
                    node = yaml.compose(self._text, Loader=loader)
            except (yaml.YAMLError, RecursionError):
                continue  # positions are a courtesy; the parse error says the rest
            if node is not None:
                self._walk(node)
            return

    def _walk(self, root: yaml.Node) -> None:
        assert self._values is not None
        # Iterative, so that no nesting depth can exhaust the Python stack. Aliased
        # nodes are walked once per use, which is what the data holds too; the
        # loader has already bounded how much that can add.
        pending: list[tuple[yaml.Node, str]] = [(root, "")]
        while pending:
            node, pointer = pending.pop()
            mark = node.start_mark
            self._values.setdefault(pointer, (mark.line + 1, mark.column + 1))
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in reversed(node.value):
                    child = join_pointer(pointer, str(key_node.value))
                    key_mark = key_node.start_mark
                    self._keys.setdefault(child, (key_mark.line + 1, key_mark.column + 1))
                    pending.append((value_node, child))
            elif isinstance(node, yaml.SequenceNode):
                for index in range(len(node.value) - 1, -1, -1):
                    pending.append((node.value[index], join_pointer(pointer, index)))


def check_node_graph(root: yaml.Node, limits: DocumentLimits) -> None:
    """Refuse a composed YAML graph that is too deep, recursive, or alias-bombed.

    One iterative pass over the distinct nodes; an aliased node's expanded size
    is computed once and reused, so measuring a billion laughs costs as little
    as parsing it.
    """
    _GraphCheck(limits).run(root)


_SIZE_CAP = 1 << 62  # expanded sizes are capped so chains of aliases stay small ints


class _GraphCheck:
    def __init__(self, limits: DocumentLimits) -> None:
        self.limits = limits
        # id(node) -> (expanded nodes, expanded scalar characters, height)
        self.sizes: dict[int, tuple[int, int, int]] = {}
        self.open: set[int] = set()
        self.nodes = 0
        self.chars = 0

    def run(self, root: yaml.Node) -> None:
        # (node, level, children): a collection is pushed again with its children
        # (finished) after them. A large description has millions of nodes, most of
        # them scalars, so scalars are measured on the spot and the loop avoids
        # calls it does not need; the checks and their order are those of a plain
        # depth-first walk.
        pending: list[tuple[yaml.Node, int, list[yaml.Node] | None]] = [(root, 1, None)]
        sizes = self.sizes
        while pending:
            node, level, children = pending.pop()
            if children is not None:
                self._measure(node, children)
                continue
            if id(node) in sizes:
                continue  # another use of an anchored node: already measured
            if isinstance(node, yaml.ScalarNode):
                self._scalar(node)
                continue
            if level > self.limits.max_depth:
                raise _depth_error(self.limits, node.start_mark)
            self.open.add(id(node))
            self.nodes += 1
            children = _children(node)
            pending.append((node, level, children))
            for child in reversed(children):
                if id(child) in self.open:
                    raise _located(
                        "a YAML alias refers to a node that contains it, which would make "
                        "the data infinitely deep",
                        child.start_mark,
                        "JSON data cannot be recursive; use a $ref instead of the alias",
                    )
                pending.append((child, level + 1, None))

    def _scalar(self, node: yaml.ScalarNode) -> None:
        # Entered and finished at once: a scalar has no children, so it never needs
        # to be among the open nodes.
        chars = len(node.value)
        self.nodes += 1
        self.chars += chars
        self._record(node, 1, chars, 1)

    def _measure(self, node: yaml.Node, children: list[yaml.Node]) -> None:
        self.open.discard(id(node))
        nodes, chars, height = 1, 0, 0
        sizes = self.sizes
        for child in children:
            child_nodes, child_chars, child_height = sizes[id(child)]
            nodes += child_nodes
            chars += child_chars
            height = max(height, child_height)
        self._record(node, min(_SIZE_CAP, nodes), min(_SIZE_CAP, chars), height + 1)

    def _record(self, node: yaml.Node, nodes: int, chars: int, height: int) -> None:
        self.sizes[id(node)] = (nodes, chars, height)
        limits = self.limits
        # Everything composed so far is at most what the whole document holds, so
        # going over here already means the whole document goes over.
        if nodes - self.nodes > limits.max_alias_nodes:
            raise _alias_error(f"{limits.max_alias_nodes:,} nodes", node.start_mark)
        if chars - self.chars > limits.max_alias_chars:
            raise _alias_error(f"{limits.max_alias_chars:,} characters", node.start_mark)
        if height > limits.max_depth:
            raise _depth_error(limits, node.start_mark)  # deep only through aliases


def _check_tree_depth(root: yaml.Node, limits: DocumentLimits) -> None:
    """:func:`check_node_graph` for a graph without aliases, which is a tree.

    Without aliases nothing is shared, so nothing can expand or recurse, and
    only the depth is left to check: level by level, collections only, which
    costs a fraction of the full measurement on a large description. It
    refuses what the full check refuses, at the same node: the first collection
    (in document order) deeper than the limit; failing that, the root, when a
    scalar sits one level below the limit (the full check measures heights
    with scalars counted as a level).
    """
    if not isinstance(root, yaml.CollectionNode):
        if limits.max_depth < 1:
            raise _depth_error(limits, root.start_mark)
        return
    level: list[yaml.Node] = [root]
    depth = 1
    while level:
        if depth > limits.max_depth:
            raise _depth_error(limits, level[0].start_mark)
        deeper: list[yaml.Node] = []
        has_scalar = False
        for node in level:
            children = (
                [child for pair in node.value for child in pair]
                if isinstance(node, yaml.MappingNode)
                else node.value
            )
            for child in children:
                if isinstance(child, yaml.CollectionNode):
                    deeper.append(child)
                else:
                    has_scalar = True
        if depth == limits.max_depth and has_scalar and not deeper:
            raise _depth_error(limits, root.start_mark)
        level = deeper
        depth += 1


# An alias is '*' and at least one anchor character ([0-9A-Za-z_-] in PyYAML and
# libyaml). It starts a token, so the character before it cannot continue a word.
_ALIAS_CANDIDATE = re.compile(r"\*[0-9A-Za-z_-]")
# (nor another '*': "**a" would be an alias without a name, which does not parse).
_NOT_BEFORE_AN_ALIAS = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-*"
)


def _may_have_aliases(text: str) -> bool:
    """Whether ``text`` might hold a YAML alias: False only when it certainly does not.

    Over-approximates (a '*word' inside a quoted string counts), which only
    means the full graph check runs.
    """
    for match in _ALIAS_CANDIDATE.finditer(text):
        start = match.start()
        if start == 0 or text[start - 1] not in _NOT_BEFORE_AN_ALIAS:
            return True
    return False


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _located(message: str, mark: Any, hint: str) -> yaml.MarkedYAMLError:
    """A YAML error at ``mark``, reported by :func:`parse_document` like any other."""
    return _LimitExceeded(message, mark, hint)


class _LimitExceeded(yaml.MarkedYAMLError):
    def __init__(self, message: str, mark: Any, hint: str) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.hint = hint


def _alias_error(budget: str, mark: Any) -> yaml.MarkedYAMLError:
    return _located(
        f"YAML aliases expand this document by more than {budget} (each alias counts as "
        "a copy of what it names); refusing it, as it looks like an alias bomb",
        mark,
        "write the repeated parts out, or share them with $ref instead of anchors and aliases",
    )


def _depth_error(limits: DocumentLimits, mark: Any) -> yaml.MarkedYAMLError:
    return _located(
        f"the document is nested more than {limits.max_depth} levels deep",
        mark,
        "no Arazzo or OpenAPI document needs this much nesting; check the brackets",
    )


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
        """Resolve a (possibly relative) URI reference against this document."""
        return resolve_reference(self.uri, reference)


def is_url(location: str) -> bool:
    return urlsplit(location).scheme in ("http", "https")


def resolve_reference(base: str, reference: str) -> str:
    """Resolve ``reference`` against ``base`` (a file path or an http(s) URL).

    Relative references resolve against the referring document, as RFC 3986
    and the Arazzo spec say; for files that means the document's directory.
    Percent-encoded characters in a relative file reference are decoded,
    since files on disk use the decoded names.

    A local document may refer to any file the user can read, and to URLs. A
    document fetched from the network may only refer to URLs: ``file:`` is
    refused, and an absolute path is a path on its own server.
    """
    if is_url(reference):
        return reference
    scheme = urlsplit(reference).scheme
    if scheme == "file":
        if is_url(base):
            # A document from the network must not make the runner read local files.
            raise DocumentError(
                f"'{reference}' is a local file, and a remote document ({base}) cannot refer "
                "to local files"
            )
        return unquote(urlsplit(reference).path)
    if len(scheme) > 1:  # one letter is a Windows drive ("C:\\specs\\api.yaml")
        raise DocumentError(
            f"'{reference}' uses the URL scheme '{scheme}:', which is not supported "
            "(only http:, https:, file: and relative references are)"
        )
    if is_url(base):
        return urljoin(base, reference)
    path = unquote(reference)
    if os.path.isabs(path):
        return os.path.normpath(path)
    return os.path.normpath(os.path.join(os.path.dirname(base), path))


def load_document(
    location: str,
    *,
    display_name: str | None = None,
    fetch: Callable[[str], bytes] | None = None,
    options: LoadOptions | None = None,
) -> LoadedDocument:
    """Load a YAML or JSON document from a file path or an http(s) URL.

    ``options`` bound what reading may cost and may forbid the network;
    ``fetch`` (or ``options.fetch``) replaces :func:`fetch_url`.
    """
    options = options or LoadOptions()
    limits = options.effective_limits()
    name = display_name or display_path(location)
    if is_url(location):
        if options.offline:
            raise offline_refusal(location)
        fetcher = fetch or options.fetch
        if fetcher is not None:
            raw = fetcher(location)
        elif options.limits is None:
            raw = fetch_url(location)  # looked up at call time: tests replace it
        else:
            raw = fetch_url(location, limits=limits)
        if len(raw) > limits.max_bytes:
            raise _too_large(len(raw), limits, name)
        uri = location
    else:
        uri = os.path.abspath(location)
        raw = _read_file(uri, name, limits)
    text = decode_document(raw, name)
    if not is_url(location):  # large local files are parsed once, then cached (doc_cache.py)
        from .parse_cache import parse_cached

        return parse_cached(text, uri=uri, display_name=name, limits=limits)
    return parse_document(text, uri=uri, display_name=name, limits=limits)


def offline_refusal(url: str) -> FetchRefused:
    """The error for a remote document that ``--offline`` does not let us fetch."""
    return FetchRefused(
        f"not fetching {url}: remote documents are not fetched with --offline",
        location=SourceLocation(url),
        hint="download the document and refer to the local copy, or run without --offline",
    )


def display_path(location: str) -> str:
    """Name a file the way a user finds it: relative to the working directory."""
    if is_url(location) or not os.path.isabs(location):
        return location
    try:
        return os.path.relpath(location)
    except ValueError:  # another drive on Windows
        return location


def parse_document(
    text: str, *, uri: str, display_name: str, limits: DocumentLimits | None = None
) -> LoadedDocument:
    """Parse ``text`` as JSON when it looks like JSON, otherwise as YAML.

    Either way the result is checked against ``limits`` (nesting depth, and for
    YAML what aliases add), and every problem is a located :class:`DocumentError`.
    """
    limits = limits or DEFAULT_LIMITS
    source_map = SourceMap(text)
    if text.lstrip().startswith(("{", "[")):
        data = _parse_json(text, uri, display_name, limits)
        if data is not _NOT_JSON:
            return LoadedDocument(uri, display_name, data, source_map, is_json=True)
    data = _parse_yaml(text, display_name, limits)
    return LoadedDocument(uri, display_name, data, source_map)


_NOT_JSON = object()


def _parse_json(text: str, uri: str, display_name: str, limits: DocumentLimits) -> Any:
    """The JSON value of ``text``, or ``_NOT_JSON`` to let the YAML parser decide."""
    try:
        with collection_paused():
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        if uri.endswith(".json"):
            raise DocumentError(
                f"invalid JSON: {exc.msg}",
                location=SourceLocation(display_name, exc.lineno, exc.colno),
            ) from None
        return _NOT_JSON  # flow-style YAML also starts with a brace
    except (RecursionError, ValueError):
        # Too deep for the JSON parser, or an integer too long for Python. YAML
        # reads JSON too, and reports these with a line and column.
        return _NOT_JSON
    depth_within = _text_depth_within(text, limits.max_depth) or _depth_within(
        data, limits.max_depth
    )
    return data if depth_within else _NOT_JSON


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKETS_AS_PARENTHESES = str.maketrans("[]{}", "()()")


def _text_depth_within(text: str, max_depth: int) -> bool:
    """Whether the arrays and objects of JSON text nest at most ``max_depth`` deep.

    For text ``json.loads`` accepted. Walking the parsed data does the same
    in Python, a large part of loading a large description; this runs at the
    speed of the regular expression engine and ``str.replace``: with strings
    and everything but brackets removed, each round of removing ``()`` pairs
    removes the innermost level. Data never nests deeper than its text (it can
    nest less deep, when a repeated key drops a deep value), so True is exact
    and False is for :func:`_depth_within` to confirm.
    """
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    brackets = brackets.translate(_BRACKETS_AS_PARENTHESES)
    for _ in range(max_depth):
        if not brackets:
            return True
        brackets = brackets.replace("()", "")
    return not brackets


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
    loader = _Yaml12Loader(text)
    loader.limits = limits
    loader.may_have_aliases = _may_have_aliases(text)
    try:
        with collection_paused():
            return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, text, display_name, limits) from None
    except yaml.YAMLError as exc:
        raise DocumentError(f"invalid YAML: {exc}", location=SourceLocation(display_name)) from None
    except RecursionError:
        # Only reachable without libyaml, whose parser stops at 1000 levels.
        line, column = _flow_depth_position(text, limits.max_depth) or (None, None)
        raise DocumentError(
            f"the document is nested more than {limits.max_depth} levels deep",
            location=SourceLocation(display_name, line, column),
        ) from None
    finally:
        loader.dispose()


def _yaml_error(
    exc: yaml.MarkedYAMLError, text: str, display_name: str, limits: DocumentLimits
) -> DocumentError:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    if isinstance(exc, _LimitExceeded):
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
    return DocumentError(
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
                return _line_column(text, match.start())
        elif token in "]}":
            depth = max(0, depth - 1)
    return None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _too_large(size: int, limits: DocumentLimits, name: str) -> DocumentError:
    return DocumentError(
        f"document is too large ({size:,} bytes; the limit is {limits.max_bytes:,} bytes)",
        location=SourceLocation(name),
        hint="raise DocumentLimits.max_bytes if the document really is this large",
    )


def _read_file(path: str, name: str, limits: DocumentLimits) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > limits.max_bytes:
            raise _too_large(size, limits, name)
        with open(path, "rb") as stream:
            # Read at most one byte over the limit: a file can grow after stat(),
            # and devices and pipes (/dev/zero, <(...)) have no size at all.
            raw = stream.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise DocumentError(
            "file not found", location=SourceLocation(name), hint="check the path"
        ) from None
    except IsADirectoryError:
        raise DocumentError("is a directory, not a file", location=SourceLocation(name)) from None
    except OSError as exc:
        raise DocumentError(
            f"cannot read file: {exc.strerror}", location=SourceLocation(name)
        ) from None
    if len(raw) > limits.max_bytes:
        raise _too_large(len(raw), limits, name)
    return raw


# YAML 1.2 (section 5.2): a byte order mark names the encoding; without one, the
# pattern of zero bytes around the first (ASCII) character does. The UTF-32
# marks come first, since UTF-32LE's begins with UTF-16LE's.
_BOMS = (
    (codecs.BOM_UTF32_BE, "UTF-32-BE"),
    (codecs.BOM_UTF32_LE, "UTF-32-LE"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_BE, "UTF-16-BE"),
    (codecs.BOM_UTF16_LE, "UTF-16-LE"),
)


def _detect_encoding(raw: bytes) -> tuple[str, int]:
    """The encoding of ``raw`` and the length of its byte order mark."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding, len(bom)
    head = raw[:4]
    if len(head) == 4 and head[:3] == b"\0\0\0" and head[3]:
        return "UTF-32-BE", 0
    if len(head) == 4 and head[0] and head[1:] == b"\0\0\0":
        return "UTF-32-LE", 0
    if len(head) >= 2 and not head[0] and head[1]:
        return "UTF-16-BE", 0
    if len(head) >= 2 and head[0] and not head[1]:
        return "UTF-16-LE", 0
    return "UTF-8", 0


def decode_document(raw: bytes, name: str) -> str:
    """Decode a document's bytes as YAML 1.2 allows: UTF-8, UTF-16 or UTF-32.

    Invalid bytes are an error naming the byte, its offset and its line and column.
    """
    encoding, bom = _detect_encoding(raw)
    body = raw[bom:]
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        valid = body[: exc.start].decode(encoding)
        line, column = _line_column(valid, len(valid))
        offset = bom + exc.start
        hint = "save the file as UTF-8"
        if encoding == "UTF-8":
            hint += " (it may be in Latin-1 or Windows-1252)"
        raise DocumentError(
            f"not valid {encoding} (byte 0x{raw[offset]:02x} at offset {offset})",
            location=SourceLocation(name, line, column),
            hint=hint,
        ) from None


def fetch_url(url: str, *, limits: DocumentLimits | None = None) -> bytes:
    """Fetch a remote document within a time limit and a size limit.

    The time limit covers the whole download, not only each read, so a server
    that trickles bytes cannot hold the runner either.
    """
    import httpx2  # imported here: only remote documents need it on this path

    limits = limits or DEFAULT_LIMITS
    deadline = time.monotonic() + limits.fetch_timeout
    try:
        with httpx2.stream(
            "GET", url, timeout=limits.fetch_timeout, follow_redirects=True
        ) as response:
            if response.status_code != 200:
                raise DocumentError(
                    f"cannot fetch document: HTTP {response.status_code}",
                    location=SourceLocation(url),
                )
            return _read_body(url, response.iter_bytes(), limits, deadline)
    except httpx2.TimeoutException:
        raise _fetch_timeout(url, limits) from None
    except httpx2.HTTPError as exc:
        raise DocumentError(f"cannot fetch document: {exc}", location=SourceLocation(url)) from None


def _read_body(url: str, chunks: Iterator[bytes], limits: DocumentLimits, deadline: float) -> bytes:
    received: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limits.max_bytes:
            raise DocumentError(
                f"cannot fetch document: it is larger than the limit of {limits.max_bytes:,} bytes",
                location=SourceLocation(url),
                hint="raise DocumentLimits.max_bytes if the document really is this large",
            )
        if time.monotonic() > deadline:
            raise _fetch_timeout(url, limits)
        received.append(chunk)
    return b"".join(received)


def _fetch_timeout(url: str, limits: DocumentLimits) -> DocumentError:
    return DocumentError(
        f"cannot fetch document: no complete response within {limits.fetch_timeout:g} seconds",
        location=SourceLocation(url),
        hint="check the URL and the network, or raise DocumentLimits.fetch_timeout",
    )


# JSON Schema keywords whose subschemas apply to the same instance as the schema
# holding them. A validator following a cycle of these never reaches the end of
# the instance, so it never stops; recursion through "properties" or "items" is
# fine, since each step goes one level into the instance.
_IN_PLACE_SCHEMA = ("not", "if", "then", "else")
_IN_PLACE_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_SCHEMA_MAPS = ("dependentSchemas",)
# Keywords whose values are data, not schemas.
_DATA_KEYWORDS = ("const", "enum", "default", "examples", "example")


def find_schema_cycle(root: Any, pointer: str) -> list[str] | None:
    """A cycle of ``$ref`` (and in-place applicators) that a validator would loop on.

    Walks the schema at ``pointer`` in ``root`` and everything it reaches,
    following local ``$ref`` values (``#/...``). Returns the pointers around the
    first endless cycle, starting and ending at the same schema, or None.
    """
    edges = _schema_graph(root, pointer)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in edges:
        if state.get(start):
            continue
        path: list[str] = []
        pending: list[tuple[str, bool]] = [(start, False)]
        while pending:
            node, leaving = pending.pop()
            if leaving:
                state[node] = 2
                path.pop()
                continue
            if state.get(node) == 2:
                continue
            state[node] = 1
            path.append(node)
            pending.append((node, True))
            for target in edges.get(node, ()):
                if state.get(target) == 1:
                    return [*path[path.index(target) :], target]
                if not state.get(target):
                    pending.append((target, False))
    return None


def _schema_graph(root: Any, pointer: str) -> dict[str, list[str]]:
    """The in-place edges between the schemas reachable from ``pointer``."""
    edges: dict[str, list[str]] = {}
    pending = [pointer]
    while pending:
        current = pending.pop()
        if current in edges:
            continue
        try:
            schema = resolve_pointer(root, current)
        except LookupError:
            continue  # the validator reports unresolvable references itself
        edges[current] = in_place = []
        if not isinstance(schema, dict):
            continue
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and ref[1:2] in ("", "/"):
            in_place.append(unquote(ref[1:]))
        for key, value in schema.items():
            for child, applies_in_place in _subschemas(current, key, value):
                if applies_in_place:
                    in_place.append(child)
                pending.append(child)
        pending.extend(in_place)
    return edges


def _subschemas(pointer: str, key: str, value: Any) -> Iterator[tuple[str, bool]]:
    """The places under ``key`` that may hold schemas, and whether they apply in place.

    This over-approximates: ``properties`` is visited both as a schema and as a
    map of schemas. A place that is not a schema adds no edges, so that is harmless.
    """
    if key in _DATA_KEYWORDS or key == "$ref":
        return
    here = join_pointer(pointer, key)
    if isinstance(value, dict):
        yield here, key in _IN_PLACE_SCHEMA
        for name in value:
            yield join_pointer(here, str(name)), key in _IN_PLACE_SCHEMA_MAPS
    elif isinstance(value, list):
        for index in range(len(value)):
            yield join_pointer(here, index), key in _IN_PLACE_SCHEMA_LISTS
