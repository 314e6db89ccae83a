"""Report files: which kinds there are, and writing them atomically after the run.

The ``--report KIND=FILE`` option itself is read and checked by ``cli/args.py``.
With ``--inputs-each`` a report is one file for every line's run, or one file
per run when its name holds :data:`LINE_PLACEHOLDER`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..masking import SecretMasker
    from ..results import WorkflowResult
    from .recorder import RunRecorder

Renderer = Callable[["WorkflowResult", "RunRecorder", "SecretMasker"], str]
LineRun = tuple[int | None, "WorkflowResult", "RunRecorder"]
"""One top-level run and the input line it came from (None for a single run)."""
ManyRenderer = Callable[[list[LineRun], "SecretMasker"], str]
KINDS = ("json", "junit", "har", "html")
LINE_PLACEHOLDER = "{line}"
"""In a report's file name: one report per ``--inputs-each`` run, named by its line number."""


@dataclass(frozen=True)
class ReportSpec:
    kind: str
    path: Path

    def renderer(self) -> Renderer:
        from . import har, html, json_report, junit

        renderers: dict[str, Renderer] = {
            "json": json_report.render,
            "junit": junit.render,
            "har": har.render,
            "html": html.render,
        }
        return renderers[self.kind]

    def many_renderer(self) -> ManyRenderer:
        from . import har, html, json_report, junit

        renderers: dict[str, ManyRenderer] = {
            "json": json_report.render_many,
            "junit": junit.render_many,
            "har": har.render_many,
            "html": html.render_many,
        }
        return renderers[self.kind]

    @property
    def per_run(self) -> bool:
        """Whether the file name asks for one report per ``--inputs-each`` run."""
        return LINE_PLACEHOLDER in self.path.name

    def for_line(self, line: int) -> ReportSpec:
        """The report of the run of input line ``line``."""
        name = self.path.name.replace(LINE_PLACEHOLDER, str(line))
        return ReportSpec(self.kind, self.path.with_name(name))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file next to ``path``, then rename it over ``path``.

    A reader never sees a half-written report, and a failure leaves any
    earlier report in place.
    """
    directory = path.parent
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=directory or Path(".")
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # as open() would create it
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _problem(spec: ReportSpec, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"cannot write the {spec.kind} report to {spec.path}: {reason}"


def write_reports(
    specs: list[ReportSpec],
    result: WorkflowResult,
    recorder: RunRecorder,
    masker: SecretMasker,
) -> list[str]:
    """Write every report; returns one message per report that could not be written."""
    problems = []
    for spec in specs:
        try:
            write_atomically(spec.path, spec.renderer()(result, recorder, masker))
        except OSError as exc:
            problems.append(_problem(spec, exc))
    return problems


def write_combined_reports(
    specs: list[ReportSpec], runs: list[LineRun], masker: SecretMasker
) -> list[str]:
    """Write each report of every run at once; one message per report that could not be written."""
    problems = []
    for spec in specs:
        try:
            write_atomically(spec.path, spec.many_renderer()(runs, masker))
        except OSError as exc:
            problems.append(_problem(spec, exc))
    return problems
