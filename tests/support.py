"""Helpers shared by the tests: the local sessions stand-in, the CLI runner, corpus paths."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "workflows" / "ibm-quantum-pause-session-and-confirm-workflow.yml"
CORPUS = ROOT.parent / "shared" / "corpus"
STAND_IN = ROOT / "examples" / "ibm_quantum_sessions_server.py"


def load_stand_in() -> ModuleType:
    """Import examples/ibm_quantum_sessions_server.py (examples/ is not a package)."""
    name = "ibm_quantum_sessions_server"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, STAND_IN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def corpus_path(relative: str) -> Path:
    """A file of the shared corpus, or skip the test when the corpus is absent."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus file not available: {relative}")
    return path


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> CliResult:
    """Run the real ``arazzo`` command in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    completed = subprocess.run(
        [sys.executable, "-m", "arazzo_runner", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd or ROOT,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)
