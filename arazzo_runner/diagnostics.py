"""Diagnostics: problems found in documents, with where they are and how to fix them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from .errors import DocumentError, SourceLocation


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    message: str
    location: SourceLocation | None = None
    hint: str | None = None
    rule: str | None = None
    """A stable identifier of the check that found it (``duplicate-step-id``...)."""

    def render(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        text = f"{prefix}{self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class Diagnostics:
    """An ordered, de-duplicated collection of diagnostics."""

    def __init__(self, on_add: Callable[[Diagnostic], None] | None = None) -> None:
        self._items: list[Diagnostic] = []
        self._seen: set[Diagnostic] = set()
        # Lets a front end show a warning the moment it is found, not after the run.
        self._on_add = on_add

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self._items.append(diagnostic)
            if self._on_add is not None:
                self._on_add(diagnostic)

    def error(
        self,
        message: str,
        location: SourceLocation | None = None,
        hint: str | None = None,
        *,
        rule: str | None = None,
    ) -> None:
        self.add(Diagnostic(Severity.ERROR, message, location, hint, rule))

    def warning(
        self,
        message: str,
        location: SourceLocation | None = None,
        hint: str | None = None,
        *,
        rule: str | None = None,
    ) -> None:
        self.add(Diagnostic(Severity.WARNING, message, location, hint, rule))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self._items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self._items if d.severity is Severity.WARNING]

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(list(self._items))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DocumentInvalid(self.errors)


class DocumentInvalid(DocumentError):
    """A document has one or more errors; all of them are reported at once."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        # In reading order, file by file, however they were found.
        diagnostics = sorted(diagnostics, key=_reading_order)
        first = diagnostics[0]
        super().__init__(first.message, location=first.location, hint=first.hint)
        self.diagnostics = diagnostics

    def render(self) -> str:
        lines = [d.render() for d in self.diagnostics]
        count = len(self.diagnostics)
        lines.append(f"{count} error{'s' if count != 1 else ''}; nothing was sent")
        return "\n".join(lines)


def _reading_order(diagnostic: Diagnostic) -> tuple[str, int, int]:
    location = diagnostic.location
    if location is None:
        return ("", 0, 0)
    return (location.file, location.line or 0, location.column or 0)
