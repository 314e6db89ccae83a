"""AsyncAPI steps end to end: the real CLI (or API), a real broker, a stand-in order service.

The service answers each order at once, first with a confirmation of another
order and then with this one's: the workflow must have subscribed before it
sent the order, and must pick its own reply by correlation id.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.messaging import Bindings, ReceivedMessage
from tests._support.brokers import (
    MOSQUITTO,
    NATS,
    RABBITMQ,
    REDIS,
    Broker,
    Responder,
    require,
    unique,
    websocket_server,
)
from tests._support.cli import run_cli
from tests._support.documents import openapi_for
from tests._support.messaging import (
    arazzo_1_1,
    confirmation,
    order_addresses,
    order_steps,
    orders_asyncapi,
    orders_workflow,
    request_id_of,
    write_order_documents,
)
from tests._support.servers import Reply, ScriptedServer


class Setup:
    """One broker's order service: its description, addresses, and bindings."""

    def __init__(self, broker: Broker, prefix: str) -> None:
        self.broker = require(broker)
        self.protocol = broker.protocol
        self.in_header = broker.protocol != "redis"  # Redis pub/sub has no headers
        self.place, template = order_addresses(self.protocol, prefix)
        self.confirmed = template.replace("{region}", "eu")
        self.channel_bindings: dict[str, Any] | None = None
        self.bindings = Bindings()
        if self.protocol == "amqp":
            exchange = {"name": unique("arazzo-test"), "type": "topic", "autoDelete": True}
            self.channel_bindings = {"amqp": {"is": "routingKey", "exchange": exchange}}
            self.bindings = Bindings(channel=self.channel_bindings["amqp"])
        self.asyncapi = orders_asyncapi(
            self.protocol,
            f"127.0.0.1:{broker.port}",
            prefix,
            in_header=self.in_header,
            channel_bindings=self.channel_bindings,
        )

    def responder(self, answer: Any) -> Responder:
        return Responder(
            self.broker.url, self.place, answer, protocol_version="5", bindings=self.bindings
        )

    def reply(self, request_id: str | None, **fields: Any) -> Any:
        return confirmation(
            self.confirmed, request_id, in_header=self.in_header, bindings=self.bindings, **fields
        )

    def documents(self, directory: Path, steps: list[dict[str, Any]] | None = None) -> Path:
        workflow = orders_workflow(steps or order_steps(in_header=self.in_header))
        return write_order_documents(directory, arazzo_1_1(workflow), self.asyncapi)


BROKERS = {"mqtt": MOSQUITTO, "amqp": RABBITMQ, "nats": NATS, "redis": REDIS}


def run_orders(path: Path, *args: str, request_id: str = "r-1") -> Any:
    return run_cli("run", str(path), "-i", f"requestId={request_id}", "-i", "item=book", *args)


@pytest.mark.parametrize("name", list(BROKERS))
def test_request_and_reply_matched_by_correlation_id(tmp_path: Path, name: str) -> None:
    setup = Setup(BROKERS[name], unique("arazzo-test"))

    def answer(request: ReceivedMessage) -> list[Any]:
        request_id = request_id_of(request)
        # Another order's confirmation first, then this one's, both at once.
        return [setup.reply("someone-else", order_id=1), setup.reply(request_id)]

    path = setup.documents(tmp_path)
    with setup.responder(answer) as service:
        result = run_orders(path, "-o", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    report = result.json()
    assert report["outputs"] == {"orderId": 42}
    place, confirm = report["steps"]
    assert place["message"]["address"] == setup.place
    assert place["message"]["payload"]["item"] == "book"
    assert confirm["message"]["address"] == setup.confirmed
    assert confirm["message"]["ignored"] == 1  # the other order's, left alone
    [order] = service.received
    assert request_id_of(order) == "r-1"
    if setup.in_header:
        assert order.header("orderRequestId") == "r-1"
        assert confirm["message"]["headers"]["orderRequestId"] == "r-1"


def test_a_rejection_fails_the_step_through_its_success_criteria(tmp_path: Path) -> None:
    setup = Setup(MOSQUITTO, unique("arazzo-test"))
    path = setup.documents(tmp_path)
    with setup.responder(lambda r: [setup.reply(request_id_of(r), status="rejected")]):
        result = run_orders(path)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "confirm" in result.stdout and "FAILED" in result.stdout
    assert "$message.payload.status == 'confirmed'" in result.stdout


def test_no_reply_within_the_timeout_runs_on_failure(tmp_path: Path) -> None:
    setup = Setup(MOSQUITTO, unique("arazzo-test"))
    steps = order_steps(timeout_ms=300)
    steps[1]["onFailure"] = [{"name": "giveUp", "type": "goto", "stepId": "cancel"}]
    steps.append(
        {
            "stepId": "cancel",
            "operationId": "$sourceDescriptions.orders.placeOrder",
            "action": "send",
            "requestBody": {"payload": {"item": "$inputs.item", "cancel": True}},
        }
    )
    path = setup.documents(tmp_path, steps)
    with setup.responder(lambda _: []) as service:  # a service that never answers
        result = run_orders(path, "-o", "json")
        received = service.wait_for(2)
    report = result.json()
    steps_by_id = {step["stepId"]: step for step in report["steps"]}
    confirm = steps_by_id["confirm"]
    assert confirm["status"] == "failed"
    assert confirm["error"] == (
        "step 'confirm' timed out: it did not complete within its timeout of 300 ms: "
        f"no message with correlation id 'r-1' arrived on '{setup.confirmed}'"
    )
    assert confirm["action"]["name"] == "giveUp"
    assert steps_by_id["cancel"]["status"] == "succeeded"
    assert [m.payload().get("cancel") for m in received] == [None, True]


def test_channel_parameters_and_a_missing_one(tmp_path: Path) -> None:
    setup = Setup(MOSQUITTO, unique("arazzo-test"))
    steps = order_steps()
    steps[1]["parameters"] = []  # no region: the address cannot be filled
    path = setup.documents(tmp_path, steps)
    result = run_cli("validate", str(path))
    assert result.exit_code == 1
    assert "missing-channel-parameter" in result.stdout
    assert "parameter 'region' of the address" in result.stdout
    assert "in: path" in result.stdout
    assert run_orders(path).exit_code == 2  # refused before anything is sent


def test_a_mixed_http_and_message_workflow(tmp_path: Path) -> None:
    setup = Setup(MOSQUITTO, unique("arazzo-test"))
    with ScriptedServer() as http:
        http.script("POST", "/orders", Reply(201, {"id": "o-77"}))
        openapi = openapi_for([("createOrder", "post", "/orders")])
        openapi["servers"] = [{"url": http.base_url}]
        (tmp_path / "api.yaml").write_text(json.dumps(openapi), encoding="utf-8")
        steps = order_steps()
        steps[0]["parameters"][0]["value"] = "$steps.create.outputs.id"
        steps[1]["correlationId"] = "$steps.create.outputs.id"
        create = {
            "stepId": "create",
            "operationId": "$sourceDescriptions.api.createOrder",
            "successCriteria": [{"condition": "$statusCode == 201"}],
            "outputs": {"id": "$response.body#/id"},
        }
        workflow = orders_workflow([create, *steps])
        sources = [
            {"name": "api", "url": "api.yaml", "type": "openapi"},
            {"name": "orders", "url": "orders.asyncapi.yaml", "type": "asyncapi"},
        ]
        path = write_order_documents(
            tmp_path, arazzo_1_1(workflow, sources=sources), setup.asyncapi
        )
        with setup.responder(lambda r: [setup.reply(request_id_of(r))]) as service:
            result = run_orders(path, "-o", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json()["outputs"] == {"orderId": 42}
    assert [request_id_of(m) for m in service.received] == ["o-77"]


def test_the_async_driver_runs_message_steps_too(tmp_path: Path) -> None:
    setup = Setup(NATS, unique("arazzo-test"))
    path = setup.documents(tmp_path)
    with setup.responder(lambda r: [setup.reply("other"), setup.reply(request_id_of(r))]):
        loaded = load(str(path))
        result = asyncio.run(loaded.arun(inputs={"requestId": "a-1", "item": "pen"}))
    assert result.succeeded, result.error
    assert result.outputs == {"orderId": 42}


def test_server_overrides_point_a_kafka_description_at_a_broker_we_speak(
    tmp_path: Path,
) -> None:
    setup = Setup(MOSQUITTO, unique("arazzo-test"))
    setup.asyncapi["servers"]["broker"] = {"host": "localhost:9092", "protocol": "kafka"}
    path = setup.documents(tmp_path)
    refused = run_orders(path)
    assert refused.exit_code == 2
    assert "speaks 'kafka'" in refused.stderr
    assert "--server orders=mqtt://" in refused.stderr
    with setup.responder(lambda r: [setup.reply(request_id_of(r))]):
        result = run_orders(path, "--server", "orders=mqtt://127.0.0.1:1883")
    assert result.exit_code == 0, result.stdout + result.stderr


def test_a_missing_client_library_is_refused_before_anything_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = Setup(MOSQUITTO, unique("arazzo-test"))
    path = setup.documents(tmp_path)
    monkeypatch.setitem(sys.modules, "aiomqtt", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "arazzo_runner.messaging.mqtt", raising=False)
    result = run_orders(path)
    assert result.exit_code == 2
    assert "needs the 'aiomqtt' library" in result.stderr
    assert "pip install 'arazzo-engine[mqtt]'" in result.stderr


def test_broker_credentials_come_from_auth_and_stay_secret(tmp_path: Path) -> None:
    setup = Setup(RABBITMQ, unique("arazzo-test"))
    setup.asyncapi["servers"]["broker"]["security"] = [
        {"$ref": "#/components/securitySchemes/rabbit"}
    ]
    setup.asyncapi["components"]["securitySchemes"] = {"rabbit": {"type": "userPassword"}}
    path = setup.documents(tmp_path)
    with setup.responder(lambda r: [setup.reply(request_id_of(r))]):
        good = run_orders(path, "--auth", "rabbit=guest:guest")
    assert good.exit_code == 0, good.stdout + good.stderr
    bad = run_orders(path, "--auth", "rabbit=guest:not-the-Pa55word", "-v")
    assert bad.exit_code == 1
    assert "cannot connect to the amqp broker" in bad.stdout
    assert "not-the-Pa55word" not in bad.stdout + bad.stderr


def test_a_dry_run_shows_the_message_and_the_subscription(tmp_path: Path) -> None:
    setup = Setup(MOSQUITTO, unique("arazzo-test"))
    path = setup.documents(tmp_path)
    result = run_orders(path, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"SEND mqtt://127.0.0.1:1883 {setup.place}" in result.stdout
    assert f"RECEIVE mqtt://127.0.0.1:1883 {setup.confirmed}" in result.stdout
    assert "subscribed when the workflow starts" in result.stdout
    assert "orderRequestId = r-1" in result.stdout


def test_verbose_progress_shows_messages_with_secrets_masked(tmp_path: Path) -> None:
    setup = Setup(MOSQUITTO, unique("arazzo-test"))
    path = setup.documents(tmp_path)
    json_report, junit_report = tmp_path / "run.json", tmp_path / "run.xml"
    html_report = tmp_path / "run.html"
    with setup.responder(lambda r: [setup.reply(request_id_of(r))]):
        result = run_orders(
            path,
            "-v",
            "--secret-input",
            "requestId",
            "--report",
            f"json={json_report}",
            "--report",
            f"junit={junit_report}",
            "--report",
            f"html={html_report}",
            request_id="tok-s3cr3t",
        )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"> sent to {setup.place}" in result.stdout
    assert f"< received on {setup.confirmed}" in result.stdout
    assert "tok-s3cr3t" not in result.stdout
    report = json.loads(json_report.read_text(encoding="utf-8"))
    assert report["steps"][1]["message"]["payload"] == {"orderId": 42, "status": "confirmed"}
    assert report["exchanges"] == []  # HTTP exchanges only; messages are on their steps
    junit = junit_report.read_text(encoding="utf-8")
    assert f"message received on {setup.confirmed}" in junit
    assert '"orderId": 42' in junit
    assert "tok-s3cr3t" not in json_report.read_text() + junit
    page = html_report.read_text(encoding="utf-8")
    assert f"Message received on {setup.confirmed}" in page
    assert '"status": "confirmed"' in page  # the payload, as JSON
    assert "tok-s3cr3t" not in page


def test_websocket_request_and_reply_on_one_connection(tmp_path: Path) -> None:
    """A WebSocket service answers on the connection the order came in on."""

    async def service(connection: Any) -> None:
        async for frame in connection:
            order = json.loads(frame)
            for request_id in ("someone-else", order["requestId"]):
                reply = {"requestId": request_id, "orderId": 42, "status": "confirmed"}
                await connection.send(json.dumps(reply))

    async def body() -> None:
        async with websocket_server(service) as port:
            asyncapi = orders_asyncapi("ws", f"127.0.0.1:{port}", "orders", in_header=False)
            # One channel for both directions: a WebSocket reply comes on the same socket.
            asyncapi["channels"]["confirmations"]["address"] = "/orders"
            asyncapi["channels"]["placeOrder"]["address"] = "/orders"
            steps = order_steps(in_header=False)
            steps[1]["parameters"] = []
            del asyncapi["channels"]["confirmations"]["parameters"]
            workflow = orders_workflow(steps)
            path = write_order_documents(tmp_path, arazzo_1_1(workflow), asyncapi)
            result = await load(str(path)).arun(inputs={"requestId": "w-1", "item": "cup"})
            assert result.succeeded, result.error
            assert result.outputs == {"orderId": 42}
            confirm = result.steps[1]
            assert confirm.message is not None and confirm.message["ignored"] == 1

    asyncio.run(body())
