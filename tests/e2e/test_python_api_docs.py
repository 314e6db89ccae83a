"""Every Python example in docs/python-api.md runs, as written, against the local stand-in.

Each code block is a complete program: it is saved to a file and run as
``__main__`` from the repository root, with the documented stand-in address
replaced by the address of a stand-in started for the test. That the package
imports nothing else is checked in a fresh interpreter.
"""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import run_python
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
def test_example_runs(
    number: int, sessions_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = code_blocks()[number].replace(DOCUMENTED_SERVER, sessions_server.base_url)
    script = tmp_path / f"example_{number}.py"
    script.write_text(code, encoding="utf-8")
    monkeypatch.chdir(ROOT)  # the examples name the workflow by its relative path
    runpy.run_path(str(script), run_name="__main__")  # an exception fails the test


@pytest.mark.subprocess
def test_importing_the_package_imports_nothing_else() -> None:
    code = (
        "import sys, arazzo_runner; "
        "print(sorted(m for m in sys.modules if m.startswith('arazzo_runner')))"
    )
    completed = run_python(code, timeout=60)
    assert completed.stdout.strip() == "['arazzo_runner', 'arazzo_runner._version']"


def test_the_public_names_resolve() -> None:
    import arazzo_runner

    for name in arazzo_runner.__all__:
        assert getattr(arazzo_runner, name) is not None
    with pytest.raises(AttributeError):
        arazzo_runner.no_such_name  # noqa: B018


def test_the_export_lists_agree() -> None:
    """``__all__``, the lazy look-up table and the names typed for static tools are one list."""
    import ast

    import arazzo_runner

    tree = ast.parse(Path(arazzo_runner.__file__).read_text(encoding="utf-8"))
    typed = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for statement in node.body
        if isinstance(statement, ast.ImportFrom)
        for alias in statement.names
    }
    exported = set(arazzo_runner._EXPORTS)
    assert set(arazzo_runner.__all__) == exported | {"__version__"}
    assert typed == exported


PUBLIC_SUBPACKAGES = ("from arazzo_runner.temporal import",)
"""Public, but not re-exported by ``arazzo_runner``: importing it imports an optional SDK."""


def test_the_documented_imports_come_from_the_package() -> None:
    """The docs import public names from ``arazzo_runner`` only, never from its modules."""
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    internal = [
        f"{doc.name}: {line.strip()}"
        for doc in docs
        for line in doc.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("from arazzo_runner.", "import arazzo_runner."))
        and not line.lstrip().startswith(PUBLIC_SUBPACKAGES)
    ]
    assert internal == []
