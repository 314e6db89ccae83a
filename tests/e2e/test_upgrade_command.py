"""``arazzo upgrade`` on real files: the repository's workflow and the shared corpus."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from arazzo_runner.document import parse_document
from tests._support.cli import assert_clean_failure, run_cli
from tests._support.paths import CORPUS, WORKFLOW, corpus_arazzo_documents, corpus_path

SCHEMA_1_1 = "oai/schema-1.1/schema-2026-04-15.json"

# A few 1.0 documents of different origins and formats, each upgraded through the CLI.
CORPUS_SAMPLES = [
    "redocly-respect/cafe-menu.arazzo.yaml",
    "redocly-respect/replacements/replacements.arazzo.yaml",
    "api-evangelist/okta/arazzo/okta-create-and-activate-group-rule-workflow.yml",
    "jentic-public-apis/workflows/httpbin.org/workflows.arazzo.json",
    "oai/examples/pet-coupons.arazzo.yaml",
]


def _copy(source: Path, directory: Path) -> Path:
    """``source`` and the files beside it (its source descriptions), in ``directory``."""
    for sibling in source.parent.iterdir():
        if sibling.is_file():
            shutil.copy2(sibling, directory / sibling.name)
    return directory / source.name


def _changed_lines(before: str, after: str) -> list[int]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return [number for number, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b]


def _version_line(text: str) -> int:
    return next(
        number
        for number, line in enumerate(text.splitlines(), 1)
        if line.lstrip().lstrip('"').startswith("arazzo")
    )


def _schema_errors(text: str) -> list[str]:
    """What the published 1.1 JSON Schema finds in ``text``, as ``path: message``.

    The schema accepts only strings and Selector Objects as replacement values, and
    no object as a parameter value, where the 1.1 text says ``Any`` (the 1.0 schema
    has the same restriction for replacements): such values are the spec's, and are
    not counted (docs/upgrading.md).
    """
    import jsonschema

    schema = json.loads(corpus_path(SCHEMA_1_1).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    data = parse_document(text, uri="upgraded", display_name="upgraded").data
    leaves: list[jsonschema.ValidationError] = []
    pending = list(validator.iter_errors(data))
    while pending:
        error = pending.pop()
        if error.context:
            pending.extend(error.context)
        elif error.validator not in ("oneOf", "anyOf", "unevaluatedProperties", "required"):
            leaves.append(error)
    return sorted(
        {f"{e.json_path}: {e.message}" for e in leaves if not _literal_the_spec_allows(e)}
    )


def _literal_the_spec_allows(error: Any) -> bool:
    path = list(error.absolute_path)
    inside = [str(p) for p in path[-3:]]
    is_value = len(inside) == 3 and inside[0] in ("replacements", "parameters")
    return is_value and inside[2] == "value" and not isinstance(error.instance, str)


def test_the_repository_workflow_upgrades_by_one_line(tmp_path: Path) -> None:
    path = _copy(WORKFLOW, tmp_path)
    before = path.read_text(encoding="utf-8")
    result = run_cli("upgrade", str(path))
    assert result.exit_code == 0, result.stderr
    assert _changed_lines(before, result.stdout) == [_version_line(before)]
    assert "arazzo: 1.1.0" in result.stdout
    assert path.read_text(encoding="utf-8") == before  # printing writes nothing
    if (CORPUS / SCHEMA_1_1).exists():
        assert _schema_errors(result.stdout) == []


def test_write_rewrites_the_file_and_a_second_upgrade_has_nothing_to_do(tmp_path: Path) -> None:
    path = _copy(WORKFLOW, tmp_path)
    before = path.read_bytes()
    written = run_cli("upgrade", str(path), "--write")
    assert written.exit_code == 0, written.stderr
    assert written.stdout == f"{path}: upgraded from Arazzo 1.0.1 to 1.1.0\n"
    after = path.read_bytes()
    assert after == before.replace(b"arazzo: 1.0.1", b"arazzo: 1.1.0", 1)

    again = run_cli("upgrade", str(path), "--write")
    assert again.exit_code == 0
    assert again.stderr == f"{path}: already Arazzo 1.1.0; nothing to upgrade\n"
    assert again.stdout == ""
    assert path.read_bytes() == after
    printed = run_cli("upgrade", str(path))
    assert (printed.exit_code, printed.stdout) == (0, after.decode())


@pytest.mark.parametrize("relative", CORPUS_SAMPLES)
def test_corpus_documents_upgrade_through_the_cli(tmp_path: Path, relative: str) -> None:
    path = _copy(corpus_path(relative), tmp_path)
    before = path.read_text(encoding="utf-8")
    result = run_cli("upgrade", str(path), "--write")
    assert result.exit_code == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    assert _changed_lines(before, after) == [_version_line(before)]
    if (CORPUS / SCHEMA_1_1).exists():
        assert _schema_errors(after) == []


@pytest.mark.slow
def test_every_corpus_document_is_upgraded_or_refused_with_located_reasons() -> None:
    documents = corpus_arazzo_documents()
    if not documents:
        pytest.skip("the shared corpus is not available")
    upgraded = 0
    for path in documents:
        text = path.read_text(encoding="utf-8-sig")
        data = yaml.safe_load(text)
        if not isinstance(data, dict) or not str(data.get("arazzo", "")).startswith("1.0"):
            continue
        result = run_cli("upgrade", str(path))
        if result.exit_code == 0:
            upgraded += 1
            assert _changed_lines(text, result.stdout) == [_version_line(text)], path
            if (CORPUS / SCHEMA_1_1).exists():
                assert _schema_errors(result.stdout) == [], path
        else:
            assert_clean_failure(result, 1, "was not upgraded")
            assert result.stdout == ""
            problems = [line for line in result.stderr.splitlines() if ": error" in line]
            assert problems, (path, result.stderr)
            assert all(LOCATED.match(line) for line in problems), result.stderr
    assert upgraded > 10


LOCATED = re.compile(r"^\S+\.(ya?ml|json):\d+:\d+: error: ")

FORWARD = """\
arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions: [{name: api, url: api.yaml, type: openapi}]
workflows:
  - workflowId: poll
    steps:
      - stepId: check
        operationId: getItem
        parameters: [{name: id, in: path, value: $steps.wait.outputs.next}]
      - stepId: wait
        operationId: getItem
        parameters: [{name: id, in: path, value: x}]
        outputs: {next: $response.body#/next}
        onSuccess: [{name: again, type: goto, stepId: check}]
"""

OPENAPI = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
"""


def _forward_document(directory: Path) -> Path:
    (directory / "api.yaml").write_text(OPENAPI)
    path = directory / "flow.arazzo.yaml"
    path.write_text(FORWARD)
    return path


def test_a_refusal_is_located_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    path = _forward_document(tmp_path)
    result = run_cli("upgrade", path.name, "--write", cwd=tmp_path)
    assert_clean_failure(
        result,
        1,
        "flow.arazzo.yaml:9:50: error: step 'check' uses $steps.wait.outputs.next",
        "hint: if 'wait' is meant to run first, move it before 'check'",
        "1 error; flow.arazzo.yaml was not upgraded",
    )
    assert result.stdout == ""
    assert path.read_text() == FORWARD


def test_a_failed_write_is_an_error_and_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _copy(WORKFLOW, tmp_path)
    before = path.read_bytes()

    def full_disk(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    result = run_cli("upgrade", str(path), "--write")
    assert_clean_failure(result, 2, "cannot write the upgraded document: No space left on device")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("https://example.com/flow.arazzo.yaml", "rewrites a local file, not a URL"),
        ("missing.arazzo.yaml", "cannot read missing.arazzo.yaml"),
    ],
)
def test_what_cannot_be_upgraded_at_all_exits_2(
    tmp_path: Path, argument: str, message: str
) -> None:
    result = run_cli("upgrade", argument, cwd=tmp_path)
    assert_clean_failure(result, 2, message)
    assert result.stdout == ""


def test_upgrade_has_help_with_its_exit_codes() -> None:
    result = run_cli("upgrade", "--help")
    assert result.exit_code == 0
    assert "--write" in result.stdout
    assert "1 refused" in " ".join(result.stdout.split())
