"""No document of the shared corpus makes a command hit an internal error (exit 70).

Each document is validated and listed, and each of its workflows dry-run and
shown (as text and as a graph), offline (no traffic leaves this machine),
through the real command line in this process. A document may well be refused
(exit 1 or 2); what must never happen is a Python exception reaching the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests._support.cli import run_cli
from tests._support.paths import CORPUS, corpus_arazzo_documents, needs_corpus

DOCUMENTS = corpus_arazzo_documents()
PER_WORKFLOW = (["run", "--dry-run"], ["show"], ["show", "--graph"])
INTERNAL_ERROR = 70

pytestmark = needs_corpus


def workflow_ids(path: Path) -> list[str]:
    """The workflowIds written in the document (the first three), or none if it does not parse."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return []
    workflows = data.get("workflows") if isinstance(data, dict) else None
    ids = [w.get("workflowId") for w in workflows if isinstance(w, dict)] if workflows else []
    return [i for i in ids if isinstance(i, str)][:3]


def commands(path: Path) -> list[list[str]]:
    found = [["validate"], ["list"], ["run", "--dry-run"], ["show"]]
    for workflow_id in workflow_ids(path):
        found += [[*command, "--workflow", workflow_id] for command in PER_WORKFLOW]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_no_command_hits_an_internal_error(path: Path) -> None:
    for command in commands(path):
        result = run_cli(*command, "--offline", str(path))
        assert result.exit_code != INTERNAL_ERROR, (command, result.stderr[-2000:])
        assert result.exit_code in (0, 1, 2), (command, result.exit_code, result.stderr[-500:])
        assert "Traceback" not in result.stderr
