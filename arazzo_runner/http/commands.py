"""The I/O the engine asks its driver for, and what comes back.

The engine is a generator that yields these commands and is resumed with
their outcomes; a driver (blocking, asyncio, or another engine entirely)
carries them out. Anything that needs a request sent in the course of a run,
such as fetching an OAuth2 token, yields the same commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import PreparedRequest, ResponseRecord


@dataclass(frozen=True)
class SendRequest:
    """Asks the driver to send ``request``; resumed with a :class:`SendOutcome`."""

    request: PreparedRequest
    timeout: float


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


Command = SendRequest | Wait
