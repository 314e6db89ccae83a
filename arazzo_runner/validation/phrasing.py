"""Turning JSON Schema failures into sentences about the document.

jsonschema reports what failed in schema terms ("is not valid under any of the
given schemas"); each failure becomes a :class:`SchemaProblem` that says what
is wrong with which Arazzo object ("step 'pay' names no target"), located at
the JSON pointer of the offending value, key or object.

The wording of the common problems (a missing or mistyped field, a value out
of range) is the one ``arazzo run`` has always used, so that validating and
running a document name a problem the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError

from ..document import join_pointer
from ..errors import did_you_mean
from ..jsontypes import json_text

_EXTENSION = re.compile(r"^x-")
_CRITERIA_LISTS = ("successCriteria", "criteria")
_SUCCESS_LISTS = ("onSuccess", "successActions")
_FAILURE_LISTS = ("onFailure", "failureActions")
_STEP_TARGETS = ("operationId", "operationPath", "workflowId")

_MIN_ITEMS = {"sourceDescriptions": "source", "workflows": "workflow", "steps": "step"}
_RETRY_FIELDS = {"retryAfter": "a number", "retryLimit": "an integer"}


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation, already phrased for the reader."""

    rule: str
    pointer: str
    message: str
    hint: str | None = None
    key: bool = False
    """Whether the position is that of the key at ``pointer`` rather than its value."""


def kind_of(path: list[str | int]) -> str | None:
    """The Arazzo object at an instance path ("step", "criterion", ...), if it is one."""
    if not path:
        return "document"
    if len(path) == 1:
        return {"info": "info", "components": "components"}.get(str(path[0]))
    *_, owner, last = path
    if owner == "components" and len(path) == 2:
        return None  # a components section: a map of names
    section = path[1] if path[0] == "components" and len(path) == 3 else None
    list_name = section or (owner if isinstance(last, int) else None)
    if list_name is None:
        if last == "requestBody":
            return "request body"
        return "criterion type" if last == "type" and kind_of(path[:-1]) == "criterion" else None
    return _LIST_KINDS.get(str(list_name))


_LIST_KINDS = {
    "sourceDescriptions": "source description",
    "workflows": "workflow",
    "steps": "step",
    "parameters": "parameter",
    "onSuccess": "success action",
    "successActions": "success action",
    "onFailure": "failure action",
    "failureActions": "failure action",
    "successCriteria": "criterion",
    "criteria": "criterion",
    "replacements": "payload replacement",
}
# The Arazzo objects a run reads into its model: their problems are worded as
# `arazzo run` words them, so that validating and running say the same thing.
_RUN_WORDED = frozenset({"document", "info", "components", "request body", *_LIST_KINDS.values()})


class Phrasing:
    """Describes the errors of one document.

    ``renamed_keys`` maps the pointer of an object to its non-string keys (YAML
    allows them; JSON Schema does not), by the string they were validated as.
    """

    def __init__(
        self,
        renamed_keys: Mapping[str, Mapping[str, Any]],
        schema: Mapping[str, Any] | None = None,
    ) -> None:
        self.renamed_keys = renamed_keys
        # The whole schema, to follow '$ref's when listing an object's known fields.
        self.schema: Mapping[str, Any] = schema or {}

    def describe(self, error: ValidationError) -> Iterator[SchemaProblem]:
        handler = _HANDLERS.get(str(error.validator))
        problems = handler(self, error) if handler else _generic(error)
        for problem in problems:
            if _in_criterion_type(error) and problem.rule in ("invalid-value", "invalid-structure"):
                problem = SchemaProblem("invalid-criterion-type", problem.pointer, problem.message)
            yield problem

    def _unevaluated(self, error: ValidationError) -> Iterator[SchemaProblem]:
        if not isinstance(_instance(error), dict):
            yield from _generic(error)
            return
        pointer = _pointer(error)
        renamed = self.renamed_keys.get(pointer, {})
        known = set(_known_fields(_schema(error), self.schema))
        for name in _instance(error):
            if name in renamed and kind_of(_path(error)) in _RUN_WORDED:
                yield SchemaProblem(
                    "non-string-key",
                    pointer,
                    f"{kind_of(_path(error))} has a non-string key {json_text(renamed[name])}",
                )
            if name in known or _EXTENSION.match(name):
                continue
            yield SchemaProblem(
                "unknown-field",
                join_pointer(pointer, name),
                f"unknown field '{name}' in {_what(error)}",
                hint=_unknown_field_hint(error, name, known),
                key=True,
            )

    def _one_of(self, error: ValidationError) -> Iterator[SchemaProblem]:
        if _is_step_kind_choice(_keyword_value(error)):
            yield from self._step_kind(error)
            return
        targets = _required_alternatives(_keyword_value(error))
        if targets is not None:
            # For anything but an object 'required' holds vacuously, so every
            # alternative matches; the object's type error says what is wrong.
            if isinstance(_instance(error), dict):
                yield from _target_problem(error, targets)
            return
        chosen = _plausible_branch(error)
        if not chosen:
            yield from _generic(error)
        for detail in chosen:
            yield from self.describe(detail)

    def _step_kind(self, error: ValidationError) -> Iterator[SchemaProblem]:
        """An Arazzo 1.1 step: a oneOf of OpenAPI, AsyncAPI and workflow steps.

        jsonschema reports every branch's errors, and in the branches the author did
        not mean every field is unknown. The step's own fields say which kind it is
        (see ``step_kind``); only that branch's errors are described.
        """
        instance = _instance(error)
        if not isinstance(instance, dict):
            yield from _generic(error)  # the type error of each branch says the same
            return
        present = [name for name in _STEP_TARGETS_1_1 if name in instance]
        conflict = _conflicting_targets(present)
        targets_said = True
        if conflict is not None:
            yield _step_target_conflict(error, conflict)
        elif present == ["operationPath"] and step_kind(instance) == "asyncapi":
            yield _asyncapi_operation_path(error)
        else:
            targets_said = False
        wanted = f"#/$defs/{step_kind(instance)}-step-object"
        details = [
            detail
            for detail in error.context or []
            if _branch_ref(_keyword_value(error), detail) == wanted
        ]
        if not details:
            # The step fits more than one kind (oneOf wants exactly one).
            yield from _generic(error)
        for detail in details:
            for problem in self.describe(detail):
                if targets_said and _about_targets(problem, error):
                    continue  # the problem with the targets is said above
                yield problem


# The fields that name what a 1.1 step calls; each kind takes one (operationId is
# an OpenAPI operation, or an AsyncAPI one when the step has an 'action').
_STEP_TARGETS_1_1 = ("operationId", "operationPath", "channelPath", "workflowId")
_STEP_KIND_BRANCHES = frozenset(
    f"#/$defs/{kind}-step-object" for kind in ("openapi", "asyncapi", "workflow")
)


def step_kind(step: Mapping[str, Any]) -> str:
    """Which kind of 1.1 step ``step`` is meant to be: "openapi", "asyncapi" or "workflow".

    ``workflowId`` makes a workflow step; ``channelPath``, ``action`` or
    ``correlationId`` an AsyncAPI step; anything else (``operationId``,
    ``operationPath``, or no target at all) an OpenAPI step.
    """
    if "workflowId" in step:
        return "workflow"
    if any(name in step for name in ("channelPath", "action", "correlationId")):
        return "asyncapi"
    return "openapi"


def _is_step_kind_choice(branches: Any) -> bool:
    refs = (
        {b.get("$ref") for b in branches if isinstance(b, dict)}
        if isinstance(branches, list)
        else set()
    )
    return refs == _STEP_KIND_BRANCHES


def _branch_ref(branches: list[Any], detail: ValidationError) -> str | None:
    branch = branches[int(detail.relative_schema_path[0])]
    return branch.get("$ref") if isinstance(branch, dict) else None


def _conflicting_targets(present: list[str]) -> tuple[str, str] | None:
    """Two target fields no kind of step takes together (operationId + channelPath, ...)."""
    if len(present) < 2:
        return None
    return present[0], present[1]


def _step_target_conflict(error: ValidationError, conflict: tuple[str, str]) -> SchemaProblem:
    first, second = conflict
    return SchemaProblem(
        "conflicting-step-target",
        join_pointer(_pointer(error), second),
        f"{_named('step', _instance(error), 'stepId')} has both {first} and {second}",
        hint="a step names one target: operationId or operationPath (an OpenAPI operation), "
        "operationId or channelPath with an action (AsyncAPI), or workflowId",
        key=True,
    )


def _asyncapi_operation_path(error: ValidationError) -> SchemaProblem:
    """The spec's own example writes AsyncAPI steps with operationPath; say what to write."""
    instance = _instance(error)
    written = _text(instance, "operationPath") or ""
    field = "channelPath" if "#" in written else "operationId"
    return SchemaProblem(
        "asyncapi-operation-path",
        join_pointer(_pointer(error), "operationPath"),
        f"{_named('step', instance, 'stepId')} has an action, so it is an AsyncAPI step, "
        "which names its operation with operationId or its channel with channelPath, "
        "not operationPath",
        hint=f"write {field}: {written}" if written else "write operationId or channelPath",
        key=True,
    )


def _about_targets(problem: SchemaProblem, error: ValidationError) -> bool:
    """Whether ``problem`` is one more way of saying the step's targets conflict."""
    if problem.rule in ("missing-step-target", "conflicting-step-target"):
        return True
    names = {join_pointer(_pointer(error), name) for name in _STEP_TARGETS_1_1}
    return problem.rule == "unknown-field" and problem.pointer in names


def _known_fields(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Iterator[str]:
    """The properties ``schema`` defines, through its allOf parts and local '$ref's.

    When a part of an allOf fails, jsonschema drops what it evaluated, so for
    unevaluatedProperties every field looks unknown; the schema says which are not.
    """
    yield from schema.get("properties", {})
    parts = [*schema.get("allOf", []), *([schema] if "$ref" in schema else [])]
    for part in parts:
        if not isinstance(part, Mapping):
            continue
        ref = part.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"))
            if isinstance(target, Mapping):
                yield from _known_fields(target, root)
        if part is not schema:
            yield from _known_fields({k: v for k, v in part.items() if k != "$ref"}, root)


# --------------------------------------------------------------------------- where and what


def _path(error: ValidationError) -> list[str | int]:
    return list(error.absolute_path)


def _pointer(error: ValidationError) -> str:
    return join_pointer("", *error.absolute_path)


def _field(error: ValidationError) -> str:
    for token in reversed(_path(error)):
        if isinstance(token, str):
            return token
    return "document"


def _what(error: ValidationError) -> str:
    """How to name the object an error is about: the schema's title, else its field."""
    title = _schema(error).get("title") if isinstance(error.schema, dict) else None
    if isinstance(title, str):
        return title
    kind = kind_of(_path(error)) if error.absolute_path else None
    if kind is not None and kind in _RUN_WORDED:
        return kind  # the 1.1 schema has no titles; the path says what the object is
    return f"'{_field(error)}'" if error.absolute_path else "the document"


def _run_worded_field(error: ValidationError) -> bool:
    """Whether the error is about a plain field of an object a run has always checked."""
    path = _path(error)
    return (
        bool(path)
        and isinstance(path[-1], str)
        and path[-1] != "reference"
        and kind_of(path[:-1]) in _RUN_WORDED
    )


def _in_criterion_type(error: ValidationError) -> bool:
    path = _path(error)
    return (len(path) >= 3 and path[-3] in _CRITERIA_LISTS and path[-1] == "type") or (
        len(path) >= 4 and path[-4] in _CRITERIA_LISTS and path[-2] == "type"
    )


def _text(instance: Any, name: str) -> str | None:
    value = instance.get(name) if isinstance(instance, dict) else None
    return value if isinstance(value, str) else None


def _named(kind: str, instance: Any, field: str) -> str:
    """``step 'pay'``, or ``a step without a stepId`` when it has no string one (never 'None')."""
    value = _text(instance, field)
    if value is not None:
        return f"{kind} '{value}'"
    article = "an" if kind[:1] in "aeiou" else "a"
    return f"{article} {kind} without a {field}"


def short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- the handlers


def _required(_: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    instance = _instance(error) if isinstance(_instance(error), dict) else {}
    for name in _keyword_value(error):
        if name not in instance:
            yield SchemaProblem("required-field", _pointer(error), _missing(error, name))


def _missing(error: ValidationError, name: str) -> str:
    if not error.absolute_path:
        if name == "arazzo":
            return "not an Arazzo document: the 'arazzo' field is missing"
        return f"the document is missing the required field '{name}'"
    if name == "action" and kind_of(_path(error)) == "step":
        step = _named("step", _instance(error), "stepId")
        return (
            f"{step} is an AsyncAPI step and is missing the required field 'action' "
            "(send or receive)"
        )
    if name == "value" and kind_of(_path(error)) == "parameter":
        parameter = _named("parameter", _instance(error), "name")
        return f"{parameter} is missing the required field 'value'"
    return f"{_what(error)} is missing the required field '{name}'"


_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}
_TYPE_WORDS = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "boolean": "a boolean",
    "number": "a number",
    "integer": "an integer",
    "null": "null",
}


def json_type_name(value: Any) -> str:
    """How messages name the JSON type of ``value``: "an object", "a number", ..."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _type(_: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    expected = _keyword_value(error)
    wanted = [expected] if isinstance(expected, str) else list(expected)
    actual = json_type_name(_instance(error))
    message, hint = _run_type_message(error, wanted, actual), None
    if message is None:
        message, hint = _type_message(error, wanted, actual)
    if _path(error) == ["arazzo"]:
        hint = "quote the version: arazzo: '1.0.1'"
    yield SchemaProblem("wrong-type", _pointer(error), message, hint)


def _run_type_message(error: ValidationError, wanted: list[str], actual: str) -> str | None:
    path, kind = _path(error), kind_of(_path(error))
    if kind in _RUN_WORDED and wanted == ["object"]:
        return f"{kind} must be an object, not {actual}"
    if path == ["arazzo"]:
        version = json.dumps(_instance(error), default=str)
        return f"'arazzo' must be a version string such as '1.0.1', not {actual} ({version})"
    # A run has always read an explicit null as "not given" for these two.
    given = _instance(error) is not None
    if given and path[-1:] == ["inputs"] and kind_of(path[:-1]) == "workflow":
        return "'inputs' must be a JSON Schema object"
    if given and path[-1:] == ["outputs"]:
        return "'outputs' must be a map of names to expressions"
    if len(path) >= 2 and path[-2] == "dependsOn":
        return f"a dependsOn entry must be a string, not {actual}"
    if wanted == ["string"] and _run_worded_field(error):
        return f"'{path[-1]}' must be a string, not {actual}"
    return None


def _type_message(error: ValidationError, wanted: list[str], actual: str) -> tuple[str, str | None]:
    words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
    path = _path(error)
    subject = f"'{_field(error)}'" if path else _what(error)
    if path and isinstance(path[-1], int):
        subject = f"each entry of '{_field(error)}'"
    hint = None
    if "string" in wanted and isinstance(_instance(error), bool | int | float):
        # As the document writes it (true, 1.5), quoted: YAML then reads a string.
        hint = f"quote the value: '{json_text(_instance(error))}'"
    return f"{subject} must be {words}, not {actual}", hint


def _enum(_: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    allowed = _keyword_value(error) if error.validator == "enum" else [_keyword_value(error)]
    message = _enum_message(error, allowed)
    hint = "use 'openapi' or 'arazzo'" if message.startswith("unknown source") else None
    yield SchemaProblem("invalid-value", _pointer(error), message, hint)


def _enum_message(error: ValidationError, allowed: list[Any]) -> str:
    path, value = _path(error), _instance(error)
    owner = kind_of(path[:-1])
    if isinstance(value, str) and path[-1:] == ["type"] and owner == "source description":
        return f"unknown source description type '{value}'"
    if isinstance(value, str) and path[-1:] == ["in"] and owner == "parameter":
        return f"parameter 'in' must be one of {', '.join(allowed)}, not '{value}'"
    if isinstance(value, str) and path[-1:] == ["type"] and owner in _ACTION_KINDS:
        return f"{owner} type must be one of {', '.join(allowed)}, not '{value}'"
    listed = ", ".join(f"'{a}'" for a in allowed)
    written = json.dumps(value, default=str)
    if len(allowed) > 1:
        return f"'{_field(error)}' must be one of {listed}, not {written}"
    return f"'{_field(error)}' must be {listed}, not {written}"


_ACTION_KINDS = ("success action", "failure action")


def _pattern(phrasing: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    if "propertyNames" in error.schema_path:
        yield _property_name(error)
    elif _path(error) == ["arazzo"]:
        yield SchemaProblem(
            "unsupported-version",
            _pointer(error),
            f"unsupported Arazzo version '{_instance(error)}': "
            "this runner implements Arazzo 1.0.x and 1.1.x",
            hint="use a document written for Arazzo 1.0.x or 1.1.x",
        )
    else:
        yield SchemaProblem(
            "invalid-value",
            _pointer(error),
            f"'{_field(error)}' value {json.dumps(_instance(error))} does not match "
            f"{_keyword_value(error)}",
        )


def _property_name(error: ValidationError) -> SchemaProblem:
    # jsonschema validates each key as the instance, at the path of the object.
    name = str(_instance(error))
    pointer = join_pointer(_pointer(error), name)
    if _field(error) == "outputs":
        message = f"output name '{name}' must match ^[a-zA-Z0-9.\\-_]+$"
        return SchemaProblem("invalid-name", pointer, message, key=True)
    return SchemaProblem(
        "invalid-name",
        pointer,
        f"name '{name}' in '{_field(error)}' must match ^[a-zA-Z0-9.\\-_]+$",
        hint="use only letters, digits, '.', '-' and '_'",
        key=True,
    )


def _min_items(_: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    name = _field(error)
    entry = _MIN_ITEMS.get(name, "entry")
    yield SchemaProblem("empty-list", _pointer(error), f"'{name}' must list at least one {entry}")


def _unique_items(_: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    items = _instance(error) if isinstance(_instance(error), list) else []
    seen: list[Any] = []
    for index, item in enumerate(items):
        if item in seen:
            yield SchemaProblem(
                "duplicate-item",
                join_pointer(_pointer(error), index),
                f"entry {index} of '{_field(error)}' repeats entry {seen.index(item)}",
                hint="remove the repeated entry",
            )
        seen.append(item)


def _minimum(_: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    # Only retryAfter and retryLimit have a minimum (0).
    name = _field(error)
    wanted = _RETRY_FIELDS.get(name, "a number")
    message = f"'{name}' must be {wanted} >= {_keyword_value(error)}"
    yield SchemaProblem("invalid-value", _pointer(error), message)


def _dependent_required(_: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    yield SchemaProblem(
        "missing-criterion-context",
        _pointer(error),
        "a criterion with a 'type' needs a 'context': the value the condition applies to",
        hint="add for example: context: $response.body",
    )


def _not(_: Phrasing, error: ValidationError) -> Iterator[SchemaProblem]:
    # The only 'not' in the schema forbids an action naming both a stepId and a workflowId
    # (which anything but an object does, vacuously: its type error is reported).
    if not isinstance(_instance(error), dict):
        return
    yield SchemaProblem(
        "conflicting-action-target",
        _pointer(error),
        f"{_named(kind_of(_path(error)) or 'action', _instance(error), 'name')} has both "
        "workflowId and stepId",
        hint="they are mutually exclusive; keep the one the action goes to",
    )


def _unknown_field_hint(error: ValidationError, name: str, known: set[str]) -> str:
    instance = _instance(error)
    if name == "version" and "condition" in instance:
        # The version of a criterion's expression language goes with its type.
        kind = instance.get("type")
        kind = kind if isinstance(kind, str) else "jsonpath"
        version = json.dumps(instance["version"], default=str)
        return (
            "a criterion's version goes in a Criterion Expression Type Object: "
            f"type: {{type: {kind}, version: {version}}}"
        )
    if name in _ASYNCAPI_ONLY and "workflowId" in instance and kind_of(_path(error)) == "step":
        return f"a step that calls a workflow has no '{name}': only AsyncAPI steps do"
    close = did_you_mean(name, known, cutoff=0.75)
    return f"did you mean '{close}'?" if close else "remove it, or prefix it with 'x-'"


_ASYNCAPI_ONLY = ("action", "correlationId")


def _required_alternatives(branches: Any) -> list[str] | None:
    """The field names of a oneOf whose branches are each ``{required: [name]}``."""
    names = []
    for branch in branches if isinstance(branches, list) else []:
        if not (isinstance(branch, dict) and set(branch) == {"required"}):
            return None
        names.extend(branch["required"])
    return names


def _target_problem(error: ValidationError, targets: list[str]) -> Iterator[SchemaProblem]:
    instance = _instance(error)
    present = [name for name in targets if name in instance]
    if "operationId" in targets:
        yield _step_target_problem(error, present, targets)
    elif not present:
        message = f"{_named('goto action', instance, 'name')} needs a stepId or a workflowId"
        yield SchemaProblem("missing-goto-target", _pointer(error), message)
    # An action with both targets breaks the schema's 'not' too, which says so for
    # every type of action: one defect, one diagnostic.


def _step_target_problem(
    error: ValidationError, present: list[str], targets: list[str]
) -> SchemaProblem:
    step = _named("step", _instance(error), "stepId")
    if not present:
        return SchemaProblem(
            "missing-step-target",
            _pointer(error),
            f"{step} names no target",
            hint=f"give exactly one of {', '.join(_STEP_TARGETS[:-1])} or {_STEP_TARGETS[-1]}"
            if "workflowId" in targets
            # An Arazzo 1.1 step: each kind of step has its own oneOf of targets.
            else "give one of operationId or operationPath (an OpenAPI operation), "
            "channelPath with an action (an AsyncAPI channel), or workflowId",
        )
    return SchemaProblem(
        "conflicting-step-target",
        join_pointer(_pointer(error), present[1]),
        f"{step} has both {present[0]} and {present[1]}",
        hint=f"{', '.join(_STEP_TARGETS[:-1])} and {_STEP_TARGETS[-1]} are mutually exclusive",
        key=True,
    )


def _plausible_branch(error: ValidationError) -> list[ValidationError]:
    """The errors of the alternative the author most likely meant.

    A Reusable Object is recognised by its 'reference'; a criterion type by
    being a string or an object. Otherwise the branch with the fewest errors.
    """
    by_branch: dict[int, list[ValidationError]] = {}
    for detail in error.context or []:
        by_branch.setdefault(int(detail.relative_schema_path[0]), []).append(detail)
    if not by_branch:
        return []
    branches = _keyword_value(error)
    instance = _instance(error)
    reusable = [_is_reusable(branch) for branch in branches]
    for index, is_reusable in enumerate(reusable):
        matches = isinstance(instance, dict) and is_reusable == ("reference" in instance)
        if any(reusable) and matches and index in by_branch:
            return by_branch[index]
    for index, branch in enumerate(branches):
        wants_string = isinstance(branch, dict) and (
            "enum" in branch or branch.get("type") == "string"
        )
        if wants_string == isinstance(instance, str) and index in by_branch:
            return by_branch[index]
    return min(by_branch.values(), key=len)


def _is_reusable(branch: Any) -> bool:
    ref = branch.get("$ref") if isinstance(branch, dict) else None
    return ref in ("#/$defs/reusable", "#/$defs/reusable-object")


def _generic(error: ValidationError) -> Iterator[SchemaProblem]:
    yield SchemaProblem(
        "invalid-structure",
        _pointer(error),
        f"{_what(error)} is not valid here: {short(error.message)}",
    )


_Handler = Callable[[Phrasing, ValidationError], Iterator[SchemaProblem]]
_HANDLERS: dict[str, _Handler] = {
    "required": _required,
    "unevaluatedProperties": Phrasing._unevaluated,
    "additionalProperties": Phrasing._unevaluated,
    "type": _type,
    "enum": _enum,
    "const": _enum,
    "pattern": _pattern,
    "minItems": _min_items,
    "uniqueItems": _unique_items,
    "minimum": _minimum,
    "dependentRequired": _dependent_required,
    "not": _not,
    "oneOf": Phrasing._one_of,
    "anyOf": Phrasing._one_of,
}


# jsonschema types these attributes as "unset" until an error is complete; the
# errors read here always are, so they are read as the JSON values they hold.


def _keyword_value(error: ValidationError) -> Any:
    """The value of the failing keyword in the schema (``required``'s list, ``enum``'s values)."""
    return error.validator_value


def _instance(error: ValidationError) -> Any:
    """The part of the document that failed."""
    return error.instance


def _schema(error: ValidationError) -> Mapping[str, Any]:
    """The (sub)schema whose keyword failed; empty for a boolean schema."""
    schema = error.schema
    return schema if isinstance(schema, Mapping) else {}
