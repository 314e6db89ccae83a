"""``--inputs-each`` streams its file: checked line by line, then read again and run.

The first pass checks every line (nothing is sent when one is bad) and learns
the secrets; the second reads the file again and hands lines to the runs only
as they free up. Standard input is spooled to a temporary file to be read
twice; a file that changes between the passes stops the batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.batch import BatchRun, InputLine
from arazzo_runner.cli.inputs import InputLinesFile
from arazzo_runner.engine import RunOptions
from arazzo_runner.errors import UsageError
from tests._support.cli import CliResult, run_cli
from tests._support.paths import WORKFLOW
from tests._support.sessions import BATCH_INPUTS, load_stand_in

stand_in = load_stand_in()
SESSIONS = [f"stream-session-{n:03d}" for n in range(200)]


@pytest.fixture
def server() -> Iterator[Any]:
    with stand_in.start_server(session_ids=SESSIONS) as running:
        yield running


def write_sessions(path: Path, session_ids: list[str], *extra: str) -> Path:
    lines = [json.dumps({"sessionId": session_id}) for session_id in session_ids]
    path.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    return path


def run_each(server: Any, inputs: str, *extra: str, stdin: str | None = None) -> CliResult:
    shared = [item for n, v in BATCH_INPUTS.items() for item in ("--input", f"{n}={v}")]
    return run_cli(
        "run",
        str(WORKFLOW),
        *shared,
        "--server",
        f"sessionsApi={server.base_url}",
        "--inputs-each",
        inputs,
        *extra,
        stdin=stdin,
    )


def patched_sessions(server: Any) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in server.requests.snapshot() if r.method == "PATCH"]


def typed_shared() -> dict[str, Any]:
    return {**BATCH_INPUTS, "acceptingJobs": False}


def test_a_bad_last_line_of_many_sends_nothing(server: Any, tmp_path: Path) -> None:
    inputs = write_sessions(tmp_path / "inputs.jsonl", SESSIONS, '{"sessionId": 7}')

    result = run_each(server, str(inputs), "--concurrency", "4")

    assert result.exit_code == 2
    assert f"line {len(SESSIONS) + 1}: invalid inputs" in result.stderr
    assert server.requests.snapshot() == []


def test_many_lines_run_in_line_order(server: Any, tmp_path: Path) -> None:
    inputs = write_sessions(tmp_path / "inputs.jsonl", SESSIONS)

    result = run_each(server, str(inputs), "--concurrency", "8", "--output", "json")

    assert result.exit_code == 0, result.stderr
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [run["line"] for run in runs] == list(range(1, len(SESSIONS) + 1))
    assert sorted(patched_sessions(server)) == SESSIONS


def test_a_later_lines_secret_is_masked_in_an_earlier_lines_output(
    server: Any, tmp_path: Path
) -> None:
    # Line 2's access token is a text line 1's output shows (a step id): line 1's
    # output, written before line 2 is read again, must not show it.
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text(
        json.dumps({"sessionId": SESSIONS[0]})
        + "\n"
        + json.dumps({"sessionId": SESSIONS[1], "accessToken": "updateSession"})
        + "\n",
        encoding="utf-8",
    )
    first = write_sessions(tmp_path / "first.jsonl", SESSIONS[2:3])
    alone = run_each(server, str(first), "--output", "json")

    result = run_each(server, str(inputs), "--output", "json")

    assert "updateSession" in alone.stdout  # unmasked when no line holds it as a secret
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [run["line"] for run in runs] == [1, 2]
    assert runs[0]["status"] == "succeeded"
    assert "updateSession" not in result.stdout + result.stderr


def test_standard_input_is_spooled_and_read_twice(server: Any, tmp_path: Path) -> None:
    text = "\n".join(json.dumps({"sessionId": s}) for s in SESSIONS[:5]) + "\n"

    result = run_each(server, "-", "--concurrency", "2", "--output", "json", stdin=text)

    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["line"] for line in result.stdout.splitlines()] == [1, 2, 3, 4, 5]
    assert sorted(patched_sessions(server)) == SESSIONS[:5]


def test_a_bad_line_on_standard_input_names_it(server: Any) -> None:
    text = json.dumps({"sessionId": SESSIONS[0]}) + "\n[1]\n"

    result = run_each(server, "-", stdin=text)

    assert result.exit_code == 2
    assert "standard input line 2: expected a JSON object of inputs, got list" in result.stderr
    assert server.requests.snapshot() == []


def test_the_spooled_copy_of_standard_input_is_deleted(tmp_path: Path) -> None:
    import io

    with InputLinesFile.open("-", io.StringIO('{"a": 1}\n')) as source:
        spool = source.path
        assert [item.inputs for item in source.first_pass({})] == [{"a": 1}]
        assert [item.inputs for item in source.second_pass({})] == [{"a": 1}]
        assert spool.stat().st_mode & 0o077 == 0  # only its owner can read it
    assert not spool.exists()


def test_the_second_pass_takes_lines_only_as_runs_free_up(server: Any, tmp_path: Path) -> None:
    inputs = write_sessions(tmp_path / "inputs.jsonl", SESSIONS)
    loaded = load(str(WORKFLOW))
    workflow = loaded.workflow()
    read: list[int] = []
    read_when_first_written: list[int] = []

    def counted(source: InputLinesFile) -> Iterator[InputLine]:
        for item in source.second_pass(typed_shared()):
            read.append(item.line)
            yield item

    def written(item: InputLine, _: Any) -> None:
        if not read_when_first_written:
            read_when_first_written.append(len(read))

    options = RunOptions(server_overrides={"sessionsApi": server.base_url})
    with InputLinesFile.open(str(inputs), io_unused()) as source:
        assert sum(1 for _ in source.first_pass(typed_shared())) == len(SESSIONS)
        batch = BatchRun(loaded, workflow, options, 4, written, keep_results=False)
        report = batch.run(counted(source))

    assert report.total == len(SESSIONS) and report.all_succeeded
    assert report.results == []  # only counts were kept
    # The first result was written while most of the file was still unread.
    assert read_when_first_written[0] <= 4 + 1
    assert read == list(range(1, len(SESSIONS) + 1))


def test_a_file_changed_between_the_passes_sends_nothing(tmp_path: Path) -> None:
    inputs = write_sessions(tmp_path / "inputs.jsonl", SESSIONS[:3])
    with InputLinesFile.open(str(inputs), io_unused()) as source:
        assert len(list(source.first_pass({}))) == 3
        write_sessions(inputs, SESSIONS[:4])
        with pytest.raises(UsageError, match="changed while the batch ran"):
            next(source.second_pass({}))


def test_a_file_changed_during_the_batch_stops_it(server: Any, tmp_path: Path) -> None:
    inputs = write_sessions(tmp_path / "inputs.jsonl", SESSIONS[:50])
    loaded = load(str(WORKFLOW))
    workflow = loaded.workflow()
    options = RunOptions(server_overrides={"sessionsApi": server.base_url})

    def append_once(item: InputLine, _: Any) -> None:
        if item.line == 1:
            with inputs.open("a", encoding="utf-8") as stream:
                stream.write(json.dumps({"sessionId": SESSIONS[60]}) + "\n")

    with InputLinesFile.open(str(inputs), io_unused()) as source:
        list(source.first_pass(typed_shared()))
        batch = BatchRun(loaded, workflow, options, 2, append_once, keep_results=False)
        with pytest.raises(UsageError, match="changed while the batch ran"):
            batch.run(source.second_pass(typed_shared()))

    sent = patched_sessions(server)
    assert 0 < len(sent) < 50
    assert SESSIONS[60] not in sent


def io_unused() -> Any:
    import io

    return io.StringIO("")  # a file is named: standard input is not read
