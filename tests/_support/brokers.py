"""The message brokers the broker tests use, and how they skip when one is not there.

This project's machines run Mosquitto, RabbitMQ, NATS and Redis on their usual
ports of 127.0.0.1 (``.ci/`` starts them); a test that needs one that is not
listening skips and says which. WebSocket tests start their own server
(:func:`websocket_server`).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

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


Answer = Callable[[Any], list[Any]]


class Responder:
    """A stand-in service on a broker: answers each message on ``listen`` with the
    messages ``answer`` returns, on an event loop thread of its own.

    It uses the runner's own transports (any protocol), so that a test needs no
    second client library; ``received`` records every request it heard.
    """

    def __init__(
        self,
        url: str,
        listen: str,
        answer: Answer,
        *,
        protocol_version: str | None = None,
        bindings: Any = None,
    ) -> None:
        self.url = url
        self.listen = listen
        self.answer = answer
        self.protocol_version = protocol_version
        self.bindings = bindings
        self.received: list[Any] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._task: asyncio.Task[None] | None = None

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Any]:
        """What it heard once it heard ``count`` messages (or ``timeout`` passed): a send
        step completes when the broker has the message, a moment before this hears it."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.received)

    def __enter__(self) -> Responder:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError(f"the responder on {self.url} did not start")
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(10)

    def _run(self) -> None:
        self._task = self._loop.create_task(self._serve())
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)
        self._loop.close()

    async def _serve(self) -> None:
        from arazzo_runner.messaging import NO_BINDINGS, Endpoint, open_transport

        endpoint = Endpoint.from_url(self.url, protocol_version=self.protocol_version)
        bindings = self.bindings or NO_BINDINGS
        async with open_transport(endpoint) as transport:
            subscription = await transport.subscribe(self.listen, bindings)
            self._ready.set()
            while True:
                request = await subscription.next(None)
                if request is None:
                    continue
                self.received.append(request)
                for reply in self.answer(request):
                    await transport.publish(reply)
