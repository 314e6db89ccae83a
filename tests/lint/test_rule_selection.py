"""Choosing which rules ``arazzo validate`` reports: options, config file, ignore comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests._support.cli import run_cli
from tests._support.paths import ROOT, WORKFLOW

OPENAPI = """\
openapi: 3.1.0
info: {title: Pay, version: "1"}
paths:
  /charges:
    post:
      operationId: charge
      responses: {"201": {description: created}}
"""
# Line 12 has a bare expression (a warning), line 7 a workflowId outside the naming SHOULD.
DOCUMENT = """\
arazzo: 1.0.1
info: {title: pay, version: "1"}
sourceDescriptions:
  - {name: api, url: api.yaml, type: openapi}
workflows:
  - workflowId: pay.now
    inputs: {type: object, properties: {token: {type: string}}}
    steps:
      - stepId: charge
        operationId: charge
        parameters:
          - {name: Authorization, in: header, value: "Bearer $inputs.token"}
"""


def _project(directory: Path, document: str = DOCUMENT) -> Path:
    (directory / "api.yaml").write_text(OPENAPI)
    path = directory / "pay.arazzo.yaml"
    path.write_text(document)
    return path


def _rules(directory: Path, *args: str) -> list[str]:
    result = run_cli("validate", "--format", "json", *args, cwd=directory)
    assert result.exit_code in (0, 1), result.stderr
    return [d["rule"] for f in result.json()["files"] for d in f["diagnostics"]]


def test_without_selection_both_warnings_are_reported(tmp_path: Path) -> None:
    _project(tmp_path)
    assert sorted(_rules(tmp_path, "pay.arazzo.yaml")) == ["bare-expression", "naming-convention"]


def test_ignore_and_select_take_rule_ids_and_groups(tmp_path: Path) -> None:
    _project(tmp_path)
    assert _rules(tmp_path, "--ignore", "bare-expression", "pay.arazzo.yaml") == [
        "naming-convention"
    ]
    assert _rules(tmp_path, "--ignore", "style,expressions", "pay.arazzo.yaml") == []
    assert _rules(tmp_path, "--select", "bare-expression", "pay.arazzo.yaml") == ["bare-expression"]
    strict = run_cli(
        "validate",
        "--strict",
        "--ignore",
        "style",
        "--ignore",
        "expressions",
        "pay.arazzo.yaml",
        cwd=tmp_path,
    )
    assert strict.exit_code == 0
    assert strict.stdout.strip().endswith("0 errors, 0 warnings in 1 file (2 suppressed)")


def test_an_unknown_rule_is_a_usage_error_with_did_you_mean(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_cli("validate", "--ignore", "bare-expresion", "pay.arazzo.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown rule 'bare-expresion'" in result.stderr
    assert "did you mean 'bare-expression'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_ignore_comment_suppresses_the_rule_on_its_line(tmp_path: Path) -> None:
    lines = DOCUMENT.splitlines()
    lines[11] += "  # arazzo: ignore[bare-expression]"
    lines[5] += "  # arazzo: ignore[unknown-step]"  # another rule: not suppressed
    _project(tmp_path, "\n".join(lines) + "\n")
    result = run_cli("validate", "--format", "json", "pay.arazzo.yaml", cwd=tmp_path)
    assert [d["rule"] for d in result.json()["files"][0]["diagnostics"]] == ["naming-convention"]
    assert result.json()["summary"]["suppressed"] == 1


def test_a_bare_ignore_comment_suppresses_every_rule_and_a_typo_is_noted(tmp_path: Path) -> None:
    lines = DOCUMENT.splitlines()
    lines[11] += "  # arazzo: ignore"
    lines[5] += "  # arazzo: ignore[naming-convension]"
    _project(tmp_path, "\n".join(lines) + "\n")
    result = run_cli("validate", "pay.arazzo.yaml", cwd=tmp_path)
    assert "bare-expression" not in result.stdout
    assert "naming-convention" in result.stdout
    assert "pay.arazzo.yaml:6: unknown rule 'naming-convension'" in result.stderr
    assert "did you mean 'naming-convention'?" in result.stderr


@pytest.mark.parametrize(
    ("file_name", "text"),
    [
        (
            "arazzo.toml",
            '[validate]\nstrict = true\nignore = ["style"]\n'
            '[validate.per-file-ignores]\n"vendor/*" = ["bare-expression"]\n',
        ),
        (
            "pyproject.toml",
            '[tool.arazzo.validate]\nstrict = true\nignore = ["style"]\n'
            '[tool.arazzo.validate.per-file-ignores]\n"vendor/*" = ["bare-expression"]\n',
        ),
    ],
)
def test_the_config_file_sets_ignores_per_file_and_strict(
    tmp_path: Path, file_name: str, text: str
) -> None:
    (tmp_path / file_name).write_text(text)
    ours = tmp_path / "ours"
    vendor = tmp_path / "vendor"
    ours.mkdir()
    vendor.mkdir()
    _project(ours)
    _project(vendor)
    # Run from a subdirectory: the file is found upwards, its globs are relative to it.
    theirs = run_cli("validate", "pay.arazzo.yaml", cwd=vendor)
    assert theirs.exit_code == 0, theirs.stdout
    mine = run_cli("validate", "pay.arazzo.yaml", cwd=ours)
    assert mine.exit_code == 1  # strict from the file: the bare expression fails
    assert "bare-expression" in mine.stdout and "naming-convention" not in mine.stdout
    # --select replaces the file's select; the file's ignores still apply.
    selected = run_cli("validate", "--select", "style,expressions", "ours", cwd=tmp_path)
    assert selected.exit_code == 1
    assert "bare-expression" in selected.stdout and "naming-convention" not in selected.stdout


def test_a_misspelt_setting_in_the_validate_table_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "arazzo.toml").write_text('[validate]\nignores = ["style"]\n')
    _project(tmp_path)
    result = run_cli("validate", "pay.arazzo.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown setting 'validate.ignores'" in result.stderr
    assert "did you mean 'ignore'?" in result.stderr
    (tmp_path / "arazzo.toml").write_text('[validate]\nignore = ["stlye"]\n')
    assert "did you mean 'style'?" in run_cli("validate", "pay.arazzo.yaml", cwd=tmp_path).stderr


def test_run_accepts_a_config_file_with_a_validate_table(tmp_path: Path) -> None:
    (tmp_path / "arazzo.toml").write_text('timeout = 5\n[validate]\nignore = ["style"]\n')
    _project(tmp_path)
    result = run_cli("run", "--dry-run", "pay.arazzo.yaml", cwd=tmp_path)
    assert "unknown setting" not in result.stderr


def test_the_readme_workflow_passes_strict_but_for_its_published_style() -> None:
    """The workflow is the published IBM document byte for byte; only style advice remains."""
    path = str(WORKFLOW.relative_to(ROOT))
    strict = run_cli("validate", "--strict", "--output", "json", path)
    assert strict.exit_code == 1
    rules = {d["rule"] for f in json.loads(strict.stdout)["files"] for d in f["diagnostics"]}
    assert rules == {"bare-expression"}
    result = run_cli("validate", "--strict", "--ignore", "bare-expression", path)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip().startswith("0 errors, 0 warnings in 1 file")
