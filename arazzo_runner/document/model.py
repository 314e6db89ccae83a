"""The Arazzo document model: typed objects built from a loaded document.

Building the model checks the document's structure (required fields, types,
mutually exclusive fields) and compiles every runtime expression and criterion
once, so that malformed ones are reported with file, line and column before
anything is sent, and so that running a workflow many times never re-parses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..criteria import CompiledCriterion, compile_criterion
from ..diagnostics import Diagnostic, Diagnostics, DocumentInvalid
from ..errors import DocumentError, ExpressionError, SourceLocation
from ..expressions import CompiledValue, compile_value
from .parsing import LoadedDocument
from .pointer import join_pointer, resolve_pointer

if TYPE_CHECKING:
    from ..openapi import DocumentCache

SUPPORTED_VERSION = re.compile(r"^1\.0\.\d+(-.+)?$")
PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")
COMPONENT_REFERENCE = re.compile(
    r"^\$components\.(parameters|successActions|failureActions)\.([A-Za-z0-9._-]+)$"
)


@dataclass
class Info:
    title: str
    version: str
    summary: str | None = None
    description: str | None = None


@dataclass
class SourceDescription:
    name: str
    url: str
    type: str | None
    pointer: str

    def as_expression_value(self) -> dict[str, Any]:
        """What ``$sourceDescriptions.<name>`` evaluates to."""
        return {"name": self.name, "url": self.url, "type": self.type}


@dataclass
class Parameter:
    name: str
    location: str | None  # the spec's ``in``; None only for workflow-call steps
    value: CompiledValue
    pointer: str


@dataclass
class Criterion:
    condition: str
    type: str | Mapping[str, Any] | None
    context: str | None
    compiled: CompiledCriterion
    pointer: str


@dataclass
class Action:
    """A success or failure action (control flow after a step)."""

    name: str
    type: str
    workflow_id: str | None
    step_id: str | None
    criteria: list[Criterion]
    retry_after: float | None
    retry_limit: int | None
    pointer: str


@dataclass
class PayloadReplacement:
    target: str
    value: CompiledValue
    pointer: str


@dataclass
class RequestBody:
    content_type: str | None
    payload: CompiledValue | None
    has_payload: bool
    replacements: list[PayloadReplacement]
    pointer: str


@dataclass
class Step:
    step_id: str
    pointer: str
    description: str | None = None
    operation_id: str | None = None
    operation_path: str | None = None
    workflow_id: str | None = None
    parameters: list[Parameter] = field(default_factory=list)
    request_body: RequestBody | None = None
    success_criteria: list[Criterion] = field(default_factory=list)
    on_success: list[Action] = field(default_factory=list)
    on_failure: list[Action] = field(default_factory=list)
    outputs: dict[str, CompiledValue] = field(default_factory=dict)


@dataclass
class Workflow:
    workflow_id: str
    pointer: str
    steps: list[Step]
    summary: str | None = None
    description: str | None = None
    inputs: dict[str, Any] | None = None
    input_schema: dict[str, Any] | None = None
    """``inputs`` with local ``$ref``s followed at the top and for each property,
    which is what converting and defaulting inputs needs."""
    depends_on: list[str] = field(default_factory=list)
    success_actions: list[Action] = field(default_factory=list)
    failure_actions: list[Action] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    outputs: dict[str, CompiledValue] = field(default_factory=dict)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.step_id == step_id), None)


@dataclass
class ArazzoDocument:
    version: str
    info: Info
    source_descriptions: list[SourceDescription]
    workflows: list[Workflow]
    components: dict[str, Any]
    document: LoadedDocument
    documents: DocumentCache | None = field(default=None, compare=False, repr=False)
    """The source descriptions (and files they refer to) already read while the document
    was validated, for the run to reuse instead of reading and parsing them again."""

    def workflow(self, workflow_id: str) -> Workflow | None:
        return next((w for w in self.workflows if w.workflow_id == workflow_id), None)

    def source(self, name: str) -> SourceDescription | None:
        return next((s for s in self.source_descriptions if s.name == name), None)

    def location(self, pointer: str, *, key: bool = False) -> SourceLocation:
        return self.document.location(pointer, key=key)


# --------------------------------------------------------------------------- building

_KNOWN_FIELDS: dict[str, frozenset[str]] = {
    "document": frozenset({"arazzo", "info", "sourceDescriptions", "workflows", "components"}),
    "info": frozenset({"title", "summary", "description", "version"}),
    "source description": frozenset({"name", "url", "type"}),
    "workflow": frozenset(
        {
            "workflowId",
            "summary",
            "description",
            "inputs",
            "dependsOn",
            "steps",
            "successActions",
            "failureActions",
            "outputs",
            "parameters",
        }
    ),
    "step": frozenset(
        {
            "stepId",
            "description",
            "operationId",
            "operationPath",
            "workflowId",
            "parameters",
            "requestBody",
            "successCriteria",
            "onSuccess",
            "onFailure",
            "outputs",
        }
    ),
    "parameter": frozenset({"name", "in", "value"}),
    "success action": frozenset({"name", "type", "workflowId", "stepId", "criteria"}),
    "failure action": frozenset(
        {"name", "type", "workflowId", "stepId", "retryAfter", "retryLimit", "criteria"}
    ),
    "criterion": frozenset({"context", "condition", "type"}),
    "request body": frozenset({"contentType", "payload", "replacements"}),
    "payload replacement": frozenset({"target", "value"}),
    "components": frozenset({"inputs", "parameters", "successActions", "failureActions"}),
}


class ModelBuilder:
    """Builds an :class:`ArazzoDocument`, collecting every problem it finds."""

    def __init__(self, document: LoadedDocument, diagnostics: Diagnostics) -> None:
        self.document = document
        self.diagnostics = diagnostics
        self.components: dict[str, Any] = {}
        self.workflows: list[Workflow] = []

    # -- reporting

    def error(
        self,
        pointer: str,
        message: str,
        hint: str | None = None,
        key: bool = False,
        rule: str | None = None,
    ) -> None:
        self.diagnostics.error(message, self.document.location(pointer, key=key), hint, rule=rule)

    def warning(
        self,
        pointer: str,
        message: str,
        hint: str | None = None,
        key: bool = False,
        rule: str | None = None,
    ) -> None:
        self.diagnostics.warning(message, self.document.location(pointer, key=key), hint, rule=rule)

    # -- typed field access

    def mapping(self, value: Any, pointer: str, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            self._check_fields(value, pointer, what)
            return value
        self.error(pointer, f"{what} must be an object, not {_type_name(value)}", rule="wrong-type")
        return None

    def _check_fields(self, value: dict[str, Any], pointer: str, what: str) -> None:
        known = _KNOWN_FIELDS.get(what)
        if known is None:
            return
        for name in value:
            if not isinstance(name, str):
                self.error(pointer, f"{what} has a non-string key {name!r}", rule="non-string-key")
            elif name not in known and not name.startswith("x-"):
                close = _closest(name, known)
                hint = f"did you mean '{close}'?" if close else "remove it or prefix it with 'x-'"
                self.warning(
                    join_pointer(pointer, name),
                    f"unknown field '{name}' in {what} is ignored",
                    hint,
                    key=True,
                    rule="unknown-field",
                )

    def string(
        self, obj: dict[str, Any], name: str, pointer: str, what: str, *, required: bool = False
    ) -> str | None:
        if name not in obj:
            if required:
                self.error(
                    pointer, f"{what} is missing the required field '{name}'", rule="required-field"
                )
            return None
        value = obj[name]
        if isinstance(value, str):
            return value
        self.error(
            join_pointer(pointer, name),
            f"'{name}' must be a string, not {_type_name(value)}",
            rule="wrong-type",
        )
        return None

    def sequence(
        self, obj: dict[str, Any], name: str, pointer: str, what: str, *, required: bool = False
    ) -> list[Any]:
        if name not in obj:
            if required:
                self.error(
                    pointer, f"{what} is missing the required field '{name}'", rule="required-field"
                )
            return []
        value = obj[name]
        if isinstance(value, list):
            return value
        self.error(
            join_pointer(pointer, name),
            f"'{name}' must be a list, not {_type_name(value)}",
            rule="wrong-type",
        )
        return []

    # -- the document

    def build(self) -> ArazzoDocument | None:
        root = self.document.data
        if not isinstance(root, dict):
            self.error(
                "",
                f"an Arazzo document must be an object, not {_type_name(root)}",
                rule="wrong-type",
            )
            return None
        version = self._version(root)
        self._check_fields(root, "", "document")
        info = self._info(root)
        sources = self._sources(root)
        components = root.get("components", {})
        if self.mapping(components, "/components", "components") is not None:
            self.components = components
        workflows = [
            workflow
            for index, raw in enumerate(
                self.sequence(root, "workflows", "", "the document", required=True)
            )
            if (workflow := self._workflow(raw, join_pointer("/workflows", index))) is not None
        ]
        if "workflows" in root and isinstance(root["workflows"], list) and not root["workflows"]:
            self.error(
                "/workflows", "'workflows' must list at least one workflow", rule="empty-list"
            )
        self._check_unique(
            [(w.workflow_id, w.pointer) for w in workflows],
            "workflowId",
            "workflows",
            "duplicate-workflow-id",
        )
        self.workflows = workflows
        if version is None or info is None:
            return None
        return ArazzoDocument(version, info, sources, workflows, self.components, self.document)

    def _version(self, root: dict[str, Any]) -> str | None:
        if "arazzo" not in root:
            hint = None
            if "openapi" in root or "swagger" in root:
                hint = "this looks like an OpenAPI description; pass the Arazzo document instead"
            self.error(
                "",
                "not an Arazzo document: the 'arazzo' field is missing",
                hint,
                rule="required-field",
            )
            return None
        version = root["arazzo"]
        if not isinstance(version, str):
            self.error(
                "/arazzo",
                f"'arazzo' must be a version string such as '1.0.1', not {_type_name(version)}"
                f" ({json.dumps(version)})",
                hint="quote the version: arazzo: '1.0.1'",
                rule="wrong-type",
            )
            return None
        if not SUPPORTED_VERSION.match(version):
            self.error(
                "/arazzo",
                f"unsupported Arazzo version '{version}': this runner implements Arazzo 1.0.x",
                hint="use a document written for Arazzo 1.0.0 or 1.0.1",
                rule="unsupported-version",
            )
            return None
        return version

    def _info(self, root: dict[str, Any]) -> Info | None:
        if "info" not in root:
            self.error(
                "", "the document is missing the required field 'info'", rule="required-field"
            )
            return None
        info = self.mapping(root["info"], "/info", "info")
        if info is None:
            return None
        title = self.string(info, "title", "/info", "info", required=True)
        version = self.string(info, "version", "/info", "info", required=True)
        return Info(
            title=title or "",
            version=version or "",
            summary=self.string(info, "summary", "/info", "info"),
            description=self.string(info, "description", "/info", "info"),
        )

    def _sources(self, root: dict[str, Any]) -> list[SourceDescription]:
        raw_list = self.sequence(root, "sourceDescriptions", "", "the document", required=True)
        if "sourceDescriptions" in root and isinstance(raw_list, list) and not raw_list:
            self.error(
                "/sourceDescriptions",
                "'sourceDescriptions' must list at least one source",
                rule="empty-list",
            )
        sources = []
        for index, raw in enumerate(raw_list):
            pointer = join_pointer("/sourceDescriptions", index)
            obj = self.mapping(raw, pointer, "source description")
            if obj is None:
                continue
            name = self.string(obj, "name", pointer, "source description", required=True)
            url = self.string(obj, "url", pointer, "source description", required=True)
            kind = self.string(obj, "type", pointer, "source description")
            if kind is not None and kind not in ("openapi", "arazzo"):
                self.error(
                    join_pointer(pointer, "type"),
                    f"unknown source description type '{kind}'",
                    hint="use 'openapi' or 'arazzo'",
                    rule="invalid-value",
                )
            if name is not None and url is not None:
                sources.append(SourceDescription(name, url, kind, pointer))
        self._check_unique(
            [(s.name, s.pointer) for s in sources],
            "name",
            "source descriptions",
            "duplicate-source-name",
        )
        return sources

    def _check_unique(
        self, items: list[tuple[str, str]], field_name: str, what: str, rule: str
    ) -> None:
        seen: dict[str, str] = {}
        for value, pointer in items:
            if value in seen:
                first = self.document.location(seen[value])
                self.error(
                    join_pointer(pointer, field_name),
                    f"duplicate {field_name} '{value}' among {what} (first defined at line "
                    f"{first.line})",
                    rule=rule,
                )
            else:
                seen[value] = pointer

    # -- workflows and steps

    def _workflow(self, raw: Any, pointer: str) -> Workflow | None:
        obj = self.mapping(raw, pointer, "workflow")
        if obj is None:
            return None
        workflow_id = self.string(obj, "workflowId", pointer, "workflow", required=True)
        steps = [
            step
            for index, raw_step in enumerate(
                self.sequence(obj, "steps", pointer, "workflow", required=True)
            )
            if (step := self._step(raw_step, join_pointer(pointer, "steps", index))) is not None
        ]
        if isinstance(obj.get("steps"), list) and not obj["steps"]:
            self.error(
                join_pointer(pointer, "steps"),
                "'steps' must list at least one step",
                rule="empty-list",
            )
        self._check_unique(
            [(s.step_id, s.pointer) for s in steps], "stepId", "steps", "duplicate-step-id"
        )
        inputs = obj.get("inputs")
        if inputs is not None and not isinstance(inputs, dict | bool):
            self.error(
                join_pointer(pointer, "inputs"),
                "'inputs' must be a JSON Schema object",
                rule="wrong-type",
            )
            inputs = None
        depends_on = [
            item
            for index, item in enumerate(self.sequence(obj, "dependsOn", pointer, "workflow"))
            if self._is_string(item, join_pointer(pointer, "dependsOn", index), "a dependsOn entry")
        ]
        if workflow_id is None:
            return None
        return Workflow(
            workflow_id=workflow_id,
            pointer=pointer,
            steps=steps,
            summary=self.string(obj, "summary", pointer, "workflow"),
            description=self.string(obj, "description", pointer, "workflow"),
            inputs=inputs if isinstance(inputs, dict) else None,
            input_schema=self._input_schema(inputs, join_pointer(pointer, "inputs")),
            depends_on=depends_on,
            success_actions=self._actions(obj, "successActions", pointer, "success action"),
            failure_actions=self._actions(obj, "failureActions", pointer, "failure action"),
            parameters=self._parameters(obj, pointer, in_required=False),
            outputs=self._outputs(obj, pointer),
        )

    def _input_schema(self, inputs: Any, pointer: str) -> dict[str, Any] | None:
        schema = self._follow_local_refs(inputs, pointer)
        if not isinstance(schema, dict):
            return None
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return schema
        resolved = {
            name: self._follow_local_refs(value, join_pointer(pointer, "properties", name))
            for name, value in properties.items()
        }
        return {**schema, "properties": resolved}

    def _follow_local_refs(self, schema: Any, pointer: str) -> Any:
        """Follow ``$ref: '#/...'`` (e.g. to components.inputs) within this document."""
        seen: set[str] = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if not ref.startswith("#") or ref in seen:
                return schema  # remote or circular: left to the JSON Schema validator
            seen.add(ref)
            try:
                schema = resolve_pointer(self.document.data, unquote(ref[1:]))
            except LookupError as exc:
                self.error(
                    join_pointer(pointer, "$ref"),
                    f"the inputs schema refers to '{ref}', which does not exist: {exc}",
                    hint="define it under components.inputs",
                    rule="unresolved-input-reference",
                )
                return None
            pointer = ref[1:]
        return schema

    def _is_string(self, value: Any, pointer: str, what: str) -> bool:
        if isinstance(value, str):
            return True
        self.error(pointer, f"{what} must be a string, not {_type_name(value)}", rule="wrong-type")
        return False

    def _step(self, raw: Any, pointer: str) -> Step | None:
        obj = self.mapping(raw, pointer, "step")
        if obj is None:
            return None
        step_id = self.string(obj, "stepId", pointer, "step", required=True)
        targets = [name for name in ("operationId", "operationPath", "workflowId") if name in obj]
        if not targets:
            self.error(
                pointer,
                f"step '{step_id}' names no target",
                hint="give exactly one of operationId, operationPath or workflowId",
                rule="missing-step-target",
            )
        elif len(targets) > 1:
            self.error(
                join_pointer(pointer, targets[1]),
                f"step '{step_id}' has both {targets[0]} and {targets[1]}",
                hint="operationId, operationPath and workflowId are mutually exclusive",
                key=True,
                rule="conflicting-step-target",
            )
        calls_workflow = "workflowId" in obj
        request_body = self._request_body(obj, pointer)
        if calls_workflow and request_body is not None:
            self.error(
                join_pointer(pointer, "requestBody"),
                "a step that calls a workflow cannot have a requestBody",
                key=True,
                rule="workflow-step-request-body",
            )
        if step_id is None:
            return None
        return Step(
            step_id=step_id,
            pointer=pointer,
            description=self.string(obj, "description", pointer, "step"),
            operation_id=self.string(obj, "operationId", pointer, "step"),
            operation_path=self.string(obj, "operationPath", pointer, "step"),
            workflow_id=self.string(obj, "workflowId", pointer, "step"),
            parameters=self._parameters(obj, pointer, in_required=not calls_workflow),
            request_body=request_body,
            success_criteria=self._criteria(obj, "successCriteria", pointer),
            on_success=self._actions(obj, "onSuccess", pointer, "success action"),
            on_failure=self._actions(obj, "onFailure", pointer, "failure action"),
            outputs=self._outputs(obj, pointer),
        )

    # -- parameters

    def _parameters(
        self, obj: dict[str, Any], pointer: str, *, in_required: bool
    ) -> list[Parameter]:
        parameters: list[Parameter] = []
        for index, raw in enumerate(self.sequence(obj, "parameters", pointer, "object")):
            item_pointer = join_pointer(pointer, "parameters", index)
            parameter = self._parameter_or_reference(raw, item_pointer, in_required)
            if parameter is not None:
                parameters.append(parameter)
        seen: set[tuple[str, str | None]] = set()
        for parameter in parameters:
            identity = (parameter.name, parameter.location)
            if identity in seen:
                where = f" in {parameter.location}" if parameter.location else ""
                self.error(
                    parameter.pointer,
                    f"duplicate parameter '{parameter.name}'{where}",
                    hint="a parameter is identified by its name and 'in'; list each once",
                    rule="duplicate-parameter",
                )
            seen.add(identity)
        return parameters

    def _parameter_or_reference(
        self, raw: Any, pointer: str, in_required: bool
    ) -> Parameter | None:
        if isinstance(raw, dict) and "reference" in raw:
            return self._referenced_parameter(raw, pointer, in_required)
        return self._parameter(raw, pointer, in_required)

    def _parameter(self, raw: Any, pointer: str, in_required: bool) -> Parameter | None:
        obj = self.mapping(raw, pointer, "parameter")
        if obj is None:
            return None
        name = self.string(obj, "name", pointer, "parameter", required=True)
        location = self.string(obj, "in", pointer, "parameter", required=in_required)
        if location is not None and location not in PARAMETER_LOCATIONS:
            self.error(
                join_pointer(pointer, "in"),
                f"parameter 'in' must be one of {', '.join(PARAMETER_LOCATIONS)}, not '{location}'",
                rule="invalid-value",
            )
        if "value" not in obj:
            self.error(
                pointer,
                f"parameter '{name}' is missing the required field 'value'",
                rule="required-field",
            )
            return None
        value = self.compiled(obj["value"], join_pointer(pointer, "value"))
        if name is None or value is None:
            return None
        return Parameter(name, location, value, pointer)

    def _referenced_parameter(
        self, raw: dict[str, Any], pointer: str, in_required: bool
    ) -> Parameter | None:
        target = self._component(raw, pointer, "parameters")
        if target is None:
            return None
        target_pointer, target_raw = target
        parameter = self._parameter(target_raw, target_pointer, in_required)
        if parameter is None:
            return None
        value = parameter.value
        if "value" in raw:
            # The Reusable Object's value overrides the component's value.
            value = self.compiled(raw["value"], join_pointer(pointer, "value"))
            if value is None:
                return None
        # Problems with how the step uses it (duplicates) belong at the reference.
        return Parameter(parameter.name, parameter.location, value, pointer)

    def _component(self, raw: dict[str, Any], pointer: str, kind: str) -> tuple[str, Any] | None:
        reference = raw.get("reference")
        ref_pointer = join_pointer(pointer, "reference")
        match = COMPONENT_REFERENCE.match(reference) if isinstance(reference, str) else None
        if match is None or match.group(1) != kind:
            self.error(
                ref_pointer,
                f"'reference' must be a $components.{kind}.<name> expression, not {reference!r}",
                rule="invalid-reference",
            )
            return None
        name = match.group(2)
        section = self.components.get(kind)
        if not isinstance(section, dict) or name not in section:
            available = sorted(section) if isinstance(section, dict) else []
            self.error(
                ref_pointer,
                f"'{reference}' does not exist in components.{kind}",
                hint=f"available: {', '.join(available)}" if available else None,
                rule="unresolved-component",
            )
            return None
        return join_pointer("/components", kind, name), section[name]

    # -- criteria, actions, outputs, bodies

    def _criteria(self, obj: dict[str, Any], name: str, pointer: str) -> list[Criterion]:
        criteria = []
        for index, raw in enumerate(self.sequence(obj, name, pointer, "object")):
            criterion = self._criterion(raw, join_pointer(pointer, name, index))
            if criterion is not None:
                criteria.append(criterion)
        return criteria

    def _criterion(self, raw: Any, pointer: str) -> Criterion | None:
        obj = self.mapping(raw, pointer, "criterion")
        if obj is None:
            return None
        condition = self.string(obj, "condition", pointer, "criterion", required=True)
        context = self.string(obj, "context", pointer, "criterion")
        kind = obj.get("type")
        if condition is None:
            return None
        try:
            compiled = compile_criterion(condition, kind, context)
        except ExpressionError as exc:
            self._expression_error(
                exc,
                join_pointer(pointer, exc.field or "condition"),
                "invalid-criterion-type" if exc.field == "type" else "invalid-criterion",
            )
            return None
        return Criterion(condition, kind, context, compiled, pointer)

    def _actions(self, obj: dict[str, Any], name: str, pointer: str, what: str) -> list[Action]:
        actions = []
        kind = "successActions" if what == "success action" else "failureActions"
        for index, raw in enumerate(self.sequence(obj, name, pointer, "object")):
            item_pointer = join_pointer(pointer, name, index)
            if isinstance(raw, dict) and "reference" in raw:
                target = self._component(raw, item_pointer, kind)
                if target is None:
                    continue
                item_pointer, raw = target
            action = self._action(raw, item_pointer, what)
            if action is not None:
                actions.append(action)
        return actions

    def _action(self, raw: Any, pointer: str, what: str) -> Action | None:
        obj = self.mapping(raw, pointer, what)
        if obj is None:
            return None
        name = self.string(obj, "name", pointer, what, required=True)
        kind = self.string(obj, "type", pointer, what, required=True)
        allowed = ("end", "goto") if what == "success action" else ("end", "goto", "retry")
        if kind is not None and kind not in allowed:
            self.error(
                join_pointer(pointer, "type"),
                f"{what} type must be one of {', '.join(allowed)}, not '{kind}'",
                rule="invalid-value",
            )
        if "workflowId" in obj and "stepId" in obj:
            self.error(
                pointer,
                f"{what} '{name}' has both workflowId and stepId",
                rule="conflicting-action-target",
            )
        if kind == "goto" and "workflowId" not in obj and "stepId" not in obj:
            self.error(
                pointer,
                f"goto action '{name}' needs a stepId or a workflowId",
                rule="missing-goto-target",
            )
        retry_after = obj.get("retryAfter")
        if retry_after is not None and (
            not isinstance(retry_after, int | float)
            or isinstance(retry_after, bool)
            or retry_after < 0
        ):
            self.error(
                join_pointer(pointer, "retryAfter"),
                "'retryAfter' must be a number >= 0",
                rule="invalid-value",
            )
            retry_after = None
        retry_limit = obj.get("retryLimit")
        if isinstance(retry_limit, float) and retry_limit.is_integer():
            retry_limit = int(retry_limit)  # JSON Schema counts 2.0 as an integer
        if retry_limit is not None and (
            not isinstance(retry_limit, int) or isinstance(retry_limit, bool) or retry_limit < 0
        ):
            self.error(
                join_pointer(pointer, "retryLimit"),
                "'retryLimit' must be an integer >= 0",
                rule="invalid-value",
            )
            retry_limit = None
        if name is None or kind is None:
            return None
        return Action(
            name=name,
            type=kind,
            workflow_id=self.string(obj, "workflowId", pointer, what),
            step_id=self.string(obj, "stepId", pointer, what),
            criteria=self._criteria(obj, "criteria", pointer),
            retry_after=retry_after,
            retry_limit=retry_limit,
            pointer=pointer,
        )

    def _outputs(self, obj: dict[str, Any], pointer: str) -> dict[str, CompiledValue]:
        raw = obj.get("outputs")
        if raw is None:
            return {}
        outputs_pointer = join_pointer(pointer, "outputs")
        if not isinstance(raw, dict):
            self.error(
                outputs_pointer,
                "'outputs' must be a map of names to expressions",
                rule="wrong-type",
            )
            return {}
        outputs = {}
        for name, value in raw.items():
            value_pointer = join_pointer(outputs_pointer, str(name))
            if not re.fullmatch(r"[a-zA-Z0-9.\-_]+", str(name)):
                self.error(
                    value_pointer,
                    f"output name '{name}' must match ^[a-zA-Z0-9.\\-_]+$",
                    key=True,
                    rule="invalid-name",
                )
            compiled = self.compiled(value, value_pointer)
            if compiled is not None:
                outputs[str(name)] = compiled
        return outputs

    def _request_body(self, obj: dict[str, Any], pointer: str) -> RequestBody | None:
        if "requestBody" not in obj:
            return None
        body_pointer = join_pointer(pointer, "requestBody")
        body = self.mapping(obj["requestBody"], body_pointer, "request body")
        if body is None:
            return None
        payload = (
            self.compiled(body["payload"], join_pointer(body_pointer, "payload"))
            if "payload" in body
            else None
        )
        replacements = []
        for index, raw in enumerate(self.sequence(body, "replacements", body_pointer, "object")):
            item_pointer = join_pointer(body_pointer, "replacements", index)
            item = self.mapping(raw, item_pointer, "payload replacement")
            if item is None:
                continue
            target = self.string(item, "target", item_pointer, "payload replacement", required=True)
            if "value" not in item:
                self.error(
                    item_pointer,
                    "payload replacement is missing the required field 'value'",
                    rule="required-field",
                )
                continue
            value = self.compiled(item["value"], join_pointer(item_pointer, "value"))
            if target is not None and value is not None:
                replacements.append(PayloadReplacement(target, value, item_pointer))
        return RequestBody(
            content_type=self.string(body, "contentType", body_pointer, "request body"),
            payload=payload,
            has_payload="payload" in body,
            replacements=replacements,
            pointer=body_pointer,
        )

    def compiled(self, value: Any, pointer: str) -> CompiledValue | None:
        try:
            return compile_value(value)
        except ExpressionError as exc:
            self._expression_error(exc, pointer)
            return None

    def _expression_error(
        self, exc: ExpressionError, pointer: str, rule: str = "invalid-expression"
    ) -> None:
        message = exc.message
        location = self.document.location(pointer)
        if exc.text and exc.position is not None:
            message += f"\n    {exc.text}\n    {' ' * min(exc.position, len(exc.text))}^"
            location = self._point_into_scalar(location, exc.text, exc.position)
        self.diagnostics.error(message, location, exc.hint, rule=rule)

    def _point_into_scalar(
        self, location: SourceLocation, text: str, position: int
    ) -> SourceLocation:
        """Move the column from the start of a one-line scalar to the problem inside it."""
        if location.line is None or location.column is None:
            return location
        line = self.document.source_map.line_text(location.line)
        start = location.column - 1
        if line[start : start + 1] in ("'", '"'):
            start += 1  # a quoted scalar; only exact when nothing in it is escaped
        if not line.startswith(text, start):
            return location
        return replace(location, column=start + position + 1)


_WORKFLOW_POINTER = re.compile(r"^/workflows/\d+(?=/|$)")


def workflow_pointer_of(diagnostic: Diagnostic) -> str | None:
    """The pointer of the workflow a diagnostic lies in, or None if it is document-wide.

    A workflow's ``workflowId`` is how the rest of the document names it, so a
    problem with it (a duplicate) concerns the whole document.
    """
    pointer = diagnostic.location.pointer if diagnostic.location else None
    match = _WORKFLOW_POINTER.match(pointer or "")
    if match is None or pointer == f"{match.group(0)}/workflowId":
        return None
    return match.group(0)


def build_model(document: LoadedDocument, diagnostics: Diagnostics) -> ArazzoDocument:
    """Build the model.

    Errors that concern the whole document (its version, info, source
    descriptions, components) raise :class:`DocumentInvalid` at once. Errors
    inside one workflow stay in ``diagnostics``: they stop that workflow from
    running (see :func:`check_workflow`), not its neighbours.
    """
    builder = ModelBuilder(document, diagnostics)
    model = builder.build()
    # An error inside a workflow that could not be built at all (it has no
    # workflowId) has no workflow to stop, so it stops the document.
    built = {w.pointer for w in builder.workflows}
    shared = [d for d in diagnostics.errors if workflow_pointer_of(d) not in built]
    if shared:
        raise DocumentInvalid(shared)
    if model is None:  # pragma: no cover - every None path records a document-wide error
        raise DocumentError("the document could not be read", location=document.location())
    return model


def check_workflow(workflow: Workflow, diagnostics: Diagnostics) -> None:
    """Raise :class:`DocumentInvalid` if the model found errors inside ``workflow``."""
    errors = [d for d in diagnostics.errors if workflow_pointer_of(d) == workflow.pointer]
    if errors:
        raise DocumentInvalid(errors)


def _type_name(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _closest(name: str, candidates: frozenset[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.75)
    return matches[0] if matches else None
