"""Workflow inputs from ARAZZO_INPUT_* environment variables."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.document.model import Workflow
from arazzo_runner.engine.inputs import (
    env_names,
    explain_missing_inputs,
    inputs_from_environment,
    missing_required_inputs,
    ways_to_give_inputs,
)
from arazzo_runner.errors import InputError


def workflow(properties: dict[str, Any], required: list[str] | None = None) -> Workflow:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required is not None:
        schema["required"] = required
    return Workflow("flow", "/workflows/0", [], inputs=schema, input_schema=schema)


FLOW = workflow(
    {
        "accessToken": {"type": "string"},
        "acceptingJobs": {"type": "boolean"},
        "count": {"type": "integer"},
        "api-version": {"type": "string"},
        "filter": {"type": "object"},
    },
    required=["accessToken", "count"],
)


def test_the_exact_name_is_tried_before_the_upper_case_one() -> None:
    assert env_names("accessToken") == ["ARAZZO_INPUT_accessToken", "ARAZZO_INPUT_ACCESSTOKEN"]
    assert env_names("api-version") == ["ARAZZO_INPUT_api-version", "ARAZZO_INPUT_API_VERSION"]
    assert env_names("ID") == ["ARAZZO_INPUT_ID"]
    environ = {"ARAZZO_INPUT_accessToken": "exact", "ARAZZO_INPUT_ACCESSTOKEN": "upper"}
    assert inputs_from_environment(FLOW, environ) == {"accessToken": "exact"}
    assert inputs_from_environment(FLOW, {"ARAZZO_INPUT_ACCESSTOKEN": "upper"}) == {
        "accessToken": "upper"
    }


def test_values_are_converted_by_the_schema_types() -> None:
    environ = {
        "ARAZZO_INPUT_ACCEPTINGJOBS": "false",
        "ARAZZO_INPUT_count": "3",
        "ARAZZO_INPUT_API_VERSION": "2025-01-01",
        "ARAZZO_INPUT_filter": '{"a": [1]}',
        "UNRELATED": "x",
    }
    assert inputs_from_environment(FLOW, environ) == {
        "acceptingJobs": False,
        "count": 3,
        "api-version": "2025-01-01",
        "filter": {"a": [1]},
    }


def test_a_value_of_the_wrong_type_names_the_variable() -> None:
    with pytest.raises(InputError) as caught:
        inputs_from_environment(FLOW, {"ARAZZO_INPUT_count": "many"})
    assert "input 'count' expects integer" in caught.value.message
    assert "environment variable ARAZZO_INPUT_count" in caught.value.message


def test_without_declared_properties_every_prefixed_variable_is_an_input() -> None:
    untyped = Workflow("flow", "/workflows/0", [])
    environ = {"ARAZZO_INPUT_name": "a", "ARAZZO_INPUT_": "ignored", "OTHER": "b"}
    assert inputs_from_environment(untyped, environ) == {"name": "a"}


def test_missing_required_inputs_and_the_three_ways_to_give_them() -> None:
    assert missing_required_inputs(FLOW, {"count": 1}) == ["accessToken"]
    with_default = workflow({"a": {"type": "string", "default": "x"}}, required=["a"])
    assert missing_required_inputs(with_default, {}) == []
    hint = ways_to_give_inputs(["accessToken", "count"])
    assert "--input accessToken=VALUE" in hint
    assert "--inputs FILE.json" in hint
    assert "ARAZZO_INPUT_accessToken, ARAZZO_INPUT_count" in hint


def test_explain_missing_inputs_gives_the_command_lines_hint() -> None:
    with pytest.raises(InputError) as caught, explain_missing_inputs(FLOW, {"count": 1}):
        raise InputError("invalid inputs", hint="old")
    assert caught.value.message == "invalid inputs"
    assert "ARAZZO_INPUT_accessToken" in (caught.value.hint or "")
    with (
        pytest.raises(InputError) as caught,
        explain_missing_inputs(FLOW, {"count": 1, "accessToken": "t"}),
    ):
        raise InputError("count is wrong", hint="old")
    assert caught.value.hint == "old"
    with (
        pytest.raises(InputError) as caught,
        explain_missing_inputs(FLOW, {"count": 1, "accessToken": "t"}),
    ):
        raise InputError("count is wrong")
    assert (
        caught.value.hint == "pass inputs with --input NAME=VALUE or --inputs FILE (JSON or YAML)"
    )
