"""Send-and-receive round trips through the engine vs a raw MQTT client on the same broker.

An echo service in its own process (so that it does not share the measured
client's GIL) answers every message on ``<prefix>/request`` with the same
payload on ``<prefix>/reply``. The engine runs a two-step workflow (send, then
receive the reply by correlation id) N times; each run opens its connection
and subscription, as ``arazzo run`` does. The baseline does the same work with
``aiomqtt`` directly: connect, subscribe, publish, wait for the reply, disconnect.

Needs a broker on 127.0.0.1:1883 (Mosquitto) and the ``mqtt`` extra; without
them the benchmark says so and prints no rows.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

from .common import Result

HOST, PORT = "127.0.0.1", 1883
TARGET = 1.25

ECHO = """
import asyncio, sys, aiomqtt
async def main(prefix):
    async with aiomqtt.Client("127.0.0.1", 1883, protocol=aiomqtt.ProtocolVersion.V5) as c:
        await c.subscribe(prefix + "/request", qos=0)
        print("ready", flush=True)
        async for m in c.messages:
            await c.publish(prefix + "/reply", m.payload, qos=0)
asyncio.run(main(sys.argv[1]))
"""


def _broker_listening() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=0.5):
            return True
    except OSError:
        return False


def _documents(directory: Path, prefix: str) -> Path:
    message = {
        "correlationId": {"location": "$message.payload#/id"},
        "payload": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    asyncapi = {
        "asyncapi": "3.0.0",
        "info": {"title": "Echo", "version": "1"},
        "defaultContentType": "application/json",
        "servers": {"local": {"host": f"{HOST}:{PORT}", "protocol": "mqtt"}},
        "channels": {
            "request": {"address": f"{prefix}/request", "messages": {"m": message}},
            "reply": {"address": f"{prefix}/reply", "messages": {"m": message}},
        },
        "operations": {
            "ask": {"action": "receive", "channel": {"$ref": "#/channels/request"}},
            "answer": {"action": "send", "channel": {"$ref": "#/channels/reply"}},
        },
    }
    arazzo = {
        "arazzo": "1.1.0",
        "info": {"title": "Echo", "version": "1"},
        "sourceDescriptions": [{"name": "echo", "url": "echo.asyncapi.yaml", "type": "asyncapi"}],
        "workflows": [
            {
                "workflowId": "roundTrip",
                "inputs": {"type": "object", "properties": {"id": {"type": "string"}}},
                "steps": [
                    {
                        "stepId": "ask",
                        "operationId": "$sourceDescriptions.echo.ask",
                        "action": "send",
                        "requestBody": {"payload": {"id": "$inputs.id"}},
                    },
                    {
                        "stepId": "answer",
                        "operationId": "$sourceDescriptions.echo.answer",
                        "action": "receive",
                        "correlationId": "$inputs.id",
                        "timeout": 5000,
                    },
                ],
            }
        ],
    }
    (directory / "echo.asyncapi.yaml").write_text(yaml.safe_dump(asyncapi), encoding="utf-8")
    path = directory / "echo.arazzo.yaml"
    path.write_text(yaml.safe_dump(arazzo, sort_keys=False), encoding="utf-8")
    return path


async def _raw_round_trip(prefix: str, request_id: str) -> None:
    import aiomqtt

    body = json.dumps({"id": request_id}).encode()
    async with aiomqtt.Client(HOST, PORT, protocol=aiomqtt.ProtocolVersion.V5) as client:
        await client.subscribe(f"{prefix}/reply", qos=0)
        await client.publish(f"{prefix}/request", body, qos=0)
        async for message in client.messages:
            if json.loads(message.payload)["id"] == request_id:  # type: ignore[arg-type]
                return


def message_round_trips(runs: int) -> list[Result]:
    if not _broker_listening():
        print(f"messages: no MQTT broker on {HOST}:{PORT}; skipped", file=sys.stderr)
        return []
    try:
        import aiomqtt  # noqa: F401
    except ImportError:
        print("messages: the mqtt extra is not installed; skipped", file=sys.stderr)
        return []
    from arazzo_runner.api import load
    from arazzo_runner.engine import RunOptions
    from arazzo_runner.http.transport import new_async_client, new_client

    prefix = f"arazzo-bench/{uuid.uuid4().hex[:8]}"
    echo = subprocess.Popen([sys.executable, "-c", ECHO, prefix], stdout=subprocess.PIPE, text=True)
    try:
        assert echo.stdout is not None and echo.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory() as directory:
            loaded = load(str(_documents(Path(directory), prefix)))
            # One HTTP client for every run, as the HTTP benchmarks do: building one
            # (its TLS context) costs more than a round trip, and a message-only
            # workflow never uses it.
            transport = RunOptions().transport()
            http = new_client(transport)

            def blocking_runs(count: int) -> float:
                started = time.perf_counter()
                for n in range(count):
                    result = loaded.run(inputs={"id": f"b-{n}"}, client=http)
                    if not result.succeeded:
                        raise RuntimeError(f"run failed: {result.error}")
                return (time.perf_counter() - started) * 1000 / count

            async def async_runs(count: int) -> float:
                async with new_async_client(transport) as client:
                    started = time.perf_counter()
                    for n in range(count):
                        result = await loaded.arun(inputs={"id": f"a-{n}"}, client=client)
                        if not result.succeeded:
                            raise RuntimeError(f"run failed: {result.error}")
                    return (time.perf_counter() - started) * 1000 / count

            async def raw_trips(count: int) -> float:
                started = time.perf_counter()
                for n in range(count):
                    await _raw_round_trip(prefix, f"r-{n}")
                return (time.perf_counter() - started) * 1000 / count

            # Warm up (imports, the broker's session state), then alternate who goes first.
            blocking_runs(3), asyncio.run(async_runs(3)), asyncio.run(raw_trips(3))
            raw_ms = asyncio.run(raw_trips(runs))
            blocking_ms = blocking_runs(runs)
            async_ms = asyncio.run(async_runs(runs))
            raw_ms = min(raw_ms, asyncio.run(raw_trips(runs)))
            http.close()
    finally:
        echo.terminate()
        echo.wait(10)
    note = "baseline: aiomqtt connect, subscribe, publish, await the reply, per round trip"
    return [
        Result(
            f"MQTT round trip, blocking driver ({runs} runs)",
            blocking_ms,
            raw_ms,
            "ms/run",
            f"<= {TARGET:.2f}x",
            blocking_ms / raw_ms <= TARGET,
            note,
        ),
        Result(
            f"MQTT round trip, async driver ({runs} runs)",
            async_ms,
            raw_ms,
            "ms/run",
            f"<= {TARGET:.2f}x",
            async_ms / raw_ms <= TARGET,
            note,
        ),
    ]
