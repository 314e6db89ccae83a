"""The interface every broker client implements, and the buffer a subscription fills.

A :class:`Transport` is one connection to one broker. It is asynchronous
(every client library it wraps is), and it does three things: subscribe to an
address, publish a message, close. A :class:`Subscription` is in place when
:meth:`Transport.subscribe` returns (the broker has confirmed it), and from then
on buffers every message it hears until a step takes it: a reply that comes
right after a send, before the step that waits for it has started, is not lost.

Adding a protocol (Kafka, say) is one module with a ``Transport`` subclass and
one line in ``registry.py``.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import ClassVar

from ..errors import ArazzoError
from .endpoint import Endpoint
from .messages import Bindings, OutgoingMessage, ReceivedMessage


class BrokerError(ArazzoError):
    """A broker cannot be reached, refused us, or refused a message."""


class Subscription:
    """Messages heard on one address, buffered in arrival order until taken."""

    def __init__(self, address: str, on_close: Callable[[], Awaitable[None]] | None = None) -> None:
        self.address = address
        self._queue: asyncio.Queue[ReceivedMessage] = asyncio.Queue()
        self._on_close = on_close
        self.closed = False
        self.heard = 0
        """How many messages arrived, taken or not."""

    def deliver(self, message: ReceivedMessage) -> None:
        """Called by the transport, on the event loop, for each message heard."""
        if not self.closed:
            self.heard += 1
            self._queue.put_nowait(message)

    def pending(self) -> int:
        return self._queue.qsize()

    def take_nowait(self) -> ReceivedMessage | None:
        try:
            return self._queue.get_nowait()
        except asyncio.QueueEmpty:
            return None

    async def next(self, timeout: float | None) -> ReceivedMessage | None:
        """The next message, waiting at most ``timeout`` seconds (None: no limit); None
        when none came in time."""
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self._on_close is not None:
                await self._on_close()


def received(
    address: str, body: bytes, headers: dict[str, str], content_type: str | None
) -> ReceivedMessage:
    """A :class:`ReceivedMessage` stamped with the time it was taken off the wire."""
    return ReceivedMessage(address, body, headers, content_type, time.monotonic())


class Transport(ABC):
    """A connection to one broker, opened by :meth:`connect` and closed by :meth:`close`."""

    protocols: ClassVar[tuple[str, ...]]
    """The AsyncAPI protocol names this transport speaks (``mqtt``, ``secure-mqtt``, ...)."""
    carries_headers: bool = True
    """Whether a message can carry headers (Redis pub/sub and WebSocket frames cannot)."""

    def __init__(self, endpoint: Endpoint, *, connect_timeout: float = 10.0) -> None:
        self.endpoint = endpoint
        self.connect_timeout = connect_timeout

    @abstractmethod
    async def connect(self) -> None:
        """Open the connection; a :class:`BrokerError` says why it cannot be opened."""

    @abstractmethod
    async def subscribe(self, address: str, bindings: Bindings) -> Subscription:
        """Subscribe to ``address``; returns once the broker has confirmed it."""

    @abstractmethod
    async def publish(self, message: OutgoingMessage) -> None:
        """Hand ``message`` to the broker (no delivery confirmation: Arazzo models none)."""

    @abstractmethod
    async def close(self) -> None:
        """Close the connection and every subscription; safe to call twice."""

    def check_headers(self, message: OutgoingMessage) -> None:
        """Refuse headers on a protocol whose messages have none, rather than drop them."""
        if message.headers and not self.carries_headers:
            names = ", ".join(sorted(message.headers))
            raise BrokerError(
                f"{self.endpoint.protocol} messages carry no headers, so the header "
                f"parameters ({names}) cannot be sent on '{message.address}'",
                hint="put the values in the payload instead, or use a protocol with "
                "headers (MQTT 5, AMQP, NATS)",
            )

    def unreachable(self, exc: BaseException) -> BrokerError:
        """The error for a broker that cannot be connected to, naming it without secrets."""
        reason = str(exc) or type(exc).__name__
        return BrokerError(
            f"cannot connect to the {self.endpoint.protocol} broker at "
            f"{self.endpoint.display()}: {reason}",
            hint="check that the broker is running, or point the source description at "
            "another one with --server SOURCE=URL",
        )

    async def __aenter__(self) -> Transport:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
