"""What one ``arazzo run`` shows and keeps: its masker, its listeners, its result and reports.

Everything printed or written goes through the run's
:class:`~arazzo_runner.masking.SecretMasker`: progress, warnings, errors, the
result and every report.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from ..errors import (
    EXIT_CANNOT_START,
    EXIT_OK,
    EXIT_WORKFLOW_FAILED,
    UsageError,
    unknown_name_hint,
)
from ..masking import SecretLearner, SecretMasker, is_secret_name
from ..reporting.progress import Progress, Verbosity, print_summary

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..document import Workflow
    from ..engine import RunListener
    from ..openapi import SourceRegistry
    from ..reporting.files import ReportSpec
    from ..reporting.recorder import RunRecorder
    from ..results import WorkflowResult
    from .console import Console


# --------------------------------------------------------------------------- secrets


def start_masking(args: argparse.Namespace) -> SecretMasker:
    """The run's masker; the values of ``--input`` options that name secrets are known at once."""
    masker = SecretMasker(enabled=not args.show_secrets)
    named = set(args.secret_input)
    masker.add([value for name, value in args.input if is_secret_name(name) or name in named])
    return masker


def learn_secret_inputs(args: argparse.Namespace, workflow: Workflow, masker: SecretMasker) -> None:
    """The workflow's secret inputs, before inputs are converted (errors may quote them)."""

    declared = workflow.input_properties
    unknown = [name for name in args.secret_input if name not in declared]
    if unknown and declared:
        raise UsageError(
            f"--secret-input names '{unknown[0]}', which workflow '{workflow.workflow_id}' "
            "does not declare",
            hint=unknown_name_hint(unknown[0], declared, "inputs"),
        )
    names = masker.secret_input_names(workflow) | set(args.secret_input)
    masker.secret_inputs.update(names)
    masker.add([value for name, value in args.input if name in names])


@dataclass
class WarningPrinter:
    """Prints each warning found while loading or running, on stderr.

    Before the run starts a warning is shown the moment it is found; while the run
    goes, the run's progress places it between step lines (:meth:`Progress.warn`).
    """

    console: Console
    masker: SecretMasker
    progress: Progress | None = None

    def __call__(self, diagnostic: Diagnostic) -> None:
        from ..diagnostics import Severity

        if diagnostic.severity is not Severity.WARNING:
            return
        text = self.masker.mask(diagnostic.render())
        if self.progress is not None:
            self.progress.warn(text, self.console.stderr)
        else:
            print(text, file=self.console.stderr, flush=True)


# --------------------------------------------------------------------------- one run


def verbosity(args: argparse.Namespace) -> Verbosity:
    if args.verbose:
        return Verbosity.VERBOSE
    return Verbosity.QUIET if args.quiet else Verbosity.NORMAL


@dataclass
class RunSession:
    """The masker, the listeners and the reports of one run, built once."""

    console: Console
    masker: SecretMasker
    output: str
    """``text`` or ``json``, as ``--output`` says."""
    verbosity: Verbosity
    reports: list[ReportSpec] = field(default_factory=list)
    listeners: list[RunListener] = field(default_factory=list)
    recorder: RunRecorder | None = None
    """Keeps the exchanges the reports need; None without ``--report``."""
    progress: Progress | None = None
    """The progress lines; None with ``-q``, or with ``--output json`` without ``-v``."""

    @classmethod
    def start(
        cls,
        args: argparse.Namespace,
        console: Console,
        masker: SecretMasker,
        sources: SourceRegistry,
    ) -> RunSession:
        reports: list[ReportSpec] = list(args.report)
        recorder = None
        if reports:  # the recorder is imported only for runs that write reports
            from ..reporting.recorder import RunRecorder

            recorder = RunRecorder()
        chosen = verbosity(args)
        progress = _progress(console, masker, args.output, chosen)
        # The learner comes first: what it learns is masked in what the others print.
        listeners = [SecretLearner(masker, sources), recorder, progress]
        return cls(
            console,
            masker,
            args.output,
            chosen,
            reports,
            [listener for listener in listeners if listener is not None],
            recorder,
            progress,
        )

    def listener(self) -> RunListener:
        from ..engine import Listeners

        return Listeners(self.listeners)

    def finish(self, result: WorkflowResult) -> int:
        """Print the result, write the reports; the exit code."""
        render_result(result, self.output, self.console, self.masker, self.verbosity)
        problems = self.write_reports(result)
        return exit_code(result, problems)

    def write_reports(self, result: WorkflowResult) -> list[str]:
        """Write every report; each one that could not be written is reported on stderr."""
        from ..reporting.files import write_reports

        if self.recorder is None:
            return []
        problems = write_reports(self.reports, result, self.recorder, self.masker)
        for problem in problems:
            message = f"error: {problem} (the workflow {result.status})"
            print(self.masker.mask(message), file=self.console.stderr)
        return problems


def _progress(
    console: Console, masker: SecretMasker, output: str, chosen: Verbosity
) -> Progress | None:
    """Progress lines on stdout, or on stderr for ``-v`` with ``--output json``."""
    stream: TextIO | None = None
    if output == "text" and chosen is not Verbosity.QUIET:
        stream = console.stdout
    elif output == "json" and chosen is Verbosity.VERBOSE:
        stream = console.stderr  # stdout is the JSON
    if stream is None:
        return None
    return Progress(stream, verbosity=chosen, masker=masker, environ=console.environ)


def render_result(
    result: WorkflowResult,
    output: str,
    console: Console,
    masker: SecretMasker,
    verbosity: Verbosity = Verbosity.NORMAL,
) -> None:
    """The result on stdout: one JSON document, or the text summary."""
    if output == "json":
        console.print_json(masker.mask_value(result.to_json()))
    else:
        print_summary(result, console.stdout, masker, quiet=verbosity is Verbosity.QUIET)
    console.stdout.flush()


def exit_code(result: WorkflowResult, report_problems: list[str]) -> int:
    """0 succeeded, 1 failed; 2 when a report could not be written, whatever the result."""
    if report_problems:
        return EXIT_CANNOT_START
    return EXIT_OK if result.succeeded else EXIT_WORKFLOW_FAILED
