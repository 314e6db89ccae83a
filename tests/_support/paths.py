"""Where things are: the repository, its sample workflow, and the shared corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "workflows" / "ibm-quantum-pause-session-and-confirm-workflow.yml"
SESSIONS_OPENAPI = ROOT / "openapi" / "ibm-quantum-runtime-sessions-openapi.yml"
STAND_IN = ROOT / "examples" / "ibm_quantum_sessions_server.py"

CORPUS_ENV = "ARAZZO_TEST_CORPUS"
NO_CORPUS = "the shared corpus is not available (set ARAZZO_TEST_CORPUS to its directory)"


def _find_corpus() -> Path:
    """``$ARAZZO_TEST_CORPUS``, else the nearest ``shared/corpus`` beside an ancestor.

    A checkout usually sits next to ``shared/`` but a git worktree sits one level
    deeper, so the ancestors are searched instead of assuming one layout.
    """
    configured = os.environ.get(CORPUS_ENV)
    if configured:
        return Path(configured).resolve()
    for ancestor in ROOT.parents:
        candidate = ancestor / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "corpus"  # absent: the tests that need it skip


CORPUS = _find_corpus()
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=NO_CORPUS)


def corpus_path(relative: str) -> Path:
    """A file of the shared corpus, or skip the test when it is absent."""
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus file not available: {relative}")
    return path


def corpus_arazzo_documents() -> list[Path]:
    """Every Arazzo document of the shared corpus (none when it is absent), sorted."""
    if not CORPUS.exists():
        return []
    found = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "arazzo" in text[:2000] and "workflows" in text:
            found.append(path)
    return found
