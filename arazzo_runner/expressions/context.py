"""What a runtime expression reads, and the error for something that is not there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ExpressionContext", "HttpMessage", "UnresolvedReference"]


class UnresolvedReference(Exception):
    """A well-formed expression names something that is not there.

    ``str(exc)`` (also ``exc.message``) is ``"<expression>: <reason>"``, e.g.
    ``"$response.body#/state: no member 'state' in the response body"``.

    ``source_missing`` separates two situations that conditions treat differently:
    the *source* of the value does not exist at all (no response yet, the step has
    not run, unknown source description) versus a *member* of an existing source is
    absent (an input that was not given, a header the response lacks, a pointer
    that does not resolve).
    """

    def __init__(self, expression: str, reason: str, *, source_missing: bool = False) -> None:
        self.expression = expression
        self.reason = reason
        self.source_missing = source_missing
        self.message = f"{expression}: {reason}"
        super().__init__(self.message)


@dataclass
class HttpMessage:
    """A request or response as expressions see it."""

    headers: Mapping[str, str]
    # Parsed JSON, text, or None when there is no body.
    body: Any = None
    query: Mapping[str, Any] = field(default_factory=dict)
    path: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ExpressionContext:
    """Everything a runtime expression can read."""

    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    # stepId -> {"outputs": {...}}
    steps: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # workflowId -> {"inputs": {...}, "outputs": {...}}
    workflows: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # name -> the Source Description Object's fields (name, url, type, ...)
    source_descriptions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # the document's raw `components` object
    components: Mapping[str, Any] = field(default_factory=dict)
    url: str | None = None
    method: str | None = None
    status_code: int | None = None
    request: HttpMessage | None = None
    response: HttpMessage | None = None
    # Arazzo 1.1: the document's $self, absolute (None without one).
    self_uri: str | None = None
    message: HttpMessage | None = None
    """The message an AsyncAPI receive step received (``$message``): its headers, and its
    payload as ``body``."""
