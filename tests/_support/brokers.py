"""The message brokers the broker tests use, and how they skip when one is not there.

This project's machines run Mosquitto, RabbitMQ, NATS and Redis on their usual
ports of 127.0.0.1 (``.ci/`` starts them); a test that needs one that is not
listening skips and says which. WebSocket tests start their own server
(:func:`websocket_server`).
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Broker:
    name: str
    protocol: str
    port: int
    userinfo: str = ""

    @property
    def url(self) -> str:
        return f"{self.protocol}://{self.userinfo}127.0.0.1:{self.port}"


MOSQUITTO = Broker("Mosquitto", "mqtt", 1883)
RABBITMQ = Broker("RabbitMQ", "amqp", 5672, "guest:guest@")
NATS = Broker("NATS", "nats", 4222)
REDIS = Broker("Redis", "redis", 6379)
BROKERS = (MOSQUITTO, RABBITMQ, NATS, REDIS)


def listening(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require(broker: Broker) -> Broker:
    """``broker``, or skip the test with the reason it cannot run."""
    if not listening(broker.port):
        pytest.skip(f"{broker.name} is not listening on 127.0.0.1:{broker.port}")
    return broker


def unique(prefix: str) -> str:
    """A name no other test (or earlier run) uses: topics, subjects, exchanges."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


Handler = Callable[[object], Awaitable[None]]


@asynccontextmanager
async def websocket_server(handler: Handler) -> AsyncIterator[int]:
    """A WebSocket server on a free port of 127.0.0.1 running ``handler`` per connection."""
    import websockets

    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        sockets = list(server.sockets)
        yield int(sockets[0].getsockname()[1])


def run(coroutine: Awaitable[None], timeout: float = 20.0) -> None:
    """Run an async test body with an overall limit, so a lost message fails, not hangs."""

    async def bounded() -> None:
        await asyncio.wait_for(coroutine, timeout)

    asyncio.run(bounded())
