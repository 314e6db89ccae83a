"""The CLI's own behaviour: exit codes and how errors and results are printed."""

from __future__ import annotations

import io

import pytest

from arazzo_runner import api, cli
from arazzo_runner.document.model import Step, Workflow
from arazzo_runner.errors import DocumentError, SourceLocation, UsageError
from arazzo_runner.masking import SecretMasker
from arazzo_runner.reporting.progress import Progress, print_summary
from arazzo_runner.results import Attempt, RunError, Status, StepResult, WorkflowResult


def test_an_internal_error_is_reported_as_a_bug_with_exit_code_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "load", broken)
    assert cli.main(["run", "anything.yaml"]) == 70
    stderr = capsys.readouterr().err
    assert "RuntimeError: boom" in stderr
    assert "internal error (a bug); please report it" in stderr


def test_interrupt_exits_with_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "load", interrupted)
    assert cli.main(["run", "anything.yaml"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_format_error_puts_the_location_first() -> None:
    located = DocumentError("bad", location=SourceLocation("a.yaml", 3, 7), hint="fix it")
    assert cli.format_error(located) == "a.yaml:3:7: error: bad\n  hint: fix it"
    assert cli.format_error(UsageError("no")) == "error: no"


def test_format_error_masks_the_secrets_of_the_run() -> None:
    masker = SecretMasker()
    masker.add("tok-SECRET-1234567890")
    error = UsageError("bad value 'Bearer tok-SECRET-1234567890'")
    assert cli.format_error(error, masker) == "error: bad value 'Bearer ***'"
    assert "tok-SECRET" in cli.format_error(error)  # no run, no masker


def test_text_progress_and_summary() -> None:
    stream = io.StringIO()
    progress = Progress(stream, live=False, colour=False)
    first, second = Step("first", "/first"), Step("second", "/second")
    progress.workflow_started(Workflow("w", "/w", [first, second]), {})
    progress.step_started(first, None)
    progress.step_finished(
        StepResult(
            "first",
            Status.SUCCEEDED,
            "GET",
            "http://h/x",
            200,
            attempts=[Attempt(1, Status.SUCCEEDED, 200, duration_ms=3.2)],
        )
    )
    progress.step_started(second, None)
    progress.step_finished(
        StepResult("second", Status.FAILED, "POST", "http://h/y", None, error="cannot connect")
    )
    result = WorkflowResult(
        "w",
        Status.FAILED,
        {"count": 2, "name": "x", "none": None},
        [StepResult("first", Status.SUCCEEDED), StepResult("third", Status.SKIPPED)],
        RunError("cannot connect", "second"),
    )
    progress.workflow_finished(result)
    print_summary(result, stream)
    assert stream.getvalue().splitlines() == [
        "first   GET    http://h/x  200  passed  (3 ms)",
        "second  POST   http://h/y  ---  FAILED",
        "    cannot connect",
        "skipped: third",
        "workflow w failed",
        "outputs:",
        "  count: 2",
        '  name: "x"',
        "  none: null",
    ]
    quiet = io.StringIO()
    print_summary(result, quiet, quiet=True)
    assert quiet.getvalue().splitlines()[:2] == [
        "workflow w failed",
        "  step second: cannot connect",
    ]
