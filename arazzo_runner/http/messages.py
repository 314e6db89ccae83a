"""One HTTP exchange of a step: the request as built, and what came back.

These records are what progress listeners, reports (JSON, JUnit, HAR) and
response checks see; they hold plain data so that nothing downstream needs
the HTTP client's own types.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

from .media_types import essence

_T = TypeVar("_T")


class StepFailure(Exception):
    """A step cannot go on: its request cannot be built, or sending it failed."""


@dataclass
class PreparedRequest:
    """A step's request, fully built (``$request.*`` reads the context, not this)."""

    method: str
    url: str
    headers: list[tuple[str, str]]
    query: list[tuple[str, str]]
    content: bytes | None

    @property
    def full_url(self) -> str:
        if not self.query:
            return self.url
        separator = "&" if urlsplit(self.url).query else "?"
        return self.url + separator + urlencode(self.query)

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (names ignore case)."""
        return header_value(self.headers, name)


@dataclass
class ResponseRecord:
    """A response as received: status, headers in order, and the raw body."""

    status_code: int
    headers: list[tuple[str, str]]
    content: bytes
    http_version: str = "HTTP/1.1"
    reason: str = ""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (names ignore case)."""
        return header_value(self.headers, name)

    @property
    def media_type(self) -> str:
        """The essence of the Content-Type (``application/json``); '' without one."""
        return essence(self.header("content-type") or "")


@dataclass
class Exchange:
    """One attempt at a step's request: sent at ``started``, answered or failed."""

    workflow_id: str
    step_id: str
    attempt: int
    """1 for the first try, 2 for the first retry, and so on."""
    request: PreparedRequest
    started: datetime
    response: ResponseRecord | None = None
    error: str | None = None
    """Why no response arrived (timeout, refused connection, ...)."""
    elapsed_ms: float = 0.0
    checks: list[CheckResult] = field(default_factory=list)
    """Response checks run on this exchange (see :mod:`arazzo_runner.http.response_checks`)."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one response check of one exchange."""

    name: str
    """The check's name, e.g. ``status-code-declared`` or ``body-schema``."""
    outcome: str
    """``passed``, ``failed``, or ``skipped`` (the check could not apply: no schema, no body...)."""
    severity: str
    """``error`` or ``warn``: what a failure does to the step."""
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"

    @property
    def failure(self) -> str:
        """How a failure is reported on its step: ``response check NAME failed: MESSAGE``."""
        return f"response check {self.name} failed: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "severity": self.severity,
            "message": self.message,
        }


# --------------------------------------------------------------------------- header names
# HTTP header names ignore case (RFC 9110, section 5.1). Headers are kept as
# ordered (name, value) pairs, as sent and received; these are the only places
# that compare their names.


def header_positions(headers: Sequence[tuple[str, object]], name: str) -> Iterator[int]:
    """The positions of the headers called ``name`` in ``headers``, in order."""
    lowered = name.lower()
    return (i for i, (n, _) in enumerate(headers) if n.lower() == lowered)


def header_index(headers: Sequence[tuple[str, object]], name: str) -> int | None:
    """The position of the first header called ``name`` in ``headers``, or None."""
    return next(header_positions(headers, name), None)


def header_value(headers: Sequence[tuple[str, _T]], name: str) -> _T | None:
    """The value of the first header called ``name`` in ``headers``, or None."""
    index = header_index(headers, name)
    return None if index is None else headers[index][1]


def header_values(headers: Sequence[tuple[str, _T]], name: str) -> list[_T]:
    """The values of every header called ``name``, in order."""
    return [headers[i][1] for i in header_positions(headers, name)]


def has_header(names: Iterable[str], name: str) -> bool:
    """Whether ``name`` is among the header ``names``."""
    return header_index([(n, None) for n in names], name) is not None
