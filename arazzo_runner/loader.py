"""Reading YAML and JSON documents, from files or URLs, with source positions.

A loaded document keeps its location (so relative references resolve against
it) and a :class:`SourceMap` that turns a JSON pointer back into a line and
column, so every diagnostic can say where in the file the problem is.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from .errors import DocumentError, SourceLocation

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Remote documents are fetched with a bounded time and size so a slow or huge
# server cannot hang or exhaust the runner.
FETCH_TIMEOUT_SECONDS = 30.0
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


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


def _yaml12(base: type) -> type:
    """A safe loader class that reads scalars the way YAML 1.2 (and JSON) does.

    PyYAML implements YAML 1.1, which turns ``2026-03-15`` into a date,
    ``on``/``yes``/``no`` into booleans, ``1:20`` into 80 and ``017`` into 15.
    Arazzo recommends YAML 1.2 and its data model is JSON's, so this loader uses
    the YAML 1.2 core schema for booleans and numbers, and dates stay strings.
    """
    loader = type(f"Yaml12{base.__name__}", (base,), {})
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
                node = yaml.compose(self._text, Loader=loader)
            except yaml.YAMLError:
                continue
            if node is not None:
                self._walk(node, "")
            return

    def _walk(self, node: yaml.Node, pointer: str) -> None:
        assert self._values is not None
        # Aliased nodes are walked once per use, which is what the data holds too.
        self._values.setdefault(pointer, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = join_pointer(pointer, str(key_node.value))
                mark = key_node.start_mark
                self._keys.setdefault(child, (mark.line + 1, mark.column + 1))
                self._walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._walk(item, join_pointer(pointer, index))


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
    """
    if is_url(reference):
        return reference
    if urlsplit(reference).scheme == "file":
        if is_url(base):
            # A document from the network must not make the runner read local files.
            raise DocumentError(
                f"'{reference}' is a local file, and a remote document ({base}) cannot refer "
                "to local files"
            )
        return unquote(urlsplit(reference).path)
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
) -> LoadedDocument:
    """Load a YAML or JSON document from a file path or an http(s) URL."""
    name = display_name or display_path(location)
    if is_url(location):
        raw = (fetch or fetch_url)(location)
        uri = location
    else:
        uri = os.path.abspath(location)
        raw = _read_file(uri, name)
    text = _decode(raw, name)
    return parse_document(text, uri=uri, display_name=name)


def display_path(location: str) -> str:
    """Name a file the way a user finds it: relative to the working directory."""
    if is_url(location) or not os.path.isabs(location):
        return location
    try:
        return os.path.relpath(location)
    except ValueError:  # another drive on Windows
        return location


def parse_document(text: str, *, uri: str, display_name: str) -> LoadedDocument:
    """Parse ``text`` as JSON when it looks like JSON, otherwise as YAML."""
    source_map = SourceMap(text)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
            return LoadedDocument(uri, display_name, data, source_map, is_json=True)
        except json.JSONDecodeError as exc:
            if uri.endswith(".json"):
                raise DocumentError(
                    f"invalid JSON: {exc.msg}",
                    location=SourceLocation(display_name, exc.lineno, exc.colno),
                ) from None
            # Flow-style YAML also starts with a brace; let the YAML parser decide.
    try:
        data = yaml.load(text, Loader=_Yaml12Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = SourceLocation(
            display_name,
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        )
        problem = exc.problem or "cannot parse"
        context = f" ({exc.context})" if exc.context else ""
        raise DocumentError(
            f"invalid YAML: {problem}{context}",
            location=location,
            hint="check the indentation and quoting around this line",
        ) from None
    except yaml.YAMLError as exc:
        raise DocumentError(f"invalid YAML: {exc}", location=SourceLocation(display_name)) from None
    return LoadedDocument(uri, display_name, data, source_map)


def _read_file(path: str, name: str) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"file is too large ({size} bytes; the limit is {MAX_DOCUMENT_BYTES})",
                location=SourceLocation(name),
            )
        return Path(path).read_bytes()
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


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            location=SourceLocation(name, line),
            hint="save the file as UTF-8",
        ) from None
    return text


def fetch_url(url: str) -> bytes:
    """Fetch a remote document with a timeout and a size limit."""
    import httpx2  # imported here: only remote documents need it on this path

    try:
        with httpx2.stream(
            "GET", url, timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=True
        ) as response:
            if response.status_code != 200:
                raise DocumentError(
                    f"cannot fetch document: HTTP {response.status_code}",
                    location=SourceLocation(url),
                )
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > MAX_DOCUMENT_BYTES:
                    raise DocumentError(
                        f"document is larger than {MAX_DOCUMENT_BYTES} bytes",
                        location=SourceLocation(url),
                    )
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx2.HTTPError as exc:
        raise DocumentError(f"cannot fetch document: {exc}", location=SourceLocation(url)) from None
