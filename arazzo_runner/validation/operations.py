"""Checks against the source descriptions: they load, and steps' operations exist and fit.

Every problem is reported in the Arazzo document, at the field that uses the
source or operation; where the cause lies in an OpenAPI file, the message
names the file, line and column of the cause. Finding the operation and
checking its parameters are the openapi layer's (``resolve``, ``coverage``),
shared with a run, so both say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..asyncapi.steps import is_message_step
from ..diagnostics import Diagnostics
from ..document import (
    SOURCE_REFERENCE,
    LoadedDocument,
    SourceDescription,
    Step,
    Workflow,
    is_relative_reference,
    is_url,
    join_pointer,
    load_document,
)
from ..errors import DocumentError, DocumentSyntaxError
from ..http.bodies import choose_content_type
from ..openapi import (
    DocumentCache,
    Located,
    OpenAPIDescription,
    Operation,
    ResolutionProblem,
    UnresolvableReference,
    check_parameters,
    dereference,
    resolve_operation,
)
from .calls import check_call_outputs
from .context import LintContext
from .payloads import check_replacement_targets
from .recursion import check_recursion

if TYPE_CHECKING:
    from ..asyncapi.description import AsyncAPIDescription

_SCHEMA_ISSUES_SHOWN = 5
"""AsyncAPI schema problems reported one by one; the rest are counted."""


@dataclass
class LoadedSource:
    source: SourceDescription
    openapi: OpenAPIDescription | None = None
    asyncapi: AsyncAPIDescription | None = None
    arazzo: LoadedDocument | None = None
    unread: bool = False
    """Not read (remote and offline) or not readable: only its declared type is known."""


@dataclass
class SourceChecker:
    """The document's source descriptions as validation read them (see :class:`Sources`)."""

    ctx: LintContext
    cache: DocumentCache = field(init=False)
    loaded: dict[str, LoadedSource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        options = self.ctx.options
        self.cache = self.ctx.documents or DocumentCache(
            lambda uri: load_document(uri, options=options)
        )

    def openapi(self, source: SourceDescription) -> OpenAPIDescription | None:
        loaded = self.loaded.get(source.name)
        return loaded.openapi if loaded is not None else None

    def asyncapi(self, source: SourceDescription) -> AsyncAPIDescription | None:
        loaded = self.loaded.get(source.name)
        return loaded.asyncapi if loaded is not None else None

    def is_arazzo(self, source: SourceDescription) -> bool:
        loaded = self.loaded.get(source.name)
        if loaded is None:
            return False
        # A source that could not be read is what its type says: an operationId
        # qualified with an Arazzo source's name is wrong whether or not it loads.
        return loaded.arazzo is not None or (loaded.unread and source.type == "arazzo")

    def arazzo_document(self, uri: str) -> LoadedDocument | None:
        """Another Arazzo document at ``uri``, as the workflow-recursion rule reads it."""
        if self.ctx.offline and is_url(uri):
            return None
        try:
            document = self.cache.get(uri)
        except DocumentError:
            return None  # reported where its source description is loaded
        data = document.data
        return document if isinstance(data, dict) and "arazzo" in data else None

    # -- loading

    def load_all(self) -> None:
        for source in self.ctx.model.source_descriptions:
            self.loaded[source.name] = self._load(source)

    def _load(self, source: SourceDescription) -> LoadedSource:
        """The source, read; without a description when it was not read (remote and
        offline) or cannot be (reported): its operations are then not checked."""
        url_pointer = join_pointer(source.pointer, "url")
        try:
            uri = self.ctx.document.resolve_uri(source.url)
        except DocumentError as exc:
            self.ctx.report("source-not-found", url_pointer, exc.message)
            return LoadedSource(source, unread=True)
        if self.ctx.offline and is_url(uri) and self.cache.known(uri) is None:
            return LoadedSource(source, unread=True)
        try:
            document = self.cache.get(uri)
        except DocumentError as exc:
            self._report_load_failure(source, uri, exc)
            return LoadedSource(source, unread=True)
        data = document.data
        if source.type == "arazzo" or (isinstance(data, dict) and "arazzo" in data):
            return self._arazzo_source(source, document)
        if source.type == "asyncapi":
            return self._asyncapi_source(source, document)
        try:
            description = OpenAPIDescription(source.name, document, self.cache, Diagnostics())
        except DocumentError as exc:
            self.ctx.report(
                "invalid-source-type",
                url_pointer,
                f"source description '{source.name}': {exc.message}",
                hint=exc.hint or "a source description of type openapi must be OpenAPI 3.0 or 3.1",
            )
            return LoadedSource(source)
        if not re.match(r"^3\.[01]\.", description.version):
            self.ctx.report(
                "unsupported-openapi-version",
                url_pointer,
                f"source description '{source.name}' is OpenAPI {description.version}; it is "
                "checked as OpenAPI 3.1",
                hint="this tool knows OpenAPI 3.0 and 3.1, and 3.2's in: querystring; paths, "
                "operations and parameters are read the 3.1 way",
            )
        return LoadedSource(source, openapi=description)

    def _asyncapi_source(self, source: SourceDescription, document: LoadedDocument) -> LoadedSource:
        from ..asyncapi.description import AsyncAPIDescription

        url_pointer = join_pointer(source.pointer, "url")
        try:
            description = AsyncAPIDescription(source.name, document, self.cache, Diagnostics())
        except DocumentError as exc:
            self.ctx.report(
                "invalid-source-type",
                url_pointer,
                f"source description '{source.name}': {exc.message}",
                hint=exc.hint,
            )
            return LoadedSource(source)
        issues = description.schema_issues()
        for issue in issues[:_SCHEMA_ISSUES_SHOWN]:
            where = document.location(issue.pointer)
            self.ctx.report(
                "invalid-asyncapi",
                url_pointer,
                f"source description '{source.name}' breaks the AsyncAPI "
                f"{description.version} schema at {where}: {issue.message}",
                hint="fix the description there (the AsyncAPI Studio validator shows the same)",
            )
        if len(issues) > _SCHEMA_ISSUES_SHOWN:
            self.ctx.report(
                "invalid-asyncapi",
                url_pointer,
                f"source description '{source.name}' breaks the AsyncAPI schema in "
                f"{len(issues) - _SCHEMA_ISSUES_SHOWN} more places",
                hint="fix the ones above first",
            )
        return LoadedSource(source, asyncapi=description)

    def _arazzo_source(self, source: SourceDescription, document: LoadedDocument) -> LoadedSource:
        data = document.data
        if not (isinstance(data, dict) and "arazzo" in data):
            self.ctx.report(
                "invalid-source-type",
                join_pointer(source.pointer, "url"),
                f"source description '{source.name}' has type arazzo, but "
                f"{document.display_name} is not an Arazzo document",
            )
            return LoadedSource(source)
        return LoadedSource(source, arazzo=document)

    def _report_load_failure(self, source: SourceDescription, uri: str, exc: DocumentError) -> None:
        url_pointer = join_pointer(source.pointer, "url")
        where = exc.location if exc.location and exc.location.line else None
        if where is not None or isinstance(exc, DocumentSyntaxError):
            self.ctx.report(
                "unreadable-source",
                url_pointer,
                f"source description '{source.name}' cannot be parsed: "
                f"{where or uri}: {exc.message}",
                hint="fix the syntax of the description at that position",
            )
            return
        hint = exc.hint
        if is_relative_reference(source.url):
            hint = "a relative url is resolved against the Arazzo document's own location"
        self.ctx.report(
            "source-not-found",
            url_pointer,
            f"source description '{source.name}' cannot be loaded from '{source.url}': "
            + (exc.message if uri == source.url else f"{exc.message} (read as {uri})"),
            hint=hint,
        )

    # -- steps

    def check_workflows(self) -> None:
        for workflow in self.ctx.model.workflows:
            for step in workflow.steps:
                if step.workflow_id is not None:
                    self._check_step_workflow(step)
                    continue
                if is_message_step(self.ctx.model, step):
                    self._check_message_step(workflow, step)
                    continue
                found = resolve_operation(self.ctx.model, step, self)
                for problem in [*found.advice, *([found.problem] if found.problem else [])]:
                    self._report(problem)
                if found.operation is not None:
                    for problem in check_parameters(workflow, step, found.operation):
                        self._report(problem)
                    self._check_body_ref(step, found.operation)
                    self._check_implicit_body(step, found.operation)

    def _check_message_step(self, workflow: Workflow, step: Step) -> None:
        from ..asyncapi.coverage import check_message_step
        from ..asyncapi.resolve import resolve_message_step

        found = resolve_message_step(self.ctx.model, step, self)
        for problem in [*found.advice, *([found.problem] if found.problem else [])]:
            self._report(problem)
        if found.target is not None:
            for problem in check_message_step(workflow, step, found.target):
                self._report(problem)

    def _report(self, problem: ResolutionProblem) -> None:
        self.ctx.report(problem.rule, problem.pointer, problem.message, problem.hint)

    def _check_step_workflow(self, step: Step) -> None:
        assert step.workflow_id is not None
        match = SOURCE_REFERENCE.match(step.workflow_id)
        if match is None:
            return  # a local workflow: checked by the semantic rules
        loaded = self.loaded.get(match.group(1))
        if loaded is None or loaded.arazzo is None:
            return
        workflows = loaded.arazzo.data.get("workflows")
        found = [w for w in workflows if isinstance(w, dict)] if isinstance(workflows, list) else []
        ids = [w.get("workflowId") for w in found]
        called = next((w for w in found if w.get("workflowId") == match.group(2)), None)
        outputs = called.get("outputs", {}) if called is not None else None
        if isinstance(outputs, dict):
            check_call_outputs(self.ctx, step, tuple(str(name) for name in outputs))
        if called is None:
            self.ctx.report(
                "unknown-workflow",
                join_pointer(step.pointer, "workflowId"),
                f"Arazzo source description '{match.group(1)}' has no workflow '{match.group(2)}'",
                hint=f"its workflows: {', '.join(str(i) for i in ids) or 'none'}",
            )

    def _check_implicit_body(self, step: Step, operation: Operation) -> None:
        # The body is sent as the type the operation declares (a JSON one first).
        if step.request_body is None or step.request_body.content_type:
            return
        declared = operation.request_content_types()
        check_replacement_targets(self.ctx, step, choose_content_type(None, declared, {}))

    def _check_body_ref(self, step: Step, operation: Operation) -> None:
        body = operation.raw.get("requestBody")
        if step.request_body is None or not isinstance(body, dict) or "$ref" not in body:
            return
        pointer = join_pointer(operation.written_at, "requestBody")
        try:
            dereference(Located(body, operation.document, pointer), operation.description.cache)
        except UnresolvableReference as exc:
            where = operation.document.location(join_pointer(pointer, "$ref"))
            self.ctx.report(
                "broken-ref",
                join_pointer(step.pointer, "requestBody"),
                f"the requestBody of {operation.label} is a broken reference: {where}: {exc}",
                hint="fix the $ref in the OpenAPI description",
                key=True,
            )


def check_sources(ctx: LintContext) -> None:
    checker = SourceChecker(ctx)
    checker.load_all()
    checker.check_workflows()
    check_recursion(ctx, checker.arazzo_document)
