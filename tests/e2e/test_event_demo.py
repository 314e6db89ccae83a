"""The event-driven demo runs on a machine with no broker: the order service brings its own.

``examples/event_driven/order_service.py`` starts a pure-Python MQTT broker
(amqtt) and the service; both workflows of ``place-order.arazzo.yaml`` then run
against it, as ``examples/event_driven/demo.sh`` runs them.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests._support.brokers import free_port, listening
from tests._support.cli import run_cli
from tests._support.paths import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]
DEMO = ROOT / "examples" / "event_driven"
DOCUMENT = str(DEMO / "place-order.arazzo.yaml")


@pytest.fixture(scope="module")
def service() -> Iterator[tuple[int, int]]:
    pytest.importorskip("amqtt", reason="the demo's broker needs amqtt (pip install -e '.[demo]')")
    mqtt_port, http_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, str(DEMO / "order_service.py"), "--mqtt-port", str(mqtt_port),
         "--http-port", str(http_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not (listening(mqtt_port) and listening(http_port)):
            assert process.poll() is None, "the order service stopped"
            assert time.monotonic() < deadline, "the order service did not start"
            time.sleep(0.1)
        yield mqtt_port, http_port
    finally:
        process.terminate()
        process.wait(10)


def test_an_order_over_mqtt_is_confirmed(service: tuple[int, int]) -> None:
    mqtt_port, _ = service
    result = run_cli(
        "run", DOCUMENT, "-w", "placeOrderOverMqtt", "-i", "item=book", "-i", "requestId=t-1",
        "--server", f"orderEvents=mqtt://127.0.0.1:{mqtt_port}", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    confirm = result.json()["steps"][1]
    assert confirm["message"]["payload"]["requestId"] == "t-1"
    assert confirm["message"]["ignored"] == 1  # the other order's confirmation


def test_an_order_over_http_is_confirmed_over_mqtt(service: tuple[int, int]) -> None:
    mqtt_port, http_port = service
    result = run_cli(
        "run", DOCUMENT, "-w", "placeOrderOverHttp", "-i", "item=lamp", "-i", "requestId=t-2",
        "--server", f"orderEvents=mqtt://127.0.0.1:{mqtt_port}",
        "--server", f"orderApi=http://127.0.0.1:{http_port}",
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "workflow placeOrderOverHttp succeeded" in result.stdout


def test_a_rejected_order_fails_its_confirmation_step(service: tuple[int, int]) -> None:
    mqtt_port, _ = service
    result = run_cli(
        "run", DOCUMENT, "-w", "placeOrderOverMqtt", "-i", "item=unicorn", "-i", "requestId=t-3",
        "--server", f"orderEvents=mqtt://127.0.0.1:{mqtt_port}",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "$message.payload.status is 'rejected'" in result.stdout
