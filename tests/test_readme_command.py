"""The README's test command is the one .ci/run runs, and the test extra can run it."""

from __future__ import annotations

import re
import tomllib

from tests._support.paths import ROOT

COMMAND = re.compile(r"^python3 -m venv \.venv && .* -m pytest\b.*$", re.MULTILINE)


def readme_test_command() -> str:
    (command,) = COMMAND.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    return str(command)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    assert readme_test_command() in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_test_extra_installs_what_the_command_needs() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = " ".join(pyproject["project"]["optional-dependencies"]["test"])
    assert "pytest" in extra
    if " -n " in readme_test_command():
        assert "pytest-xdist" in extra
