"""OpenAPI 2.0 (Swagger) source descriptions, run end to end against a local server."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import yaml

from tests._support.cli import run_cli
from tests._support.servers import Reply, ScriptedServer


def swagger(host: str, **fields: Any) -> dict[str, Any]:
    """A pet store in Swagger 2.0: a body, a form, an array query and $ref'd definitions."""
    return {
        "swagger": "2.0",
        "info": {"title": "pets", "version": "1"},
        "host": host,
        "basePath": "/v2",
        "schemes": ["http"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "parameters": {
            "petId": {"name": "petId", "in": "path", "required": True, "type": "integer"},
        },
        "paths": {
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "parameters": [
                        {
                            "name": "pet",
                            "in": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Pet"},
                        }
                    ],
                    "responses": {
                        "201": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}
                    },
                },
                "get": {
                    "operationId": "findPets",
                    "parameters": [
                        {
                            "name": "tags",
                            "in": "query",
                            "required": True,
                            "type": "array",
                            "items": {"type": "string"},
                            "collectionFormat": "pipes",
                        },
                        {"name": "limit", "in": "query", "type": "integer", "default": 5},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                        }
                    },
                },
            },
            "/pets/{petId}": {
                "parameters": [{"$ref": "#/parameters/petId"}],
                "post": {
                    "operationId": "renamePet",
                    "consumes": ["application/x-www-form-urlencoded"],
                    "parameters": [
                        {"name": "name", "in": "formData", "required": True, "type": "string"},
                        {"name": "status", "in": "formData", "type": "string"},
                    ],
                    "responses": {"200": {"description": "ok"}},
                },
            },
        },
        "definitions": {
            "Pet": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            }
        },
        **fields,
    }


WORKFLOW: dict[str, Any] = {
    "workflowId": "adopt",
    "steps": [
        {
            "stepId": "add",
            "operationId": "addPet",
            "requestBody": {"payload": {"id": 7, "name": "Rex"}},
            "successCriteria": [{"condition": "$statusCode == 201"}],
            "outputs": {"id": "$response.body#/id"},
        },
        {
            "stepId": "find",
            "operationPath": "{$sourceDescriptions.pets.url}#/paths/~1pets/get",
            "parameters": [{"name": "tags", "in": "query", "value": ["dog", "young"]}],
            "successCriteria": [{"condition": "$statusCode == 200"}],
        },
        {
            "stepId": "rename",
            "operationId": "renamePet",
            "parameters": [{"name": "petId", "in": "path", "value": "$steps.add.outputs.id"}],
            "requestBody": {
                "contentType": "application/x-www-form-urlencoded",
                "payload": {"name": "Max"},
            },
            "successCriteria": [{"condition": "$statusCode == 200"}],
        },
    ],
    "outputs": {"id": "$steps.add.outputs.id"},
}


def write(directory: Path, description: dict[str, Any], workflow: dict[str, Any]) -> Path:
    (directory / "pets.yaml").write_text(yaml.safe_dump(description, sort_keys=False))
    arazzo = {
        "arazzo": "1.0.1",
        "info": {"title": "swagger", "version": "1"},
        "sourceDescriptions": [{"name": "pets", "url": "pets.yaml", "type": "openapi"}],
        "workflows": [workflow],
    }
    path = directory / "flow.arazzo.yaml"
    path.write_text(yaml.safe_dump(arazzo, sort_keys=False))
    return path


def _host(server: ScriptedServer) -> str:
    return server.base_url.removeprefix("http://")


def test_a_swagger_description_runs_with_its_host_body_form_and_query(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, swagger(_host(server)), WORKFLOW)
    server.script("POST", "/v2/pets", Reply(201, {"id": 7, "name": "Rex"}))
    server.script("GET", "/v2/pets", Reply(200, [{"id": 7, "name": "Rex"}]))
    server.script("POST", "/v2/pets/7", Reply(200))

    validated = run_cli("validate", str(path))
    assert validated.exit_code == 0, validated.stdout + validated.stderr
    assert "0 errors, 0 warnings" in validated.stdout
    result = run_cli("run", str(path), "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"] == {"id": 7}
    add, find, rename = server.received
    assert add.json() == {"id": 7, "name": "Rex"}
    assert add.header("Content-Type") == "application/json"
    # pipes: the array in one value; the defaulted limit is left to the server.
    assert find.target == "/v2/pets?tags=dog%7Cyoung"
    assert rename.header("Content-Type") == "application/x-www-form-urlencoded"
    assert parse_qs(rename.body.decode()) == {"name": ["Max"]}
    assert "warning" not in result.stderr


def test_responses_are_checked_against_the_swagger_schema(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, swagger(_host(server)), WORKFLOW)
    server.script("POST", "/v2/pets", Reply(201, {"id": "seven"}))
    server.script("GET", "/v2/pets", Reply(200, []))
    server.script("POST", "/v2/pets/seven", Reply(200))
    result = run_cli("run", str(path))
    assert result.exit_code == 0, result.stderr
    assert "step 'add': response check body-schema failed" in result.stderr
    assert "'name' is a required property" in result.stderr


def test_the_parameter_check_knows_swagger_parameters(tmp_path: Path) -> None:
    workflow = copy.deepcopy(WORKFLOW)
    del workflow["steps"][1]["parameters"]  # tags is required
    workflow["steps"][2]["parameters"].append({"name": "nope", "in": "query", "value": 1})
    path = write(tmp_path, swagger("api.test"), workflow)
    result = run_cli("validate", str(path))
    assert "required query parameter 'tags'" in result.stdout
    assert "'nope'" in result.stdout
    assert "not an OpenAPI" not in result.stdout


def test_without_a_host_the_dry_run_plans_the_base_path(tmp_path: Path) -> None:
    description = swagger("x")
    del description["host"], description["schemes"]
    path = write(tmp_path, description, WORKFLOW)
    result = run_cli("run", str(path), "--dry-run", "-o", "json")
    assert result.exit_code == 0, result.stderr
    add = result.json()["steps"][0]
    assert add["url"] == "/v2/pets"
    assert "pass --server pets=https://host/base-path" in add["serverNote"]


def test_a_form_with_a_file_parameter_is_sent_as_multipart(
    tmp_path: Path, server: ScriptedServer
) -> None:
    description = swagger(_host(server))
    rename = description["paths"]["/pets/{petId}"]["post"]
    rename["consumes"] = ["multipart/form-data"]
    rename["parameters"].append({"name": "photo", "in": "formData", "type": "file"})
    workflow = {
        "workflowId": "upload",
        "steps": [
            {
                "stepId": "upload",
                "operationId": "renamePet",
                "parameters": [{"name": "petId", "in": "path", "value": 1}],
                "requestBody": {
                    "contentType": "multipart/form-data",
                    "payload": {"name": "Max", "photo": "PNG..."},
                },
            }
        ],
    }
    server.script("POST", "/v2/pets/1", Reply(200))
    result = run_cli("run", str(write(tmp_path, description, workflow)))
    assert result.exit_code == 0, result.stderr
    body = server.received[0].body.decode()
    assert 'name="name"\r\nContent-Type: text/plain\r\n\r\nMax' in body
    assert (
        'name="photo"; filename="photo"\r\nContent-Type: application/octet-stream\r\n\r\nPNG...'
        in body
    )
