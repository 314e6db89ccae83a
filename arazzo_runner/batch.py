"""Running one workflow once per line of a JSON Lines file, several at a time.

``arazzo run FILE --inputs-each INPUTS.jsonl --concurrency N`` checks every
line first: each non-blank line must be a JSON object of inputs, and each
merged set must satisfy the workflow's inputs schema. One bad line stops the
batch before anything is sent (exit code 2, naming the line). The runs then
share one ``httpx2.AsyncClient`` whose connection pool holds N connections,
and at most N runs are in flight at once.

The lines are streamed: :class:`BatchRun` pulls them from an iterable only as
a worker becomes free, and hands each result on in input order (a run's line
is written as soon as it and every run above it have finished), so the output
is the same however the runs interleave; each carries the 1-based ``line`` it
came from. Only results still waiting for an earlier line are held, plus,
when asked (``keep_results``), every result for the caller.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Iterator
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
    """How many runs succeeded and failed, how long the batch took, and maybe every result.

    ``results`` holds every run's result in input order only when the batch
    was asked to keep them (``keep_results``); the counts and the failures'
    one-line summaries are always kept, so a streamed batch stays small.
    """

    results: list[tuple[InputLine, WorkflowResult]] = field(default_factory=list)
    seconds: float = 0.0
    total: int = 0
    succeeded: int = 0
    failures: list[str] = field(default_factory=list)
    keep_results: bool = True

    def add(self, item: InputLine, result: WorkflowResult) -> None:
        """Count one finished run (called in input order)."""
        self.total += 1
        if result.succeeded:
            self.succeeded += 1
        else:
            self.failures.append(failure_line(item, result))
        if self.keep_results:
            self.results.append((item, result))

    @property
    def failed(self) -> int:
        return self.total - self.succeeded

    @property
    def all_succeeded(self) -> bool:
        return self.failed == 0


ResultSink = Callable[[InputLine, "WorkflowResult"], None]
Masker = Callable[[Any], Any]
"""Hides secrets in what is printed (``SecretMasker.mask_value``); the identity by default."""


def _unmasked(value: Any) -> Any:
    return value


def check_input_lines(
    loaded: LoadedArazzo, workflow: Workflow, lines: Iterable[InputLine], source: str
) -> list[InputLine]:
    """Apply defaults and validate every line before the first request is sent."""
    return [check_input_line(loaded, workflow, item, source) for item in lines]


def check_input_line(
    loaded: LoadedArazzo, workflow: Workflow, item: InputLine, source: str
) -> InputLine:
    """One line's inputs with defaults applied, validated; an error names the line."""
    name = "standard input" if source == "-" else source
    try:
        # The document's own cached validator: each run checks its inputs again.
        values = loaded.prepare_inputs(workflow, loaded.document, item.inputs)
    except InputError as exc:
        hint = exc.hint or f"each line of {name} is the inputs of one run, as a JSON object"
        raise InputError(f"{name} line {item.line}: {exc.message}", hint=hint) from None
    return InputLine(item.line, values)


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
    keep_results: bool = True
    """Keep every result in the returned report; ``False`` keeps only counts and failures."""

    def run(self, lines: Iterable[InputLine]) -> BatchReport:
        """Run every line; blocks until all are done."""
        return asyncio.run(self.arun(lines))

    async def arun(self, lines: Iterable[InputLine]) -> BatchReport:
        """:meth:`run` on a running event loop.

        ``lines`` may be any iterable, a generator reading a file included: a
        line is taken from it only when a worker is free to run it.
        """
        if self.concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        if isinstance(lines, list | tuple):
            width = max(1, min(self.concurrency, len(lines)))
        else:
            width = self.concurrency
        transport = replace(self.options.transport(), max_connections=width)
        clock = self.options.clock
        started = clock.monotonic()
        report = BatchReport(keep_results=self.keep_results)
        ordered = _InOrder(self.sink, report)
        pending = _Numbered(iter(lines))
        async with new_async_client(transport) as client:
            try:
                # A TaskGroup stops every worker when one raises (a document problem
                # found while preparing the first run stops the whole batch).
                async with asyncio.TaskGroup() as group:
                    for _ in range(width):
                        group.create_task(self._worker(pending, client, ordered))
            except BaseExceptionGroup as errors:
                raise errors.exceptions[0] from None
        report.seconds = clock.monotonic() - started
        return report

    async def _worker(
        self, pending: _Numbered, client: httpx2.AsyncClient, ordered: _InOrder
    ) -> None:
        # Taking the next line has no await in it, so workers never take the same one.
        for index, item in pending:
            result = await self.loaded.arun(
                self.workflow.workflow_id,
                item.inputs,
                client=client,
                options=self.options,
                listener=self._listener(item),
            )
            ordered.finished(index, item, result)

    def _listener(self, item: InputLine) -> RunListener | None:
        own = self.listener_for(item) if self.listener_for is not None else None
        if own is None:
            return self.listener
        if self.listener is None:
            return own
        from .engine import Listeners

        return Listeners([self.listener, own])


class _Numbered:
    """The input lines with their position, shared by every worker."""

    def __init__(self, lines: Iterator[InputLine]) -> None:
        self.lines = lines
        self.taken = 0

    def __iter__(self) -> Iterator[tuple[int, InputLine]]:
        return self

    def __next__(self) -> tuple[int, InputLine]:
        item = next(self.lines)
        index = self.taken
        self.taken += 1
        return index, item


class _InOrder:
    """Hands results to the sink in input order, as soon as the order allows.

    Only results that finished before a line above them are held; each is
    dropped the moment it has been handed on.
    """

    def __init__(self, sink: ResultSink | None, report: BatchReport) -> None:
        self.sink = sink
        self.report = report
        self.done: dict[int, tuple[InputLine, WorkflowResult]] = {}
        self.next_index = 0

    def finished(self, index: int, item: InputLine, result: WorkflowResult) -> None:
        self.done[index] = (item, result)
        while self.next_index in self.done:
            line, finished = self.done.pop(self.next_index)
            if self.sink is not None:
                self.sink(line, finished)
            self.report.add(line, finished)
            self.next_index += 1


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
    for failure in report.failures:
        print(mask(failure), file=stream)
    total = report.total
    rate = total / report.seconds if report.seconds > 0 else float("inf")
    print(
        f"{total} runs: {report.succeeded} succeeded, {report.failed} failed "
        f"in {report.seconds:.2f} s ({rate:.1f} runs/s)",
        file=stream,
    )
