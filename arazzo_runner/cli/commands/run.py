"""``arazzo run``: run a workflow (or several, :mod:`..several`) and print its outputs.

The arguments are checked as they are parsed (:mod:`..args`); then the options
are decided once (:mod:`..options`), and one of three modes runs: a single
run, one run per line of ``--inputs-each``, or ``--dry-run``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import EXIT_CANNOT_START, EXIT_OK, EXIT_WORKFLOW_FAILED
from ..args import (
    AUTH,
    INPUT,
    byte_size,
    check_severity,
    key_value,
    positive_seconds,
    report_target,
    server_override,
    whole_number,
)
from . import add_document_arguments

if TYPE_CHECKING:
    from ...api import LoadedArazzo
    from ...batch import InputLine
    from ...document import Workflow
    from ...engine import RunOptions
    from ...masking import SecretMasker
    from ...reporting.files import LineRun, ReportSpec
    from ...reporting.recorder import RunRecorder
    from ...results import WorkflowResult
    from ..console import Console
    from ..inputs import InputLinesFile
    from ..session import WarningPrinter

NAME = "run"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "run",
        help="run a workflow",
        description="Run one workflow of an Arazzo document and print its outputs.",
        epilog="exit codes: 0 succeeded, 1 workflow failed, 2 could not start, 130 interrupted",
    )
    add_document_arguments(
        parser,
        "text (default): a line per step, then the outputs; json: one JSON document",
        offline_help="never fetch a document over the network (a remote Arazzo document, "
        "source description or $ref is an error); the workflow's own API calls are still made",
    )
    parser.add_argument(
        "--workflow",
        "-w",
        metavar="ID",
        action="append",
        help="workflowId to run (optional if there is only one); repeat it to run several "
        "in the order given",
    )
    parser.add_argument(
        "--all", action="store_true", help="run every workflow of the document, in order"
    )
    _add_input_arguments(parser)
    _add_limit_arguments(parser)
    _add_transport_arguments(parser)
    _add_batch_arguments(parser)
    _add_reporting_arguments(parser)
    _add_check_and_auth_arguments(parser)
    _add_temporal_arguments(parser)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="send nothing: check the document and inputs, then print each step's request "
        "as far as it is known before the first response (exit 0, or 2 if invalid)",
    )


def _add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        "-i",
        metavar="NAME=VALUE",
        type=key_value(INPUT),
        action="append",
        default=[],
        help="a workflow input; VALUE is converted to the type the inputs schema declares "
        "(repeatable; wins over --inputs)",
    )
    parser.add_argument(
        "--inputs",
        metavar="FILE",
        help="inputs: a JSON or YAML object, from a file or '-' for stdin",
    )
    parser.add_argument(
        "--server",
        metavar="SOURCE=URL",
        type=server_override,
        action="append",
        default=[],
        help="send the operations of source description SOURCE to base URL URL, or its "
        "messages to broker URL (mqtt://host:1883, amqp://, nats://, ws://, redis://); "
        "repeatable",
    )


def _add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=positive_seconds("--timeout"),
        help="timeout for each HTTP request (default: 30)",
    )
    parser.add_argument(
        "--max-steps",
        metavar="N",
        type=whole_number("--max-steps", 1),
        help="stop the run after N step executions, retries and nested workflows included "
        "(default: 1000); guards against goto and retry loops",
    )
    parser.add_argument(
        "--max-duration",
        metavar="SECONDS",
        type=positive_seconds("--max-duration"),
        help="stop the run after SECONDS of wall-clock time, waits included (default: 900)",
    )
    parser.add_argument(
        "--max-nesting",
        metavar="N",
        # The engine's DEFAULT_MAX_NESTING and MAX_NESTING_CEILING, written out so that
        # parsing the command line does not import the engine.
        type=whole_number("--max-nesting", 1, 100),
        help="stop the run when workflows would be nested more than N deep (default: 50, "
        "at most 100); guards against a workflow that calls itself again",
    )
    parser.add_argument(
        "--step-concurrency",
        metavar="N",
        # The engine's DEFAULT_STEP_CONCURRENCY, written out for the same reason.
        type=whole_number("--step-concurrency", 1, 64),
        help="run up to N steps of a workflow at once when it uses step dependsOn "
        "(Arazzo 1.1; default: 4, at most 64); 1 runs them one after the other",
    )


def _add_transport_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--connect-timeout",
        metavar="SECONDS",
        type=positive_seconds("--connect-timeout"),
        help="limit for opening each connection, TLS handshake included (default: 10, "
        "never more than --timeout)",
    )
    parser.add_argument(
        "--max-response-size",
        metavar="SIZE",
        type=byte_size("--max-response-size"),
        help="fail a step whose response body is larger than SIZE bytes; accepts K, M, G "
        "(decimal) and KiB, MiB, GiB suffixes (default: 64MiB)",
    )
    parser.add_argument(
        "--follow-redirects",
        action="store_true",
        help="follow redirects within the same origin, up to --max-redirects; without it "
        "a 3xx response is the step's response",
    )
    parser.add_argument(
        "--max-redirects",
        metavar="N",
        type=whole_number("--max-redirects", 0),
        help="with --follow-redirects: how many redirects one request may follow (default: 10)",
    )


def _add_reporting_arguments(parser: argparse.ArgumentParser) -> None:
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="also print each request and response: method, URL, headers and the first 2 KiB "
        "of each body (on stderr with --output json)",
    )
    verbosity.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print only the final result: the workflow's status and outputs",
    )
    parser.add_argument(
        "--report",
        metavar="KIND=FILE",
        type=report_target,
        action="append",
        default=[],
        help="also write a report: json=FILE, junit=FILE, har=FILE or html=FILE (a "
        "self-contained page; repeatable; written "
        "even when the workflow fails); with --inputs-each one file for every run, or one "
        "per run when FILE contains {line}",
    )
    parser.add_argument(
        "--show-secrets",
        action="store_true",
        help="do not mask secrets (tokens, passwords, Authorization and Cookie headers, ...) "
        "in output and reports",
    )
    parser.add_argument(
        "--secret-input",
        metavar="NAME",
        action="append",
        default=[],
        help="treat workflow input NAME as a secret and mask its value (repeatable)",
    )


def _add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--inputs-each",
        metavar="FILE.jsonl",
        help="run the workflow once per line of FILE (JSON Lines, '-' for stdin), each line "
        "an inputs object whose values win over --inputs and --input",
    )
    parser.add_argument(
        "--concurrency",
        metavar="N",
        type=whole_number("--concurrency", 1),
        help="with --inputs-each: how many runs may be in flight at once (default: 1)",
    )


def _add_check_and_auth_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        metavar="NAME=SEVERITY",
        type=check_severity,
        action="append",
        default=[],
        help="set a response check to error, warn or off (repeatable); checks: "
        "status-code-declared, content-type-declared, body-schema, headers-declared "
        "(default: all warn)",
    )
    parser.add_argument(
        "--no-checks",
        action="store_true",
        help="turn every response check off (a --check still turns one back on)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="read settings from FILE instead of the arazzo.toml or pyproject.toml "
        "[tool.arazzo] found from the current directory upwards",
    )
    parser.add_argument(
        "--auth",
        metavar="SCHEME=VALUE",
        type=key_value(AUTH),
        action="append",
        default=[],
        help="a credential for OpenAPI security scheme SCHEME: an API key, USER:PASSWORD, a "
        "bearer token, or CLIENT_ID:CLIENT_SECRET for OAuth2 client credentials "
        "(repeatable; also ARAZZO_AUTH_<SCHEME> variables)",
    )


def _add_temporal_arguments(parser: argparse.ArgumentParser) -> None:
    from ..durable import add_connection_arguments  # argparse only: no Temporal SDK

    add_connection_arguments(parser, required=False)
    parser.add_argument(
        "--workflow-run-id",
        metavar="ID",
        help="with --temporal: the workflow id of the execution (default: a digest of the "
        "document, the workflow, the inputs and the options, so that the same run started "
        "again joins the one going); with --inputs-each, ID-line-N for line N",
    )
    parser.add_argument(
        "--resend",
        choices=("idempotent", "always", "never"),
        help="with --temporal: which requests are sent again when the worker sending them "
        "stopped before their answer was recorded (default: idempotent, i.e. GET, HEAD, "
        "OPTIONS, TRACE, PUT, DELETE; the others fail their step with 'outcome unknown')",
    )
    parser.add_argument(
        "--max-payload-size",
        metavar="SIZE",
        type=byte_size("--max-payload-size"),
        help="with --temporal: fail a step whose response body is larger than SIZE, which "
        "Temporal's history could not keep (default: 1MiB; Temporal refuses payloads over "
        "2 MiB unless its server is configured otherwise)",
    )
    parser.add_argument(
        "--heartbeat-timeout",
        metavar="SECONDS",
        type=positive_seconds("--heartbeat-timeout"),
        help="with --temporal: how soon a request whose worker stopped is given up on, "
        "then sent again or failed as --resend says (default: 10)",
    )


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class _Ready:
    """Everything a mode needs to start: the document, the workflow, its inputs and options."""

    loaded: LoadedArazzo
    workflow: Workflow
    inputs: dict[str, Any]
    options: RunOptions
    warnings: WarningPrinter


def execute(args: argparse.Namespace, console: Console) -> int:
    from ...api import load
    from ...diagnostics import Diagnostics
    from ..config import load_config
    from ..durable import check_temporal_combinations
    from ..inputs import gather_inputs
    from ..options import (
        announce_config,
        check_auth_schemes,
        check_combinations,
        credentials,
        run_options,
    )
    from ..session import WarningPrinter, learn_secret_inputs, start_masking
    from ..several import check_several, chosen_workflow_ids, plan_inputs, run_several

    masker = start_masking(args)
    console.masker = masker  # errors from here on are masked too
    config = load_config(args.config)
    announce_config(config, console, args.verbose)
    check_combinations(args)
    check_temporal_combinations(args)
    found_credentials = credentials(args.auth, console.environ, masker)
    warnings = WarningPrinter(console, masker)
    diagnostics = Diagnostics(on_add=warnings)
    loaded = load(
        args.file,
        diagnostics=diagnostics,
        offline=args.offline or bool(config.offline),
        documents=args.document,
    )
    check_auth_schemes(args.auth, loaded)
    ids = chosen_workflow_ids(args, loaded)
    if len(ids) > 1:
        check_several(args)
        planned = plan_inputs(loaded, [i for i in ids if i is not None], console, args, masker)
        options = run_options(args, config, loaded.document, found_credentials)
        return run_several(loaded, planned, options, args, console, masker)
    workflow = loaded.workflow(ids[0])
    learn_secret_inputs(args, workflow, masker)
    inputs = gather_inputs(workflow, console, args.inputs, args.input)
    options = run_options(args, config, loaded.document, found_credentials)
    ready = _Ready(loaded, workflow, inputs, options, warnings)
    if args.temporal is not None:
        return _run_on_temporal(ready, args, console, masker)
    if args.dry_run and args.inputs_each is not None:
        return _dry_run_each(ready, args, console, masker)
    if args.dry_run:
        return _dry_run(ready, args.output, console)
    if args.inputs_each is not None:
        return _run_each(ready, args, console, masker)
    return _run_once(ready, args, console, masker)


def _run_once(
    ready: _Ready, args: argparse.Namespace, console: Console, masker: SecretMasker
) -> int:
    from ...engine import RunInterrupted, explain_missing_inputs
    from ..session import RunSession

    masker.add_workflow_inputs(ready.workflow, ready.inputs)
    session = RunSession.start(args, console, masker, ready.loaded.sources)
    ready.warnings.progress = session.progress  # from now on, warnings go between step lines
    try:
        with explain_missing_inputs(ready.workflow, ready.inputs):
            result = ready.loaded.run(
                ready.workflow.workflow_id,
                ready.inputs,
                listener=session.listener(),
                options=ready.options,
            )
    except RunInterrupted as interrupt:
        # What ran is still printed and reported; the exit code stays 130.
        session.finish(interrupt.result)
        raise
    return session.finish(result)


def _run_on_temporal(
    ready: _Ready, args: argparse.Namespace, console: Console, masker: SecretMasker
) -> int:
    """The run (or one per ``--inputs-each`` line) as workflow executions on Temporal."""
    from ...engine import explain_missing_inputs
    from ..durable import import_temporal, refuse_message_steps, run_each, run_once, run_request

    temporal = import_temporal("arazzo run --temporal")
    temporal.keys_from_environment(console.environ)  # before anything is checked or started
    loaded, workflow, options = ready.loaded, ready.workflow, ready.options
    loaded.check_server_overrides(options.server_overrides)
    prepared = loaded.prepare_workflow(workflow, options.server_overrides)  # errors: exit 2
    refuse_message_steps(prepared)
    if args.inputs_each is not None:
        lines = _checked_lines(ready, args, console, masker)
        requests = [
            (item, run_request(temporal, loaded, workflow, item.inputs, options, args))
            for item in lines
        ]
        return run_each(loaded, requests, args, console, masker, temporal)
    masker.add_workflow_inputs(workflow, ready.inputs)
    with explain_missing_inputs(workflow, ready.inputs):
        inputs = loaded.prepare_inputs(workflow, loaded.document, ready.inputs)
    request = run_request(temporal, loaded, workflow, inputs, options, args)
    return run_once(loaded, request, args, console, masker, temporal)


def _dry_run(ready: _Ready, output: str, console: Console) -> int:
    from ...dry_run import plan_run
    from ...engine import explain_missing_inputs
    from ...reporting.describe import render_plan

    with explain_missing_inputs(ready.workflow, ready.inputs):
        plan = plan_run(
            ready.loaded, ready.workflow.workflow_id, ready.inputs, options=ready.options
        )
    if output == "json":
        console.print_json(plan.to_json())
    else:
        render_plan(plan.to_json(), console.stdout)
    return EXIT_OK


def _checked_lines(
    ready: _Ready, args: argparse.Namespace, console: Console, masker: SecretMasker
) -> list[InputLine]:
    """Every line of ``--inputs-each``, checked before anything is sent; their secrets known."""
    from ...batch import check_input_lines
    from ..inputs import read_input_lines

    lines = read_input_lines(args.inputs_each, console.stdin, ready.inputs)
    lines = check_input_lines(ready.loaded, ready.workflow, lines, args.inputs_each)
    for item in lines:  # every line's secret inputs are masked in every line's output
        masker.add_workflow_inputs(ready.workflow, item.inputs)
    return lines


def _dry_run_each(
    ready: _Ready, args: argparse.Namespace, console: Console, masker: SecretMasker
) -> int:
    """Plan the run of every line: one JSON line each, or each plan's text under its line."""
    import json

    from ...dry_run import plan_run
    from ...reporting.describe import render_plan

    lines = _checked_lines(ready, args, console, masker)
    for number, item in enumerate(lines):
        plan = plan_run(
            ready.loaded, ready.workflow.workflow_id, item.inputs, options=ready.options
        )
        document = masker.mask_value({"line": item.line, **plan.to_json()})
        if args.output == "json":
            print(json.dumps(document, ensure_ascii=False, default=str), file=console.stdout)
            continue
        if number:
            print(file=console.stdout)
        print(f"line {item.line}:", file=console.stdout)
        render_plan(document, console.stdout)
    if args.output == "text":
        print(f"{len(lines)} runs planned; nothing was sent", file=console.stdout)
    return EXIT_OK


def _run_each(
    ready: _Ready, args: argparse.Namespace, console: Console, masker: SecretMasker
) -> int:
    """One run per line, streamed: every line checked first, then read again and run."""
    from ..inputs import InputLinesFile

    with InputLinesFile.open(args.inputs_each, console.stdin) as source:
        _check_streamed(ready, source, masker)
        return _run_streamed(ready, source, args, console, masker)


def _check_streamed(ready: _Ready, source: InputLinesFile, masker: SecretMasker) -> None:
    """Pass 1: every line checked before anything is sent; only their secrets are kept."""
    from ...batch import check_input_line

    for item in source.first_pass(ready.inputs):
        checked = check_input_line(ready.loaded, ready.workflow, item, _source_argument(source))
        # Every line's secret inputs are masked in every line's output.
        masker.add_workflow_inputs(ready.workflow, checked.inputs)


def _source_argument(source: InputLinesFile) -> str:
    """``source`` as it was given: ``-`` for standard input (messages name it so)."""
    return "-" if source.spooled else source.name


def _run_streamed(
    ready: _Ready,
    source: InputLinesFile,
    args: argparse.Namespace,
    console: Console,
    masker: SecretMasker,
) -> int:
    """Pass 2: the lines read again and run as workers free up; only counts are kept."""
    from ...batch import BatchRun, check_input_line, json_line, print_batch_summary
    from ...masking import SecretLearner

    reports = BatchReports(args.report, masker)

    def finished(item: InputLine, result: WorkflowResult) -> None:
        if args.output == "json":
            print(json_line(item, result, masker.mask_value), file=console.stdout, flush=True)
        reports.finished(item, result)

    lines = (
        check_input_line(ready.loaded, ready.workflow, item, _source_argument(source))
        for item in source.second_pass(ready.inputs)
    )
    learner = SecretLearner(masker, ready.loaded.sources)
    concurrency = args.concurrency or 1
    batch = BatchRun(
        ready.loaded,
        ready.workflow,
        ready.options,
        concurrency,
        finished,
        learner,
        reports.recorder,
        keep_results=False,
    )
    report = batch.run(lines)
    if args.output == "text":
        print_batch_summary(report, console.stdout, masker.mask)
    problems = reports.finish()
    for problem in problems:
        print(masker.mask(f"error: {problem}"), file=console.stderr)
    if problems:
        return EXIT_CANNOT_START  # as for a single run: a missing report fails the build
    return EXIT_OK if report.all_succeeded else EXIT_WORKFLOW_FAILED


class BatchReports:
    """The ``--report`` files of ``--inputs-each``: per run (``{line}``) or combined."""

    def __init__(self, specs: list[ReportSpec], masker: SecretMasker) -> None:
        self.per_run = [spec for spec in specs if spec.per_run]
        self.combined = [spec for spec in specs if not spec.per_run]
        self.masker = masker
        self.recorders: dict[int, RunRecorder] = {}
        self.runs: list[LineRun] = []
        self.problems: list[str] = []

    def recorder(self, item: InputLine) -> RunRecorder | None:
        """A recorder of its own for each line's run (runs interleave with --concurrency)."""
        from ...reporting.recorder import RunRecorder

        if not (self.per_run or self.combined):
            return None
        recorder = self.recorders[item.line] = RunRecorder()
        return recorder

    def finished(self, item: InputLine, result: WorkflowResult) -> None:
        """Called in line order: a run's own reports are written the moment it is done."""
        from ...reporting.files import write_reports

        recorder = self.recorders.pop(item.line, None)
        if recorder is None:
            return
        specs = [spec.for_line(item.line) for spec in self.per_run]
        self.problems += write_reports(specs, result, recorder, self.masker)
        if self.combined:
            self.runs.append((item.line, result, recorder))

    def finish(self) -> list[str]:
        from ...reporting.files import write_combined_reports

        if self.combined:
            self.problems += write_combined_reports(self.combined, self.runs, self.masker)
        return self.problems
