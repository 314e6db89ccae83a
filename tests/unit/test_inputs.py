"""Workflow inputs: command-line conversion, inputs files, defaults and schema validation."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.cli.inputs import read_inputs_file
from arazzo_runner.diagnostics import Diagnostics
from arazzo_runner.document.build import build_model
from arazzo_runner.document.model import ArazzoDocument, Workflow
from arazzo_runner.document.reading import load_document
from arazzo_runner.engine.inputs import (
    apply_defaults,
    convert_input,
    parse_input_pairs,
    validate_inputs,
)
from arazzo_runner.errors import InputError, UsageError
from tests._support.cli import run_python

DOCUMENT = """\
arazzo: 1.0.1
info: {title: T, version: '1'}
sourceDescriptions: [{name: api, url: api.yaml}]
workflows:
  - workflowId: direct
    inputs:
      type: object
      required: [id, count]
      properties:
        id: {type: string}
        count: {type: integer, default: 5}
        flag: {type: boolean}
        when: {type: string, format: date-time}
        mail: {type: string, format: email}
        nested:
          type: object
          required: [a]
          properties:
            a: {type: integer}
        limit: {$ref: '#/components/inputs/limit'}
    steps: [{stepId: s, operationId: op}]
  - workflowId: viaref
    inputs:
      $ref: '#/components/inputs/pageInputs'
    steps: [{stepId: s, operationId: op}]
  - workflowId: badschema
    inputs:
      type: objekt
    steps: [{stepId: s, operationId: op}]
  - workflowId: noinputs
    steps: [{stepId: s, operationId: op}]
  - workflowId: missingref
    inputs:
      $ref: '#/components/inputs/missing'
    steps: [{stepId: s, operationId: op}]
components:
  inputs:
    limit: {type: integer, minimum: 1}
    pageInputs:
      type: object
      required: [page]
      properties:
        page: {type: integer, default: 1}
        size: {type: integer, default: 20}
"""


@pytest.fixture
def document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ArazzoDocument:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "arazzo.yaml").write_text(DOCUMENT, encoding="utf-8")
    return build_model(load_document("arazzo.yaml"), Diagnostics())


def workflow(document: ArazzoDocument, workflow_id: str) -> Workflow:
    found = document.workflow(workflow_id)
    assert found is not None
    return found


def invalid(inputs: dict[str, Any], document: ArazzoDocument, workflow_id: str) -> InputError:
    with pytest.raises(InputError) as info:
        validate_inputs(inputs, workflow(document, workflow_id), document)
    return info.value


# --------------------------------------------------------------------------- convert_input


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("false", False), ("TRUE", True), ("False", False), (" true ", True)],
)
def test_boolean_accepts_true_and_false_in_any_case(text: str, expected: bool) -> None:
    assert convert_input("flag", text, {"type": "boolean"}) is expected


@pytest.mark.parametrize("text", ["yes", "no", "1", "0", "on", ""])
def test_boolean_rejects_other_words(text: str) -> None:
    with pytest.raises(InputError) as info:
        convert_input("flag", text, {"type": "boolean"})
    assert info.value.message == f"input 'flag' expects boolean, but '{text}' is not one"
    assert info.value.hint == "use true or false"


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("-3", -3), ("1.0", 1), ("1e2", 100)])
def test_integer(text: str, expected: int) -> None:
    value = convert_input("n", text, {"type": "integer"})
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize("text", ["1.5", "true", "abc", "03", "NaN", "Infinity", ""])
def test_integer_rejects_non_integers(text: str) -> None:
    with pytest.raises(InputError) as info:
        convert_input("n", text, {"type": "integer"})
    assert info.value.message == f"input 'n' expects integer, but '{text}' is not one"
    assert info.value.hint == "use a whole number such as 3"


@pytest.mark.parametrize(("text", "expected"), [("2.5", 2.5), ("3", 3), ("1e3", 1000.0)])
def test_number(text: str, expected: float) -> None:
    assert convert_input("x", text, {"type": "number"}) == expected


def test_number_rejects_text() -> None:
    with pytest.raises(InputError) as info:
        convert_input("x", "abc", {"type": "number"})
    assert info.value.message == "input 'x' expects number, but 'abc' is not one"
    assert info.value.hint == "use a number such as 2.5"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_number_rejects_nan_and_infinity(text: str) -> None:
    with pytest.raises(InputError) as info:
        convert_input("x", text, {"type": "number"})
    assert info.value.message == f"input 'x' expects number, but '{text}' is not one"


def test_null() -> None:
    assert convert_input("z", "null", {"type": "null"}) is None
    with pytest.raises(InputError) as info:
        convert_input("z", "None", {"type": "null"})
    assert info.value.message == "input 'z' expects null, but 'None' is not one"
    assert info.value.hint == "use null"


def test_object_and_array_take_json() -> None:
    assert convert_input("o", '{"a": [1, 2]}', {"type": "object"}) == {"a": [1, 2]}
    assert convert_input("a", "[1, 2]", {"type": "array"}) == [1, 2]


@pytest.mark.parametrize(
    ("kind", "text", "hint"),
    [
        ("object", "[1]", 'use a JSON object such as {"a": 1}'),
        ("object", "{a: 1}", 'use a JSON object such as {"a": 1}'),
        ("array", '{"a": 1}', "use a JSON array such as [1, 2]"),
        ("array", "1, 2", "use a JSON array such as [1, 2]"),
    ],
)
def test_object_and_array_reject_other_json(kind: str, text: str, hint: str) -> None:
    with pytest.raises(InputError) as info:
        convert_input("v", text, {"type": kind})
    assert info.value.message == f"input 'v' expects {kind}, but '{text}' is not one"
    assert info.value.hint == hint


@pytest.mark.parametrize("text", ["a=b", "", "123", "true", "  spaced  "])
def test_string_is_passed_through(text: str) -> None:
    assert convert_input("s", text, {"type": "string"}) == text


@pytest.mark.parametrize("schema", [None, {}, {"description": "no type"}, "not a schema"])
def test_no_type_means_string(schema: Any) -> None:
    assert convert_input("s", "5", schema) == "5"


@pytest.mark.parametrize(
    ("text", "expected"), [("3", 3), ("abc", "abc"), ("1.5", "1.5"), ("true", "true")]
)
def test_union_type_tries_the_most_specific_first(text: str, expected: Any) -> None:
    assert convert_input("u", text, {"type": ["string", "integer"]}) == expected


def test_union_without_string_reports_every_type() -> None:
    schema = {"type": ["null", "integer"]}
    assert convert_input("u", "null", schema) is None
    assert convert_input("u", "4", schema) == 4
    with pytest.raises(InputError) as info:
        convert_input("u", "x", schema)
    assert info.value.message == "input 'u' expects integer or null, but 'x' is not one"


@pytest.mark.parametrize(
    ("schema", "text", "expected"),
    [
        ({"enum": [1, 2]}, "2", 2),
        ({"enum": ["on", "off"]}, "on", "on"),
        ({"enum": ["x", 1, True]}, "true", True),
        ({"enum": ["x", 1, True]}, "1", 1),
        ({"enum": ["x", 1, True]}, "x", "x"),
        ({"const": 5}, "5", 5),
    ],
)
def test_enum_and_const_values_decide_the_type(schema: Any, text: str, expected: Any) -> None:
    value = convert_input("e", text, schema)
    assert value == expected
    assert type(value) is type(expected)


def test_enum_of_integers_rejects_text() -> None:
    with pytest.raises(InputError) as info:
        convert_input("e", "x", {"enum": [1, 2]})
    assert info.value.message == "input 'e' expects integer, but 'x' is not one"


# --------------------------------------------------------------------------- parse_input_pairs


def test_pairs_are_converted_by_the_schema(document: ArazzoDocument) -> None:
    values = parse_input_pairs(
        ["id=abc", "count=3", "flag=FALSE", 'nested={"a": 1}'], workflow(document, "direct")
    )
    assert values == {"id": "abc", "count": 3, "flag": False, "nested": {"a": 1}}


def test_value_may_contain_equals_signs(document: ArazzoDocument) -> None:
    assert parse_input_pairs(["id=a=b=c"], workflow(document, "direct")) == {"id": "a=b=c"}


def test_later_pair_wins(document: ArazzoDocument) -> None:
    assert parse_input_pairs(["id=a", "id=b"], workflow(document, "direct")) == {"id": "b"}


@pytest.mark.parametrize("pair", ["id", "=1", ""])
def test_malformed_pair_is_a_usage_error(document: ArazzoDocument, pair: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_input_pairs([pair], workflow(document, "direct"))
    assert info.value.message == f"--input expects NAME=VALUE, got '{pair}'"
    assert info.value.hint == "for example: --input sessionId=abc123"


def test_unknown_input_name_lists_the_known_inputs(document: ArazzoDocument) -> None:
    with pytest.raises(InputError) as info:
        parse_input_pairs(["nope=1"], workflow(document, "direct"))
    assert info.value.message == "workflow 'direct' has no input named 'nope'"
    assert info.value.hint == "its inputs are: count, flag, id, limit, mail, nested, when"


def test_conversion_error_names_the_input(document: ArazzoDocument) -> None:
    with pytest.raises(InputError) as info:
        parse_input_pairs(["count=many"], workflow(document, "direct"))
    assert info.value.message == "input 'count' expects integer, but 'many' is not one"


def test_workflow_without_inputs_takes_any_name_as_text(document: ArazzoDocument) -> None:
    assert parse_input_pairs(["x=1"], workflow(document, "noinputs")) == {"x": "1"}


def test_property_ref_type_is_used_for_conversion(document: ArazzoDocument) -> None:
    assert parse_input_pairs(["limit=4"], workflow(document, "direct")) == {"limit": 4}


def test_referenced_inputs_schema_is_used_for_conversion(document: ArazzoDocument) -> None:
    assert parse_input_pairs(["page=2"], workflow(document, "viaref")) == {"page": 2}


def test_referenced_inputs_schema_rejects_unknown_names(document: ArazzoDocument) -> None:
    with pytest.raises(InputError) as info:
        parse_input_pairs(["nope=2"], workflow(document, "viaref"))
    assert info.value.hint == "its inputs are: page, size"


# --------------------------------------------------------------------------- read_inputs_file


def test_read_inputs_file(tmp_path: Path) -> None:
    path = tmp_path / "inputs.json"
    path.write_text('{"id": "abc", "count": 3, "flag": false}', encoding="utf-8")
    assert read_inputs_file(str(path), io.StringIO()) == {"id": "abc", "count": 3, "flag": False}


def test_read_inputs_from_stdin() -> None:
    assert read_inputs_file("-", io.StringIO('{"x": [1, 2]}')) == {"x": [1, 2]}


def test_invalid_json_on_stdin() -> None:
    with pytest.raises(UsageError) as info:
        read_inputs_file("-", io.StringIO("{nope"))
    assert info.value.message == (
        "inputs file standard input is not valid JSON: Expecting property name enclosed in "
        "double quotes (line 1, column 2)"
    )


def test_yaml_inputs_are_read_as_yaml_1_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.yaml").write_text("mode: on\ncount: 3\nflag: false\n", encoding="utf-8")
    assert read_inputs_file("in.yaml", io.StringIO()) == {"mode": "on", "count": 3, "flag": False}


def test_invalid_yaml_inputs_are_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.yaml").write_text("a: [\n", encoding="utf-8")
    with pytest.raises(UsageError) as info:
        read_inputs_file("in.yaml", io.StringIO())
    assert info.value.message.startswith("inputs file in.yaml:2:1: invalid YAML")


def test_invalid_json_names_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.json").write_text('{"a": 1,\n "b": }', encoding="utf-8")
    with pytest.raises(UsageError) as info:
        read_inputs_file("bad.json", io.StringIO())
    assert info.value.message == (
        "inputs file bad.json is not valid JSON: Expecting value (line 2, column 7)"
    )


@pytest.mark.parametrize("content", ["[1]", '"text"', "3", "null"])
def test_inputs_file_must_hold_an_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.json").write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as info:
        read_inputs_file("in.json", io.StringIO())
    assert info.value.message == (
        "inputs file in.json must hold an object of input names to values (JSON or YAML)"
    )


def test_missing_inputs_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as info:
        read_inputs_file("missing.json", io.StringIO())
    assert info.value.message == "cannot read inputs file missing.json: No such file or directory"


def test_inputs_file_that_is_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "latin.json").write_bytes(b'{"a": "caf\xe9"}')
    with pytest.raises(UsageError) as info:
        read_inputs_file("latin.json", io.StringIO())
    assert info.value.message == "inputs file latin.json is not UTF-8 text"


# --------------------------------------------------------------------------- apply_defaults


def test_defaults_fill_absent_inputs_only(document: ArazzoDocument) -> None:
    direct = workflow(document, "direct")
    assert apply_defaults({"id": "x"}, direct) == {"id": "x", "count": 5}
    assert apply_defaults({"id": "x", "count": 9}, direct) == {"id": "x", "count": 9}


def test_apply_defaults_does_not_modify_its_argument(document: ArazzoDocument) -> None:
    given = {"id": "x"}
    apply_defaults(given, workflow(document, "direct"))
    assert given == {"id": "x"}


def test_no_schema_no_defaults(document: ArazzoDocument) -> None:
    assert apply_defaults({"a": 1}, workflow(document, "noinputs")) == {"a": 1}


def test_defaults_of_a_referenced_inputs_schema(document: ArazzoDocument) -> None:
    assert apply_defaults({}, workflow(document, "viaref")) == {"page": 1, "size": 20}


# --------------------------------------------------------------------------- validate_inputs


def test_valid_inputs_pass(document: ArazzoDocument) -> None:
    validate_inputs(
        {"id": "a", "count": 1, "when": "2026-03-15T10:00:00Z", "mail": "a@b.test", "limit": 2},
        workflow(document, "direct"),
        document,
    )


def test_required_inputs(document: ArazzoDocument) -> None:
    error = invalid({}, document, "direct")
    assert error.message == (
        "invalid inputs for workflow 'direct':\n"
        "  - input 'id' is required but was not given\n"
        "  - input 'count' is required but was not given"
    )
    assert error.hint is None  # the caller says where inputs come from


def test_nested_required_field(document: ArazzoDocument) -> None:
    error = invalid({"id": "a", "count": 1, "nested": {}}, document, "direct")
    assert error.message == (
        "invalid inputs for workflow 'direct':\n"
        "  - input 'nested' field 'a' is required but was not given"
    )


def test_type_errors_name_the_input(document: ArazzoDocument) -> None:
    error = invalid({"id": 1, "count": "x"}, document, "direct")
    assert error.message == (
        "invalid inputs for workflow 'direct':\n"
        "  - input 'count': 'x' is not of type 'integer'\n"
        "  - input 'id': 1 is not of type 'string'"
    )


def test_nested_type_error_uses_a_dotted_name(document: ArazzoDocument) -> None:
    error = invalid({"id": "a", "count": 1, "nested": {"a": "x"}}, document, "direct")
    assert error.message.endswith("  - input 'nested.a': 'x' is not of type 'integer'")


def test_components_ref_is_resolved_against_the_document(document: ArazzoDocument) -> None:
    error = invalid({"id": "a", "count": 1, "limit": 0}, document, "direct")
    assert error.message.endswith("  - input 'limit': 0 is less than the minimum of 1")


def test_whole_inputs_schema_by_ref(document: ArazzoDocument) -> None:
    validate_inputs({"page": 2}, workflow(document, "viaref"), document)
    error = invalid({"page": "2"}, document, "viaref")
    assert error.message == (
        "invalid inputs for workflow 'viaref':\n  - input 'page': '2' is not of type 'integer'"
    )


@pytest.mark.parametrize(
    ("name", "value", "format_name"),
    [("when", "yesterday", "date-time"), ("mail", "not-an-email", "email")],
)
def test_formats_are_checked(
    document: ArazzoDocument, name: str, value: str, format_name: str
) -> None:
    error = invalid({"id": "a", "count": 1, name: value}, document, "direct")
    assert error.message.endswith(f"  - input '{name}': '{value}' is not a '{format_name}'")


def test_invalid_inputs_schema_is_located_at_the_schema(document: ArazzoDocument) -> None:
    error = invalid({}, document, "badschema")
    assert error.message.startswith(
        "the inputs schema of workflow 'badschema' is not a valid JSON Schema: "
    )
    assert "'objekt'" in error.message
    assert str(error.location) == "arazzo.yaml:28:7"
    assert error.location is not None
    assert error.location.pointer == "/workflows/2/inputs"


def test_workflow_without_inputs_accepts_anything(document: ArazzoDocument) -> None:
    validate_inputs({"x": 1}, workflow(document, "noinputs"), document)


def test_inputs_ref_to_a_missing_component_is_an_input_error(document: ArazzoDocument) -> None:
    error = invalid({}, document, "missingref")
    assert "#/components/inputs/missing" in error.message


# --------------------------------------------------------------------------- the quick check

PLAIN_SCHEMA = {
    "type": "object",
    "required": ["name", "flag"],
    "properties": {
        "name": {"type": "string", "description": "shown in help"},
        "flag": {"type": "boolean"},
        "count": {"type": "integer"},
        "ratio": {"type": ["number", "null"]},
        "mode": {"type": "string", "enum": ["fast", "slow"]},
        "secret": {"type": "string", "format": "password"},
        "anything": {},
    },
}
CANDIDATES: list[Any] = [
    "x", "", 0, 1, 2.0, 2.5, True, False, None, [], {}, [1], {"a": 1}, "fast", "slow", "FAST"
]  # fmt: skip


@pytest.mark.parametrize("closed", [False, True])
def test_quick_check_accepts_only_what_json_schema_accepts(closed: bool) -> None:
    import jsonschema

    from arazzo_runner.engine.inputs import _PlainSchema

    schema = {**PLAIN_SCHEMA, "additionalProperties": not closed}
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    quick = _PlainSchema.of(schema, {})
    assert quick is not None
    accepted = 0
    for name in PLAIN_SCHEMA["properties"]:
        for value in CANDIDATES:
            for extra in ({}, {"other": 1}):
                given = {"name": "n", "flag": True, name: value, **extra}
                if quick.accepts(given):
                    accepted += 1
                    assert validator.is_valid(given), given
    assert accepted > 0
    assert not quick.accepts({"name": "n"})  # a required input is missing


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"type": "string", "pattern": "^x"}}},
        {"type": "object", "properties": {"a": {"type": "string", "format": "email"}}},
        {"type": "object", "properties": {"a": {"$ref": "#/components/inputs/a"}}},
        {"type": "object", "properties": {"a": {"type": "object", "properties": {}}}},
        {"type": "object", "properties": {"a": {"enum": [1, 2]}}},
        {"$ref": "#/components/inputs/all"},
        {"type": "object", "minProperties": 1},
    ],
)
def test_no_quick_check_for_other_keywords(schema: dict[str, Any]) -> None:
    from arazzo_runner.engine.inputs import _PlainSchema

    assert _PlainSchema.of(schema, {}) is None


def test_an_integral_float_is_left_to_json_schema() -> None:
    import jsonschema

    from arazzo_runner.engine.inputs import _PlainSchema

    # JSON Schema counts 2.0 as an integer; the quick check leaves that to jsonschema.
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    quick = _PlainSchema.of(PLAIN_SCHEMA, {})
    assert quick is not None
    given = {"name": "n", "flag": True, "count": 2.0}
    assert not quick.accepts(given)
    assert jsonschema.Draft202012Validator(PLAIN_SCHEMA, format_checker=checker).is_valid(given)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"type": []}}},
        {"type": "object", "properties": {"a": {"type": ["string", "string"]}}},
        {"type": "object", "properties": {"a": {"type": "string", "description": 5}}},
        {"type": "object", "properties": {"a": {"examples": "x"}}},
        {"type": "object", "properties": {"a": {"deprecated": "yes"}}},
        {"type": "object", "title": ["x"]},
        {"type": "object", "required": ["a", "a"]},
    ],
)
def test_no_quick_check_for_a_schema_the_metaschema_refuses(schema: dict[str, Any]) -> None:
    """The quick check never stands in for the check of the schema itself."""
    import jsonschema

    from arazzo_runner.engine.inputs import _PlainSchema

    assert not jsonschema.Draft202012Validator(
        jsonschema.Draft202012Validator.META_SCHEMA
    ).is_valid(schema)
    assert _PlainSchema.of(schema, {}) is None


@pytest.mark.subprocess
def test_plain_inputs_are_checked_without_importing_jsonschema() -> None:
    """A run of a workflow with plain inputs, and valid ones, leaves jsonschema unloaded."""
    code = (
        "import sys\n"
        "from arazzo_runner.engine.inputs import InputValidator\n"
        f"schema = {PLAIN_SCHEMA!r}\n"
        "class Doc:\n"
        "    class document:\n"
        "        data = {}\n"
        "class Flow:\n"
        "    inputs = schema\n"
        "InputValidator(Flow(), Doc())({'name': 'n', 'flag': True})\n"
        "print('jsonschema' in sys.modules)\n"
    )
    completed = run_python(code)
    assert completed.exit_code == 0, completed.stderr
    assert completed.stdout.strip() == "False"
