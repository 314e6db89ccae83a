"""The HTML report's graph: nested workflows, dependencies and retries drawn as they ran."""

from __future__ import annotations

from pathlib import Path

import httpx2

import arazzo_runner
from arazzo_runner import RunOptions, RunReports
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.html_page import HtmlPage, read_page, text_of


def nested_document(tmp_path: Path) -> Path:
    tick = {"operationId": "tick", "successCriteria": [{"condition": "$statusCode == 200"}]}
    document = arazzo_document(
        {"workflowId": "child", "steps": [{"stepId": "c1", **tick}]},
        {"workflowId": "prep", "steps": [{"stepId": "p1", "operationId": "tick"}]},
        {
            "workflowId": "main",
            "dependsOn": ["prep"],
            "steps": [
                {
                    "stepId": "call",
                    "workflowId": "child",
                    "onFailure": [
                        {"name": "fix", "type": "retry", "workflowId": "prep", "retryLimit": 1}
                    ],
                },
                {
                    "stepId": "last",
                    "operationId": "tick",
                    "successCriteria": [
                        {"condition": "$statusCode == 200"},
                        {"context": "$response.body", "condition": "$.ok", "type": "jsonpath"},
                    ],
                },
            ],
        },
    )
    api = openapi_for([("tick", "get", "/tick")])
    return write_documents(tmp_path, document, {"api.yaml": api})


def run_nested(tmp_path: Path) -> HtmlPage:
    answered = 0

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal answered
        answered += 1
        # prep's p1, then child's c1 fails once: the call is retried after prep runs again.
        return httpx2.Response(500 if answered == 2 else 200, json={"ok": True})

    loaded = arazzo_runner.load(str(nested_document(tmp_path)))
    reports = RunReports(loaded, {"html": tmp_path / "run.html"})
    options = RunOptions(server_overrides={"api": "http://api.test"})
    with httpx2.Client(transport=httpx2.MockTransport(handler)) as client:
        result = loaded.run("main", options=options, listener=reports, client=client)
    assert result.succeeded
    reports.write(result)
    return read_page((tmp_path / "run.html").read_text(encoding="utf-8"))


def test_every_workflow_that_ran_has_its_graph(tmp_path: Path) -> None:
    page = run_nested(tmp_path)

    assert len(page.find("svg", "graph")) == 3
    headings = [text_of(h) for h in page.find("h3")]
    assert "Workflow main" in headings
    assert "Workflow prep (ran 2 times)" in headings
    assert "Workflow child (ran 2 times)" in headings


def test_dependencies_and_retry_workflows_count_as_runs(tmp_path: Path) -> None:
    page = run_nested(tmp_path)

    nodes = {n.attrs["data-node"]: text_of(n) for n in page.find("g", "node")}
    # In main's graph, prep ran first as a dependency and again before the retry.
    assert "passed x2" in nodes["wf_prep"]
    assert "passed (retried)" in nodes["step_call"]
    taken = [text_of(p) for p in page.find("path", "edge", "taken")]
    assert any(t.startswith("depends edge: dependsOn") for t in taken)
    assert any(t.startswith("failure edge: retry fix") for t in taken)
    assert any(t.startswith("failure edge: then retry") for t in taken)


def test_every_run_of_a_retried_call_is_shown(tmp_path: Path) -> None:
    page = run_nested(tmp_path)

    steps = [d.attrs["data-step"] for d in page.find("details", "execution")]
    # prep (a dependency), call, its first child run (failed), prep again (the retry's
    # workflow), the second child run, last.
    assert steps == ["p1", "call", "c1", "p1", "c1", "last"]
    assert len(page.find("details", "step-failed")) == 1
    nodes = {n.attrs["data-node"]: text_of(n) for n in page.find("g", "node")}
    assert "FAILED 1 of 2" in nodes["step_c1"]


def test_each_criterion_has_its_verdict(tmp_path: Path) -> None:
    page = run_nested(tmp_path)

    (last,) = [d for d in page.find("details", "execution") if d.attrs["data-step"] == "last"]
    text = text_of(last)
    assert "$statusCode == 200 (simple)" not in text
    assert "$.ok (jsonpath)" in text
    assert text.count("✓ passed") >= 3  # the step and its two criteria
