"""``arazzo run``: run one workflow and print its outputs."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from ..errors import EXIT_OK, EXIT_WORKFLOW_FAILED, UsageError
from ..events import RunListener

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..exchange import PreparedRequest
    from ..model import Step
    from ..results import StepResult, WorkflowResult

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
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=None,
        help="timeout for each HTTP request (default: 30)",
    )


def execute(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    return _run(args, stdout, stderr)


def _run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from ..api import load
    from ..diagnostics import Diagnostics
    from ..inputs import parse_input_pairs, read_inputs_file

    overrides = _parse_servers(args.server)
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    diagnostics = Diagnostics(on_add=lambda d: _print_warning(d, stderr))
    loaded = load(args.file, diagnostics=diagnostics)
    workflow = loaded.workflow(args.workflow)
    inputs: dict[str, Any] = read_inputs_file(args.inputs) if args.inputs else {}
    inputs.update(parse_input_pairs(args.input, workflow))
    listener = TextProgress(stdout, [s.step_id for s in workflow.steps])
    result = loaded.run(
        workflow.workflow_id,
        inputs,
        server_overrides=overrides,
        timeout=args.timeout,
        listener=listener if args.output == "text" else None,
    )
    if args.output == "json":
        # default=str: YAML can hold values JSON cannot (!!binary), and a result
        # must still be printed.
        json.dump(result.to_json(), stdout, indent=2, ensure_ascii=False, default=str)
        stdout.write("\n")
    else:
        print_summary(result, stdout)
    return EXIT_OK if result.succeeded else EXIT_WORKFLOW_FAILED


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


def _print_warning(diagnostic: Diagnostic, stderr: TextIO) -> None:
    from ..diagnostics import Severity

    if diagnostic.severity is Severity.WARNING:
        print(diagnostic.render(), file=stderr, flush=True)


class TextProgress(RunListener):
    """Prints one line per step as each step finishes."""

    def __init__(self, stream: TextIO, step_ids: list[str]) -> None:
        self.stream = stream
        self.width = max((len(s) for s in step_ids), default=0)

    def step_started(self, step: Step, request: PreparedRequest) -> None:
        pass  # one line per step, written when its outcome is known

    def step_finished(self, result: StepResult) -> None:
        from ..results import Status

        verdict = "passed" if result.status is Status.SUCCEEDED else "FAILED"
        code = str(result.status_code) if result.status_code is not None else "---"
        duration = f"({result.duration_ms:.0f} ms)" if result.duration_ms is not None else ""
        line = (
            f"{result.step_id:<{self.width}}  {result.method or '':<6} {result.url or ''}  "
            f"{code}  {verdict}  {duration}"
        )
        print(line.rstrip(), file=self.stream, flush=True)
        if result.error:
            print(f"    {result.error}", file=self.stream, flush=True)


def print_summary(result: WorkflowResult, stream: TextIO) -> None:
    from ..results import Status

    skipped = [s.step_id for s in result.steps if s.status is Status.SKIPPED]
    if skipped:
        print(f"skipped: {', '.join(skipped)}", file=stream)
    print(f"workflow {result.workflow_id} {result.status}", file=stream)
    if result.outputs:
        print("outputs:", file=stream)
        for name, value in result.outputs.items():
            print(f"  {name}: {json.dumps(value, ensure_ascii=False, default=str)}", file=stream)
