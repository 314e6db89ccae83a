"""An on-disk store of parsed documents, so a large description is parsed once.

Parsing a large YAML description takes seconds; its parsed form reads back
from this store in a fraction of that (see "The parsed-document cache" in
docs/performance.md). Only YAML files of at least :data:`MIN_CACHED_CHARS`
characters are kept: smaller ones, and JSON documents of any size, parse
faster than an entry can be read.

Where: ``$XDG_CACHE_HOME/arazzo-runner/documents`` (``~/.cache/...`` when
``XDG_CACHE_HOME`` is unset), as :meth:`ParsedCache.from_environment` finds
it. Set ``ARAZZO_RUNNER_CACHE=off`` (or ``0``, ``no``, ``false``) to neither
read nor write it, or pass ``LoadOptions(parse_cache=None)``.

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
while loading. Anything wrong with an entry makes it a miss; the caller then
parses the document and puts the entry again.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat as stat_module
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from .gc_pause import collection_paused
from .limits import DocumentLimits
from .parsing import looks_like_json

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


@dataclass(frozen=True)
class ParsedCache:
    """Parsed documents kept in ``directory``, by the local file they were read from.

    A pure store: it neither reads nor parses documents. The caller looks an
    entry up with :meth:`get` and, on a miss, parses the text and hands the
    result to :meth:`put`.
    """

    directory: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> ParsedCache | None:
        """The cache the environment asks for, or None when it is turned off."""
        if environ.get(CACHE_ENV, "").strip().lower() in _DISABLED:
            return None
        home = os.path.expanduser("~")
        base = environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
        if not os.path.isabs(base):  # the XDG spec says to ignore relative paths
            base = os.path.join(home, ".cache")
        return cls(Path(base) / "arazzo-runner" / "documents")

    def get(self, uri: str, text: str, limits: DocumentLimits) -> tuple[Any, bool] | None:
        """The data of local file ``uri`` with ``text``, and whether it was JSON; None on a miss."""
        entry = self._entry_for(uri, text, limits)
        return None if entry is None else _read(entry)

    def put(self, uri: str, text: str, limits: DocumentLimits, data: Any, is_json: bool) -> None:
        """Keep ``data``, parsed from ``text`` (local file ``uri``) within ``limits``.

        Quietly does nothing for a document not worth keeping, or when the
        directory cannot be written: a cache that fails only costs time.
        """
        entry = self._entry_for(uri, text, limits)
        if entry is not None:
            _write(entry, data, is_json)

    def clear(self) -> int:
        """Delete every entry; returns how many were removed."""
        if not self.directory.is_dir():
            return 0
        removed = 0
        for entry in self.directory.glob("*.bin"):
            try:
                entry.unlink()
                removed += 1
            except OSError:
                pass
        return removed

    def _entry_for(self, uri: str, text: str, limits: DocumentLimits) -> _Entry | None:
        if not _worth_caching(text):
            return None
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
        key = _digest(identity)
        # One entry per file: its name starts with the path's digest, so a newer
        # version of the file replaces the older entry instead of piling up.
        prefix = _blake2b(uri.encode("utf-8", "surrogatepass"), 8).hex()
        return _Entry(self.directory / f"{prefix}-{key.hex()[:32]}.bin", key, _digest(text))


def _worth_caching(text: str) -> bool:
    # json.loads reads a large document faster than marshal reads its cached
    # form, so only YAML, whose parser is far slower, is worth caching.
    return len(text) >= MIN_CACHED_CHARS and not looks_like_json(text)


def _digest(text: str) -> bytes:
    return _blake2b(text.encode("utf-8", "surrogatepass"), 32)


def _blake2b(data: bytes, size: int) -> bytes:
    # Imported on first use: only documents large enough to cache are digested,
    # and importing hashlib costs every cold start (it loads OpenSSL).
    import hashlib

    return hashlib.blake2b(data, digest_size=size).digest()


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
    if len(payload) != length or _blake2b(payload, 32) != (payload_digest):
        return None
    try:
        with collection_paused():
            return marshal.loads(payload), is_json
    except (EOFError, ValueError, TypeError):
        return None


def _trusted(stat: os.stat_result) -> bool:
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
        _blake2b(payload, 32),
    )
    try:
        entry.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove_older_entries(entry.path)
        # Written to a temporary file and renamed, so that a reader never sees half an entry.
        import tempfile  # only writing needs it; it imports random, shutil, bz2 and more

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
