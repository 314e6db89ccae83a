"""Reading a document from a file or a URL: bounded, decoded, parsed (or taken from the cache)."""

from __future__ import annotations

import codecs
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DocumentError, DocumentSyntaxError, SourceLocation
from .limits import DocumentLimits
from .parse_cache import ParsedCache
from .parsing import LoadedDocument, parse_text
from .source_map import SourceMap, line_column
from .uris import display_path, is_url

Fetch = Callable[[str, DocumentLimits], bytes]
"""Fetches the bytes at a URL, within the time and size of the limits it is given."""


def fetch_url(url: str, limits: DocumentLimits) -> bytes:
    """Fetch a remote document within a time limit and a size limit.

    The time limit covers the whole download, not only each read, so a server
    that trickles bytes cannot hold the runner either.
    """
    import httpx2  # imported here: only remote documents need it on this path

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
    except httpx2.TransportError as exc:
        raise DocumentError(
            f"cannot fetch document: a network failure ({_network_reason(exc)})",
            location=SourceLocation(url),
            hint="check the network and the URL, or point the url at a local copy of the "
            "document; `arazzo validate --offline` checks the rest without fetching it",
        ) from None
    except httpx2.HTTPError as exc:
        raise DocumentError(f"cannot fetch document: {exc}", location=SourceLocation(url)) from None


# What the resolver's own words mean, for a message a user can act on.
_NETWORK_REASONS = (
    (("Name or service not known", "nodename nor servname", "getaddrinfo failed",
      "Temporary failure in name resolution", "No address associated"),
     "the host name cannot be resolved"),
    (("Connection refused",), "the connection was refused"),
    (("Network is unreachable", "No route to host"), "the network is unreachable"),
    (("SSL", "certificate"), "the TLS connection failed"),
)  # fmt: skip


def _network_reason(exc: Exception) -> str:
    text = str(exc)
    for needles, reason in _NETWORK_REASONS:
        if any(needle in text for needle in needles):
            return reason
    return "no connection could be made"


@dataclass(frozen=True)
class LoadOptions:
    """How documents are read: the limits, the network, and the parsed-document cache."""

    limits: DocumentLimits = field(default_factory=DocumentLimits)
    offline: bool = False
    """Refuse to fetch any remote document (``--offline``)."""
    fetch: Fetch = field(default=fetch_url, compare=False)
    """Fetches remote documents: over HTTP(S) by default; another function can
    answer from a mirror or a directory instead."""
    parse_cache: ParsedCache | None = field(
        default_factory=ParsedCache.from_environment, compare=False
    )
    """Where large local YAML documents are kept once parsed; None to parse every time.
    The default follows the environment, read when the options are made."""
    documents: tuple[str, ...] = ()
    """Other documents (paths or URLs) given to the run, such as ``--document``:
    Arazzo 1.1 references find them by their ``$self`` before any location is read
    ("Identity-Based Referencing")."""


class FetchRefused(DocumentError):
    """A remote document was needed, and fetching it is not allowed (``--offline``).

    Unlike other unreadable documents, this is never downgraded to a warning:
    a run must not quietly differ because the network was switched off.
    """


def load_document(
    location: str, *, display_name: str | None = None, options: LoadOptions | None = None
) -> LoadedDocument:
    """Load a YAML or JSON document from a file path or an http(s) URL.

    ``options`` bound what reading may cost, may forbid the network or replace
    it, and say where parsed documents are cached.
    """
    options = options or LoadOptions()
    limits = options.limits
    name = display_name or display_path(location)
    if is_url(location):
        if options.offline:
            raise offline_refusal(location)
        raw = options.fetch(location, limits)
        if len(raw) > limits.max_bytes:  # a fetch function may not have checked
            raise _too_large(len(raw), limits, name)
        text = decode_document(raw, name)
        return _parsed(text, location, name, limits, cache=None)
    uri = os.path.abspath(location)
    text = decode_document(_read_file(uri, name, limits), name)
    return _parsed(text, uri, name, limits, cache=options.parse_cache)


def _parsed(
    text: str, uri: str, name: str, limits: DocumentLimits, cache: ParsedCache | None
) -> LoadedDocument:
    """The document of ``text``: from ``cache`` when it has it, else parsed (and put there)."""
    found = cache.get(uri, text, limits) if cache else None
    if found is None:
        found = parse_text(text, uri=uri, display_name=name, limits=limits)
        if cache:
            cache.put(uri, text, limits, *found)
    data, is_json = found
    return LoadedDocument(uri, name, data, SourceMap(text), is_json=is_json)


def offline_refusal(url: str) -> FetchRefused:
    """The error for a remote document that ``--offline`` does not let us fetch."""
    return FetchRefused(
        f"not fetching {url}: remote documents are not fetched with --offline",
        location=SourceLocation(url),
        hint="download the document and refer to the local copy, or run without --offline",
    )


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


def encode_like(original: bytes, text: str) -> bytes:
    """``text`` encoded as ``original`` was: the same encoding and byte order mark.

    For a rewrite of a document (``arazzo upgrade --write``) that must change no
    byte it does not mean to.
    """
    encoding, bom = _detect_encoding(original)
    return original[:bom] + text.encode(encoding)


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
        line, column = line_column(valid, len(valid))
        offset = bom + exc.start
        hint = "save the file as UTF-8"
        if encoding == "UTF-8":
            hint += " (it may be in Latin-1 or Windows-1252)"
        raise DocumentSyntaxError(
            f"not valid {encoding} (byte 0x{raw[offset]:02x} at offset {offset})",
            location=SourceLocation(name, line, column),
            hint=hint,
        ) from None
