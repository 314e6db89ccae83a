"""Every Arazzo document of the shared corpus validates without a crash, with the
diagnostics recorded in corpus_expectations.json.

Each document is its own test, so a failure names the file and shows the diff of
its diagnostics. Regenerate the expectations after an intended change with::

    ARAZZO_UPDATE_EXPECTATIONS=1 .venv/bin/python -m pytest tests/lint/test_corpus.py

and review the diff: every new entry must be a real defect of that document.
Nothing is fetched: remote source descriptions are left unchecked (offline).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from arazzo_runner.diagnostics import Diagnostics
from arazzo_runner.document import DocumentLimits, LoadOptions, load_document
from arazzo_runner.errors import DocumentError
from arazzo_runner.validation import validate_document
from tests._support.paths import CORPUS, needs_corpus

EXPECTATIONS = Path(__file__).with_name("corpus_expectations.json")
UPDATE = os.environ.get("ARAZZO_UPDATE_EXPECTATIONS") == "1"
REGENERATE = "ARAZZO_UPDATE_EXPECTATIONS=1 .venv/bin/python -m pytest tests/lint/test_corpus.py"
_TOP_LEVEL_ARAZZO = re.compile(r'^(arazzo\s*:|\{?\s*"arazzo"\s*:)', re.MULTILINE)

pytestmark = needs_corpus


def corpus_documents() -> list[Path]:
    """Files whose top level has an ``arazzo`` field."""
    if not CORPUS.is_dir():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        if _TOP_LEVEL_ARAZZO.search(head) and _is_arazzo(path):
            found.append(path)
    return found


def _is_arazzo(path: Path) -> bool:
    try:
        data = load_document(str(path), options=offline_options()).data
    except DocumentError:
        return True  # unreadable: validation must still report it
    return isinstance(data, dict) and "arazzo" in data


def refuse(url: str, limits: DocumentLimits) -> bytes:
    raise DocumentError("not fetched in tests")


def offline_options() -> LoadOptions:
    return LoadOptions(fetch=refuse)


def summarize(path: Path) -> list[str]:
    diagnostics = Diagnostics()
    validate_document(str(path), diagnostics, offline=True, options=offline_options())
    entries = []
    for diagnostic in diagnostics:
        location = diagnostic.location
        assert location is not None and location.line is not None, diagnostic.render()
        assert diagnostic.rule, diagnostic.render()
        entries.append(f"{diagnostic.rule}@{location.line}:{location.column}")
    return sorted(entries)


DOCUMENTS = {str(path.relative_to(CORPUS)): path for path in corpus_documents()}


def expectations() -> dict[str, list[str]]:
    data: dict[str, list[str]] = json.loads(EXPECTATIONS.read_text())
    return data


def test_the_expectations_list_exactly_the_corpus_documents() -> None:
    if UPDATE:
        actual = {name: summarize(path) for name, path in DOCUMENTS.items()}
        EXPECTATIONS.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    expected = expectations()
    new = sorted(set(DOCUMENTS) - set(expected))
    vanished = sorted(set(expected) - set(DOCUMENTS))
    assert not (new or vanished), _listing_changed(new, vanished)


def _listing_changed(new: list[str], vanished: list[str]) -> str:
    lines = [f"the corpus at {CORPUS} and {EXPECTATIONS.name} list different documents"]
    lines += [f"  new, without expectations: {name}" for name in new]
    lines += [f"  vanished from the corpus:  {name}" for name in vanished]
    lines.append(f"review them, then regenerate with: {REGENERATE}")
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_a_corpus_document_has_the_expected_diagnostics(name: str) -> None:
    if UPDATE:
        pytest.skip("regenerating: the listing test rewrites every entry")
    expected = expectations()
    if name not in expected:
        pytest.fail(f"{name} is new in the corpus; review it, then regenerate with: {REGENERATE}")
    actual = summarize(DOCUMENTS[name])
    assert actual == expected[name], f"{name}: if the change is intended: {REGENERATE}"


def test_known_defects_are_reported() -> None:
    expected = expectations()
    ibm = (
        "api-evangelist/ibm-quantum/arazzo/"
        "ibm-quantum-audit-workloads-and-drill-into-job-workflow.yml"
    )
    # The IBM Quantum OpenAPI files refer to #/components/parameters/IBM-API-Version,
    # which they do not define.
    assert any(e.startswith("broken-ref@") for e in expected[ibm])
    # jentic's source urls resolve from the repository root, not from the document.
    jentic = [name for name in expected if name.startswith("jentic-public-apis/workflows/")]
    assert jentic and all(
        any(e.startswith("source-not-found@") for e in expected[name]) for name in jentic
    )


def test_clean_documents_stay_clean() -> None:
    expected = expectations()
    clean = [name for name, entries in expected.items() if not entries]
    assert len(clean) >= 5, "some corpus documents have no defect at all"
