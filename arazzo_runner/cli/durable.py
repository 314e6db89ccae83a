"""``arazzo run --temporal``: the same run, executed by Temporal workers.

Everything before the first request happens here as for a local run (the
document, the inputs and the options are checked; nothing starts if they are
wrong). The run is then started as a workflow execution; when it ends, its
events are heard by the same listeners a local run has, so the output, the
reports and the exit code are those of a local run.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_CANNOT_START, EXIT_OK, EXIT_WORKFLOW_FAILED, UsageError

if TYPE_CHECKING:
    from types import ModuleType

    from ..api import LoadedArazzo
    from ..batch import InputLine
    from ..document import Workflow
    from ..engine import RunOptions
    from ..engine.prepare import PreparedWorkflow
    from ..masking import SecretMasker
    from ..results import WorkflowResult
    from ..temporal import RunRequest
    from .console import Console

EXTRA_HINT = "install it with: pip install 'arazzo-engine[temporal]'"
TEMPORAL_ONLY = (
    "namespace",
    "task_queue",
    "workflow_run_id",
    "resend",
    "max_payload_size",
    "heartbeat_timeout",
)


def import_temporal(command: str) -> ModuleType:
    """:mod:`arazzo_runner.temporal`, or a clear error when its extra is not installed."""
    try:
        import temporalio  # noqa: F401
        from cryptography.hazmat.primitives.ciphers import aead  # noqa: F401
    except ImportError as missing:
        raise UsageError(
            f"{command} needs the Temporal SDK, which is not installed ({missing.name})",
            hint=EXTRA_HINT,
        ) from None
    from .. import temporal

    return temporal


def add_connection_arguments(parser: argparse.ArgumentParser, required: bool) -> None:
    """``--temporal``, ``--namespace`` and ``--task-queue``, shared by ``run`` and ``worker``."""
    parser.add_argument(
        "--temporal",
        metavar="HOST:PORT",
        required=required,
        help="the Temporal service to run on (e.g. localhost:7233); payloads are encrypted "
        "with the key in ARAZZO_TEMPORAL_KEYS or ARAZZO_TEMPORAL_KEY_FILE (docs/temporal.md)",
    )
    parser.add_argument(
        "--namespace", metavar="NS", help="with --temporal: the namespace (default: default)"
    )
    parser.add_argument(
        "--task-queue",
        metavar="NAME",
        help="with --temporal: the task queue the workers poll (default: arazzo)",
    )


def check_temporal_combinations(args: argparse.Namespace) -> None:
    """The options that only apply with ``--temporal``, and those that never do."""
    if args.temporal is None:
        for name in TEMPORAL_ONLY:
            if getattr(args, name) is not None:
                option = "--" + name.replace("_", "-")
                raise UsageError(f"{option} only applies with --temporal")
        return
    if args.dry_run:
        raise UsageError(
            "--dry-run sends nothing, so there is nothing to run on Temporal",
            hint="drop --temporal to plan the run",
        )
    if args.concurrency is not None:
        raise UsageError(
            "--concurrency does not apply with --temporal: every line starts at once, and "
            "the workers' --max-concurrent decides how many run at a time"
        )
    if args.all or (args.workflow and len(args.workflow) > 1):
        raise UsageError("--temporal runs one workflow at a time: choose it with --workflow")
    if "://" in args.file:
        raise UsageError(
            "--temporal needs the document as a file the workers can read, not a URL",
            hint="download it, and give its path (workers read it at the same path)",
        )


def refuse_message_steps(prepared: PreparedWorkflow) -> None:
    """Runs on Temporal send HTTP requests only: a workflow with AsyncAPI steps (or one
    that calls such a workflow) is refused before anything starts."""
    seen: set[int] = set()
    pending = [prepared]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.messages:
            step_id = next(iter(current.messages))
            raise UsageError(
                f"--temporal does not run AsyncAPI steps yet: step '{step_id}' of workflow "
                f"'{current.workflow.workflow_id}' sends or receives a message",
                hint="run this workflow without --temporal",
            )
        pending.extend(current.targets.values())


def run_request(
    temporal: ModuleType,
    loaded: LoadedArazzo,
    workflow: Workflow,
    inputs: dict[str, Any],
    options: RunOptions,
    args: argparse.Namespace,
) -> RunRequest:
    path = str(Path(args.file).resolve())
    request: RunRequest = temporal.RunRequest(
        document=path,
        digest=temporal.document_digest(path),
        workflow_id=workflow.workflow_id,
        options=temporal.options_to_wire(options),
        resend=args.resend or "idempotent",
        offline=bool(args.offline),
    ).with_inputs(inputs)
    if args.max_payload_size is not None:
        request.max_payload_bytes = args.max_payload_size
    if args.heartbeat_timeout is not None:
        request.heartbeat_seconds = args.heartbeat_timeout
    return request


async def _connect(temporal: ModuleType, args: argparse.Namespace, console: Console) -> Any:
    keys = temporal.keys_from_environment(console.environ)
    return await temporal.connect(args.temporal, args.namespace or "default", keys)


def run_once(
    loaded: LoadedArazzo,
    request: RunRequest,
    args: argparse.Namespace,
    console: Console,
    masker: SecretMasker,
    temporal: ModuleType,
) -> int:
    """One run on Temporal, printed and reported as a local run is."""
    from .session import RunSession

    started: list[str] = []

    async def go() -> tuple[WorkflowResult, list[dict[str, Any]]]:
        client = await _connect(temporal, args, console)
        handle = await temporal.start_run(
            client,
            request,
            execution_id=args.workflow_run_id,
            task_queue=args.task_queue or "arazzo",
        )
        started.append(handle.id)
        result: tuple[WorkflowResult, list[dict[str, Any]]] = await temporal.run_result(handle)
        return result

    import asyncio  # here, not at the top: every run reads this module's checks

    session = RunSession.start(args, console, masker, loaded.sources)
    try:
        result, events = asyncio.run(go())
    except KeyboardInterrupt:
        if started:  # only the waiting stops: the run is the workers'
            print(
                f"the run goes on on Temporal as workflow {started[0]}; the same command "
                "waits for it again (temporal workflow cancel -w ID stops it)",
                file=console.stderr,
            )
        raise
    heard = temporal.replay_events(events, loaded.document, session.listener())
    return session.finish(heard or result)


def run_each(
    loaded: LoadedArazzo,
    requests: list[tuple[InputLine, RunRequest]],
    args: argparse.Namespace,
    console: Console,
    masker: SecretMasker,
    temporal: ModuleType,
) -> int:
    """One execution per line of ``--inputs-each``, all started at once; results in line order."""
    import time

    from ..batch import BatchReport, json_line, print_batch_summary
    from ..masking import SecretLearner
    from .commands.run import BatchReports

    reports = BatchReports(args.report, masker)
    learner = SecretLearner(masker, loaded.sources)
    report = BatchReport()
    started = time.perf_counter()

    def finished(item: InputLine, result: WorkflowResult, events: list[dict[str, Any]]) -> None:
        from ..engine import Listeners

        listener = Listeners([learner, reports.recorder(item)])
        result = temporal.replay_events(events, loaded.document, listener) or result
        if args.output == "json":
            print(json_line(item, result, masker.mask_value), file=console.stdout, flush=True)
        reports.finished(item, result)
        report.add(item, result)

    async def go() -> None:
        client = await _connect(temporal, args, console)
        queue = args.task_queue or "arazzo"
        handles = [
            await temporal.start_run(
                client,
                request,
                execution_id=f"{args.workflow_run_id}-line-{item.line}"
                if args.workflow_run_id
                else None,
                task_queue=queue,
            )
            for item, request in requests
        ]
        for (item, _), handle in zip(requests, handles, strict=True):
            result, events = await temporal.run_result(handle)
            finished(item, result, events)

    import asyncio

    asyncio.run(go())
    report.seconds = time.perf_counter() - started
    if args.output == "text":
        print_batch_summary(report, console.stdout, masker.mask)
    problems = reports.finish()
    for problem in problems:
        print(masker.mask(f"error: {problem}"), file=console.stderr)
    if problems:
        return EXIT_CANNOT_START
    return EXIT_OK if report.all_succeeded else EXIT_WORKFLOW_FAILED
