"""The name users install us by, and the ways in (pre-commit hook) that rely on it."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import yaml

from tests._support.paths import ROOT

DISTRIBUTION = "arazzo-engine"
# `pip install NAME` with any options before the name, as documentation writes it.
PIP_INSTALL = re.compile(r"pip install((?:\s+-{1,2}[\w-]+)*)\s+([A-Za-z0-9_.\[\]'\"-]+)")


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _documents() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found += sorted((ROOT / "examples").rglob("*.yml")) + sorted((ROOT / "examples").glob("*.sh"))
    action = ROOT / "action.yml"
    return [*found, action] if action.is_file() else found


def test_the_distribution_is_not_the_other_projects_name() -> None:
    assert _pyproject()["project"]["name"] == DISTRIBUTION


def test_every_install_line_in_the_docs_installs_this_project() -> None:
    checked = 0
    for path in _documents():
        for match in PIP_INSTALL.finditer(path.read_text(encoding="utf-8")):
            name = match.group(2).strip("'\"")
            if name.startswith((".", "-e")) or name in {"pre-commit", "pytest"}:
                continue  # an editable install of the checkout, or a tool
            checked += 1
            assert name.split("[")[0].split("=")[0] == DISTRIBUTION, f"{path.name}: {match[0]}"
    assert checked >= 3


def test_the_readme_says_how_to_tell_the_two_projects_apart() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"pip install {DISTRIBUTION}" in readme
    assert f"pip show {DISTRIBUTION}" in readme
    assert "Jentic" in readme


def test_the_pre_commit_hook_runs_an_installed_command() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    scripts = _pyproject()["project"]["scripts"]
    for hook in hooks:
        program, command, *_ = shlex.split(hook["entry"])
        assert program in scripts
        assert command == "validate"
        assert hook["language"] == "python"


def test_the_pre_commit_hook_checks_the_files_it_is_given(tmp_path: Path) -> None:
    from tests._support.cli import run_cli
    from tests._support.lint import CLEAN, write_project

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    path = write_project(tmp_path, CLEAN)
    assert re.search(hook["files"], path.name)
    # pre-commit appends the staged file names to the entry's words.
    result = run_cli(*shlex.split(hook["entry"])[1:], str(path))
    assert result.exit_code == 0, result.stdout
    broken = write_project(tmp_path, CLEAN.replace("$inputs.petId", "$inputs.pet"))
    assert run_cli(*shlex.split(hook["entry"])[1:], str(broken)).exit_code == 1
