"""The HTML report opened in a real browser: headless Chromium, offline, over DevTools.

These check what is *rendered*: the failed step is marked and visible, the graph
is drawn, an exchange's body is hidden until its summary is clicked, nothing is
fetched. Each test keeps a screenshot (see tests/_support/browser.py for where).
Without Chromium they skip, saying so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests._support.browser import Page, artifact_dir, chromium_or_skip, chromium_page
from tests._support.cli import run_cli
from tests._support.documents import write_retry_and_goto
from tests._support.paths import ROOT, WORKFLOW
from tests._support.servers import Reply, ScriptedServer
from tests._support.sessions import workflow_args

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    chromium_or_skip()


def write_report(tmp_path: Path, server: ScriptedServer, *, fail: bool) -> Path:
    server.script("POST", "/token", Reply(200, {"access_token": "tok-ABCDEFGH-123"}))
    server.script(
        "GET", "/status", Reply(503, headers={"Retry-After": "0"}), Reply(200, {"up": True})
    )
    body = (
        {"error": "boom", "detail": "the item is broken"}
        if fail
        else {"name": "seven", "colour": "teal-marker"}
    )
    server.script("GET", "/items/7", Reply(500 if fail else 200, body))
    path = write_retry_and_goto(tmp_path)
    report = tmp_path / "run.html"
    result = run_cli(
        "run", str(path), "--server", f"api={server.base_url}", "--report", f"html={report}"
    )
    assert result.exit_code == (1 if fail else 0), result.stderr
    return report


def visible(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return false; const r = e.getBoundingClientRect();"
            " return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';"
            " })()"
        )
    )


def graph_facts(page: Page) -> dict[str, Any]:
    facts: dict[str, Any] = page.evaluate(
        """(() => {
        const svg = document.querySelector('svg.graph');
        const box = svg.getBoundingClientRect();
        const nodes = [...svg.querySelectorAll('g.node')].map(g => ({
            id: g.dataset.node, cls: g.getAttribute('class'),
            width: g.getBBox().width, text: g.textContent}));
        const taken = [...svg.querySelectorAll('path.edge.taken')].map(p => ({
            width: parseFloat(getComputedStyle(p).strokeWidth), length: p.getTotalLength()}));
        return {width: box.width, height: box.height, nodes, taken};
        })()"""
    )
    return facts


@pytest.mark.parametrize("fail", [False, True])
def test_the_report_renders_offline_with_its_graph_and_marks(
    tmp_path: Path, server: ScriptedServer, fail: bool
) -> None:
    report = write_report(tmp_path, server, fail=fail)

    with chromium_page() as page:
        page.open(report)
        # Nothing was fetched: the page is all there is.
        assert page.evaluate("performance.getEntriesByType('resource').length") == 0

        graph = graph_facts(page)
        assert graph["width"] > 200 and graph["height"] > 300
        nodes = {node["id"]: node for node in graph["nodes"]}
        assert all(node["width"] > 100 for node in nodes.values())
        assert "passed (retried)" in nodes["step_poll"]["text"]
        assert graph["taken"] and all(edge["length"] > 0 for edge in graph["taken"])
        assert all(edge["width"] >= 3 for edge in graph["taken"])

        failed = page.evaluate(
            "[...document.querySelectorAll('details.step-failed')].map(d => "
            "[d.dataset.step, d.open, getComputedStyle(d).borderTopWidth, "
            "d.querySelector('summary').innerText])"
        )
        if fail:
            ((step, is_open, border, summary),) = failed
            assert step == "fetch" and is_open
            assert float(border.removesuffix("px")) >= 3  # marked in shape, not only colour
            assert "FAILED" in summary
            assert "fail" in nodes["step_fetch"]["cls"] and "FAILED" in nodes["step_fetch"]["text"]
            assert visible(page, "#rfailed .failed-list a")
        else:
            assert failed == []
            assert "passed" in nodes["step_fetch"]["cls"]

        # An exchange's body is hidden until its summary is clicked.
        body_text = "the item is broken" if fail else "teal-marker"
        selector = "details[data-step='fetch'] details.exchange"
        assert page.evaluate(f"document.querySelector({json.dumps(selector)}).open") is False
        shown_before = page.evaluate("document.body.innerText")
        assert body_text not in shown_before
        page.evaluate(
            f"document.querySelector({json.dumps(selector)}).scrollIntoView();"
            f"document.querySelector({json.dumps(selector + ' > summary')}).click()"
        )
        if not fail:  # a passed step is closed too: open it first, as a reader would
            page.evaluate("document.querySelector(\"details[data-step='fetch']\").open = true")
        assert page.evaluate(f"document.querySelector({json.dumps(selector)}).open") is True
        assert body_text in page.evaluate("document.body.innerText")
        assert visible(page, f"{selector} pre.body")

        page.screenshot(artifact_dir() / f"html-report-{'failing' if fail else 'passing'}.png")


def test_the_keyboard_reaches_the_failed_step_and_opens_an_exchange(
    tmp_path: Path, server: ScriptedServer
) -> None:
    report = write_report(tmp_path, server, fail=True)

    with chromium_page() as page:
        page.open(report)
        # Tab from the top of the page to the failed step's link in the list, follow it.
        for _ in range(40):
            page.tab()
            if page.evaluate("document.activeElement.matches('#rfailed .failed-list a')"):
                break
        else:
            pytest.fail("Tab never reached the link to the failed step")
        page.enter()
        assert page.evaluate("location.hash") == "#rx3"
        assert page.evaluate("document.querySelector('#rx3').dataset.step") == "fetch"

        # Then on with Tab to the exchange's summary, and Enter opens it.
        exchange = "#rx3 details.exchange > summary"
        page.evaluate("document.querySelector('#rx3 > summary').focus()")
        for _ in range(20):
            page.tab()
            if page.evaluate(f"document.activeElement.matches({json.dumps(exchange)})"):
                break
        else:
            pytest.fail("Tab never reached the exchange of the failed step")
        page.enter()
        assert "the item is broken" in page.evaluate("document.body.innerText")


def test_the_report_prints(tmp_path: Path, server: ScriptedServer) -> None:
    report = write_report(tmp_path, server, fail=True)

    with chromium_page() as page:
        page.open(report)
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF")
        (artifact_dir() / "html-report-failing.pdf").write_bytes(pdf)
        page.send("Emulation.setEmulatedMedia", media="print")
        # On paper: no navigation or buttons, no scroll boxes that would cut the graph.
        assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
        overflow = page.evaluate("getComputedStyle(document.querySelector('.graph-box')).overflowY")
        assert overflow == "visible"
        assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"


def test_the_ibm_workflow_report(tmp_path: Path, sessions_server: Any) -> None:
    """The report of docs/reports.md: the IBM workflow against the repository's stand-in."""
    report = tmp_path / "ibm.html"
    # Run from the repository, so that the page names the document as a reader would.
    relative = str(WORKFLOW.relative_to(ROOT))
    args = workflow_args(sessions_server, "--report", f"html={report}", workflow=relative)
    result = run_cli(*args, cwd=ROOT)
    assert result.exit_code == 0, result.stderr

    with chromium_page(width=1100, height=900) as page:
        page.open(report)
        graph = graph_facts(page)
        assert [n["id"] for n in graph["nodes"]][1:4] == [
            "step_getSession",
            "step_updateSession",
            "step_confirmSession",
        ]
        assert all("passed" in n["cls"] for n in graph["nodes"][1:4])
        assert "demo-token" not in page.evaluate("document.documentElement.outerHTML")
        # Open the first step and its exchange, as the screenshot in docs/reports.md shows.
        page.evaluate(
            "const first = document.querySelector(\"details[data-step='getSession']\");"
            "first.open = true; first.querySelector('details.exchange').open = true;"
        )
        assert "Bearer ***" in page.evaluate("document.body.innerText")
        page.screenshot(artifact_dir() / "html-report-ibm.png")
