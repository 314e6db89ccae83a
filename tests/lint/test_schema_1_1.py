"""The shipped Arazzo 1.1 JSON Schema: the OAI's 62 schema tests give their verdicts, its
failures read as well as 1.0's, and it differs from the published schema only where
docs/validate.md says (E1-E3, D8 for 1.1)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from arazzo_runner.document.reading import load_document
from arazzo_runner.validation.schema import arazzo_schema, check_schema
from tests._support.paths import CORPUS, needs_corpus

SCHEMA_TESTS = CORPUS / "oai" / "schema-tests-1.1"
PUBLIC_SCHEMA = CORPUS / "oai" / "schema-1.1" / "schema-2026-04-15.json"


def _documents(kind: str) -> list[Path]:
    folder = SCHEMA_TESTS / kind
    return sorted(folder.glob("*.yaml")) if folder.exists() else []


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(arazzo_schema("1.1"))


def test_the_1_1_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(arazzo_schema("1.1"))


@needs_corpus
def test_all_62_schema_tests_are_present() -> None:
    assert len(_documents("pass")) + len(_documents("fail")) == 62


@needs_corpus
@pytest.mark.parametrize("path", _documents("pass"), ids=lambda p: p.name)
def test_oai_1_1_pass_documents_are_accepted(path: Path) -> None:
    data = load_document(str(path)).data
    assert list(_validator().iter_errors(data)) == []
    assert check_schema(data) == []


@needs_corpus
@pytest.mark.parametrize("path", _documents("fail"), ids=lambda p: p.name)
def test_oai_1_1_fail_documents_are_rejected(path: Path) -> None:
    data = load_document(str(path)).data
    assert not _validator().is_valid(data)
    problems = check_schema(data)
    assert problems, "the rejection must come with a readable problem"
    # The wrong branches of the step's oneOf are not reported: no field the
    # step's own kind defines is called unknown.
    for problem in problems:
        assert not problem.message.startswith("unknown field 'stepId'"), problem


# --------------------------------------------------------------------------- phrasing

BASE: dict[str, Any] = {
    "arazzo": "1.1.0",
    "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "api.yaml"}],
}


def _with_step(**step: Any) -> dict[str, Any]:
    return {**BASE, "workflows": [{"workflowId": "w", "steps": [{"stepId": "s", **step}]}]}


def _messages(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p.rule, p.pointer, p.message) for p in check_schema(document)]


def test_an_openapi_step_with_one_wrong_field_reports_only_that_field() -> None:
    assert _messages(_with_step(operationId="op", bogus=1)) == [
        ("unknown-field", "/workflows/0/steps/0/bogus", "unknown field 'bogus' in step")
    ]


def test_a_step_kind_is_chosen_by_its_discriminating_fields() -> None:
    # channelPath makes an AsyncAPI step, which needs an action.
    assert _messages(_with_step(channelPath="{$sourceDescriptions.api.url}#/channels/a")) == [
        (
            "required-field",
            "/workflows/0/steps/0",
            "step 's' is an AsyncAPI step and is missing the required field 'action' "
            "(send or receive)",
        )
    ]
    # workflowId makes a workflow step, which takes no action.
    (problem,) = check_schema(_with_step(workflowId="w", action="send"))
    assert (problem.rule, problem.pointer) == ("unknown-field", "/workflows/0/steps/0/action")
    assert problem.message == "unknown field 'action' in step"
    assert problem.hint == "a step that calls a workflow has no 'action': only AsyncAPI steps do"


def test_two_targets_are_one_conflict() -> None:
    assert _messages(_with_step(operationId="op", channelPath="c", action="send")) == [
        (
            "conflicting-step-target",
            "/workflows/0/steps/0/channelPath",
            "step 's' has both operationId and channelPath",
        )
    ]


def test_a_step_without_a_target_lists_the_1_1_targets() -> None:
    (problem,) = check_schema(_with_step(description="nothing"))
    assert problem.rule == "missing-step-target"
    assert problem.hint is not None and "channelPath" in problem.hint


def test_an_asyncapi_step_written_with_operation_path_says_what_to_write() -> None:
    # The spec's own example (Arazzo Specification Object Example) does this.
    (problem,) = check_schema(
        _with_step(operationPath="$sourceDescriptions.api.placeOrder", action="send")
    )
    assert problem.rule == "asyncapi-operation-path"
    assert problem.pointer == "/workflows/0/steps/0/operationPath"
    assert problem.hint == "write operationId: $sourceDescriptions.api.placeOrder"


def test_a_parameter_without_in_is_worded_as_in_1_0() -> None:
    ((rule, pointer, message),) = _messages(
        _with_step(operationId="op", parameters=[{"name": "limit", "value": 1}])
    )
    assert (rule, pointer, message) == (
        "required-field",
        "/workflows/0/steps/0/parameters/0",
        "parameter is missing the required field 'in'",
    )


def test_a_broken_selector_object_is_described_as_one() -> None:
    messages = _messages(
        _with_step(operationId="op", outputs={"id": {"expression": "$response.body"}})
    )
    assert ("required-field", "/workflows/0/steps/0/outputs/id") in {m[:2] for m in messages}
    assert not any("must be a string" in m[2] for m in messages)


# --------------------------------------------------------------------------- differences

# Documents the spec allows and the published 1.1 schema rejects (docs/validate.md).
SPEC_ALLOWS = {
    "E1 object literal as a parameter value": _with_step(
        operationId="op", parameters=[{"name": "f", "in": "query", "value": {"a": 1}}]
    ),
    "E1 an object with two of the Selector Object's fields is a literal": _with_step(
        operationId="op",
        parameters=[{"name": "f", "in": "query", "value": {"context": "c", "selector": "s"}}],
    ),
    "E2 replacement value that is not a string": _with_step(
        operationId="op",
        requestBody={"payload": {}, "replacements": [{"target": "/n", "value": 3}]},
    ),
}
# Documents the spec forbids and the published 1.1 schema accepts.
SPEC_FORBIDS = {
    "D8 output name outside ^[a-zA-Z0-9.-_]+$": _with_step(
        operationId="op", outputs={"a b": "$statusCode"}
    ),
    "E1 an object shaped like a Selector Object that is not a valid one": _with_step(
        operationId="op",
        parameters=[
            {
                "name": "f",
                "in": "query",
                "value": {"context": "$response.body", "selector": "$.a", "type": "jmespath"},
            }
        ],
    ),
}


@cache
def _public() -> Draft202012Validator:
    if not PUBLIC_SCHEMA.exists():
        pytest.skip("the published 1.1 schema is not available")
    return Draft202012Validator(json.loads(PUBLIC_SCHEMA.read_text()))


@pytest.mark.parametrize("name", SPEC_ALLOWS)
def test_1_1_difference_accepts_what_the_spec_allows(name: str) -> None:
    assert _validator().is_valid(SPEC_ALLOWS[name])
    assert not _public().is_valid(SPEC_ALLOWS[name])


@pytest.mark.parametrize("name", SPEC_FORBIDS)
def test_1_1_difference_rejects_what_the_spec_forbids(name: str) -> None:
    assert not _validator().is_valid(SPEC_FORBIDS[name])
    assert _public().is_valid(SPEC_FORBIDS[name]) == name.startswith("D8")


@needs_corpus
def test_the_shipped_1_1_schema_is_the_published_one_but_for_the_differences() -> None:
    ours = arazzo_schema("1.1")
    theirs = json.loads(PUBLIC_SCHEMA.read_text())
    changed = {
        name
        for name in set(ours["$defs"]) | set(theirs["$defs"])
        if ours["$defs"].get(name) != theirs["$defs"].get(name)
    }
    assert changed == {
        "parameter-object",  # E1
        "payload-replacement-object",  # E2
        "step-object-base",  # D8
        "workflow-object",  # D8
    }
    assert {k: v for k, v in ours.items() if k != "$defs"} == {
        k: v for k, v in theirs.items() if k != "$defs"
    }
