"""Tests share helpers only through tests/_support: no test module imports another one.

Importing from a test module couples two files that change for different
reasons, and every test or fixture imported by name is collected again where
it is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests._support.paths import ROOT

TESTS = ROOT / "tests"
SUPPORT = "tests._support"


def imported_names(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import in ``source``, a module of ``package``.

    ``from a import b`` yields ``a.b``: b may be a module as well as a name in a.
    Only the import statements are parsed: parsing every test module whole
    takes most of a second.
    """
    found: list[tuple[int, str]] = []
    for line, statement in _import_statements(source):
        for node in statement.body:
            if isinstance(node, ast.Import):
                found += [(line, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, package)
                found += [(line, f"{base}.{alias.name}") for alias in node.names]
    return found


def _import_statements(source: str) -> Iterator[tuple[int, ast.Module]]:
    """(line, parsed statement) of each import, its parenthesised rest included."""
    lines = source.splitlines()
    for number, text in enumerate(lines, start=1):
        statement = text.strip()
        if not statement.startswith(("import ", "from ")):
            continue
        following = iter(lines[number:])
        while statement.count("(") > statement.count(")"):
            statement += " " + next(following, ")").strip()
        try:
            yield number, ast.parse(statement)
        except SyntaxError:
            continue  # prose in a docstring that happens to start with "from "


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if node.level == 0:
        return node.module or ""
    parts = package.split(".")
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _package_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).parent.parts)


def _allowed(name: str) -> bool:
    """Outside the tests, anything; inside, only the support package."""
    return name.split(".")[0] != "tests" or name == SUPPORT or name.startswith(SUPPORT + ".")


def test_test_modules_import_helpers_only_from_the_support_package() -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, name in imported_names(path.read_text(encoding="utf-8"), _package_of(path))
        if not _allowed(name)
    ]
    assert not offences, "move shared helpers to tests/_support:\n" + "\n".join(offences)


def test_the_scan_resolves_relative_and_absolute_imports() -> None:
    source = (
        "import tests.unit.test_y\n"
        "def f():\n"
        "    from ..e2e.test_x import helper\n"
        '"""from the corpus, said a docstring"""\n'
        "from tests._support.cli import (\n"
        "    run_cli,\n"
        ")\n"
        "from .paths import ROOT\n"
        "from . import strategies\n"
    )
    names = [name for _, name in imported_names(source, "tests.faults")]
    assert names == [
        "tests.unit.test_y",
        "tests.e2e.test_x.helper",
        "tests._support.cli.run_cli",
        "tests.faults.paths.ROOT",
        "tests.faults.strategies",
    ]
    assert [_allowed(name) for name in names] == [False, False, True, False, False]
