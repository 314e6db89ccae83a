"""The message session with a stand-in transport: no broker, no socket."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from arazzo_runner.messaging import Endpoint, OutgoingMessage
from arazzo_runner.messaging import session as session_module
from arazzo_runner.messaging.commands import SendMessage
from arazzo_runner.messaging.session import MessageSession


class SlowTransport:
    """Connects in 50 ms and records what it publishes."""

    def __init__(self) -> None:
        self.published: list[OutgoingMessage] = []

    async def connect(self) -> None:
        await asyncio.sleep(0.05)

    async def publish(self, message: OutgoingMessage) -> None:
        self.published.append(message)

    async def close(self) -> None:
        pass


def test_steps_that_send_at_once_share_one_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[SlowTransport] = []

    def open_transport(endpoint: Endpoint, **_: Any) -> SlowTransport:
        opened.append(SlowTransport())
        return opened[-1]

    monkeypatch.setattr(session_module, "open_transport", open_transport)
    endpoint = Endpoint.from_url("mqtt://127.0.0.1:1883")
    sends = [SendMessage(endpoint, OutgoingMessage(f"orders/{n}", b"{}")) for n in range(3)]

    async def go() -> None:
        session = MessageSession()
        outcomes = await asyncio.gather(*(session.execute(send) for send in sends))
        await session.close()
        assert [outcome.error for outcome in outcomes] == [None, None, None]

    asyncio.run(go())
    assert len(opened) == 1  # the second and third waited for the first's connection
    assert sorted(m.address for m in opened[0].published) == ["orders/0", "orders/1", "orders/2"]
