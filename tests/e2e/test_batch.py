"""``arazzo run --inputs-each FILE.jsonl --concurrency N`` against the sessions stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.batch import BatchRun, InputLine
from arazzo_runner.engine import RunOptions
from tests._support.cli import CliResult, run_cli
from tests._support.paths import WORKFLOW
from tests._support.sessions import BATCH_INPUTS, load_stand_in

stand_in = load_stand_in()
SESSIONS = [f"batch-session-{n:02d}" for n in range(50)]


@pytest.fixture
def server() -> Iterator[Any]:
    with stand_in.start_server(session_ids=SESSIONS) as running:
        yield running


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def session_lines(session_ids: list[str]) -> list[str]:
    return [json.dumps({"sessionId": session_id}) for session_id in session_ids]


def run_each(server: Any, inputs_file: Path, *extra: str) -> CliResult:
    shared = [item for n, v in BATCH_INPUTS.items() for item in ("--input", f"{n}={v}")]
    return run_cli(
        "run",
        str(WORKFLOW),
        *shared,
        "--server",
        f"sessionsApi={server.base_url}",
        "--inputs-each",
        str(inputs_file),
        *extra,
    )


def patched_sessions(server: Any) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in server.requests.snapshot() if r.method == "PATCH"]


@pytest.mark.slow
def test_fifty_runs_all_succeed_and_each_session_is_patched(server: Any, tmp_path: Path) -> None:
    inputs = write_lines(tmp_path / "inputs.jsonl", session_lines(SESSIONS))

    result = run_each(server, inputs, "--concurrency", "8", "--output", "json")

    assert result.exit_code == 0, result.stderr
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [run["line"] for run in runs] == list(range(1, 51))  # input order
    assert all(run["status"] == "succeeded" for run in runs)
    assert all(run["outputs"]["finalAcceptingJobs"] is False for run in runs)
    assert sorted(patched_sessions(server)) == sorted(SESSIONS)
    assert all(session["accepting_jobs"] is False for session in server.sessions.values())


def test_text_mode_prints_a_summary(server: Any, tmp_path: Path) -> None:
    inputs = write_lines(tmp_path / "inputs.jsonl", session_lines(SESSIONS[:5]))

    result = run_each(server, inputs, "--concurrency", "3")

    assert result.exit_code == 0, result.stderr
    assert "5 runs: 5 succeeded, 0 failed in" in result.stdout
    assert "runs/s" in result.stdout


def test_a_mix_of_successes_and_failures_exits_1(server: Any, tmp_path: Path) -> None:
    lines = session_lines(["batch-session-00", "no-such-session", "batch-session-01"])
    lines.insert(1, "")  # blank lines are skipped but still counted
    inputs = write_lines(tmp_path / "inputs.jsonl", lines)

    as_json = run_each(server, inputs, "--concurrency", "2", "--output", "json")
    text = run_each(server, inputs, "--concurrency", "2")

    assert as_json.exit_code == 1, as_json.stderr
    runs = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [(run["line"], run["status"]) for run in runs] == [
        (1, "succeeded"),
        (3, "failed"),
        (4, "succeeded"),
    ]
    assert runs[1]["error"]["stepId"] == "getSession"
    assert text.exit_code == 1
    assert "line 3: pause-session-and-confirm failed at step 'getSession'" in text.stdout
    assert "3 runs: 2 succeeded, 1 failed in" in text.stdout
    assert "Traceback" not in as_json.stderr + text.stderr


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"sessionId": ', "line 2: not valid JSON"),
        ('["batch-session-01"]', "line 2: expected a JSON object of inputs, got list"),
        ('{"sessionId": 7}', "line 2: invalid inputs for workflow 'pause-session-and-confirm'"),
    ],
)
def test_an_invalid_line_stops_the_batch_before_sending(
    server: Any, tmp_path: Path, line: str, message: str
) -> None:
    inputs = write_lines(tmp_path / "inputs.jsonl", [*session_lines(SESSIONS[:1]), line])

    result = run_each(server, inputs, "--concurrency", "4")

    assert result.exit_code == 2
    assert message in result.stderr
    assert server.requests.snapshot() == []


def test_line_values_win_over_input_values(server: Any, tmp_path: Path) -> None:
    server.sessions["batch-session-00"]["accepting_jobs"] = False
    line = json.dumps({"sessionId": "batch-session-00", "acceptingJobs": True})
    inputs = write_lines(tmp_path / "inputs.jsonl", [line])

    result = run_each(server, inputs, "--output", "json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["outputs"]["finalAcceptingJobs"] is True


def test_concurrency_needs_inputs_each() -> None:
    result = run_cli("run", str(WORKFLOW), "--concurrency", "4")
    assert result.exit_code == 2
    assert "--concurrency only applies with --inputs-each" in result.stderr


def test_the_python_api_runs_a_batch_on_one_shared_client(server: Any) -> None:
    loaded = load(str(WORKFLOW))
    workflow = loaded.workflow()
    lines = [
        InputLine(n, {**BATCH_INPUTS, "acceptingJobs": False, "sessionId": session_id})
        for n, session_id in enumerate(SESSIONS[:10], start=1)
    ]
    seen: list[int] = []
    options = RunOptions(server_overrides={"sessionsApi": server.base_url})

    batch = BatchRun(loaded, workflow, options, 4, lambda item, _: seen.append(item.line))
    report = batch.run(lines)

    assert report.all_succeeded
    assert seen == list(range(1, 11))
    assert sorted(patched_sessions(server)) == SESSIONS[:10]
