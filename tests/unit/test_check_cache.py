"""Remembered passes of the checks before a run (arazzo_runner/validation/check_cache.py).

A pass is believed only for the same document text at the same place, the same
text of every document the checks read, and the same checker; anything else
runs the checks again, so a changed source description is reported, never
skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner import validation
from arazzo_runner.api import load
from arazzo_runner.diagnostics import Diagnostics, DocumentInvalid
from arazzo_runner.validation.check_cache import CheckCache
from tests._support.paths import ROOT, WORKFLOW

OPENAPI = ROOT / "openapi" / "ibm-quantum-runtime-sessions-openapi.yml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The IBM workflow and its description, as a checkout lays them out."""
    (tmp_path / "workflows").mkdir()
    (tmp_path / "openapi").mkdir()
    shutil.copy(OPENAPI, tmp_path / "openapi" / OPENAPI.name)
    return Path(shutil.copy(WORKFLOW, tmp_path / "workflows" / WORKFLOW.name))


@pytest.fixture
def checks_run(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URIs of the documents the full checks ran for, in order."""
    ran: list[str] = []
    real = validation._check

    def counting(document: Any, **options: Any) -> Any:
        ran.append(document.uri)
        return real(document, **options)

    monkeypatch.setattr(validation, "_check", counting)
    return ran


def errors_of(path: Path) -> str:
    """The errors a load of ``path`` reports, as one text."""
    found = Diagnostics()
    try:
        load(str(path), diagnostics=found)
    except DocumentInvalid as exc:
        return str(exc)
    return "\n".join(d.message for d in found if d.severity.name == "ERROR")


def entries() -> list[Path]:
    cache = CheckCache.from_environment()
    assert cache is not None
    return sorted(cache.directory.glob("*.json"))


def test_a_clean_pass_is_remembered_and_believed(project: Path, checks_run: list[str]) -> None:
    first = load(str(project))
    assert len(entries()) == 1
    second = load(str(project))
    assert checks_run == [str(project)]  # the second load built the model only
    assert [w.workflow_id for w in second.workflows] == [w.workflow_id for w in first.workflows]
    # The run gets the source descriptions the cache read again.
    source = second.document.source_descriptions[0]
    assert second.sources.openapi(source).by_operation_id("get_session") is not None


def test_a_changed_source_description_runs_the_checks_again(
    project: Path, checks_run: list[str]
) -> None:
    load(str(project))
    description = project.parents[1] / "openapi" / OPENAPI.name
    text = description.read_text(encoding="utf-8")
    description.write_text(text.replace("operationId: get_session", "operationId: gone"), "utf-8")
    assert "get_session" in errors_of(project)
    assert len(checks_run) == 2


def test_an_edit_that_keeps_size_and_time_is_noticed(project: Path, checks_run: list[str]) -> None:
    """Digests, not modification times, decide."""
    import os

    load(str(project))
    description = project.parents[1] / "openapi" / OPENAPI.name
    before = description.stat()
    text = description.read_text(encoding="utf-8")
    changed = text.replace("operationId: get_session", "operationId: get_sessioX")
    assert len(changed) == len(text)
    description.write_text(changed, "utf-8")
    os.utime(description, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "get_session" in errors_of(project)
    assert len(checks_run) == 2


def test_a_changed_document_runs_the_checks_again(project: Path, checks_run: list[str]) -> None:
    load(str(project))
    project.write_text(project.read_text(encoding="utf-8") + "\n# a comment\n", "utf-8")
    load(str(project))
    load(str(project))
    assert len(checks_run) == 2  # the edit ran them; the next load believed the new pass


def test_the_same_text_elsewhere_is_another_document(
    project: Path, tmp_path: Path, checks_run: list[str]
) -> None:
    """Its relative source descriptions are other files there."""
    load(str(project))
    moved = tmp_path / "elsewhere" / "workflows"
    shutil.copytree(project.parents[1] / "openapi", tmp_path / "elsewhere" / "openapi")
    moved.mkdir(parents=True)
    copy = Path(shutil.copy(project, moved / project.name))
    load(str(copy))
    assert checks_run == [str(project), str(copy)]


def test_warnings_are_said_again_from_a_remembered_pass(checks_run: list[str]) -> None:
    """`arazzo validate` of the IBM workflow has advice (bare-expression): a pass with
    warnings is remembered, and the warnings come back with it, word for word."""
    first, second = Diagnostics(), Diagnostics()
    assert validation.validate_document(str(WORKFLOW), first, offline=True) is not None
    assert validation.validate_document(str(WORKFLOW), second, offline=True) is not None
    assert list(first) and list(second) == list(first)
    assert len(checks_run) == 1


def test_a_document_with_an_error_is_never_remembered(project: Path, checks_run: list[str]) -> None:
    description = project.parents[1] / "openapi" / OPENAPI.name
    text = description.read_text(encoding="utf-8")
    description.write_text(text.replace("operationId: get_session", "operationId: gone"), "utf-8")
    assert "get_session" in errors_of(project)
    assert "get_session" in errors_of(project)
    assert len(checks_run) == 2
    assert entries() == []


def test_a_damaged_entry_is_a_miss(project: Path, checks_run: list[str]) -> None:
    load(str(project))
    for entry in entries():
        entry.write_text('{"format": "something else"', encoding="utf-8")
    load(str(project))
    load(str(project))
    assert len(checks_run) == 2  # checked again, and remembered again


def test_an_entry_naming_a_missing_document_is_a_miss(project: Path, checks_run: list[str]) -> None:
    load(str(project))
    (project.parents[1] / "openapi" / OPENAPI.name).unlink()
    with pytest.raises(DocumentInvalid):
        load(str(project))
    assert len(checks_run) == 2


def test_turned_off_with_the_parse_cache(
    project: Path, checks_run: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARAZZO_RUNNER_CACHE", "off")
    load(str(project))
    load(str(project))
    assert len(checks_run) == 2
    monkeypatch.delenv("ARAZZO_RUNNER_CACHE")
    assert entries() == []


def test_turned_off_from_python_with_the_parse_cache(project: Path, checks_run: list[str]) -> None:
    from arazzo_runner.document import LoadOptions

    load(str(project), options=LoadOptions(parse_cache=None))
    load(str(project), options=LoadOptions(parse_cache=None))
    assert len(checks_run) == 2
    assert entries() == []
