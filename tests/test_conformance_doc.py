"""docs/conformance.md names only tests that exist, and every row names at least one."""

from __future__ import annotations

import re

from tests._support.paths import ROOT

DOC = ROOT / "docs" / "conformance.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def table_rows() -> list[str]:
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| ")]
    return [row for row in rows if not row.startswith("| Feature")]


def test_every_row_names_a_test() -> None:
    rows = table_rows()
    assert len(rows) > 50
    empty = [row for row in rows if not REFERENCE.search(row)]
    assert empty == []


def test_every_named_test_exists() -> None:
    missing = []
    for path, name in REFERENCE.findall(DOC.read_text()):
        source = ROOT / path
        pattern = re.compile(rf"^(async )?def {name}\(", re.MULTILINE)
        if not source.exists() or not pattern.search(source.read_text()):
            missing.append(f"{path}::{name}")
    assert missing == []
