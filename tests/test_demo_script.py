"""``bash examples/demo.sh`` installs the package once, not on every run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._support.paths import ROOT, STAND_IN

# Stands in for the virtual environment's Python: pip calls are logged, not made;
# everything else (the local stand-in server) runs in the real interpreter.
FAKE_PYTHON = f"""#!/usr/bin/env bash
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "pip $*" >>"$DEMO_LOG"; exit 0; fi
exec {sys.executable} "$@"
"""
FAKE_ARAZZO = """#!/usr/bin/env bash
echo "arazzo $1" >>"$DEMO_LOG"
"""


def _checkout(tmp_path: Path) -> Path:
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "examples" / "demo.sh", tmp_path / "examples")
    shutil.copy(STAND_IN, tmp_path / "examples")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def _fake_venv(checkout: Path) -> None:
    scripts = checkout / ".venv" / "bin"
    scripts.mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON), ("arazzo", FAKE_ARAZZO)):
        (scripts / name).write_text(text)
        (scripts / name).chmod(0o755)


def _demo(checkout: Path) -> list[str]:
    log = checkout / "demo.log"
    log.unlink(missing_ok=True)
    completed = subprocess.run(
        ["bash", "examples/demo.sh"],
        cwd=checkout,
        env={**os.environ, "DEMO_LOG": str(log)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return log.read_text().splitlines()


@pytest.mark.subprocess
def test_the_demo_installs_only_when_the_dependencies_changed(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not available")
    checkout = _checkout(tmp_path)
    _fake_venv(checkout)
    # Installed after pyproject.toml was last changed: nothing to install.
    os.utime(checkout / "pyproject.toml", (time.time() - 60, time.time() - 60))
    assert _demo(checkout) == ["arazzo run"]
    assert _demo(checkout) == ["arazzo run"]
    # The dependencies changed after the install: install once, then not again.
    arazzo = checkout / ".venv" / "bin" / "arazzo"
    os.utime(arazzo, (time.time() - 120, time.time() - 120))
    first = _demo(checkout)
    assert first[0].startswith("pip -m pip install") and first[1:] == ["arazzo run"]
    assert _demo(checkout) == ["arazzo run"]
