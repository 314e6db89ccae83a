"""``arazzo run``: run one workflow and print its outputs."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from ...errors import EXIT_CANNOT_START, EXIT_OK, EXIT_WORKFLOW_FAILED, UsageError

if TYPE_CHECKING:
    from ...api import LoadedArazzo
    from ...batch import InputLine
    from ...diagnostics import Diagnostic
    from ...document import Workflow
    from ...engine import RunOptions
    from ...masking import SecretMasker
    from ...reporting.files import ReportSpec
    from ...results import WorkflowResult
    from ..config import RunConfig

NAME = "run"


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "run",
        help="run a workflow",
        description="Run one workflow of an Arazzo document and print its outputs.",
        epilog="exit codes: 0 succeeded, 1 workflow failed, 2 could not start, 130 interrupted",
    )
    parser.add_argument("file", metavar="FILE", help="Arazzo document (YAML or JSON), path or URL")
    parser.add_argument(
        "--workflow", "-w", metavar="ID", help="workflowId to run (optional if there is only one)"
    )
    parser.add_argument(
        "--input",
        "-i",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a workflow input; VALUE is converted to the type the inputs schema declares "
        "(repeatable; wins over --inputs)",
    )
    parser.add_argument(
        "--inputs", metavar="FILE", help="a JSON object of inputs, from a file or '-' for stdin"
    )
    parser.add_argument(
        "--server",
        metavar="SOURCE=URL",
        action="append",
        default=[],
        help="send the operations of source description SOURCE to base URL URL (repeatable)",
    )
    parser.add_argument(
        "--output",
        "-o",
        choices=("text", "json"),
        default="text",
        help="text (default): a line per step, then the outputs; json: one JSON document",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never fetch a document over the network (a remote Arazzo document, source "
        "description or $ref is an error); the workflow's own API calls are still made",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=None,
        help="timeout for each HTTP request (default: 30)",
    )
    parser.add_argument(
        "--max-steps",
        metavar="N",
        type=int,
        default=None,
        help="stop the run after N step executions, retries and nested workflows included "
        "(default: 1000); guards against goto and retry loops",
    )
    parser.add_argument(
        "--max-duration",
        metavar="SECONDS",
        type=float,
        default=None,
        help="stop the run after SECONDS of wall-clock time, waits included (default: 900)",
    )
    _add_transport_arguments(parser)
    _add_batch_arguments(parser)
    _add_reporting_arguments(parser)
    _add_check_and_auth_arguments(parser)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="send nothing: check the document and inputs, then print each step's request "
        "as far as it is known before the first response (exit 0, or 2 if invalid)",
    )


def _add_transport_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--connect-timeout",
        metavar="SECONDS",
        type=float,
        default=None,
        help="limit for opening each connection, TLS handshake included (default: 10, "
        "never more than --timeout)",
    )
    parser.add_argument(
        "--max-response-size",
        metavar="SIZE",
        default=None,
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
        type=int,
        default=None,
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
        action="append",
        default=[],
        help="also write a report: json=FILE, junit=FILE or har=FILE (repeatable; written "
        "even when the workflow fails)",
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
        default=None,
        help="run the workflow once per line of FILE (JSON Lines, '-' for stdin), each line "
        "an inputs object whose values win over --inputs and --input",
    )
    parser.add_argument(
        "--concurrency",
        metavar="N",
        type=int,
        default=None,
        help="with --inputs-each: how many runs may be in flight at once (default: 1)",
    )


def _add_check_and_auth_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        metavar="NAME=SEVERITY",
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
        default=None,
        help="read settings from FILE instead of the arazzo.toml or pyproject.toml "
        "[tool.arazzo] found from the current directory upwards",
    )
    parser.add_argument(
        "--auth",
        metavar="SCHEME=VALUE",
        action="append",
        default=[],
        help="a credential for OpenAPI security scheme SCHEME: an API key, USER:PASSWORD, a "
        "bearer token, or CLIENT_ID:CLIENT_SECRET for OAuth2 client credentials "
        "(repeatable; also ARAZZO_AUTH_<SCHEME> variables)",
    )


def execute(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    return _run(args, stdout, stderr)


def _run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ...api import load
    from ...diagnostics import Diagnostics
    from ...engine import (
        inputs_from_environment,
        parse_input_pairs,
        read_inputs_file,
    )
    from ...reporting.files import parse_report_specs

    masker = _start_masking(args)
    config = _apply_config(args)
    overrides = _parse_servers(args.server)
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    options = _run_options(args)
    _add_checks_and_credentials(args, config, options, masker)
    reports = parse_report_specs(args.report)  # before anything runs: exit 2 if unwritable
    if reports and (args.dry_run or args.inputs_each is not None):
        raise UsageError("--report applies to a single run, not to --dry-run or --inputs-each")
    diagnostics = Diagnostics(on_add=lambda d: _print_warning(d, stderr, masker))
    if not args.dry_run:
        from ...http.transport import prepare_default_tls

        prepare_default_tls()  # in the background, while the documents are read
    loaded = load(args.file, diagnostics=diagnostics, offline=args.offline)
    overrides = {**_config_servers(config, loaded), **overrides}  # --server wins
    workflow = loaded.workflow(args.workflow)
    _register_secret_inputs(args, workflow, masker)
    # Precedence: --input wins over --inputs FILE, which wins over ARAZZO_INPUT_* variables.
    inputs: dict[str, Any] = inputs_from_environment(workflow)
    inputs.update(read_inputs_file(args.inputs) if args.inputs else {})
    inputs.update(parse_input_pairs(args.input, workflow))
    if args.dry_run:
        options.server_overrides = overrides
        return _dry_run(loaded, workflow, inputs, options, args.output, stdout)
    if args.inputs_each is not None:
        options.server_overrides = overrides
        if args.timeout is not None:
            options.timeout = args.timeout
        return _run_each(args, loaded, workflow, inputs, options, masker, stdout)
    return _run_once(
        args, loaded, workflow, inputs, overrides, options, reports, masker, stdout, stderr
    )


def _run_once(
    args: argparse.Namespace,
    loaded: LoadedArazzo,
    workflow: Workflow,
    inputs: dict[str, Any],
    overrides: dict[str, str],
    options: RunOptions,
    reports: list[ReportSpec],
    masker: SecretMasker,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    from ...engine import Listeners, explain_missing_inputs
    from ...masking import SecretLearner
    from ...reporting.files import write_reports
    from ...reporting.progress import NORMAL, QUIET, VERBOSE, Progress, print_summary
    from ...reporting.recorder import RunRecorder

    masker.add_workflow_inputs(workflow, inputs)
    verbosity = VERBOSE if args.verbose else QUIET if args.quiet else NORMAL
    progress: Progress | None = None
    if args.output == "text" and verbosity > QUIET:
        progress = Progress(stdout, verbosity=verbosity, masker=masker)
    elif args.output == "json" and verbosity == VERBOSE:
        progress = Progress(stderr, verbosity=verbosity, masker=masker)  # stdout is the JSON
    recorder = RunRecorder() if reports else None
    listener = Listeners([SecretLearner(masker, loaded.sources), recorder, progress])
    with explain_missing_inputs(workflow, inputs):
        result = loaded.run(
            workflow.workflow_id,
            inputs,
            server_overrides=overrides,
            timeout=args.timeout,
            listener=listener,
            options=options,
        )
    if args.output == "json":
        # default=str: YAML can hold values JSON cannot (!!binary), and a result
        # must still be printed.
        document = masker.mask_value(result.to_json())
        json.dump(document, stdout, indent=2, ensure_ascii=False, default=str)
        stdout.write("\n")
    else:
        print_summary(result, stdout, masker, quiet=verbosity == QUIET)
    stdout.flush()
    if recorder is not None:
        problems = write_reports(reports, result, recorder, masker)
        for problem in problems:
            print(masker.mask(f"error: {problem} (the workflow {result.status})"), file=stderr)
        if problems:
            return EXIT_CANNOT_START
    return EXIT_OK if result.succeeded else EXIT_WORKFLOW_FAILED


def _start_masking(args: argparse.Namespace) -> SecretMasker:
    """The run's masker, known to error messages; secret-named --input values are known at once."""
    from ...masking import SecretMasker, is_secret_name, set_current_masker

    masker = SecretMasker(enabled=not args.show_secrets)
    set_current_masker(masker)
    named = set(args.secret_input)
    for pair in args.input:
        name, sep, value = pair.partition("=")
        if sep and (is_secret_name(name) or name in named):
            masker.add(value)
    return masker


def _register_secret_inputs(
    args: argparse.Namespace, workflow: Workflow, masker: SecretMasker
) -> None:
    """Before inputs are parsed (errors may quote them): the raw values of secret inputs."""
    unknown = [n for n in args.secret_input if n not in _declared_input_names(workflow)]
    if unknown and _declared_input_names(workflow):
        raise UsageError(
            f"--secret-input names '{unknown[0]}', which workflow '{workflow.workflow_id}' "
            "does not declare",
            hint=f"inputs: {', '.join(sorted(_declared_input_names(workflow)))}",
        )
    names = masker.secret_input_names(workflow) | set(args.secret_input)
    masker.secret_inputs.update(names)
    for pair in args.input:
        name, sep, value = pair.partition("=")
        if sep and name in names:
            masker.add(value)


def _declared_input_names(workflow: Workflow) -> set[str]:
    schema = workflow.input_schema
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return set(properties) if isinstance(properties, dict) else set()


def _dry_run(
    loaded: LoadedArazzo,
    workflow: Workflow,
    inputs: dict[str, Any],
    options: RunOptions,
    output: str,
    stdout: TextIO,
) -> int:
    from ...dry_run import plan_run, render_plan
    from ...engine import explain_missing_inputs

    with explain_missing_inputs(workflow, inputs):
        plan = plan_run(loaded, workflow.workflow_id, inputs, options=options)
    if output == "json":
        json.dump(plan.to_json(), stdout, indent=2, ensure_ascii=False, default=str)
        stdout.write("\n")
    else:
        render_plan(plan, stdout)
    return EXIT_OK


def _run_options(args: argparse.Namespace) -> RunOptions:
    from ...engine import RunOptions

    options = RunOptions()
    if args.max_steps is not None:
        if args.max_steps < 1:
            raise UsageError("--max-steps must be at least 1")
        options.max_step_executions = args.max_steps
    if args.max_duration is not None:
        if args.max_duration <= 0:
            raise UsageError("--max-duration must be a positive number of seconds")
        options.max_duration = args.max_duration
    _transport_options(args, options)
    if args.concurrency is not None:
        if args.inputs_each is None:
            raise UsageError("--concurrency only applies with --inputs-each")
        if args.concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
    return options


def _transport_options(args: argparse.Namespace, options: RunOptions) -> None:
    from ...http.transport import parse_size

    if args.connect_timeout is not None:
        if args.connect_timeout <= 0:
            raise UsageError("--connect-timeout must be a positive number of seconds")
        options.connect_timeout = args.connect_timeout
    if args.max_response_size is not None:
        try:
            options.max_response_bytes = parse_size(args.max_response_size)
        except ValueError as exc:
            raise UsageError(f"--max-response-size: {exc}") from None
    options.follow_redirects = args.follow_redirects
    if args.max_redirects is not None:
        if args.max_redirects < 0:
            raise UsageError("--max-redirects must be 0 or more")
        options.max_redirects = args.max_redirects


def _run_each(
    args: argparse.Namespace,
    loaded: LoadedArazzo,
    workflow: Workflow,
    base_inputs: dict[str, Any],
    options: RunOptions,
    masker: SecretMasker,
    stdout: TextIO,
) -> int:
    from ...batch import (
        BatchRun,
        check_input_lines,
        json_line,
        print_batch_summary,
        read_input_lines,
    )
    from ...masking import SecretLearner

    lines = read_input_lines(args.inputs_each, base_inputs)
    lines = check_input_lines(loaded, workflow, lines, args.inputs_each)
    for item in lines:  # every line's secret inputs are masked in every line's output
        masker.add_workflow_inputs(workflow, item.inputs)

    def write_json_line(item: InputLine, result: WorkflowResult) -> None:
        print(json_line(item, result, masker.mask_value), file=stdout, flush=True)

    sink = write_json_line if args.output == "json" else None
    learner = SecretLearner(masker, loaded.sources)
    concurrency = args.concurrency or 1
    report = BatchRun(loaded, workflow, options, concurrency, sink, learner).run(lines)
    if args.output == "text":
        print_batch_summary(report, stdout, masker.mask)
    return EXIT_OK if report.all_succeeded else EXIT_WORKFLOW_FAILED


def _apply_config(args: argparse.Namespace) -> RunConfig:
    """Read the configuration file; its run defaults fill in options not given on the line."""
    from ..config import load_config

    config = load_config(args.config)
    if args.timeout is None:
        args.timeout = config.timeout
    if args.max_steps is None:
        args.max_steps = config.max_steps
    if args.max_duration is None:
        args.max_duration = config.max_duration
    return config


def _add_checks_and_credentials(
    args: argparse.Namespace, config: RunConfig, options: RunOptions, masker: SecretMasker
) -> None:
    """Response check severities (defaults < config < --no-checks < --check) and --auth."""
    from ...http.auth import Credentials
    from ...http.response_checks import (
        CheckSeverity,
        ResponseChecker,
        default_severities,
        parse_check_option,
    )

    severities = {**default_severities(), **config.checks}
    if args.no_checks:
        severities = dict.fromkeys(severities, CheckSeverity.OFF)
    severities.update(parse_check_option(text) for text in args.check)
    checker = ResponseChecker(severities)
    options.response_checks = checker if checker.enabled else None
    credentials = Credentials.from_options(args.auth)
    masker.add(credentials.secrets())
    options.credentials = credentials


def _config_servers(config: RunConfig, loaded: LoadedArazzo) -> dict[str, str]:
    # One configuration file may serve several documents: servers for sources
    # this document does not have are not an error.
    return {name: url for name, url in config.servers.items() if loaded.document.source(name)}


def _parse_servers(pairs: list[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        if not sep or not name or not url:
            raise UsageError(
                f"--server expects SOURCE=URL, got '{pair}'",
                hint="for example: --server sessionsApi=http://127.0.0.1:8080/api",
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--server {name}: '{url}' is not an http(s) URL")
        overrides[name] = url
    return overrides


def _print_warning(diagnostic: Diagnostic, stderr: TextIO, masker: SecretMasker) -> None:
    from ...diagnostics import Severity

    if diagnostic.severity is Severity.WARNING:
        print(masker.mask(diagnostic.render()), file=stderr, flush=True)
