"""Report files: which kinds there are, and writing them atomically after the run.

The ``--report KIND=FILE`` option itself is read and checked by ``cli/args.py``.
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
KINDS = ("json", "junit", "har")


@dataclass(frozen=True)
class ReportSpec:
    kind: str
    path: Path

    def renderer(self) -> Renderer:
        from . import har, json_report, junit

        return {"json": json_report.render, "junit": junit.render, "har": har.render}[self.kind]


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
            reason = exc.strerror or str(exc)
            problems.append(f"cannot write the {spec.kind} report to {spec.path}: {reason}")
    return problems
