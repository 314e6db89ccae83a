"""Workflows in other Arazzo documents (``type: arazzo`` sources): their servers
and the scope of their errors, driven through the CLI and the Python API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from arazzo_runner import RunOptions, load
from tests._support.cli import run_cli
from tests._support.documents import openapi_for
from tests._support.servers import Reply, ScriptedServer


def _source(name: str, url: str, kind: str = "openapi") -> dict[str, str]:
    return {"name": name, "url": url, "type": kind}


def _document(title: str, sources: list[dict[str, str]], *workflows: Any) -> dict[str, Any]:
    return {
        "arazzo": "1.0.1",
        "info": {"title": title, "version": "1"},
        "sourceDescriptions": sources,
        "workflows": list(workflows),
    }


def _workflow(workflow_id: str, *steps: dict[str, Any]) -> dict[str, Any]:
    return {"workflowId": workflow_id, "steps": list(steps)}


def _operation_step(step_id: str, operation_id: str) -> dict[str, Any]:
    return {
        "stepId": step_id,
        "operationId": operation_id,
        "successCriteria": [{"condition": "$statusCode == 200"}],
    }


def _write(directory: Path, files: dict[str, dict[str, Any]]) -> None:
    for name, content in files.items():
        (directory / name).write_text(yaml.safe_dump(content, sort_keys=False))


def _relative_server(operations: list[tuple[str, str, str]]) -> dict[str, Any]:
    description = openapi_for(operations)
    description["servers"] = [{"url": "/v1"}]
    return description


def write_nested(directory: Path) -> Path:
    """main -> billing (arazzo) -> invoices (openapi, a relative server URL)."""
    _write(
        directory,
        {
            "invoices.yaml": _relative_server([("listInvoices", "GET", "/invoices")]),
            "users.yaml": _relative_server([("getMe", "GET", "/me")]),
            "billing.arazzo.yaml": _document(
                "billing",
                [_source("invoices", "invoices.yaml")],
                _workflow("list", _operation_step("list", "listInvoices")),
            ),
            "main.arazzo.yaml": _document(
                "main",
                [
                    _source("users", "users.yaml"),
                    _source("billing", "billing.arazzo.yaml", "arazzo"),
                ],
                _workflow(
                    "overview",
                    _operation_step("me", "getMe"),
                    {"stepId": "bills", "workflowId": "$sourceDescriptions.billing.list"},
                ),
            ),
        },
    )
    return directory / "main.arazzo.yaml"


def _scripted(server: ScriptedServer) -> None:
    server.script("GET", "/u/me", Reply(200, {"id": 1}))
    server.script("GET", "/b/invoices", Reply(200, []))


def test_the_hint_for_a_called_documents_server_is_one_that_works(
    tmp_path: Path, server: ScriptedServer
) -> None:
    main = write_nested(tmp_path)
    users = f"--server=users={server.base_url}/u"

    refused = run_cli("run", str(main), users)
    assert refused.exit_code == 2
    assert "pass --server billing.invoices=https://host/base-path" in refused.stderr
    assert server.received == []

    _scripted(server)
    ran = run_cli("run", str(main), users, f"--server=billing.invoices={server.base_url}/b")
    assert ran.exit_code == 0, ran.stderr
    assert server.paths() == ["GET /u/me", "GET /b/invoices"]


def test_a_plain_name_reaches_a_called_documents_source(
    tmp_path: Path, server: ScriptedServer
) -> None:
    main = write_nested(tmp_path)
    _scripted(server)
    ran = run_cli(
        "run",
        str(main),
        f"--server=users={server.base_url}/u",
        f"--server=invoices={server.base_url}/b",
    )
    assert ran.exit_code == 0, ran.stderr
    assert server.paths() == ["GET /u/me", "GET /b/invoices"]


def test_the_qualified_name_wins_over_the_plain_one(tmp_path: Path, server: ScriptedServer) -> None:
    main = write_nested(tmp_path)
    _scripted(server)
    result = load(str(main)).run(
        options=RunOptions(
            server_overrides={
                "users": f"{server.base_url}/u",
                "invoices": f"{server.base_url}/wrong",
                "billing.invoices": f"{server.base_url}/b",
            }
        )
    )
    assert result.succeeded, result.error
    assert server.paths() == ["GET /u/me", "GET /b/invoices"]


def test_an_unknown_server_name_lists_every_name_that_works(tmp_path: Path) -> None:
    main = write_nested(tmp_path)
    result = run_cli("run", str(main), "--server=billing.nope=http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "--server names source description 'billing.nope'" in result.stderr
    assert "source descriptions: billing, billing.invoices, invoices, users" in result.stderr
    assert "DOC.SOURCE" in result.stderr  # how a called document's source is named


def write_pointing_back(directory: Path) -> Path:
    """main.good -> helper.help -> main.leaf, while main.broken has an error and
    the helper document points back at main (``type: arazzo``)."""
    api = openapi_for([("ping", "GET", "/ping")])
    broken = _workflow("broken", _operation_step("nope", "noSuchOperation"))
    _write(
        directory,
        {
            "api.yaml": api,
            "helper.arazzo.yaml": _document(
                "helper",
                [_source("api", "api.yaml"), _source("main", "main.arazzo.yaml", "arazzo")],
                # An error at the pointer of main's `good`, in another file.
                _workflow(
                    "back",
                    {"stepId": "b", "workflowId": "$sourceDescriptions.main.broken"},
                    _operation_step("c", "alsoMissing"),
                ),
                _workflow(
                    "help",
                    _operation_step("ping", "ping"),
                    {"stepId": "up", "workflowId": "$sourceDescriptions.main.leaf"},
                ),
            ),
            "main.arazzo.yaml": _document(
                "main",
                [_source("api", "api.yaml"), _source("helper", "helper.arazzo.yaml", "arazzo")],
                broken,
                _workflow(
                    "good", {"stepId": "call", "workflowId": "$sourceDescriptions.helper.help"}
                ),
                _workflow("leaf", _operation_step("p", "ping")),
            ),
        },
    )
    return directory / "main.arazzo.yaml"


def test_errors_stay_in_their_workflows_across_documents_that_point_back(
    tmp_path: Path, server: ScriptedServer
) -> None:
    main = write_pointing_back(tmp_path)
    server.script("GET", "/ping", Reply(200, {}))
    servers = f"--server=api={server.base_url}"

    good = run_cli("run", str(main), "-w", "good", servers)
    assert good.exit_code == 0, good.stderr
    assert server.paths() == ["GET /ping", "GET /ping"]
    assert "workflow 'broken' has 1 error and could not run" in good.stderr

    broken = run_cli("run", str(main), "-w", "broken", servers)
    assert broken.exit_code == 2
    assert "noSuchOperation" in broken.stderr
    # The called document's own broken workflow stops only itself.
    helper = run_cli("run", str(tmp_path / "helper.arazzo.yaml"), "-w", "help", servers)
    assert helper.exit_code == 0, helper.stderr
    back = run_cli("run", str(tmp_path / "helper.arazzo.yaml"), "-w", "back", servers)
    assert back.exit_code == 2
    assert "alsoMissing" in back.stderr
    assert len(server.received) == 4


def test_the_configuration_file_names_a_called_documents_source_qualified(
    tmp_path: Path, server: ScriptedServer
) -> None:
    main = write_nested(tmp_path)
    config = tmp_path / "arazzo.toml"
    config.write_text(
        f'[servers]\nusers = "{server.base_url}/u"\n"billing.invoices" = "{server.base_url}/b"\n'
    )
    _scripted(server)
    ran = run_cli("run", str(main), "--config", str(config))
    assert ran.exit_code == 0, ran.stderr
    assert server.paths() == ["GET /u/me", "GET /b/invoices"]
