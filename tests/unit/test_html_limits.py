"""The HTML report of very large runs stays small and quick to write.

The engine runs for real, through the Python API, but answers come from an
in-process transport: thousands of steps without thousands of sockets.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx2

import arazzo_runner
from arazzo_runner import RunOptions, RunReports
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.html_page import read_page

LOOPS = 3000


def looping_document(tmp_path: Path) -> Path:
    """A step that goes back to itself while the answer is 200, and ends on 204."""
    document = arazzo_document(
        {
            "workflowId": "loop",
            "steps": [
                {
                    "stepId": "tick",
                    "operationId": "tick",
                    "successCriteria": [{"condition": "$statusCode == 200 || $statusCode == 204"}],
                    "onSuccess": [
                        {
                            "name": "again",
                            "type": "goto",
                            "stepId": "tick",
                            "criteria": [{"condition": "$statusCode == 200"}],
                        }
                    ],
                }
            ],
        }
    )
    api = openapi_for([("tick", "get", "/tick")])
    return write_documents(tmp_path, document, {"api.yaml": api})


def test_thousands_of_executions_and_megabyte_bodies(tmp_path: Path) -> None:
    answered = 0
    big = b'{"data": "' + b"x" * 1_500_000 + b'"}'

    def handler(request: httpx2.Request) -> httpx2.Response:
        nonlocal answered
        answered += 1
        if answered == LOOPS:
            return httpx2.Response(204)
        # Every hundredth answer is 1.5 MB, the others small.
        body = big if answered % 100 == 0 else b'{"more": true}'
        return httpx2.Response(200, content=body, headers={"Content-Type": "application/json"})

    loaded = arazzo_runner.load(str(looping_document(tmp_path)))
    report = tmp_path / "run.html"
    reports = RunReports(loaded, {"html": report})
    options = RunOptions(
        server_overrides={"api": "http://api.test"}, max_step_executions=LOOPS + 10
    )
    with httpx2.Client(transport=httpx2.MockTransport(handler)) as client:
        result = loaded.run("loop", options=options, listener=reports, client=client)
    assert result.succeeded

    started = time.perf_counter()
    reports.write(result)
    elapsed = time.perf_counter() - started

    text = report.read_text(encoding="utf-8")
    assert elapsed < 20, f"writing the report took {elapsed:.1f} s"
    assert len(text) < 5_000_000, f"the page is {len(text):,} characters"
    page = read_page(text)
    assert page.unbalanced == []
    assert len(page.find("details", "execution")) == 300
    assert f"{LOOPS - 300} more step executions are not shown here" in text
    assert f"The timeline shows the first 1000 of {LOOPS} attempts" in text
    assert text.count("Body truncated: showing the first 65,536 of 1,500,0") == 3
    assert f"passed x{LOOPS}" in text
