"""NATS through ``nats-py`` (the ``nats`` extra).

The channel address is the subject (``orders.*`` wildcards work as NATS has
them); the operation binding ``queue`` subscribes in that queue group. Headers
are NATS headers (a NATS 2.2 server or later), and the content type travels as
the ``Content-Type`` header. ``userPassword`` logs in with user and password,
a token (``--auth`` of an ``httpApiKey`` or ``token``-like scheme) as a token.
"""

from __future__ import annotations

import contextlib

import nats
import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg

from .messages import Bindings, OutgoingMessage
from .transport import BrokerError, Subscription, Transport, received

_CONTENT_TYPE = "Content-Type"


class NATSTransport(Transport):
    protocols = ("nats", "tls")

    _client: Client | None = None

    async def connect(self) -> None:
        endpoint = self.endpoint
        scheme = "tls" if endpoint.tls else "nats"
        try:
            self._client = await nats.connect(
                f"{scheme}://{endpoint.host}:{endpoint.port}",
                user=endpoint.username,
                password=endpoint.password,
                token=endpoint.token,
                connect_timeout=max(1, round(self.connect_timeout)),
                allow_reconnect=False,
                # nats-py retries a first connection without end when this is 0.
                max_reconnect_attempts=1,
                reconnect_time_wait=0.1,
                error_cb=self._on_error,
            )
        except (nats.errors.Error, OSError, TimeoutError) as exc:
            self._client = None
            raise self.unreachable(getattr(self, "last_error", None) or exc) from None
        self._subscriptions: list[Subscription] = []

    async def _on_error(self, error: Exception) -> None:
        # Reported by the calls that fail; the library would log each one as well.
        self.last_error = error

    def _connected(self) -> Client:
        if self._client is None:
            raise BrokerError(f"not connected to {self.endpoint.display()}")
        return self._client

    async def subscribe(self, address: str, bindings: Bindings) -> Subscription:
        client = self._connected()
        subscription = Subscription(address)

        async def on_message(message: Msg) -> None:
            headers = dict(message.headers or {})
            content_type = next(
                (v for k, v in headers.items() if k.lower() == _CONTENT_TYPE.lower()), None
            )
            subscription.deliver(received(message.subject, message.data, headers, content_type))

        queue = bindings.operation.get("queue")
        try:
            handle = await client.subscribe(
                address, queue=queue if isinstance(queue, str) else "", cb=on_message
            )
            await client.flush()  # the server has the subscription before we go on
        except (nats.errors.Error, OSError) as exc:
            raise BrokerError(
                f"the NATS server refused the subscription to '{address}': {exc}"
            ) from None

        async def unsubscribe() -> None:
            with contextlib.suppress(nats.errors.Error):
                await handle.unsubscribe()

        subscription._on_close = unsubscribe
        self._subscriptions.append(subscription)
        return subscription

    async def publish(self, message: OutgoingMessage) -> None:
        client = self._connected()
        headers = dict(message.headers)
        if message.content_type and _CONTENT_TYPE not in headers:
            headers[_CONTENT_TYPE] = message.content_type
        try:
            await client.publish(message.address, message.body, headers=headers or None)
            await client.flush()
        except (nats.errors.Error, OSError) as exc:
            raise BrokerError(
                f"the NATS server refused a message on '{message.address}': {exc}"
            ) from None

    async def close(self) -> None:
        for subscription in getattr(self, "_subscriptions", []):
            subscription.closed = True
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(nats.errors.Error, OSError):
                await client.drain()
