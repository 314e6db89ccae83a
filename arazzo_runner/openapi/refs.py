"""Following ``$ref``: across documents, loaded once each, with cycles refused.

A reference is resolved when something needs what it points at, never ahead:
a broken ``$ref`` in a large description costs nothing until an operation
that uses it is prepared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ..document import (
    FetchRefused,
    LoadedDocument,
    LoadOptions,
    join_pointer,
    load_document,
    resolve_pointer,
)
from ..errors import DocumentError

_MAX_REF_HOPS = 64  # a longer chain of $ref to $ref is a cycle in practice


class UnresolvableReference(Exception):
    """A ``$ref`` that points at nothing; ``reason`` says why."""

    def __init__(self, ref: str, reason: str) -> None:
        super().__init__(f"cannot resolve $ref '{ref}': {reason}")
        self.ref = ref
        self.reason = reason


class DocumentCache:
    """Loads each document once, by absolute URI, for ``$ref`` resolution.

    A document that cannot be loaded is not tried again: twenty references to
    a server that times out cost one timeout, not twenty.
    """

    def __init__(
        self,
        loader: Callable[[str], LoadedDocument] | None = None,
        *,
        options: LoadOptions | None = None,
    ) -> None:
        self._documents: dict[str, LoadedDocument] = {}
        self._failures: dict[str, DocumentError] = {}
        self.options = options or LoadOptions()
        self._load = loader or (lambda uri: load_document(uri, options=self.options))
        # Arazzo 1.1 documents by their $self (see ``known``); the documents given to
        # the run are read, whole, the first time a reference is not found.
        self._identities: dict[str, LoadedDocument] = {}
        self._candidates_read = not self.options.documents

    def add(self, document: LoadedDocument) -> None:
        self._documents.setdefault(document.uri, document)
        self._learn_identity(document)

    def known(self, uri: str) -> LoadedDocument | None:
        """The document ``uri`` names without reading anything new: one already read
        from there, or the Arazzo 1.1 document whose ``$self`` is ``uri``.

        Identity comes first ("Identity-Based Referencing": an absolute URL names the
        document whose ``$self`` it is, wherever that was read from); every document
        given to the run is read whole before a reference falls back to a location.
        """
        found = self._identities.get(uri)
        if found is None and not self._candidates_read:
            self._read_candidates()
            found = self._identities.get(uri)
        return found or self._documents.get(uri)

    def _read_candidates(self) -> None:
        self._candidates_read = True
        for location in self.options.documents:
            try:
                document = load_document(location, options=self.options)
            except DocumentError:
                continue  # a document named for the run is read, and reported, as the run's
            self._documents.setdefault(document.uri, document)
            self._learn_identity(document)

    def _learn_identity(self, document: LoadedDocument) -> None:
        identity = document.self_uri
        if identity is not None:
            self._identities.setdefault(identity, document)

    def replace(self, document: LoadedDocument) -> None:
        """Hold ``document`` for its URI from now on (an upgraded Swagger 2.0 one)."""
        self._documents[document.uri] = document

    def get(self, uri: str) -> LoadedDocument:
        found = self.known(uri)
        if found is not None:
            return found
        if uri in self._failures:
            raise self._failures[uri]
        try:
            document = self._documents[uri] = self._load(uri)
        except DocumentError as exc:
            self._failures[uri] = exc
            raise
        self._learn_identity(document)
        return document


def _resolve_pointer(data: Any, pointer: str, ref: str) -> Any:
    try:
        return resolve_pointer(data, pointer)
    except LookupError as exc:
        raise UnresolvableReference(ref, str(exc)) from None


@dataclass(frozen=True)
class Located:
    """A value together with the document and pointer it was found at."""

    value: Any
    document: LoadedDocument
    pointer: str


def dereference(node: Located, cache: DocumentCache) -> Located:
    """Follow ``$ref`` chains from ``node`` until a non-reference value.

    A chain that comes back to a place it has been (``a -> b -> a``, a
    ``$ref`` to itself, or a loop across files) is reported as circular at its
    first ``$ref``; places are compared after resolution, so ``./a.yaml#/x``
    and ``a.yaml#/x`` are the same place.
    """
    seen = {(node.document.uri, node.pointer)}
    chain: list[str] = []
    current = node
    for _ in range(_MAX_REF_HOPS):
        value = current.value
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            return current
        ref = value["$ref"]
        chain.append(ref)
        current = _follow_located(ref, current, cache)
        place = (current.document.uri, current.pointer)
        if place in seen:
            raise UnresolvableReference(chain[0], "the reference is circular")
        seen.add(place)
    raise UnresolvableReference(chain[0], "the reference chain is too long")


def _follow_located(ref: str, holder: Located, cache: DocumentCache) -> Located:
    try:
        return _follow(ref, holder.document, cache)
    except FetchRefused as exc:
        # Not a broken $ref to skip with a warning: the run would differ from
        # the one the description asks for, so stop, at the $ref.
        raise FetchRefused(
            f"$ref '{ref}': {exc.message}",
            location=holder.document.location(join_pointer(holder.pointer, "$ref")),
            hint=exc.hint,
        ) from None


def _follow(ref: str, document: LoadedDocument, cache: DocumentCache) -> Located:
    target, _, fragment = ref.partition("#")
    pointer = unquote(fragment)
    if target:
        try:
            document = cache.get(document.resolve_uri(target))
        except FetchRefused:
            raise
        except DocumentError as exc:
            raise UnresolvableReference(ref, exc.message) from None
    return Located(_resolve_pointer(document.data, pointer, ref), document, pointer)
