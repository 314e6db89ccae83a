"""Checks against the source descriptions: they load, and steps' operations exist and fit.

Every problem is reported in the Arazzo document, at the field that uses the
source or operation; where the cause lies in an OpenAPI file, the message
names the file, line and column of the cause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ..diagnostics import Diagnostics
from ..document import (
    LoadedDocument,
    SourceDescription,
    Step,
    Workflow,
    is_url,
    join_pointer,
    load_document,
)
from ..errors import DocumentError
from ..openapi import (
    DocumentCache,
    Located,
    OpenAPIDescription,
    Operation,
    UnresolvableReference,
    dereference,
    operation_id_hint,
)
from .context import LintContext

_QUALIFIED = re.compile(r"^\$sourceDescriptions\.([A-Za-z0-9_-]+)\.(.+)$")
_OPERATION_PATH = re.compile(r"^(\{)?\$sourceDescriptions\.([A-Za-z0-9_-]+)\.url(\})?#(.*)$")
_BARE_OPERATION_PATH = re.compile(r"^([A-Za-z0-9_-]+)#(/paths/.*)$")
_PATH_TEMPLATE = re.compile(r"\{([^{}]+)\}")
# OpenAPI: header parameters with these names "SHALL be ignored".
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass
class LoadedSource:
    source: SourceDescription
    openapi: OpenAPIDescription | None = None
    arazzo: LoadedDocument | None = None
    skipped: bool = False
    """Remote and not fetched (offline), or not loadable: its operations are not checked."""


@dataclass
class SourceChecker:
    ctx: LintContext
    cache: DocumentCache = field(init=False)
    loaded: dict[str, LoadedSource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        options = self.ctx.options
        self.cache = self.ctx.documents or DocumentCache(
            lambda uri: load_document(uri, options=options)
        )

    # -- loading

    def load_all(self) -> None:
        for source in self.ctx.model.source_descriptions:
            self.loaded[source.name] = self._load(source)

    def _load(self, source: SourceDescription) -> LoadedSource:
        url_pointer = join_pointer(source.pointer, "url")
        try:
            uri = self.ctx.document.resolve_uri(source.url)
        except DocumentError as exc:
            self.ctx.report("source-not-found", url_pointer, exc.message)
            return LoadedSource(source, skipped=True)
        if self.ctx.offline and is_url(uri):
            return LoadedSource(source, skipped=True)
        try:
            document = self.cache.get(uri)
        except DocumentError as exc:
            self._report_load_failure(source, uri, exc)
            return LoadedSource(source, skipped=True)
        data = document.data
        if source.type == "arazzo" or (isinstance(data, dict) and "arazzo" in data):
            return self._arazzo_source(source, document)
        try:
            description = OpenAPIDescription(source.name, document, self.cache, Diagnostics())
        except DocumentError as exc:
            self.ctx.report(
                "invalid-source-type",
                url_pointer,
                f"source description '{source.name}': {exc.message}",
                hint=exc.hint or "a source description of type openapi must be OpenAPI 3.0 or 3.1",
            )
            return LoadedSource(source, skipped=True)
        if not re.match(r"^3\.[01]\.", description.version):
            self.ctx.report(
                "unsupported-openapi-version",
                url_pointer,
                f"source description '{source.name}' is OpenAPI {description.version}; it is "
                "checked as OpenAPI 3.1",
                hint="this tool knows OpenAPI 3.0 and 3.1; paths, operations and parameters are "
                "read the 3.1 way",
            )
        return LoadedSource(source, openapi=description)

    def _arazzo_source(self, source: SourceDescription, document: LoadedDocument) -> LoadedSource:
        data = document.data
        if not (isinstance(data, dict) and "arazzo" in data):
            self.ctx.report(
                "invalid-source-type",
                join_pointer(source.pointer, "url"),
                f"source description '{source.name}' has type arazzo, but "
                f"{document.display_name} is not an Arazzo document",
            )
            return LoadedSource(source, skipped=True)
        return LoadedSource(source, arazzo=document)

    def _report_load_failure(self, source: SourceDescription, uri: str, exc: DocumentError) -> None:
        url_pointer = join_pointer(source.pointer, "url")
        where = exc.location if exc.location and exc.location.line else None
        if where is not None or "invalid" in exc.message or "UTF-8" in exc.message:
            self.ctx.report(
                "unreadable-source",
                url_pointer,
                f"source description '{source.name}' cannot be parsed: "
                f"{where or uri}: {exc.message}",
                hint="fix the syntax of the description at that position",
            )
            return
        hint = None
        if not is_url(source.url):
            hint = "a relative url is resolved against the Arazzo document's own location"
        self.ctx.report(
            "source-not-found",
            url_pointer,
            f"source description '{source.name}' cannot be loaded from '{source.url}' "
            f"({exc.message}: {uri})",
            hint=hint,
        )

    # -- steps

    def check_workflows(self) -> None:
        for workflow in self.ctx.model.workflows:
            for step in workflow.steps:
                if step.workflow_id is not None:
                    self._check_step_workflow(step)
                    continue
                operation = self._resolve(step)
                if operation is not None:
                    self._check_parameters(workflow, step, operation)
                    self._check_body_ref(step, operation)

    def _openapi_sources(self) -> list[LoadedSource]:
        return [
            loaded
            for loaded in self.loaded.values()
            if loaded.source.type in (None, "openapi") and loaded.arazzo is None
        ]

    def _resolve(self, step: Step) -> Operation | None:
        if step.operation_path is not None:
            return self._by_path(step, step.operation_path)
        if step.operation_id is not None:
            return self._by_id(step, step.operation_id)
        return None

    def _by_id(self, step: Step, operation_id: str) -> Operation | None:
        pointer = join_pointer(step.pointer, "operationId")
        match = _QUALIFIED.match(operation_id)
        if match is not None:
            loaded = self._named(match.group(1), pointer, operation_id)
            if loaded is None or loaded.openapi is None:
                return None
            found = loaded.openapi.by_operation_id(match.group(2))
            if found is None:
                self._no_operation(pointer, f"'{loaded.source.name}' has no operationId "
                                   f"'{match.group(2)}'", loaded,
                                   operation_id_hint(loaded.openapi, match.group(2)))  # fmt: skip
            return found
        candidates = self._openapi_sources()
        if any(c.skipped for c in candidates):
            return None  # the operation may be in a source that was not checked
        found_in = [(c, op) for c in candidates
                    if c.openapi and (op := c.openapi.by_operation_id(operation_id))]  # fmt: skip
        if len(found_in) > 1:
            names = ", ".join(c.source.name for c, _ in found_in)
            self.ctx.report(
                "ambiguous-operation-id",
                pointer,
                f"operationId '{operation_id}' exists in several source descriptions ({names})",
                hint=f"qualify it: $sourceDescriptions.{found_in[0][0].source.name}.{operation_id}",
            )
            return None
        if found_in:
            if len(candidates) > 1:
                self.ctx.report(
                    "unqualified-operation-id",
                    pointer,
                    f"operationId '{operation_id}' is not qualified, and the document has "
                    f"{len(candidates)} OpenAPI source descriptions",
                    hint=f"write $sourceDescriptions.{found_in[0][0].source.name}.{operation_id}",
                )
            return found_in[0][1]
        return self._by_loose_id(step, operation_id, pointer, candidates)

    def _by_loose_id(
        self, step: Step, operation_id: str, pointer: str, candidates: list[LoadedSource]
    ) -> Operation | None:
        # "<source>.<operationId>" without the $sourceDescriptions prefix: the runner
        # accepts it, but it is not the spec's form.
        prefix, dot, rest = operation_id.partition(".")
        loaded = self.loaded.get(prefix) if dot else None
        if loaded is not None and loaded.openapi is not None:
            found = loaded.openapi.by_operation_id(rest)
            if found is not None:
                self.ctx.report(
                    "unqualified-operation-id",
                    pointer,
                    f"operationId '{operation_id}' names its source without the "
                    "$sourceDescriptions prefix",
                    hint=f"write $sourceDescriptions.{operation_id}",
                )
                return found
        names = ", ".join(c.source.name for c in candidates) or "none"
        hints = [operation_id_hint(c.openapi, operation_id) for c in candidates if c.openapi]
        self.ctx.report(
            "unresolved-operation",
            pointer,
            f"no operation with operationId '{operation_id}' in the source descriptions ({names})",
            hint=next((h for h in hints if h.startswith("did you mean")), None)
            or "check the spelling against the OpenAPI description's operationIds",
        )
        return None

    def _by_path(self, step: Step, operation_path: str) -> Operation | None:
        pointer = join_pointer(step.pointer, "operationPath")
        match = _OPERATION_PATH.match(operation_path)
        bare = _BARE_OPERATION_PATH.match(operation_path)
        if match is not None:
            name, fragment = match.group(2), match.group(4)
            if not (match.group(1) and match.group(3)):
                self.ctx.report(
                    "bare-expression",
                    pointer,
                    f"the source in operationPath '{operation_path}' is not written as "
                    "{$sourceDescriptions.<name>.url}",
                    hint=f"write {{$sourceDescriptions.{name}.url}}#{fragment}",
                )
        elif bare is not None and bare.group(1) in self.loaded:
            name, fragment = bare.group(1), bare.group(2)
            self.ctx.report(
                "invalid-operation-path",
                pointer,
                f"operationPath '{operation_path}' names its source without a runtime expression",
                hint=f"write {{$sourceDescriptions.{name}.url}}#{fragment}",
            )
        else:
            self.ctx.report(
                "invalid-operation-path",
                pointer,
                f"operationPath '{operation_path}' is not of the form "
                "'{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>'",
                hint="escape '/' in the path as '~1', e.g. "
                "{$sourceDescriptions.api.url}#/paths/~1pets~1{id}/get",
            )
            return None
        loaded = self._named(name, pointer, operation_path)
        if loaded is None or loaded.openapi is None:
            return None
        found = loaded.openapi.by_pointer(unquote(fragment))
        if found is None:
            self._no_operation(pointer, f"'{name}' has no operation at '#{fragment}'", loaded)
        return found

    def _named(self, name: str, pointer: str, written: str) -> LoadedSource | None:
        loaded = self.loaded.get(name)
        if loaded is None:
            names = ", ".join(self.loaded) or "none"
            self.ctx.report(
                "unknown-source",
                pointer,
                f"'{written}' names source description '{name}', which is not defined",
                hint=f"source descriptions: {names}",
            )
            return None
        if loaded.arazzo is not None:
            self.ctx.report(
                "unresolved-operation",
                pointer,
                f"source description '{name}' is an Arazzo document; operations come from "
                "OpenAPI descriptions",
                hint="call one of its workflows with workflowId: $sourceDescriptions."
                f"{name}.<workflowId>",
            )
            return None
        return loaded

    def _no_operation(
        self, pointer: str, what: str, loaded: LoadedSource, suggestion: str | None = None
    ) -> None:
        assert loaded.openapi is not None
        broken = self._broken_path_items(loaded.openapi)
        hint = "check it against the paths and operationIds of the OpenAPI description"
        if suggestion is not None and suggestion.startswith("did you mean"):
            hint = suggestion
        elif broken:
            hint = f"note: {broken[0]}"
        self.ctx.report("unresolved-operation", pointer, f"source description {what}", hint)

    def _broken_path_items(self, description: OpenAPIDescription) -> list[str]:
        paths = description.document.data.get("paths")
        problems = []
        for path, item in (paths if isinstance(paths, dict) else {}).items():
            where = join_pointer("/paths", str(path))
            try:
                dereference(Located(item, description.document, where), description.cache)
            except UnresolvableReference as exc:
                location = description.document.location(join_pointer(where, "$ref"))
                problems.append(f"{location}: {exc}; the operations of '{path}' are unavailable")
        return problems

    def _check_step_workflow(self, step: Step) -> None:
        assert step.workflow_id is not None
        match = _QUALIFIED.match(step.workflow_id)
        if match is None:
            return  # a local workflow: checked by the semantic rules
        loaded = self.loaded.get(match.group(1))
        if loaded is None or loaded.arazzo is None:
            return
        workflows = loaded.arazzo.data.get("workflows")
        ids = (
            [w.get("workflowId") for w in workflows if isinstance(w, dict)]
            if isinstance(workflows, list)
            else []
        )
        if match.group(2) not in ids:
            self.ctx.report(
                "unknown-workflow",
                join_pointer(step.pointer, "workflowId"),
                f"Arazzo source description '{match.group(1)}' has no workflow '{match.group(2)}'",
                hint=f"its workflows: {', '.join(str(i) for i in ids) or 'none'}",
            )

    # -- parameters

    def _check_parameters(self, workflow: Workflow, step: Step, operation: Operation) -> None:
        declared, complete = self._operation_parameters(step, operation)
        supplied = _supplied(workflow, step)
        target = "operationPath" if step.operation_path is not None else "operationId"
        pointer = join_pointer(step.pointer, target)
        path_names = _PATH_TEMPLATE.findall(operation.path)
        for name in path_names:
            if (name, "path") not in supplied:
                self.ctx.report(
                    "missing-path-parameter",
                    pointer,
                    f"step '{step.step_id}' does not supply path parameter '{name}' of "
                    f"{operation.label}",
                    hint=f"add a parameter with name: {name} and in: path",
                )
        for parameter in declared:
            name, location = parameter["name"], parameter["in"]
            if location == "path" or not parameter.get("required"):
                continue
            if location == "header" and name.lower() in _IGNORED_HEADERS:
                continue
            if _is_supplied(supplied, name, location) or _has_default(parameter):
                continue
            self.ctx.report(
                "missing-required-parameter",
                pointer,
                f"step '{step.step_id}' does not supply the required {location} parameter "
                f"'{name}' of {operation.label}",
                hint=f"add a parameter with name: {name} and in: {location}, or set it at the "
                "workflow level",
            )
        if complete:
            self._check_unknown(step, operation, declared, path_names)

    def _check_unknown(
        self,
        step: Step,
        operation: Operation,
        declared: list[dict[str, Any]],
        path_names: list[str],
    ) -> None:
        known = {(p["name"], p["in"]) for p in declared} | {(n, "path") for n in path_names}
        for parameter in step.parameters:
            if parameter.location not in ("path", "query"):
                continue
            if (parameter.name, parameter.location) not in known:
                self.ctx.report(
                    "unknown-parameter",
                    join_pointer(parameter.pointer, "name")
                    if self.ctx.raw(join_pointer(parameter.pointer, "name")) is not None
                    else parameter.pointer,
                    f"{operation.label} has no {parameter.location} parameter '{parameter.name}'",
                    hint="check the name against the operation's parameters",
                )

    def _operation_parameters(
        self, step: Step, operation: Operation
    ) -> tuple[list[dict[str, Any]], bool]:
        """The operation's parameters (the path item's, overlaid by its own).

        The flag says whether every one of them resolved.
        """
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        complete = True
        owners = ((operation.path_item, operation.item.pointer),
                  (operation.raw, operation.written_at))  # fmt: skip
        for owner, owner_pointer in owners:
            items = owner.get("parameters")
            for index, raw in enumerate(items if isinstance(items, list) else []):
                item_pointer = join_pointer(owner_pointer, "parameters", index)
                value = self._parameter(step, operation, raw, item_pointer)
                if value is None:
                    complete = False
                    continue
                merged[(value["name"], value["in"])] = value
        return list(merged.values()), complete

    def _parameter(
        self, step: Step, operation: Operation, raw: Any, pointer: str
    ) -> dict[str, Any] | None:
        document = operation.document
        try:
            node = dereference(Located(raw, document, pointer), operation.description.cache)
        except UnresolvableReference as exc:
            where = document.location(join_pointer(pointer, "$ref"))
            self.ctx.report(
                "broken-ref",
                join_pointer(
                    step.pointer, "operationPath" if step.operation_path else "operationId"
                ),
                f"a parameter of {operation.label}, used by step '{step.step_id}', is a broken "
                f"reference: {where}: {exc}",
                hint="fix the $ref in the OpenAPI description; until then the parameter is ignored",
            )
            return None
        value = node.value
        if (
            isinstance(value, dict)
            and isinstance(value.get("name"), str)
            and value.get("in") in ("path", "query", "header", "cookie")
        ):
            return value
        return None

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


def _supplied(workflow: Workflow, step: Step) -> set[tuple[str, str | None]]:
    return {(p.name, p.location) for p in [*workflow.parameters, *step.parameters]}


def _is_supplied(supplied: set[tuple[str, str | None]], name: str, location: str) -> bool:
    if location == "header":  # header names ignore case
        return any(n.lower() == name.lower() and loc == "header" for n, loc in supplied)
    return (name, location) in supplied


def _has_default(parameter: dict[str, Any]) -> bool:
    schema = parameter.get("schema")
    return isinstance(schema, dict) and "default" in schema


def check_sources(ctx: LintContext) -> None:
    checker = SourceChecker(ctx)
    checker.load_all()
    checker.check_workflows()
