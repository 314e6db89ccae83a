"""Bounds on what reading one document may cost."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class DocumentLimits:
    """Bounds on what reading one document may cost, so a hostile or broken
    document fails with a clear error instead of hanging or exhausting memory.

    Every document is checked: the Arazzo document, its source descriptions and
    the files and URLs that their ``$ref`` values point to. The defaults are
    the field defaults; pass other limits through ``LoadOptions(limits=...)``
    (or ``arazzo_runner.api.load(..., limits=...)``).
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
