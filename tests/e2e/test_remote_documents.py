"""An Arazzo document fetched by URL: its source description resolves against that URL."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ..support import ROOT, run_cli
from .test_ibm_pause_session import assert_three_requests, run_workflow


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def file_server() -> Iterator[str]:
    """Serves the repository's files over HTTP on a free port of 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(ROOT))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_workflow_by_url_fetches_its_openapi_relative_to_that_url(
    file_server: str, sessions_server: Any
) -> None:
    url = f"{file_server}/workflows/ibm-quantum-pause-session-and-confirm-workflow.yml"
    result = run_workflow(sessions_server, "-o", "json", workflow=url)
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"] == {"finalAcceptingJobs": False, "finalState": "active"}
    assert_three_requests(sessions_server, False)


def test_missing_remote_document_is_a_clear_error(file_server: str) -> None:
    result = run_cli("run", f"{file_server}/workflows/nope.yml")
    assert result.exit_code == 2
    assert "cannot fetch document: HTTP 404" in result.stderr
    assert "Traceback" not in result.stderr
