"""The engine driven directly: commands out, outcomes in, time from a fake clock.

A :class:`Run` asks for I/O and never does it, so these tests answer its
``SendRequest`` and ``Wait`` commands themselves: control flow, retries,
``Retry-After``, ``retryAfter`` and the run limits are checked without a
socket and without sleeping.
"""

from __future__ import annotations

import ast
import asyncio
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest

from arazzo_runner.api import LoadedArazzo, load
from arazzo_runner.diagnostics import DocumentInvalid
from arazzo_runner.engine import (
    Listeners,
    PreparedWorkflow,
    Run,
    RunCommands,
    RunInterrupted,
    RunListener,
    RunOptions,
    run_async,
    run_blocking,
)
from arazzo_runner.http.commands import SendOutcome, SendRequest, Wait
from arazzo_runner.http.messages import Exchange, ResponseRecord
from arazzo_runner.results import Status, StepResult, WorkflowResult
from tests._support.clock import START, FakeClock
from tests._support.documents import openapi_for, write_documents

OPERATIONS = [("getStatus", "GET", "/status"), ("getItem", "GET", "/items/{id}")]


# --------------------------------------------------------------------------- documents


def step(step_id: str, **fields: Any) -> dict[str, Any]:
    return {"stepId": step_id, "operationId": "getStatus", **fields}


def document(*workflows: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "arazzo": "1.0.1",
        "info": {"title": "engine", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.openapi.yaml", "type": "openapi"}],
        "workflows": list(workflows),
        **fields,
    }


def loaded_with(tmp_path: Path, *steps: dict[str, Any], **fields: Any) -> LoadedArazzo:
    workflow = {"workflowId": "w", "steps": list(steps), **fields}
    path = write_documents(tmp_path, document(workflow), {"api.openapi.yaml": api()})
    return load(str(path))


def api() -> dict[str, Any]:
    return openapi_for(OPERATIONS)


def start(
    loaded: LoadedArazzo,
    workflow_id: str = "w",
    listener: RunListener | None = None,
    **options: Any,
) -> tuple[FakeClock, RunCommands]:
    """A run of ``workflow_id`` on a fake clock, and its command generator, not started."""
    clock = FakeClock()
    run_options = RunOptions(clock=clock, **options)
    workflow = loaded.workflow(workflow_id)
    prepared = loaded.prepare_workflow(workflow, run_options.server_overrides)
    inputs = loaded.prepare_inputs(workflow, loaded.document, {})
    return clock, Run(prepared, inputs, run_options, listener).commands()


def answer(status: int, headers: dict[str, str] | None = None) -> SendOutcome:
    record = ResponseRecord(status, list((headers or {}).items()), b"")
    return SendOutcome(record, None, 1.0)


def finish(commands: RunCommands, reply: Any) -> WorkflowResult:
    """Send the last reply; the run must end with it."""
    with pytest.raises(StopIteration) as stopped:
        commands.send(reply)
    result: WorkflowResult = stopped.value.value
    return result


RETRY_ON_503 = {
    "successCriteria": [{"condition": "$statusCode == 200"}],
    "onFailure": [{"name": "again", "type": "retry", "retryAfter": 2, "retryLimit": 3}],
}


# --------------------------------------------------------------------------- control flow


def test_steps_run_in_order_and_the_result_follows_the_outcomes(tmp_path: Path) -> None:
    loaded = loaded_with(
        tmp_path,
        step("a", successCriteria=[{"condition": "$statusCode == 200"}]),
        step("b", successCriteria=[{"condition": "$statusCode == 200"}]),
    )
    _, commands = start(loaded)

    first = next(commands)
    assert isinstance(first, SendRequest)
    assert first.request.method == "GET" and first.request.url.endswith("/status")
    second = commands.send(answer(200))
    assert isinstance(second, SendRequest)
    result = finish(commands, answer(500))

    assert result.status is Status.FAILED
    assert [(s.step_id, s.status) for s in result.steps] == [
        ("a", Status.SUCCEEDED),
        ("b", Status.FAILED),
    ]
    assert result.error is not None and result.error.step_id == "b"


def test_a_transport_error_fails_the_step_with_its_message(tmp_path: Path) -> None:
    _, commands = start(loaded_with(tmp_path, step("a")))

    next(commands)
    result = finish(commands, SendOutcome(None, "connection refused", 0.0))

    assert result.steps[0].error == "connection refused"


def test_goto_a_step_loops_until_the_step_limit(tmp_path: Path) -> None:
    loop = step("a", onSuccess=[{"name": "again", "type": "goto", "stepId": "a"}])
    _, commands = start(loaded_with(tmp_path, loop), max_step_executions=3)

    next(commands)
    commands.send(answer(200))
    commands.send(answer(200))
    result = finish(commands, answer(200))

    assert result.error is not None
    assert "reached the limit of 3 step executions" in result.error.message
    assert result.error.stopped_by == "max-steps"
    stopped = result.steps[-1]
    assert stopped.attempts == []  # never sent
    assert stopped.error == stopped.stopped == result.error.message


def test_a_retry_past_the_step_limit_is_refused_before_its_wait(tmp_path: Path) -> None:
    _, commands = start(loaded_with(tmp_path, step("a", **RETRY_ON_503)), max_step_executions=2)

    next(commands)
    assert commands.send(answer(503)) == Wait(2.0)
    commands.send(None)
    result = finish(commands, answer(503))  # no third wait for a retry that cannot run

    assert result.error is not None and result.error.stopped_by == "max-steps"
    assert result.error.message.startswith("the run stopped before retrying step 'a'")
    assert [a.status_code for a in result.steps[0].attempts] == [503, 503]


def test_a_run_closed_while_waiting_to_retry_says_it_was_interrupted(tmp_path: Path) -> None:
    finished: list[StepResult] = []

    class Heard(RunListener):
        def step_finished(self, result: StepResult) -> None:
            finished.append(result)

    _, commands = start(loaded_with(tmp_path, step("a", **RETRY_ON_503)), listener=Heard())
    next(commands)
    assert commands.send(answer(503)) == Wait(2.0)
    commands.close()  # what a driver does on Ctrl-C

    (result,) = finished
    assert result.stopped == "interrupted"
    assert [a.status_code for a in result.attempts] == [503]


# --------------------------------------------------------------------------- retries and time


def test_retry_after_in_seconds_becomes_a_wait(tmp_path: Path) -> None:
    clock, commands = start(loaded_with(tmp_path, step("a", **RETRY_ON_503)))

    next(commands)
    wait = commands.send(answer(503, {"Retry-After": "7"}))
    assert wait == Wait(7.0)
    clock.advance(7.0)  # what a driver does while it waits
    assert isinstance(commands.send(None), SendRequest)
    result = finish(commands, answer(200))

    assert result.succeeded
    attempts = result.steps[0].attempts
    assert [a.status_code for a in attempts] == [503, 200]
    assert attempts[0].action is not None and attempts[0].action.retry_after == 7.0
    assert clock.slept == []  # the engine itself never sleeps


def test_retry_after_as_an_http_date_is_measured_on_the_runs_clock(tmp_path: Path) -> None:
    clock, commands = start(loaded_with(tmp_path, step("a", **RETRY_ON_503)))
    clock.advance(100.0)
    when = format_datetime(clock.now() + timedelta(seconds=30), usegmt=True)

    next(commands)
    assert commands.send(answer(503, {"Retry-After": when})) == Wait(30.0)


def test_retry_after_field_applies_without_the_header(tmp_path: Path) -> None:
    _, commands = start(loaded_with(tmp_path, step("a", **RETRY_ON_503)))

    next(commands)
    assert commands.send(answer(503)) == Wait(2.0)


def test_a_wait_beyond_the_time_limit_ends_the_run(tmp_path: Path) -> None:
    _, commands = start(loaded_with(tmp_path, step("a", **RETRY_ON_503)), max_duration=60.0)

    next(commands)
    result = finish(commands, answer(503, {"Retry-After": "120"}))

    assert result.error is not None
    assert result.error.message == (
        "the run stopped before retrying step 'a': the retry would wait 120 s, beyond the "
        "run's time limit of 60 s; raise it with --max-duration"
    )
    assert result.error.stopped_by == "max-duration"
    (only,) = result.steps
    # The retry never happened: no attempt announces it, and the step says why it stopped.
    assert [a.action for a in only.attempts] == [None]
    assert (
        only.error == "success criterion not met: $statusCode == 200 is false ($statusCode is 503)"
    )
    assert only.stopped == result.error.message


def test_time_spent_waiting_counts_against_the_time_limit(tmp_path: Path) -> None:
    clock, commands = start(loaded_with(tmp_path, step("a", **RETRY_ON_503)), max_duration=5.0)

    next(commands)
    assert commands.send(answer(503, {"Retry-After": "4"})) == Wait(4.0)
    clock.advance(4.0)
    retry = commands.send(None)
    assert isinstance(retry, SendRequest)
    assert retry.timeout == pytest.approx(1.0)  # cut to the time left
    # The second wait (2 s, from retryAfter) no longer fits in the 1 s left.
    result = finish(commands, answer(503))

    assert result.error is not None
    assert "the retry would wait 2 s, beyond the run's time limit of 5 s" in result.error.message


def test_a_slow_response_stops_the_run_before_the_next_step(tmp_path: Path) -> None:
    loaded = loaded_with(tmp_path, step("a"), step("b"))
    clock, commands = start(loaded, max_duration=10.0)

    next(commands)
    clock.advance(11.0)
    result = finish(commands, answer(200))

    assert result.error is not None
    assert result.error.message == (
        "the run stopped before step 'b': it exceeded its time limit of 10 s; "
        "raise it with --max-duration"
    )


def test_the_time_limit_starts_with_the_first_command(tmp_path: Path) -> None:
    clock, commands = start(loaded_with(tmp_path, step("a")), max_duration=10.0)
    clock.advance(60.0)  # setting up (a client, a connection pool) is not timed

    assert isinstance(next(commands), SendRequest)


def test_durations_and_exchange_times_come_from_the_clock(tmp_path: Path) -> None:
    exchanges: list[Exchange] = []

    class Recorder(RunListener):
        def exchange(self, exchange: Exchange) -> None:
            exchanges.append(exchange)

    clock, commands = start(loaded_with(tmp_path, step("a")), listener=Recorder())
    next(commands)
    clock.advance(0.25)
    result = finish(commands, answer(200))

    assert result.steps[0].duration_ms == pytest.approx(250.0)
    assert result.steps[0].attempts[0].duration_ms == pytest.approx(250.0)
    assert [e.started for e in exchanges] == [START]


# --------------------------------------------------------------------------- drivers


def replies(*statuses: int) -> httpx2.MockTransport:
    """Answers each request with the next status, asking for a retry in an hour."""
    remaining = iter(statuses)

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(next(remaining), headers={"Retry-After": "3600"})

    return httpx2.MockTransport(handler)


def driven_run(tmp_path: Path) -> tuple[FakeClock, Run]:
    loaded = loaded_with(tmp_path, step("a", **RETRY_ON_503))
    clock = FakeClock()
    options = RunOptions(clock=clock, max_duration=None)
    prepared = loaded.prepare_workflow(loaded.workflow("w"))
    return clock, Run(prepared, {}, options)


def test_the_blocking_driver_waits_on_the_runs_clock(tmp_path: Path) -> None:
    clock, run = driven_run(tmp_path)
    client = httpx2.Client(transport=replies(503, 200))

    result = run_blocking(run, client)

    assert result.succeeded
    assert clock.slept == [3600.0]  # an hour, without sleeping for real


def test_ctrl_c_in_a_wait_ends_the_blocking_run_with_its_result(tmp_path: Path) -> None:
    clock, run = driven_run(tmp_path)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    clock.sleep = interrupted  # type: ignore[method-assign]
    with pytest.raises(RunInterrupted) as stopped:
        run_blocking(run, httpx2.Client(transport=replies(503)))

    assert isinstance(stopped.value, KeyboardInterrupt)  # what callers already catch
    result = stopped.value.result
    assert result.error is not None and result.error.stopped_by == "interrupt"
    (only,) = result.steps
    assert only.stopped == "interrupted"
    assert [a.status_code for a in only.attempts] == [503]  # the one sent, nothing made up


def test_the_asyncio_driver_waits_on_the_runs_clock(tmp_path: Path) -> None:
    clock, run = driven_run(tmp_path)
    client = httpx2.AsyncClient(transport=replies(503, 200))

    result = asyncio.run(run_async(run, client))

    assert result.succeeded
    assert clock.slept == [3600.0]


# --------------------------------------------------------------------------- listeners


def test_listeners_want_exchanges_only_when_one_of_them_does() -> None:
    class Quiet(RunListener):
        def step_finished(self, result: Any) -> None:
            pass

    class Hearing(RunListener):
        def exchange(self, exchange: Exchange) -> None:
            pass

    class Explicit(RunListener):
        wants_exchanges = True

    assert not RunListener().wants_exchanges
    assert not Quiet().wants_exchanges
    assert Hearing().wants_exchanges
    assert Explicit().wants_exchanges
    assert not Listeners([Quiet(), None]).wants_exchanges
    assert Listeners([Quiet(), Hearing()]).wants_exchanges


# --------------------------------------------------------------------------- other documents


def mutual_documents(tmp_path: Path) -> LoadedArazzo:
    """main.arazzo.yaml and other.arazzo.yaml, each naming the other as a source."""
    main = document(
        {
            "workflowId": "main",
            "steps": [{"stepId": "call", "workflowId": "$sourceDescriptions.other.middle"}],
        },
        {"workflowId": "leaf", "steps": [step("get")]},
    )
    main["sourceDescriptions"].append(
        {"name": "other", "url": "other.arazzo.yaml", "type": "arazzo"}
    )
    other = document(
        {
            "workflowId": "middle",
            "steps": [
                {
                    "stepId": "back",
                    "workflowId": "$sourceDescriptions.main.leaf",
                    # On a branch: a call back to main on the straight path would
                    # be a loop validation refuses (workflow-recursion).
                    "onSuccess": [
                        {
                            "name": "on",
                            "type": "goto",
                            "stepId": "again",
                            "criteria": [{"condition": "$statusCode == 200"}],
                        }
                    ],
                },
                {"stepId": "again", "workflowId": "$sourceDescriptions.main.main"},
            ],
        }
    )
    other["sourceDescriptions"].append(
        {"name": "main", "url": "main.arazzo.yaml", "type": "arazzo"}
    )
    write_documents(tmp_path, other, name="other.arazzo.yaml")
    path = write_documents(tmp_path, main, {"api.openapi.yaml": api()}, name="main.arazzo.yaml")
    return load(str(path))


def test_documents_that_refer_to_each_other_are_prepared_once(tmp_path: Path) -> None:
    loaded = mutual_documents(tmp_path)

    prepared = loaded.prepare_workflow(loaded.workflow("main"))

    middle = prepared.targets["$sourceDescriptions.other.middle"]
    assert middle.workflow.workflow_id == "middle"
    assert middle.targets["$sourceDescriptions.main.main"] is prepared  # the same, not a copy
    leaf = middle.targets["$sourceDescriptions.main.leaf"]
    assert leaf.document is prepared.document
    assert isinstance(leaf, PreparedWorkflow) and "get" in leaf.requests


def test_a_workflow_of_another_document_runs_in_the_same_run(tmp_path: Path) -> None:
    loaded = mutual_documents(tmp_path)
    _, commands = start(loaded, "main", max_step_executions=4)

    sent = next(commands)
    assert isinstance(sent, SendRequest) and sent.request.url.endswith("/status")
    # middle -> leaf -> get, then middle -> main -> middle ... until the step limit.
    result = finish(commands, answer(200))

    assert result.error is not None and "limit of 4 step executions" in result.error.message


def test_an_arazzo_source_is_validated_like_the_document_itself(tmp_path: Path) -> None:
    # `$inputs.nope` builds, but validation refuses it: the run must not start.
    other = document(
        {"workflowId": "first", "steps": [step("get")]},
        {
            "workflowId": "fetch",
            "inputs": {"type": "object", "properties": {"id": {"type": "string"}}},
            "steps": [
                {
                    "stepId": "get",
                    "operationId": "getItem",
                    "parameters": [{"name": "id", "in": "path", "value": "$inputs.nope"}],
                }
            ],
        },
    )
    main = document(
        {
            "workflowId": "w",
            "steps": [{"stepId": "call", "workflowId": "$sourceDescriptions.o.fetch"}],
        }
    )
    main["sourceDescriptions"].append({"name": "o", "url": "other.arazzo.yaml", "type": "arazzo"})
    write_documents(tmp_path, other, {"api.openapi.yaml": api()}, name="other.arazzo.yaml")
    loaded = load(str(write_documents(tmp_path, main)))

    with pytest.raises(DocumentInvalid) as refused:
        loaded.prepare_workflow(loaded.workflow("w"))

    assert "workflow 'fetch' declares no input 'nope'" in refused.value.render()


def test_the_engine_does_not_import_validation() -> None:
    engine = Path(__file__).resolve().parents[2] / "arazzo_runner" / "engine"
    for module in engine.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "validation" not in (node.module or ""), module.name
