"""Checks that passed, remembered so that an unchanged document is not checked again.

Every ``arazzo run`` checks its document before sending anything: the JSON
Schema, the rules over the model, the source descriptions and the operations
steps call. For a document that passed with nothing to say, those checks give
the same answer as long as nothing they read has changed, and on a small
workflow they are a good part of a cold start (docs/performance.md). A clean
pass is therefore remembered, keyed by:

* what was checked (a run's checks or ``arazzo validate``'s, and their options),
* the digest of the document's text, its absolute location, the name it was
  given by and the working directory (messages name files as they were given),
* the digest of the text of every other document the checks read (source
  descriptions, Arazzo documents they call, files ``$ref`` names): each is read
  again, and its digest compared, before an entry is believed,
* the package version and the size and modification time of each of its files
  (an edited rule is a different checker), and the Python version.

Only passes without an error are kept (their warnings are kept with them, and
said again), and only when every document read was a local file that could be
read: there is no cached failure, so a miss only costs the checks it would
have run anyway.
Entries live next to the parsed-document cache
(``$XDG_CACHE_HOME/arazzo-runner/checks``) and follow its switches
(``ARAZZO_RUNNER_CACHE=off``; from Python, ``LoadOptions(parse_cache=None)``) and
its rules: a regular file owned by the current user, written whole by renaming,
anything unexpected a miss. Entries are JSON
and hold only locations, digests and the warnings' text.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import stat as stat_module
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..diagnostics import Diagnostic, Severity
from ..document import LoadedDocument, LoadOptions, is_url, load_document
from ..document.parse_cache import ParsedCache
from ..errors import DocumentError, SourceLocation

_FORMAT = "arazzo-runner passed checks 1"
_MAX_ENTRY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class CheckCache:
    """Passes kept in ``directory``, one entry per checked document and purpose."""

    directory: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> CheckCache | None:
        """Next to the parsed-document cache the environment asks for; off when it is off."""
        return cls.beside(ParsedCache.from_environment(environ))

    @classmethod
    def for_options(cls, options: LoadOptions) -> CheckCache | None:
        """Next to the parsed-document cache of ``options``: ``LoadOptions(parse_cache=None)``
        turns both off, as ``ARAZZO_RUNNER_CACHE=off`` does."""
        return cls.beside(options.parse_cache)

    @classmethod
    def beside(cls, parsed: ParsedCache | None) -> CheckCache | None:
        return None if parsed is None else cls(parsed.directory.parent / "checks")

    def recall(
        self, purpose: str, document: LoadedDocument, options: LoadOptions
    ) -> Recalled | None:
        """The other documents a pass of ``document`` read, read again now and
        unchanged, and the warnings it found; None when no such pass is known (or
        anything about it is off)."""
        path, key = self._entry(purpose, document, options)
        entry = _read_entry(path)
        if entry is None or entry.get("format") != _FORMAT or entry.get("key") != key:
            return None
        recorded, said = entry.get("documents"), entry.get("diagnostics")
        if not isinstance(recorded, list) or not isinstance(said, list):
            return None
        warnings = [_diagnostic_from(item) for item in said]
        if any(warning is None for warning in warnings):
            return None
        again: list[LoadedDocument] = []
        for item in recorded:
            other = _unchanged(item, options)
            if other is None:
                return None
            again.append(other)
        return Recalled(again, [w for w in warnings if w is not None])

    def remember(
        self,
        purpose: str,
        document: LoadedDocument,
        options: LoadOptions,
        read: Iterable[LoadedDocument],
        warnings: Iterable[Diagnostic] = (),
    ) -> None:
        """Keep a pass of ``document``, which read ``read`` and found ``warnings`` (no
        error: a failure is never kept); quietly nothing when one of the documents
        cannot be checked again cheaply, or the directory cannot be written."""
        said = [_diagnostic_to(warning) for warning in warnings]
        if any(item[0] == Severity.ERROR.value for item in said):
            return
        documents = []
        for other in read:
            if other.uri == document.uri:
                continue
            if is_url(other.uri) or not os.path.isabs(other.uri) or _is_swagger(other.data):
                return  # fetched, or changed while checked (2.0 is read as 3.0)
            documents.append([other.uri, _digest(other.source_map.text)])
        path, key = self._entry(purpose, document, options)
        entry = {"format": _FORMAT, "key": key, "documents": documents, "diagnostics": said}
        _write_entry(path, json.dumps(entry).encode("utf-8"))

    def _entry(
        self, purpose: str, document: LoadedDocument, options: LoadOptions
    ) -> tuple[Path, str]:
        identity = "\0".join(
            [
                _FORMAT,
                purpose,
                __version__,
                _code_fingerprint(),
                sys.version,
                document.uri,
                # Messages name files as given, relative to the working directory.
                document.display_name,
                os.getcwd(),
                _digest(document.source_map.text),
                repr(options.limits),
                repr(options.offline),
                repr(options.documents),
            ]
        )
        key = _digest(identity)
        # One entry per document and purpose: a newer pass replaces the older one.
        name = _digest(f"{purpose}\0{document.uri}")[:32]
        return self.directory / f"{name}.json", key


@dataclass(frozen=True)
class Recalled:
    """What a remembered pass gives back: the documents it read (read again) and its warnings."""

    documents: list[LoadedDocument]
    warnings: list[Diagnostic]


def _diagnostic_to(diagnostic: Diagnostic) -> list[Any]:
    where = diagnostic.location
    located = [where.file, where.line, where.column, where.pointer] if where else None
    return [
        diagnostic.severity.value,
        diagnostic.message,
        located,
        diagnostic.hint,
        diagnostic.rule,
    ]


def _diagnostic_from(item: Any) -> Diagnostic | None:
    if not isinstance(item, list) or len(item) != 5 or item[0] != Severity.WARNING.value:
        return None
    _, message, located, hint, rule = item
    location = None
    if located is not None:
        if not isinstance(located, list) or len(located) != 4:
            return None
        location = SourceLocation(*located)
    return Diagnostic(Severity.WARNING, message, location, hint, rule)


def _unchanged(item: Any, options: LoadOptions) -> LoadedDocument | None:
    if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
        return None
    uri, digest = item
    if is_url(uri) or not os.path.isabs(uri):
        return None
    try:
        other = load_document(uri, options=options)
    except DocumentError:
        return None
    return other if _digest(other.source_map.text) == digest else None


def _is_swagger(data: Any) -> bool:
    return isinstance(data, dict) and "swagger" in data


def _digest(text: str) -> str:
    import hashlib  # loaded by the HTTP client's ssl anyway; not by --help

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()


@functools.cache
def _code_fingerprint() -> str:
    """The size and modification time of every file of the package: an edited
    checker (a development install) never believes a pass of the old one."""
    root = Path(__file__).resolve().parents[1]
    parts = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".json")):
                path = os.path.join(directory, name)
                with contextlib.suppress(OSError):
                    stat = os.stat(path)
                    parts.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return _digest("\n".join(parts))


def _read_entry(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as stream:
            if not _trusted(os.fstat(stream.fileno())):
                return None
            raw = stream.read(_MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    if len(raw) > _MAX_ENTRY_BYTES:
        return None
    try:
        entry = json.loads(raw)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def _trusted(stat: os.stat_result) -> bool:
    if not stat_module.S_ISREG(stat.st_mode):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or stat.st_uid == getuid()


def _write_entry(path: Path, payload: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        # Written whole and renamed: a reader never sees half an entry.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(payload)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        pass  # a cache that cannot be written only costs time
