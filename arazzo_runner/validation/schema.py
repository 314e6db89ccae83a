"""Checking a document's structure against the Arazzo JSON Schema of its version.

This is the only place the structure is checked: the model builder trusts it.
Each document is checked by the schema of its own ``arazzo`` version (1.0.x or
1.1.x); a version this runner does not implement is checked by the newest schema,
whose version pattern then reports it. Each failure is phrased for the reader by
``phrasing.py``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..document import join_pointer
from ..document.syntax import spec_minor
from ..jsontypes import schema_error_text
from ..pointers import unescape_pointer_token
from .phrasing import Phrasing, SchemaProblem, kind_of, short

SCHEMA_FILES = {"1.0": "arazzo-1.0.schema.json", "1.1": "arazzo-1.1.schema.json"}
SCHEMA_FILE = SCHEMA_FILES["1.0"]
FALLBACK = "1.0"


@cache
def arazzo_schema(minor: str = "1.0") -> dict[str, Any]:
    """The Arazzo JSON Schema for ``minor`` ("1.0" or "1.1") shipped with the package."""
    text = resources.files(__package__).joinpath(SCHEMA_FILES[minor]).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def schema_version_of(data: Any) -> str:
    """Which schema judges ``data``: its own minor version when implemented, else 1.0."""
    version = data.get("arazzo") if isinstance(data, dict) else None
    minor = spec_minor(version)
    return minor if minor in SCHEMA_FILES else FALLBACK


@cache
def _validator(minor: str = "1.0") -> Draft202012Validator:
    # Workflow inputs are checked against the metaschema separately (below): through
    # the $ref, jsonschema re-crawls its registry for every dynamic reference,
    # which made that part cost more than all the rest of validation.
    schema = copy.deepcopy(arazzo_schema(minor))
    schema["$defs"]["schema"] = {"type": ["object", "boolean"]}
    return Draft202012Validator(schema)


@cache
def _metaschema_validator() -> Draft202012Validator:
    from jsonschema_specifications import REGISTRY

    return Draft202012Validator(Draft202012Validator.META_SCHEMA, registry=REGISTRY.crawl())


def check_schema(data: Any) -> list[SchemaProblem]:
    """Every schema violation in ``data``, in document order."""
    renamed: dict[str, dict[str, Any]] = {}
    data = _jsonable(data, renamed)
    minor = schema_version_of(data)
    problems = _schema_problems(data, minor, renamed)
    if minor == "1.0" and any(p.rule == "unknown-field" for p in problems):
        problems = _newer_fields(problems)
    for pointer, inputs in _input_schemas(data):
        problems.extend(_inputs_problems(inputs, pointer))
    return _without_duplicates(problems)


def _schema_problems(
    data: Any, minor: str, renamed: dict[str, dict[str, Any]]
) -> list[SchemaProblem]:
    phrasing = Phrasing(renamed, arazzo_schema(minor))
    problems: list[SchemaProblem] = []
    for error in _validator(minor).iter_errors(data):
        problems.extend(phrasing.describe(error))
    return problems


def _newer_fields(problems: list[SchemaProblem]) -> list[SchemaProblem]:
    """Unknown fields of a 1.0 document that Arazzo 1.1 defines, said as such.

    A field unknown to 1.0 that the 1.1 schema defines for the same kind of object
    is a 1.1 feature: the author most likely wants the newer version, not a
    did-you-mean.
    """
    return [_needing_1_1(p) if p.rule == "unknown-field" else p for p in problems]


def _needing_1_1(problem: SchemaProblem) -> SchemaProblem:
    """``problem`` said as a 1.1 field, if the 1.1 schema defines it on its kind of object."""
    tokens = [unescape_pointer_token(t) for t in problem.pointer.split("/")[1:]]
    *owner, name = [int(t) if t.isdigit() else t for t in tokens]
    kind = kind_of(owner)
    if kind is None or str(name) not in _fields_1_1().get(kind, frozenset()):
        return problem
    where = "the document" if kind == "document" else kind
    return SchemaProblem(
        "needs-arazzo-1.1",
        problem.pointer,
        f"'{name}' in {where} needs arazzo: 1.1.0 (this document declares Arazzo 1.0)",
        hint="declare arazzo: 1.1.0 to use it (`arazzo upgrade` rewrites the document), "
        "or remove it",
        key=True,
    )


# Which definitions of the 1.1 schema describe each kind of object ``kind_of`` names.
_DEFINITIONS_1_1 = {
    "info": ("info",),
    "source description": ("source-description-object",),
    "workflow": ("workflow-object",),
    "step": (
        "step-object-base",
        "openapi-step-object",
        "asyncapi-step-object",
        "workflow-step-object",
    ),
    "parameter": ("parameter-object",),
    "success action": ("success-action-object",),
    "failure action": ("failure-action-object",),
    "criterion": ("criterion-object",),
    "request body": ("request-body-object",),
    "payload replacement": ("payload-replacement-object",),
    "components": ("components-object",),
}


@cache
def _fields_1_1() -> dict[str, frozenset[str]]:
    schema = arazzo_schema("1.1")
    fields = {"document": frozenset(schema["properties"])}
    for kind, names in _DEFINITIONS_1_1.items():
        fields[kind] = frozenset(
            name for definition in names for name in _properties(schema["$defs"][definition])
        )
    return fields


def _properties(definition: dict[str, Any]) -> Iterator[str]:
    yield from definition.get("properties", {})
    for part in definition.get("allOf", []):
        yield from _properties(part)


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
        f"the inputs schema is not a valid JSON Schema 2020-12: {short(schema_error_text(detail))}",
        hint="see https://json-schema.org/draft/2020-12 for the keywords and their types",
    )


def _jsonable(value: Any, renamed: dict[str, dict[str, Any]], path: tuple[Any, ...] = ()) -> Any:
    """The data as JSON sees it: YAML allows non-string keys, JSON Schema does not.

    Non-string keys become strings so validation can go on; ``renamed`` keeps
    the keys as written, by the pointer of their object, to report them.
    """
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                renamed.setdefault(join_pointer("", *path), {})[str(key)] = key
            result[str(key)] = _jsonable(item, renamed, (*path, str(key)))
        return result
    if isinstance(value, list):
        return [_jsonable(item, renamed, (*path, index)) for index, item in enumerate(value)]
    return value


def _without_duplicates(problems: list[SchemaProblem]) -> list[SchemaProblem]:
    seen: set[SchemaProblem] = set()
    unique = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            unique.append(problem)
    return unique
