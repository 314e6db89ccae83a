"""AMQP 0-9-1 (RabbitMQ) through ``aio-pika`` (the ``amqp`` extra).

Bindings used, as AsyncAPI's AMQP bindings define them:

- channel ``is: routingKey`` (the default): messages are published to the
  channel's ``exchange`` (declared with its ``type``, ``durable`` and
  ``autoDelete``; the default exchange when it has no name) with the address
  as routing key, and a subscription is a private queue bound to that exchange
  with the address as binding key;
- channel ``is: queue``: the ``queue`` binding (its ``name``, else the address)
  is declared and consumed, and messages are published to it through the
  default exchange;
- operation ``cc`` (routing keys: the first replaces the address),
  ``deliveryMode``, ``priority``, ``expiration``, ``userId``, ``mandatory``.

The endpoint's path is the virtual host (``amqp://host/vhost``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import aio_pika
import aio_pika.exceptions
import aiormq.exceptions
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
)

from .messages import Bindings, OutgoingMessage
from .transport import BrokerError, Subscription, Transport, received

_FAILURES = (aio_pika.exceptions.AMQPException, aiormq.exceptions.AMQPError, OSError)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


class AMQPTransport(Transport):
    protocols = ("amqp", "amqps")

    _connection: AbstractConnection | None = None
    _channel: AbstractChannel | None = None

    async def connect(self) -> None:
        endpoint = self.endpoint
        vhost = endpoint.path.lstrip("/") or "/"
        try:
            self._connection = await aio_pika.connect(
                host=endpoint.host,
                port=endpoint.port,
                login=endpoint.username or "guest",
                password=endpoint.password or "guest",
                virtualhost=vhost,
                ssl=endpoint.tls,
                timeout=self.connect_timeout,
            )
            self._channel = await self._connection.channel()
        except (*_FAILURES, TimeoutError) as exc:
            await self.close()
            raise self.unreachable(exc) from None
        self._subscriptions: list[Subscription] = []

    def _open_channel(self) -> AbstractChannel:
        if self._channel is None:
            raise BrokerError(f"not connected to {self.endpoint.display()}")
        return self._channel

    async def _exchange(self, channel_binding: Mapping[str, Any]) -> AbstractExchange:
        channel = self._open_channel()
        exchange = _mapping(channel_binding.get("exchange"))
        name = exchange.get("name")
        if not isinstance(name, str) or not name:
            return channel.default_exchange
        return await channel.declare_exchange(
            name,
            type=str(exchange.get("type", "topic")),
            durable=bool(exchange.get("durable", True)),
            auto_delete=bool(exchange.get("autoDelete", False)),
        )

    async def subscribe(self, address: str, bindings: Bindings) -> Subscription:
        channel = self._open_channel()
        binding = bindings.channel
        try:
            if binding.get("is") == "queue" or not _mapping(binding.get("exchange")).get("name"):
                queue_binding = _mapping(binding.get("queue"))
                queue = await channel.declare_queue(
                    str(queue_binding.get("name") or address),
                    durable=bool(queue_binding.get("durable", False)),
                    exclusive=bool(queue_binding.get("exclusive", False)),
                    auto_delete=bool(queue_binding.get("autoDelete", False)),
                )
            else:
                exchange = await self._exchange(binding)
                queue = await channel.declare_queue(exclusive=True, auto_delete=True)
                await queue.bind(exchange, routing_key=address)
        except _FAILURES as exc:
            raise BrokerError(
                f"the AMQP broker refused the subscription to '{address}': {exc}"
            ) from None
        subscription = Subscription(address)

        async def on_message(message: AbstractIncomingMessage) -> None:
            headers = {str(k): _header_text(v) for k, v in (message.headers or {}).items()}
            subscription.deliver(
                received(
                    message.routing_key or address, message.body, headers, message.content_type
                )
            )

        tag = await queue.consume(on_message, no_ack=True)

        async def cancel() -> None:
            with contextlib.suppress(*_FAILURES):
                await queue.cancel(tag)

        subscription._on_close = cancel
        self._subscriptions.append(subscription)
        return subscription

    async def publish(self, message: OutgoingMessage) -> None:
        self.check_headers(message)
        operation = message.bindings.operation
        channel_binding = message.bindings.channel
        routing_key = message.address
        cc = operation.get("cc")
        if isinstance(cc, list) and cc and isinstance(cc[0], str):
            routing_key = cc[0]
        if channel_binding.get("is") == "queue":
            queue = _mapping(channel_binding.get("queue"))
            routing_key = str(queue.get("name") or routing_key)
            channel_binding = {}
        delivery_mode = operation.get("deliveryMode")
        expiration = operation.get("expiration")
        outgoing = aio_pika.Message(
            message.body,
            headers=dict(message.headers) or None,
            content_type=message.content_type,
            delivery_mode=delivery_mode if delivery_mode in (1, 2) else None,
            priority=operation.get("priority")
            if isinstance(operation.get("priority"), int)
            else None,
            expiration=expiration / 1000 if isinstance(expiration, int | float) else None,
            user_id=operation.get("userId") if isinstance(operation.get("userId"), str) else None,
        )
        try:
            exchange = await self._exchange(channel_binding)
            await exchange.publish(
                outgoing, routing_key=routing_key, mandatory=bool(operation.get("mandatory"))
            )
        except _FAILURES as exc:
            raise BrokerError(
                f"the AMQP broker refused a message on '{routing_key}': {exc}"
            ) from None

    async def close(self) -> None:
        for subscription in getattr(self, "_subscriptions", []):
            subscription.closed = True
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(*_FAILURES):
                await connection.close()


def _header_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
