"""A receive step among steps that run concurrently (Arazzo 1.1 step ``dependsOn``).

The receive step comes first in the document and waits for a confirmation that the
order service publishes only once the HTTP step that follows it has placed the
order: one after the other, the receive step would wait in vain. Run by their
dependencies, the two run at once, and the step that depends on both gets both
outputs. Real Mosquitto, a real HTTP stand-in, both drivers.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.results import Status
from tests._support.brokers import MOSQUITTO, require, run, unique
from tests._support.cli import run_cli
from tests._support.documents import openapi_for
from tests._support.messaging import (
    arazzo_1_1,
    confirmation,
    order_addresses,
    order_steps,
    orders_asyncapi,
    orders_workflow,
    write_order_documents,
)
from tests._support.servers import Reply, ScriptedServer

REQUEST_ID = "c-1"
INPUTS = {"requestId": REQUEST_ID, "item": "book"}


def write_workflow(directory: Path, base_url: str, prefix: str) -> Path:
    """confirm (receive) and create (HTTP) run at once; ship depends on both."""
    openapi = openapi_for([("createOrder", "post", "/orders"), ("ship", "post", "/orders/{id}")])
    openapi["servers"] = [{"url": base_url}]
    (directory / "api.json").write_text(json.dumps(openapi), encoding="utf-8")
    confirm = order_steps(timeout_ms=5000)[1]
    create = {
        "stepId": "create",
        "operationId": "$sourceDescriptions.api.createOrder",
        "successCriteria": [{"condition": "$statusCode == 201"}],
        "outputs": {"id": "$response.body#/id"},
    }
    ship = {
        "stepId": "ship",
        "operationId": "$sourceDescriptions.api.ship",
        "dependsOn": ["confirm", "create"],
        "parameters": [{"name": "id", "in": "path", "value": "$steps.create.outputs.id"}],
        "requestBody": {"payload": {"confirmedOrder": "$steps.confirm.outputs.orderId"}},
    }
    sources = [
        {"name": "api", "url": "api.json", "type": "openapi"},
        {"name": "orders", "url": "orders.asyncapi.yaml", "type": "asyncapi"},
    ]
    asyncapi = orders_asyncapi("mqtt", f"127.0.0.1:{MOSQUITTO.port}", prefix, in_header=True)
    workflow = orders_workflow([confirm, create, ship])
    return write_order_documents(directory, arazzo_1_1(workflow, sources=sources), asyncapi)


@contextmanager
def confirms_once_ordered(http: ScriptedServer, prefix: str) -> Iterator[list[float]]:
    """The order service's other half: once the HTTP order arrives, it publishes another
    order's confirmation and then this one's. Yields when it published (monotonic)."""
    _, template = order_addresses("mqtt", prefix)
    address = template.replace("{region}", "eu")
    published: list[float] = []
    stop = threading.Event()

    async def publish() -> None:
        from arazzo_runner.messaging import Endpoint, open_transport

        endpoint = Endpoint.from_url(MOSQUITTO.url, protocol_version="5")
        async with open_transport(endpoint) as transport:
            await transport.publish(confirmation(address, "another-order", order_id=1))
            await transport.publish(confirmation(address, REQUEST_ID))
        published.append(time.monotonic())

    def watch() -> None:
        while not stop.is_set():
            if any(r.method == "POST" and r.path == "/orders" for r in http.received):
                run(publish())
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield published
    finally:
        stop.set()
        watcher.join(10)


def run_workflow(path: Path, driver: str) -> tuple[Status, dict[str, Any], dict[str, Any]]:
    """The run's status, outputs and steps (by stepId) through ``driver``."""
    if driver == "blocking":
        args = [f"-i{name}={value}" for name, value in INPUTS.items()]
        result = run_cli("run", str(path), *args, "-o", "json")
        # A receive stopped mid-wait leaves no task or thread behind to complain.
        assert "Traceback" not in result.stderr and "destroyed" not in result.stderr
        report = result.json()
        steps = {s["stepId"]: s for s in report["steps"]}
        return Status(report["status"]), report.get("outputs") or {}, steps
    outcome = asyncio.run(load(str(path)).arun(inputs=INPUTS))
    steps = {
        s.step_id: {
            "status": s.status.value,
            "error": s.error,
            "message": s.message,
        }
        for s in outcome.steps
    }
    return outcome.status, outcome.outputs, steps


@pytest.mark.parametrize("driver", ["blocking", "async"])
def test_a_receive_step_waits_while_the_step_that_triggers_its_message_runs(
    tmp_path: Path, driver: str
) -> None:
    require(MOSQUITTO)
    prefix = unique("arazzo-test")
    with ScriptedServer() as http:
        # The HTTP answer comes after the confirmation: the two steps overlap both ways.
        http.script("POST", "/orders", Reply(201, {"id": "o-5"}, delay=0.3))
        http.script("POST", "/orders/o-5", Reply(200, {"shipped": True}))
        path = write_workflow(tmp_path, http.base_url, prefix)
        with confirms_once_ordered(http, prefix) as published:
            status, outputs, steps = run_workflow(path, driver)
    assert status is Status.SUCCEEDED, steps
    assert published, "the order never reached the HTTP stand-in"
    assert outputs == {"orderId": 42}
    assert steps["confirm"]["message"]["ignored"] == 1  # the other order's, left alone
    assert [(r.method, r.path) for r in http.received] == [
        ("POST", "/orders"),
        ("POST", "/orders/o-5"),
    ]
    assert http.received[1].json() == {"confirmedOrder": 42}  # outputs of both steps


@pytest.mark.parametrize("driver", ["blocking", "async"])
def test_a_waiting_receive_step_stops_when_another_step_fails(tmp_path: Path, driver: str) -> None:
    require(MOSQUITTO)
    prefix = unique("arazzo-test")
    with ScriptedServer() as http:
        http.script("POST", "/orders", Reply(500, {"error": "out of stock"}))
        path = write_workflow(tmp_path, http.base_url, prefix)
        started = time.monotonic()
        status, _, steps = run_workflow(path, driver)
        elapsed = time.monotonic() - started
    assert status is Status.FAILED
    assert steps["create"]["status"] == "failed"
    assert steps["confirm"]["error"] == "stopped: step 'create' failed while this step ran"
    assert steps["ship"]["status"] == "skipped"
    assert elapsed < 4.0  # not the receive step's 5 s timeout
