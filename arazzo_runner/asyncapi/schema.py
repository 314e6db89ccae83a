"""Checking an AsyncAPI description against the official AsyncAPI JSON Schema.

The schemas are the AsyncAPI Initiative's own (``schemas/``, with their licence),
one per version this package reads: 3.0.0, and 2.6.0 for every 2.x description.
They are large and most runs never read an AsyncAPI description, so a schema is
loaded and its validator built the first time a description of its version is
checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..document import join_pointer

if TYPE_CHECKING:
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_VERSIONS = ("3.0.0", "2.6.0")


@dataclass(frozen=True)
class SchemaIssue:
    """One place where a description breaks the AsyncAPI schema."""

    pointer: str
    message: str


def schema_version_for(version: str) -> str:
    """The shipped schema a description of ``version`` is checked against."""
    return "2.6.0" if version.startswith("2.") else "3.0.0"


@cache
def asyncapi_schema(version: str) -> dict[str, Any]:
    """The official AsyncAPI JSON Schema of ``version`` (one of :data:`SCHEMA_VERSIONS`)."""
    name = f"asyncapi-{version}.schema.json"
    text = resources.files(__package__).joinpath("schemas", name).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def _validator(version: str) -> Draft7Validator:
    from jsonschema import Draft7Validator  # only descriptions that are checked need it

    return Draft7Validator(asyncapi_schema(version))


def check_asyncapi_schema(data: Any, version: str) -> list[SchemaIssue]:
    """Every place ``data`` breaks the schema for ``version``, in document order."""
    issues = [_issue(error) for error in _validator(schema_version_for(version)).iter_errors(data)]
    unique = {(issue.pointer, issue.message): issue for issue in issues}
    return sorted(unique.values(), key=lambda issue: issue.pointer)


def _issue(error: ValidationError) -> SchemaIssue:
    """The error at its deepest useful place: a ``oneOf`` over Reference and Object
    otherwise says only that the whole operation or message is wrong."""
    error = _deepest(error)
    pointer = join_pointer("", *error.absolute_path)
    return SchemaIssue(pointer, _message(error))


def _deepest(error: ValidationError) -> ValidationError:
    from jsonschema.exceptions import best_match

    while error.context:
        # A branch that is a $ref to follow ("Reference Object") is never the one
        # meant when the value has no "$ref"; prefer the branches that went deepest.
        candidates = [
            sub
            for sub in error.context
            if not (sub.validator == "required" and sub.validator_value == ["$ref"])
        ]
        if not candidates:
            break
        deeper = best_match(candidates, key=lambda sub: len(sub.absolute_path))
        if deeper is None or len(deeper.absolute_path) < len(error.absolute_path):
            break
        error = deeper
    return error


def _message(error: ValidationError) -> str:
    field = next((str(part) for part in reversed(error.absolute_path)), None)
    where = f"'{field}'" if field is not None else "the description"
    keyword_value: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if error.validator == "required" and isinstance(keyword_value, list):
        present = instance if isinstance(instance, dict) else {}
        missing = [name for name in keyword_value if name not in present]
        names = ", ".join(f"'{name}'" for name in missing) or "a required field"
        return f"{where} is missing {names}"
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = set(schema.get("properties", {})) if isinstance(schema, dict) else set()
        extra = [str(key) for key in instance if key not in known and not str(key).startswith("x-")]
        if extra:
            return f"{where} has fields AsyncAPI does not define: " + ", ".join(
                f"'{name}'" for name in extra
            )
    if error.validator == "enum" and isinstance(keyword_value, list):
        allowed = ", ".join(json.dumps(value) for value in keyword_value)
        return f"{where} is {json.dumps(instance)}; it must be one of {allowed}"
    if error.validator == "type":
        return f"{where} must be of type {keyword_value}"
    text = error.message
    return f"{where}: {text if len(text) <= 160 else text[:157] + '...'}"
