"""An on-disk cache of parsed documents, so a large description is parsed once.

A 10 MB OpenAPI description in YAML takes seconds to parse; its parsed form
loads from this cache in a few tens of milliseconds. Only local YAML files of
at least :data:`MIN_CACHED_CHARS` characters are cached: smaller ones, and
JSON documents of any size, parse faster than a cache entry can be read.

Where: ``$XDG_CACHE_HOME/arazzo-runner/documents`` (``~/.cache/...`` when
``XDG_CACHE_HOME`` is unset). Set ``ARAZZO_RUNNER_CACHE=off`` (or ``0``,
``no``, ``false``) to neither read nor write it.

An entry is found by the file's absolute path, size and modification time,
the package version, the Python ``marshal`` format and the document limits
the document was checked against. It is used only when:

* it is a regular file owned by the current user,
* it starts with our header, naming the same key,
* the document's text still has the digest recorded in the header (so an
  edit that keeps the size and modification time is not missed), and
* the payload has the length and digest the header records.

The payload is written with :mod:`marshal`, which reads back plain data
(dicts, lists, strings, numbers) and, unlike :mod:`pickle`, never runs code
while loading. Anything wrong with an entry makes it a miss; the document is
then parsed as usual and the entry rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__

if TYPE_CHECKING:
    from .loader import DocumentLimits, LoadedDocument

MIN_CACHED_CHARS = 256 * 1024
CACHE_ENV = "ARAZZO_RUNNER_CACHE"
_DISABLED = frozenset({"0", "off", "no", "false"})
_MAGIC = b"arazzo-runner parsed document\n"
_FORMAT = 1
# magic, format, key digest, text digest, is_json, payload length, payload digest
_HEADER = struct.Struct(f"!{len(_MAGIC)}sH32s32s?Q32s")


@dataclass(frozen=True)
class _Entry:
    path: Path
    key: bytes
    text_digest: bytes


def parse_cached(
    text: str, *, uri: str, display_name: str, limits: DocumentLimits | None = None
) -> LoadedDocument:
    """:func:`~arazzo_runner.document.loader.parse_document` for the local file ``uri``, cached."""
    from .loader import DEFAULT_LIMITS, LoadedDocument, SourceMap, parse_document

    limits = limits or DEFAULT_LIMITS
    directory = cache_directory()
    if directory is None or len(text) < MIN_CACHED_CHARS or _looks_like_json(text):
        return parse_document(text, uri=uri, display_name=display_name, limits=limits)
    entry = _entry_for(directory, uri, text, limits)
    if entry is not None:
        found = _read(entry)
        if found is not None:
            data, is_json = found
            return LoadedDocument(uri, display_name, data, SourceMap(text), is_json=is_json)
    document = parse_document(text, uri=uri, display_name=display_name, limits=limits)
    if entry is not None:
        _write(entry, document.data, document.is_json)
    return document


def _looks_like_json(text: str) -> bool:
    # json.loads reads a large document faster than marshal reads its cached
    # form, so only YAML, whose parser is a hundred times slower, is cached.
    return text.lstrip()[:1] in ("{", "[")


def cache_directory() -> Path | None:
    """Where parsed documents are kept, or None when caching is turned off."""
    if os.environ.get(CACHE_ENV, "").strip().lower() in _DISABLED:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):  # the XDG spec says to ignore relative paths
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "arazzo-runner" / "documents"


def _entry_for(directory: Path, uri: str, text: str, limits: DocumentLimits) -> _Entry | None:
    try:
        stat = os.stat(uri)
    except OSError:
        return None
    identity = "\0".join(
        [
            uri,
            str(stat.st_size),
            str(stat.st_mtime_ns),
            __version__,
            f"marshal{marshal.version}",
            sys.implementation.cache_tag or "",
            repr(limits),
        ]
    )
    key = hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=32).digest()
    # One entry per file: its name starts with the path's digest, so a newer
    # version of the file replaces the older entry instead of piling up.
    prefix = hashlib.blake2b(uri.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return _Entry(directory / f"{prefix}-{key.hex()[:32]}.bin", key, _digest(text))


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).digest()


def _read(entry: _Entry) -> tuple[Any, bool] | None:
    try:
        with open(entry.path, "rb") as stream:
            if not _trusted(os.fstat(stream.fileno())):
                return None
            header = stream.read(_HEADER.size)
            payload = stream.read()
    except OSError:
        return None
    if len(header) != _HEADER.size:
        return None
    magic, version, key, text_digest, is_json, length, payload_digest = _HEADER.unpack(header)
    if (magic, version, key, text_digest) != (_MAGIC, _FORMAT, entry.key, entry.text_digest):
        return None
    if len(payload) != length or hashlib.blake2b(payload, digest_size=32).digest() != (
        payload_digest
    ):
        return None
    from .loader import collection_paused

    try:
        with collection_paused():
            return marshal.loads(payload), is_json
    except (EOFError, ValueError, TypeError):
        return None


def _trusted(stat: os.stat_result) -> bool:
    import stat as stat_module

    if not stat_module.S_ISREG(stat.st_mode):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or stat.st_uid == getuid()


def _write(entry: _Entry, data: Any, is_json: bool) -> None:
    try:
        payload = marshal.dumps(data)
    except ValueError:
        return  # a value marshal cannot hold: such documents are simply not cached
    header = _HEADER.pack(
        _MAGIC,
        _FORMAT,
        entry.key,
        entry.text_digest,
        is_json,
        len(payload),
        hashlib.blake2b(payload, digest_size=32).digest(),
    )
    try:
        entry.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove_older_entries(entry.path)
        # Written to a temporary file and renamed, so that a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=entry.path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(header)
                stream.write(payload)
            os.replace(temporary, entry.path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a cache that cannot be written only costs time


def _remove_older_entries(path: Path) -> None:
    prefix = path.name.split("-", 1)[0] + "-"
    for other in path.parent.glob(f"{prefix}*.bin"):
        if other != path:
            with contextlib.suppress(OSError):
                other.unlink()


def clear() -> int:
    """Delete every cached document; returns how many entries were removed."""
    directory = cache_directory()
    if directory is None or not directory.is_dir():
        return 0
    removed = 0
    for entry in directory.glob("*.bin"):
        try:
            entry.unlink()
            removed += 1
        except OSError:
            pass
    return removed
