"""The reusable GitHub Action (``action.yml``) agrees with the CLI it drives."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from arazzo_runner.cli.commands import COMMANDS
from arazzo_runner.validation.output import FORMATS
from tests._support.cli import process_environment
from tests._support.lint import CLEAN, write_project
from tests._support.paths import ROOT

ACTION = ROOT / "action.yml"
INPUT_REFERENCE = re.compile(r"\$\{\{[^}]*?\binputs\.([\w-]+)")


def _action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def _step(name_part: str) -> dict[str, Any]:
    (step,) = [s for s in _action()["runs"]["steps"] if name_part in s.get("name", "")]
    return step


def test_it_is_a_composite_action_whose_every_input_is_declared_and_used() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    declared = set(action["inputs"])
    used = set(INPUT_REFERENCE.findall(ACTION.read_text(encoding="utf-8")))
    assert used == declared
    for step in action["runs"]["steps"]:
        assert "uses" in step or step["shell"] == "bash"


def test_inputs_reach_scripts_only_through_the_environment() -> None:
    # A value pasted into a script would be run as shell code.
    for step in _action()["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_it_installs_this_project_and_uses_real_commands_and_formats() -> None:
    assert '"arazzo-engine' in _step("Install")["run"]
    script = _step("arazzo ${{")["run"]
    for command in re.findall(r"^\s*arazzo (\w+)", script, re.MULTILINE):
        assert command in COMMANDS
    for fmt in re.findall(r"--format (\w+)", script):
        assert fmt in FORMATS
    assert set(re.findall(r"^\s*(\w+)\)$", script, re.MULTILINE)) == {"validate", "run"}
    upload = _step("SARIF")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"


def _run_step(
    tmp_path: Path, command: str, args: str
) -> tuple[subprocess.CompletedProcess[str], str]:
    scripts = Path(sys.executable).parent
    if not (scripts / "arazzo").exists():
        pytest.skip("the arazzo console script is not installed next to this Python")
    output = tmp_path / "github-output"
    environment = {
        **process_environment(),
        "PATH": f"{scripts}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "ARAZZO_COMMAND": command,
        "ARAZZO_ARGS": args,
        "ARAZZO_UPLOAD_SARIF": "true",
        "ARAZZO_SARIF_FILE": str(tmp_path / "out.sarif"),
    }
    completed = subprocess.run(
        ["bash", "-e", "-c", _step("arazzo ${{")["run"]],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return completed, output.read_text() if output.exists() else ""


@pytest.mark.subprocess
def test_the_validate_step_annotates_writes_sarif_and_reports_the_exit_code(
    tmp_path: Path,
) -> None:
    write_project(tmp_path, CLEAN.replace("$inputs.petId", "$inputs.pet"))
    completed, output = _run_step(tmp_path, "validate", "**/*.arazzo.yaml")
    assert completed.returncode == 0, completed.stderr  # the step records, a later one fails
    assert "exit-code=1" in output
    assert "::error file=" in completed.stdout
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"]


@pytest.mark.subprocess
def test_an_unknown_command_is_exit_code_2(tmp_path: Path) -> None:
    completed, output = _run_step(tmp_path, "lint", ".")
    assert "exit-code=2" in output
    assert "command must be validate or run" in completed.stdout
