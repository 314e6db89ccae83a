"""Checking a document against the Arazzo 1.0 JSON Schema, with readable messages.

jsonschema reports what failed in schema terms ("is not valid under any of the
given schemas"); this module turns each failure into a sentence about the
document ("step 'pay' needs one of operationId, operationPath or workflowId")
located at the JSON pointer of the offending value, key or object.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from ..document import join_pointer

SCHEMA_FILE = "arazzo-1.0.schema.json"
_EXTENSION = re.compile(r"^x-")
_CRITERIA_LISTS = ("successCriteria", "criteria")


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation, already phrased for the reader."""

    rule: str
    pointer: str
    message: str
    hint: str | None = None
    key: bool = False
    """Whether the position is that of the key at ``pointer`` rather than its value."""
    subject: str | None = None
    """The field a problem is about when several can share a pointer (required fields)."""


@cache
def arazzo_schema() -> dict[str, Any]:
    """The Arazzo 1.0 JSON Schema shipped with the package."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def _validator() -> Draft202012Validator:
    # Workflow inputs are checked against the metaschema separately (below): through
    # the $ref, jsonschema re-crawls its registry for every dynamic reference,
    # which made that part cost more than all the rest of validation.
    schema = copy.deepcopy(arazzo_schema())
    schema["$defs"]["schema"] = {"type": ["object", "boolean"]}
    return Draft202012Validator(schema)


@cache
def _metaschema_validator() -> Draft202012Validator:
    from jsonschema_specifications import REGISTRY

    return Draft202012Validator(Draft202012Validator.META_SCHEMA, registry=REGISTRY.crawl())


def check_schema(data: Any) -> list[SchemaProblem]:
    """Every schema violation in ``data``, in document order."""
    data = _jsonable(data)
    problems: list[SchemaProblem] = []
    for error in _validator().iter_errors(data):
        problems.extend(_describe(error))
    for pointer, inputs in _input_schemas(data):
        problems.extend(_inputs_problems(inputs, pointer))
    return _without_duplicates(problems)


def _input_schemas(data: Any) -> Iterator[tuple[str, Any]]:
    if not isinstance(data, dict):
        return
    workflows = data.get("workflows")
    for index, workflow in enumerate(workflows if isinstance(workflows, list) else []):
        if isinstance(workflow, dict) and isinstance(workflow.get("inputs"), dict | bool):
            yield join_pointer("/workflows", index, "inputs"), workflow["inputs"]
    components = data.get("components")
    inputs = components.get("inputs") if isinstance(components, dict) else None
    for name, schema in (inputs if isinstance(inputs, dict) else {}).items():
        if isinstance(schema, dict | bool):
            yield join_pointer("/components/inputs", name), schema


def _inputs_problems(schema: Any, pointer: str) -> Iterator[SchemaProblem]:
    errors = list(_metaschema_validator().iter_errors(schema))
    if not errors:
        return
    # The metaschema's own messages are the best available; keep the most relevant one.
    detail = best_match(errors)
    while detail.context:
        detail = best_match(detail.context)
    yield SchemaProblem(
        "invalid-inputs-schema",
        join_pointer(pointer, *detail.absolute_path),
        f"the inputs schema is not a valid JSON Schema 2020-12: {_short(detail.message)}",
        hint="see https://json-schema.org/draft/2020-12 for the keywords and their types",
    )


def _jsonable(value: Any) -> Any:
    """The data as JSON sees it: YAML allows non-string keys, JSON Schema does not.

    Non-string keys are reported by the model (rule non-string-key); here they
    become strings so validation can go on.
    """
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _without_duplicates(problems: list[SchemaProblem]) -> list[SchemaProblem]:
    seen: set[SchemaProblem] = set()
    unique = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            unique.append(problem)
    return unique


# --------------------------------------------------------------------------- phrasing


def _pointer(error: ValidationError) -> str:
    return join_pointer("", *error.absolute_path)


def _field(error: ValidationError) -> str:
    path = list(error.absolute_path)
    for token in reversed(path):
        if isinstance(token, str):
            return token
    return "document"


def _what(error: ValidationError) -> str:
    """How to name the object an error is about: the schema's title, else its field."""
    title = error.schema.get("title") if isinstance(error.schema, dict) else None
    if isinstance(title, str) and title != "Arazzo 1.0.x document":
        return title
    if not error.absolute_path:
        return "the document"
    return f"'{_field(error)}'"


def _in_criterion_type(error: ValidationError) -> bool:
    path = list(error.absolute_path)
    return (len(path) >= 3 and path[-3] in _CRITERIA_LISTS and path[-1] == "type") or (
        len(path) >= 4 and path[-4] in _CRITERIA_LISTS and path[-2] == "type"
    )


def _describe(error: ValidationError) -> Iterator[SchemaProblem]:
    handler = _HANDLERS.get(str(error.validator), _generic)
    for problem in handler(error):
        if _in_criterion_type(error) and problem.rule in ("invalid-value", "invalid-structure"):
            problem = SchemaProblem("invalid-criterion-type", problem.pointer, problem.message)
        yield problem


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _required(error: ValidationError) -> Iterator[SchemaProblem]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    for name in error.validator_value:
        if name not in instance:
            yield SchemaProblem(
                "required-field",
                _pointer(error),
                f"{_what(error)} is missing the required field '{name}'",
                hint=_required_hint(error, name),
                subject=name,
            )


def _required_hint(error: ValidationError, name: str) -> str | None:
    if name == "in":
        return "a parameter of an operation call needs in: path, query, header or cookie"
    if error.schema.get("title") == "document" or not error.absolute_path:
        return "an Arazzo document needs arazzo, info, sourceDescriptions and workflows"
    return None


def _unevaluated(error: ValidationError) -> Iterator[SchemaProblem]:
    if not isinstance(error.instance, dict):
        yield from _generic(error)
        return
    known = set(_known_properties(error.schema))
    for name in error.instance:
        if name in known or _EXTENSION.match(name):
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
        hint = f"did you mean '{close[0]}'?" if close else "remove it, or prefix it with 'x-'"
        yield SchemaProblem(
            "unknown-field",
            join_pointer(_pointer(error), name),
            f"unknown field '{name}' in {_what(error)}",
            hint=hint,
            key=True,
        )


def _known_properties(schema: dict[str, Any]) -> list[str]:
    names = list(schema.get("properties", {}))
    if schema.get("$ref") == "#/$defs/parameter":  # operationParameter extends parameter
        names += list(arazzo_schema()["$defs"]["parameter"]["properties"])
    return names


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


def _type(error: ValidationError) -> Iterator[SchemaProblem]:
    expected = error.validator_value
    wanted = [expected] if isinstance(expected, str) else list(expected)
    words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
    actual = _JSON_TYPES.get(type(error.instance), type(error.instance).__name__)
    subject = _what(error) if not error.absolute_path else f"'{_field(error)}'"
    if error.absolute_path and isinstance(list(error.absolute_path)[-1], int):
        subject = f"each entry of '{_field(error)}'"
    hint = None
    if _field(error) == "arazzo":
        hint = "quote the version: arazzo: '1.0.1'"
    elif "string" in wanted and isinstance(error.instance, int | float):
        hint = f"quote the value: '{error.instance}'"
    yield SchemaProblem(
        "wrong-type", _pointer(error), f"{subject} must be {words}, not {actual}", hint
    )


def _enum(error: ValidationError) -> Iterator[SchemaProblem]:
    allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
    listed = ", ".join(f"'{a}'" for a in allowed)
    yield SchemaProblem(
        "invalid-value",
        _pointer(error),
        f"'{_field(error)}' must be one of {listed}, not {json.dumps(error.instance)}"
        if len(allowed) > 1
        else f"'{_field(error)}' must be {listed}, not {json.dumps(error.instance)}",
    )


def _pattern(error: ValidationError) -> Iterator[SchemaProblem]:
    if "propertyNames" in error.schema_path:
        yield from _property_names(error)
        return
    if list(error.absolute_path) == ["arazzo"]:
        yield SchemaProblem(
            "unsupported-version",
            _pointer(error),
            f"unsupported Arazzo version '{error.instance}': this tool checks Arazzo 1.0.x",
            hint="use a document written for Arazzo 1.0.0 or 1.0.1",
        )
        return
    yield SchemaProblem(
        "invalid-value",
        _pointer(error),
        f"'{_field(error)}' value {json.dumps(error.instance)} does not match "
        f"{error.validator_value}",
    )


def _property_names(error: ValidationError) -> Iterator[SchemaProblem]:
    # jsonschema validates each key as the instance, at the path of the object.
    name = str(error.instance)
    yield SchemaProblem(
        "invalid-name",
        join_pointer(_pointer(error), name),
        f"name '{name}' in '{_field(error)}' must match ^[a-zA-Z0-9.\\-_]+$",
        hint="use only letters, digits, '.', '-' and '_'",
        key=True,
    )


def _min_items(error: ValidationError) -> Iterator[SchemaProblem]:
    yield SchemaProblem(
        "empty-list", _pointer(error), f"'{_field(error)}' must list at least one entry"
    )


def _unique_items(error: ValidationError) -> Iterator[SchemaProblem]:
    items = error.instance if isinstance(error.instance, list) else []
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


def _minimum(error: ValidationError) -> Iterator[SchemaProblem]:
    yield SchemaProblem(
        "invalid-value",
        _pointer(error),
        f"'{_field(error)}' must be at least {error.validator_value}, not {error.instance}",
    )


def _dependent_required(error: ValidationError) -> Iterator[SchemaProblem]:
    yield SchemaProblem(
        "missing-criterion-context",
        _pointer(error),
        "a criterion with a 'type' needs a 'context': the value the condition applies to",
        hint="add for example: context: $response.body",
    )


def _not(error: ValidationError) -> Iterator[SchemaProblem]:
    # The only 'not' in the schema forbids an action naming both a stepId and a workflowId.
    yield SchemaProblem(
        "conflicting-action-target",
        _pointer(error),
        f"{_what(error)} has both workflowId and stepId",
        hint="workflowId and stepId are mutually exclusive: keep one",
    )


def _one_of(error: ValidationError) -> Iterator[SchemaProblem]:
    branches = error.validator_value
    targets = _required_alternatives(branches)
    if targets is not None:
        yield _target_problem(error, targets)
        return
    chosen = _plausible_branch(error)
    if chosen:
        for detail in chosen:
            yield from _describe(detail)
        return
    yield from _generic(error)


def _required_alternatives(branches: Any) -> list[str] | None:
    """The field names of a oneOf whose branches are each ``{required: [name]}``."""
    names = []
    for branch in branches if isinstance(branches, list) else []:
        if not (isinstance(branch, dict) and set(branch) == {"required"}):
            return None
        names.extend(branch["required"])
    return names


def _target_problem(error: ValidationError, targets: list[str]) -> SchemaProblem:
    instance = error.instance if isinstance(error.instance, dict) else {}
    present = [name for name in targets if name in instance]
    listed = ", ".join(targets[:-1]) + f" or {targets[-1]}"
    is_step = "operationId" in targets
    if not present:
        rule = "missing-step-target" if is_step else "missing-goto-target"
        subject = f"step '{instance.get('stepId')}'" if is_step else "a goto action"
        return SchemaProblem(rule, _pointer(error), f"{subject} needs one of {listed}")
    rule = "conflicting-step-target" if is_step else "conflicting-action-target"
    return SchemaProblem(
        rule,
        join_pointer(_pointer(error), present[1]),
        f"{' and '.join(present)} are mutually exclusive; keep one",
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
    branches = error.validator_value
    instance = error.instance
    for index, branch in enumerate(branches):
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        is_reusable = ref == "#/$defs/reusable"
        matches = isinstance(instance, dict) and is_reusable == ("reference" in instance)
        if matches and index in by_branch:
            return by_branch[index]
    for index, branch in enumerate(branches):
        wants_string = isinstance(branch, dict) and "enum" in branch
        if wants_string == isinstance(instance, str) and index in by_branch:
            return by_branch[index]
    return min(by_branch.values(), key=len)


def _generic(error: ValidationError) -> Iterator[SchemaProblem]:
    yield SchemaProblem(
        "invalid-structure",
        _pointer(error),
        f"{_what(error)} is not valid here: {_short(error.message)}",
    )


_HANDLERS = {
    "required": _required,
    "unevaluatedProperties": _unevaluated,
    "additionalProperties": _unevaluated,
    "type": _type,
    "enum": _enum,
    "const": _enum,
    "pattern": _pattern,
    "minItems": _min_items,
    "uniqueItems": _unique_items,
    "minimum": _minimum,
    "dependentRequired": _dependent_required,
    "not": _not,
    "oneOf": _one_of,
    "anyOf": _one_of,
}
