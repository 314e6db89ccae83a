"""Run limits and Ctrl-C through ``arazzo run``: which limit stopped the run, and where,
in the text, the JSON and the reports; only attempts that were sent are shown."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import process_environment, run_cli
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.paths import ROOT
from tests._support.servers import Reply, ScriptedServer

OPERATIONS = [
    ("getItem", "GET", "/item"),
    ("patchItem", "PATCH", "/item"),
    ("poll", "GET", "/poll"),
]
OK = [{"condition": "$statusCode == 200"}]


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer(fallback=Reply(200, {"ok": True})) as running:
        running.script("GET", "/poll", Reply(503, {"busy": True}))
        yield running


def _document(tmp_path: Path, retry_after: float = 2) -> Path:
    retry = {"name": "again", "type": "retry", "retryAfter": retry_after, "retryLimit": 5}
    arazzo = arazzo_document(
        {
            "workflowId": "three",
            "steps": [
                {"stepId": "first", "operationId": "getItem", "successCriteria": OK},
                {"stepId": "second", "operationId": "patchItem", "successCriteria": OK},
                {"stepId": "third", "operationId": "getItem", "successCriteria": OK},
            ],
        },
        {
            "workflowId": "polling",
            "steps": [
                {
                    "stepId": "wait",
                    "operationId": "poll",
                    "successCriteria": OK,
                    "onFailure": [retry],
                }
            ],
        },
    )
    return write_documents(tmp_path, arazzo, {"api.yaml": openapi_for(OPERATIONS)})


def _run(path: Path, server: ScriptedServer, workflow: str, *extra: str) -> Any:
    return run_cli(
        "run", str(path), "-w", workflow, "--server", f"api={server.base_url}", "--no-checks",
        *extra,
    )  # fmt: skip


def test_max_steps_names_the_limit_and_the_step_it_stopped_before(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = _document(tmp_path)
    result = _run(path, server, "three", "--max-steps", "1", "--report", f"junit={tmp_path}/j.xml")

    assert result.exit_code == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "passed" in lines[0]
    reason = (
        "the run stopped before step 'second': it reached the limit of 1 step executions "
        "(a goto or retry loop?); raise it with --max-steps"
    )
    assert lines[1] == f"second  STOPPED  {reason}"  # no "FAILED (0 ms)" without a reason
    assert "skipped: third" in lines
    assert f"  step second: {reason}" in lines  # the summary says why the run ended
    assert server.paths() == ["GET /item"]
    failure = ET.parse(tmp_path / "j.xml").find(".//testcase[@name='second']/failure")
    assert failure is not None and failure.get("message") == reason


def test_max_steps_in_json_says_which_limit(tmp_path: Path, server: ScriptedServer) -> None:
    result = _run(_document(tmp_path), server, "three", "--max-steps", "1", "-o", "json")

    document = result.json()
    assert document["error"]["stoppedBy"] == "max-steps"
    assert document["error"]["stepId"] == "second"
    second = document["steps"][1]
    assert second["attempts"] == []
    assert second["stopped"] == second["error"] == document["error"]["message"]
    assert "stopped" not in document["steps"][0]


def test_max_duration_during_retries_shows_only_attempts_that_were_sent(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = _document(tmp_path, retry_after=30)
    result = _run(
        path, server, "polling", "--max-duration", "10", "--report", f"json={tmp_path}/r.json"
    )

    assert result.exit_code == 1, result.stderr
    assert server.paths() == ["GET /poll"]
    lines = result.stdout.splitlines()
    step_lines = [line for line in lines if line.startswith("wait ")]
    assert len(step_lines) == 1, lines  # the one attempt that was sent, no retry announced
    assert "retry" not in step_lines[0]
    reason = (
        "the run stopped before retrying step 'wait': the retry would wait 30 s, beyond the "
        "run's time limit of 10 s; raise it with --max-duration"
    )
    assert lines[1].strip().startswith("success criterion not met")  # the real error first
    assert lines[2].strip() == reason
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["error"]["stoppedBy"] == "max-duration"
    assert report["steps"][0]["stopped"] == reason
    assert [a["action"] for a in report["steps"][0]["attempts"]] == [None]


@pytest.mark.subprocess
def test_ctrl_c_during_a_retry_wait_shows_no_attempt_that_was_not_sent(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = _document(tmp_path, retry_after=30)
    report = tmp_path / "run.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "arazzo_runner", "run", str(path), "-w", "polling",
         "--server", f"api={server.base_url}", "--no-checks", "--report", f"json={report}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=process_environment(),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not server.received:
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.02)
    time.sleep(0.5)  # the response arrives and the 30 s wait begins
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)

    assert process.returncode == 130, stderr
    assert stderr == "interrupted\n"
    lines = stdout.splitlines()
    assert lines[0].startswith("wait ") and "retry 1/5 after 30 s" in lines[0]
    assert lines[1] == "wait  STOPPED  interrupted while waiting to retry"
    assert lines[2:] == ["workflow polling failed", "  step wait: interrupted"]
    assert server.paths() == ["GET /poll"]
    written = json.loads(report.read_text())  # what ran is reported all the same
    assert written["error"]["stoppedBy"] == "interrupt"
    (step,) = written["steps"]
    assert step["stopped"] == "interrupted"
    assert [a["statusCode"] for a in step["attempts"]] == [503]


def test_a_request_cut_short_by_the_time_limit_names_the_limit(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/poll", Reply(200, delay=3.0))
    result = _run(_document(tmp_path), server, "polling", "--max-duration", "0.5", "-o", "json")

    document = result.json()
    assert result.exit_code == 1
    assert document["error"]["stoppedBy"] == "max-duration"
    assert document["error"]["message"] == (
        "the run stopped during step 'wait': it exceeded its time limit of 0.5 s; "
        "raise it with --max-duration"
    )
    (attempt,) = document["steps"][0]["attempts"]
    assert attempt["statusCode"] is None and attempt["error"]  # the timeout, as it happened
