"""One HTTP exchange of a step: the request as built, and what came back.

These records are what progress listeners, reports (JSON, JUnit, HAR) and
response checks see; they hold plain data so that nothing downstream needs
the HTTP client's own types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode, urlsplit


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
        lowered = name.lower()
        return next((v for n, v in self.headers if n.lower() == lowered), None)


@dataclass
class ResponseRecord:
    """A response as received: status, headers in order, and the raw body."""

    status_code: int
    headers: list[tuple[str, str]]
    content: bytes
    http_version: str = "HTTP/1.1"
    reason: str = ""

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for n, v in self.headers if n.lower() == lowered), None)

    @property
    def media_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()


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

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "outcome": self.outcome,
            "severity": self.severity,
            "message": self.message,
        }
