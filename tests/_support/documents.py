"""Builders of Arazzo and OpenAPI documents, and ways to write them next to each other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def arazzo_document(
    *workflows: dict[str, Any],
    title: str = "test",
    source_url: str = "api.yaml",
    source_name: str = "api",
    **fields: Any,
) -> dict[str, Any]:
    """An Arazzo 1.0.1 document with one OpenAPI source description and ``workflows``.

    ``fields`` (``components``, say) come after the workflows, so the source
    positions of everything before them do not depend on them.
    """
    return {
        "arazzo": "1.0.1",
        "info": {"title": title, "version": "1"},
        "sourceDescriptions": [{"name": source_name, "url": source_url, "type": "openapi"}],
        "workflows": list(workflows),
        **fields,
    }


def openapi_for(operations: list[tuple[str, str, str]], title: str = "Test API") -> dict[str, Any]:
    """An OpenAPI 3.1 description with ``(operationId, method, path)`` operations."""
    paths: dict[str, Any] = {}
    for operation_id, method, path in operations:
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "responses": {"200": {"description": "ok"}},
        }
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if names:
            operation["parameters"] = [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                for n in names
            ]
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "servers": [{"url": "http://localhost:1"}],
        "paths": paths,
    }


def write_documents(
    directory: Path,
    arazzo: dict[str, Any],
    openapi: dict[str, dict[str, Any]] | None = None,
    name: str = "flow.arazzo.yaml",
) -> Path:
    """Write an Arazzo document and its OpenAPI files (file name -> content) to ``directory``."""
    for file_name, content in (openapi or {}).items():
        (directory / file_name).write_text(yaml.safe_dump(content, sort_keys=False))
    path = directory / name
    path.write_text(yaml.safe_dump(arazzo, sort_keys=False))
    return path


RETRY_AND_GOTO_OPERATIONS = [
    ("login", "POST", "/token"),
    ("getStatus", "GET", "/status"),
    ("getOther", "GET", "/other"),
    ("getItem", "GET", "/items/{id}"),
]


def retry_and_goto_document() -> dict[str, Any]:
    """Four steps: a login, a poll retried on 503 that jumps to a fetch, and a skipped step."""
    return arazzo_document(
        {
            "workflowId": "flow",
            "inputs": {
                "type": "object",
                "properties": {"id": {"type": "string", "default": "7"}},
            },
            "steps": [
                {
                    "stepId": "login",
                    "operationId": "login",
                    "successCriteria": [{"condition": "$statusCode == 200"}],
                    "outputs": {"token": "$response.body#/access_token"},
                },
                {
                    "stepId": "poll",
                    "operationId": "getStatus",
                    "successCriteria": [{"condition": "$statusCode == 200"}],
                    "onSuccess": [{"name": "jump", "type": "goto", "stepId": "fetch"}],
                    "onFailure": [
                        {
                            "name": "again",
                            "type": "retry",
                            "retryAfter": 0,
                            "retryLimit": 3,
                            "criteria": [{"condition": "$statusCode == 503"}],
                        }
                    ],
                },
                {"stepId": "other", "operationId": "getOther"},
                {
                    "stepId": "fetch",
                    "operationId": "getItem",
                    "parameters": [
                        {"name": "id", "in": "path", "value": "$inputs.id"},
                        {
                            "name": "Authorization",
                            "in": "header",
                            "value": "Bearer {$steps.login.outputs.token}",
                        },
                    ],
                    "successCriteria": [{"condition": "$statusCode == 200"}],
                    "onSuccess": [{"name": "done", "type": "end"}],
                    "outputs": {"name": "$response.body#/name"},
                },
            ],
            "outputs": {"name": "$steps.fetch.outputs.name"},
        },
        title="progress",
    )


def write_retry_and_goto(directory: Path) -> Path:
    """:func:`retry_and_goto_document` and its OpenAPI description, written to ``directory``."""
    api = openapi_for(RETRY_AND_GOTO_OPERATIONS)
    return write_documents(directory, retry_and_goto_document(), {"api.yaml": api})
