"""MQTT 3.1.1 and 5 through ``aiomqtt`` (the ``mqtt`` extra).

Bindings used: the operation's ``qos`` and ``retain``, the server's ``clientId``,
``cleanSession`` and ``keepAlive``. Headers travel as MQTT 5 user properties and
the content type as its ``Content Type`` property; MQTT 3.1.1 messages have
neither, so a step that sets headers there is refused (``check_headers``).
The protocol version is the server's ``protocolVersion``: ``3.1.1`` (or ``3``,
``4``) for 3.1.1, anything else for 5.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from .endpoint import Endpoint
from .messages import Bindings, OutgoingMessage
from .transport import BrokerError, Subscription, Transport, received

_MQTT311 = frozenset({"3.1.1", "3", "4", "3.1", "311"})


def is_mqtt5(endpoint: Endpoint) -> bool:
    return (endpoint.protocol_version or "5").strip().lower() not in _MQTT311


def _qos(bindings: Any) -> int:
    value = bindings.get("qos") if isinstance(bindings, dict) else None
    return value if isinstance(value, int) and value in (0, 1, 2) else 0


class MQTTTransport(Transport):
    protocols = ("mqtt", "mqtts", "secure-mqtt")

    def __init__(self, endpoint: Endpoint, *, connect_timeout: float = 10.0) -> None:
        super().__init__(endpoint, connect_timeout=connect_timeout)
        self.v5 = is_mqtt5(endpoint)
        self.carries_headers = self.v5
        self._client: aiomqtt.Client | None = None
        self._reader: asyncio.Task[None] | None = None
        self._subscriptions: list[Subscription] = []

    async def connect(self) -> None:
        server = self.endpoint.bindings
        client_id = server.get("clientId")
        keepalive = server.get("keepAlive")
        self._client = aiomqtt.Client(
            self.endpoint.host,
            self.endpoint.port,
            username=self.endpoint.username,
            password=self.endpoint.password,
            identifier=client_id if isinstance(client_id, str) else None,
            protocol=aiomqtt.ProtocolVersion.V5 if self.v5 else aiomqtt.ProtocolVersion.V311,
            clean_session=None if self.v5 else bool(server.get("cleanSession", True)),
            keepalive=keepalive if isinstance(keepalive, int) and keepalive > 0 else 60,
            timeout=self.connect_timeout,
            tls_params=aiomqtt.TLSParameters() if self.endpoint.tls else None,
        )
        try:
            await self._client.__aenter__()
        except (aiomqtt.MqttError, OSError) as exc:
            self._client = None
            raise self.unreachable(exc) from None
        self._reader = asyncio.create_task(self._read(self._client))

    async def _read(self, client: aiomqtt.Client) -> None:
        with contextlib.suppress(aiomqtt.MqttError):
            async for message in client.messages:
                body = message.payload
                data = body if isinstance(body, bytes) else str(body or "").encode("utf-8")
                headers, content_type = _properties_of(message.properties)
                for subscription in self._subscriptions:
                    if message.topic.matches(subscription.address):
                        subscription.deliver(
                            received(str(message.topic), data, headers, content_type)
                        )

    def _connected(self) -> aiomqtt.Client:
        if self._client is None:
            raise BrokerError(f"not connected to {self.endpoint.display()}")
        return self._client

    async def subscribe(self, address: str, bindings: Bindings) -> Subscription:
        client = self._connected()
        subscription = Subscription(address, lambda: self._unsubscribe(subscription))
        self._subscriptions.append(subscription)
        try:
            await client.subscribe(address, qos=_qos(bindings.operation))
        except aiomqtt.MqttError as exc:
            self._subscriptions.remove(subscription)
            raise BrokerError(
                f"the MQTT broker refused the subscription to '{address}': {exc}"
            ) from None
        return subscription

    async def _unsubscribe(self, subscription: Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)
        still_heard = any(s.address == subscription.address for s in self._subscriptions)
        if self._client is not None and not still_heard:
            with contextlib.suppress(aiomqtt.MqttError):
                await self._client.unsubscribe(subscription.address)

    async def publish(self, message: OutgoingMessage) -> None:
        self.check_headers(message)
        client = self._connected()
        operation = message.bindings.operation
        properties = None
        if self.v5 and (message.headers or message.content_type):
            properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            if message.headers:
                properties.UserProperty = list(message.headers.items())
            if message.content_type:
                properties.ContentType = message.content_type
        try:
            await client.publish(
                message.address,
                message.body,
                qos=_qos(operation),
                retain=bool(operation.get("retain", False)),
                properties=properties,
            )
        except aiomqtt.MqttError as exc:
            raise BrokerError(
                f"the MQTT broker refused a message on '{message.address}': {exc}"
            ) from None

    async def close(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.closed = True
        self._subscriptions.clear()
        # The reader first: a disconnect with it still waiting on the message queue
        # takes milliseconds longer.
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(aiomqtt.MqttError, OSError):
                await client.__aexit__(None, None, None)


def _properties_of(properties: Properties | None) -> tuple[dict[str, str], str | None]:
    """MQTT 5 user properties as headers, and the content type."""
    if properties is None:
        return {}, None
    pairs = getattr(properties, "UserProperty", None) or []
    headers = {str(name): str(value) for name, value in pairs}
    content_type = getattr(properties, "ContentType", None)
    return headers, content_type if isinstance(content_type, str) else None
