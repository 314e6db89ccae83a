"""Workflow inputs: reading them from the command line and checking them against the schema."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..document import ArazzoDocument, Workflow, schema_anchors, with_anchors_as_pointers
from ..errors import InputError, UsageError
from ..jsontypes import schema_error_text

_JSON_TYPES = ("object", "array")


def parse_input_pairs(pairs: list[str], workflow: Workflow) -> dict[str, Any]:
    """Turn ``NAME=VALUE`` pairs into typed values, guided by the inputs schema.

    The command line only has text, so the schema decides: ``acceptingJobs=false``
    becomes the JSON boolean false when the input is declared ``type: boolean``.
    """
    properties = workflow.input_properties
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise UsageError(
                f"--input expects NAME=VALUE, got '{pair}'",
                hint="for example: --input sessionId=abc123",
            )
        schema = properties.get(name)
        if schema is None and properties:
            known = ", ".join(sorted(properties))
            raise InputError(
                f"workflow '{workflow.workflow_id}' has no input named '{name}'",
                hint=f"its inputs are: {known}",
            )
        values[name] = convert_input(name, text, schema)
    return values


def convert_input(name: str, text: str, schema: Any) -> Any:
    """Convert one command-line value to the type its schema declares."""
    types = _declared_types(schema)
    if not types or types == {"string"}:
        return text
    for kind in _conversion_order(types):
        converted = _try_convert(text, kind)
        if converted is not _NO_VALUE:
            return converted
    expected = " or ".join(sorted(types))
    raise InputError(
        f"input '{name}' expects {expected}, but '{text}' is not one",
        hint=_example_for(sorted(types)[0]),
    )


_NO_VALUE = object()


def _try_convert(text: str, kind: str) -> Any:
    if kind == "boolean":
        lowered = text.strip().lower()
        return {"true": True, "false": False}.get(lowered, _NO_VALUE)
    if kind == "null":
        return None if text.strip() == "null" else _NO_VALUE
    if kind in ("integer", "number"):
        try:
            number = json.loads(text)
        except ValueError:
            return _NO_VALUE
        if isinstance(number, bool) or not isinstance(number, int | float):
            return _NO_VALUE
        if not math.isfinite(number):
            return _NO_VALUE  # NaN and Infinity are not JSON numbers
        if kind == "integer":
            if isinstance(number, float) and not number.is_integer():
                return _NO_VALUE
            return int(number)
        return number
    if kind in _JSON_TYPES:
        try:
            value = json.loads(text, parse_constant=_reject_constant)
        except ValueError:
            return _NO_VALUE
        expected = dict if kind == "object" else list
        return value if isinstance(value, expected) else _NO_VALUE
    return text  # string


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _conversion_order(types: set[str]) -> list[str]:
    # Try the most specific interpretation first; a string accepts anything.
    order = ["null", "boolean", "integer", "number", "object", "array", "string"]
    return [kind for kind in order if kind in types]


def _example_for(kind: str) -> str:
    examples = {
        "boolean": "use true or false",
        "integer": "use a whole number such as 3",
        "number": "use a number such as 2.5",
        "object": 'use a JSON object such as {"a": 1}',
        "array": "use a JSON array such as [1, 2]",
        "null": "use null",
    }
    return examples.get(kind, "")


def _declared_types(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return {_json_type(v) for v in values}
    return set()


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def apply_defaults(inputs: dict[str, Any], workflow: Workflow) -> dict[str, Any]:
    """Fill in top-level ``default`` values the schema declares for absent inputs."""
    merged = dict(inputs)
    for name, schema in workflow.input_properties.items():
        if name not in merged and isinstance(schema, dict) and "default" in schema:
            merged[name] = schema["default"]
    return merged


class InputValidator:
    """Checks inputs against one workflow's inputs schema; build once, call per run.

    The schema is evaluated as part of the whole Arazzo document, so that
    ``$ref: '#/components/inputs/...'`` resolves against the document root as
    the Arazzo spec intends.
    """

    def __init__(self, workflow: Workflow, document: ArazzoDocument) -> None:
        self.workflow = workflow
        self.document = document
        self._validator = self._compile() if workflow.inputs is not None else None
        self._plain: _PlainSchema | None = None
        if self._validator is not None:
            self._plain = _PlainSchema.of(
                workflow.inputs, document.document.data, self._validator.FORMAT_CHECKER
            )

    def _compile(self) -> Any:
        # Imported here: it is only needed once inputs exist.
        import jsonschema
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        base_uri = "urn:arazzo-document"
        data = self.document.document.data
        # Plain-name fragments ($ref: '#pet' to an $anchor) as the pointers they name.
        data = with_anchors_as_pointers(data, schema_anchors(data))
        resource = Resource.from_contents(data, default_specification=DRAFT202012)
        registry = Registry().with_resource(base_uri, resource)
        validator_class = jsonschema.Draft202012Validator
        assert self.workflow.inputs is not None  # only compiled for workflows with inputs
        try:
            validator_class.check_schema(self.workflow.inputs)
        except jsonschema.SchemaError as exc:
            raise InputError(
                f"the inputs schema of workflow '{self.workflow.workflow_id}' is not a valid "
                f"JSON Schema: {exc.message}",
                location=self.document.location(f"{self.workflow.pointer}/inputs"),
            ) from None
        schema = {"$ref": f"{base_uri}#{self.workflow.pointer}/inputs"}
        return validator_class(
            schema, registry=registry, format_checker=validator_class.FORMAT_CHECKER
        )

    def __call__(self, inputs: dict[str, Any]) -> None:
        """Raise :class:`InputError` listing every problem with ``inputs``."""
        if self._validator is None:
            return
        if self._plain is not None and self._plain.accepts(inputs):
            return  # certainly valid: the full validator would find nothing
        import referencing.exceptions

        try:
            problems = sorted(
                self._validator.iter_errors(inputs), key=lambda e: str(list(e.absolute_path))
            )
        except referencing.exceptions.Unresolvable as exc:
            raise InputError(
                f"the inputs schema of workflow '{self.workflow.workflow_id}' refers to "
                f"'{_reference_text(exc)}', which does not exist",
                location=self.document.location(f"{self.workflow.pointer}/inputs"),
                hint="define it under components.inputs",
            ) from None
        if problems:
            lines = [_describe(problem) for problem in problems]
            # No hint: only the caller knows where the inputs came from (the
            # command line, a JSON Lines file, pytest, a Python mapping).
            raise InputError(
                f"invalid inputs for workflow '{self.workflow.workflow_id}':\n  - "
                + "\n  - ".join(lines)
            )


# Keywords that only describe (JSON Schema's annotations): they never fail an instance.
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
    }
)
# JSON Schema type -> a test that only passes values of that type. Narrower than
# jsonschema where it is cheaper to be (an integral float is left to jsonschema).
_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "null": lambda value: value is None,
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}


class _PlainSchema:
    """A quick check for the usual inputs schema: an object of typed, independent properties.

    JSON Schema validation with ``jsonschema`` costs about as much as a local
    HTTP call. Most inputs schemas only list properties with a ``type`` (and
    descriptions), which a few ``isinstance`` calls check. :meth:`accepts`
    answers True only when the inputs are certainly valid; anything else
    (invalid inputs, or values it does not judge, such as ``2.0`` for an
    integer) goes to the full validator, which also words the errors.
    A schema using any other keyword (``$ref``, ``pattern``, a format that is
    checked, nested properties...) gets no quick check at all.
    """

    def __init__(
        self,
        properties: dict[str, list[Callable[[Any], bool]]],
        enums: dict[str, list[str]],
        required: list[str],
        *,
        closed: bool,
    ) -> None:
        self.properties = properties
        self.enums = enums
        self.required = required
        self.closed = closed
        """``additionalProperties: false``: only the listed properties may be given."""

    @classmethod
    def of(cls, schema: Any, document: Any, format_checker: Any) -> _PlainSchema | None:
        """The quick check for ``schema``, or None when the schema is not that simple."""
        if isinstance(document, dict) and ("$schema" in document or "$id" in document):
            return None  # another dialect could give the keywords other meanings
        if not isinstance(schema, dict) or schema.get("type", "object") != "object":
            return None
        allowed = {"type", "properties", "required", "additionalProperties", *_ANNOTATIONS}
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        additional = schema.get("additionalProperties", True)
        if (
            set(schema) - allowed
            or not isinstance(properties, dict)
            or not isinstance(required, list)
            or not all(isinstance(name, str) for name in required)
            or not isinstance(additional, bool)
        ):
            return None
        tests: dict[str, list[Callable[[Any], bool]]] = {}
        enums: dict[str, list[str]] = {}
        for name, spec in properties.items():
            plain = _plain_property(spec, format_checker)
            if plain is None:
                return None
            tests[name], enum = plain
            if enum is not None:
                enums[name] = enum
        return cls(tests, enums, required, closed=not additional)

    def accepts(self, inputs: dict[str, Any]) -> bool:
        for name in self.required:
            if name not in inputs:
                return False
        for name, value in inputs.items():
            tests = self.properties.get(name)
            if tests is None:
                if self.closed:
                    return False
                continue
            if tests and not any(test(value) for test in tests):
                return False
            enum = self.enums.get(name)
            if enum is not None and not (isinstance(value, str) and value in enum):
                return False
        return True


def _plain_property(
    spec: Any, format_checker: Any
) -> tuple[list[Callable[[Any], bool]], list[str] | None] | None:
    """The type tests (any may pass; none: any value) and string enum of one property."""
    if spec is True:
        return [], None
    if not isinstance(spec, dict) or set(spec) - {"type", "enum", "format", *_ANNOTATIONS}:
        return None
    if "format" in spec and (
        not isinstance(spec["format"], str) or spec["format"] in format_checker.checkers
    ):
        return None  # a format that is checked, such as date or email
    declared = spec.get("type")
    names = [declared] if isinstance(declared, str) else declared
    if "type" not in spec:
        names = []
    if not isinstance(names, list) or not all(name in _TYPE_TESTS for name in names):
        return None
    enum = spec.get("enum")
    if enum is not None and not (
        isinstance(enum, list) and all(isinstance(item, str) for item in enum)
    ):
        return None
    return [_TYPE_TESTS[name] for name in names], enum


def validate_inputs(inputs: dict[str, Any], workflow: Workflow, document: ArazzoDocument) -> None:
    """Check inputs against the workflow's inputs schema; report every problem at once."""
    InputValidator(workflow, document)(inputs)


def _reference_text(exc: Exception) -> str:
    ref = str(getattr(exc, "ref", "") or exc)
    # Our own base URI is an implementation detail; show the reference as written.
    ref = ref.replace("urn:arazzo-document", "")
    return f"#{ref}" if ref.startswith("/") else ref


def _describe(error: Any) -> str:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        where = "input" if not path else f"input '{'.'.join(map(str, path))}' field"
        return f"{where} '{missing}' is required but was not given"
    if not path:
        return schema_error_text(error)
    name = ".".join(str(p) for p in path)
    return f"input '{name}': {schema_error_text(error)}"


# --------------------------------------------------------------------------- environment

ENV_PREFIX = "ARAZZO_INPUT_"


def env_names(name: str) -> list[str]:
    """The environment variables that can carry input ``name``, in the order they are tried.

    The exact name first (``ARAZZO_INPUT_accessToken``), then its upper-case form
    with every character that cannot appear in a shell variable name written as
    ``_`` (``ARAZZO_INPUT_ACCESSTOKEN``, ``ARAZZO_INPUT_API_VERSION`` for ``api-version``).
    """
    exact = ENV_PREFIX + name
    shouted = ENV_PREFIX + "".join(c if c.isalnum() else "_" for c in name).upper()
    return [exact] if shouted == exact else [exact, shouted]


def inputs_from_environment(
    workflow: Workflow, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Inputs given as ``ARAZZO_INPUT_<name>`` variables, converted like ``--input`` values.

    Only declared inputs are looked up; a workflow whose schema lists no
    properties takes every ``ARAZZO_INPUT_*`` variable under the name that follows
    the prefix.
    """
    environ = os.environ if environ is None else environ
    properties = workflow.input_properties
    if not properties:
        return {
            variable[len(ENV_PREFIX) :]: text
            for variable, text in environ.items()
            if variable.startswith(ENV_PREFIX) and len(variable) > len(ENV_PREFIX)
        }
    values: dict[str, Any] = {}
    for name, schema in properties.items():
        variable = next((v for v in env_names(name) if v in environ), None)
        if variable is None:
            continue
        try:
            values[name] = convert_input(name, environ[variable], schema)
        except InputError as exc:
            raise InputError(
                f"{exc.message} (from environment variable {variable})", hint=exc.hint
            ) from None
    return values


def missing_required_inputs(workflow: Workflow, inputs: Mapping[str, Any]) -> list[str]:
    """Top-level inputs the schema requires that ``inputs`` lacks (defaults count as given)."""
    schema = workflow.input_schema
    required = schema.get("required") if isinstance(schema, dict) else None
    if not isinstance(required, list):
        return []
    given = apply_defaults(dict(inputs), workflow)
    return [name for name in required if isinstance(name, str) and name not in given]


CLI_INPUTS_HINT = "pass inputs with --input NAME=VALUE or --inputs FILE (JSON or YAML)"
API_INPUTS_HINT = "pass them in the inputs mapping: loaded.run(workflow_id, {name: value, ...})"
"""The hint of an input problem in the Python API (``LoadedArazzo.run``), which the
command line, calling the same method, puts in its own terms."""


def ways_to_give_inputs(names: list[str]) -> str:
    """A hint naming the three ways to pass ``names``, most specific first."""
    example = names[0] if names else "NAME"
    variables = ", ".join(env_names(name)[0] for name in names) or f"{ENV_PREFIX}NAME"
    return (
        f"give {'them' if len(names) > 1 else 'it'} with --input {example}=VALUE, "
        f"with --inputs FILE.json (a JSON object), or with the environment variable"
        f"{'s' if len(names) > 1 else ''} {variables}"
    )


@contextmanager
def explain_missing_inputs(workflow: Workflow, inputs: Mapping[str, Any]) -> Iterator[None]:
    """Re-raise an :class:`InputError` with a hint in the command line's terms.

    Missing inputs get the ways to give them; other problems keep their own
    hint, else get the command line's.

    The command line never asks for a value interactively (it must not block a
    CI job); it says what is missing and how to pass it instead.
    """
    try:
        yield
    except InputError as exc:
        missing = missing_required_inputs(workflow, inputs)
        if missing:
            hint = ways_to_give_inputs(missing)
        elif exc.hint in (None, API_INPUTS_HINT):
            hint = CLI_INPUTS_HINT
        else:
            hint = exc.hint
        raise InputError(exc.message, location=exc.location, hint=hint) from None
