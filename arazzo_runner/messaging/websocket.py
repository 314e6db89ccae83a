"""WebSocket through ``websockets`` (the ``ws`` extra).

A WebSocket "channel" is a connection: its URL is the server's (``ws://host:port``
and pathname) followed by the channel address. Sending a message sends a frame
on that connection (text when the body is UTF-8, binary otherwise); a
subscription hears every frame the server sends on it, from the moment the
connection is open. A send and a receive on the same address share the one
connection, which is how request and reply work over WebSocket.

Frames carry no headers, so header parameters are refused (``check_headers``).
Credentials go into the opening handshake: ``userPassword`` as Basic
authentication, a token as ``Authorization: Bearer``, an ``httpApiKey`` in
header as that header.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from .messages import Bindings, OutgoingMessage
from .transport import BrokerError, Subscription, Transport, received

_FAILURES = (InvalidHandshake, InvalidURI, OSError, TimeoutError)


class WebSocketTransport(Transport):
    protocols = ("ws", "wss")
    carries_headers = False

    async def connect(self) -> None:
        # Connections open per address (the first send or subscription on it).
        self._connections: dict[str, tuple[ClientConnection, asyncio.Task[None]]] = {}
        self._subscriptions: list[Subscription] = []

    def url_for(self, address: str) -> str:
        endpoint = self.endpoint
        base = endpoint.path.rstrip("/")
        path = address if address.startswith("/") or not address else "/" + address
        return f"{endpoint.protocol}://{endpoint.host}:{endpoint.port}{base}{path}"

    def _handshake_headers(self) -> dict[str, str]:
        headers = dict(self.endpoint.headers)
        if self.endpoint.username is not None:
            pair = f"{self.endpoint.username}:{self.endpoint.password or ''}"
            basic = base64.b64encode(pair.encode("utf-8")).decode("ascii")
            headers.setdefault("Authorization", f"Basic {basic}")
        elif self.endpoint.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.endpoint.token}")
        return headers

    async def _connection(self, address: str) -> ClientConnection:
        if address in self._connections:
            return self._connections[address][0]
        try:
            connection = await connect(
                self.url_for(address),
                additional_headers=self._handshake_headers(),
                open_timeout=self.connect_timeout,
            )
        except _FAILURES as exc:
            raise self.unreachable(exc) from None
        reader = asyncio.create_task(self._read(address, connection))
        self._connections[address] = (connection, reader)
        return connection

    async def _read(self, address: str, connection: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for frame in connection:
                body = frame.encode("utf-8") if isinstance(frame, str) else bytes(frame)
                for subscription in self._subscriptions:
                    if subscription.address == address:
                        subscription.deliver(received(address, body, {}, None))

    async def subscribe(self, address: str, bindings: Bindings) -> Subscription:
        await self._connection(address)
        subscription = Subscription(address)

        async def forget() -> None:
            if subscription in self._subscriptions:
                self._subscriptions.remove(subscription)

        subscription._on_close = forget
        self._subscriptions.append(subscription)
        return subscription

    async def publish(self, message: OutgoingMessage) -> None:
        self.check_headers(message)
        connection = await self._connection(message.address)
        try:
            text = message.body.decode("utf-8")
        except UnicodeDecodeError:
            frame: str | bytes = message.body
        else:
            frame = text
        try:
            await connection.send(frame)
        except ConnectionClosed as exc:
            raise BrokerError(
                f"the WebSocket connection to {self.url_for(message.address)} is closed: {exc}"
            ) from None

    async def close(self) -> None:
        for subscription in getattr(self, "_subscriptions", []):
            subscription.closed = True
        for connection, reader in getattr(self, "_connections", {}).values():
            with contextlib.suppress(*_FAILURES, ConnectionClosed):
                await connection.close()
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        self._connections = {}
