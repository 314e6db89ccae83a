"""Success and failure actions, retries, workflow calls and dependencies, run for real.

Every test runs documents written here against a scripted HTTP server on
127.0.0.1 and asserts both the result and the requests that reached the wire.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.diagnostics import DocumentInvalid
from arazzo_runner.engine import RunOptions
from arazzo_runner.engine.events import RunListener
from arazzo_runner.http.response import parse_retry_after
from arazzo_runner.results import WorkflowResult
from tests._support.cli import run_cli
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.servers import Reply, ScriptedServer

OPERATIONS = [
    ("getItem", "GET", "/items/{id}"),
    ("refreshToken", "POST", "/token"),
    ("getStatus", "GET", "/status"),
    ("getOther", "GET", "/other"),
    ("deleteItem", "DELETE", "/items/{id}"),
]


def step(step_id: str, operation_id: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"stepId": step_id, "operationId": operation_id}
    if operation_id in ("getItem", "deleteItem"):
        data["parameters"] = [{"name": "id", "in": "path", "value": "$inputs.id"}]
    data.update(fields)
    return data


def workflow(workflow_id: str, steps: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "workflowId": workflow_id,
        "inputs": {"type": "object", "properties": {"id": {"type": "string", "default": "7"}}},
        "steps": steps,
    }
    data.update(fields)
    return data


def document(*workflows: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return arazzo_document(
        *workflows, title="control flow", source_url="api.openapi.yaml", **fields
    )


def run(
    tmp_path: Path,
    server: ScriptedServer,
    doc: dict[str, Any],
    workflow_id: str | None = None,
    inputs: dict[str, Any] | None = None,
    **options: Any,
) -> WorkflowResult:
    path = write_documents(tmp_path, doc, {"api.openapi.yaml": openapi_for(OPERATIONS)})
    loaded = load(str(path))
    return loaded.run(
        workflow_id,
        inputs or {},
        server_overrides={"api": server.base_url},
        options=RunOptions(**options) if options else None,
    )


def step_summary(result: WorkflowResult) -> list[tuple[str, str, list[str]]]:
    """(stepId, status, the type of the action after each attempt), in execution order."""
    return [
        (s.step_id, str(s.status), [a.action.type if a.action else "-" for a in s.attempts])
        for s in result.steps
    ]


# --------------------------------------------------------------------------- success actions


def test_success_end_stops_the_workflow_and_skips_the_rest(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/items/7", Reply(200, {"ok": True}))
    doc = document(
        workflow(
            "flow",
            [
                step("first", "getItem", onSuccess=[{"name": "stop", "type": "end"}]),
                step("second", "getStatus"),
            ],
        )
    )
    result = run(tmp_path, server, doc)

    assert result.succeeded
    assert step_summary(result) == [("first", "succeeded", ["end"]), ("second", "skipped", [])]
    assert server.paths() == ["GET /items/7"]


def test_first_success_action_whose_criteria_hold_runs(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/items/7", Reply(200, {"state": "ready", "count": 2}))
    server.script("GET", "/other", Reply(200))
    on_success = [
        # Does not hold: the body says ready.
        {
            "name": "notReady",
            "type": "end",
            "criteria": [
                {
                    "context": "$response.body",
                    "condition": "$[?@.state == 'waiting']",
                    "type": "jsonpath",
                }
            ],
        },
        # Holds: action criteria see $statusCode and $response like step criteria do.
        {
            "name": "jump",
            "type": "goto",
            "stepId": "third",
            "criteria": [
                {"condition": "$statusCode == 200"},
                {"condition": "$response.body#/count > 1"},
            ],
        },
        {"name": "never", "type": "end"},
    ]
    doc = document(
        workflow(
            "flow",
            [
                step("first", "getItem", onSuccess=on_success),
                step("second", "getStatus"),
                step("third", "getOther"),
            ],
        )
    )
    result = run(tmp_path, server, doc)

    assert result.succeeded
    assert step_summary(result) == [
        ("first", "succeeded", ["goto"]),
        ("third", "succeeded", ["next"]),
        ("second", "skipped", []),
    ]
    first = result.steps[0]
    assert first.action is not None
    assert (first.action.name, first.action.step_id) == ("jump", "third")
    assert server.paths() == ["GET /items/7", "GET /other"]


# --------------------------------------------------------------------------- failure actions


def test_retry_until_success_lists_every_attempt(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(503), Reply(503), Reply(200, {"up": True}))
    doc = document(
        workflow(
            "flow",
            [
                step(
                    "poll",
                    "getStatus",
                    successCriteria=[{"condition": "$statusCode == 200"}],
                    onFailure=[
                        {
                            "name": "again",
                            "type": "retry",
                            "retryAfter": 0,
                            "retryLimit": 3,
                            "criteria": [{"condition": "$statusCode == 503"}],
                        }
                    ],
                    outputs={"up": "$response.body#/up"},
                )
            ],
            outputs={"up": "$steps.poll.outputs.up"},
        )
    )
    result = run(tmp_path, server, doc)

    assert result.succeeded
    assert result.outputs == {"up": True}
    (poll,) = result.steps
    assert [(a.number, a.status_code, a.action.type) for a in poll.attempts] == [
        (1, 503, "retry"),
        (2, 503, "retry"),
        (3, 200, "next"),
    ]
    assert server.paths() == ["GET /status"] * 3


def test_retry_limit_defaults_to_one_retry(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(500))
    doc = document(
        workflow(
            "flow",
            [step("poll", "getStatus", onFailure=[{"name": "once", "type": "retry"}])],
        )
    )
    result = run(tmp_path, server, doc)

    assert not result.succeeded
    assert step_summary(result) == [("poll", "failed", ["retry", "fail"])]
    assert result.error is not None and result.error.step_id == "poll"
    assert "HTTP 500" in result.error.message
    assert len(server.received) == 2


def test_retry_limit_zero_means_no_retry(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(500))
    doc = document(
        workflow(
            "flow",
            [
                step(
                    "poll",
                    "getStatus",
                    onFailure=[{"name": "never", "type": "retry", "retryLimit": 0}],
                )
            ],
        )
    )
    result = run(tmp_path, server, doc)

    assert step_summary(result) == [("poll", "failed", ["fail"])]
    assert len(server.received) == 1


def test_exhausted_retry_gives_way_to_the_next_failure_action(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/status", Reply(503))
    server.script("GET", "/other", Reply(200))
    doc = document(
        workflow(
            "flow",
            [
                step(
                    "poll",
                    "getStatus",
                    onFailure=[
                        {"name": "twice", "type": "retry", "retryAfter": 0, "retryLimit": 2},
                        {"name": "fallback", "type": "goto", "stepId": "recover"},
                    ],
                ),
                step("skipped", "getItem"),
                step("recover", "getOther"),
            ],
        )
    )
    result = run(tmp_path, server, doc)

    # The failure was handled by a goto, and the workflow went on to succeed.
    assert result.succeeded
    assert step_summary(result) == [
        ("poll", "failed", ["retry", "retry", "goto"]),
        ("recover", "succeeded", ["next"]),
        ("skipped", "skipped", []),
    ]
    assert server.paths() == ["GET /status"] * 3 + ["GET /other"]


def test_failure_end_ends_a_failed_workflow_with_its_outputs(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/items/7", Reply(200, {"name": "seven"}))
    server.script("GET", "/status", Reply(500, {"reason": "down"}))
    doc = document(
        workflow(
            "flow",
            [
                step("first", "getItem", outputs={"name": "$response.body#/name"}),
                step("second", "getStatus", onFailure=[{"name": "stop", "type": "end"}]),
                step("third", "getOther"),
            ],
            outputs={"name": "$steps.first.outputs.name"},
        )
    )
    result = run(tmp_path, server, doc)

    assert not result.succeeded
    assert result.outputs == {"name": "seven"}
    assert step_summary(result) == [
        ("first", "succeeded", ["next"]),
        ("second", "failed", ["end"]),
        ("third", "skipped", []),
    ]


def test_retry_after_header_overrules_retry_after_field(
    tmp_path: Path, server: ScriptedServer
) -> None:
    # retryAfter asks for an hour; the server's Retry-After: 0 wins, so the test is fast.
    server.script("GET", "/status", Reply(429, headers={"Retry-After": "0"}), Reply(200))
    doc = document(
        workflow(
            "flow",
            [
                step(
                    "poll",
                    "getStatus",
                    onFailure=[{"name": "later", "type": "retry", "retryAfter": 3600}],
                )
            ],
        )
    )
    result = run(tmp_path, server, doc)

    assert result.succeeded
    action = result.steps[0].attempts[0].action
    assert action is not None and (action.type, action.retry_after) == ("retry", 0.0)


def test_retry_after_beyond_the_time_limit_ends_the_run_clearly(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/status", Reply(503, headers={"Retry-After": "120"}))
    doc = document(
        workflow(
            "flow",
            [step("poll", "getStatus", onFailure=[{"name": "later", "type": "retry"}])],
        )
    )
    result = run(tmp_path, server, doc, max_duration=5)

    assert not result.succeeded
    assert result.error is not None
    assert "the retry would wait 120 s, beyond the run's time limit of 5 s" in result.error.message
    assert "--max-duration" in result.error.message
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", 0.0),
        ("17", 17.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # in the past: no wait
        ("soon", None),
        ("-3", None),
    ],
)
def test_retry_after_header_forms(header: str, expected: float | None) -> None:
    from datetime import UTC, datetime

    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert parse_retry_after(header, now) == expected


def test_retry_runs_its_step_target_first(tmp_path: Path, server: ScriptedServer) -> None:
    # An expired token: the retry runs refreshToken, then the step again with the new token.
    server.script("GET", "/items/7", Reply(401), Reply(200, {"ok": True}))
    server.script("POST", "/token", Reply(200, {"token": "fresh"}))
    get_item = step(
        "getItem",
        "getItem",
        onFailure=[
            {
                "name": "refresh",
                "type": "retry",
                "stepId": "refresh",
                "criteria": [{"condition": "$statusCode == 401"}],
            }
        ],
        onSuccess=[{"name": "done", "type": "end"}],
    )
    get_item["parameters"].append(
        {"name": "Authorization", "in": "header", "value": "Bearer {$steps.refresh.outputs.token}"}
    )
    doc = document(
        workflow(
            "flow",
            [
                step("refresh", "refreshToken", outputs={"token": "$response.body#/token"}),
                get_item,
            ],
        )
    )
    result = run(tmp_path, server, doc)

    assert result.succeeded
    # Steps are listed in the order they started; the side trip ran inside getItem.
    assert step_summary(result) == [
        ("refresh", "succeeded", ["next"]),
        ("getItem", "succeeded", ["retry", "end"]),
        ("refresh", "succeeded", ["return"]),
    ]
    assert server.paths() == ["POST /token", "GET /items/7", "POST /token", "GET /items/7"]
    assert server.received[3].headers["Authorization"] == "Bearer fresh"


# --------------------------------------------------------------------------- workflow level


def test_workflow_actions_apply_to_every_step_and_steps_override_by_name(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/status", Reply(503), Reply(200))
    server.script("GET", "/other", Reply(500))
    doc = document(
        workflow(
            "flow",
            [
                step("poll", "getStatus"),
                # Overrides the workflow's 'again' with a variant that does not retry.
                step("other", "getOther", onFailure=[{"name": "again", "type": "end"}]),
            ],
            failureActions=[{"name": "again", "type": "retry", "retryAfter": 0}],
            successActions=[
                {
                    "name": "fastForward",
                    "type": "goto",
                    "stepId": "other",
                    "criteria": [{"condition": "$statusCode == 201"}],
                }
            ],
        )
    )
    result = run(tmp_path, server, doc)

    assert step_summary(result) == [
        ("poll", "succeeded", ["retry", "next"]),
        ("other", "failed", ["end"]),
    ]
    assert server.paths() == ["GET /status", "GET /status", "GET /other"]


def test_components_actions_and_parameters_by_reference(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/items/42", Reply(503), Reply(200, {"id": "42"}))
    components = {
        "parameters": {
            "itemId": {"name": "id", "in": "path", "value": "1"},
            "trace": {"name": "X-Trace", "in": "header", "value": "component"},
        },
        "failureActions": {"retryOnce": {"name": "retryOnce", "type": "retry", "retryAfter": 0}},
        "successActions": {"finish": {"name": "finish", "type": "end"}},
    }
    doc = document(
        workflow(
            "flow",
            [
                {
                    "stepId": "get",
                    "operationId": "getItem",
                    "parameters": [
                        {"reference": "$components.parameters.itemId", "value": "42"},
                        {"reference": "$components.parameters.trace"},
                    ],
                    "onFailure": [{"reference": "$components.failureActions.retryOnce"}],
                    "onSuccess": [{"reference": "$components.successActions.finish"}],
                },
                step("never", "getStatus"),
            ],
        ),
        components=components,
    )
    result = run(tmp_path, server, doc)

    assert result.succeeded
    assert step_summary(result) == [
        ("get", "succeeded", ["retry", "end"]),
        ("never", "skipped", []),
    ]
    assert server.paths() == ["GET /items/42", "GET /items/42"]
    assert server.received[0].headers["X-Trace"] == "component"


# --------------------------------------------------------------------------- workflows


def test_step_calling_a_workflow_maps_parameters_to_inputs_and_reads_its_outputs(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/items/99", Reply(200, {"name": "ninety-nine"}))
    child = workflow(
        "fetchItem",
        [step("get", "getItem", outputs={"name": "$response.body#/name"})],
        outputs={"itemName": "$steps.get.outputs.name"},
    )
    parent = workflow(
        "parent",
        [
            {
                "stepId": "callChild",
                "workflowId": "fetchItem",
                "parameters": [{"name": "id", "value": "99"}],
                "successCriteria": [{"condition": "$outputs.itemName == 'ninety-nine'"}],
                "outputs": {"name": "$outputs.itemName"},
            }
        ],
        outputs={
            "name": "$steps.callChild.outputs.name",
            "child": "$workflows.fetchItem.outputs.itemName",
        },
    )
    result = run(tmp_path, server, document(parent, child), "parent")

    assert result.succeeded, result.error
    assert result.outputs == {"name": "ninety-nine", "child": "ninety-nine"}
    called = result.steps[0].called_workflow
    assert called is not None and called.workflow_id == "fetchItem" and called.succeeded
    assert server.paths() == ["GET /items/99"]


def test_a_failed_child_workflow_fails_the_step(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/items/7", Reply(404))
    child = workflow("fetchItem", [step("get", "getItem")])
    parent = workflow(
        "parent",
        [{"stepId": "callChild", "workflowId": "fetchItem"}, step("after", "getStatus")],
    )
    result = run(tmp_path, server, document(parent, child), "parent")

    assert not result.succeeded
    assert step_summary(result) == [("callChild", "failed", ["fail"]), ("after", "skipped", [])]
    assert result.error is not None
    assert "workflow 'fetchItem' failed" in result.error.message
    assert "HTTP 404" in result.error.message


def test_invalid_child_inputs_fail_the_step_not_the_runner(
    tmp_path: Path, server: ScriptedServer
) -> None:
    child = workflow("fetchItem", [step("get", "getItem")])
    child["inputs"] = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}},
    }
    parent = workflow(
        "parent", [{"stepId": "callChild", "workflowId": "fetchItem", "parameters": []}]
    )
    result = run(tmp_path, server, document(parent, child), "parent")

    assert not result.succeeded
    assert result.error is not None and "invalid inputs" in result.error.message
    assert server.received == []


def test_depends_on_runs_each_dependency_once_first(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("POST", "/token", Reply(200, {"token": "t-1"}))
    server.script("GET", "/status", Reply(200))
    login = workflow(
        "login",
        [step("token", "refreshToken", outputs={"token": "$response.body#/token"})],
        outputs={"token": "$steps.token.outputs.token"},
    )
    audit = workflow("audit", [step("status", "getStatus")], dependsOn=["login"])
    main = workflow(
        "main",
        [
            step(
                "use",
                "getStatus",
                parameters=[
                    {
                        "name": "Authorization",
                        "in": "header",
                        "value": "Bearer {$workflows.login.outputs.token}",
                    }
                ],
            )
        ],
        dependsOn=["login", "audit"],
        outputs={"token": "$workflows.login.outputs.token"},
    )
    result = run(tmp_path, server, document(main, login, audit), "main")

    assert result.succeeded, result.error
    assert result.outputs == {"token": "t-1"}
    assert [d.workflow_id for d in result.dependencies] == ["login", "audit"]
    # login ran once although both main and audit depend on it.
    assert server.paths() == ["POST /token", "GET /status", "GET /status"]
    assert server.received[2].headers["Authorization"] == "Bearer t-1"


def test_a_failed_dependency_stops_the_workflow_before_its_steps(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("POST", "/token", Reply(403))
    login = workflow("login", [step("token", "refreshToken")])
    main = workflow("main", [step("use", "getStatus")], dependsOn=["login"])
    result = run(tmp_path, server, document(main, login), "main")

    assert not result.succeeded
    assert result.error is not None
    assert "depends on 'login', which failed" in result.error.message
    assert server.paths() == ["POST /token"]


def test_goto_a_workflow_transfers_control(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(500))
    server.script("DELETE", "/items/7", Reply(204))
    cleanup = workflow("cleanup", [step("delete", "deleteItem")])
    main = workflow(
        "main",
        [
            step(
                "check",
                "getStatus",
                onFailure=[{"name": "toCleanup", "type": "goto", "workflowId": "cleanup"}],
            ),
            step("never", "getOther"),
        ],
    )
    result = run(tmp_path, server, document(main, cleanup), "main", {"id": "7"})

    assert result.succeeded
    assert step_summary(result) == [("check", "failed", ["goto"]), ("never", "skipped", [])]
    called = result.steps[0].called_workflow
    assert called is not None and called.workflow_id == "cleanup" and called.succeeded
    assert server.paths() == ["GET /status", "DELETE /items/7"]


def test_workflows_of_another_arazzo_document(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/items/5", Reply(200, {"name": "five"}))
    shared = document(
        workflow(
            "fetchItem",
            [step("get", "getItem", outputs={"name": "$response.body#/name"})],
            outputs={"name": "$steps.get.outputs.name"},
        )
    )
    write_documents(tmp_path, shared, name="shared.arazzo.yaml")
    main = document(
        workflow(
            "main",
            [
                {
                    "stepId": "call",
                    "workflowId": "$sourceDescriptions.shared.fetchItem",
                    "parameters": [{"name": "id", "value": "5"}],
                    "outputs": {"name": "$outputs.name"},
                }
            ],
            outputs={"name": "$steps.call.outputs.name"},
        )
    )
    main["sourceDescriptions"].append(
        {"name": "shared", "url": "shared.arazzo.yaml", "type": "arazzo"}
    )
    path = write_documents(tmp_path, main, {"api.openapi.yaml": openapi_for(OPERATIONS)})
    result = load(str(path)).run("main", {}, server_overrides={"api": server.base_url})

    # The other document's own source description is used: its URL points nowhere,
    # so the override given for 'api' must not leak; the shared file uses the same name.
    assert result.succeeded, result.error
    assert result.outputs == {"name": "five"}


def test_unknown_targets_are_refused_before_sending(tmp_path: Path, server: ScriptedServer) -> None:
    doc = document(
        workflow(
            "flow",
            [
                step("a", "getStatus", onSuccess=[{"name": "x", "type": "goto", "stepId": "nope"}]),
                {"stepId": "b", "workflowId": "missing"},
            ],
            dependsOn=["alsoMissing"],
        )
    )
    with pytest.raises(DocumentInvalid) as raised:
        run(tmp_path, server, doc)
    text = raised.value.render()
    assert "names stepId 'nope', which is not a step of workflow 'flow'" in text
    assert "no workflow 'missing'" in text
    assert "no workflow 'alsoMissing'" in text
    assert server.received == []


# --------------------------------------------------------------------------- loop guards


def test_a_goto_loop_ends_at_the_step_limit(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(200))
    doc = document(
        workflow(
            "flow",
            [
                step(
                    "loop",
                    "getStatus",
                    onSuccess=[{"name": "again", "type": "goto", "stepId": "loop"}],
                )
            ],
        )
    )
    result = run(tmp_path, server, doc, max_step_executions=5)

    assert not result.succeeded
    assert result.error is not None
    assert "limit of 5 step executions" in result.error.message
    assert "--max-steps" in result.error.message
    assert len(server.received) == 5


def test_the_step_limit_counts_nested_workflows(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(200))
    child = workflow(
        "child",
        [step("s", "getStatus", onSuccess=[{"name": "again", "type": "goto", "stepId": "s"}])],
    )
    parent = workflow("parent", [{"stepId": "call", "workflowId": "child"}, step("t", "getOther")])
    result = run(tmp_path, server, document(parent, child), "parent", max_step_executions=4)

    assert not result.succeeded
    assert result.error is not None and "limit of 4 step executions" in result.error.message
    assert len(server.received) == 3  # the parent's own step counted as the first


def test_cli_limits_and_json_attempts(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(503, headers={"Retry-After": "0"}))
    doc = document(
        workflow(
            "flow",
            [
                step(
                    "poll",
                    "getStatus",
                    onFailure=[{"name": "again", "type": "retry", "retryLimit": 100}],
                )
            ],
        )
    )
    path = write_documents(tmp_path, doc, {"api.openapi.yaml": openapi_for(OPERATIONS)})
    result = run_cli(
        "run", str(path), "--server", f"api={server.base_url}", "--max-steps", "3",
        "--output", "json",
    )  # fmt: skip

    assert result.exit_code == 1, result.stderr
    document_json = result.json()
    (poll,) = document_json["steps"]
    assert [a["action"]["type"] for a in poll["attempts"][:2]] == ["retry", "retry"]
    assert poll["attempts"][0]["action"] == {
        "type": "retry",
        "name": "again",
        "retryAfter": 0.0,
    }
    assert "limit of 3 step executions" in document_json["error"]["message"]
    assert "Traceback" not in result.stderr


def test_cli_rejects_bad_limits(tmp_path: Path) -> None:
    result = run_cli("run", "x.yaml", "--max-steps", "0")
    assert result.exit_code == 2 and "--max-steps must be at least 1" in result.stderr
    result = run_cli("run", "x.yaml", "--max-duration", "-1")
    assert result.exit_code == 2 and "--max-duration must be a positive" in result.stderr


# --------------------------------------------------------------------------- async and events


def test_async_run_behaves_like_the_blocking_run(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(503), Reply(200, {"up": True}))
    doc = document(
        workflow(
            "flow",
            [
                step(
                    "poll",
                    "getStatus",
                    onFailure=[{"name": "again", "type": "retry", "retryAfter": 0}],
                    outputs={"up": "$response.body#/up"},
                )
            ],
            outputs={"up": "$steps.poll.outputs.up"},
        )
    )
    path = write_documents(tmp_path, doc, {"api.openapi.yaml": openapi_for(OPERATIONS)})
    loaded = load(str(path))

    result = asyncio.run(loaded.arun(inputs={}, server_overrides={"api": server.base_url}))

    assert result.succeeded and result.outputs == {"up": True}
    assert step_summary(result) == [("poll", "succeeded", ["retry", "next"])]


def test_events_arrive_in_order(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/status", Reply(503), Reply(200))
    doc = document(
        workflow(
            "flow",
            [step("poll", "getStatus", onFailure=[{"name": "again", "type": "retry"}])],
        )
    )
    path = write_documents(tmp_path, doc, {"api.openapi.yaml": openapi_for(OPERATIONS)})
    seen: list[str] = []

    class Recorder(RunListener):
        def workflow_started(self, workflow: Any, inputs: Any) -> None:
            seen.append(f"workflow {workflow.workflow_id}")

        def step_started(self, step: Any, request: Any) -> None:
            seen.append(f"start {step.step_id} {request.method}")

        def exchange(self, exchange: Any) -> None:
            seen.append(f"exchange {exchange.attempt} {exchange.response.status_code}")

        def action_taken(self, step: Any, action: Any) -> None:
            seen.append(f"action {action.type}")

        def step_finished(self, result: Any) -> None:
            seen.append(f"finish {result.step_id} {result.status}")

        def workflow_finished(self, result: Any) -> None:
            seen.append(f"done {result.status}")

    load(str(path)).run(inputs={}, server_overrides={"api": server.base_url}, listener=Recorder())

    assert seen == [
        "workflow flow",
        "start poll GET",
        "exchange 1 503",
        "action retry",
        "exchange 2 200",
        "action next",
        "finish poll succeeded",
        "done succeeded",
    ]


def test_json_result_is_serializable(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/items/7", Reply(200, {"name": "x"}))
    child = workflow("child", [step("get", "getItem")])
    parent = workflow("parent", [{"stepId": "call", "workflowId": "child"}])
    result = run(tmp_path, server, document(parent, child), "parent")
    data = json.loads(json.dumps(result.to_json()))
    assert data["steps"][0]["workflow"]["workflowId"] == "child"
    assert data["steps"][0]["workflow"]["steps"][0]["statusCode"] == 200
