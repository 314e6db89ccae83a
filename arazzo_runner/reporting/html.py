"""``--report html=FILE``: one self-contained HTML page that shows what a run did.

The page needs nothing from the network (its style sheet and its one small
script are inline, the graph is inline SVG drawn by :mod:`.html_graph`, and a
Content-Security-Policy forbids every fetch), so it opens offline and as a CI
artifact. It shows, in order: the result and where it came from (document,
engine version, time); the failed steps, linked; each workflow's graph with the
path the run took; a timeline of attempts and waits; every step execution with
its attempts, criteria verdicts, requests and responses; the inputs and outputs;
the warnings.

Secrets are masked as in every other report: bodies and headers through the
same helpers as the JSON and HAR reports, every other value with
:meth:`SecretMasker.mask_value`, and the finished page once more as text.

Large runs stay usable: a body is cut at :data:`MAX_BODY_CHARS`, only the first
:data:`MAX_DETAILED_EXECUTIONS` step executions are shown in full and only
:data:`MAX_TIMELINE_ROWS` attempts in the timeline, each cut saying so on the page.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..http.media_types import essence
from ..http.messages import header_value
from ..masking import SecretMasker
from ..results import Attempt, Status, StepResult, WorkflowResult
from .common import iso_time, masked_body
from .html_assets import CONTENT_SECURITY_POLICY, SCRIPT, STYLE
from .html_graph import edge_list, run_path, workflow_svg
from .progress import action_suffix, format_duration

if TYPE_CHECKING:
    from ..http.messages import Exchange
    from .recorder import RunRecorder

MAX_BODY_CHARS = 64 * 1024
"""A body longer than this (as text, after pretty-printing) is cut, with a note."""
MAX_PRETTY_CHARS = 1024 * 1024
"""Bodies up to this size are pretty-printed (JSON, XML); longer ones are shown as they came."""
MAX_HEADERS = 100
MAX_HEADER_VALUE = 2000
MAX_DETAILED_EXECUTIONS = 300
"""Step executions shown with their attempts and exchanges; later ones are only counted."""
MAX_TIMELINE_ROWS = 1000
MAX_VALUE_CHARS = 64 * 1024
"""Inputs, outputs and step outputs, as JSON, are cut at this many characters."""
MAX_FAILED_OPEN = 20
"""Failed steps shown open when the page loads; the others are a click away."""
MAX_FAILED_LISTED = 100


@dataclass
class Budget:
    """How much detail is left for the page, shared by every run on it."""

    executions: int = MAX_DETAILED_EXECUTIONS
    timeline: int = MAX_TIMELINE_ROWS
    failed_open: int = MAX_FAILED_OPEN


@dataclass
class Execution:
    """One step execution, where it sits on the page."""

    step: StepResult
    anchor: str
    depth: int
    detailed: bool


@dataclass
class _Run:
    """One top-level run, with everything its sections need."""

    result: WorkflowResult
    recorder: RunRecorder
    masker: SecretMasker
    prefix: str
    step_heading: str = "h3"
    """The heading of an attempt, an output or warnings list inside a step's section."""
    executions: list[Execution] = field(default_factory=list)
    left_out: int = 0


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pre(text: str) -> str:
    """Element text: quotes stay as they are, which keeps bodies legible in the page source."""
    return html.escape(text, quote=False)


# --------------------------------------------------------------------------- entry points


def render(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> str:
    budget = Budget()
    run = _Run(result, recorder, masker, "r")
    body = _run_body(run, budget, heading_level=1)
    title = f"{result.workflow_id} {result.status}"
    return _page(title, body, masker)


def render_many(
    runs: list[tuple[int | None, WorkflowResult, RunRecorder]], masker: SecretMasker
) -> str:
    """Every ``--inputs-each`` run on one page: a summary table, then each run."""
    budget = Budget()
    succeeded = sum(1 for _, result, _ in runs if result.succeeded)
    parts = [
        f"<h1>{len(runs)} runs: {succeeded} succeeded, {len(runs) - succeeded} failed</h1>",
        _meta([("engine", f"arazzo-runner {__version__}")]),
        '<table class="runs"><thead><tr><th scope="col">line</th><th scope="col">workflow</th>'
        '<th scope="col">result</th></tr></thead><tbody>',
    ]
    for index, (line, result, _) in enumerate(runs, 1):
        label = f"line {line}" if line is not None else f"run {index}"
        parts.append(
            f'<tr><td><a href="#run{index}">{_e(label)}</a></td>'
            f"<td><code>{_e(result.workflow_id)}</code></td><td>{_badge(result.status)}</td></tr>"
        )
    parts.append("</tbody></table>")
    for index, (line, result, recorder) in enumerate(runs, 1):
        label = f"line {line}" if line is not None else f"run {index}"
        run = _Run(result, recorder, masker, f"r{index}-", step_heading="h4")
        parts.append(
            f'<section class="run" id="run{index}" aria-label="{_e(label)}">'
            f"<h1>{_e(label)}</h1>{_run_body(run, budget, heading_level=2)}</section>"
        )
    return _page(f"{len(runs)} runs", "\n".join(parts), masker)


def _page(title: str, body: str, masker: SecretMasker) -> str:
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="arazzo-runner {_e(__version__)}">\n'
        f"<title>{_e(masker.mask(title))} — arazzo run report</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
    # Everything was masked on the way in; this catches a secret in a place that was not.
    return masker.mask(page)


# --------------------------------------------------------------------------- one run


def _run_body(run: _Run, budget: Budget, *, heading_level: int) -> str:
    _place_executions(run, budget)
    h = f"h{heading_level}"
    sub = f"h{heading_level + 2}"
    sections = [
        ("result", "Result", _summary_section(run, h)),
        ("failed", "Failed steps", _failed_section(run)),
        ("graph", "Graph", _graph_section(run, sub)),
        ("timeline", "Timeline", _timeline_section(run, budget)),
        ("steps", "Steps", _steps_section(run, budget)),
        ("io", "Inputs and outputs", _io_section(run, sub)),
        ("warnings", "Warnings", _warnings_section(run)),
    ]
    shown = [(key, title, content) for key, title, content in sections if content]
    nav = "".join(
        f'<li><a href="#{run.prefix}{key}">{title}</a></li>' for key, title, _ in shown[1:]
    )
    parts = []
    for key, title, content in shown:
        if key == "result":
            parts.append(f'<section id="{run.prefix}{key}">{content}</section>')
            parts.append(f'<nav aria-label="Sections"><ul>{nav}</ul></nav>')
        else:
            level = f"h{heading_level + 1}"
            parts.append(
                f'<section id="{run.prefix}{key}"><{level}>{title}</{level}>{content}</section>'
            )
    return "\n".join(parts)


def _walk(
    result: WorkflowResult, recorder: RunRecorder, depth: int = 0
) -> Iterator[tuple[int, StepResult]]:
    """Every step execution in the order it ran, nested workflows after their step."""
    for dependency in result.dependencies:
        yield from _walk(dependency, recorder, depth + 1)
    for step in result.steps:
        if step.status is Status.SKIPPED:
            continue
        yield depth, step
        for child in _runs_inside(step, recorder):
            yield from _walk(child, recorder, depth + 1)


def _runs_inside(step: StepResult, recorder: RunRecorder) -> list[WorkflowResult]:
    """The workflow runs inside a step execution, in order.

    The recorder saw them all (a step that calls a workflow and is retried ran it
    more than once); the result alone keeps the retries' workflows and the last call.
    """
    seen = recorder.step_runs(step)
    if seen is not None:
        return seen
    runs = [a.called_workflow for a in step.attempts if a.called_workflow is not None]
    return runs + ([step.called_workflow] if step.called_workflow is not None else [])


def _workflow_runs(result: WorkflowResult, recorder: RunRecorder) -> Iterator[WorkflowResult]:
    """``result`` and every workflow run inside it."""
    yield result
    for dependency in result.dependencies:
        yield from _workflow_runs(dependency, recorder)
    for step in result.steps:
        for child in _runs_inside(step, recorder):
            yield from _workflow_runs(child, recorder)


def _place_executions(run: _Run, budget: Budget) -> None:
    for number, (depth, step) in enumerate(_walk(run.result, run.recorder), 1):
        detailed = budget.executions > 0
        if detailed:
            budget.executions -= 1
        else:
            run.left_out += 1
        run.executions.append(Execution(step, f"{run.prefix}x{number}", depth, detailed))


# --------------------------------------------------------------------------- summary


def _badge(status: Status | str) -> str:
    text = {"succeeded": "✓ succeeded", "passed": "✓ passed", "failed": "✗ FAILED"}
    key = str(status)
    return f'<span class="badge {_e(key)}">{_e(text.get(key, key))}</span>'


def _step_badge(step: StepResult) -> str:
    return _badge("passed" if step.status is Status.SUCCEEDED else str(step.status))


def _meta(rows: list[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{_e(name)}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<dl class="meta">{items}</dl>'


def _summary_section(run: _Run, h: str) -> str:
    result, recorder = run.result, run.recorder
    workflow = recorder.workflows.get(result.workflow_id)
    timing = recorder.timing(result)
    executions = [e.step for e in run.executions]
    failed = sum(1 for s in executions if s.status is Status.FAILED)
    skipped = sum(1 for s in result.steps if s.status is Status.SKIPPED)
    attempts = sum(len(s.attempts) for s in executions)
    rows = [
        ("document", f"<code>{_e(workflow.file)}</code>" if workflow and workflow.file else "—"),
        ("engine", f"arazzo-runner {_e(__version__)}"),
        ("started", _e(iso_time(timing.started if timing else recorder.started) or "—")),
        ("duration", _e(format_duration(timing.duration_ms) if timing else "—")),
        (
            "steps",
            f"{len(executions)} executions ({failed} failed), {attempts} attempts, "
            f"{len(recorder.exchanges)} HTTP requests, {skipped} steps not run",
        ),
    ]
    if workflow is not None and workflow.summary:
        rows.insert(0, ("summary", _e(run.masker.mask(workflow.summary))))
    heading = f"<{h}>Workflow <code>{_e(result.workflow_id)}</code> {_badge(result.status)}</{h}>"
    error = ""
    if result.error is not None:
        where = f" in step <code>{_e(result.error.step_id)}</code>" if result.error.step_id else ""
        error = (
            f'<p class="failed"><strong>Why it failed{where}:</strong> '
            + _e(run.masker.mask(result.error.message))
            + "</p>"
        )
    return heading + _meta(rows) + error


def _failed_section(run: _Run) -> str:
    failed = [e for e in run.executions if e.step.status is Status.FAILED]
    if not failed:
        return ""
    items = []
    for execution in failed[:MAX_FAILED_LISTED]:
        step = execution.step
        where = _e(f"{step.workflow_id} / {step.step_id}" if execution.depth else step.step_id)
        reason = _e(run.masker.mask(step.error or step.stopped or "failed"))
        link = f'<a href="#{execution.anchor}">{where}</a>' if execution.detailed else where
        items.append(f"<li>{_badge('failed')} <code>{link}</code>: {reason}</li>")
    more = ""
    if len(failed) > MAX_FAILED_LISTED:
        more = f'<p class="note">and {len(failed) - MAX_FAILED_LISTED} more failed executions</p>'
    button = (
        '<p class="no-print"><button type="button" data-open-failed hidden>'
        "Open every failed step</button></p>"
    )
    return f'<ul class="failed-list">{"".join(items)}</ul>{more}{button}'


# --------------------------------------------------------------------------- graph


def _graph_section(run: _Run, h: str) -> str:
    anchors = {id(e.step): e.anchor for e in run.executions if e.detailed}
    by_workflow: dict[str, list[WorkflowResult]] = {}
    for result in _workflow_runs(run.result, run.recorder):
        by_workflow.setdefault(result.workflow_id, []).append(result)
    parts = []
    for number, (workflow_id, results) in enumerate(by_workflow.items(), 1):
        workflow = run.recorder.workflows.get(workflow_id)
        if workflow is None:
            continue
        path = run_path(workflow, results, anchors)
        title_id = f"{run.prefix}g{number}"
        svg = workflow_svg(workflow, path, title_id)
        edges = "".join(
            f"<tr><td>{_e(source)}</td><td>{_e(target)}</td><td>{_e(what)}</td>"
            f"<td>{'taken' if taken else ''}</td></tr>"
            for source, target, what, taken in edge_list(workflow, path)
        )
        runs = f" (ran {len(results)} times)" if len(results) > 1 else ""
        table = (
            "<details><summary>The graph as a table</summary><table><thead><tr>"
            '<th scope="col">from</th><th scope="col">to</th><th scope="col">edge</th>'
            f'<th scope="col">this run</th></tr></thead><tbody>{edges}</tbody></table></details>'
        )
        parts.append(
            f"<{h}>Workflow <code>{_e(workflow_id)}</code>{runs}</{h}>"
            f'<div class="graph-box">{svg}</div>{table}'
        )
    legend = (
        "<p>Thick edges are the path this run took; dashed edges are taken on failure. "
        "Each step says whether it passed, failed or did not run, and how often it ran; "
        "select a step to go to its details.</p>"
    )
    return legend + "".join(parts) if parts else ""


# --------------------------------------------------------------------------- timeline


def _timeline_section(run: _Run, budget: Budget) -> str:
    origin = run.recorder.started
    rows: list[tuple[str, Execution, Attempt, float | None, float, float, str]] = []
    for execution in run.executions:
        exchanges = run.recorder.step_exchanges(execution.step)
        for attempt in execution.step.attempts:
            exchange = exchanges.get(attempt.number)
            start = _offset_ms(exchange.started, origin) if exchange and origin else None
            wait, why = _wait(attempt, exchange)
            label = execution.step.step_id
            rows.append((label, execution, attempt, start, attempt.duration_ms or 0.0, wait, why))
    if not rows:
        return ""
    total = max(
        [(start or 0.0) + duration + wait for _, _, _, start, duration, wait, _ in rows] + [1.0]
    )
    shown = rows[: budget.timeline]
    budget.timeline = max(budget.timeline - len(shown), 0)
    body = []
    for label, execution, attempt, start, duration, wait, why in shown:
        outcome = "passed" if attempt.status is Status.SUCCEEDED else "failed"
        link = f'<a href="#{execution.anchor}">{_e(label)}</a>' if execution.detailed else _e(label)
        wait_text = f"{wait / 1000:g} s ({_e(why)})" if why else ""
        body.append(
            f"<tr><td><code>{link}</code></td><td>{attempt.number}</td>"
            f"<td>{_e(_ms(start))}</td><td>{_e(format_duration(duration))}</td>"
            f"<td>{wait_text}</td><td>{_badge(outcome)}</td>"
            f'<td class="bar">{_bar(start, duration, wait, total, outcome)}</td></tr>'
        )
    note = ""
    if len(shown) < len(rows):
        note = (
            f'<p class="note">The timeline shows the first {len(shown)} of {len(rows)} '
            "attempts; the JSON report has them all.</p>"
        )
    return (
        "<p>Each attempt: when it started (from the start of the run), how long it took, "
        "and the wait before the next try (<code>Retry-After</code> or the action's "
        "<code>retryAfter</code>). In the bars, solid is the request and hatched the wait.</p>"
        '<table class="timeline"><thead><tr><th scope="col">step</th>'
        '<th scope="col">attempt</th><th scope="col">started</th><th scope="col">took</th>'
        '<th scope="col">then waited</th><th scope="col">outcome</th>'
        f'<th scope="col">time</th></tr></thead><tbody>{"".join(body)}</tbody></table>{note}'
    )


def _offset_ms(moment: datetime, origin: datetime) -> float:
    return max((moment - origin).total_seconds() * 1000, 0.0)


def _wait(attempt: Attempt, exchange: Exchange | None) -> tuple[float, str]:
    action = attempt.action
    if action is None or action.type != "retry":
        return 0.0, ""
    response = exchange.response if exchange else None
    told = response is not None and response.header("retry-after") is not None
    return (action.retry_after or 0.0) * 1000, "Retry-After" if told else "retryAfter"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"+{format_duration(value)}"


def _bar(start: float | None, duration: float, wait: float, total: float, outcome: str) -> str:
    if start is None:
        return ""
    spans = [
        f'<span class="run {outcome}" style="left:{start / total * 100:.3f}%;'
        f'width:{duration / total * 100:.3f}%"></span>'
    ]
    if wait:
        spans.append(
            f'<span class="wait" style="left:{(start + duration) / total * 100:.3f}%;'
            f'width:{wait / total * 100:.3f}%"></span>'
        )
    return f'<div class="track" aria-hidden="true">{"".join(spans)}</div>'


# --------------------------------------------------------------------------- steps


def _steps_section(run: _Run, budget: Budget) -> str:
    parts = []
    for execution in run.executions:
        if execution.detailed:
            parts.append(_execution(run, execution, budget))
    if run.left_out:
        parts.append(
            f'<p class="note">{run.left_out} more step executions are not shown here, to keep '
            f"this page usable (it shows the first {MAX_DETAILED_EXECUTIONS} of a run); the "
            "timeline lists them and the JSON report has every one.</p>"
        )
    return "\n".join(parts)


def _execution(run: _Run, execution: Execution, budget: Budget) -> str:
    step = execution.step
    failed = step.status is Status.FAILED
    is_open = ""
    if failed and budget.failed_open > 0:
        budget.failed_open -= 1
        is_open = " open"
    masker = run.masker
    where = f"{step.workflow_id} / {step.step_id}" if execution.depth else step.step_id
    request = (
        f"{step.method.upper()} {masker.mask_url(step.url)}" if step.method and step.url else ""
    )
    facts = [
        f"HTTP {step.status_code}" if step.status_code is not None else "",
        format_duration(step.duration_ms),
        f"{len(step.attempts)} attempts" if len(step.attempts) > 1 else "",
        action_suffix(step.action),
    ]
    summary = (
        f"{_step_badge(step)} <code>{_e(where)}</code> "
        f'<span class="mono">{_e(request)}</span> '
        f"{_e(' · '.join(f for f in facts if f))}"
    )
    parts = [
        f'<details class="execution {"step-failed" if failed else "step-passed"}" '
        f'id="{execution.anchor}" data-step="{_e(step.step_id)}"{is_open}>'
        f"<summary>{summary}</summary>"
    ]
    if step.error:
        parts.append(f'<p class="failed"><strong>Why:</strong> {_e(masker.mask(step.error))}</p>')
    if step.stopped:
        parts.append(f'<p class="failed"><strong>Stopped:</strong> {_e(step.stopped)}</p>')
    exchanges = run.recorder.step_exchanges(step)
    for attempt in step.attempts:
        parts.append(_attempt(run, attempt, exchanges.get(attempt.number), len(step.attempts)))
    if step.message is not None:
        parts.append(_message(step.message, masker))
    if step.outputs:
        h = run.step_heading
        parts.append(f"<{h}>Outputs</{h}>" + _json_block(step.outputs, masker))
    if step.warnings:
        items = "".join(f"<li>{_e(masker.mask(w))}</li>" for w in step.warnings)
        h = run.step_heading
        parts.append(f'<{h}>Warnings</{h}><ul class="warning">{items}</ul>')
    if step.called_workflow is not None:
        called = step.called_workflow
        parts.append(
            f"<p>Called workflow <code>{_e(called.workflow_id)}</code>: "
            f"{_badge(called.status)} (its steps follow)</p>"
        )
    parts.append("</details>")
    return "".join(parts)


def _attempt(run: _Run, attempt: Attempt, exchange: Exchange | None, attempts: int) -> str:
    masker = run.masker
    head = [f"Attempt {attempt.number}" if attempts > 1 else "Attempt"]
    head.append("passed" if attempt.status is Status.SUCCEEDED else "FAILED")
    if attempt.status_code is not None:
        head.append(f"HTTP {attempt.status_code}")
    head.append(format_duration(attempt.duration_ms))
    then = action_suffix(attempt.action)
    if then:
        head.append(f"then {then}")
    h = run.step_heading
    parts = [f"<{h}>{_e(' · '.join(part for part in head if part))}</{h}>"]
    if attempt.error and attempts > 1:
        parts.append(f'<p class="failed">{_e(masker.mask(attempt.error))}</p>')
    if attempt.criteria:
        rows = "".join(
            f"<tr><td>{_badge('passed' if c.passed else 'failed')}</td>"
            f"<td><code>{_e(masker.mask(c.condition))}</code>"
            f"{f' ({_e(c.type)})' if c.type else ''}</td>"
            f"<td>{_e(masker.mask(c.detail))}</td></tr>"
            for c in attempt.criteria
        )
        parts.append(
            '<table class="criteria"><caption class="mono">successCriteria</caption>'
            '<thead><tr><th scope="col">verdict</th><th scope="col">criterion</th>'
            f'<th scope="col">why</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    if exchange is not None:
        parts.append(_exchange(exchange, masker))
    return "".join(parts)


def _message(message: dict[str, Any], masker: SecretMasker) -> str:
    """An AsyncAPI step's message: where it went or came from, its headers and payload."""
    address = str(message.get("address") or "")
    direction = "sent to" if message.get("action") == "send" else "received on"
    summary = f"Message {direction} {address}".rstrip()
    return (
        f'<details class="exchange"><summary>{_e(masker.mask(summary))}</summary>'
        f"{_json_block(message, masker)}</details>"
    )


def _exchange(exchange: Exchange, masker: SecretMasker) -> str:
    request, response = exchange.request, exchange.response
    line = f"{request.method.upper()} {masker.mask_url(request.full_url)}"
    outcome = (
        f"HTTP {response.status_code} {response.reason}".rstrip()
        if response is not None
        else f"no response: {masker.mask(exchange.error or '')}"
    )
    summary = f"Request and response: {line} → {outcome} ({format_duration(exchange.elapsed_ms)})"
    parts = [
        f'<details class="exchange"><summary>{_e(summary)}</summary>',
        f'<h4>Request</h4><p class="mono">{_e(line)}</p>',
        _headers(request.headers, masker),
        _body(request.content, request.headers, masker),
    ]
    if response is not None:
        status = f"{response.http_version} {response.status_code} {response.reason}".strip()
        parts += [
            f'<h4>Response</h4><p class="mono">{_e(status)}</p>',
            _headers(response.headers, masker),
            _body(response.content, response.headers, masker),
        ]
    else:
        parts.append(f'<h4>Response</h4><p class="failed">{_e(outcome)}</p>')
    if exchange.checks:
        rows = "".join(
            f"<tr><td>{_e(c.name)}</td><td>{_e(c.outcome)}</td><td>{_e(c.severity)}</td>"
            f"<td>{_e(masker.mask(c.message))}</td></tr>"
            for c in exchange.checks
        )
        parts.append(
            '<h4>Response checks</h4><table><thead><tr><th scope="col">check</th>'
            '<th scope="col">outcome</th><th scope="col">severity</th>'
            f'<th scope="col">message</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    parts.append("</details>")
    return "".join(parts)


def _headers(headers: list[tuple[str, str]], masker: SecretMasker) -> str:
    if not headers:
        return "<p>No headers.</p>"
    shown = masker.mask_headers(headers[:MAX_HEADERS])
    rows = "".join(
        f'<tr><th scope="row" class="mono">{_e(name)}</th>'
        f'<td class="mono">{_e(_cut(value, MAX_HEADER_VALUE))}</td></tr>'
        for name, value in shown
    )
    more = ""
    if len(headers) > MAX_HEADERS:
        more = f'<p class="note">{len(headers) - MAX_HEADERS} more headers not shown.</p>'
    return f'<table class="headers">{rows}</table>{more}'


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters)"


def _body(content: bytes | None, headers: list[tuple[str, str]], masker: SecretMasker) -> str:
    if not content:
        return "<p>No body.</p>"
    text, is_base64 = masked_body(content, masker)
    if is_base64:
        described = f"{len(content)} bytes of binary data, shown as base64"
    else:
        text = _pretty(text, essence(header_value(headers, "content-type") or ""))
        described = f"{len(content)} bytes"
    note = ""
    if len(text) > MAX_BODY_CHARS:
        note = (
            f'<p class="note">Body truncated: showing the first {MAX_BODY_CHARS:,} of '
            f"{len(text):,} characters. The JSON and HAR reports keep the whole body.</p>"
        )
        text = text[:MAX_BODY_CHARS]
    return f'<p class="mono">{_e(described)}</p><pre class="body">{_pre(text)}</pre>{note}'


def _pretty(text: str, media_type: str) -> str:
    """JSON indented and XML laid out, when the body is small enough to do it quickly."""
    if len(text) > MAX_PRETTY_CHARS:
        return text
    if media_type.endswith("json") or media_type.endswith("+json"):
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            return text
    if media_type.endswith("xml"):
        return _pretty_xml(text)
    return text


def _pretty_xml(text: str) -> str:
    from xml.dom import minidom
    from xml.parsers.expat import ExpatError

    try:
        document = minidom.parseString(text)
    except (ExpatError, ValueError):
        return text
    pretty = document.toprettyxml(indent="  ")
    lines = [line for line in pretty.splitlines() if line.strip()]
    if not text.lstrip().startswith("<?xml"):
        lines = lines[1:]  # toprettyxml adds a declaration the body did not have
    return "\n".join(lines)


def _json_block(value: Any, masker: SecretMasker) -> str:
    text = json.dumps(masker.mask_value(value), indent=2, ensure_ascii=False, default=str)
    note = ""
    if len(text) > MAX_VALUE_CHARS:
        note = (
            f'<p class="note">Truncated: showing the first {MAX_VALUE_CHARS:,} of '
            f"{len(text):,} characters.</p>"
        )
        text = text[:MAX_VALUE_CHARS]
    return f"<pre>{_pre(masker.mask(text))}</pre>{note}"


# --------------------------------------------------------------------------- inputs, outputs


def _io_section(run: _Run, h: str) -> str:
    inputs = run.recorder.inputs
    outputs = run.result.outputs
    return (
        f"<{h}>Inputs</{h}>"
        + (_json_block(inputs, run.masker) if inputs else "<p>None.</p>")
        + f"<{h}>Outputs</{h}>"
        + (_json_block(outputs, run.masker) if outputs else "<p>None.</p>")
    )


def _warnings_section(run: _Run) -> str:
    items = [
        f"<li><code>{_e(e.step.step_id)}</code>: {_e(run.masker.mask(w))}</li>"
        for e in run.executions
        for w in e.step.warnings
    ]
    if not items:
        return ""
    return f'<ul class="warning">{"".join(items)}</ul>'
