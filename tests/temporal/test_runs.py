"""Runs on a real Temporal dev server through ``arazzo worker`` and ``arazzo run --temporal``.

The worker is a real process; the run command runs in this process. Every
run's output is compared with the same run done locally.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import run_cli
from tests._support.documents import openapi_for, write_documents
from tests._support.servers import RendezvousServer, Reply
from tests._support.sessions import assert_three_requests, stand_in, workflow_args
from tests._support.temporal import DevServer, WorkerProcess, worker_process

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]


@pytest.fixture
def queue() -> str:
    """A task queue of the test's own: workers of other tests never take its runs."""
    return f"arazzo-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def worker(temporal_server: DevServer, queue: str) -> Iterator[WorkerProcess]:
    with worker_process(temporal_server.address, queue) as started:
        yield started


def on_temporal(server: DevServer, queue: str, *extra: str) -> list[str]:
    return ["--temporal", server.address, "--task-queue", queue, *extra]


def without_durations(text: str) -> str:
    """The output without what differs between any two runs: durations and the API's port."""
    text = re.sub(r"http://127\.0\.0\.1:\d+", "http://127.0.0.1:PORT", text)
    text = re.sub(r"\(\d+(\.\d+)? m?s\)", "(…)", text)
    return re.sub(r'"durationMs": [0-9.]+', '"durationMs": 0', text)


@pytest.mark.parametrize("output", ["text", "json"])
def test_the_seed_workflow_prints_what_a_local_run_prints(
    temporal_server: DevServer, worker: WorkerProcess, queue: str, output: str
) -> None:
    with stand_in.start_server() as local_api:
        local = run_cli(*workflow_args(local_api, "-o", output))
    with stand_in.start_server() as api:
        durable = run_cli(*workflow_args(api, "-o", output, *on_temporal(temporal_server, queue)))
        assert_three_requests(api, accepting_jobs=False)
    assert (durable.exit_code, durable.stderr) == (local.exit_code, local.stderr) == (0, "")
    assert without_durations(durable.stdout) == without_durations(local.stdout)


def test_the_worker_stops_on_sigterm(temporal_server: DevServer, queue: str) -> None:
    with worker_process(temporal_server.address, queue) as started:
        code, stderr = started.stop()
    assert code == 0
    assert "worker: stopped" in stderr
    assert "Traceback" not in stderr


def test_the_token_never_reaches_temporals_history(
    temporal_server: DevServer, worker: WorkerProcess, queue: str
) -> None:
    run_id = f"token-check-{uuid.uuid4().hex[:8]}"
    with stand_in.start_server() as api:
        result = run_cli(
            *workflow_args(api, *on_temporal(temporal_server, queue, "--workflow-run-id", run_id))
        )
    assert result.exit_code == 0, result.stderr
    history = temporal_server.cli("workflow", "show", "--detailed", "-w", run_id)
    assert "Completed" in history or "WorkflowExecutionCompleted" in history
    assert stand_in.DEFAULT_TOKEN not in history
    assert stand_in.DEFAULT_SERVICE_CRN not in history
    assert "accepting_jobs" not in history  # the bodies are encrypted too
    as_json = temporal_server.cli("workflow", "show", "-w", run_id, "-o", "json")
    assert stand_in.DEFAULT_TOKEN not in as_json


def test_a_run_started_twice_joins_the_first(
    temporal_server: DevServer, worker: WorkerProcess, queue: str, tmp_path: Path
) -> None:
    """The default workflow id is a digest of the run: a retried CI job finds its run."""
    import asyncio

    from arazzo_runner.temporal import (
        RunRequest,
        connect,
        default_execution_id,
        document_digest,
        run_result,
        start_run,
    )
    from tests._support.documents import arazzo_document, openapi_for, write_documents
    from tests._support.servers import Reply, ScriptedServer

    document = write_documents(
        tmp_path,
        arazzo_document({"workflowId": "slow", "steps": [{"stepId": "s", "operationId": "op"}]}),
        {"api.yaml": openapi_for([("op", "post", "/jobs")])},
    )

    def request(api: ScriptedServer, job: int) -> RunRequest:
        return RunRequest(
            str(document),
            document_digest(document),
            "slow",
            options={"server_overrides": {"api": api.base_url}},
        ).with_inputs({"job": {"id": job, "kind": "x"}})

    async def start_twice(api: ScriptedServer) -> list[Any]:
        client = await connect(temporal_server.address)
        first = await start_run(client, request(api, 1), task_queue=queue)
        again = await start_run(client, request(api, 1), task_queue=queue)
        assert again.id == first.id == default_execution_id(request(api, 1))
        assert default_execution_id(request(api, 2)) != first.id
        return [await run_result(first), await run_result(again)]

    with ScriptedServer() as api:
        api.script("POST", "/jobs", Reply(200, {"ok": True}, delay=1.5))
        (first, _), (again, _) = asyncio.run(start_twice(api))
        assert api.paths() == ["POST /jobs"]
    assert first.succeeded and again.to_json() == first.to_json()


def test_inputs_each_starts_one_execution_per_line(
    temporal_server: DevServer, worker: WorkerProcess, queue: str, tmp_path: Path
) -> None:
    """Each line its own session: the executions run at once, and must not share state."""
    sessions = [f"session-{n}" for n in range(1, 21)]
    lines = [
        json.dumps({"acceptingJobs": value, "sessionId": session})
        for session, value in zip(sessions, [True, False] * 10, strict=True)
    ]
    each = tmp_path / "each.jsonl"
    each.write_text("\n".join(lines) + "\n")
    args = ["--inputs-each", str(each), "-o", "json"]
    with stand_in.start_server(session_ids=sessions) as local_api:
        local = run_cli(*workflow_args(local_api, *args))
    with stand_in.start_server(session_ids=sessions) as api:
        durable = run_cli(*workflow_args(api, *args, *on_temporal(temporal_server, queue)))
        assert len(api.requests.snapshot()) == 3 * len(lines)
    assert durable.exit_code == local.exit_code == 0, durable.stderr
    got = [json.loads(line) for line in durable.stdout.splitlines()]
    assert [run["line"] for run in got] == list(range(1, 21))
    assert without_durations(durable.stdout) == without_durations(local.stdout)


def test_a_changed_document_is_refused_with_nothing_sent(
    temporal_server: DevServer, queue: str, tmp_path: Path
) -> None:
    """The worker reads the document itself and checks it is the one the run started with."""
    import asyncio

    from arazzo_runner.temporal import (
        RunRequest,
        TemporalError,
        connect,
        document_digest,
        run_result,
        start_run,
    )
    from tests._support.paths import SESSIONS_OPENAPI, WORKFLOW

    document = tmp_path / WORKFLOW.name
    document.write_bytes(WORKFLOW.read_bytes())
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / SESSIONS_OPENAPI.name).write_bytes(SESSIONS_OPENAPI.read_bytes())
    digest = document_digest(document)
    document.write_bytes(WORKFLOW.read_bytes() + b"\n# changed\n")

    async def go() -> Any:
        client = await connect(temporal_server.address)
        request = RunRequest(str(document), digest, "pause-session-and-confirm")
        return await run_result(await start_run(client, request, task_queue=queue))

    with stand_in.start_server() as api, worker_process(temporal_server.address, queue):
        with pytest.raises(TemporalError, match="changed after the run started"):
            asyncio.run(go())
        assert api.requests.snapshot() == []


def test_without_a_key_nothing_starts(temporal_server: DevServer, monkeypatch: Any) -> None:
    monkeypatch.delenv("ARAZZO_TEMPORAL_KEYS")
    with stand_in.start_server() as api:
        result = run_cli(*workflow_args(api, "--temporal", temporal_server.address))
        assert api.requests.snapshot() == []
    assert result.exit_code == 2
    assert "need an encryption key" in result.stderr
    assert "ARAZZO_TEMPORAL_KEYS" in result.stderr


def test_a_response_too_large_for_temporal_fails_its_step_clearly(
    temporal_server: DevServer, worker: WorkerProcess, queue: str, tmp_path: Path
) -> None:
    from tests._support.documents import arazzo_document, openapi_for, write_documents
    from tests._support.servers import Reply, ScriptedServer

    document = write_documents(
        tmp_path,
        arazzo_document({"workflowId": "big", "steps": [{"stepId": "fetch", "operationId": "f"}]}),
        {"api.yaml": openapi_for([("f", "get", "/big")])},
    )
    with ScriptedServer() as api:
        api.script("GET", "/big", Reply(200, "x" * 300_000, {"Content-Type": "text/plain"}))
        args = [str(document), "--server", f"api={api.base_url}", "-o", "json", "--no-checks"]
        capped = run_cli(
            "run", *args, *on_temporal(temporal_server, queue), "--max-payload-size", "100K"
        )
        default = run_cli("run", *args, *on_temporal(temporal_server, queue))
    assert capped.exit_code == 1, capped.stderr
    error = capped.json()["steps"][0]["error"]
    assert "300,000 bytes, more than the 100,000 bytes a run on Temporal keeps" in error
    assert "--max-payload-size" in error
    assert default.exit_code == 0, default.stderr


def test_an_unknown_namespace_is_named(temporal_server: DevServer) -> None:
    with stand_in.start_server() as api:
        result = run_cli(
            *workflow_args(api, "--temporal", temporal_server.address, "--namespace", "nope")
        )
        assert api.requests.snapshot() == []
    assert result.exit_code == 2
    assert "cannot serve namespace nope" in result.stderr
    assert "Traceback" not in result.stderr


TIMES = {"durationMs", "elapsedMs", "started", "startedDateTime", "time", "timings", "onLoad"}


def without_times(value: Any) -> Any:
    """A report without what differs between any two runs: times, and the API's port."""
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k not in TIMES}
    if isinstance(value, list):
        return [without_times(item) for item in value]
    if isinstance(value, str):  # the API's port, its Date headers and its sessions' times
        value = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", "ISO", value)
        value = re.sub(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", "DATE", value)
        return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", value)
    return value


@pytest.mark.parametrize("kind", ["json", "har"])
def test_reports_are_those_of_a_local_run(
    temporal_server: DevServer, worker: WorkerProcess, queue: str, tmp_path: Path, kind: str
) -> None:
    local_report, durable_report = tmp_path / f"local.{kind}", tmp_path / f"durable.{kind}"
    with stand_in.start_server() as local_api:
        local = run_cli(*workflow_args(local_api, "--report", f"{kind}={local_report}"))
    with stand_in.start_server() as api:
        durable = run_cli(
            *workflow_args(
                api, "--report", f"{kind}={durable_report}", *on_temporal(temporal_server, queue)
            )
        )
    assert durable.exit_code == local.exit_code == 0, durable.stderr
    expected = json.dumps(without_times(json.loads(local_report.read_text())), indent=1)
    got = json.dumps(without_times(json.loads(durable_report.read_text())), indent=1)
    assert got.splitlines() == expected.splitlines()


def fan_out(tmp_path: Path) -> Path:
    """An Arazzo 1.1 workflow: a login, then three reads that depend only on it."""
    reads = [("getProfile", "GET", "/profile"), ("getOrders", "GET", "/orders")]
    reads.append(("getOffers", "GET", "/offers"))
    ok = [{"condition": "$statusCode == 200"}]
    token = {"name": "Authorization", "in": "header", "value": "$steps.login.outputs.token"}
    steps: list[dict[str, Any]] = [
        {
            "stepId": "login",
            "operationId": "login",
            "successCriteria": ok,
            "outputs": {"token": "$response.body#/token"},
        },
    ]
    for operation, _, path in reads:
        steps.append(
            {
                "stepId": path[1:],
                "operationId": operation,
                "dependsOn": ["login"],
                "parameters": [token],
                "successCriteria": ok,
                "outputs": {"body": "$response.body"},
            }
        )
    document = {
        "arazzo": "1.1.0",
        "info": {"title": "fan out", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.openapi.yaml", "type": "openapi"}],
        "workflows": [{
            "workflowId": "dashboard",
            "steps": steps,
            "outputs": {path[1:]: f"$steps.{path[1:]}.outputs.body" for _, _, path in reads},
        }],
    }  # fmt: skip
    description = openapi_for([("login", "POST", "/login"), *reads])
    return write_documents(tmp_path, document, {"api.openapi.yaml": description})


def rendezvous() -> RendezvousServer:
    """Answers the three reads only once all three are in flight at the same time."""
    server = RendezvousServer(["/profile", "/orders", "/offers"])
    server.script("POST", "/login", Reply(200, {"token": "t-1"}))
    for path in ("/profile", "/orders", "/offers"):
        server.script("GET", path, Reply(200, {"from": path}))
    return server


def test_steps_that_depend_on_one_step_run_concurrently_on_temporal(
    temporal_server: DevServer, worker: WorkerProcess, queue: str, tmp_path: Path
) -> None:
    """The engine's concurrent steps are activities in flight at once, and the output is
    a local run's (the reads meet at the server, or each gets a 504)."""
    path = fan_out(tmp_path)
    with rendezvous() as local_api:
        local = run_cli("run", str(path), "--server", f"api={local_api.base_url}", "-o", "json")
    with rendezvous() as api:
        args = ["run", str(path), "--server", f"api={api.base_url}", "-o", "json"]
        durable = run_cli(*args, *on_temporal(temporal_server, queue))
        assert api.most_in_flight == 3
        assert api.paths()[0] == "POST /login"
    assert durable.exit_code == local.exit_code == 0, durable.stdout + durable.stderr
    assert (
        durable.json()["outputs"]
        == local.json()["outputs"]
        == {
            "profile": {"from": "/profile"},
            "orders": {"from": "/orders"},
            "offers": {"from": "/offers"},
        }
    )
    assert without_durations(durable.stdout) == without_durations(local.stdout)
