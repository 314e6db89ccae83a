"""``--report`` and ``--dry-run`` with ``--inputs-each``, against the sessions stand-in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from tests._support.cli import CliResult, run_cli
from tests._support.har import HAR_SCHEMA
from tests._support.paths import WORKFLOW
from tests._support.sessions import load_stand_in

stand_in = load_stand_in()
TOKEN = "tok-BATCH-SECRET-0987654321"
SESSIONS = ["each-session-1", "each-session-2", "each-session-3"]
WORKFLOW_ID = "pause-session-and-confirm"


@pytest.fixture
def server() -> Iterator[Any]:
    with stand_in.start_server(token=TOKEN, session_ids=SESSIONS) as running:
        yield running


def inputs_file(tmp_path: Path, session_ids: list[str]) -> Path:
    path = tmp_path / "inputs.jsonl"
    lines = [json.dumps({"sessionId": session_id}) for session_id in session_ids]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_each(server: Any, inputs: Path, *extra: str) -> CliResult:
    values = {
        "accessToken": TOKEN,
        "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
        "apiVersion": "2026-03-15",
        "acceptingJobs": "false",
    }
    shared = [item for name, value in values.items() for item in ("--input", f"{name}={value}")]
    return run_cli(
        "run", str(WORKFLOW), *shared, "--server", f"sessionsApi={server.base_url}",
        "--inputs-each", str(inputs), *extra,
    )  # fmt: skip


def combined_reports(out: Path) -> list[str]:
    return [
        "--report", f"json={out / 'runs.json'}",
        "--report", f"junit={out / 'junit.xml'}",
        "--report", f"har={out / 'runs.har'}",
    ]  # fmt: skip


def assert_no_token(result: CliResult, out: Path) -> None:
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    texts |= {path.name: path.read_text(encoding="utf-8") for path in out.iterdir()}
    for name, text in texts.items():
        assert TOKEN not in text, f"the token leaked into {name}"
        assert "SECRET-0987654321" not in text, f"part of the token leaked into {name}"


@pytest.mark.parametrize("concurrency", ["1", "3"])
def test_one_combined_report_of_each_kind_holds_every_line(
    server: Any, tmp_path: Path, concurrency: str
) -> None:
    inputs = inputs_file(tmp_path, [SESSIONS[0], "no-such-session", SESSIONS[1]])
    out = tmp_path / "out"
    out.mkdir()

    result = run_each(server, inputs, "--concurrency", concurrency, *combined_reports(out))

    assert result.exit_code == 1, result.stderr  # one line failed: the exit code is unchanged
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "runs.har", "runs.json"]
    assert_no_token(result, out)

    document = json.loads((out / "runs.json").read_text())
    assert (document["succeeded"], document["failed"]) == (2, 1)
    assert [(run["line"], run["status"]) for run in document["runs"]] == [
        (1, "succeeded"),
        (2, "failed"),
        (3, "succeeded"),
    ]
    # Each run holds only its own exchanges, however the runs interleaved.
    expected = [SESSIONS[0], "no-such-session", SESSIONS[1]]
    for run, session_id in zip(document["runs"], expected, strict=True):
        urls = {exchange["request"]["url"] for exchange in run["exchanges"]}
        assert urls == {f"{server.base_url}/v1/sessions/{session_id}"}
    assert "Bearer ***" in (out / "runs.json").read_text()

    xml = JUnitXml.fromfile(str(out / "junit.xml"))
    suites = list(xml)
    assert [suite.name for suite in suites] == [f"{WORKFLOW_ID} (line {n})" for n in (1, 2, 3)]
    cases = [(case.classname, case.name) for suite in suites for case in suite]
    assert len(cases) == len(set(cases)) == 9  # three steps per line, each named apart
    failed = [case for case in suites[1] if any(isinstance(r, Failure) for r in case.result)]
    assert [case.name for case in failed] == ["getSession"]
    assert (xml.tests, xml.failures) == (9, 1)

    har = json.loads((out / "runs.har").read_text())
    jsonschema.validate(har, HAR_SCHEMA)
    pages = har["log"]["pages"]
    assert [page["id"] for page in pages] == ["line-1", "line-2", "line-3"]
    assert pages[1]["title"] == f"line 2: workflow {WORKFLOW_ID} (failed)"
    entries = har["log"]["entries"]
    assert [entry["pageref"] for entry in entries] == ["line-1"] * 3 + ["line-2"] + ["line-3"] * 3
    assert all(entry["_line"] == int(entry["pageref"][5:]) for entry in entries)


def test_a_line_placeholder_writes_one_report_per_run(server: Any, tmp_path: Path) -> None:
    inputs = inputs_file(tmp_path, [SESSIONS[0], "no-such-session"])
    out = tmp_path / "out"
    out.mkdir()

    result = run_each(
        server, inputs, "--output", "json",
        "--report", f"junit={out / 'junit-{line}.xml'}",
        "--report", f"har={out / 'run-{line}.har'}",
        "--report", f"json={out / 'all.json'}",
    )  # fmt: skip

    assert result.exit_code == 1, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "all.json",
        "junit-1.xml",
        "junit-2.xml",
        "run-1.har",
        "run-2.har",
    ]
    assert_no_token(result, out)
    # Each is exactly the report of a single run.
    first = JUnitXml.fromfile(str(out / "junit-1.xml"))
    assert [suite.name for suite in first] == [WORKFLOW_ID]
    assert (first.tests, first.failures) == (3, 0)
    second = JUnitXml.fromfile(str(out / "junit-2.xml"))
    assert second.failures == 1
    har = json.loads((out / "run-2.har").read_text())
    jsonschema.validate(har, HAR_SCHEMA)
    assert [page["id"] for page in har["log"]["pages"]] == ["run"]
    assert len(har["log"]["entries"]) == 1
    assert [run["line"] for run in json.loads((out / "all.json").read_text())["runs"]] == [1, 2]


def test_an_unwritable_report_is_exit_2_after_every_run(server: Any, tmp_path: Path) -> None:
    inputs = inputs_file(tmp_path, SESSIONS[:2])
    out = tmp_path / "out"
    out.mkdir()
    (out / "junit-2.xml").mkdir()  # the second run's report cannot replace a directory

    result = run_each(server, inputs, "--report", f"junit={out / 'junit-{line}.xml'}")

    assert result.exit_code == 2
    assert f"cannot write the junit report to {out / 'junit-2.xml'}" in result.stderr
    assert (out / "junit-1.xml").is_file()
    assert len([r for r in server.requests.snapshot() if r.method == "PATCH"]) == 2
    assert "Traceback" not in result.stderr


def test_a_line_placeholder_needs_inputs_each(tmp_path: Path) -> None:
    result = run_cli("run", str(WORKFLOW), "--report", f"junit={tmp_path / 'junit-{line}.xml'}")

    assert result.exit_code == 2
    assert "'{line}' in junit-{line}.xml names one report per line of --inputs-each" in (
        result.stderr
    )


def test_report_and_dry_run_are_still_refused(tmp_path: Path) -> None:
    inputs = inputs_file(tmp_path, SESSIONS[:1])

    result = run_cli(
        "run", str(WORKFLOW), "--dry-run", "--inputs-each", str(inputs),
        "--report", f"junit={tmp_path / 'junit.xml'}",
    )  # fmt: skip

    assert result.exit_code == 2
    assert "--report needs a run: --dry-run sends nothing" in result.stderr


@pytest.mark.parametrize("output", ["text", "json"])
def test_dry_run_plans_every_line_and_sends_nothing(
    server: Any, tmp_path: Path, output: str
) -> None:
    inputs = inputs_file(tmp_path, SESSIONS[:2])

    result = run_each(server, inputs, "--dry-run", "--output", output)

    assert result.exit_code == 0, result.stderr
    assert server.requests.snapshot() == []
    assert TOKEN not in result.stdout + result.stderr
    if output == "json":
        plans = [json.loads(line) for line in result.stdout.splitlines()]
        assert [plan["line"] for plan in plans] == [1, 2]
        assert [plan["inputs"]["sessionId"] for plan in plans] == SESSIONS[:2]
        assert all(plan["workflowId"] == WORKFLOW_ID for plan in plans)
    else:
        assert result.stdout.count(f"dry run of workflow {WORKFLOW_ID}") == 2
        assert "line 1:\n" in result.stdout and "line 2:\n" in result.stdout
        assert SESSIONS[1] in result.stdout
        assert result.stdout.rstrip().endswith("2 runs planned; nothing was sent")


def test_dry_run_checks_every_line_first(server: Any, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text('{"sessionId": "each-session-1"}\n{"sessionId": 7}\n', encoding="utf-8")

    result = run_each(server, inputs, "--dry-run")

    assert result.exit_code == 2
    assert "line 2: invalid inputs for workflow" in result.stderr
    assert result.stdout == ""
    assert server.requests.snapshot() == []


def test_the_combined_html_report_masks_the_token_of_every_line(
    server: Any, tmp_path: Path
) -> None:
    inputs = inputs_file(tmp_path, [SESSIONS[0], "no-such-session"])
    out = tmp_path / "out"
    out.mkdir()

    result = run_each(
        server, inputs,
        "--report", f"html={out / 'runs.html'}",
        "--report", f"html={out / 'line-{line}.html'}",
    )  # fmt: skip

    assert result.exit_code == 1, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["line-1.html", "line-2.html", "runs.html"]
    assert_no_token(result, out)
    assert "Bearer ***" in (out / "runs.html").read_text(encoding="utf-8")
