"""The Python API: load an Arazzo document, pick a workflow, run it::

    from arazzo_runner.api import load

    document = load("workflows/ibm-quantum-pause-session-and-confirm-workflow.yml")
    result = document.run(
        inputs={"accessToken": token, "sessionId": "...", ...},
        server_overrides={"sessionsApi": "http://127.0.0.1:8080/api"},
    )
    print(result.status, result.outputs)

Problems raise :class:`~arazzo_runner.errors.ArazzoError` subclasses before
anything is sent; a run that fails returns a result whose status says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostics
from .errors import UsageError
from .events import RunListener
from .executor import RunOptions, WorkflowRunner
from .inputs import InputValidator, apply_defaults
from .loader import load_document
from .model import ArazzoDocument, Workflow, build_model, workflow_pointer_of
from .results import WorkflowResult
from .sources import SourceRegistry

if TYPE_CHECKING:
    import httpx2


class LoadedArazzo:
    """An Arazzo document ready to run, with the warnings found while loading it."""

    def __init__(self, document: ArazzoDocument, diagnostics: Diagnostics) -> None:
        self.document = document
        self.diagnostics = diagnostics
        self.sources = SourceRegistry(document, diagnostics)
        self._input_validators: dict[str, InputValidator] = {}

    @property
    def workflows(self) -> list[Workflow]:
        return self.document.workflows

    def workflow(self, workflow_id: str | None = None) -> Workflow:
        """The workflow with ``workflow_id``, or the only one when it is omitted."""
        if workflow_id is None:
            if len(self.workflows) == 1:
                return self.workflows[0]
            ids = ", ".join(w.workflow_id for w in self.workflows)
            raise UsageError(
                f"the document has {len(self.workflows)} workflows; choose one with --workflow",
                hint=f"workflows: {ids}",
            )
        found = self.document.workflow(workflow_id)
        if found is None:
            ids = ", ".join(w.workflow_id for w in self.workflows)
            raise UsageError(
                f"no workflow '{workflow_id}' in {self.document.document.display_name}",
                hint=f"workflows: {ids}",
            )
        return found

    def _warn_about_other_workflows(self, workflow: Workflow) -> None:
        # Other workflows' errors do not stop this one, but are not hidden either.
        for other in self.workflows:
            if other is workflow:
                continue
            errors = [d for d in self.diagnostics.errors if workflow_pointer_of(d) == other.pointer]
            if errors:
                count = f"{len(errors)} error{'s' if len(errors) > 1 else ''}"
                self.diagnostics.warning(
                    f"workflow '{other.workflow_id}' has {count} and could not run; the first: "
                    f"{errors[0].message.splitlines()[0]}",
                    errors[0].location,
                )

    def run(
        self,
        workflow_id: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        *,
        server_overrides: Mapping[str, str] | None = None,
        timeout: float | None = None,
        listener: RunListener | None = None,
        client: httpx2.Client | None = None,
    ) -> WorkflowResult:
        """Validate ``inputs`` and run the workflow; nothing is sent if anything is invalid."""
        workflow = self.workflow(workflow_id)
        self._warn_about_other_workflows(workflow)
        for name in server_overrides or {}:
            if self.document.source(name) is None:
                names = ", ".join(s.name for s in self.document.source_descriptions)
                raise UsageError(
                    f"--server names source description '{name}', which the document does not "
                    "define",
                    hint=f"source descriptions: {names}",
                )
        options = RunOptions(server_overrides=dict(server_overrides or {}))
        if timeout is not None:
            options.timeout = timeout
        runner = WorkflowRunner(
            self.document, self.sources, self.diagnostics, options, client, listener
        )
        runner.prepare(workflow)  # document problems first: inputs cannot fix those
        values = apply_defaults(dict(inputs or {}), workflow)
        self._input_validator(workflow)(values)
        return runner.run(workflow, values)

    def _input_validator(self, workflow: Workflow) -> InputValidator:
        # Compiling a JSON Schema validator costs more than a local HTTP call;
        # a workflow run many times compiles it once.
        if workflow.workflow_id not in self._input_validators:
            self._input_validators[workflow.workflow_id] = InputValidator(workflow, self.document)
        return self._input_validators[workflow.workflow_id]


def load(path: str, *, diagnostics: Diagnostics | None = None) -> LoadedArazzo:
    """Load and check an Arazzo document from a file path or URL."""
    if diagnostics is None:
        diagnostics = Diagnostics()
    document = build_model(load_document(path, display_name=path), diagnostics)
    return LoadedArazzo(document, diagnostics)
