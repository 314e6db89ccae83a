"""The documents a worker runs, loaded once each and pinned by their content digest.

A run names its document by path and by the SHA-256 of its bytes at the start.
The worker reads the file, refuses it when the digest differs (the document
changed after the run started: nothing is sent), and keeps the loaded document
for every later run of the same content.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ArazzoError

if TYPE_CHECKING:
    from ..api import LoadedArazzo

DOCUMENT_CHANGED = "DocumentChanged"
DOCUMENT_INVALID = "DocumentInvalid"


class DocumentRefused(Exception):
    """The worker cannot run this document: ``kind`` is one of the constants above."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class DocumentStore:
    """Loaded documents by (path, digest); relative paths are read below ``base``."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = base or Path.cwd()
        self._loaded: dict[tuple[str, str, bool], LoadedArazzo] = {}
        self._lock = threading.Lock()  # workflow tasks may run on several threads

    def get(self, document: str, digest: str, offline: bool = False) -> LoadedArazzo:
        key = (document, digest, offline)
        with self._lock:
            loaded = self._loaded.get(key)
            if loaded is None:
                loaded = self._loaded[key] = self._load(document, digest, offline)
            return loaded

    def _load(self, document: str, digest: str, offline: bool) -> LoadedArazzo:
        from ..api import load
        from ..diagnostics import Diagnostics

        path = self.base / document
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise DocumentRefused(
                f"the worker cannot read {path}: {exc.strerror}", DOCUMENT_INVALID
            ) from None
        found = "sha256:" + hashlib.sha256(content).hexdigest()
        if found != digest:
            raise DocumentRefused(
                f"{path} changed after the run started (its digest is {found}, the run's "
                f"{digest}); nothing was sent",
                DOCUMENT_CHANGED,
            )
        try:
            return load(str(path), diagnostics=Diagnostics(), offline=offline)
        except ArazzoError as exc:
            raise DocumentRefused(str(exc), DOCUMENT_INVALID) from None


_STORE = DocumentStore()


def default_store() -> DocumentStore:
    """The store of this process, used unless a worker is given its own."""
    return _STORE


def use_store(store: DocumentStore) -> None:
    """Make ``store`` the one workflows in this process read (``arazzo worker --documents``)."""
    global _STORE
    _STORE = store
