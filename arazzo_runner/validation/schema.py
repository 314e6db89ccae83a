"""Checking a document's structure against the Arazzo 1.0 JSON Schema.

This is the only place the structure is checked: the model builder trusts it.
Each failure is phrased for the reader by ``phrasing.py``.
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
from ..jsontypes import schema_error_text
from .phrasing import Phrasing, SchemaProblem, short

SCHEMA_FILE = "arazzo-1.0.schema.json"


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
    renamed: dict[str, dict[str, Any]] = {}
    data = _jsonable(data, renamed)
    phrasing = Phrasing(renamed)
    problems: list[SchemaProblem] = []
    for error in _validator().iter_errors(data):
        problems.extend(phrasing.describe(error))
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
