"""``arazzo list`` and ``arazzo show`` describe a document whose OpenAPI file is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests._support.cli import run_cli
from tests._support.documents import arazzo_document, write_documents

WORKFLOWS: list[dict[str, Any]] = [
    {
        "workflowId": "pay",
        "summary": "Pay an invoice.",
        "steps": [
            {
                "stepId": "charge",
                "operationId": "charge",
                "successCriteria": [{"condition": "$statusCode == 201"}],
            }
        ],
    },
    {"workflowId": "refund", "steps": [{"stepId": "undo", "operationId": "api.refund"}]},
]


def _missing_openapi(directory: Path) -> Path:
    # The source description names api.yaml, which is never written.
    return write_documents(directory, arazzo_document(*WORKFLOWS))


def test_list_describes_the_workflows_and_says_what_was_not_resolved(tmp_path: Path) -> None:
    result = run_cli("list", str(_missing_openapi(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert "pay" in result.stdout and "Pay an invoice." in result.stdout
    assert "refund" in result.stdout
    assert "could not be resolved" in result.stderr
    assert "source-not-found" not in result.stdout
    assert "api.yaml" in result.stderr


def test_show_describes_the_steps_without_their_operations(tmp_path: Path) -> None:
    result = run_cli("show", str(_missing_openapi(tmp_path)), "--workflow", "pay")
    assert result.exit_code == 0, result.stderr
    assert "1. charge  (operation charge)" in result.stdout
    assert "$statusCode == 201" in result.stdout
    assert "cannot be loaded" in result.stderr


def test_json_output_lists_what_was_not_resolved(tmp_path: Path) -> None:
    path = _missing_openapi(tmp_path)
    listed = run_cli("list", "--output", "json", str(path))
    assert listed.exit_code == 0
    document = listed.json()
    assert [w["workflowId"] for w in document["workflows"]] == ["pay", "refund"]
    assert [d["rule"] for d in document["unresolved"]] == ["source-not-found"]
    assert document["unresolved"][0]["line"] is not None
    shown = run_cli("show", "-o", "json", "-w", "refund", "--graph", str(path))
    assert shown.exit_code == 0
    assert "undo" in shown.json()["mermaid"]
    assert shown.json()["unresolved"][0]["rule"] == "source-not-found"


def test_a_complete_document_has_nothing_unresolved(tmp_path: Path) -> None:
    from tests._support.documents import openapi_for

    document = arazzo_document(*WORKFLOWS)
    operations = [("charge", "POST", "/charges"), ("refund", "POST", "/refunds")]
    path = write_documents(tmp_path, document, {"api.yaml": openapi_for(operations)})
    result = run_cli("list", "-o", "json", str(path))
    assert result.exit_code == 0
    assert result.json()["unresolved"] == []
    assert result.stderr == ""


def test_other_errors_still_refuse(tmp_path: Path) -> None:
    broken = arazzo_document({"workflowId": "pay", "steps": []})
    result = run_cli("list", str(write_documents(tmp_path, broken)))
    assert result.exit_code == 2
    assert "empty" in result.stderr or "steps" in result.stderr
    assert result.stdout == ""
