"""A large, deterministic OpenAPI description, and an Arazzo document calling one operation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

TARGET_BYTES = 10 * 1024 * 1024


def openapi_document(paths: int) -> dict[str, Any]:
    """``paths`` resources, each with a schema and a GET/PUT pair; the same every time."""
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Large API", "version": "1.0.0"},
        "servers": [{"url": "http://127.0.0.1:1/api"}],
        "paths": {},
        "components": {"schemas": {}},
    }
    for index in range(paths):
        name = f"Resource{index:05d}"
        spec["components"]["schemas"][name] = _schema(index)
        spec["paths"][f"/resources{index:05d}/{{id}}"] = _path_item(index, name)
    return spec


def _schema(index: int) -> dict[str, Any]:
    properties = {
        f"field{n:02d}": {
            "type": ["string", "integer", "boolean"][n % 3],
            "description": f"Field {n} of resource {index}, kept for compatibility with v{n}.",
        }
        for n in range(12)
    }
    return {"type": "object", "required": ["field00"], "properties": properties}


def _path_item(index: int, name: str) -> dict[str, Any]:
    reference = {"$ref": f"#/components/schemas/{name}"}
    parameter = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ok = {"description": "ok", "content": {"application/json": {"schema": reference}}}
    return {
        "parameters": [parameter],
        "get": {
            "operationId": f"get{name}",
            "summary": f"Read one {name}",
            "responses": {"200": ok, "404": {"description": "not found"}},
        },
        "put": {
            "operationId": f"put{name}",
            "summary": f"Replace one {name}",
            "requestBody": {"content": {"application/json": {"schema": reference}}},
            "responses": {"200": ok},
        },
    }


class _NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes every object out in full, as generated and hand-written descriptions are.

    The generator shares some dicts between operations; PyYAML would write them
    once with an anchor and then as aliases, which real descriptions rarely do.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _paths_for(target_bytes: int, dumper: type) -> int:
    """How many path items make both forms at least ``target_bytes`` long (5% to spare)."""
    sample = 50
    spec = openapi_document(sample)
    per_path = (
        min(
            len(yaml.dump(spec, Dumper=dumper, sort_keys=False, width=200)),
            len(json.dumps(spec, indent=1)),
        )
        / sample
    )
    return max(sample, int(target_bytes * 1.05 / per_path) + 1)


def arazzo_document(description: str, operation_id: str) -> dict[str, Any]:
    return {
        "arazzo": "1.0.1",
        "info": {"title": "One call into a large API", "version": "1"},
        "sourceDescriptions": [{"name": "big", "url": description, "type": "openapi"}],
        "workflows": [
            {
                "workflowId": "readOne",
                "steps": [
                    {
                        "stepId": "read",
                        "operationId": operation_id,
                        "parameters": [{"name": "id", "in": "path", "value": "7"}],
                        "successCriteria": [{"condition": "$statusCode == 200"}],
                    }
                ],
            }
        ],
    }


def write_documents(directory: Path, target_bytes: int = TARGET_BYTES) -> dict[str, Path]:
    """``yaml`` and ``json`` Arazzo documents, each over a description of ``target_bytes``+."""
    dumper = _NoAliasDumper
    paths = _paths_for(target_bytes, dumper)
    spec = openapi_document(paths)
    as_yaml = yaml.dump(spec, Dumper=dumper, sort_keys=False, width=200)
    as_json = json.dumps(spec, indent=1)
    (directory / "big.yaml").write_text(as_yaml, encoding="utf-8")
    (directory / "big.json").write_text(as_json, encoding="utf-8")
    operation = f"getResource{paths // 2:05d}"
    written = {}
    for kind in ("yaml", "json"):
        path = directory / f"flow-{kind}.arazzo.yaml"
        document = arazzo_document(f"big.{kind}", operation)
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        written[kind] = path
    return written
