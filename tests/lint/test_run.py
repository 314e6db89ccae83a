"""``arazzo run`` (the Python API's load) refuses what ``arazzo validate`` calls an error."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from arazzo_runner.api import load
from arazzo_runner.diagnostics import Diagnostics, DocumentInvalid
from tests._support.lint import CLEAN, write_project


def _client(seen: list[httpx2.Request]) -> httpx2.Client:
    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json={"name": "Rex"})

    return httpx2.Client(transport=httpx2.MockTransport(handler))


def test_a_document_wide_error_is_refused_at_load(tmp_path: Path) -> None:
    path = write_project(tmp_path, CLEAN.replace("url: pets.openapi.yaml", "url: gone.yaml"))
    with pytest.raises(DocumentInvalid) as raised:
        load(str(path))
    assert raised.value.diagnostics[0].rule == "source-not-found"
    assert "nothing was sent" in raised.value.render()


def test_an_error_inside_the_workflow_stops_it_before_the_first_request(tmp_path: Path) -> None:
    broken = CLEAN.replace("name: $steps.find.outputs.name\n    outputs", "x: 1\n    outputs")
    path = write_project(
        tmp_path, broken.replace("$steps.find.outputs.name\n", "$steps.find.outputs.nick\n")
    )
    loaded = load(str(path))
    seen: list[httpx2.Request] = []
    with pytest.raises(DocumentInvalid) as raised:
        loaded.run("adopt", {"petId": "1", "tenant": "t"}, client=_client(seen))
    assert seen == []
    assert "unknown-step-output" in {d.rule for d in raised.value.diagnostics}


def test_warnings_are_reported_and_do_not_stop_a_run(tmp_path: Path) -> None:
    warned = CLEAN.replace(
        "value: $inputs.petId\n",
        "value: $inputs.petId\n"
        "          - name: extra\n            in: query\n            value: x\n",
    )
    path = write_project(tmp_path, warned)
    diagnostics = Diagnostics()
    loaded = load(str(path), diagnostics=diagnostics)
    assert [d.rule for d in diagnostics.warnings] == ["unknown-parameter"]
    seen: list[httpx2.Request] = []
    result = loaded.run("adopt", {"petId": "1", "tenant": "t"}, client=_client(seen))
    assert seen, result


def test_an_unknown_field_is_an_error_to_validate_but_a_run_goes_on(tmp_path: Path) -> None:
    from arazzo_runner.validation import validate_document

    typo = CLEAN.replace("successCriteria:", "sucessCriteria:", 1)
    assert typo != CLEAN
    path = write_project(tmp_path, typo)
    checked = Diagnostics()
    validate_document(str(path), checked)
    assert "unknown-field" in {d.rule for d in checked.errors}

    diagnostics = Diagnostics()
    loaded = load(str(path), diagnostics=diagnostics)
    assert "unknown-field" in {d.rule for d in diagnostics.warnings}
    seen: list[httpx2.Request] = []
    loaded.run("adopt", {"petId": "1", "tenant": "t"}, client=_client(seen))
    assert seen


def test_style_advice_is_for_validate_not_for_every_run(tmp_path: Path) -> None:
    from arazzo_runner.validation import validate_document

    styled = CLEAN.replace("value: $inputs.tenant", "value: tenant-$inputs.tenant")
    path = write_project(tmp_path, styled)
    checked = Diagnostics()
    validate_document(str(path), checked)
    assert [d.rule for d in checked.warnings] == ["bare-expression"]
    diagnostics = Diagnostics()
    load(str(path), diagnostics=diagnostics)
    assert diagnostics.warnings == []
