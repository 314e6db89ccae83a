"""Every transport against a real broker: subscriptions buffer, headers travel, bindings apply.

Mosquitto, RabbitMQ, NATS and Redis are the ones on 127.0.0.1 (a test skips when
its broker is not listening); WebSocket tests start their own echo server.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from arazzo_runner.messaging import (
    Bindings,
    BrokerError,
    Endpoint,
    MissingExtra,
    OutgoingMessage,
    ReceivedMessage,
    Subscription,
    Transport,
    UnsupportedProtocol,
    open_transport,
    transport_class,
)
from tests._support.brokers import (
    MOSQUITTO,
    NATS,
    RABBITMQ,
    REDIS,
    Broker,
    free_port,
    require,
    run,
    unique,
    websocket_server,
)

# name -> (broker or None for a WebSocket echo server, MQTT protocolVersion, carries headers)
KINDS: dict[str, tuple[Broker | None, str | None, bool]] = {
    "mqtt5": (MOSQUITTO, "5", True),
    "mqtt311": (MOSQUITTO, "3.1.1", False),
    "amqp": (RABBITMQ, None, True),
    "nats": (NATS, None, True),
    "redis": (REDIS, None, False),
    "ws": (None, None, False),
}


async def echo(connection: Any) -> None:
    """The WebSocket "broker": every frame comes back on the connection it came from."""
    async for frame in connection:
        await connection.send(frame)


@asynccontextmanager
async def connected(kind: str) -> AsyncIterator[Transport]:
    broker, version, _ = KINDS[kind]
    if broker is None:
        async with websocket_server(echo) as port:
            endpoint = Endpoint.from_url(f"ws://127.0.0.1:{port}")
            async with open_transport(endpoint) as transport:
                yield transport
        return
    endpoint = Endpoint.from_url(require(broker).url, protocol_version=version)
    async with open_transport(endpoint) as transport:
        yield transport


def address_for(kind: str) -> str:
    # A NATS subject and an AMQP routing key separate words with dots, the others with /.
    separator = "." if kind in ("nats", "amqp") else "/"
    return separator.join(["arazzo-test", unique("orders"), "confirmed"])


def bindings_for(kind: str) -> Bindings:
    if kind == "amqp":
        exchange = {"name": unique("arazzo-test"), "type": "topic", "autoDelete": True}
        return Bindings(channel={"is": "routingKey", "exchange": exchange})
    return Bindings()


async def take(
    subscription: Subscription, count: int, timeout: float = 5.0
) -> list[ReceivedMessage]:
    taken = []
    for _ in range(count):
        message = await subscription.next(timeout)
        assert message is not None, f"only {len(taken)} of {count} messages arrived"
        taken.append(message)
    return taken


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_subscription_buffers_what_arrives_before_anyone_asks(kind: str) -> None:
    async def body() -> None:
        async with connected(kind) as transport:
            address, bindings = address_for(kind), bindings_for(kind)
            subscription = await transport.subscribe(address, bindings)
            for number in range(3):
                body = f'{{"n":{number}}}'.encode()
                await transport.publish(OutgoingMessage(address, body, bindings=bindings))
            await asyncio.sleep(0.3)  # nobody is waiting: the messages must be kept
            assert subscription.pending() == 3
            messages = await take(subscription, 3)
            assert [m.payload() for m in messages] == [{"n": 0}, {"n": 1}, {"n": 2}]
            assert all(m.address == address for m in messages)
            assert subscription.heard == 3

    run(body())


@pytest.mark.parametrize("kind", [k for k, (_, _, headers) in KINDS.items() if headers])
def test_headers_and_the_content_type_travel_with_the_message(kind: str) -> None:
    async def body() -> None:
        async with connected(kind) as transport:
            address, bindings = address_for(kind), bindings_for(kind)
            subscription = await transport.subscribe(address, bindings)
            sent = OutgoingMessage(
                address,
                b'{"orderId": 7}',
                headers={"orderRequestId": "r-42", "X-Trace": "t1"},
                content_type="application/json",
                bindings=bindings,
            )
            await transport.publish(sent)
            [message] = await take(subscription, 1)
            assert message.header("orderrequestid") == "r-42"
            assert message.header("X-Trace") == "t1"
            assert message.content_type == "application/json"
            assert message.payload() == {"orderId": 7}

    run(body())


@pytest.mark.parametrize("kind", [k for k, (_, _, headers) in KINDS.items() if not headers])
def test_headers_on_a_protocol_without_them_are_refused_not_dropped(kind: str) -> None:
    async def body() -> None:
        async with connected(kind) as transport:
            message = OutgoingMessage(address_for(kind), b"{}", headers={"orderRequestId": "r"})
            with pytest.raises(BrokerError, match="carry no headers") as caught:
                await transport.publish(message)
            assert "orderRequestId" in caught.value.message
            assert caught.value.hint is not None and "payload" in caught.value.hint

    run(body())


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_subscription_hears_only_its_address_and_stops_when_closed(kind: str) -> None:
    async def body() -> None:
        async with connected(kind) as transport:
            address, other, bindings = address_for(kind), address_for(kind), bindings_for(kind)
            subscription = await transport.subscribe(address, bindings)
            await transport.publish(OutgoingMessage(other, b"not for us", bindings=bindings))
            await transport.publish(OutgoingMessage(address, b"for us", bindings=bindings))
            [message] = await take(subscription, 1)
            assert message.payload() == "for us"
            await subscription.close()
            await transport.publish(OutgoingMessage(address, b"too late", bindings=bindings))
            await asyncio.sleep(0.3)
            assert subscription.pending() == 0
            assert await subscription.next(0.05) is None

    run(body())


def test_mqtt_retain_and_qos_bindings() -> None:
    async def body() -> None:
        async with connected("mqtt5") as transport:
            address = address_for("mqtt")
            retained = Bindings(operation={"qos": 1, "retain": True})
            await transport.publish(OutgoingMessage(address, b"kept", bindings=retained))
            # Subscribed after the send: only a retained message can still arrive.
            subscription = await transport.subscribe(address, Bindings(operation={"qos": 1}))
            [message] = await take(subscription, 1)
            assert message.payload() == "kept"
            # Clear it: an empty retained message removes it from the broker.
            await transport.publish(OutgoingMessage(address, b"", bindings=retained))

    run(body())


def test_amqp_exchange_and_routing_key_bindings() -> None:
    async def body() -> None:
        async with connected("amqp") as transport:
            exchange = {"name": unique("arazzo-test"), "type": "topic", "autoDelete": True}
            channel = {"is": "routingKey", "exchange": exchange}
            subscription = await transport.subscribe(
                "orders.*.confirmed", Bindings(channel=channel)
            )
            # The operation's cc replaces the address as routing key.
            bindings = Bindings(channel=channel, operation={"cc": ["orders.eu.confirmed"]})
            await transport.publish(OutgoingMessage("orders.ignored", b"1", bindings=bindings))
            [message] = await take(subscription, 1)
            assert message.address == "orders.eu.confirmed"

    run(body())


def test_amqp_queue_binding() -> None:
    async def body() -> None:
        async with connected("amqp") as transport:
            queue = {"name": unique("arazzo-test-queue"), "autoDelete": True}
            bindings = Bindings(channel={"is": "queue", "queue": queue})
            subscription = await transport.subscribe("ignored", bindings)
            await transport.publish(OutgoingMessage("ignored", b'{"a":1}', bindings=bindings))
            [message] = await take(subscription, 1)
            assert message.payload() == {"a": 1}

    run(body())


def test_nats_queue_groups_share_the_messages() -> None:
    async def body() -> None:
        async with connected("nats") as transport:
            subject = address_for("nats")
            group = Bindings(operation={"queue": unique("workers")})
            first = await transport.subscribe(subject, group)
            second = await transport.subscribe(subject, group)
            for number in range(6):
                await transport.publish(OutgoingMessage(subject, str(number).encode()))
            await asyncio.sleep(0.3)
            assert first.pending() + second.pending() == 6  # each message once, not twice

    run(body())


def test_websocket_urls_append_the_channel_address_to_the_server() -> None:
    transport = transport_class("ws")(Endpoint.from_url("ws://127.0.0.1:9000/socket"))
    assert transport.url_for("chat/room-1") == "ws://127.0.0.1:9000/socket/chat/room-1"


@pytest.mark.parametrize("kind", ["mqtt5", "amqp", "nats", "redis", "ws"])
def test_a_broker_that_is_not_there_is_a_clear_error(kind: str) -> None:
    protocol = {"mqtt5": "mqtt"}.get(kind, kind)
    url = f"{protocol}://user:s3cret@127.0.0.1:{free_port()}"

    async def body() -> None:
        transport = open_transport(Endpoint.from_url(url), connect_timeout=2)
        with pytest.raises(BrokerError, match="cannot connect") as caught:
            await transport.connect()
            await transport.publish(OutgoingMessage("a", b"x"))  # WebSocket connects here
        assert "s3cret" not in caught.value.render()
        assert "--server" in (caught.value.hint or "")
        await transport.close()

    run(body())


def test_a_missing_client_library_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "aiomqtt", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "arazzo_runner.messaging.mqtt", raising=False)
    with pytest.raises(MissingExtra) as caught:
        transport_class("mqtt")
    assert caught.value.hint is not None
    assert "pip install 'arazzo-engine[mqtt]'" in caught.value.hint


def test_an_unknown_protocol_says_which_are_supported() -> None:
    with pytest.raises(UnsupportedProtocol, match="'kafka'") as caught:
        transport_class("kafka")
    assert "mqtt" in caught.value.message
    assert "--server" in (caught.value.hint or "")


def test_endpoints_from_urls_keep_credentials_out_of_their_display() -> None:
    endpoint = Endpoint.from_url("amqp://guest:p%40ss@rabbit/orders")
    assert (endpoint.host, endpoint.port, endpoint.path) == ("rabbit", 5672, "/orders")
    assert endpoint.password == "p@ss"
    assert endpoint.display() == "amqp://guest@rabbit:5672/orders"
    assert "p%40ss" in endpoint.url(with_password=True)
    assert Endpoint.from_url("mqtts://h").tls


def test_two_receives_on_one_subscription_each_get_their_own_reply() -> None:
    """Replies arrive in the other order: each receive takes its own and leaves the rest."""
    from arazzo_runner.asyncapi import CorrelationLocation
    from arazzo_runner.messaging.commands import ReceiveMessage, SendMessage, Subscribe
    from arazzo_runner.messaging.session import MessageSession

    async def body() -> None:
        endpoint = Endpoint.from_url(require(MOSQUITTO).url)
        address = address_for("mqtt")
        location = CorrelationLocation.parse("$message.payload#/id")
        session = MessageSession()
        try:
            assert (
                await session.execute(Subscribe("k", endpoint, address, Bindings()))
            ).error is None
            for reply in (b'{"id": "b"}', b'{"id": "x"}', b'{"id": "a"}'):
                await session.execute(SendMessage(endpoint, OutgoingMessage(address, reply)))
            first = await session.execute(ReceiveMessage("k", 5, location, "a"))
            assert first.message is not None and first.message.payload() == {"id": "a"}
            assert first.ignored == 2  # b and x, kept
            second = await session.execute(ReceiveMessage("k", 5, location, "b"))
            assert second.message is not None and second.message.payload() == {"id": "b"}
            assert second.ignored == 1
            missing = await session.execute(ReceiveMessage("k", 0.2, location, "c"))
            assert missing.message is None and missing.error is None
        finally:
            await session.close()

    run(body())
