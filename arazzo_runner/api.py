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

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostics
from .document import (
    ArazzoDocument,
    DocumentLimits,
    LoadOptions,
    Workflow,
    errors_in,
    find_schema_cycle,
    load_document,
)
from .engine import (
    API_INPUTS_HINT,
    DocumentServices,
    InputValidator,
    PreparedWorkflow,
    Run,
    RunListener,
    RunOptions,
    apply_defaults,
    prepare_workflow,
    run_async,
    run_blocking,
)
from .errors import ArazzoError, DocumentError, InputError, UsageError, unknown_name_hint
from .openapi import SourceRegistry
from .results import WorkflowResult
from .validation import prepare_document

if TYPE_CHECKING:
    import httpx2


class LoadedArazzo:
    """An Arazzo document ready to run, with the warnings found while loading it."""

    def __init__(
        self,
        document: ArazzoDocument,
        diagnostics: Diagnostics,
        options: LoadOptions | None = None,
    ) -> None:
        self.document = document
        self.diagnostics = diagnostics
        # How source descriptions and the documents they refer to are read.
        self.options = options or LoadOptions()
        self.sources = SourceRegistry(document, diagnostics, options=self.options)
        self._input_validators: dict[tuple[int, str], InputValidator] = {}
        # Prepared workflows by workflow, the source names the run's servers override,
        # and whether for a dry run.
        self._prepared: dict[tuple[str, frozenset[str], bool], PreparedWorkflow] = {}
        # Other Arazzo documents (`type: arazzo` sources), checked and built, by URI.
        self._arazzo_sources: dict[str, ArazzoDocument] = {}
        self._services = DocumentServices(
            diagnostics, load_source=self._load_source, check_inputs=self.prepare_inputs
        )

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
            known = [w.workflow_id for w in self.workflows]
            raise UsageError(
                f"no workflow '{workflow_id}' in {self.document.document.display_name}",
                hint=unknown_name_hint(workflow_id, known, "workflows"),
            )
        return found

    def _warn_about_other_workflows(self, workflow: Workflow) -> None:
        # Other workflows' errors do not stop this one, but are not hidden either.
        for other in self.workflows:
            if other is workflow:
                continue
            errors = errors_in(other, self.diagnostics)
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
        options: RunOptions | None = None,
    ) -> WorkflowResult:
        """Validate ``inputs`` and run the workflow; nothing is sent if anything is invalid.

        ``options`` sets every run option at once (limits, redirects, ...);
        ``server_overrides`` and ``timeout`` are shortcuts that win over it.
        """
        options = _with_shortcuts(options, server_overrides, timeout)
        return run_blocking(self._start(workflow_id, inputs, options, listener), client)

    async def arun(
        self,
        workflow_id: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        *,
        server_overrides: Mapping[str, str] | None = None,
        timeout: float | None = None,
        listener: RunListener | None = None,
        client: httpx2.AsyncClient | None = None,
        options: RunOptions | None = None,
    ) -> WorkflowResult:
        """:meth:`run` on an asyncio event loop; pass a shared ``client`` to reuse connections."""
        options = _with_shortcuts(options, server_overrides, timeout)
        return await run_async(self._start(workflow_id, inputs, options, listener), client)

    def _start(
        self,
        workflow_id: str | None,
        inputs: Mapping[str, Any] | None,
        options: RunOptions,
        listener: RunListener | None,
    ) -> Run:
        workflow = self.workflow(workflow_id)
        self._warn_about_other_workflows(workflow)
        self.check_server_overrides(options.server_overrides)
        # Document problems first: inputs cannot fix those.
        prepared = self.prepare_workflow(workflow, options.server_overrides)
        try:
            values = self.prepare_inputs(workflow, self.document, inputs or {})
        except InputError as exc:
            raise InputError(
                exc.message, location=exc.location, hint=exc.hint or API_INPUTS_HINT
            ) from None
        return Run(prepared, values, options, listener)

    def prepare_workflow(
        self,
        workflow: Workflow,
        server_overrides: Mapping[str, str] | None = None,
        *,
        planning: bool = False,
    ) -> PreparedWorkflow:
        """``workflow`` resolved and checked for runs that override these sources' servers.

        Raises :class:`DocumentInvalid` if it cannot run. Preparing resolves
        operations and checks every step: more than a local HTTP call costs.
        The documents do not change, so a workflow run many times is prepared
        once per set of overridden source descriptions (the only run option
        preparing reads). A preparation that fails is not kept. ``planning``
        prepares for a dry run, where a relative server URL is no error.
        """
        overridden = frozenset(server_overrides or ())
        key = (workflow.workflow_id, overridden, planning)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = prepare_workflow(
                self.document,
                self.sources,
                workflow,
                self._services,
                overridden,
                planning=planning,
            )
            self._prepared[key] = prepared
        return prepared

    def _load_source(self, uri: str) -> ArazzoDocument:
        # Another Arazzo document a workflow reaches is checked exactly like the
        # one given to load(): the same validation, the same errors and warnings.
        document = self._arazzo_sources.get(uri)
        if document is None:
            loaded = self.sources.cache.get(uri)
            document = prepare_document(loaded, self.diagnostics, self.options)
            self._arazzo_sources[uri] = document
        return document

    def check_server_overrides(self, server_overrides: Mapping[str, str]) -> None:
        """Raise :class:`UsageError` when an override names no source description.

        A name is a source description of this document, of any Arazzo document
        it calls (``type: arazzo`` sources, followed down), or such a document's
        source qualified by the arazzo sources that lead to it: ``DOC.SOURCE``.
        """
        unknown = [name for name in server_overrides if self.document.source(name) is None]
        if not unknown:
            return  # the common case reads no other document
        known = self.server_names()
        for name in unknown:
            if name not in known:
                raise UsageError(
                    f"--server names source description '{name}', which neither the document "
                    "nor the Arazzo documents it calls define",
                    hint=unknown_name_hint(name, known, "source descriptions")
                    + " (a called document's source is also named DOC.SOURCE, DOC being the "
                    "arazzo source that leads to it)",
                )

    def server_names(self) -> list[str]:
        """Every name ``server_overrides`` accept, this document's first."""
        names: list[str] = []
        pending: list[tuple[ArazzoDocument, tuple[str, ...]]] = [(self.document, ())]
        seen = {self.document.document.uri}
        while pending:
            document, path = pending.pop(0)
            for source in document.source_descriptions:
                names.append(".".join((*path, source.name)))
                if path and source.name not in names:
                    names.append(source.name)
                if source.type != "arazzo":
                    continue
                uri = document.document.resolve_uri(source.url)
                if uri in seen:
                    continue
                seen.add(uri)
                try:
                    pending.append((self._load_source(uri), (*path, source.name)))
                except ArazzoError:
                    continue  # preparing the workflow reports it, located
        return list(dict.fromkeys(names))

    def prepare_inputs(
        self, workflow: Workflow, document: ArazzoDocument, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``inputs`` with the schema's defaults, validated (raises :class:`InputError`)."""
        values = apply_defaults(dict(inputs), workflow)
        self._input_validator(workflow, document)(values)
        return values

    def _input_validator(self, workflow: Workflow, document: ArazzoDocument) -> InputValidator:
        # Compiling a JSON Schema validator costs more than a local HTTP call;
        # a workflow run many times compiles it once.
        key = (id(document), workflow.workflow_id)
        if key not in self._input_validators:
            _refuse_endless_schema(workflow, document)
            self._input_validators[key] = InputValidator(workflow, document)
        return self._input_validators[key]


def _with_shortcuts(
    options: RunOptions | None, server_overrides: Mapping[str, str] | None, timeout: float | None
) -> RunOptions:
    """A copy of ``options`` (or the defaults) with the keyword shortcuts applied: they win."""
    merged = replace(options) if options is not None else RunOptions()
    if server_overrides is not None:
        merged.server_overrides = dict(server_overrides)
    if timeout is not None:
        merged.timeout = timeout
    return merged


def _refuse_endless_schema(workflow: Workflow, document: ArazzoDocument) -> None:
    # A validator would recurse until the stack runs out on a cycle of $refs
    # (a -> b -> a) that never descends into the inputs; say so instead.
    pointer = f"{workflow.pointer}/inputs"
    cycle = find_schema_cycle(document.document.data, pointer)
    if cycle is not None:
        chain = " -> ".join(f"#{step}" for step in cycle)
        raise DocumentError(
            f"the inputs schema of workflow '{workflow.workflow_id}' refers to itself "
            f"without end: {chain}",
            location=document.location(cycle[0]),
            hint="a schema may refer to itself only below properties or items",
        )


def load(
    path: str,
    *,
    diagnostics: Diagnostics | None = None,
    offline: bool = False,
    limits: DocumentLimits | None = None,
    options: LoadOptions | None = None,
    documents: Sequence[str] = (),
) -> LoadedArazzo:
    """Load and check an Arazzo document from a file path or URL.

    ``offline`` forbids fetching any document over the network (the workflow's
    own API calls are not affected); ``limits`` bound the size, nesting and
    fetch time of every document read (the :class:`DocumentLimits` defaults
    when omitted). ``options`` say how documents are read (the fetch function,
    the parsed-document cache); ``offline`` and ``limits`` take precedence.
    ``documents`` are other Arazzo documents (paths or URLs) that references may
    name by their ``$self`` (Arazzo 1.1), wherever they are stored.
    """
    if diagnostics is None:
        diagnostics = Diagnostics()
    base = options or LoadOptions()
    candidates = base.documents
    if documents:
        # The document itself too: the others may refer back to it by its $self.
        candidates = tuple(dict.fromkeys((*candidates, path, *documents)))
    options = replace(
        base,
        offline=offline or base.offline,
        limits=limits or base.limits,
        documents=candidates,
    )
    # The checks of `arazzo validate`: a document with errors sends nothing.
    document = prepare_document(
        load_document(path, display_name=path, options=options), diagnostics, options
    )
    return LoadedArazzo(document, diagnostics, options)
