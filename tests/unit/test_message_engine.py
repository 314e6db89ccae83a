"""Message steps driven directly: the engine's message commands answered by the test.

No broker and no socket: the order of commands (every subscription before the
first step), what a send carries, how a receive is asked for, and what the
engine makes of each outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.engine import Run
from arazzo_runner.messaging import ReceivedMessage
from arazzo_runner.messaging.commands import (
    MessageOutcome,
    ReceiveMessage,
    SendMessage,
    Subscribe,
)
from arazzo_runner.results import Status, WorkflowResult
from tests._support.messaging import (
    arazzo_1_1,
    order_steps,
    orders_asyncapi,
    orders_workflow,
    write_order_documents,
)


def prepared_run(tmp_path: Path, steps: list[dict[str, Any]] | None = None) -> Run:
    asyncapi = orders_asyncapi("mqtt", "127.0.0.1:1883", "shop")
    path = write_order_documents(
        tmp_path, arazzo_1_1(orders_workflow(steps or order_steps())), asyncapi
    )
    loaded = load(str(path))
    workflow = loaded.workflow()
    prepared = loaded.prepare_workflow(workflow, {})
    return Run(prepared, {"requestId": "r-9", "item": "book"})


def drive(run: Run, answer: Any) -> tuple[list[Any], WorkflowResult]:
    """Every command the run yields, answered by ``answer``; and the result."""
    commands = run.commands()
    seen: list[Any] = []
    reply: Any = None
    try:
        while True:
            command = commands.send(reply)
            seen.append(command)
            reply = answer(command)
    except StopIteration as stop:
        return seen, stop.value


def confirmation(request_id: str, status: str = "confirmed") -> ReceivedMessage:
    body = f'{{"orderId": 5, "status": "{status}"}}'.encode()
    headers = {"orderRequestId": request_id}
    return ReceivedMessage("shop/eu/confirmed", body, headers, "application/json")


def test_subscriptions_come_before_any_step_and_the_reply_is_judged(tmp_path: Path) -> None:
    def answer(command: Any) -> MessageOutcome:
        if isinstance(command, ReceiveMessage):
            return MessageOutcome(confirmation("r-9"), ignored=2)
        return MessageOutcome()

    commands, result = drive(prepared_run(tmp_path), answer)
    assert [type(c) for c in commands] == [Subscribe, SendMessage, ReceiveMessage]
    subscribe, send, receive = commands
    assert subscribe.address == "shop/eu/confirmed"  # the region filled in at start
    assert subscribe.endpoint.url() == "mqtt://127.0.0.1:1883"
    assert send.message.address == "shop/place"
    assert send.message.headers == {"orderRequestId": "r-9"}
    assert send.message.body == b'{"item":"book"}'
    assert receive.key == subscribe.key
    assert receive.expected == "r-9"
    assert receive.correlation is not None and receive.correlation.pointer == "/orderRequestId"
    assert receive.timeout == pytest.approx(5.0, abs=0.05)  # the step's timeout, less the send
    assert result.status is Status.SUCCEEDED
    assert result.outputs == {"orderId": 5}
    assert result.steps[1].message is not None and result.steps[1].message["ignored"] == 2


def test_a_rejection_fails_the_step(tmp_path: Path) -> None:
    def answer(command: Any) -> MessageOutcome:
        if isinstance(command, ReceiveMessage):
            return MessageOutcome(confirmation("r-9", status="rejected"))
        return MessageOutcome()

    _, result = drive(prepared_run(tmp_path), answer)
    assert result.status is Status.FAILED
    assert "'rejected'" in (result.steps[1].error or "")


def test_no_message_in_time_runs_on_failure(tmp_path: Path) -> None:
    steps = order_steps(timeout_ms=250)
    steps[1]["onFailure"] = [{"name": "again", "type": "retry", "retryLimit": 1}]

    def answer(command: Any) -> MessageOutcome:
        return (
            MessageOutcome(ignored=1) if isinstance(command, ReceiveMessage) else MessageOutcome()
        )

    commands, result = drive(prepared_run(tmp_path, steps), answer)
    receives = [c for c in commands if isinstance(c, ReceiveMessage)]
    assert len(receives) == 2  # the retry asks again, on the same subscription
    assert len({c.key for c in receives}) == 1
    confirm = result.steps[1]
    assert confirm.status is Status.FAILED
    assert confirm.error == (
        "step 'confirm' timed out: it did not complete within its timeout of 250 ms: "
        "no message with correlation id 'r-9' arrived on 'shop/eu/confirmed' "
        "(1 other message did not match)"
    )
    assert len(confirm.attempts) == 2


def test_a_broker_failure_is_the_steps_error(tmp_path: Path) -> None:
    def answer(command: Any) -> MessageOutcome:
        if isinstance(command, SendMessage):
            return MessageOutcome(error="cannot connect to the mqtt broker at mqtt://x:1883")
        return MessageOutcome()

    _, result = drive(prepared_run(tmp_path), answer)
    assert result.steps[0].status is Status.FAILED
    assert result.steps[0].error == "cannot connect to the mqtt broker at mqtt://x:1883"
    assert result.steps[1].status is Status.SKIPPED


def test_an_asyncapi_description_without_its_type_is_refused_with_the_fix(
    tmp_path: Path,
) -> None:
    from arazzo_runner.diagnostics import Diagnostics
    from arazzo_runner.validation import validate_document

    asyncapi = orders_asyncapi("mqtt", "127.0.0.1:1883", "shop")
    sources = [{"name": "orders", "url": "orders.asyncapi.yaml"}]
    document = arazzo_1_1(orders_workflow(order_steps()), sources=sources)
    path = write_order_documents(tmp_path, document, asyncapi)
    diagnostics = Diagnostics()
    validate_document(str(path), diagnostics, offline=True)
    found = {d.rule: d for d in diagnostics}
    assert "it is AsyncAPI 3.0.0" in found["invalid-source-type"].message
    assert (
        found["invalid-source-type"].hint
        == "give its source description type: asyncapi (Arazzo 1.1)"
    )
    assert "has no type (read as openapi)" in found["unresolved-channel"].message
