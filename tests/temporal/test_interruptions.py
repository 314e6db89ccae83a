"""Workers killed with ``kill -9`` mid-run: what the API sees, and how the run ends.

Each test runs ``arazzo run --temporal`` and ``arazzo worker`` as real processes,
kills the worker at a chosen moment (the stand-in API tells when a request has
arrived), starts another, and checks the request log of the API.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import process_environment
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.paths import ROOT
from tests._support.servers import Reply, ScriptedServer
from tests._support.temporal import TEST_KEYS, DevServer, wait_until, worker_process

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

OPERATIONS = [("getThing", "get", "/things/1"), ("updateThing", "patch", "/things/1")]


def start_run(
    server: DevServer, queue: str, document: Path, api: ScriptedServer, *extra: str
) -> subprocess.Popen[str]:
    """``arazzo run DOCUMENT --temporal ... -o json`` in a process of its own."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arazzo_runner",
            "run",
            str(document),
            "--server",
            f"api={api.base_url}",
            "-o",
            "json",
            "--no-checks",
            "--temporal",
            server.address,
            "--task-queue",
            queue,
            "--heartbeat-timeout",
            "2",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**process_environment(), "ARAZZO_TEMPORAL_KEYS": TEST_KEYS},
        cwd=ROOT,
    )


def finished(run: subprocess.Popen[str]) -> tuple[int, Any, str]:
    stdout, stderr = run.communicate(timeout=120)
    return run.returncode, json.loads(stdout) if stdout.strip() else None, stderr


def write(tmp_path: Path, *steps: dict[str, Any]) -> Path:
    document = arazzo_document({"workflowId": "flow", "steps": list(steps)})
    return write_documents(tmp_path, document, {"api.yaml": openapi_for(OPERATIONS)})


def count(api: ScriptedServer, method: str) -> int:
    return sum(1 for request in api.received if request.method == method)


@pytest.fixture
def queue() -> str:
    return f"arazzo-crash-{uuid.uuid4().hex[:12]}"


def test_a_worker_killed_during_a_retry_after_wait_resumes_without_resending(
    temporal_server: DevServer, queue: str, tmp_path: Path
) -> None:
    document = write(
        tmp_path,
        {
            "stepId": "poll",
            "operationId": "getThing",
            "successCriteria": [{"condition": "$statusCode == 200"}],
            "onFailure": [{"name": "again", "type": "retry", "retryAfter": 1, "retryLimit": 2}],
        },
    )
    with ScriptedServer() as api:
        api.script(
            "GET", "/things/1", Reply(503, {"busy": True}, {"Retry-After": "6"}), Reply(200, {})
        )
        with worker_process(temporal_server.address, queue) as first:
            run = start_run(temporal_server, queue, document, api)
            wait_until(lambda: count(api, "GET") == 1, what="the first GET")
            time.sleep(1.5)  # its 503 is recorded, and the durable timer started
            first.kill()
        with worker_process(temporal_server.address, queue):
            code, result, stderr = finished(run)
        assert count(api, "GET") == 2  # the first try, once, and the retry after the wait
    assert code == 0, stderr
    attempts = result["steps"][0]["attempts"]
    assert [a["statusCode"] for a in attempts] == [503, 200]
    assert attempts[0]["action"]["retryAfter"] == 6


def test_a_patch_in_flight_when_its_worker_dies_is_not_sent_again(
    temporal_server: DevServer, queue: str, tmp_path: Path
) -> None:
    """The PATCH may or may not have been applied: the step fails as 'outcome unknown',
    and the workflow's onFailure decides what comes next (here: look at the thing)."""
    document = write(
        tmp_path,
        {
            "stepId": "update",
            "operationId": "updateThing",
            "onFailure": [{"name": "look", "type": "goto", "stepId": "check"}],
            "onSuccess": [{"name": "done", "type": "end"}],
        },
        {"stepId": "check", "operationId": "getThing"},
    )
    with ScriptedServer() as api:
        api.script("PATCH", "/things/1", Reply(200, {}, delay=15))
        api.script("GET", "/things/1", Reply(200, {"patched": "maybe"}))
        with worker_process(temporal_server.address, queue) as first:
            run = start_run(temporal_server, queue, document, api)
            wait_until(lambda: count(api, "PATCH") == 1, what="the PATCH")
            first.kill()
        with worker_process(temporal_server.address, queue):
            code, result, stderr = finished(run)
        assert count(api, "PATCH") == 1
        assert count(api, "GET") == 1
    assert code == 0, stderr
    update, check = result["steps"]
    assert update["status"] == "failed"
    assert update["error"].startswith("outcome unknown: the worker sending this PATCH stopped")
    assert update["action"]["name"] == "look"
    assert check["status"] == "succeeded"


def test_a_get_in_flight_when_its_worker_dies_is_sent_again(
    temporal_server: DevServer, queue: str, tmp_path: Path
) -> None:
    document = write(tmp_path, {"stepId": "read", "operationId": "getThing"})
    with ScriptedServer() as api:
        api.script("GET", "/things/1", Reply(200, {}, delay=15), Reply(200, {"ok": True}))
        with worker_process(temporal_server.address, queue) as first:
            run = start_run(temporal_server, queue, document, api)
            wait_until(lambda: count(api, "GET") == 1, what="the first GET")
            first.kill()
        with worker_process(temporal_server.address, queue):
            code, result, stderr = finished(run)
        assert count(api, "GET") == 2
    assert code == 0, stderr
    assert result["status"] == "succeeded"


def test_resend_always_sends_the_patch_again(
    temporal_server: DevServer, queue: str, tmp_path: Path
) -> None:
    document = write(tmp_path, {"stepId": "update", "operationId": "updateThing"})
    with ScriptedServer() as api:
        api.script("PATCH", "/things/1", Reply(200, {}, delay=15), Reply(200, {}))
        with worker_process(temporal_server.address, queue) as first:
            run = start_run(temporal_server, queue, document, api, "--resend", "always")
            wait_until(lambda: count(api, "PATCH") == 1, what="the PATCH")
            first.kill()
        with worker_process(temporal_server.address, queue):
            code, _, stderr = finished(run)
        assert count(api, "PATCH") == 2
    assert code == 0, stderr


def test_temporal_workflow_cancel_ends_the_run_and_its_result_says_so(
    temporal_server: DevServer, queue: str, tmp_path: Path
) -> None:
    document = write(
        tmp_path,
        {
            "stepId": "poll",
            "operationId": "getThing",
            "successCriteria": [{"condition": "$statusCode == 200"}],
            "onFailure": [{"name": "again", "type": "retry", "retryAfter": 1, "retryLimit": 5}],
        },
    )
    run_id = f"cancel-{uuid.uuid4().hex[:8]}"
    with ScriptedServer() as api:
        api.script("GET", "/things/1", Reply(503, {}, {"Retry-After": "120"}))
        with worker_process(temporal_server.address, queue):
            run = start_run(temporal_server, queue, document, api, "--workflow-run-id", run_id)
            wait_until(lambda: count(api, "GET") == 1, what="the first GET")
            time.sleep(1)
            temporal_server.cli("workflow", "cancel", "-w", run_id)
            code, result, stderr = finished(run)
        assert count(api, "GET") == 1
    assert code == 1, stderr
    assert result["status"] == "failed"
    assert result["error"]["stoppedBy"] == "cancel"
    assert "cancelled" in result["error"]["message"]
    assert result["steps"][0]["stopped"]
