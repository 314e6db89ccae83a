"""Redis pub/sub through ``redis`` (the ``redis`` extra).

The channel address is the Redis channel; an address with ``*``, ``?`` or
``[`` is subscribed as a pattern. Redis pub/sub messages are bare bytes: they
carry no headers and no content type, so a step with header parameters is
refused (``check_headers``) and a received body is decoded as JSON when it
parses as JSON. ``userPassword`` is Redis ``AUTH`` (ACL user and password).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
import redis.exceptions

from .messages import Bindings, OutgoingMessage
from .transport import BrokerError, Subscription, Transport, received

_FAILURES = (redis.exceptions.RedisError, OSError)


def _is_pattern(address: str) -> bool:
    return any(mark in address for mark in "*?[")


class RedisTransport(Transport):
    protocols = ("redis", "rediss")
    carries_headers = False

    _client: aioredis.Redis | None = None

    async def connect(self) -> None:
        endpoint = self.endpoint
        database = endpoint.path.strip("/")
        self._client = aioredis.Redis(
            host=endpoint.host,
            port=endpoint.port,
            db=int(database) if database.isdigit() else 0,
            username=endpoint.username,
            password=endpoint.password,
            ssl=endpoint.tls,
            socket_connect_timeout=self.connect_timeout,
        )
        try:
            await self._client.ping()
        except _FAILURES as exc:
            await self.close()
            raise self.unreachable(exc) from None
        self._listeners: list[tuple[Subscription, Callable[[], Awaitable[None]]]] = []

    def _connected(self) -> aioredis.Redis:
        if self._client is None:
            raise BrokerError(f"not connected to {self.endpoint.display()}")
        return self._client

    async def subscribe(self, address: str, bindings: Bindings) -> Subscription:
        pubsub = self._connected().pubsub()
        pattern = _is_pattern(address)
        try:
            if pattern:
                await pubsub.psubscribe(address)
            else:
                await pubsub.subscribe(address)
            # Redis confirms a subscription with a message of its own: wait for it,
            # so that a publish after this call is heard.
            while True:
                confirmation = await pubsub.get_message(timeout=self.connect_timeout)
                if confirmation is None:
                    raise BrokerError(f"Redis did not confirm the subscription to '{address}'")
                if confirmation.get("type") in ("subscribe", "psubscribe"):
                    break
        except _FAILURES as exc:
            raise BrokerError(f"Redis refused the subscription to '{address}': {exc}") from None
        subscription = Subscription(address)
        task = asyncio.create_task(_listen(pubsub, subscription))

        async def stop() -> None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, *_FAILURES):
                await task
            with contextlib.suppress(*_FAILURES):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

        subscription._on_close = stop
        self._listeners.append((subscription, stop))
        return subscription

    async def publish(self, message: OutgoingMessage) -> None:
        self.check_headers(message)
        try:
            await self._connected().publish(message.address, message.body)
        except _FAILURES as exc:
            raise BrokerError(f"Redis refused a message on '{message.address}': {exc}") from None

    async def close(self) -> None:
        # Every listener is stopped here, also those whose subscription was already
        # marked closed: a listener left running outlives its event loop.
        for subscription, stop in getattr(self, "_listeners", []):
            subscription.closed = True
            await stop()
        self._listeners = []
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(*_FAILURES):
                await client.aclose()


async def _listen(pubsub: Any, subscription: Subscription) -> None:
    async for item in pubsub.listen():
        if item.get("type") not in ("message", "pmessage"):
            continue
        channel = item.get("channel")
        address = channel.decode("utf-8", "replace") if isinstance(channel, bytes) else str(channel)
        data = item.get("data")
        body = data if isinstance(data, bytes) else str(data).encode("utf-8")
        subscription.deliver(received(address, body, {}, None))
