"""What one run may do, and the clock it reads: :class:`RunOptions`, :class:`Clock`.

Every reading of the time and every pause of a run goes through
``RunOptions.clock``: the deadline of ``--max-duration``, step durations, the
time an exchange was sent, ``Retry-After`` dates and the waits before
retries. A driver that keeps time differently (a test that must not sleep, a
workflow service that replays runs) passes its own clock.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from ..http.transport import (
    DEFAULT_CONNECT_TIMEOUT_SECONDS,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT_SECONDS,
    TransportOptions,
)

if TYPE_CHECKING:
    from ..http.auth import Credentials
    from ..http.response_checks import ResponseChecker

DEFAULT_MAX_STEP_EXECUTIONS = 1000
DEFAULT_MAX_DURATION_SECONDS = 900.0
DEFAULT_MAX_NESTING = 50
DEFAULT_STEP_CONCURRENCY = 4
"""How many steps of a workflow that uses step ``dependsOn`` may run at once by default."""
MAX_NESTING_CEILING = 100
"""Python's own call stack ends well above this many nested workflows; no setting exceeds it."""


class Clock(Protocol):
    """Where a run reads the time and how it waits."""

    def now(self) -> datetime:
        """The wall-clock time, timezone-aware (when an exchange was sent; HTTP-dates)."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start that never go back (deadlines, durations)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds`` (the blocking driver's waits)."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Wait ``seconds`` without blocking the event loop (the asyncio driver's waits)."""
        ...


class SystemClock:
    """The computer's clock: what every run uses unless told otherwise."""

    # The standard functions themselves, not wrappers: the engine reads the
    # clock several times per request. perf_counter is monotonic too, and finer
    # than time.monotonic on some systems, so sub-millisecond steps still show.
    monotonic = staticmethod(time.perf_counter)
    sleep = staticmethod(time.sleep)

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def asleep(self, seconds: float) -> None:
        import asyncio  # a blocking run never needs asyncio; importing it costs start-up time

        await asyncio.sleep(seconds)


@dataclass
class RunOptions:
    """How a run talks to the APIs, its limits, and the clock it keeps time by."""

    server_overrides: Mapping[str, str] = field(default_factory=dict)
    """Source description name -> base URL that replaces the description's servers.

    A called Arazzo document's source is named plainly (every source of that
    name) or ``DOC.SOURCE`` (DOC the ``type: arazzo`` source leading to it; wins).
    """
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    """Limit for each read/write of one HTTP request, in seconds."""
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS
    """Limit for opening a connection (TCP and TLS), in seconds; capped by ``timeout``."""
    max_step_executions: int = DEFAULT_MAX_STEP_EXECUTIONS
    """Every step attempt (first tries, retries, goto loops, nested workflows) counts."""
    max_duration: float | None = DEFAULT_MAX_DURATION_SECONDS
    """Wall-clock limit for the whole run, waits included; None for no limit."""
    max_nesting: int = DEFAULT_MAX_NESTING
    """How many workflows may run nested in each other (a workflow that calls itself
    on some branch); at most ``MAX_NESTING_CEILING``."""
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    follow_redirects: bool = False
    """Follow same-origin redirects, up to ``max_redirects`` (README, "Redirects")."""
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    verify_tls: bool = True
    response_checks: ResponseChecker | None = None
    """Checks each response against its OpenAPI operation (``http/response_checks.py``)."""
    credentials: Credentials | None = None
    """Applied to requests by their operations' ``security`` (``arazzo_runner.http.auth``)."""
    step_concurrency: int = DEFAULT_STEP_CONCURRENCY
    """How many steps of one workflow may run at once, when the workflow uses step
    ``dependsOn`` (Arazzo 1.1); 1 runs them one after the other. Other workflows always
    run their steps one after the other (docs/semantics.md, "Concurrent steps")."""
    clock: Clock = field(default_factory=SystemClock)
    """Every time reading and every wait of the run (see :class:`Clock`)."""

    def transport(self) -> TransportOptions:
        return TransportOptions(
            timeout=self.timeout,
            connect_timeout=self.connect_timeout,
            max_response_bytes=self.max_response_bytes,
            follow_redirects=self.follow_redirects,
            max_redirects=self.max_redirects,
            verify=self.verify_tls,
        )
