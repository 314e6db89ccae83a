"""Arazzo 1.1 in the engine, driven directly on a fake clock: step ``timeout``, step
``dependsOn`` (order and concurrency) and action ``parameters``.

The run yields commands and these tests answer them: which requests are in flight
together is read from the :class:`Concurrently` commands, never from timings.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx2
import pytest

from arazzo_runner.api import LoadedArazzo, load
from arazzo_runner.engine import Run, RunCommands, RunOptions, run_async, run_blocking
from arazzo_runner.http.commands import (
    Completed,
    Concurrently,
    SendOutcome,
    SendRequest,
    Wait,
)
from arazzo_runner.http.messages import ResponseRecord
from arazzo_runner.results import Status, WorkflowResult
from tests._support.clock import FakeClock
from tests._support.documents import openapi_for, write_documents

OPERATIONS = [(f"get{name.upper()}", "GET", f"/{name}") for name in "abcdefgh"]
OK = {"successCriteria": [{"condition": "$statusCode == 200"}]}


def step(step_id: str, **fields: Any) -> dict[str, Any]:
    """A step that GETs /<step_id> (a to h)."""
    return {"stepId": step_id, "operationId": f"get{step_id[0].upper()}", **OK, **fields}


def loaded_with(tmp_path: Path, *workflows: dict[str, Any], version: str = "1.1.0") -> LoadedArazzo:
    document = {
        "arazzo": version,
        "info": {"title": "engine 1.1", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.openapi.yaml", "type": "openapi"}],
        "workflows": list(workflows),
    }
    return load(
        str(write_documents(tmp_path, document, {"api.openapi.yaml": openapi_for(OPERATIONS)}))
    )


def start(
    loaded: LoadedArazzo, workflow_id: str = "w", **options: Any
) -> tuple[FakeClock, RunCommands]:
    clock = FakeClock()
    run_options = RunOptions(clock=clock, **options)
    workflow = loaded.workflow(workflow_id)
    prepared = loaded.prepare_workflow(workflow, run_options.server_overrides)
    inputs = loaded.prepare_inputs(workflow, loaded.document, {})
    return clock, Run(prepared, inputs, run_options).commands()


def answer(status: int = 200, body: bytes = b"") -> SendOutcome:
    headers = [("Content-Type", "application/json")] if body else []
    return SendOutcome(ResponseRecord(status, headers, body), None, 1.0)


def finish(commands: RunCommands, reply: Any) -> WorkflowResult:
    with pytest.raises(StopIteration) as stopped:
        commands.send(reply)
    result: WorkflowResult = stopped.value.value
    return result


def path_of(command: Any) -> str:
    assert isinstance(command, SendRequest)
    return command.request.url.rsplit("/", 1)[-1]


def paths(command: Concurrently) -> dict[str, int]:
    """step path -> token, of the requests a Concurrently starts."""
    return {path_of(started): token for token, started in command.start.items()}


# --------------------------------------------------------------------------- timeout


def test_a_request_gets_no_longer_than_the_step_timeout(tmp_path: Path) -> None:
    _, commands = start(
        loaded_with(tmp_path, {"workflowId": "w", "steps": [step("a", timeout=1500)]})
    )

    first = next(commands)

    assert isinstance(first, SendRequest) and first.timeout == pytest.approx(1.5)
    assert first.limit == pytest.approx(1.5)  # the whole exchange, not only each read


def test_a_step_over_its_timeout_fails_and_its_on_failure_actions_run(tmp_path: Path) -> None:
    slow = step(
        "a",
        timeout=2000,
        onFailure=[{"name": "fallback", "type": "goto", "stepId": "b"}],
        onSuccess=[{"name": "done", "type": "end"}],
    )
    clock, commands = start(loaded_with(tmp_path, {"workflowId": "w", "steps": [slow, step("b")]}))

    next(commands)
    clock.advance(2.0)  # the driver gave up when the step's time ran out
    fallback = commands.send(SendOutcome(None, "no response within 2 s", 2000.0))
    assert path_of(fallback) == "b"
    result = finish(commands, answer(200))

    assert result.succeeded
    first = result.steps[0]
    assert first.status is Status.FAILED
    assert first.error == "step 'a' timed out: it did not complete within its timeout of 2000 ms"
    assert first.action is not None and first.action.name == "fallback"


def test_an_answer_that_comes_after_the_timeout_is_too_late(tmp_path: Path) -> None:
    clock, commands = start(
        loaded_with(tmp_path, {"workflowId": "w", "steps": [step("a", timeout=100)]})
    )

    next(commands)
    clock.advance(0.5)
    result = finish(commands, answer(200))

    assert not result.succeeded
    assert result.steps[0].status_code == 200
    assert "timed out" in (result.steps[0].error or "")


def test_each_attempt_gets_the_whole_timeout_and_waits_do_not_count(tmp_path: Path) -> None:
    retried = step(
        "a",
        timeout=1000,
        onFailure=[{"name": "again", "type": "retry", "retryAfter": 30, "retryLimit": 1}],
    )
    clock, commands = start(loaded_with(tmp_path, {"workflowId": "w", "steps": [retried]}))

    next(commands)
    clock.advance(1.0)
    assert commands.send(SendOutcome(None, "timed out", 1000.0)) == Wait(30.0)
    clock.advance(30.0)
    again = commands.send(None)
    assert isinstance(again, SendRequest) and again.timeout == pytest.approx(1.0)
    result = finish(commands, answer(200))

    assert result.succeeded
    assert [a.status for a in result.steps[0].attempts] == [Status.FAILED, Status.SUCCEEDED]


def test_a_step_that_calls_a_workflow_bounds_all_of_it(tmp_path: Path) -> None:
    caller = {"stepId": "call", "workflowId": "child", "timeout": 3000}
    child = {"workflowId": "child", "steps": [step("b"), step("c")]}
    clock, commands = start(loaded_with(tmp_path, {"workflowId": "w", "steps": [caller]}, child))

    first = next(commands)
    assert path_of(first) == "b" and first.timeout == pytest.approx(3.0)
    clock.advance(2.5)
    second = commands.send(answer(200))
    assert path_of(second) == "c" and second.timeout == pytest.approx(0.5)
    clock.advance(0.5)
    result = finish(commands, SendOutcome(None, "timed out", 500.0))

    (call,) = result.steps
    assert call.error == "step 'call' timed out: it did not complete within its timeout of 3000 ms"


# --------------------------------------------------------------------------- order


def test_steps_run_in_an_order_their_dependencies_allow(tmp_path: Path) -> None:
    steps = [
        step("a", dependsOn=["c"]),
        step("b", parameters=[{"name": "x", "in": "header", "value": "$steps.a.outputs.v"}]),
        step("c"),
    ]
    steps[0]["outputs"] = {"v": "$statusCode"}
    _, commands = start(
        loaded_with(tmp_path, {"workflowId": "w", "steps": steps}), step_concurrency=1
    )

    seen = [path_of(next(commands))]
    seen.append(path_of(commands.send(answer(200))))
    seen.append(path_of(commands.send(answer(200))))
    result = finish(commands, answer(200))

    assert seen == ["c", "a", "b"]
    assert result.succeeded
    assert [s.step_id for s in result.steps] == ["c", "a", "b"]


def test_a_one_zero_document_keeps_the_array_order(tmp_path: Path) -> None:
    steps = [step("a"), step("b")]
    _, commands = start(loaded_with(tmp_path, {"workflowId": "w", "steps": steps}, version="1.0.1"))

    first = next(commands)
    assert path_of(first) == "a" and first.limit is None  # no step timeout, no limit
    assert path_of(commands.send(answer(200))) == "b"


# --------------------------------------------------------------------------- concurrency


def diamond(tmp_path: Path) -> LoadedArazzo:
    """a; then b and c, which depend on a; then d, which depends on both."""
    return loaded_with(
        tmp_path,
        {
            "workflowId": "w",
            "steps": [
                step("a"),
                step("b", dependsOn=["a"]),
                step("c", dependsOn=["a"]),
                step("d", dependsOn=["b", "c"]),
            ],
        },
    )


def test_independent_steps_are_in_flight_together(tmp_path: Path) -> None:
    _, commands = start(diamond(tmp_path))

    first = next(commands)
    assert isinstance(first, Concurrently) and list(paths(first)) == ["a"]
    (a,) = first.start
    both = commands.send(Completed(a, answer(200)))
    assert isinstance(both, Concurrently)
    tokens = paths(both)
    assert sorted(tokens) == ["b", "c"]
    # c answers first: d still waits for b, so nothing new starts.
    assert commands.send(Completed(tokens["c"], answer(200))) == Concurrently({}, ())
    last = commands.send(Completed(tokens["b"], answer(200)))
    assert isinstance(last, Concurrently) and list(paths(last)) == ["d"]
    result = finish(commands, Completed(next(iter(last.start)), answer(200)))

    assert result.succeeded
    assert [s.step_id for s in result.steps] == ["a", "b", "c", "d"]  # in the order they started
    assert all(s.status is Status.SUCCEEDED for s in result.steps)


def test_concurrency_bounds_the_steps_in_flight(tmp_path: Path) -> None:
    steps = [
        step("a", dependsOn=["d"]),
        step("b", dependsOn=["d"]),
        step("c", dependsOn=["d"]),
        step("d"),
    ]
    _, commands = start(
        loaded_with(tmp_path, {"workflowId": "w", "steps": steps}), step_concurrency=2
    )

    first = next(commands)
    assert isinstance(first, Concurrently) and list(paths(first)) == ["d"]
    two = commands.send(Completed(next(iter(first.start)), answer(200)))
    assert isinstance(two, Concurrently) and sorted(paths(two)) == ["a", "b"]
    third = commands.send(Completed(paths(two)["b"], answer(200)))
    assert isinstance(third, Concurrently) and list(paths(third)) == ["c"]


def test_a_failing_branch_stops_the_others_and_fails_the_workflow(tmp_path: Path) -> None:
    _, commands = start(diamond(tmp_path))

    first = next(commands)
    both = commands.send(Completed(next(iter(first.start)), answer(200)))
    assert isinstance(both, Concurrently)
    tokens = paths(both)
    stop = commands.send(Completed(tokens["b"], answer(500)))
    assert stop == Concurrently({}, (tokens["c"],))  # the driver drops c's request
    result = finish(commands, None)

    assert not result.succeeded
    assert result.error is not None and result.error.step_id == "b"
    by_id = {s.step_id: s for s in result.steps}
    assert by_id["c"].stopped == "stopped: step 'b' failed while this step ran"
    assert by_id["d"].status is Status.SKIPPED


def test_a_goto_from_a_branch_stops_the_others_and_goes_on_from_its_target(
    tmp_path: Path,
) -> None:
    steps = [
        step("a"),
        step("b", dependsOn=["a"], onSuccess=[{"name": "jump", "type": "goto", "stepId": "e"}]),
        step("c", dependsOn=["a"]),
        step("d", dependsOn=["c"]),
        step("e"),
    ]
    _, commands = start(loaded_with(tmp_path, {"workflowId": "w", "steps": steps}))

    first = next(commands)
    # a and e depend on nothing: both start at once.
    assert sorted(paths(first)) == ["a", "e"]
    tokens = paths(first)
    commands.send(Completed(tokens["e"], answer(200)))
    both = commands.send(Completed(tokens["a"], answer(200)))
    assert isinstance(both, Concurrently)
    tokens = paths(both)
    assert sorted(tokens) == ["b", "c"]
    jump = commands.send(Completed(tokens["b"], answer(200)))
    assert jump == Concurrently({}, (tokens["c"],))
    again = commands.send(None)
    assert isinstance(again, Concurrently) and list(paths(again)) == ["e"]
    result = finish(commands, Completed(next(iter(again.start)), answer(200)))

    assert result.succeeded
    assert [s.step_id for s in result.steps] == ["a", "e", "b", "c", "e", "d"]
    stopped = result.steps[3]
    assert stopped.stopped == "stopped: step 'b' went to 'e' while this step ran"
    skipped = result.steps[5]
    assert skipped.status is Status.SKIPPED  # d never ran: its dependency was stopped


def test_a_called_workflow_runs_its_own_steps_concurrently_with_the_callers(
    tmp_path: Path,
) -> None:
    outer = {
        "workflowId": "w",
        "steps": [
            step("a"),
            {"stepId": "call", "workflowId": "inner", "dependsOn": ["a"]},
            step("c", dependsOn=["a"]),
        ],
    }
    inner = {
        "workflowId": "inner",
        "steps": [step("f"), step("g"), step("h", dependsOn=["f", "g"])],
    }
    _, commands = start(loaded_with(tmp_path, outer, inner))

    first = next(commands)
    assert isinstance(first, Concurrently) and list(paths(first)) == ["a"]
    # The call's two inner steps and c are one flat set of requests in flight.
    three = commands.send(Completed(next(iter(first.start)), answer(200)))
    assert isinstance(three, Concurrently)
    tokens = paths(three)
    assert sorted(tokens) == ["c", "f", "g"]
    commands.send(Completed(tokens["g"], answer(200)))
    last_inner = commands.send(Completed(tokens["f"], answer(200)))
    assert isinstance(last_inner, Concurrently) and list(paths(last_inner)) == ["h"]
    commands.send(Completed(tokens["c"], answer(200)))
    result = finish(commands, Completed(next(iter(last_inner.start)), answer(200)))

    assert result.succeeded
    call = next(s for s in result.steps if s.step_id == "call")
    assert call.called_workflow is not None
    assert [s.step_id for s in call.called_workflow.steps] == ["f", "g", "h"]


def test_a_one_zero_document_calls_a_one_one_workflow_that_runs_by_its_own_rules(
    tmp_path: Path,
) -> None:
    other = {
        "arazzo": "1.1.0",
        "info": {"title": "other", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.openapi.yaml", "type": "openapi"}],
        "workflows": [
            {"workflowId": "fan", "steps": [step("b", dependsOn=["c"]), step("c")]},
        ],
    }
    write_documents(tmp_path, other, name="other.arazzo.yaml")
    main = {
        "arazzo": "1.0.1",
        "info": {"title": "main", "version": "1"},
        "sourceDescriptions": [
            {"name": "api", "url": "api.openapi.yaml", "type": "openapi"},
            {"name": "other", "url": "other.arazzo.yaml", "type": "arazzo"},
        ],
        "workflows": [
            {
                "workflowId": "w",
                "steps": [
                    step("a"),
                    {"stepId": "call", "workflowId": "$sourceDescriptions.other.fan"},
                ],
            }
        ],
    }
    path = write_documents(tmp_path, main, {"api.openapi.yaml": openapi_for(OPERATIONS)})
    _, commands = start(load(str(path)), step_concurrency=1)

    assert path_of(next(commands)) == "a"
    assert path_of(commands.send(answer(200))) == "c"  # reordered: b depends on c
    assert path_of(commands.send(answer(200))) == "b"
    assert finish(commands, answer(200)).succeeded


def test_a_retry_wait_runs_concurrently_with_other_steps(tmp_path: Path) -> None:
    steps = [
        step("a", dependsOn=["c"], onFailure=[{"name": "again", "type": "retry", "retryAfter": 5}]),
        step("b", dependsOn=["c"]),
        step("c"),
    ]
    clock, commands = start(loaded_with(tmp_path, {"workflowId": "w", "steps": steps}))

    first = next(commands)
    both = commands.send(Completed(next(iter(first.start)), answer(200)))
    assert isinstance(both, Concurrently)
    tokens = paths(both)
    waiting = commands.send(Completed(tokens["a"], answer(503)))
    assert isinstance(waiting, Concurrently)
    ((wait_token, wait),) = waiting.start.items()
    assert wait == Wait(5.0)
    commands.send(Completed(tokens["b"], answer(200)))  # b ends while a waits
    clock.advance(5.0)
    retry = commands.send(Completed(wait_token, None))
    assert isinstance(retry, Concurrently) and list(paths(retry)) == ["a"]
    result = finish(commands, Completed(next(iter(retry.start)), answer(200)))

    assert result.succeeded


def test_a_step_of_another_workflow_must_have_completed_earlier(tmp_path: Path) -> None:
    setup = {"workflowId": "setup", "steps": [step("a")]}
    needs = {"workflowId": "w", "steps": [step("b", dependsOn=["$workflows.setup.steps.a"])]}
    loaded = loaded_with(tmp_path, needs, setup)
    _, commands = start(loaded)

    with pytest.raises(StopIteration) as stopped:
        next(commands)
    result: WorkflowResult = stopped.value.value
    assert result.steps[0].error == (
        "step 'b' depends on $workflows.setup.steps.a, which has not completed successfully "
        "earlier in this run"
    )

    after = {**needs, "workflowId": "w2", "dependsOn": ["setup"]}
    _, commands = start(loaded_with(tmp_path, after, setup), "w2", step_concurrency=1)
    assert path_of(next(commands)) == "a"  # the workflow dependency runs setup first
    assert path_of(commands.send(answer(200))) == "b"


# --------------------------------------------------------------------------- action parameters


def test_a_goto_workflow_action_passes_its_parameters_as_inputs(tmp_path: Path) -> None:
    jump = {
        "name": "jump",
        "type": "goto",
        "workflowId": "target",
        "parameters": [{"name": "code", "value": "$statusCode"}],
    }
    main = {"workflowId": "w", "steps": [step("a", onSuccess=[jump])]}
    target = {
        "workflowId": "target",
        "inputs": {"type": "object", "properties": {"code": {"type": "integer"}}},
        "steps": [step("b")],
        "outputs": {"got": "$inputs.code"},
    }
    _, commands = start(loaded_with(tmp_path, main, target))

    next(commands)
    commands.send(answer(200))
    result = finish(commands, answer(200))

    assert result.succeeded
    called = result.steps[0].called_workflow
    assert called is not None and called.outputs == {"got": 200}


def test_a_retry_action_runs_its_workflow_with_its_parameters(tmp_path: Path) -> None:
    refresh = {
        "name": "refresh",
        "type": "retry",
        "workflowId": "renew",
        "retryLimit": 1,
        "parameters": [{"name": "reason", "value": "status {$statusCode}"}],
    }
    main = {"workflowId": "w", "steps": [step("a", onFailure=[refresh])]}
    renew = {
        "workflowId": "renew",
        "inputs": {"type": "object", "properties": {"reason": {"type": "string"}}},
        "steps": [step("b")],
        "outputs": {"why": "$inputs.reason"},
    }
    _, commands = start(loaded_with(tmp_path, main, renew))

    next(commands)
    assert path_of(commands.send(answer(401))) == "b"
    assert path_of(commands.send(answer(200))) == "a"
    result = finish(commands, answer(200))

    assert result.succeeded
    first = result.steps[0].attempts[0]
    assert first.called_workflow is not None
    assert first.called_workflow.outputs == {"why": "status 401"}


def test_an_action_parameter_that_cannot_be_read_fails_the_goto(tmp_path: Path) -> None:
    jump = {
        "name": "jump",
        "type": "goto",
        "workflowId": "target",
        "parameters": [{"name": "code", "value": "$response.header.X-Missing"}],
    }
    main = {"workflowId": "w", "steps": [step("a", onSuccess=[jump])]}
    target = {"workflowId": "target", "steps": [step("b")]}
    _, commands = start(loaded_with(tmp_path, main, target))

    next(commands)
    result = finish(commands, answer(200))

    assert not result.succeeded
    assert result.error is not None
    assert "cannot set the inputs of workflow 'target' from action 'jump'" in result.error.message


# --------------------------------------------------------------------------- drivers


def concurrent_run(tmp_path: Path) -> tuple[FakeClock, Run]:
    clock = FakeClock()
    loaded = diamond(tmp_path)
    prepared = loaded.prepare_workflow(loaded.workflow("w"))
    return clock, Run(prepared, {}, RunOptions(clock=clock, max_duration=None))


def transport_seen(seen: list[str]) -> httpx2.MockTransport:
    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.url.path)
        return httpx2.Response(200)

    return httpx2.MockTransport(handler)


def test_the_blocking_driver_carries_out_concurrent_steps(tmp_path: Path) -> None:
    seen: list[str] = []
    _, run = concurrent_run(tmp_path)

    result = run_blocking(run, httpx2.Client(transport=transport_seen(seen)))

    assert result.succeeded
    assert seen[0] == "/a" and sorted(seen[1:3]) == ["/b", "/c"] and seen[3] == "/d"


def test_the_asyncio_driver_carries_out_concurrent_steps(tmp_path: Path) -> None:
    seen: list[str] = []
    _, run = concurrent_run(tmp_path)

    result = asyncio.run(run_async(run, httpx2.AsyncClient(transport=transport_seen(seen))))

    assert result.succeeded
    assert seen[0] == "/a" and sorted(seen[1:3]) == ["/b", "/c"] and seen[3] == "/d"


def test_a_dry_run_plans_the_steps_in_the_order_they_run(tmp_path: Path) -> None:
    from arazzo_runner.dry_run import plan_run

    steps = [step("a", dependsOn=["b"]), step("b")]
    plan = plan_run(loaded_with(tmp_path, {"workflowId": "w", "steps": steps}), "w", {})

    assert [s.step_id for s in plan.steps] == ["b", "a"]
