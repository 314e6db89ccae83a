"""``--report junit=FILE``: JUnit XML, as CI systems read it.

One ``<testsuite>`` per workflow run (nested ones included: dependencies,
workflows called by steps, goto and retry targets), one ``<testcase>`` per
step execution (``classname`` = workflowId, ``name`` = stepId; a step that a
goto runs again appears again; retries of a step are one execution, listed
in its ``<system-out>``). A failed step has ``<failure message="reason">``,
a step that did not run ``<skipped/>``; times are in seconds.

With ``--inputs-each`` one file holds every line's runs, in line order, their
suites and test cases named ``workflowId (line N)``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..masking import SecretMasker
from ..results import Status
from .common import iso_time
from .progress import action_suffix, format_duration

if TYPE_CHECKING:
    from ..results import StepResult, WorkflowResult
    from .recorder import RunRecorder

# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def workflow_runs(result: WorkflowResult) -> list[WorkflowResult]:
    """Every workflow run in ``result``: dependencies first, then it, then what its steps ran."""
    runs: list[WorkflowResult] = []
    seen: set[int] = set()

    def visit(run: WorkflowResult) -> None:
        if id(run) in seen:
            return
        seen.add(id(run))
        for dependency in run.dependencies:
            visit(dependency)
        runs.append(run)
        for step in run.steps:
            for attempt in step.attempts:
                if attempt.called_workflow is not None:
                    visit(attempt.called_workflow)
            if step.called_workflow is not None:
                visit(step.called_workflow)

    visit(result)
    return runs


def _seconds(ms: float | None) -> str:
    return f"{(ms or 0.0) / 1000:.3f}"


_COUNTS = ("tests", "failures", "skipped")


def build(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> ET.Element:
    return build_many([(None, result, recorder)], masker)


def build_many(
    runs: list[tuple[int | None, WorkflowResult, RunRecorder]], masker: SecretMasker
) -> ET.Element:
    """One ``<testsuites>`` for several top-level runs, each numbered by its input line.

    With a line, suite and test case names carry ``(line N)`` so that CI systems,
    which key test cases by class and name, keep every line's steps apart.
    """

    def text(value: str) -> str:
        return _NOT_XML.sub("\ufffd", masker.mask(value))

    root = ET.Element("testsuites", name="arazzo")
    totals = dict.fromkeys(_COUNTS, 0)
    total_ms = 0.0
    for line, result, recorder in runs:
        for run in workflow_runs(result):
            suite, duration = _suite(root, run, recorder, text, line)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
            if run is result:
                total_ms += duration
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    root.set("time", _seconds(total_ms))
    return root


def _suite(
    root: ET.Element,
    run: WorkflowResult,
    recorder: RunRecorder,
    text: Callable[[str], str],
    line: int | None,
) -> tuple[ET.Element, float]:
    """The ``<testsuite>`` of one workflow run, and its duration in milliseconds."""
    name = text(run.workflow_id if line is None else f"{run.workflow_id} (line {line})")
    suite = ET.SubElement(root, "testsuite", name=name)
    timing = recorder.timing(run)
    duration = timing.duration_ms if timing else sum(s.duration_ms or 0 for s in run.steps)
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="status", value=str(run.status))
    if line is not None:
        ET.SubElement(properties, "property", name="line", value=str(line))
    for step in run.steps:
        _testcase(suite, name, step, text)
    if run.error is not None and not run.succeeded:
        where = f"step {run.error.step_id}: " if run.error.step_id else ""
        ET.SubElement(suite, "system-err").text = text(where + run.error.message)
    statuses = [step.status for step in run.steps]
    suite.set("tests", str(len(statuses)))
    suite.set("failures", str(statuses.count(Status.FAILED)))
    suite.set("errors", "0")
    suite.set("skipped", str(statuses.count(Status.SKIPPED)))
    suite.set("time", _seconds(duration))
    if timing is not None:
        suite.set("timestamp", iso_time(timing.started) or "")
    return suite, duration


def _testcase(
    suite: ET.Element, classname: str, step: StepResult, text: Callable[[str], str]
) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        classname=classname,
        name=text(step.step_id),
        time=_seconds(step.duration_ms),
    )
    if step.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message="not run")
        return
    if step.status is Status.FAILED:
        reasons = [step.error or "failed"]
        if step.stopped is not None and step.stopped != step.error:
            reasons.append(step.stopped)  # the run limit or interrupt that ended the run here
        reason = text("; ".join(reasons))
        ET.SubElement(case, "failure", message=reason, type="StepFailed").text = reason
    ET.SubElement(case, "system-out").text = text(_step_details(step))


def _step_details(step: StepResult) -> str:
    lines = []
    if step.method or step.url:
        lines.append(f"{step.method or ''} {step.url or ''}".strip())
    for attempt in step.attempts:
        code = attempt.status_code if attempt.status_code is not None else "---"
        action = action_suffix(attempt.action)
        line = f"attempt {attempt.number}: {code} {attempt.status}"
        if attempt.duration_ms is not None:
            line += f" ({format_duration(attempt.duration_ms)})"
        if action:
            line += f", {action}"
        if attempt.error and attempt.number < len(step.attempts):
            line += f": {attempt.error}"
        lines.append(line)
    lines += _message_lines(step.message)
    return "\n".join(lines)


def _message_lines(message: dict[str, Any] | None) -> list[str]:
    """An AsyncAPI step's message: its headers and payload (masked with the rest)."""
    if not message or "payload" not in message:
        return []
    verb = "sent" if message.get("action") == "send" else "received"
    lines = [f"message {verb} on {message.get('address')}"]
    if message.get("ignored"):
        lines.append(f"  other messages that did not match: {message['ignored']}")
    lines += [f"  {name}: {value}" for name, value in (message.get("headers") or {}).items()]
    lines.append(f"  {json.dumps(message['payload'], ensure_ascii=False, default=str)}")
    return lines


def render(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> str:
    return _xml(build(result, recorder, masker))


def render_many(
    runs: list[tuple[int | None, WorkflowResult, RunRecorder]], masker: SecretMasker
) -> str:
    return _xml(build_many(runs, masker))


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
