"""Running one workflow once per line of a JSON Lines file, several at a time.

``arazzo run FILE --inputs-each INPUTS.jsonl --concurrency N`` reads every
line first: each non-blank line must be a JSON object of inputs, and each
merged set must satisfy the workflow's inputs schema. One bad line stops the
batch before anything is sent (exit code 2, naming the line). The runs then
share one ``httpx2.AsyncClient`` whose connection pool holds N connections,
and at most N runs are in flight at once.

Results are reported in input order (a run's line is written as soon as it
and every run above it have finished), so the output is the same however
the runs interleave; each carries the 1-based ``line`` it came from.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TextIO

from .errors import InputError, UsageError
from .http.transport import new_async_client

if TYPE_CHECKING:
    import httpx2

    from .api import LoadedArazzo
    from .document import Workflow
    from .engine import RunListener, RunOptions
    from .results import WorkflowResult


@dataclass(frozen=True)
class InputLine:
    """One run's inputs and the 1-based line of the file they came from."""

    line: int
    inputs: dict[str, Any]


@dataclass
class BatchReport:
    """Every run's result, in input order, and how long the batch took."""

    results: list[tuple[InputLine, WorkflowResult]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def succeeded(self) -> int:
        return sum(1 for _, result in self.results if result.succeeded)

    @property
    def failed(self) -> int:
        return len(self.results) - self.succeeded

    @property
    def all_succeeded(self) -> bool:
        return self.failed == 0


ResultSink = Callable[[InputLine, "WorkflowResult"], None]
Masker = Callable[[Any], Any]
"""Hides secrets in what is printed (``SecretMasker.mask_value``); the identity by default."""


def _unmasked(value: Any) -> Any:
    return value


def check_input_lines(
    loaded: LoadedArazzo, workflow: Workflow, lines: list[InputLine], source: str
) -> list[InputLine]:
    """Apply defaults and validate every line before the first request is sent."""
    name = "standard input" if source == "-" else source
    checked: list[InputLine] = []
    for item in lines:
        try:
            # The document's own cached validator: each run checks its inputs again.
            values = loaded.prepare_inputs(workflow, loaded.document, item.inputs)
        except InputError as exc:
            hint = exc.hint or f"each line of {name} is the inputs of one run, as a JSON object"
            raise InputError(f"{name} line {item.line}: {exc.message}", hint=hint) from None
        checked.append(InputLine(item.line, values))
    return checked


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class BatchRun:
    """One workflow run once per input line, at most ``concurrency`` runs at once.

    ``sink`` receives each result in input order as soon as it can; ``listener``
    hears every run's events (the runs interleave); ``listener_for`` gives a
    listener of one line's run only (a report's recorder, which must not see
    the exchanges of the runs beside it).
    """

    loaded: LoadedArazzo
    workflow: Workflow
    options: RunOptions
    concurrency: int = 1
    sink: ResultSink | None = None
    listener: RunListener | None = None
    listener_for: Callable[[InputLine], RunListener | None] | None = None

    def run(self, lines: list[InputLine]) -> BatchReport:
        """Run every line; blocks until all are done."""
        return asyncio.run(self.arun(lines))

    async def arun(self, lines: list[InputLine]) -> BatchReport:
        """:meth:`run` on a running event loop."""
        if self.concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        width = min(self.concurrency, len(lines))
        transport = replace(self.options.transport(), max_connections=width)
        clock = self.options.clock
        started = clock.monotonic()
        ordered = _InOrder(lines, self.sink)
        queue: asyncio.Queue[int] = asyncio.Queue()
        for index in range(len(lines)):
            queue.put_nowait(index)
        async with new_async_client(transport) as client:
            try:
                # A TaskGroup stops every worker when one raises (a document problem
                # found while preparing the first run stops the whole batch).
                async with asyncio.TaskGroup() as group:
                    for _ in range(width):
                        group.create_task(self._worker(queue, client, ordered))
            except BaseExceptionGroup as errors:
                raise errors.exceptions[0] from None
        return BatchReport(ordered.in_order(), clock.monotonic() - started)

    async def _worker(
        self, queue: asyncio.Queue[int], client: httpx2.AsyncClient, ordered: _InOrder
    ) -> None:
        while not queue.empty():
            index = queue.get_nowait()
            item = ordered.lines[index]
            result = await self.loaded.arun(
                self.workflow.workflow_id,
                item.inputs,
                client=client,
                options=self.options,
                listener=self._listener(item),
            )
            ordered.finished(index, result)

    def _listener(self, item: InputLine) -> RunListener | None:
        own = self.listener_for(item) if self.listener_for is not None else None
        if own is None:
            return self.listener
        if self.listener is None:
            return own
        from .engine import Listeners

        return Listeners([self.listener, own])


class _InOrder:
    """Hands results to the sink in input order, as soon as the order allows."""

    def __init__(self, lines: list[InputLine], sink: ResultSink | None) -> None:
        self.lines = lines
        self.sink = sink
        self.done: dict[int, WorkflowResult] = {}
        self.next_index = 0

    def finished(self, index: int, result: WorkflowResult) -> None:
        self.done[index] = result
        while self.next_index in self.done:
            if self.sink is not None:
                self.sink(self.lines[self.next_index], self.done[self.next_index])
            self.next_index += 1

    def in_order(self) -> list[tuple[InputLine, WorkflowResult]]:
        return [(self.lines[i], self.done[i]) for i in sorted(self.done)]


# --------------------------------------------------------------------------- reporting


def json_line(item: InputLine, result: WorkflowResult, mask: Masker = _unmasked) -> str:
    """One run as a single JSON line: its input line number, then the usual result."""
    document = mask({"line": item.line, **result.to_json()})
    # default=str, as for a single run: YAML values JSON cannot hold still print.
    return json.dumps(document, ensure_ascii=False, default=str)


def failure_line(item: InputLine, result: WorkflowResult) -> str:
    where = f" at step '{result.error.step_id}'" if result.error and result.error.step_id else ""
    reason = result.error.message.splitlines()[0] if result.error else "failed"
    return f"line {item.line}: {result.workflow_id} failed{where}: {reason}"


def print_batch_summary(report: BatchReport, stream: TextIO, mask: Masker = _unmasked) -> None:
    for item, result in report.results:
        if not result.succeeded:
            print(mask(failure_line(item, result)), file=stream)
    total = len(report.results)
    rate = total / report.seconds if report.seconds > 0 else float("inf")
    print(
        f"{total} runs: {report.succeeded} succeeded, {report.failed} failed "
        f"in {report.seconds:.2f} s ({rate:.1f} runs/s)",
        file=stream,
    )
