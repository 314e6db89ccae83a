"""What ``arazzo run`` prints on a terminal and for a failed step: warnings between step
lines (never glued to a running line), and what the server said to a failed step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._support.cli import run_cli, run_cli_in_terminal, terminal_lines
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.servers import Reply, ScriptedServer

OPERATIONS = [("getItem", "GET", "/item"), ("patchItem", "PATCH", "/item")]
SECRET = "s3cr3t-Value-42"
CHECK_WARNING = (
    "warning: step 'first': response check status-code-declared failed: HTTP 201 is not "
    "among the responses of GET /item (declared: 200)"
)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        running.script("GET", "/item", Reply(201, {"ok": True}))  # 201 is not declared: a warning
        running.script("PATCH", "/item", Reply(500, {"error": "database is down", "echo": SECRET}))
        yield running


def _document(tmp_path: Path) -> Path:
    arazzo = arazzo_document(
        {
            "workflowId": "flow",
            "inputs": {"type": "object", "properties": {"password": {"type": "string"}}},
            "steps": [
                {"stepId": "first", "operationId": "getItem"},
                {
                    "stepId": "second",
                    "operationId": "patchItem",
                    "successCriteria": [{"condition": "$statusCode == 200"}],
                    "outputs": {"id": "$response.body#/id"},
                },
            ],
        }
    )
    return write_documents(tmp_path, arazzo, {"api.yaml": openapi_for(OPERATIONS)})


def _args(tmp_path: Path, server: ScriptedServer) -> list[str]:
    return [
        "run", str(_document(tmp_path)), "--server", f"api={server.base_url}",
        "--input", f"password={SECRET}",
    ]  # fmt: skip


@pytest.mark.subprocess
def test_warnings_print_between_step_lines_on_a_terminal(
    tmp_path: Path, server: ScriptedServer
) -> None:
    result = run_cli_in_terminal(*_args(tmp_path, server))

    assert result.exit_code == 1, result.stdout
    lines = terminal_lines(result.stdout)
    first = next(i for i, line in enumerate(lines) if line.startswith("first "))
    assert "201  passed" in lines[first]
    assert lines[first + 1] == CHECK_WARNING  # on a line of its own, right after its step
    for line in lines:
        assert "running..." not in line, lines  # every running line was erased
    # The raw stream too: each warning starts a line, after the running line was erased.
    assert "running...warning" not in result.stdout
    assert f"\r\n{CHECK_WARNING}\r\n" in result.stdout
    # The failed step's own error and the server's answer come before its secondary warnings.
    second = next(i for i, line in enumerate(lines) if line.startswith("second "))
    assert "500  FAILED" in lines[second]
    assert lines[second + 1].strip().startswith("success criterion not met")
    assert lines[second + 2].strip() == "response 500 Internal Server Error:"
    assert "database is down" in lines[second + 3]
    null_output = next(i for i, line in enumerate(lines) if "output 'id' is null" in line)
    assert null_output > second + 3
    assert SECRET not in result.stdout


def test_a_failed_step_shows_a_masked_excerpt_of_the_response(
    tmp_path: Path, server: ScriptedServer
) -> None:
    result = run_cli(*_args(tmp_path, server))

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    at = lines.index("    response 500 Internal Server Error:")
    assert "database is down" in lines[at + 1]
    assert SECRET not in result.stdout  # the secret input echoed by the server is masked
    assert "***" in lines[at + 1]
    assert "response 201" not in result.stdout  # only failed steps show their response


def test_the_excerpt_is_bounded(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("PATCH", "/item", Reply(500, "x" * 10_000))
    result = run_cli(*_args(tmp_path, server))

    assert "    response 500 Internal Server Error:" in result.stdout
    assert f"      {'x' * 1024}" in result.stdout.splitlines()
    assert "      ... (8976 bytes more)" in result.stdout.splitlines()


def test_verbose_output_shows_the_response_once(tmp_path: Path, server: ScriptedServer) -> None:
    result = run_cli(*_args(tmp_path, server), "-v")

    assert result.stdout.count("database is down") == 1
