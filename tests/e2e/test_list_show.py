"""``arazzo list`` and ``arazzo show`` run as the real command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from tests._support.cli import run_cli
from tests._support.documents import openapi_for, write_documents
from tests._support.paths import WORKFLOW, corpus_path

DOCUMENT: dict[str, Any] = {
    "arazzo": "1.0.1",
    "info": {"title": "shop", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "api.openapi.yaml", "type": "openapi"}],
    "components": {
        "inputs": {
            "credentials": {
                "type": "string",
                "description": "API key for the shop",
                "format": "password",
            }
        }
    },
    "workflows": [
        {
            "workflowId": "buy",
            "summary": "Buy one item.",
            "inputs": {
                "type": "object",
                "required": ["apiKey", "itemId"],
                "properties": {
                    "apiKey": {"$ref": "#/components/inputs/credentials"},
                    "itemId": {"type": "integer", "description": "what to buy"},
                    "quantity": {"type": "integer", "default": 1},
                },
            },
            "steps": [
                {
                    "stepId": "order",
                    "operationId": "createOrder",
                    "description": "Place the order.",
                    "successCriteria": [{"condition": "$statusCode == 201"}],
                    "onFailure": [
                        {"name": "later", "type": "retry", "retryAfter": 1, "retryLimit": 2}
                    ],
                    "outputs": {"orderId": "$response.body#/id"},
                },
                {"stepId": "report", "workflowId": "audit"},
            ],
            "outputs": {"orderId": "$steps.order.outputs.orderId"},
        },
        {"workflowId": "audit", "steps": [{"stepId": "log", "operationId": "log"}]},
    ],
}
OPERATIONS = [("createOrder", "POST", "/orders"), ("log", "POST", "/log")]


def write(tmp_path: Path) -> Path:
    return write_documents(tmp_path, DOCUMENT, {"api.openapi.yaml": openapi_for(OPERATIONS)})


def test_list_prints_a_table_of_workflows(tmp_path: Path) -> None:
    result = run_cli("list", str(write(tmp_path)))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["WORKFLOW", "STEPS", "SUMMARY"]
    assert re.split(r"\s{2,}", lines[1].strip()) == ["buy", "2", "Buy one item."]
    assert re.split(r"\s{2,}", lines[2].strip()) == ["audit", "1"]


def test_list_as_json(tmp_path: Path) -> None:
    result = run_cli("list", str(write(tmp_path)), "--output", "json")
    assert result.exit_code == 0, result.stderr
    first, second = result.json()["workflows"]
    assert first == {
        "workflowId": "buy",
        "summary": "Buy one item.",
        "description": None,
        "steps": 2,
        "inputs": ["apiKey", "itemId", "quantity"],
        "requiredInputs": ["apiKey", "itemId"],
        "dependsOn": [],
    }
    assert second["workflowId"] == "audit"


def test_list_of_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("list", str(tmp_path / "nope.arazzo.yaml"))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_show_as_json_follows_input_refs_and_lists_steps(tmp_path: Path) -> None:
    path = write(tmp_path)
    result = run_cli("show", str(path), "--workflow", "buy", "-o", "json")
    assert result.exit_code == 0, result.stderr
    shown = result.json()
    assert shown["inputs"] == [
        {
            "name": "apiKey",
            "type": "string",
            "required": True,
            "description": "API key for the shop",
            "format": "password",
        },
        {"name": "itemId", "type": "integer", "required": True, "description": "what to buy"},
        {
            "name": "quantity",
            "type": "integer",
            "required": False,
            "description": None,
            "default": 1,
        },
    ]
    order, report = shown["steps"]
    assert order["operationId"] == "createOrder"
    assert order["successCriteria"] == [{"condition": "$statusCode == 201"}]
    assert order["onFailure"] == [
        {"name": "later", "type": "retry", "retryAfter": 1, "retryLimit": 2}
    ]
    assert order["outputs"] == {"orderId": "$response.body#/id"}
    assert report["workflowId"] == "audit"
    assert shown["outputs"] == {"orderId": "$steps.order.outputs.orderId"}
    words = shlex.split(shown["example"])
    assert words == [
        "arazzo", "run", str(path), "--workflow", "buy",
        "--input", "apiKey=<string>", "--input", "itemId=<integer>",
    ]  # fmt: skip


def test_show_as_text(tmp_path: Path) -> None:
    result = run_cli("show", str(write(tmp_path)), "-w", "buy")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert re.search(r"apiKey\s+string\s+yes\s+API key for the shop", text)
    assert re.search(r"quantity\s+integer\s+no\s+1", text)
    assert "1. order  (operation createOrder)" in text
    assert "onFailure: retry later (max 2, after 1s)" in text
    assert "2. report  (calls workflow audit)" in text
    assert "--input 'apiKey=<string>' --input 'itemId=<integer>'" in text


def test_the_example_command_runs_when_filled_in(sessions_server: Any) -> None:
    shown = run_cli("show", str(WORKFLOW), "-o", "json").json()
    values = {
        "accessToken": "demo-token",
        "serviceCrn": "crn:v1:bluemix:public:quantum-computing:us-east:a/demo::demo",
        "apiVersion": "2025-01-01",
        "sessionId": "demo-session-1",
        "acceptingJobs": "false",
    }
    words = shlex.split(shown["example"])
    assert words[:2] == ["arazzo", "run"]
    filled = [re.sub(r"^(\w+)=<\w+>$", lambda m: f"{m[1]}={values[m[1]]}", w) for w in words]
    result = run_cli(*filled[1:], "--server", f"sessionsApi={sessions_server.base_url}")
    assert result.exit_code == 0, result.stderr


def test_show_graph_prints_mermaid(tmp_path: Path) -> None:
    result = run_cli("show", str(write(tmp_path)), "-w", "buy", "--graph")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("flowchart TD\n")
    assert 'step_order -.->|"retry later (max 2, after 1s)"| step_order' in text
    assert "step_report[[" in text
    as_json = run_cli("show", str(write(tmp_path)), "-w", "buy", "--graph", "-o", "json").json()
    assert as_json["mermaid"] == text


def test_show_needs_a_workflow_when_there_are_several(tmp_path: Path) -> None:
    result = run_cli("show", str(write(tmp_path)))
    assert result.exit_code == 2
    assert "workflows: buy, audit" in result.stderr


def test_show_graph_of_a_corpus_document() -> None:
    path = corpus_path(
        "redocly-respect/workflow-failure-actions/workflow-failure-actions.arazzo.yaml"
    )
    result = run_cli("show", str(path), "--graph")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("flowchart TD\n")
    listed = run_cli("list", str(path), "-o", "json")
    assert listed.exit_code == 0
    assert [w["workflowId"] for w in listed.json()["workflows"]] == ["get-menu-items"]
