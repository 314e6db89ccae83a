"""The Mermaid graph of a workflow's control flow, parsed back from its text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from arazzo_runner.api import load
from arazzo_runner.diagnostics import Diagnostics
from arazzo_runner.document.model import Step
from arazzo_runner.reporting.mermaid import (
    END_NODE,
    FAIL_NODE,
    START_NODE,
    node_ids,
    workflow_mermaid,
)
from tests._support.documents import openapi_for, write_documents
from tests._support.paths import corpus_path

EDGE = re.compile(r'^\s*(\w+) (-->|-\.->)(?:\|"([^"]*)"\|)? (\w+)$')
NODE = re.compile(r"^\s*(\w+)[\[(]")
MERMAID_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Edges = set[tuple[str, str, str, str | None]]


def edges_of(text: str) -> Edges:
    """(source, arrow, target, label) for every edge line of a flowchart."""
    found: Edges = set()
    for line in text.splitlines():
        match = EDGE.match(line)
        if match:
            source, arrow, label, target = match.groups()
            found.add((source, arrow, target, label))
    return found


def nodes_of(text: str) -> set[str]:
    return {m.group(1) for line in text.splitlines() if (m := NODE.match(line))}


def criterion(condition: str) -> list[dict[str, Any]]:
    return [{"condition": condition}]


DOCUMENT = {
    "arazzo": "1.0.1",
    "info": {"title": "graph", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "api.openapi.yaml", "type": "openapi"}],
    "workflows": [
        {
            "workflowId": "flow",
            "steps": [
                {
                    "stepId": "get-item.v1",
                    "operationId": "getStatus",
                    "onSuccess": [
                        {"name": "done", "type": "end", "criteria": criterion("$statusCode == 204")}
                    ],
                    "onFailure": [
                        {
                            "name": "again",
                            "type": "retry",
                            "retryAfter": 1,
                            "retryLimit": 3,
                            "criteria": criterion("$statusCode == 503"),
                        }
                    ],
                },
                {
                    "stepId": "refresh",
                    "operationId": "refreshToken",
                    "onSuccess": [
                        {
                            "name": "back",
                            "type": "goto",
                            "stepId": "get-item.v1",
                            "criteria": criterion("$statusCode == 202"),
                        }
                    ],
                },
                {
                    "stepId": "end",
                    "operationId": "getOther",
                    "onFailure": [{"name": "give-up", "type": "end"}],
                },
                {"stepId": "call", "workflowId": "other"},
            ],
        },
        {"workflowId": "other", "steps": [{"stepId": "one", "operationId": "getOther"}]},
    ],
}
OPERATIONS = [
    ("getStatus", "GET", "/status"),
    ("refreshToken", "POST", "/token"),
    ("getOther", "GET", "/other"),
]


def graph_text(tmp_path: Path) -> str:
    path = write_documents(tmp_path, DOCUMENT, {"api.openapi.yaml": openapi_for(OPERATIONS)})
    return workflow_mermaid(load(str(path)).workflow("flow"))


def test_goto_retry_and_end_edges(tmp_path: Path) -> None:
    text = graph_text(tmp_path)
    assert text.startswith("flowchart TD\n")
    get, refresh, end, call = "step_get_item_v1", "step_refresh", "step_end", "step_call"
    assert edges_of(text) == {
        (START_NODE, "-->", get, None),
        (get, "-->", END_NODE, "end done if $statusCode == 204"),
        (get, "-->", refresh, None),
        (get, "-.->", get, "retry again (max 3, after 1s) if $statusCode == 503"),
        (get, "-.->", FAIL_NODE, "failure"),
        (refresh, "-->", get, "goto back if $statusCode == 202"),
        (refresh, "-->", end, None),
        (refresh, "-.->", FAIL_NODE, "failure"),
        (end, "-->", call, None),
        # An unconditional end on failure replaces the default failure edge.
        (end, "-.->", END_NODE, "end give-up"),
        (call, "-->", END_NODE, None),
        (call, "-.->", FAIL_NODE, "failure"),
    }


def test_node_ids_are_valid_mermaid_ids(tmp_path: Path) -> None:
    text = graph_text(tmp_path)
    nodes = nodes_of(text)
    assert {"step_get_item_v1", "step_refresh", "step_end", "step_call"} <= nodes
    assert all(MERMAID_ID.match(node) for node in nodes)
    assert "end" not in nodes  # a reserved word in Mermaid
    # A step calling a workflow is a subroutine node.
    assert 'step_call[["call<br/>calls other"]]' in text


def test_colliding_step_ids_get_distinct_nodes() -> None:
    steps = [Step("a-b", "/0"), Step("a.b", "/1"), Step("a_b", "/2")]
    ids = node_ids(steps)
    assert len(set(ids.values())) == 3
    assert all(MERMAID_ID.match(node) for node in ids.values())


def test_depends_on_and_workflow_goto_become_subroutine_edges(tmp_path: Path) -> None:
    document = {
        **DOCUMENT,
        "workflows": [
            {
                "workflowId": "main",
                "dependsOn": ["setup"],
                "steps": [
                    {
                        "stepId": "s",
                        "operationId": "getStatus",
                        "onFailure": [{"name": "recover", "type": "goto", "workflowId": "setup"}],
                    }
                ],
            },
            {"workflowId": "setup", "steps": [{"stepId": "t", "operationId": "getOther"}]},
        ],
    }
    path = write_documents(tmp_path, document, {"api.openapi.yaml": openapi_for(OPERATIONS)})
    text = workflow_mermaid(load(str(path)).workflow("main"))
    assert edges_of(text) == {
        ("wf_setup", "-->", START_NODE, "dependsOn"),
        (START_NODE, "-->", "step_s", None),
        ("step_s", "-->", END_NODE, None),
        ("step_s", "-.->", "wf_setup", "goto recover"),
    }
    assert 'wf_setup[["setup"]]' in text


def test_a_corpus_document_graphs_every_step_and_action() -> None:
    path = corpus_path(
        "redocly-respect/workflow-failure-actions/workflow-failure-actions.arazzo.yaml"
    )
    loaded = load(str(path), diagnostics=Diagnostics())
    for workflow in loaded.workflows:
        text = workflow_mermaid(workflow)
        nodes = nodes_of(text)
        edges = edges_of(text)
        ids = node_ids(workflow.steps)
        assert set(ids.values()) <= nodes
        # Every edge joins declared nodes, and every step can be reached or left.
        for source, _, target, _ in edges:
            assert source in nodes and target in nodes
        for node in ids.values():
            assert any(source == node for source, _, _, _ in edges)
        # Each action of each step appears as a labelled edge from that step.
        for step in workflow.steps:
            for action in [*step.on_success, *step.on_failure]:
                assert any(
                    source == ids[step.step_id] and label and action.name in label
                    for source, _, _, label in edges
                ), action.name
