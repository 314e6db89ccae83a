"""What every check needs: the document, its model, and a way to report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic
from ..document import ArazzoDocument, LoadedDocument, LoadOptions, point_at, resolve_pointer
from .rules import severity_of

if TYPE_CHECKING:
    from ..openapi import DocumentCache


@dataclass
class LintContext:
    document: LoadedDocument
    model: ArazzoDocument
    offline: bool = False
    """Do not fetch remote source descriptions (their operations are not checked)."""
    options: LoadOptions = field(default_factory=LoadOptions)
    """How source descriptions are read (size limits, no network)."""
    found: list[Diagnostic] = field(default_factory=list)
    documents: DocumentCache | None = None
    """Where source descriptions are loaded; a new cache when None."""

    def report(
        self,
        rule: str,
        pointer: str,
        message: str,
        hint: str | None = None,
        *,
        key: bool = False,
        text: str | None = None,
    ) -> None:
        """Record a problem at ``pointer``; ``text`` moves the column to it inside a scalar."""
        location = self.document.location(pointer, key=key)
        if text is not None:
            location = point_at(self.document, location, text)
        self.found.append(Diagnostic(severity_of(rule), message, location, hint, rule))

    def raw(self, pointer: str) -> Any:
        """The document's value at ``pointer``, or None."""
        try:
            return resolve_pointer(self.document.data, pointer)
        except LookupError:
            return None
