"""Carrying out message commands: connections, subscriptions and their buffers, for one run.

A :class:`MessageSession` opens one transport per broker (and credentials), the
first time a command needs it, and keeps every subscription of the run by its
key. :meth:`MessageSession.receive` takes the first message that matches and
leaves the others buffered, so two receive steps on one channel each get their
own reply, whichever arrives first. :class:`BlockingMessageSession` runs a
session on an event loop of its own, for the blocking driver: subscriptions
keep buffering while the run sends its HTTP requests.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from ..errors import ArazzoError
from .commands import MessageCommand, MessageOutcome, ReceiveMessage, SendMessage, Subscribe
from .endpoint import Endpoint
from .messages import ReceivedMessage
from .registry import open_transport
from .transport import Subscription, Transport

_T = TypeVar("_T")


def _endpoint_key(endpoint: Endpoint) -> tuple[Any, ...]:
    return (
        endpoint.url(with_password=True),
        endpoint.token,
        tuple(sorted(endpoint.headers.items())),
        endpoint.protocol_version,
    )


class MessageSession:
    """The brokers, subscriptions and buffered messages of one run (asyncio)."""

    def __init__(self, *, connect_timeout: float = 10.0) -> None:
        self.connect_timeout = connect_timeout
        self._transports: dict[tuple[Any, ...], Transport] = {}
        self._connecting: dict[tuple[Any, ...], asyncio.Lock] = {}
        self._subscriptions: dict[str, Subscription] = {}
        self._held: dict[str, list[ReceivedMessage]] = {}
        self._failed: dict[str, str] = {}

    async def execute(self, command: MessageCommand) -> MessageOutcome:
        started = time.monotonic()
        try:
            if isinstance(command, Subscribe):
                outcome = await self.subscribe(command)
            elif isinstance(command, SendMessage):
                outcome = await self.send(command)
            else:
                outcome = await self.receive(command)
        except ArazzoError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            outcome = MessageOutcome(error=f"{exc.message}{hint}")
        outcome.elapsed_ms = (time.monotonic() - started) * 1000
        return outcome

    async def _transport(self, endpoint: Endpoint) -> Transport:
        key = _endpoint_key(endpoint)
        # Steps that run concurrently may need the same broker at once: one connects,
        # the others wait for its connection rather than open their own.
        async with self._connecting.setdefault(key, asyncio.Lock()):
            if key not in self._transports:
                transport = open_transport(endpoint, connect_timeout=self.connect_timeout)
                await transport.connect()
                self._transports[key] = transport
        return self._transports[key]

    async def subscribe(self, command: Subscribe) -> MessageOutcome:
        if command.key in self._subscriptions:
            return MessageOutcome()
        try:
            transport = await self._transport(command.endpoint)
            subscription = await transport.subscribe(command.address, command.bindings)
        except ArazzoError as exc:
            # Said again by the receive step that needed it, where it fails the step.
            self._failed[command.key] = exc.message
            raise
        self._subscriptions[command.key] = subscription
        self._held[command.key] = []
        return MessageOutcome()

    async def send(self, command: SendMessage) -> MessageOutcome:
        transport = await self._transport(command.endpoint)
        await transport.publish(command.message)
        return MessageOutcome()

    async def receive(self, command: ReceiveMessage) -> MessageOutcome:
        subscription = self._subscriptions.get(command.key)
        if subscription is None:
            reason = self._failed.get(command.key, "the subscription was never made")
            return MessageOutcome(error=f"no subscription to receive from: {reason}")
        held = self._held[command.key]
        for index, message in enumerate(held):
            if command.matches(message):
                del held[index]
                return MessageOutcome(message, ignored=len(held))
        deadline = time.monotonic() + command.timeout
        while True:
            remaining = deadline - time.monotonic()
            arrived = await subscription.next(remaining) if remaining > 0 else None
            # One that arrived exactly at the deadline still counts.
            arrived = arrived or subscription.take_nowait()
            if arrived is None:
                return MessageOutcome(ignored=len(held))
            if command.matches(arrived):
                return MessageOutcome(arrived, ignored=len(held))
            held.append(arrived)

    async def close(self) -> None:
        # Each transport ends its own subscriptions as it closes, without an
        # unsubscribe round trip for each.
        for transport in self._transports.values():
            await transport.close()
        self._subscriptions.clear()
        self._transports.clear()


class BlockingMessageSession:
    """A :class:`MessageSession` on an event loop thread of its own, called synchronously."""

    def __init__(self, *, connect_timeout: float = 10.0) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="arazzo-messages", daemon=True
        )
        self._thread.start()
        self._session = MessageSession(connect_timeout=connect_timeout)

    def _call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    def execute(self, command: MessageCommand) -> MessageOutcome:
        return self._call(self._session.execute(command))

    def submit(self, command: MessageCommand) -> Future[MessageOutcome]:
        """Start ``command`` without waiting for it (steps that run concurrently);
        cancelling the future cancels the command on the session's loop."""
        return asyncio.run_coroutine_threadsafe(self._session.execute(command), self._loop)

    def close(self) -> None:
        try:
            self._call(self._session.close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop.close()
