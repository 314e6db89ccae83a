"""Preparing a workflow once per document, before any run: :func:`prepare_workflow`.

Preparing resolves every operation the workflow can reach, checks each step,
builds the request templates, works out the server URLs and links every
``goto``, retry, ``dependsOn`` and workflow-step target to the workflow it
names, in this document or in another Arazzo document (loaded through the
injected ``load_source``; the engine reads no document itself). The result,
a :class:`PreparedWorkflow`, does not change afterwards: any number of runs,
one after the other or at the same time, share it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..asyncapi.steps import is_message_step
from ..diagnostics import Diagnostics, DocumentInvalid
from ..document import (
    SOURCE_REFERENCE,
    Action,
    ArazzoDocument,
    Step,
    Workflow,
    check_workflow,
    execution_order,
    join_pointer,
    local_dependencies,
    parse_step_target,
    uses_step_dependencies,
)
from ..errors import ArazzoError, DocumentError
from ..http.messages import StepFailure
from ..http.request import RequestTemplate
from ..openapi import Operation, RelativeServerURL, SourceRegistry, check_parameters

if TYPE_CHECKING:
    from ..messaging.template import MessageTemplate

SourceLoader = Callable[[str], ArazzoDocument]
"""Loads, checks and builds the Arazzo document at an absolute URI (``type: arazzo`` sources)."""
InputsPreparer = Callable[[Workflow, ArazzoDocument, Mapping[str, Any]], dict[str, Any]]
"""Applies the defaults of a called workflow's inputs and validates them."""


@dataclass(frozen=True)
class DocumentServices:
    """What the engine needs from the layer that loaded the documents."""

    diagnostics: Diagnostics
    """Where warnings (while preparing and while running) and workflow errors go."""
    load_source: SourceLoader
    check_inputs: InputsPreparer


@dataclass(frozen=True, eq=False)
class PreparedDocument:
    """One Arazzo document a prepared workflow reaches, with its source descriptions."""

    document: ArazzoDocument
    sources: SourceRegistry
    services: DocumentServices
    path: tuple[str, ...] = ()
    """The ``type: arazzo`` source names that lead to it from the run's document
    (empty for that document): how ``--server`` names its source descriptions."""

    def server_names(self, source: str) -> tuple[str, ...]:
        """The ``server_overrides`` keys for ``source``, the one that wins first.

        ``DOC.SOURCE`` (``DOC.DEEPER.SOURCE`` further down) names exactly this
        document's source; the plain name names every source so called.
        """
        if not self.path:
            return (source,)
        return (".".join((*self.path, source)), source)


@dataclass(frozen=True)
class StepRequest:
    """An operation step's request, as far as it is known before a run."""

    template: RequestTemplate
    server_url: str | None
    """The description's server, or None when the run's ``server_overrides`` replace it."""
    server_names: tuple[str, ...]
    """The ``server_overrides`` keys that replace it, the one that wins first."""

    def base_url(self, server_overrides: Mapping[str, str]) -> str:
        operation = self.template.operation
        for name in self.server_names:
            override = server_overrides.get(name)
            if override is not None:
                return override
        if self.server_url is None:  # pragma: no cover - prepared for these overrides
            raise StepFailure(f"no server URL for {operation.label}")
        return self.server_url


@dataclass(frozen=True, eq=False)
class PreparedWorkflow:
    """A workflow ready to run: its requests built, its targets linked (read-only)."""

    workflow: Workflow
    document: PreparedDocument
    requests: Mapping[str, StepRequest]
    """stepId -> the request of each step that calls an operation."""
    targets: Mapping[str, PreparedWorkflow]
    """Each workflow reference this workflow makes (``dependsOn``, steps, actions) -> its target."""
    step_indexes: Mapping[str, int]
    """stepId -> its position, for ``goto`` a step."""
    messages: Mapping[str, MessageTemplate] = field(default_factory=lambda: MappingProxyType({}))
    """stepId -> the message template of each step that sends or receives a message."""
    order: tuple[int, ...] = ()
    """The step indexes in the order they run (``document.execution_order``)."""
    dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """stepId -> the steps of this workflow it waits for; empty unless the workflow
    uses step ``dependsOn`` (Arazzo 1.1)."""
    step_requirements: Mapping[str, tuple[RequiredStep, ...]] = field(default_factory=dict)
    """stepId -> the steps of other workflows its ``dependsOn`` names."""

    @property
    def schedules_steps(self) -> bool:
        """Whether the steps run by their dependencies (and may run concurrently)."""
        return bool(self.dependencies)


@dataclass(frozen=True)
class RequiredStep:
    """A step of another workflow that must have completed earlier in the run."""

    key: tuple[str, str, str]
    """(document URI, workflowId, stepId): how the run remembers completed steps."""
    written: str
    """The ``dependsOn`` entry, for messages."""


def prepare_workflow(
    document: ArazzoDocument,
    sources: SourceRegistry,
    workflow: Workflow,
    services: DocumentServices,
    overridden: Collection[str] = (),
    *,
    planning: bool = False,
) -> PreparedWorkflow:
    """Resolve everything ``workflow`` can reach and check it before anything is sent.

    Raises :class:`DocumentInvalid` listing every problem, so a workflow that
    cannot run never sends its first request. Workflows it calls, depends on
    or jumps to are prepared too. ``overridden`` names the source descriptions
    whose servers the runs replace (``RunOptions.server_overrides``): those
    need no server of their own. ``planning`` prepares for a dry run, which
    sends nothing: a relative server URL is then no error.
    """
    preparer = _Preparer(services, frozenset(overridden), planning)
    return preparer.prepare(preparer.root(document, sources), workflow)


class _Preparer:
    """One preparation: the documents and workflows reached so far, so that each is
    prepared once, and documents or workflows that refer to each other end."""

    def __init__(
        self, services: DocumentServices, overridden: frozenset[str], planning: bool
    ) -> None:
        self.services = services
        self.planning = planning
        self.diagnostics = services.diagnostics
        self.overridden = overridden
        self._documents: dict[str, PreparedDocument] = {}
        self._workflows: dict[tuple[PreparedDocument, str], PreparedWorkflow] = {}

    def root(self, document: ArazzoDocument, sources: SourceRegistry) -> PreparedDocument:
        prepared = PreparedDocument(document, sources, self.services)
        self._documents[document.document.uri] = prepared
        return prepared

    def prepare(self, document: PreparedDocument, workflow: Workflow) -> PreparedWorkflow:
        key = (document, workflow.workflow_id)
        if key in self._workflows:
            return self._workflows[key]
        check_workflow(workflow, self.diagnostics)
        requests: dict[str, StepRequest] = {}
        messages: dict[str, MessageTemplate] = {}
        targets: dict[str, PreparedWorkflow] = {}
        indexes: dict[str, int] = {}
        requirements: dict[str, tuple[RequiredStep, ...]] = {}
        for index, step in enumerate(workflow.steps):
            indexes.setdefault(step.step_id, index)
        scheduled = document.document.is_1_1 and uses_step_dependencies(workflow)
        dependencies = (
            {s: tuple(d) for s, d in local_dependencies(workflow).items()} if scheduled else {}
        )
        # Read-only views: only this preparation fills the dicts behind them, before
        # it returns. The object exists first so that a target can lead back to it.
        prepared = PreparedWorkflow(
            workflow,
            document,
            MappingProxyType(requests),
            MappingProxyType(targets),
            MappingProxyType(indexes),
            MappingProxyType(messages),
            execution_order(workflow) if scheduled else tuple(range(len(workflow.steps))),
            MappingProxyType(dependencies),
            MappingProxyType(requirements),
        )
        self._workflows[key] = prepared
        if document.document.is_1_1:
            self._link_step_requirements(document, workflow, requirements)
        found = self._check(document, workflow, requests, messages)
        for reference, (target_document, target) in found.items():
            targets[reference] = self.prepare(target_document, target)
        return prepared

    def _link_step_requirements(
        self,
        document: PreparedDocument,
        workflow: Workflow,
        requirements: dict[str, tuple[RequiredStep, ...]],
    ) -> None:
        """Find the document and workflow of each ``dependsOn`` entry naming another
        workflow's step; a missing one is an error before anything is sent."""
        problems = Diagnostics()
        for step in workflow.steps:
            required: list[RequiredStep] = []
            for index, entry in enumerate(step.depends_on):
                target = parse_step_target(entry)
                if target is None or target.is_local or target.workflow_id is None:
                    continue
                pointer = join_pointer(step.pointer, "dependsOn", index)
                try:
                    owner = document
                    if target.source is not None:
                        owner = self._document_for_source(document, target.source, pointer)
                    self._check_required_step(owner, target.workflow_id, target.step_id, pointer,
                                              document)  # fmt: skip
                except DocumentError as exc:
                    problems.error(exc.message, exc.location, exc.hint)
                    continue
                key = (owner.document.document.uri, target.workflow_id, target.step_id)
                required.append(RequiredStep(key, entry))
            if required:
                requirements[step.step_id] = tuple(required)
        problems.raise_if_errors()

    @staticmethod
    def _check_required_step(
        owner: PreparedDocument,
        workflow_id: str,
        step_id: str,
        pointer: str,
        document: PreparedDocument,
    ) -> None:
        other = owner.document.workflow(workflow_id)
        where = document.document.location(pointer)
        if other is None:
            known = ", ".join(w.workflow_id for w in owner.document.workflows)
            raise DocumentError(
                f"dependsOn names workflow '{workflow_id}', which does not exist",
                location=where,
                hint=f"workflows there: {known}",
            )
        if other.step(step_id) is None:
            known = ", ".join(s.step_id for s in other.steps)
            raise DocumentError(
                f"dependsOn names step '{step_id}' of workflow '{workflow_id}', which has "
                "no such step",
                location=where,
                hint=f"its steps: {known}",
            )

    def _check(
        self,
        document: PreparedDocument,
        workflow: Workflow,
        requests: dict[str, StepRequest],
        messages: dict[str, MessageTemplate],
    ) -> dict[str, tuple[PreparedDocument, Workflow]]:
        """Every problem of ``workflow`` at once, or the targets it names."""
        problems = Diagnostics()
        found: dict[str, tuple[PreparedDocument, Workflow]] = {}
        for index, reference in enumerate(workflow.depends_on):
            pointer = join_pointer(workflow.pointer, "dependsOn", index)
            self._checked_target(document, reference, pointer, problems, found)
        for step in workflow.steps:
            for action in [*step.on_success, *step.on_failure]:
                self._check_action(document, workflow, action, problems, found)
            if is_message_step(document.document, step):
                self._prepare_message_step(document, workflow, step, problems, messages)
                continue
            self._prepare_step(document, workflow, step, problems, found, requests)
        for action in [*workflow.success_actions, *workflow.failure_actions]:
            self._check_action(document, workflow, action, problems, found)
        problems.raise_if_errors()
        return found

    def _prepare_step(
        self,
        document: PreparedDocument,
        workflow: Workflow,
        step: Step,
        problems: Diagnostics,
        found: dict[str, tuple[PreparedDocument, Workflow]],
        requests: dict[str, StepRequest],
    ) -> None:
        if step.workflow_id is not None:
            pointer = join_pointer(step.pointer, "workflowId")
            self._checked_target(document, step.workflow_id, pointer, problems, found)
            return
        try:
            operation = document.sources.resolve(step)
        except DocumentError as exc:
            problems.error(exc.message, exc.location, exc.hint)
            return
        operation.check_security(self.diagnostics)
        self._check_parameters(document.document, workflow, step, operation, problems)
        names = document.server_names(operation.description.name)
        server_url = self._check_server(operation, names, problems)
        requests[step.step_id] = StepRequest(
            RequestTemplate(workflow, step, operation), server_url, names
        )

    def _prepare_message_step(
        self,
        document: PreparedDocument,
        workflow: Workflow,
        step: Step,
        problems: Diagnostics,
        messages: dict[str, MessageTemplate],
    ) -> None:
        """An AsyncAPI step: its channel resolved, its broker known before anything is sent."""
        # Imported here: a document without message steps never loads them.
        from ..asyncapi.coverage import check_message_step
        from ..messaging.registry import transport_class
        from ..messaging.template import MessageTemplate

        try:
            target = document.sources.resolve_message(step)
        except DocumentError as exc:
            problems.error(exc.message, exc.location, exc.hint)
            return
        for problem in check_message_step(workflow, step, target):
            location = document.document.location(problem.pointer)
            if problem.blocking:
                problems.error(problem.message, location, problem.hint, rule=problem.rule)
            else:
                self.diagnostics.warning(problem.message, location, problem.hint, rule=problem.rule)
        names = document.server_names(target.source)
        template = MessageTemplate(workflow, step, target, names)
        if not any(name in self.overridden for name in names):
            try:
                # The client library is imported now: a missing extra stops the run
                # before anything is sent, with the pip install that adds it.
                transport_class(template.endpoint({}).protocol)
            except ArazzoError as exc:
                location = document.document.location(step.pointer)
                problems.error(exc.message, exc.location or location, exc.hint)
        messages[step.step_id] = template

    def _checked_target(
        self,
        document: PreparedDocument,
        reference: str,
        pointer: str,
        problems: Diagnostics,
        found: dict[str, tuple[PreparedDocument, Workflow]],
    ) -> None:
        try:
            found[reference] = self._target(document, reference, pointer)
        except DocumentError as exc:
            problems.error(exc.message, exc.location, exc.hint)

    # -- the checks validation makes too; kept together so that they can be shared

    def _check_action(
        self,
        document: PreparedDocument,
        workflow: Workflow,
        action: Action,
        problems: Diagnostics,
        found: dict[str, tuple[PreparedDocument, Workflow]],
    ) -> None:
        # A stepId is checked by validation, which every document a run reaches
        # passes; a workflowId may name another document's, linked here.
        if action.workflow_id is not None:
            pointer = join_pointer(action.pointer, "workflowId")
            self._checked_target(document, action.workflow_id, pointer, problems, found)

    def _target(
        self, document: PreparedDocument, reference: str, pointer: str
    ) -> tuple[PreparedDocument, Workflow]:
        """The workflow ``reference`` names: a local workflowId or ``$sourceDescriptions.x.id``."""
        match = SOURCE_REFERENCE.match(reference)
        if match is None:
            local = document.document.workflow(reference)
            if local is not None:
                return document, local
            return self._unique_in_arazzo_sources(document, reference, pointer)
        source_name, workflow_id = match.groups()
        other = self._document_for_source(document, source_name, pointer)
        found = other.document.workflow(workflow_id)
        if found is None:
            known = ", ".join(w.workflow_id for w in other.document.workflows)
            raise DocumentError(
                f"source description '{source_name}' has no workflow '{workflow_id}'",
                location=document.document.location(pointer),
                hint=f"its workflows: {known}",
            )
        return other, found

    def _unique_in_arazzo_sources(
        self, document: PreparedDocument, workflow_id: str, pointer: str
    ) -> tuple[PreparedDocument, Workflow]:
        # A plain id that is not local is accepted when exactly one arazzo source
        # defines it, with a warning: the spec asks for the qualified form.
        found = []
        for source in document.document.source_descriptions:
            if source.type == "arazzo":
                other = self._document_for_source(document, source.name, pointer)
                workflow = other.document.workflow(workflow_id)
                if workflow is not None:
                    found.append((source.name, (other, workflow)))
        if len(found) == 1:
            name, target = found[0]
            self.diagnostics.warning(
                f"workflowId '{workflow_id}' is defined in source description '{name}'; "
                f"the spec asks for '$sourceDescriptions.{name}.{workflow_id}'",
                location=document.document.location(pointer),
            )
            return target
        known = ", ".join(w.workflow_id for w in document.document.workflows)
        raise DocumentError(
            f"no workflow '{workflow_id}' in this document"
            + (" (several source descriptions define it)" if found else ""),
            location=document.document.location(pointer),
            hint=f"workflows here: {known}; a workflow of another Arazzo document is named "
            "$sourceDescriptions.<name>.<workflowId>",
        )

    def _check_parameters(
        self,
        document: ArazzoDocument,
        workflow: Workflow,
        step: Step,
        operation: Operation,
        problems: Diagnostics,
    ) -> None:
        """The parameter check ``arazzo validate`` makes, with the same words.

        It runs again here because a remote description is read only now; for a
        local one the identical diagnostics were already reported, and collapse.
        """
        for problem in check_parameters(workflow, step, operation):
            location = document.location(problem.pointer)
            if problem.blocking:
                problems.error(problem.message, location, problem.hint, rule=problem.rule)
            else:
                self.diagnostics.warning(problem.message, location, problem.hint, rule=problem.rule)

    # -- other documents and servers

    def _document_for_source(
        self, document: PreparedDocument, name: str, pointer: str
    ) -> PreparedDocument:
        source = document.document.source(name)
        if source is None:
            names = ", ".join(s.name for s in document.document.source_descriptions)
            raise DocumentError(
                f"no source description named '{name}'",
                location=document.document.location(pointer),
                hint=f"source descriptions: {names}",
            )
        if source.type != "arazzo":
            raise DocumentError(
                f"source description '{name}' is of type '{source.type or 'openapi'}'; "
                "workflows can only come from an 'arazzo' source description",
                location=document.document.location(pointer),
            )
        uri = document.document.document.resolve_uri(source.url)
        if uri in self._documents:
            return self._documents[uri]
        try:
            loaded = self.services.load_source(uri)
        except DocumentInvalid:
            raise  # its own list of located errors, each in the called document
        except DocumentError as exc:
            raise DocumentError(
                f"cannot load source description '{name}': {exc.message}",
                location=document.document.location(join_pointer(source.pointer, "url")),
                hint=exc.hint,
            ) from None
        # Its operations are found through the same documents cache: each
        # OpenAPI file is read once however many Arazzo documents use it.
        sources = SourceRegistry(loaded, self.diagnostics, document.sources.cache)
        other = PreparedDocument(loaded, sources, self.services, (*document.path, name))
        self._documents[uri] = other
        return other

    def _check_server(
        self, operation: Operation, names: tuple[str, ...], problems: Diagnostics
    ) -> str | None:
        """The operation's server URL, unless the runs replace it; a problem if it has none."""
        if any(name in self.overridden for name in names):
            return None
        try:
            return operation.description.server_url(operation)
        except RelativeServerURL as exc:
            if not self.planning:
                problems.error(exc.message, exc.location, _server_hint(exc.hint, names))
            # A dry run sends nothing: its plan shows the relative URL instead.
            return None
        except DocumentError as exc:
            problems.error(exc.message, exc.location, _server_hint(exc.hint, names))
            return None


def _server_hint(hint: str | None, names: tuple[str, ...]) -> str | None:
    # The description knows only its own source name; in a called document the
    # override that surely reaches it is the qualified one.
    if hint is None or not hint.startswith("pass --server ") or len(names) == 1:
        return hint
    return f"pass --server {names[0]}=https://host/base-path"
