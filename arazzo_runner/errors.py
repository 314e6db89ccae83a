"""Errors the engine reports to users.

Every error a user can cause derives from :class:`ArazzoError`. Each one knows
where it happened (a :class:`SourceLocation`), what is wrong, and optionally a
hint that says what to do about it. The CLI renders them; it never shows a
Python traceback for one of these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Exit codes are part of the CLI's contract (documented in the README).
EXIT_OK = 0
EXIT_WORKFLOW_FAILED = 1
EXIT_CANNOT_START = 2


@dataclass(frozen=True)
class SourceLocation:
    """A place in a document: file, 1-based line and column, and JSON pointer."""

    file: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class ArazzoError(Exception):
    """Base class for every error caused by a document, an input or an argument."""

    exit_code: int = EXIT_CANNOT_START

    def __init__(
        self,
        message: str,
        *,
        location: SourceLocation | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def render(self) -> str:
        """The error as a user reads it: ``file:line:col: message`` plus a hint line."""
        prefix = f"{self.location}: " if self.location else ""
        text = f"{prefix}{self.message}"
        if self.location and self.location.pointer and self.location.line is None:
            text += f" (at {self.location.pointer or '/'})"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def __str__(self) -> str:
        return self.render()


class UsageError(ArazzoError):
    """The command line itself is wrong (unknown option, malformed --input, ...)."""


class DocumentError(ArazzoError):
    """An Arazzo or OpenAPI document cannot be read or does not make sense."""


class DocumentSyntaxError(DocumentError):
    """A document's bytes are not text in a YAML encoding, or its text is not JSON or YAML.

    Raised after the bytes were read: the file exists and was fetched, but fixing
    it means editing it (unlike a missing file or a refused fetch).
    """


class InputError(ArazzoError):
    """Workflow inputs are missing or do not match the workflow's inputs schema."""


class ExpressionError(ArazzoError):
    """A runtime expression or criterion condition is malformed.

    ``text`` is the expression as written and ``position`` the 0-based offset
    in it where the problem was found, so the message can point at it.
    ``field`` names the field of the enclosing object the problem is in when
    that is not obvious (a criterion's ``type`` or ``context`` rather than its
    ``condition``), so the document position can be exact.
    """

    def __init__(
        self,
        message: str,
        *,
        text: str = "",
        position: int | None = None,
        location: SourceLocation | None = None,
        hint: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, location=location, hint=hint)
        self.text = text
        self.position = position
        self.field = field

    def render(self) -> str:
        text = super().render()
        if self.text and self.position is not None:
            caret = " " * min(self.position, len(self.text)) + "^"
            text += f"\n    {self.text}\n    {caret}"
        return text


# --------------------------------------------------------------------------- names


def did_you_mean(word: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known name ``word`` is most likely a misspelling of, or None.

    Case and the choice between ``-`` and ``_`` are the commonest slips, so a
    name equal to a known one but for those is always suggested. ``cutoff``
    is difflib's similarity ratio (0 to 1) a guess must reach.
    """
    if not word:
        return None
    choices = sorted(set(known))

    def folded(name: str) -> str:
        return name.lower().replace("_", "-")

    same = [name for name in choices if folded(name) == folded(word)]
    if same:
        return same[0]
    import difflib  # only error paths need it; every start would pay for it otherwise

    close = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return close[0] if close else None


def unknown_name_hint(word: str, known: Iterable[str], what: str) -> str:
    """``did you mean 'x'? (<what>: a, b, c)``: the hint of an error about an unknown name.

    ``what`` names the list (``"security schemes"``); an empty ``known`` says so.
    """
    choices = sorted(set(known))
    listing = f"{what}: {', '.join(choices)}" if choices else f"there are no {what}"
    guess = did_you_mean(word, choices)
    return f"did you mean '{guess}'? ({listing})" if guess else listing
