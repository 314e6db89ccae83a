"""Building the Arazzo model from a loaded document: converting and compiling, once.

The document's structure is checked before this runs, by the Arazzo JSON
Schema (``validation``); the builder does not check it again. What is
malformed (a step without a stepId, a list that is not a list) is left out
of the model without a word: the schema has said what is wrong with it.

The builder reports only what it alone finds while converting: runtime
expressions and criteria that do not compile, and references (Reusable
Objects, the inputs' ``$ref``) that lead nowhere. Each is located at the
file, line and column of the problem, before anything is sent.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from ..criteria import compile_criterion
from ..diagnostics import Diagnostic, Diagnostics, DocumentInvalid, Severity
from ..errors import DocumentError, ExpressionError, SourceLocation
from ..expressions import CompiledValue, compile_value
from ..expressions.parser import arazzo_grammar
from ..expressions.values import SelectorHook
from ..jsontypes import json_text
from .anchors import plain_name, schema_anchors
from .model import (
    Action,
    ActionKind,
    ArazzoDocument,
    Criterion,
    Info,
    Parameter,
    PayloadReplacement,
    RequestBody,
    SourceDescription,
    Step,
    Workflow,
    workflow_pointer_of,
)
from .parsing import LoadedDocument
from .pointer import join_pointer, resolve_pointer
from .syntax import COMPONENT_REFERENCE, spec_minor


class ModelBuilder:
    """Builds an :class:`ArazzoDocument`, collecting the problems only building can find."""

    def __init__(self, document: LoadedDocument, diagnostics: Diagnostics) -> None:
        self.document = document
        self.diagnostics = diagnostics
        self.components: dict[str, Any] = {}
        root = document.data
        version = root.get("arazzo") if isinstance(root, dict) else None
        self.minor = spec_minor(version) or "1.0"
        """The Arazzo version whose rules compile the document ("1.0" or "1.1")."""
        # Selector Objects exist from 1.1 on: in a 1.0 document such a mapping is a literal.
        self._selectors: SelectorHook | None = _selector_hook if self.minor == "1.1" else None
        self._anchors: dict[str, str] | None = None  # $anchor -> pointer, found when needed

    def _report(
        self,
        rule: str,
        pointer: str,
        message: str,
        hint: str | None = None,
        location: SourceLocation | None = None,
    ) -> None:
        location = location or self.document.location(pointer)
        self.diagnostics.add(Diagnostic(Severity.ERROR, message, location, hint, rule))

    # -- the document

    def build(self) -> ArazzoDocument | None:
        """The model, or None when the document is not an object at all."""
        root = self.document.data
        if not isinstance(root, dict):
            return None
        components = root.get("components")
        self.components = components if isinstance(components, dict) else {}
        version = root.get("arazzo")
        # Each document's expressions are read by the grammar of its own version.
        with arazzo_grammar(spec_minor(version)):
            return self._document(root, version)

    def _document(self, root: dict[str, Any], version: Any) -> ArazzoDocument:
        return ArazzoDocument(
            version if isinstance(version, str) else "",
            _info(root.get("info")),
            _sources(root.get("sourceDescriptions")),
            [
                workflow
                for index, raw in enumerate(_items(root, "workflows"))
                if (workflow := self._workflow(raw, join_pointer("/workflows", index)))
            ],
            self.components,
            self.document,
        )

    # -- workflows and steps

    def _workflow(self, raw: Any, pointer: str) -> Workflow | None:
        if not isinstance(raw, dict):
            return None
        steps = [
            step
            for index, raw_step in enumerate(_items(raw, "steps"))
            if (step := self._step(raw_step, join_pointer(pointer, "steps", index)))
        ]
        workflow_id = raw.get("workflowId")
        if not isinstance(workflow_id, str):
            return None
        inputs = raw.get("inputs")
        inputs = inputs if isinstance(inputs, dict | bool) else None
        return Workflow(
            workflow_id=workflow_id,
            pointer=pointer,
            steps=steps,
            summary=_string(raw, "summary"),
            description=_string(raw, "description"),
            inputs=inputs if isinstance(inputs, dict) else None,
            input_schema=self._input_schema(inputs, join_pointer(pointer, "inputs")),
            depends_on=[item for item in _items(raw, "dependsOn") if isinstance(item, str)],
            success_actions=self._actions(raw, "successActions", pointer, ActionKind.SUCCESS),
            failure_actions=self._actions(raw, "failureActions", pointer, ActionKind.FAILURE),
            parameters=self._parameters(raw, pointer),
            outputs=self._outputs(raw, pointer),
            output_names=_output_names(raw),
            file=self.document.display_name,
        )

    def _step(self, raw: Any, pointer: str) -> Step | None:
        if not isinstance(raw, dict):
            return None
        # Built before the stepId is looked at: its expressions are reported either way.
        request_body = self._request_body(raw, pointer)
        step_id = raw.get("stepId")
        if not isinstance(step_id, str):
            return None
        return Step(
            step_id=step_id,
            pointer=pointer,
            description=_string(raw, "description"),
            operation_id=_string(raw, "operationId"),
            operation_path=_string(raw, "operationPath"),
            workflow_id=_string(raw, "workflowId"),
            parameters=self._parameters(raw, pointer),
            request_body=request_body,
            success_criteria=self._criteria(raw, "successCriteria", pointer),
            on_success=self._actions(raw, "onSuccess", pointer, ActionKind.SUCCESS),
            on_failure=self._actions(raw, "onFailure", pointer, ActionKind.FAILURE),
            outputs=self._outputs(raw, pointer),
            output_names=_output_names(raw),
            timeout=_timeout(raw.get("timeout")),
            depends_on=[item for item in _items(raw, "dependsOn") if isinstance(item, str)],
            **self._message_fields(raw, pointer),
        )

    def _message_fields(self, raw: dict[str, Any], pointer: str) -> dict[str, Any]:
        """An Arazzo 1.1 step's AsyncAPI fields; a 1.0 document's are ignored (warned about
        by validation), as they were before 1.1."""
        if self.minor != "1.1":
            return {}
        correlation = raw.get("correlationId")
        return {
            "channel_path": _string(raw, "channelPath"),
            "action": _string(raw, "action"),
            "correlation_id": (
                self.compiled(correlation, join_pointer(pointer, "correlationId"))
                if correlation is not None
                else None
            ),
        }

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
            anchor = plain_name(ref)
            if anchor is not None:
                ref = self._anchored(anchor, pointer)
                if ref is None:
                    return None
            try:
                schema = resolve_pointer(self.document.data, unquote(ref[1:]))
            except LookupError as exc:
                self._report(
                    "unresolved-input-reference",
                    join_pointer(pointer, "$ref"),
                    f"the inputs schema refers to '{ref}', which does not exist: {exc}",
                    hint="define it under components.inputs",
                )
                return None
            pointer = ref[1:]
        return schema

    # -- parameters

    def _anchored(self, anchor: str, pointer: str) -> str | None:
        """``#<pointer>`` of the schema whose ``$anchor`` is ``anchor``; None, reported, if none."""
        if self._anchors is None:
            self._anchors = schema_anchors(self.document.data)
        found = self._anchors.get(anchor)
        if found is None:
            self._report(
                "unresolved-input-reference",
                join_pointer(pointer, "$ref"),
                f"the inputs schema refers to '#{anchor}', and no inputs schema of the "
                f"document has $anchor: {anchor}",
                hint=f"add $anchor: {anchor} to the schema it names, or refer to it by its "
                "JSON Pointer (#/components/inputs/<name>)",
            )
            return None
        return "#" + found

    def _parameters(self, owner: dict[str, Any], pointer: str) -> list[Parameter]:
        parameters = []
        for index, raw in enumerate(_items(owner, "parameters")):
            item_pointer = join_pointer(pointer, "parameters", index)
            if isinstance(raw, dict) and "reference" in raw:
                parameter = self._referenced_parameter(raw, item_pointer)
            else:
                parameter = self._parameter(raw, item_pointer)
            if parameter is not None:
                parameters.append(parameter)
        return parameters

    def _parameter(self, raw: Any, pointer: str) -> Parameter | None:
        if not isinstance(raw, dict) or "value" not in raw:
            return None
        value_pointer = join_pointer(pointer, "value")
        value = self.compiled(raw["value"], value_pointer)
        name = raw.get("name")
        if not isinstance(name, str) or value is None:
            return None
        return Parameter(name, _string(raw, "in"), value, pointer, value_pointer)

    def _referenced_parameter(self, raw: dict[str, Any], pointer: str) -> Parameter | None:
        target = self._component(raw, pointer, "parameters")
        if target is None:
            return None
        target_pointer, target_raw = target
        parameter = self._parameter(target_raw, target_pointer)
        if parameter is None:
            return None
        if "value" in raw:  # the Reusable Object's value overrides the component's
            value_pointer = join_pointer(pointer, "value")
            value = self.compiled(raw["value"], value_pointer)
            if value is None:
                return None
            parameter = replace(parameter, value=value, value_pointer=value_pointer)
        # Problems with how the step uses it (duplicates) belong at the reference.
        return replace(parameter, pointer=pointer, reference=target_pointer)

    def _component(self, raw: dict[str, Any], pointer: str, section: str) -> tuple[str, Any] | None:
        reference = raw.get("reference")
        ref_pointer = join_pointer(pointer, "reference")
        match = COMPONENT_REFERENCE.match(reference) if isinstance(reference, str) else None
        if match is None or match.group(1) != section:
            self._report(
                "invalid-reference",
                ref_pointer,
                f"'reference' must be a $components.{section}.<name> expression, "
                f"not {json_text(reference)}",
            )
            return None
        name = match.group(2)
        components = self.components.get(section)
        if not isinstance(components, dict) or name not in components:
            available = sorted(components) if isinstance(components, dict) else []
            self._report(
                "unresolved-component",
                ref_pointer,
                f"'{reference}' does not exist in components.{section}",
                hint=f"available: {', '.join(available)}" if available else None,
            )
            return None
        return join_pointer("/components", section, name), components[name]

    # -- criteria, actions, outputs, bodies

    def _criteria(self, owner: dict[str, Any], name: str, pointer: str) -> list[Criterion]:
        criteria = []
        for index, raw in enumerate(_items(owner, name)):
            criterion = self._criterion(raw, join_pointer(pointer, name, index))
            if criterion is not None:
                criteria.append(criterion)
        return criteria

    def _criterion(self, raw: Any, pointer: str) -> Criterion | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("condition"), str):
            return None
        condition, context, kind = raw["condition"], _string(raw, "context"), raw.get("type")
        try:
            compiled = compile_criterion(condition, kind, context, minor=self.minor)
        except ExpressionError as exc:
            rule = "invalid-criterion-type" if exc.field == "type" else "invalid-criterion"
            self._expression_error(exc, join_pointer(pointer, exc.field or "condition"), rule)
            return None
        return Criterion(condition, kind, context, compiled, pointer)

    def _actions(
        self, owner: dict[str, Any], name: str, pointer: str, kind: ActionKind
    ) -> list[Action]:
        actions = []
        for index, raw in enumerate(_items(owner, name)):
            item_pointer = join_pointer(pointer, name, index)
            if not (isinstance(raw, dict) and "reference" in raw):
                action = self._action(raw, item_pointer)
            elif (target := self._component(raw, item_pointer, kind.value)) is not None:
                action = self._action(target[1], target[0])
                action = action and replace(action, reference=item_pointer)
            else:
                action = None
            if action is not None:
                actions.append(action)
        return actions

    def _action(self, raw: Any, pointer: str) -> Action | None:
        if not isinstance(raw, dict):
            return None
        name, kind = _string(raw, "name"), _string(raw, "type")
        if name is None or kind is None:
            return None
        return Action(
            name=name,
            type=kind,
            workflow_id=_string(raw, "workflowId"),
            step_id=_string(raw, "stepId"),
            criteria=self._criteria(raw, "criteria", pointer),
            retry_after=_retry_after(raw.get("retryAfter")),
            retry_limit=_retry_limit(raw.get("retryLimit")),
            pointer=pointer,
            conditional=bool(raw.get("criteria")),
            parameters=self._parameters(raw, pointer),
            has_parameters="parameters" in raw,
        )

    def _outputs(self, owner: dict[str, Any], pointer: str) -> dict[str, CompiledValue]:
        raw = owner.get("outputs")
        outputs = {}
        for name, value in (raw if isinstance(raw, dict) else {}).items():
            compiled = self.compiled(value, join_pointer(pointer, "outputs", str(name)))
            if compiled is not None:
                outputs[str(name)] = compiled
        return outputs

    def _request_body(self, owner: dict[str, Any], pointer: str) -> RequestBody | None:
        body = owner.get("requestBody")
        if not isinstance(body, dict):
            return None
        body_pointer = join_pointer(pointer, "requestBody")
        payload = None
        if "payload" in body:
            payload = self.compiled(body["payload"], join_pointer(body_pointer, "payload"))
        replacements = []
        for index, item in enumerate(_items(body, "replacements")):
            if not isinstance(item, dict) or "value" not in item:
                continue
            item_pointer = join_pointer(body_pointer, "replacements", index)
            value = self.compiled(item["value"], join_pointer(item_pointer, "value"))
            target = item.get("target")
            if isinstance(target, str) and value is not None:
                replacement = self._replacement(item, target, value, item_pointer)
                if replacement is not None:
                    replacements.append(replacement)
        return RequestBody(
            content_type=_string(body, "contentType"),
            payload=payload,
            has_payload="payload" in body,
            replacements=replacements,
            pointer=body_pointer,
        )

    def _replacement(
        self, item: dict[str, Any], target: str, value: CompiledValue, pointer: str
    ) -> PayloadReplacement | None:
        """A replacement; in 1.1 with its ``targetSelectorType``, and a JSONPath target compiled."""
        if self.minor != "1.1" or "targetSelectorType" not in item:
            return PayloadReplacement(target, value, pointer)
        from ..criteria.selectors import resolve_selector_type

        try:
            kind, version = resolve_selector_type(
                item["targetSelectorType"], "replacement target", "targetSelectorType"
            )
            query = compile_target(kind, version, target)
        except ExpressionError as exc:
            # A targetSelectorType the schema does not allow is reported by the schema.
            if exc.field != "targetSelectorType":
                self._expression_error(exc, join_pointer(pointer, exc.field or "target"))
            return None
        return PayloadReplacement(target, value, pointer, kind, version, query)

    # -- expressions

    def compiled(self, value: Any, pointer: str) -> CompiledValue | None:
        try:
            return compile_value(value, self._selectors)
        except ExpressionError as exc:
            if exc.field is not None and exc.field.startswith("/"):
                pointer += exc.field  # inside a Selector Object, at the field that is wrong
            self._expression_error(exc, pointer)
            return None

    def _expression_error(
        self, exc: ExpressionError, pointer: str, rule: str = "invalid-expression"
    ) -> None:
        message, location = exc.message, self.document.location(pointer)
        if exc.text and exc.position is not None:
            at = min(exc.position, len(exc.text))
            message += f"\n    {exc.text}\n    {' ' * at}^"
            location = point_at(self.document, location, exc.text, exc.position, whole=True)
        self._report(rule, pointer, message, exc.hint, location)


def point_at(
    document: LoadedDocument,
    location: SourceLocation,
    text: str,
    offset: int = 0,
    *,
    whole: bool = False,
) -> SourceLocation:
    """Move the column to ``offset`` into ``text`` where it is written on the located line.

    ``text`` is looked for from the located column on; when it is the whole
    scalar (``whole``), only right there or after its opening quote. When it
    is not written as is (escapes, a folded scalar), the location stays.
    """
    if location.line is None or location.column is None or not text:
        return location
    line = document.source_map.line_text(location.line)
    start = location.column - 1
    found = line.find(text, start)
    quoted = found == start + 1 and line[start : start + 1] in ("'", '"')
    if found < 0 or (whole and found != start and not quoted):
        return location
    return replace(location, column=found + offset + 1)


def build_model(document: LoadedDocument, diagnostics: Diagnostics) -> ArazzoDocument:
    """Build the model of a document whose structure is known to be sound.

    Errors that concern the whole document (in components, or in a workflow
    that could not be built at all) raise :class:`DocumentInvalid` at once.
    Errors inside one workflow stay in ``diagnostics``: they stop that
    workflow from running (see :func:`check_workflow`), not its neighbours.
    """
    model = ModelBuilder(document, diagnostics).build()
    if model is None:
        raise DocumentError("an Arazzo document must be an object", location=document.location())
    built = {w.pointer for w in model.workflows}
    shared = [d for d in diagnostics.errors if workflow_pointer_of(d) not in built]
    if shared:
        raise DocumentInvalid(shared)
    return model


def _selector_hook(value: Any) -> CompiledValue | None:
    # Only 1.1 documents use it: 1.0 ones never import the selectors module.
    from ..criteria.selectors import compile_selector, is_selector_object

    return compile_selector(value) if is_selector_object(value) else None


def compile_target(kind: str, version: str, target: str) -> Any:
    """A replacement target compiled for its selector type: JSONPath or XPath; None for a pointer.

    A JSON Pointer target is applied by the request body code as it is written.
    """
    from ..criteria import compile_jsonpath, compile_xpath

    try:
        if kind == "xpath":
            return compile_xpath(target, version)
        return compile_jsonpath(target, version) if kind == "jsonpath" else None
    except ExpressionError as exc:
        raise ExpressionError(
            exc.message, text=exc.text, position=exc.position, hint=exc.hint, field="target"
        ) from None


# --------------------------------------------------------------------------- reading fields


def _items(owner: dict[str, Any], name: str) -> list[Any]:
    value = owner.get(name)
    return value if isinstance(value, list) else []


def _string(owner: dict[str, Any], name: str) -> str | None:
    value = owner.get(name)
    return value if isinstance(value, str) else None


def _info(raw: Any) -> Info:
    if not isinstance(raw, dict):
        return Info("", "")
    return Info(
        title=_string(raw, "title") or "",
        version=_string(raw, "version") or "",
        summary=_string(raw, "summary"),
        description=_string(raw, "description"),
    )


def _sources(raw: Any) -> list[SourceDescription]:
    sources = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict):
            continue
        name, url = _string(item, "name"), _string(item, "url")
        if name is not None and url is not None:
            pointer = join_pointer("/sourceDescriptions", index)
            sources.append(SourceDescription(name, url, _string(item, "type"), pointer))
    return sources


def _output_names(owner: dict[str, Any]) -> tuple[str, ...]:
    outputs = owner.get("outputs")
    return tuple(str(name) for name in outputs) if isinstance(outputs, dict) else ()


def _retry_after(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return value


def _timeout(value: Any) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON Schema counts 2.0 as an integer
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _retry_limit(value: Any) -> int | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON Schema counts 2.0 as an integer
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
