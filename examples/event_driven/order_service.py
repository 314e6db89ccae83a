"""A stand-in order service for the event-driven demo, with its own MQTT broker.

It starts, in one process and with nothing else installed:

- an MQTT 3.1.1 broker (``amqtt``, pure Python) on 127.0.0.1:--mqtt-port;
- the order service's HTTP API on 127.0.0.1:--http-port: ``POST /orders``
  takes ``{"item": ..., "requestId": ...}`` and answers ``201 {"orderId": ...}``;
- its MQTT side: an order published on ``orders/place`` is taken the same way.

Either way the service confirms the order at once on
``orders/<region>/confirmed`` (region ``eu``), with the order's ``requestId``
in the payload: MQTT 3.1.1 messages have no headers. Just before, it confirms
another order, so a workflow must pick its own confirmation by correlation id.
An order for ``item: "unicorn"`` is rejected (``status: rejected``).

    pip install 'arazzo-engine[mqtt]' amqtt
    python examples/event_driven/order_service.py --mqtt-port 1884 --http-port 8081
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
from typing import Any

import aiomqtt
from amqtt.broker import Broker

PLACE = "orders/place"
CONFIRMED = "orders/eu/confirmed"
_order_ids = itertools.count(1001)


def confirmations(order: dict[str, Any]) -> list[dict[str, Any]]:
    """Another order's confirmation, then this one's."""
    status = "rejected" if order.get("item") == "unicorn" else "confirmed"
    own = {"requestId": order.get("requestId"), "orderId": next(_order_ids), "status": status}
    other = {"requestId": "someone-else", "orderId": 1, "status": "confirmed"}
    return [other, own]


async def confirm(client: aiomqtt.Client, order: dict[str, Any]) -> None:
    for message in confirmations(order):
        await client.publish(CONFIRMED, json.dumps(message).encode(), qos=1)


async def serve_mqtt(client: aiomqtt.Client) -> None:
    await client.subscribe(PLACE, qos=1)
    async for message in client.messages:
        payload = message.payload
        try:
            order = json.loads(payload if isinstance(payload, bytes | str) else b"{}")
        except ValueError:
            continue
        await confirm(client, order if isinstance(order, dict) else {})


async def serve_http(client: aiomqtt.Client, port: int) -> asyncio.Server:
    """POST /orders, by hand: the demo needs no web framework."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        length = next(
            (
                int(line.split(":", 1)[1])
                for line in lines
                if line.lower().startswith("content-length:")
            ),
            0,
        )
        body = await reader.readexactly(length) if length else b""
        if (method, path) != ("POST", "/orders"):
            status, answer = "404 Not Found", {"error": "not found"}
        else:
            order = json.loads(body or b"{}")
            own = confirmations(order)[1]
            status, answer = "201 Created", {"orderId": own["orderId"], "status": "accepted"}
            # Confirmed on MQTT right after the HTTP answer, as a real service might.
            asyncio.get_running_loop().call_later(
                0.01, lambda: asyncio.ensure_future(_publish_both(client, own))
            )
        data = json.dumps(answer).encode()
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode()
            + data
        )
        await writer.drain()
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", port)


async def _publish_both(client: aiomqtt.Client, own: dict[str, Any]) -> None:
    other = {"requestId": "someone-else", "orderId": 1, "status": "confirmed"}
    for message in (other, own):
        await client.publish(CONFIRMED, json.dumps(message).encode(), qos=1)


async def main(mqtt_port: int, http_port: int) -> None:
    broker = Broker(
        {
            "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{mqtt_port}"}},
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}
            },
        }
    )
    await broker.start()
    async with aiomqtt.Client(
        "127.0.0.1", mqtt_port, protocol=aiomqtt.ProtocolVersion.V311
    ) as client:
        server = await serve_http(client, http_port)
        print(
            f"order service: MQTT on 127.0.0.1:{mqtt_port}, HTTP on 127.0.0.1:{http_port}",
            flush=True,
        )
        async with server:
            await serve_mqtt(client)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mqtt-port", type=int, default=1884)
    parser.add_argument("--http-port", type=int, default=8081)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(arguments.mqtt_port, arguments.http_port))
