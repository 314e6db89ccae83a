"""The I/O the engine asks its driver for, and what comes back.

The engine is a generator that yields these commands and is resumed with
their outcomes; a driver (blocking, asyncio, or another engine entirely)
carries them out. Anything that needs a request sent in the course of a run,
such as fetching an OAuth2 token, yields the same commands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .messages import PreparedRequest, ResponseRecord


@dataclass(frozen=True)
class SendRequest:
    """Asks the driver to send ``request``; resumed with a :class:`SendOutcome`.

    ``timeout`` bounds each read and write (and connecting); the engine has already
    cut it to what is left of the run's time limit and of the step's ``timeout``.
    ``limit``, when set, bounds the whole exchange (a step's ``timeout``: a server
    that sends its answer a byte at a time must not outlast it).
    """

    request: PreparedRequest
    timeout: float
    limit: float | None = None


@dataclass(frozen=True)
class Wait:
    """Asks the driver to sleep; resumed with None."""

    seconds: float


@dataclass
class SendOutcome:
    """What came of sending one request: a response, or why there is none."""

    response: ResponseRecord | None
    error: str | None
    elapsed_ms: float


@dataclass(frozen=True)
class Concurrently:
    """Asks the driver to carry out several commands at once (steps that run concurrently).

    The driver starts each command of ``start`` under its token, drops those of
    ``cancel`` (their outcome is never delivered; a request already sent is left to
    end on its own), and keeps everything else it started before. It then resumes
    the run with a :class:`Completed` for *one* command that has finished, whichever
    finishes first, or with None when nothing is in flight any more. Tokens are
    unique within a run. The commands are any of the run's commands except this one
    (the engine flattens nested concurrency), so a driver that carries out a new
    kind of command alone carries it out here too.
    """

    start: Mapping[int, Any] = field(default_factory=dict)
    cancel: tuple[int, ...] = ()


@dataclass(frozen=True)
class Completed:
    """One command of a :class:`Concurrently` finished: its token, and what it gave
    (a :class:`SendOutcome` for a request, None for a wait)."""

    token: int
    outcome: Any


Command = SendRequest | Wait | Concurrently
