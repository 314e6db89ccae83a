"""An Arazzo document fetched by URL: its source description resolves against that URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests._support.cli import run_cli
from tests._support.paths import ROOT, SESSIONS_OPENAPI, WORKFLOW
from tests._support.servers import ScriptedServer, serving
from tests._support.sessions import assert_three_requests, run_workflow


@pytest.fixture
def file_server() -> Iterator[ScriptedServer]:
    """Serves the sample workflow and its OpenAPI file at their paths in the repository."""
    files = {
        f"/{path.relative_to(ROOT)}": path.read_bytes() for path in (WORKFLOW, SESSIONS_OPENAPI)
    }
    with serving(files) as server:
        yield server


def test_workflow_by_url_fetches_its_openapi_relative_to_that_url(
    file_server: ScriptedServer, sessions_server: Any
) -> None:
    url = f"{file_server.base_url}/workflows/{WORKFLOW.name}"
    result = run_workflow(sessions_server, "-o", "json", workflow=url)
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"] == {"finalAcceptingJobs": False, "finalState": "active"}
    assert_three_requests(sessions_server, False)
    assert file_server.targets() == [
        f"/workflows/{WORKFLOW.name}",
        f"/openapi/{SESSIONS_OPENAPI.name}",
    ]


def test_missing_remote_document_is_a_clear_error(file_server: ScriptedServer) -> None:
    result = run_cli("run", f"{file_server.base_url}/workflows/nope.yml")
    assert result.exit_code == 2
    assert "cannot fetch document: HTTP 404" in result.stderr
    assert "Traceback" not in result.stderr
