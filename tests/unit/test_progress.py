"""Terminal progress: the piped text of a real run (snapshot), live lines, colour, -v and -q."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from arazzo_runner.document.model import Step, Workflow
from arazzo_runner.http.messages import Exchange, PreparedRequest, ResponseRecord
from arazzo_runner.masking import SecretMasker
from arazzo_runner.reporting.progress import (
    Progress,
    Verbosity,
    action_suffix,
    body_preview,
    wants_colour,
)
from arazzo_runner.results import ActionTaken, Attempt, Status, StepResult
from tests._support.cli import run_cli
from tests._support.documents import write_retry_and_goto
from tests._support.servers import Reply, ScriptedServer


def normalise(text: str, base_url: str) -> str:
    text = text.replace(base_url, "http://HOST")
    text = re.sub(r"\(\d+ ms\)", "(T)", text)
    text = re.sub(r"\d+(\.\d+)? (ms|s) total", "T total", text)
    return text


PIPED_SNAPSHOT = """\
login  POST   http://HOST/token  200  passed  (T)
poll   GET    http://HOST/status  503  FAILED  (T)  retry 1/3 after 0 s
poll   GET    http://HOST/status  503  FAILED  (T)  retry 2/3 after 0 s
poll   GET    http://HOST/status  200  passed  (T)  goto fetch  (3 attempts, T total)
fetch  GET    http://HOST/items/7  200  passed  (T)  end
skipped: other
workflow flow succeeded
outputs:
  name: "seven"
"""


def test_piped_text_of_a_run_with_a_retry_and_a_goto(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("POST", "/token", Reply(200, {"access_token": "tok-ABCDEFGH-123"}))
    server.script("GET", "/status", Reply(503), Reply(503), Reply(200, {"up": True}))
    server.script("GET", "/items/7", Reply(200, {"name": "seven"}))
    path = write_retry_and_goto(tmp_path)

    result = run_cli("run", str(path), "--server", f"api={server.base_url}")

    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\r" not in result.stdout  # piped: plain lines
    assert normalise(result.stdout, server.base_url) == PIPED_SNAPSHOT


def test_quiet_prints_only_the_result(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("POST", "/token", Reply(200, {"access_token": "tok-ABCDEFGH-123"}))
    server.script("GET", "/status", Reply(200))
    server.script("GET", "/items/7", Reply(200, {"name": "seven"}))
    path = write_retry_and_goto(tmp_path)

    result = run_cli("run", str(path), "-q", "--server", f"api={server.base_url}")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == 'workflow flow succeeded\noutputs:\n  name: "seven"\n'


def test_verbose_prints_requests_and_responses_with_secrets_masked(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("POST", "/token", Reply(200, {"access_token": "tok-ABCDEFGH-123"}))
    server.script("GET", "/status", Reply(200))
    server.script("GET", "/items/7", Reply(200, {"name": "seven"}))
    path = write_retry_and_goto(tmp_path)

    result = run_cli("run", str(path), "-v", "--server", f"api={server.base_url}")

    assert result.exit_code == 0, result.stderr
    out = normalise(result.stdout, server.base_url)
    assert "    > GET http://HOST/items/7\n    > Authorization: Bearer ***\n" in out
    assert '    <   {"access_token": "***"}' in out  # a token a response returns
    assert "    < HTTP/1.1 200 OK (T)" in out
    assert "tok-ABCDEFGH-123" not in result.stdout + result.stderr


def step(step_id: str) -> Step:
    return Step(step_id, f"/workflows/0/steps/{step_id}")


def request(url: str = "http://h/x") -> PreparedRequest:
    return PreparedRequest("GET", url, [("Authorization", "Bearer abcdefgh")], [], None)


def test_live_progress_rewrites_the_running_line_in_place() -> None:
    stream = io.StringIO()
    progress = Progress(stream, live=True, colour=False)
    first = step("first")
    progress.workflow_started(Workflow("w", "/w", [first]), {})
    progress.step_started(first, request())
    assert stream.getvalue() == "first  GET    http://h/x  running..."
    progress.step_finished(
        StepResult(
            "first",
            Status.SUCCEEDED,
            "GET",
            "http://h/x",
            200,
            attempts=[Attempt(1, Status.SUCCEEDED, 200, duration_ms=5)],
        )
    )
    assert stream.getvalue().endswith("\r\x1b[2Kfirst  GET    http://h/x  200  passed  (5 ms)\n")


def test_nested_workflows_are_indented() -> None:
    stream = io.StringIO()
    progress = Progress(stream, live=False, colour=False)
    call, inner = Step("call", "/c", workflow_id="child"), step("inner")
    progress.workflow_started(Workflow("parent", "/p", [call]), {})
    progress.step_started(call, None)
    progress.workflow_started(Workflow("child", "/c", [inner]), {})
    progress.step_started(inner, request())
    progress.step_finished(StepResult("inner", Status.SUCCEEDED, "GET", "http://h/x", 200))
    from arazzo_runner.results import WorkflowResult

    progress.workflow_finished(WorkflowResult("child", Status.SUCCEEDED))
    progress.step_finished(StepResult("call", Status.SUCCEEDED))
    assert stream.getvalue().splitlines() == [
        "  workflow child",
        "  inner  GET    http://h/x  200  passed",
        "  workflow child succeeded",
        "call  workflow child  passed",
    ]


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_colour(Terminal())
    assert not wants_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(Terminal())
    assert Progress(Terminal()).live  # live lines do not depend on colour


def test_body_preview_is_bounded_and_masked() -> None:
    masker = SecretMasker()
    masker.add("s3cr3t-value")
    body = b'{"key": "s3cr3t-value"}' + b"x" * 3000
    lines = body_preview(body, masker, 2048)
    assert lines[0].startswith('{"key": "***"}xxx')
    assert lines[-1] == f"... ({len(body) - len(b's3cr3t-value') + 3 - 2048} bytes more)"
    assert body_preview(b"\x00\x01", masker, 2048) == ["(2 bytes of binary data)"]


def test_verbose_exchange_lines() -> None:
    stream = io.StringIO()
    masker = SecretMasker()
    progress = Progress(
        stream, verbosity=Verbosity.VERBOSE, live=False, colour=False, masker=masker
    )
    first = step("first")
    progress.workflow_started(Workflow("w", "/w", [first]), {})
    sent = PreparedRequest(
        "POST", "http://h/x", [("Authorization", "Bearer abcdefgh")], [], b'{"a": 1}'
    )
    progress.step_started(first, sent)
    progress.exchange(
        Exchange(
            "w",
            "first",
            1,
            sent,
            datetime.now(UTC),
            ResponseRecord(201, [("Set-Cookie", "sid=xyz123; Path=/")], b"ok", reason="Created"),
            elapsed_ms=4,
        )
    )
    progress.step_finished(StepResult("first", Status.SUCCEEDED, "POST", "http://h/x", 201))
    assert stream.getvalue().splitlines()[1:] == [
        "    > POST http://h/x",
        "    > Authorization: Bearer ***",
        '    >   {"a": 1}',
        "    < HTTP/1.1 201 Created (4 ms)",
        "    < Set-Cookie: sid=***; Path=/",
        "    <   ok",
    ]


@pytest.mark.parametrize(
    ("action", "text"),
    [
        (
            ActionTaken("retry", "a", retry_after=1, retry_number=2, retry_limit=3),
            "retry 2/3 after 1 s",
        ),
        (ActionTaken("goto", "g", step_id="x"), "goto x"),
        (ActionTaken("goto", "g", workflow_id="other"), "goto workflow other"),
        (ActionTaken("end", "e"), "end"),
        (ActionTaken("next"), ""),
    ],
)
def test_action_suffix(action: ActionTaken, text: str) -> None:
    assert action_suffix(action) == text


def test_a_warning_of_a_running_step_follows_its_line_on_a_terminal() -> None:
    stream, errors = io.StringIO(), io.StringIO()
    progress = Progress(stream, live=True, colour=False)
    first = step("first")
    progress.workflow_started(Workflow("w", "/w", [first]), {})
    progress.step_started(first, request())
    progress.warn("warning: step 'first': something odd", errors)
    assert errors.getvalue() == ""  # held until the step's line is printed
    progress.step_finished(StepResult("first", Status.SUCCEEDED, "GET", "http://h/x", 200))

    assert stream.getvalue().endswith("\r\x1b[2Kfirst  GET    http://h/x  200  passed\n")
    assert errors.getvalue() == "warning: step 'first': something odd\n"
