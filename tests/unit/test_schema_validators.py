"""The OpenAPI 3.0 and 3.1 schema dialects, as response bodies are checked against them.

Each case states the verdict OpenAPI asks for; where openapi-schema-validator
is installed, its response validators must agree on every case.
"""

from __future__ import annotations

from typing import Any

import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from arazzo_runner.http.schema_validators import (
    OpenAPI30ResponseValidator,
    OpenAPI31ResponseValidator,
)

URI = "urn:example:description"


def document(*schemas: tuple[str, Any]) -> dict[str, Any]:
    return {"components": {"schemas": dict(schemas)}}


PETS = document(
    ("Cat", {"type": "object", "required": ["kind", "lives"], "properties": {"lives": {}}}),
    ("Dog", {"type": "object", "required": ["kind", "bark"]}),
    (
        "Pet",
        {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"hound": "#/components/schemas/Dog"},
            },
        },
    ),
)


def validator(cls: Any, data: dict[str, Any], name: str, *, is_30: bool) -> Any:
    """A validator for ``#/components/schemas/<name>`` of ``data``, as response checks make it."""
    if is_30:
        resource: Resource[Any] = Resource.opaque(data)
    else:
        resource = Resource.from_contents(data, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(URI, resource)
    reference = {"$ref": f"{URI}#/components/schemas/{name}"}
    return cls(reference, registry=registry, format_checker=cls.FORMAT_CHECKER)


# (schema, instance, valid)
BOTH: list[tuple[Any, Any, bool]] = [
    ({"type": "integer"}, 7, True),
    ({"type": "integer"}, "7", False),
    ({"type": "integer"}, True, False),
    ({"type": "string", "format": "int32"}, "x", True),
    ({"type": "integer", "format": "int32"}, 2**31 - 1, True),
    ({"type": "integer", "format": "int32"}, 2**31, False),
    ({"type": "integer", "format": "int32"}, -(2**31), True),
    ({"type": "integer", "format": "int64"}, 2**63, False),
    ({"type": "number", "format": "float"}, 1.5, True),
    ({"type": "string", "format": "date-time"}, "2026-12-01T10:00:00Z", True),
    ({"type": "string", "format": "regex"}, "([a-z]", False),
    ({"type": "string", "format": "password"}, "hunter2", True),
    ({"type": "object", "additionalProperties": False}, {"a": 1}, False),
    ({"type": "object", "required": ["a"]}, {}, False),
    ({"type": "array", "items": {"type": "string"}}, ["a", 1], False),
    ({"enum": ["a", "b"]}, "c", False),
    ({"type": "object", "properties": {"a": {"readOnly": True}}, "required": ["a"]}, {}, False),
]
ONLY_30: list[tuple[Any, Any, bool]] = [
    ({"type": "string", "nullable": True}, None, True),
    ({"type": "string"}, None, False),
    ({"type": "string", "nullable": True, "format": "int32"}, None, True),
    ({"type": "integer", "maximum": 5, "exclusiveMaximum": True}, 5, False),
    ({"type": "integer", "maximum": 5, "exclusiveMaximum": True}, 4, True),
    ({"type": "string", "format": "byte"}, "aGVsbG8=", True),
    ({"type": "string", "format": "byte"}, "not base64!", False),
    (
        {"type": "object", "properties": {"p": {"writeOnly": True}}, "required": ["p"]},
        {},
        True,
    ),
    ({"type": "object", "properties": {"p": {"writeOnly": True}}}, {"p": "x"}, False),
]
ONLY_31: list[tuple[Any, Any, bool]] = [
    ({"type": ["string", "null"]}, None, True),
    ({"type": "string"}, None, False),
    ({"type": "integer", "exclusiveMaximum": 5}, 5, False),
    ({"type": "null"}, None, True),
]


def cases(version: str) -> list[tuple[Any, Any, bool]]:
    return BOTH + (ONLY_30 if version == "3.0" else ONLY_31)


def ours(version: str, schema: Any) -> Any:
    cls = OpenAPI30ResponseValidator if version == "3.0" else OpenAPI31ResponseValidator
    return validator(cls, document(("S", schema)), "S", is_30=version == "3.0")


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_verdicts(version: str) -> None:
    for schema, instance, valid in cases(version):
        assert ours(version, schema).is_valid(instance) is valid, (schema, instance)


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_a_discriminator_chooses_the_schema(version: str) -> None:
    cls = OpenAPI30ResponseValidator if version == "3.0" else OpenAPI31ResponseValidator
    pets = validator(cls, PETS, "Pet", is_30=version == "3.0")
    assert pets.is_valid({"kind": "Cat", "lives": 9})  # implicit: #/components/schemas/Cat
    assert pets.is_valid({"kind": "hound", "bark": "woof"})  # through the mapping
    assert not pets.is_valid({"kind": "Cat", "bark": "woof"})
    messages = [error.message for error in pets.iter_errors({"kind": "Fish"})]
    assert messages == [
        "'kind' is 'Fish', and no schema is found for it at " + ("'#/components/schemas/Fish'")
    ]
    assert not pets.is_valid({"lives": 9})
    assert not pets.is_valid(["not", "an", "object"])


def test_a_null_that_is_not_nullable_reads_as_a_type_error() -> None:
    errors = list(ours("3.0", {"type": "string"}).iter_errors(None))
    assert [error.message for error in errors] == ["None is not of type 'string'"]


@pytest.mark.parametrize("version", ["3.0", "3.1"])
def test_the_reference_package_agrees(version: str) -> None:
    package = pytest.importorskip("openapi_schema_validator")
    theirs_class = package.OAS30ReadValidator if version == "3.0" else package.OAS31Validator
    for schema, instance, valid in cases(version):
        theirs = validator(theirs_class, document(("S", schema)), "S", is_30=version == "3.0")
        assert theirs.is_valid(instance) is valid, (schema, instance)
    pets = validator(theirs_class, PETS, "Pet", is_30=version == "3.0")
    assert pets.is_valid({"kind": "hound", "bark": "woof"})
    assert not pets.is_valid({"kind": "Cat", "bark": "woof"})
