"""The shipped Arazzo 1.0 JSON Schema: valid, passes the OAI schema tests, and differs
from the OAI's published schema only where docs/validate.md says (and the spec justifies)."""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from arazzo_runner.document.reading import load_document
from arazzo_runner.validation.phrasing import _generic
from arazzo_runner.validation.schema import arazzo_schema, check_schema
from tests._support.paths import CORPUS, needs_corpus

SCHEMA_TESTS = CORPUS / "oai" / "schema-tests"
PUBLIC_SCHEMA = CORPUS / "oai" / "schema" / "schema-2024-08-01.yaml"


def _documents(kind: str) -> list[Path]:
    folder = SCHEMA_TESTS / kind
    return sorted(folder.glob("*.yaml")) if folder.exists() else []


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(arazzo_schema())


def _without_metaschema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with workflow inputs taken as any object: both schemas agree on those,
    and following the metaschema makes comparing the whole corpus slow."""
    schema = copy.deepcopy(schema)
    schema["$defs"]["schema"] = {"type": ["object", "boolean"]}
    return schema


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(arazzo_schema())
    assert arazzo_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_is_package_data() -> None:
    from importlib import resources

    text = (
        resources.files("arazzo_runner.validation").joinpath("arazzo-1.0.schema.json").read_text()
    )
    assert '"$defs"' in text


@needs_corpus
@pytest.mark.parametrize("path", _documents("pass"), ids=lambda p: p.name)
def test_oai_pass_documents_are_accepted(path: Path) -> None:
    assert list(_validator().iter_errors(yaml.safe_load(path.read_text()))) == []


@needs_corpus
@pytest.mark.parametrize("path", _documents("fail"), ids=lambda p: p.name)
def test_oai_fail_documents_are_rejected(path: Path) -> None:
    data = load_document(str(path)).data
    assert not _validator().is_valid(data)
    assert check_schema(data), "the rejection must come with a readable problem"


@needs_corpus
def test_the_schema_tests_are_present_or_skipped() -> None:
    assert _documents("pass") and _documents("fail")


# --------------------------------------------------------------------------- differences

BASE: dict[str, Any] = {
    "arazzo": "1.0.1",
    "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "api.yaml"}],
    "workflows": [{"workflowId": "w", "steps": [{"stepId": "s", "operationId": "op"}]}],
}


def _with_step(**fields: Any) -> dict[str, Any]:
    step = {"stepId": "s", "operationId": "op", **fields}
    return {**BASE, "workflows": [{"workflowId": "w", "steps": [step]}]}


RETRY = {"name": "again", "type": "retry", "retryLimit": 2}
# Documents the spec allows and the published schema rejects (docs/validate.md, D1-D5).
SPEC_ALLOWS = {
    "D1 retry without retryAfter": _with_step(onFailure=[{**RETRY, "stepId": "s"}]),
    "D2 retry without a target": _with_step(onFailure=[{**RETRY, "retryAfter": 1}]),
    "D3 criterion expression type object": _with_step(
        successCriteria=[
            {
                "condition": "$.a",
                "context": "$response.body",
                "type": {"type": "jsonpath", "version": "draft-goessner-dispatch-jsonpath-00"},
            }
        ]
    ),
    "D4 source name outside the recommended pattern": {
        **BASE,
        "sourceDescriptions": [{"name": "my api", "url": "api.yaml"}],
    },
    "D5 replacement value that is not a string": _with_step(
        requestBody={"payload": {}, "replacements": [{"target": "/n", "value": 3}]}
    ),
    "D6 reusable object with an extra property": _with_step(
        onSuccess=[{"reference": "$components.successActions.done", "note": "ignored"}]
    ),
    "D7 empty successCriteria": _with_step(successCriteria=[]),
}
# Documents the spec forbids and the published schema accepts (D8-D9).
SPEC_FORBIDS = {
    "D8 output name outside ^[a-zA-Z0-9.-_]+$": _with_step(outputs={"a b": "$statusCode"}),
    "D9 end action with both stepId and workflowId": _with_step(
        onSuccess=[{"name": "x", "type": "end", "stepId": "s", "workflowId": "w"}]
    ),
}


@cache
def _public() -> Draft202012Validator:
    if not PUBLIC_SCHEMA.exists():
        pytest.skip("the published schema is not available")
    return Draft202012Validator(yaml.safe_load(PUBLIC_SCHEMA.read_text()))


@pytest.mark.parametrize("name", SPEC_ALLOWS)
def test_documented_difference_accepts_what_the_spec_allows(name: str) -> None:
    document = SPEC_ALLOWS[name]
    assert _validator().is_valid(document)
    assert not _public().is_valid(document)


@pytest.mark.parametrize("name", SPEC_FORBIDS)
def test_documented_difference_rejects_what_the_spec_forbids(name: str) -> None:
    document = SPEC_FORBIDS[name]
    assert not _validator().is_valid(document)
    assert _public().is_valid(document)


def _explained(error: ValidationError) -> bool:
    """Whether a published-schema rejection is one of the documented differences."""
    instance = error.instance
    path = list(error.absolute_path)
    if isinstance(instance, dict) and instance.get("type") == "retry":
        return True  # D1, D2
    if len(path) >= 2 and path[-3:-1] and path[-3] == "replacements" and path[-1] == "value":
        return True  # D5
    if isinstance(instance, dict) and isinstance(instance.get("type"), dict):
        return True  # D3
    return isinstance(instance, dict) and "name" in instance and "url" in instance  # D4


def _arazzo_corpus() -> list[Path]:
    if not CORPUS.exists():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and "schema" not in path.parts[-2]:
            head = path.read_text(encoding="utf-8", errors="replace")[:3000]
            if re.search(r'^(arazzo\s*:|\s*"arazzo"\s*:)', head, re.MULTILINE):
                found.append(path)
    return found


ARAZZO_CORPUS = _arazzo_corpus()


@cache
def _compared_validators() -> tuple[Draft202012Validator, Draft202012Validator]:
    """The published schema and this one, workflow inputs taken as any object."""
    public = Draft202012Validator(_without_metaschema(_public().schema))
    return public, Draft202012Validator(_without_metaschema(arazzo_schema()))


@cache
def _arazzo_data(path: Path) -> dict[str, Any] | None:
    """The document's data when it loads and is an Arazzo document, else None."""
    try:
        data = load_document(str(path)).data
    except Exception:
        return None
    return data if isinstance(data, dict) and "arazzo" in data else None


@pytest.mark.slow
@needs_corpus
def test_the_schemas_are_compared_on_enough_of_the_corpus() -> None:
    assert sum(_arazzo_data(path) is not None for path in ARAZZO_CORPUS) > 50


@pytest.mark.slow
@needs_corpus
@pytest.mark.parametrize("path", ARAZZO_CORPUS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_on_the_corpus_the_schemas_differ_only_as_documented(path: Path) -> None:
    data = _arazzo_data(path)
    if data is None:
        pytest.skip("not a readable Arazzo document: nothing to compare")
    public, ours_validator = _compared_validators()
    ours = ours_validator.is_valid(data)
    theirs = public.is_valid(data)
    if ours == theirs:
        return
    assert ours, f"{path}: only this schema rejects it"
    unexplained = [e.message for e in public.iter_errors(data) if not _explained(e)]
    assert not unexplained, f"{path}: {unexplained[:3]}"


def test_an_unhandled_schema_failure_still_reads_well() -> None:
    error = ValidationError("something odd", validator="contains", path=["workflows", 0])
    error.schema = {"title": "workflow"}
    (problem,) = _generic(error)
    assert problem.rule == "invalid-structure"
    assert problem.pointer == "/workflows/0"
    assert problem.message == "workflow is not valid here: something odd"
