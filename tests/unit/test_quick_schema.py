"""The quick check of response bodies says yes only where the full validator does.

``http/quick_schema.py`` lets a body that plainly matches its OpenAPI 3.0 schema
pass without importing jsonschema. Every schema and value below is given to
both; whenever the quick check accepts, the full OpenAPI 3.0 validator must
find the body valid. It must also accept the plain cases (or it saves nothing),
and keep its hands off what it does not judge.
"""

from __future__ import annotations

from typing import Any

import pytest
from referencing import Registry, Resource

from arazzo_runner.http.quick_schema import accepts
from arazzo_runner.http.schema_validators import OpenAPI30ResponseValidator

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "components": {
        "schemas": {
            "State": {"type": "string", "enum": ["open", "active", "closed"]},
            "Session": {
                "type": "object",
                "required": ["id", "mode"],
                "properties": {
                    "id": {"type": "string", "minLength": 1, "maxLength": 8},
                    "mode": {"$ref": "#/components/schemas/State"},
                    "name": {"type": "string", "nullable": True},
                    "ttl": {"type": "integer", "format": "int32", "minimum": 1},
                    "big": {"type": "integer", "format": "int64"},
                    "ratio": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 1,
                        "exclusiveMaximum": True,
                    },
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "flag": {"type": "boolean", "description": "annotations are ignored"},
                    "when": {"type": "string", "format": "date-time"},
                    "extra": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "either": {"type": ["string", "integer"]},
                    "nullableEnum": {"type": "string", "nullable": True, "enum": ["a"]},
                    "secret": {"type": "string", "writeOnly": True},
                },
            },
            "Closed": {
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "additionalProperties": False,
            },
            "Both": {
                "allOf": [{"$ref": "#/components/schemas/Closed"}, {"required": ["a"]}],
            },
            "Loop": {
                "type": "object",
                "properties": {"next": {"$ref": "#/components/schemas/Loop"}},
            },
            "NullType": {"type": "null"},
            "Choice": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        }
    },
}

CANDIDATES: list[Any] = [
    "2026-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T00:00:00Z\n",
    "0000-01-01T00:00:00Z",
    "x", "", "open", "bogus", "123456789", 0, 1, -1, 0.5, 1.0, 2.0, 2**31, 2**63, True, False,
    None, [], ["a"], [1], {}, {"a": 1}, {"a": "1"}, {"b": 2}, {"next": {}}, {"next": {"next": 1}},
]  # fmt: skip


def full_validator(name: str) -> Any:
    registry: Registry[Any] = Registry().with_resource("urn:doc", Resource.opaque(DOCUMENT))
    return OpenAPI30ResponseValidator(
        {"$ref": f"urn:doc#/components/schemas/{name}"},
        registry=registry,
        format_checker=OpenAPI30ResponseValidator.FORMAT_CHECKER,
    )


def quick(name: str, body: Any, version: str = "3.0.3") -> bool:
    schema = DOCUMENT["components"]["schemas"][name]
    return accepts(schema, DOCUMENT, body, openapi_version=version)


def session_bodies() -> list[dict[str, Any]]:
    """Every property of Session given each candidate, next to valid required fields."""
    properties = DOCUMENT["components"]["schemas"]["Session"]["properties"]
    base = {"id": "s1", "mode": "open"}
    bodies = [base, {"id": "s1"}, {**base, "unknown": object()}]
    bodies += [{**base, name: value} for name in properties for value in CANDIDATES]
    return bodies


@pytest.mark.parametrize("name", sorted(DOCUMENT["components"]["schemas"]))
def test_what_the_quick_check_accepts_the_full_validator_accepts(name: str) -> None:
    validator = full_validator(name)
    bodies = session_bodies() if name == "Session" else CANDIDATES
    for body in bodies:
        if quick(name, body):
            assert validator.is_valid(body), (name, body)


def test_plain_bodies_are_accepted() -> None:
    assert quick("Session", {"id": "s1", "mode": "open", "name": None, "ttl": 5})
    assert quick("Session", {"id": "s1", "mode": "active", "tags": ["a"], "extra": {"n": 1}})
    assert quick("Session", {"id": "s1", "mode": "open", "when": "2026-01-01T00:00:00.5+02:00"})
    assert quick("Both", {"a": 1})
    assert quick("Loop", {"next": {"next": {}}})


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("Session", {"id": "s1", "mode": "open", "when": "2026-01-01t00:00:00z"}),  # loose
        ("Session", {"id": "s1", "mode": "open", "when": "2026-02-30T00:00:00Z"}),
        ("Session", {"id": "s1", "mode": "open", "when": "2026-01-01T00:00:60Z"}),
        ("Session", {"id": "s1", "mode": "open", "secret": "x"}),  # writeOnly
        ("Session", {"id": "s1", "mode": "open", "ttl": 2.0}),  # an integral float
        ("Session", {"id": "s1", "mode": "open", "nullableEnum": None}),
        ("NullType", None),
        ("Choice", "x"),
    ],
)
def test_what_it_does_not_judge_goes_to_the_full_validator(name: str, body: Any) -> None:
    assert not quick(name, body)


def test_openapi_31_schemas_go_to_the_full_validator() -> None:
    assert not quick("State", "open", version="3.1.0")


def test_it_never_says_a_body_is_invalid_it_only_declines() -> None:
    assert not quick("Session", {"id": "s1"})  # missing "mode": the full validator words it
    assert not full_validator("Session").is_valid({"id": "s1"})
