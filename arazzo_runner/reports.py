"""Report files from Python: what ``arazzo run --report KIND=FILE`` writes, for an API run.

::

    reports = arazzo_runner.RunReports(loaded, {"html": "out/run.html", "junit": "out/junit.xml"})
    result = loaded.run("my-workflow", inputs, listener=reports)
    reports.write(result)

``RunReports`` is a :class:`~arazzo_runner.RunListener`: it learns the run's
secrets as the command line does (so they are masked in every report), and
records the exchanges the reports need.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import Listeners, RunListener
from .errors import UsageError, unknown_name_hint
from .masking import SecretLearner, SecretMasker
from .reporting.files import KINDS, ReportSpec, write_reports
from .reporting.recorder import RunRecorder

if TYPE_CHECKING:
    from .api import LoadedArazzo
    from .document import Step, Workflow
    from .http.messages import Exchange, PreparedRequest
    from .results import ActionTaken, StepResult, WorkflowResult


class RunReports(RunListener):
    """Records one run and writes its reports (``json``, ``junit``, ``har``, ``html``).

    ``reports`` maps each kind to its file, or is a list of ``(kind, file)`` pairs
    for several files of one kind. ``listener`` also hears the run's events.
    Use one ``RunReports`` per run.
    """

    wants_exchanges = True

    def __init__(
        self,
        loaded: LoadedArazzo | None,
        reports: Mapping[str, str | os.PathLike[str]]
        | Sequence[tuple[str, str | os.PathLike[str]]],
        *,
        masker: SecretMasker | None = None,
        listener: RunListener | None = None,
    ) -> None:
        pairs = list(reports.items()) if isinstance(reports, Mapping) else list(reports)
        self.specs = [_spec(kind, path) for kind, path in pairs]
        self.masker = masker if masker is not None else SecretMasker()
        self.recorder = RunRecorder()
        sources = loaded.sources if loaded is not None else None
        # The learner comes first: what it learns is masked in what the others keep.
        self._listeners = Listeners([SecretLearner(self.masker, sources), self.recorder, listener])

    def write(self, result: WorkflowResult) -> None:
        """Write every report of ``result``; raises ``OSError`` naming each that failed."""
        problems = write_reports(self.specs, result, self.recorder, self.masker)
        if problems:
            raise OSError("; ".join(problems))

    def workflow_started(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        self._listeners.workflow_started(workflow, inputs)

    def step_started(self, step: Step, request: PreparedRequest | None) -> None:
        self._listeners.step_started(step, request)

    def exchange(self, exchange: Exchange) -> None:
        self._listeners.exchange(exchange)

    def action_taken(self, step: Step, action: ActionTaken) -> None:
        self._listeners.action_taken(step, action)

    def step_finished(self, result: StepResult) -> None:
        self._listeners.step_finished(result)

    def workflow_finished(self, result: WorkflowResult) -> None:
        self._listeners.workflow_finished(result)


def _spec(kind: str, path: str | os.PathLike[str]) -> ReportSpec:
    if kind not in KINDS:
        hint = unknown_name_hint(kind, KINDS, "report kinds")
        raise UsageError(f"unknown report kind '{kind}'", hint=hint)
    return ReportSpec(kind, Path(path))
