"""Every Arazzo document in the shared corpus loads and prepares without a crash.

Documents no one here wrote are the best test of the loader, the model and the
operation index: each one either prepares, or is refused with an ArazzoError
that says where and why. Anything else (a Python exception) is a bug. Remote
source descriptions are not fetched: the tests send no traffic off this machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from arazzo_runner.api import load
from arazzo_runner.diagnostics import Diagnostics
from arazzo_runner.document import DocumentLimits, LoadOptions
from arazzo_runner.errors import ArazzoError, DocumentError
from tests._support.paths import CORPUS, corpus_arazzo_documents, needs_corpus

DOCUMENTS = corpus_arazzo_documents()
pytestmark = needs_corpus


def refuse(url: str, limits: DocumentLimits) -> bytes:
    raise DocumentError("not fetched in tests", location=None)


def test_the_corpus_has_arazzo_documents() -> None:
    assert len(DOCUMENTS) > 50


@pytest.mark.slow
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_document_loads_and_prepares_or_is_refused_clearly(path: Path) -> None:
    diagnostics = Diagnostics()
    try:
        loaded = load(str(path), diagnostics=diagnostics, options=LoadOptions(fetch=refuse))
    except ArazzoError as exc:
        assert exc.render().strip()
        return
    for workflow in loaded.workflows:
        try:
            loaded.prepare_workflow(workflow)
        except ArazzoError as exc:
            rendered = exc.render()
            assert rendered.strip()
            assert "Traceback" not in rendered
