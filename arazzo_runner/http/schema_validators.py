"""JSON Schema validators for OpenAPI Schema Objects, as a client reads a response.

Both are assembled from ``jsonschema``'s own validators with its ``create`` and
``extend``; only what OpenAPI changes is written here.

* **OpenAPI 3.0** describes a subset of JSON Schema draft 4 with its own
  additions: ``nullable: true`` lets ``null`` pass a ``type``; ``format`` has
  nothing to say about ``null``; a property marked ``writeOnly`` is never in a
  response, so it must not appear there and is not required there; there is no
  ``null`` type.
* **OpenAPI 3.1** uses JSON Schema 2020-12 as it is.
* Both: a ``discriminator`` next to ``oneOf``/``anyOf``/``allOf`` picks the one
  schema the value must match, by its discriminating property (``mapping``,
  else ``#/components/schemas/<value>``); the OpenAPI formats ``int32``,
  ``int64`` and (3.0) ``byte`` are checked, next to JSON Schema's own
  (``date-time``, ``email``, ``uuid``, ...).

Imported only when a response body is first validated: it imports ``jsonschema``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Mapping
from typing import Any

# jsonschema ships no type information; its stubs are a separate package.
from jsonschema import (
    Draft4Validator,
    Draft202012Validator,
    FormatChecker,
)
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import create, extend
from referencing.exceptions import Unresolvable

from ..jsontypes import json_text

Keyword = Callable[[Any, Any, Any, Mapping[str, Any]], Iterator[ValidationError]]
"""A keyword's check, as ``jsonschema`` calls it: (validator, value, instance, schema)."""

_INT32 = 2**31
_INT64 = 2**63


# --------------------------------------------------------------------------- formats


def _within(limit: int) -> Callable[[object], bool]:
    def check(instance: object) -> bool:
        # Only integers have a range to check; bool is an int in Python, not in JSON.
        if not isinstance(instance, int) or isinstance(instance, bool):
            return True
        return -limit <= instance < limit

    return check


def _is_base64(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    try:
        base64.b64decode(instance.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return False
    return True


def _format_checker(*, byte: bool) -> FormatChecker:
    """JSON Schema's formats, plus OpenAPI's (``float``, ``double``, ``password`` and
    ``binary`` say nothing a JSON value could fail)."""
    checker = FormatChecker()
    checker.checks("int32")(_within(_INT32))
    checker.checks("int64")(_within(_INT64))
    if byte:
        checker.checks("byte")(_is_base64)
    return checker


# --------------------------------------------------------------------------- keywords


def _with_discriminator(applicator: Keyword) -> Keyword:
    """``oneOf``/``anyOf``/``allOf``, unless a ``discriminator`` names the schema to use."""

    def check(
        validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, Mapping):
            yield from applicator(validator, value, instance, schema)
            return
        yield from _discriminated(validator, discriminator, instance)

    return check


def _discriminated(
    validator: Any, discriminator: Mapping[str, Any], instance: Any
) -> Iterator[ValidationError]:
    name = discriminator.get("propertyName")
    if not validator.is_type(instance, "object"):
        yield ValidationError(
            f"{json_text(instance)} is not an object, so it has no {json_text(name)} to choose by"
        )
        return
    chosen = instance.get(name)
    if not isinstance(chosen, str) or not chosen:
        yield ValidationError(
            f"the discriminating property {json_text(name)} is missing or not a string"
        )
        return
    mapping = discriminator.get("mapping")
    target = mapping.get(chosen) if isinstance(mapping, Mapping) else None
    ref = target if isinstance(target, str) else f"#/components/schemas/{chosen}"
    try:
        errors = list(validator.descend(instance, {"$ref": ref}))
    except Unresolvable:
        yield ValidationError(
            f"{json_text(name)} is {json_text(chosen)}, and no schema is found for it at "
            f"{json_text(ref)}"
        )
        return
    yield from errors


def _nullable_type(
    validator: Any, types: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if instance is None and schema.get("nullable") is True:
        return
    yield from Draft4Validator.VALIDATORS["type"](validator, types, instance, schema)


def _format_of_a_value(
    validator: Any, format_name: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if instance is None:  # nullable: a null has no format to check
        return
    yield from Draft4Validator.VALIDATORS["format"](validator, format_name, instance, schema)


def _required_in_a_response(
    validator: Any, required: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    properties = schema.get("properties")
    if isinstance(required, list) and isinstance(properties, Mapping):
        required = [name for name in required if not _write_only(properties.get(name))]
    yield from Draft4Validator.VALIDATORS["required"](validator, required, instance, schema)


def _write_only(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("writeOnly") is True


def _not_in_a_response(
    validator: Any, write_only: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    # Reached only for a property that is present: properties descend into it.
    if write_only is True:
        yield ValidationError("a writeOnly property must not appear in a response")


# --------------------------------------------------------------------------- the validators


_APPLICATORS = ("allOf", "anyOf", "oneOf")
"""The keywords a ``discriminator`` stands beside."""

_DRAFT4_KEYWORDS_OF_OPENAPI_30 = (
    *("$ref", "multipleOf", "maximum", "minimum", "maxLength", "minLength", "pattern"),
    *("maxItems", "minItems", "uniqueItems", "maxProperties", "minProperties", "enum"),
    *("not", "items", "properties", "additionalProperties"),
)


def _openapi_30() -> type[Validator]:
    draft4 = Draft4Validator.VALIDATORS
    keywords: dict[str, Keyword] = {name: draft4[name] for name in _DRAFT4_KEYWORDS_OF_OPENAPI_30}
    keywords |= {name: _with_discriminator(draft4[name]) for name in _APPLICATORS}
    keywords |= {
        "type": _nullable_type,
        "format": _format_of_a_value,
        "required": _required_in_a_response,
        "writeOnly": _not_in_a_response,
    }
    validator: type[Validator] = create(
        meta_schema=Draft4Validator.META_SCHEMA,
        validators=keywords,
        type_checker=Draft4Validator.TYPE_CHECKER.remove("null"),
        format_checker=_format_checker(byte=True),
        id_of=_draft4_id,
    )
    return validator


def _openapi_31() -> type[Validator]:
    draft202012 = Draft202012Validator.VALIDATORS
    keywords = {name: _with_discriminator(draft202012[name]) for name in _APPLICATORS}
    # jsonschema's `extend` has no annotations; its result is a validator class.
    extend_typed: Callable[..., type[Validator]] = extend
    return extend_typed(Draft202012Validator, keywords, format_checker=_format_checker(byte=False))


def _draft4_id(schema: bool | Mapping[str, Any]) -> str:
    """Draft 4's ``id`` of a schema; "" when it has none, as jsonschema's own finders say."""
    return Draft4Validator.ID_OF(schema) or ""


OpenAPI30ResponseValidator = _openapi_30()
"""Validates a response value against an OpenAPI 3.0 Schema Object."""

OpenAPI31ResponseValidator = _openapi_31()
"""Validates a response value against an OpenAPI 3.1 Schema Object (JSON Schema 2020-12)."""
