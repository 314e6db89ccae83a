"""The package type-checks under ``mypy --strict`` (it ships ``py.typed``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests._support.paths import ROOT

pytestmark = pytest.mark.slow


def test_mypy_strict_is_clean() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[test]')")
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "arazzo_runner"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_package_ships_its_type_information() -> None:
    assert (ROOT / "arazzo_runner" / "py.typed").is_file()
