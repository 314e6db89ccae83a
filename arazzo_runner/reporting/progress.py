"""Terminal progress for ``arazzo run``: live on a terminal, plain lines in a pipe.

On a terminal (a TTY whose ``TERM`` is not ``dumb``) each step shows a
"running" line as it starts, rewritten in place (carriage return and
erase-line, no curses) when it ends. Piped, there are no control characters:
one line per step attempt as it ends. Colour is used only on a terminal and
never when ``NO_COLOR`` is set. Steps of nested workflows (called by a step,
``dependsOn``, goto and retry targets) are indented under a ``workflow`` line.

Verbosity: :attr:`Verbosity.QUIET` prints nothing while running (only the
final result, see :func:`print_summary`); :attr:`Verbosity.VERBOSE` adds every
request and response (method, URL, headers, a bounded body preview).

Every line goes through the run's :class:`~arazzo_runner.masking.SecretMasker`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, TextIO

from ..engine import RunListener
from ..masking import SecretMasker
from ..results import Status
from .common import body_text
from .terminal import is_terminal, wants_colour

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..document import Step, Workflow
    from ..http.messages import Exchange, PreparedRequest
    from ..results import ActionTaken, StepResult, WorkflowResult


class Verbosity(Enum):
    """How much a run prints while it goes (``-q``, the default, ``-v``)."""

    QUIET = "quiet"
    NORMAL = "normal"
    VERBOSE = "verbose"


BODY_PREVIEW_BYTES = 2048
FAILURE_BODY_BYTES = 1024
"""How much of a failed step's response body is shown without ``-v``."""
INDENT = "  "

_RESET = "\x1b[0m"
_STYLES = {"ok": "\x1b[32m", "fail": "\x1b[31m", "retry": "\x1b[33m", "dim": "\x1b[2m"}
_CLEAR_LINE = "\r\x1b[2K"


def format_duration(ms: float | None) -> str:
    if ms is None:
        return ""
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"


def format_seconds(seconds: float | None) -> str:
    seconds = seconds or 0.0
    return f"{seconds:g} s"


def action_suffix(action: ActionTaken | None) -> str:
    """The action as a progress line shows it: ``goto x``, ``end``, ``retry 2/3 after 1 s``."""
    if action is None:
        return ""
    if action.type == "retry":
        count = ""
        if action.retry_number is not None and action.retry_limit is not None:
            count = f" {action.retry_number}/{action.retry_limit}"
        return f"retry{count} after {format_seconds(action.retry_after)}"
    if action.type == "goto":
        if action.step_id is not None:
            return f"goto {action.step_id}"
        return f"goto workflow {action.workflow_id}"
    if action.type == "end":
        return "end"
    return ""  # next, fail and return are what a line already says


@dataclass
class _OpenStep:
    step_id: str
    depth: int
    width: int
    method: str = ""
    target: str = ""
    exchange: Exchange | None = None
    attempt: int = 1
    details: list[str] = field(default_factory=list)
    """``-v`` lines of the attempt, printed under its line when it ends."""


@dataclass
class _OpenWorkflow:
    workflow: Workflow
    width: int
    children: list[str] = field(default_factory=list)


class Progress(RunListener):
    """Prints the progress of a run (see the module documentation)."""

    wants_exchanges = True
    """The engine builds exchange records only for listeners that want them."""

    def __init__(
        self,
        stream: TextIO,
        *,
        verbosity: Verbosity = Verbosity.NORMAL,
        live: bool | None = None,
        colour: bool | None = None,
        masker: SecretMasker | None = None,
        body_limit: int = BODY_PREVIEW_BYTES,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """``live`` and ``colour`` default to what ``stream`` and ``environ`` (the
        process's environment when omitted) allow: see :mod:`.terminal`."""
        self.stream = stream
        self.verbosity = verbosity
        self.live = is_terminal(stream, environ) if live is None else live
        self.colour = wants_colour(stream, environ) if colour is None else colour
        self.masker = masker or SecretMasker(enabled=False)
        self.body_limit = body_limit
        self._workflows: list[_OpenWorkflow] = []
        self._steps: list[_OpenStep] = []
        self._running_shown = False
        self._warnings: list[tuple[str, TextIO]] = []
        """Warnings of the open steps, printed after the line of the step they belong to."""

    def warn(self, text: str, stream: TextIO) -> None:
        """Print a warning found during the run on ``stream``, between step lines.

        A warning of a step that is still running waits for the step's line (and
        its error): what failed comes before what it left behind, such as a null
        output. On a terminal the running line is erased first, never glued to it.
        """
        self._warnings.append((text, stream))
        if not self._steps:
            self._print_warnings()
            self._redraw()

    # -- events

    def workflow_started(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        width = max((len(s.step_id) for s in workflow.steps), default=0)
        if self._workflows and self.verbosity is not Verbosity.QUIET:
            self._line(f"{self._indent(len(self._workflows))}workflow {workflow.workflow_id}")
        self._workflows.append(_OpenWorkflow(workflow, width))
        self._redraw()

    def workflow_finished(self, result: WorkflowResult) -> None:
        if self._workflows:
            self._workflows.pop()
        if self._workflows and self.verbosity is not Verbosity.QUIET:
            verdict = self._style("ok" if result.succeeded else "fail", str(result.status))
            self._line(
                f"{self._indent(len(self._workflows))}workflow {result.workflow_id} {verdict}"
            )
        self._redraw()

    def step_started(self, step: Step, request: PreparedRequest | None) -> None:
        depth = max(len(self._workflows) - 1, 0)
        width = self._workflows[-1].width if self._workflows else len(step.step_id)
        open_step = _OpenStep(step.step_id, depth, width)
        if request is not None:
            open_step.method = request.method.upper()
            open_step.target = request.full_url
        elif step.workflow_id is not None:
            open_step.target = f"workflow {step.workflow_id}"
        self._steps.append(open_step)
        self._redraw()

    def exchange(self, exchange: Exchange) -> None:
        open_step = self._find(exchange.step_id)
        if open_step is not None:
            open_step.exchange = exchange
            open_step.method = exchange.request.method.upper()
            open_step.target = exchange.request.full_url
        if self.verbosity is Verbosity.VERBOSE:
            depth = open_step.depth if open_step is not None else 0
            lines = self._exchange_lines(exchange, self._indent(depth) + "    ")
            if open_step is not None:
                open_step.details += lines
            else:  # pragma: no cover - an exchange always belongs to an open step
                self._lines(lines)

    def action_taken(self, step: Step, action: ActionTaken) -> None:
        if action.type != "retry":
            return
        open_step = self._find(step.step_id)
        if open_step is None or self.verbosity is Verbosity.QUIET:
            return
        exchange = open_step.exchange
        code = self._code(exchange.response.status_code if exchange and exchange.response else None)
        elapsed = format_duration(exchange.elapsed_ms) if exchange is not None else ""
        self._line(
            self._step_line(
                open_step,
                code,
                self._style("fail", "FAILED"),
                elapsed,
                self._style("retry", action_suffix(action)),
            )
        )
        if exchange is not None and exchange.error:
            self._line(f"{self._indent(open_step.depth)}    {exchange.error}")
        self._lines(open_step.details)
        self._print_warnings()
        open_step.details = []
        open_step.attempt += 1
        open_step.exchange = None
        self._redraw()

    def step_finished(self, result: StepResult) -> None:
        open_step = self._pop(result.step_id)
        if self.verbosity is Verbosity.QUIET:
            return
        if open_step is None:  # a run limit stopped the step before it started
            width = self._workflows[-1].width if self._workflows else 0
            open_step = _OpenStep(result.step_id, max(len(self._workflows) - 1, 0), width)
        if result.method:
            open_step.method = result.method
        if result.url:
            open_step.target = result.url
        if self._announced_stop(open_step, result):
            self._lines(open_step.details)
            self._print_warnings()
            self._redraw()
            return
        passed = result.status is Status.SUCCEEDED
        verdict = self._style("ok", "passed") if passed else self._style("fail", "FAILED")
        last = result.attempts[-1] if result.attempts else None
        duration = last.duration_ms if last is not None else result.duration_ms
        extra = action_suffix(result.action)
        if len(result.attempts) > 1:
            total = f"{len(result.attempts)} attempts, {format_duration(result.duration_ms)} total"
            extra = f"{extra}  ({total})" if extra else f"({total})"
        # A message has no status code to show.
        code = self._code(result.status_code) if open_step.method and not result.message else ""
        self._line(self._step_line(open_step, code, verdict, format_duration(duration), extra))
        if result.error:
            self._line(f"{self._indent(open_step.depth)}    {result.error}")
        if result.stopped and result.stopped != result.error:
            self._line(f"{self._indent(open_step.depth)}    {self._stop_reason(result)}")
        if not passed and self.verbosity is not Verbosity.VERBOSE:
            self._lines(self._failed_response(open_step))  # -v shows the whole exchange
        if result.message and "payload" in result.message and self.verbosity is Verbosity.VERBOSE:
            self._lines(self._message_lines(result.message, self._indent(open_step.depth) + "    "))
        self._lines(open_step.details)
        self._print_warnings()
        self._redraw()

    def _failed_response(self, open_step: _OpenStep) -> list[str]:
        """What the server said to a failed step: a bounded, masked excerpt of its body."""
        exchange = open_step.exchange
        response = exchange.response if exchange is not None else None
        if response is None or not response.content:
            return []
        indent = self._indent(open_step.depth) + "    "
        preview = body_preview(response.content, self.masker, FAILURE_BODY_BYTES)
        reason = f" {response.reason}" if response.reason else ""
        lines = [f"{indent}response {response.status_code}{reason}:"]
        return lines + [f"{indent}  {line}" for line in preview]

    def _announced_stop(self, open_step: _OpenStep, result: StepResult) -> bool:
        """A run stopped before the step's first attempt, or while it waited to retry:
        one line says so, and no attempt that was never sent is shown."""
        if result.stopped is None:
            return False
        last = result.attempts[-1] if result.attempts else None
        waiting = last is not None and last.action is not None and last.action.type == "retry"
        if last is not None and not waiting:
            return False
        where = f"{self._indent(open_step.depth)}{open_step.step_id:<{open_step.width}}"
        self._line(f"{where}  {self._style('fail', 'STOPPED')}  {self._stop_reason(result)}")
        return True

    @staticmethod
    def _stop_reason(result: StepResult) -> str:
        if result.stopped == "interrupted":
            last = result.attempts[-1] if result.attempts else None
            if last is not None and last.action is not None and last.action.type == "retry":
                return "interrupted while waiting to retry"
            return "interrupted"
        return result.stopped or ""

    # -- lines

    def _step_line(
        self, open_step: _OpenStep, code: str, verdict: str, duration: str, extra: str
    ) -> str:
        step_id = open_step.step_id
        method = f"{open_step.method:<6} " if open_step.method else ""
        parts = [
            f"{self._indent(open_step.depth)}{step_id:<{open_step.width}}  {method}"
            f"{open_step.target}",
            code,
            verdict,
        ]
        if duration:
            parts.append(self._style("dim", f"({duration})"))
        if extra:
            parts.append(extra)
        return "  ".join(p for p in parts if p)

    def _code(self, status_code: int | None) -> str:
        return str(status_code) if status_code is not None else "---"

    def _running_line(self) -> str | None:
        if not self._steps:
            return None
        open_step = self._steps[-1]
        state = "running" if open_step.attempt == 1 else f"attempt {open_step.attempt}, running"
        line = self._step_line(open_step, "", f"{state}...", "", "")
        # Longer than the terminal, it would wrap, and erasing the line would erase only its end.
        width = shutil.get_terminal_size().columns - 1
        if len(line) > width:
            line = line[: max(width - 3, 0)] + "..."
        return self._style("dim", line)

    def _exchange_lines(self, exchange: Exchange, indent: str) -> list[str]:
        masker = self.masker
        request = exchange.request
        lines = [f"{indent}> {request.method.upper()} {masker.mask_url(request.full_url)}"]
        lines += [f"{indent}> {n}: {v}" for n, v in masker.mask_headers(request.headers)]
        lines += [f"{indent}>   {line}" for line in self._preview(request.content)]
        response = exchange.response
        if response is None:
            lines.append(
                f"{indent}< no response: {exchange.error or 'unknown error'} "
                f"({format_duration(exchange.elapsed_ms)})"
            )
            return lines
        reason = f" {response.reason}" if response.reason else ""
        lines.append(
            f"{indent}< {response.http_version} {response.status_code}{reason} "
            f"({format_duration(exchange.elapsed_ms)})"
        )
        lines += [f"{indent}< {n}: {v}" for n, v in masker.mask_headers(response.headers)]
        lines += [f"{indent}<   {line}" for line in self._preview(response.content)]
        return lines

    def _message_lines(self, message: Mapping[str, Any], indent: str) -> list[str]:
        """``-v`` for a message step: the message sent or received, masked."""
        arrow = ">" if message.get("action") == "send" else "<"
        verb = "sent to" if arrow == ">" else "received on"
        lines = [f"{indent}{arrow} {verb} {message.get('address')} at {message.get('broker')}"]
        ignored = message.get("ignored")
        if ignored:
            plural = "s" if ignored != 1 else ""
            lines.append(f"{indent}{arrow} ({ignored} other message{plural} did not match)")
        headers = [(str(k), str(v)) for k, v in (message.get("headers") or {}).items()]
        lines += [f"{indent}{arrow} {n}: {v}" for n, v in self.masker.mask_headers(headers)]
        if "payload" in message:
            payload = message["payload"]
            text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
            lines += [f"{indent}{arrow}   {line}" for line in self._preview(text.encode("utf-8"))]
        return lines

    def _preview(self, content: bytes | None) -> list[str]:
        return body_preview(content, self.masker, self.body_limit)

    def _style(self, name: str, text: str) -> str:
        if not self.colour or not text:
            return text
        return f"{_STYLES[name]}{text}{_RESET}"

    @staticmethod
    def _indent(depth: int) -> str:
        return INDENT * depth

    # -- output

    def _find(self, step_id: str) -> _OpenStep | None:
        for open_step in reversed(self._steps):
            if open_step.step_id == step_id:
                return open_step
        return None

    def _pop(self, step_id: str) -> _OpenStep | None:
        for index in range(len(self._steps) - 1, -1, -1):
            if self._steps[index].step_id == step_id:
                return self._steps.pop(index)
        return None

    def _clear_running(self) -> None:
        if self._running_shown:
            self.stream.write(_CLEAR_LINE)
            self._running_shown = False

    def _redraw(self) -> None:
        if not self.live or self.verbosity is Verbosity.QUIET:
            return
        line = self._running_line()
        self._clear_running()
        if line is not None:
            self.stream.write(self.masker.mask(line))
            self._running_shown = True
        self.stream.flush()

    def _print_warnings(self) -> None:
        if not self._warnings:
            return
        self._clear_running()
        self.stream.flush()  # the step's line before the warning, should both be the terminal
        for text, stream in self._warnings:
            stream.write(self.masker.mask(text) + "\n")
            stream.flush()
        self._warnings = []

    def _line(self, text: str) -> None:
        self._lines([text])

    def _lines(self, lines: list[str]) -> None:
        self._clear_running()
        for text in lines:
            self.stream.write(self.masker.mask(text.rstrip()) + "\n")
        self.stream.flush()


def body_preview(content: bytes | None, masker: SecretMasker, limit: int) -> list[str]:
    """The first ``limit`` bytes of a body as text lines, secrets masked, with a size marker."""
    if not content:
        return []
    masked = masker.mask_bytes(content)
    text = body_text(masked)
    if text is None:
        return [f"({len(content)} bytes of binary data)"]
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        shown, rest = text, 0
    else:
        shown = encoded[:limit].decode("utf-8", errors="ignore")
        rest = len(encoded) - len(shown.encode("utf-8"))
    # Mask again: the cut may not split a secret into an unmasked prefix.
    lines = masker.mask(shown).splitlines() or [""]
    if rest:
        lines.append(f"... ({rest} bytes more)")
    return lines


def print_summary(
    result: WorkflowResult,
    stream: TextIO,
    masker: SecretMasker | None = None,
    *,
    quiet: bool = False,
) -> None:
    """The final result: skipped steps, the workflow's status, why it failed, its outputs.

    Quiet, the skipped steps are left out and the reason for a failure is always
    given (no step line showed it); otherwise the reason is given only when no
    step line did (a failed dependency, a run limit).
    """
    masker = masker or SecretMasker(enabled=False)
    lines = []
    skipped_ids = [s.step_id for s in result.steps if s.status is Status.SKIPPED]
    if skipped_ids and not quiet:
        lines.append(f"skipped: {', '.join(skipped_ids)}")
    lines.append(f"workflow {result.workflow_id} {result.status}")
    error = result.error
    # A run limit is named even when a step line showed it: it is why the run ended.
    shown = error is not None and error.step_id is not None and error.stopped_by is None
    if error is not None and not result.succeeded and (quiet or not shown):
        where = f"step {error.step_id}: " if error.step_id else ""
        lines.append(f"  {where}{error.message}")
    if result.outputs:
        lines.append("outputs:")
        for name, value in masker.mask_value(result.outputs).items():
            lines.append(f"  {name}: {json.dumps(value, ensure_ascii=False, default=str)}")
    for line in lines:
        print(masker.mask(line), file=stream)
