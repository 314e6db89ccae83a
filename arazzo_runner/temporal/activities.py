"""The activity that sends one request of a run: :class:`ArazzoActivities`.

Every exchange of a run on Temporal is one execution of ``arazzo.send_request``,
so its outcome is recorded in the history and a replay never sends it again.
The activity heartbeats while the request is on its way: a worker that dies
mid-request is noticed within the heartbeat timeout (``docs/temporal.md``).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from temporalio import activity

from ..http.commands import SendOutcome
from ..http.failures import origin
from ..http.messages import PreparedRequest
from ..http.transport import TransportOptions, new_async_client, send_async
from .wire import from_wire, to_wire

if TYPE_CHECKING:
    import httpx2

SEND_REQUEST = "arazzo.send_request"


class ArazzoActivities:
    """The activities of Arazzo runs; register ``activities()`` with a worker.

    One instance keeps one HTTP client per set of transport options, so that the
    runs of a worker share their connections.
    """

    def __init__(self) -> None:
        self._clients: dict[str, httpx2.AsyncClient] = {}

    def activities(self) -> list[Any]:
        return [self.send_request]

    @activity.defn(name=SEND_REQUEST)
    async def send_request(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send ``payload['request']``; the :class:`SendOutcome`, as wire data."""
        request: PreparedRequest = from_wire(payload["request"])
        transport = TransportOptions(**payload["transport"])
        client = self._client(transport)
        beating = asyncio.create_task(_heartbeat(float(payload["heartbeat_seconds"])))
        try:
            outcome = await send_async(client, request, transport, float(payload["timeout"]))
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
        kept = _within_payload_cap(outcome, request, int(payload["max_payload_bytes"]))
        wire: dict[str, Any] = to_wire(kept)
        return wire

    def _client(self, transport: TransportOptions) -> httpx2.AsyncClient:
        key = repr(transport)
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = new_async_client(transport)
        return client

    async def aclose(self) -> None:
        """Close the HTTP clients (when the worker has stopped)."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


async def _heartbeat(seconds: float) -> None:
    while True:
        activity.heartbeat()
        await asyncio.sleep(max(seconds / 3, 0.1))


def _within_payload_cap(outcome: SendOutcome, request: PreparedRequest, cap: int) -> SendOutcome:
    """The outcome, or a failure when its body is too large to keep in Temporal's history."""
    response = outcome.response
    if response is None or len(response.content) <= cap:
        return outcome
    return SendOutcome(
        None,
        f"the response from {origin(request.url)} is {len(response.content):,} bytes, more "
        f"than the {cap:,} bytes a run on Temporal keeps of one response (Temporal refuses "
        "payloads over 2 MiB); raise the cap with --max-payload-size if the server allows more",
        outcome.elapsed_ms,
    )
