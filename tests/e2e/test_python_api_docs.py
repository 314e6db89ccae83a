"""Every Python example in docs/python-api.md runs, as written, against the local stand-in.

Each code block is a complete program: it is saved to a file and run in a
fresh interpreter, with the documented stand-in address replaced by the
address of a stand-in started for the test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests._support.paths import ROOT

DOC = ROOT / "docs" / "python-api.md"
DOCUMENTED_SERVER = "http://127.0.0.1:8080/api"
CODE_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def code_blocks() -> list[str]:
    return CODE_BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_document_has_examples_for_each_topic() -> None:
    text = "\n".join(code_blocks())
    for needle in ("arazzo_runner.load(", ".run(", ".arun(", "AsyncClient", "RunListener", "Error"):
        assert needle in text


@pytest.mark.parametrize("number", range(len(code_blocks())))
def test_example_runs(number: int, sessions_server: Any, tmp_path: Path) -> None:
    code = code_blocks()[number].replace(DOCUMENTED_SERVER, sessions_server.base_url)
    script = tmp_path / f"example_{number}.py"
    script.write_text(code, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr


def test_importing_the_package_imports_nothing_else() -> None:
    code = (
        "import sys, arazzo_runner; "
        "print(sorted(m for m in sys.modules if m.startswith('arazzo_runner')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert completed.stdout.strip() == "['arazzo_runner', 'arazzo_runner._version']"


def test_the_public_names_resolve() -> None:
    import arazzo_runner

    for name in arazzo_runner.__all__:
        assert getattr(arazzo_runner, name) is not None
    with pytest.raises(AttributeError):
        arazzo_runner.no_such_name  # noqa: B018
