"""--report html=FILE through the real CLI and the Python API: content, limits, escaping.

What a browser draws of the page is checked in test_html_report_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import arazzo_runner
from arazzo_runner import RunReports
from tests._support.cli import run_cli
from tests._support.documents import (
    arazzo_document,
    openapi_for,
    write_documents,
    write_retry_and_goto,
)
from tests._support.html_page import HtmlPage, read_page, text_of
from tests._support.servers import Reply, ScriptedServer

TOKEN = "tok-ABCDEFGH-123"


def retry_run(tmp_path: Path, server: ScriptedServer, *, fail: bool) -> tuple[int, HtmlPage]:
    server.script("POST", "/token", Reply(200, {"access_token": TOKEN}))
    server.script(
        "GET", "/status", Reply(503, headers={"Retry-After": "0"}), Reply(200, {"up": True})
    )
    server.script("GET", "/items/7", Reply(500 if fail else 200, {"name": "seven", "n": [1, 2]}))
    path = write_retry_and_goto(tmp_path)
    report = tmp_path / "run.html"
    result = run_cli(
        "run", str(path), "--server", f"api={server.base_url}", "--report", f"html={report}"
    )
    return result.exit_code, read_page(report.read_text(encoding="utf-8"))


def executions(page: HtmlPage) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for element in page.find("details", "execution"):
        found.setdefault(element.attrs["data-step"], []).append(element)
    return found


@pytest.mark.parametrize("fail", [False, True])
def test_the_page_is_self_contained_and_shows_the_run(
    tmp_path: Path, server: ScriptedServer, fail: bool
) -> None:
    exit_code, page = retry_run(tmp_path, server, fail=fail)

    assert exit_code == (1 if fail else 0)
    assert page.source.startswith("<!DOCTYPE html>")
    assert page.unbalanced == []
    assert page.outside_references() == []
    (policy,) = [m for m in page.find("meta") if m.attrs.get("http-equiv")]
    assert "default-src 'none'" in policy.attrs["content"]
    assert f"arazzo-runner {arazzo_runner.__version__}" in page.source
    assert "flow.arazzo.yaml" in page.source

    # The graph: every step a node, each with its outcome in words.
    nodes = {n.attrs["data-node"]: n for n in page.find("g", "node")}
    assert {"step_login", "step_poll", "step_other", "step_fetch"} <= set(nodes)
    assert "not-run" in nodes["step_other"].classes
    assert "passed (retried)" in text_of(nodes["step_poll"])
    fetch = nodes["step_fetch"]
    assert ("failed" if fail else "passed") in fetch.classes
    taken = [p for p in page.find("path", "taken")]
    assert any("retry" in text_of(edge) for edge in taken)  # the retry loop of poll
    assert any("goto" in text_of(edge) for edge in taken)  # poll's jump to fetch

    # Steps: failed ones are marked and listed at the top with a link.
    steps = executions(page)
    assert list(steps) == ["login", "poll", "fetch"]
    failed = page.find("details", "step-failed")
    if fail:
        (only,) = failed
        assert only.attrs.get("open") is not None
        (link,) = [a for a in page.find("a") if a.attrs.get("href") == f"#{only.attrs['id']}"][:1]
        assert "fetch" in text_of(link)
        assert "$statusCode == 200 is false ($statusCode is 500)" in text_of(only)
    else:
        assert failed == []
        assert page.find("ul", "failed-list") == []

    # Criteria verdicts, per attempt.
    poll = text_of(steps["poll"][0])
    assert "Attempt 1 · FAILED · HTTP 503" in poll
    assert "Attempt 2 · passed · HTTP 200" in poll
    assert "then retry 1/3 after 0 s" in poll

    # Exchanges: headers masked, JSON bodies indented.
    assert '"name": "seven",' in page.source
    assert TOKEN not in page.source
    assert "Bearer ***" in page.source

    # Timeline: one row per attempt, the wait named after where it came from.
    rows = page.find("table", "timeline")[0]
    assert text_of(rows).count("poll") == 2
    assert "Retry-After" in text_of(rows)


def test_inputs_outputs_and_warnings_are_shown(tmp_path: Path, server: ScriptedServer) -> None:
    _, page = retry_run(tmp_path, server, fail=False)
    inputs = text_of(page.by_id("rio"))
    assert '"id": "7"' in inputs and '"name": "seven"' in inputs
    warnings = text_of(page.by_id("rwarnings"))
    assert "status-code-declared" in warnings  # the 503 is not in the description


def test_bodies_are_escaped_never_markup(tmp_path: Path, server: ScriptedServer) -> None:
    hostile = '<script>alert(1)</script><img src="http://example.com/x.png">'
    server.script("GET", "/items/7", Reply(200, hostile, {"Content-Type": "text/html"}))
    path = single_step(tmp_path)
    report = tmp_path / "run.html"

    run_cli("run", str(path), "--server", f"api={server.base_url}", "--report", f"html={report}")

    page = read_page(report.read_text(encoding="utf-8"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.source
    assert len(page.find("script")) == 1  # the report's own
    assert page.outside_references() == []


def single_step(tmp_path: Path, **step: Any) -> Path:
    document = arazzo_document(
        {
            "workflowId": "one",
            "steps": [
                {
                    "stepId": "get",
                    "operationId": "getItem",
                    "parameters": [{"name": "id", "in": "path", "value": "7"}],
                    "successCriteria": [{"condition": "$statusCode == 200"}],
                    **step,
                }
            ],
        }
    )
    api = openapi_for([("getItem", "get", "/items/{id}")])
    return write_documents(tmp_path, document, {"api.yaml": api})


def test_xml_bodies_are_laid_out(tmp_path: Path, server: ScriptedServer) -> None:
    xml = "<order><id>7</id><lines><line>a</line></lines></order>"
    server.script("GET", "/items/7", Reply(200, xml, {"Content-Type": "application/xml"}))
    report = tmp_path / "run.html"

    run_cli(
        "run", str(single_step(tmp_path)), "--server", f"api={server.base_url}",
        "--report", f"html={report}",
    )  # fmt: skip

    text = report.read_text(encoding="utf-8")
    assert "&lt;order&gt;\n  &lt;id&gt;7&lt;/id&gt;\n  &lt;lines&gt;" in text


def test_a_megabyte_body_is_cut_with_a_note(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/items/7", Reply(200, {"data": "x" * 2_000_000}))
    report = tmp_path / "run.html"

    run_cli(
        "run", str(single_step(tmp_path)), "--server", f"api={server.base_url}",
        "--report", f"html={report}",
    )  # fmt: skip

    text = report.read_text(encoding="utf-8")
    assert len(text) < 400_000
    assert "Body truncated: showing the first 65,536 of 2,000," in text


@pytest.mark.slow
def test_executions_past_the_limit_are_counted_not_detailed(
    tmp_path: Path, server: ScriptedServer
) -> None:
    # A step that goes back to itself until the server says 204: 320 executions, past the
    # 300 the page details (tests/unit/test_html_limits.py takes thousands, without sockets).
    server.script("GET", "/items/7", *([Reply(200, {"more": True})] * 319), Reply(204))
    loop = {
        "successCriteria": [{"condition": "$statusCode == 200 || $statusCode == 204"}],
        "onSuccess": [
            {
                "name": "again",
                "type": "goto",
                "stepId": "get",
                "criteria": [{"condition": "$statusCode == 200"}],
            }
        ],
    }
    report = tmp_path / "run.html"

    result = run_cli(
        "run", str(single_step(tmp_path, **loop)), "--server", f"api={server.base_url}",
        "--max-steps", "5000", "--report", f"html={report}", "-q",
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    page = read_page(text)
    assert len(page.find("details", "execution")) == 300
    assert "20 more step executions are not shown here" in text
    assert "passed x320" in text  # the graph counts every execution


def test_inputs_each_writes_one_page_or_one_per_line(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/items/1", Reply(200))
    server.script("GET", "/items/2", Reply(404))
    document = arazzo_document(
        {
            "workflowId": "one",
            "inputs": {"type": "object", "properties": {"id": {"type": "string"}}},
            "steps": [
                {
                    "stepId": "get",
                    "operationId": "getItem",
                    "parameters": [{"name": "id", "in": "path", "value": "$inputs.id"}],
                    "successCriteria": [{"condition": "$statusCode == 200"}],
                }
            ],
        }
    )
    path = write_documents(
        tmp_path, document, {"api.yaml": openapi_for([("getItem", "get", "/items/{id}")])}
    )
    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text('{"id": "1"}\n{"id": "2"}\n')

    run_cli(
        "run", str(path), "--server", f"api={server.base_url}", "--inputs-each", str(inputs),
        "--report", f"html={tmp_path / 'all.html'}",
        "--report", f"html={tmp_path / 'line-{line}.html'}",
    )  # fmt: skip

    combined = read_page((tmp_path / "all.html").read_text(encoding="utf-8"))
    assert combined.unbalanced == []
    assert "2 runs: 1 succeeded, 1 failed" in combined.source
    assert {s.attrs["id"] for s in combined.find("section", "run")} == {"run1", "run2"}
    ids = [e.attrs["id"] for e in combined.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids))  # every run's anchors apart
    assert len(combined.find("svg", "graph")) == 2
    second = read_page((tmp_path / "line-2.html").read_text(encoding="utf-8"))
    assert len(second.find("details", "step-failed")) == 1


def test_the_python_api_writes_the_same_reports(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/items/7", Reply(200, {"name": "seven"}))
    loaded = arazzo_runner.load(str(single_step(tmp_path)))
    reports = RunReports(loaded, {"html": tmp_path / "run.html", "json": tmp_path / "run.json"})

    result = loaded.run("one", {}, server_overrides={"api": server.base_url}, listener=reports)
    reports.write(result)

    page = read_page((tmp_path / "run.html").read_text(encoding="utf-8"))
    assert len(page.find("details", "step-passed")) == 1
    assert json.loads((tmp_path / "run.json").read_text())["exchanges"][0]["stepId"] == "get"


def test_the_python_api_refuses_an_unknown_kind_with_a_hint() -> None:
    with pytest.raises(arazzo_runner.UsageError) as caught:
        RunReports(None, {"htm": "x.html"})
    assert "did you mean 'html'?" in str(caught.value)
