"""Response checks against the OpenAPI description, run through the real CLI and the API.

Each check is driven by a scripted server on 127.0.0.1 that answers what the
description does not declare, at ``warn`` (the step passes with a warning)
and at ``error`` (the step fails, exit code 1).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.engine import RunOptions
from arazzo_runner.engine.events import RunListener
from arazzo_runner.http.messages import Exchange, ResponseRecord
from arazzo_runner.http.response_checks import CHECKS, CheckSeverity, ResponseChecker
from tests._support.cli import run_cli
from tests._support.documents import arazzo_document, write_documents
from tests._support.servers import Reply, ScriptedServer

PET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "tag": {"type": "string", "nullable": True},
        "owner": {"$ref": "#/components/schemas/Owner"},
    },
}


def openapi(version: str = "3.0.3") -> dict[str, Any]:
    pet = dict(PET_SCHEMA)
    owner: dict[str, Any] = {"type": "object", "properties": {"email": {"type": "string"}}}
    if version.startswith("3.1"):
        pet["properties"] = {**PET_SCHEMA["properties"], "tag": {"type": ["string", "null"]}}
    return {
        "openapi": version,
        "info": {"title": "pets", "version": "1"},
        "servers": [{"url": "http://localhost:1"}],
        "paths": {
            "/pets/{id}": {
                "get": {
                    "operationId": "getPet",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "a pet",
                            "headers": {
                                "X-Rate-Limit": {"required": True, "schema": {"type": "integer"}}
                            },
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        },
                        "4XX": {"$ref": "#/components/responses/Problem"},
                    },
                }
            },
            "/pets/{id}/photo": {
                "delete": {
                    "operationId": "deletePhoto",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"204": {"description": "gone"}, "default": {"description": "x"}},
                }
            },
        },
        "components": {
            "schemas": {"Pet": pet, "Owner": owner},
            "responses": {
                "Problem": {
                    "description": "a problem",
                    "content": {"application/*": {"schema": {"type": "object"}}},
                }
            },
        },
    }


def arazzo(*steps: dict[str, Any]) -> dict[str, Any]:
    flow = {"workflowId": "flow", "steps": list(steps)}
    return arazzo_document(flow, title="checks", source_url="pets.openapi.yaml", source_name="pets")


def get_pet(**fields: Any) -> dict[str, Any]:
    return {
        "stepId": "getPet",
        "operationId": "getPet",
        "parameters": [{"name": "id", "in": "path", "value": "7"}],
        "successCriteria": [{"condition": "$statusCode < 500"}],
        **fields,
    }


GOOD_PET = {"id": 7, "name": "Rex", "tag": None, "owner": {"email": "a@example.com"}}
RATE = {"X-Rate-Limit": "10"}


def write(tmp_path: Path, version: str = "3.0.3") -> Path:
    return write_documents(tmp_path, arazzo(get_pet()), {"pets.openapi.yaml": openapi(version)})


def cli(path: Path, server: ScriptedServer, *args: str, cwd: Path | None = None) -> Any:
    return run_cli("run", str(path), "--server", f"pets={server.base_url}", *args, cwd=cwd)


def step_json(result: Any) -> dict[str, Any]:
    document = result.json()
    return document["steps"][0]  # type: ignore[no-any-return]


def assert_warned(result: Any, text: str) -> None:
    """At warn: the step passes, and the warning is on stderr and in the JSON result."""
    assert result.exit_code == 0, result.stderr
    assert text in result.stderr
    step = step_json(result)
    assert step["status"] == "succeeded"
    assert any(text in warning for warning in step["warnings"])


def assert_json_lists_warnings(result: Any) -> None:
    """The JSON result lists a step's warnings."""
    assert step_json(result)["warnings"]


def assert_failed(result: Any, text: str) -> None:
    assert result.exit_code == 1, result.stderr
    step = step_json(result)
    assert step["status"] == "failed"
    assert text in step["error"]


# --------------------------------------------------------------------------- each check


def test_a_conforming_response_passes_every_check_without_warnings(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/pets/7", Reply(200, GOOD_PET, RATE))
    result = cli(write(tmp_path), server, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert "response check" not in result.stderr


def test_undeclared_status_warns_by_default(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/pets/7", Reply(302, None, {"Location": "/elsewhere"}))
    result = cli(write(tmp_path), server, "-o", "json")
    assert_warned(result, "response check status-code-declared failed: HTTP 302 is not among")
    assert "(declared: 200, 4XX)" in result.stderr
    assert_json_lists_warnings(result)


def test_undeclared_status_at_error_fails_the_step(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/pets/7", Reply(302, None, {"Location": "/elsewhere"}))
    result = cli(write(tmp_path), server, "-o", "json", "--check", "status-code-declared=error")
    assert_failed(result, "response check status-code-declared failed: HTTP 302 is not among")


def test_a_range_and_a_referenced_response_declare_a_status(
    tmp_path: Path, server: ScriptedServer
) -> None:
    problem = {"Content-Type": "application/problem+json"}
    server.script("GET", "/pets/7", Reply(404, {"code": "nope"}, problem))
    strict = ["--check", "status-code-declared=error", "--check", "content-type-declared=error"]
    result = cli(write(tmp_path), server, "-o", "json", *strict, "--check", "body-schema=error")
    assert result.exit_code == 0, result.stdout + result.stderr


def test_undeclared_content_type_warns(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/pets/7", Reply(200, "<pet/>", {**RATE, "Content-Type": "text/xml"}))
    result = cli(write(tmp_path), server, "-o", "json")
    assert_warned(
        result,
        "response check content-type-declared failed: text/xml is not declared for HTTP 200 "
        "(declared: application/json)",
    )
    assert_json_lists_warnings(result)


def test_undeclared_content_type_at_error_fails(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/pets/7", Reply(200, "<pet/>", {**RATE, "Content-Type": "text/xml"}))
    result = cli(write(tmp_path), server, "-o", "json", "--check", "content-type-declared=error")
    assert_failed(result, "content-type-declared failed: text/xml is not declared")


def test_a_body_violating_the_schema_warns_with_the_json_path(
    tmp_path: Path, server: ScriptedServer
) -> None:
    bad = {"id": "seven", "name": "Rex", "owner": {"email": 5}}
    server.script("GET", "/pets/7", Reply(200, bad, RATE))
    result = cli(write(tmp_path), server, "-o", "json")
    assert_warned(result, "response check body-schema failed: the body does not match the schema")
    assert "at $.id: 'seven' is not of type 'integer'" in result.stderr
    assert "at $.owner.email: 5 is not of type 'string'" in result.stderr
    assert_json_lists_warnings(result)


def test_a_body_violating_the_schema_at_error_fails_with_exit_1(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/pets/7", Reply(200, {"id": 7}, RATE))
    result = cli(write(tmp_path), server, "-o", "json", "--check", "body-schema=error")
    assert_failed(result, "response check body-schema failed: the body does not match the schema")
    assert "at $: 'name' is a required property" in step_json(result)["error"]


def test_text_output_shows_the_failed_check(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/pets/7", Reply(200, {"id": 7}, RATE))
    result = cli(write(tmp_path), server, "--check", "body-schema=error")
    assert result.exit_code == 1
    assert "body-schema failed" in result.stdout


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_nullable_and_type_lists_follow_the_description_version(
    tmp_path: Path, server: ScriptedServer, version: str
) -> None:
    server.script("GET", "/pets/7", Reply(200, {**GOOD_PET, "tag": None}, RATE))
    result = cli(write(tmp_path, version), server, "-o", "json", "--check", "body-schema=error")
    assert result.exit_code == 0, result.stdout + result.stderr
    server.script("GET", "/pets/7", Reply(200, {**GOOD_PET, "tag": 3}, RATE))
    result = cli(write(tmp_path, version), server, "-o", "json", "--check", "body-schema=error")
    assert_failed(result, "at $.tag: 3 is not of type")


def test_a_missing_required_header_warns(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/pets/7", Reply(200, GOOD_PET))
    result = cli(write(tmp_path), server, "-o", "json")
    assert_warned(result, "headers-declared failed: required response header(s) missing: X-Rate")
    assert_json_lists_warnings(result)


def test_an_empty_body_needs_no_declared_content(tmp_path: Path, server: ScriptedServer) -> None:
    doc = arazzo(
        {
            "stepId": "delete",
            "operationId": "deletePhoto",
            "parameters": [{"name": "id", "in": "path", "value": "7"}],
        }
    )
    path = write_documents(tmp_path, doc, {"pets.openapi.yaml": openapi()})
    server.script("DELETE", "/pets/7/photo", Reply(204))
    checks = [arg for name in ("status-code-declared", "content-type-declared", "body-schema")
              for arg in ("--check", f"{name}=error")]  # fmt: skip
    result = cli(path, server, "-o", "json", *checks)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_no_checks_turns_everything_off(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("GET", "/pets/7", Reply(302, "x", {"Content-Type": "text/xml"}))
    result = cli(write(tmp_path), server, "-o", "json", "--no-checks")
    assert result.exit_code == 0
    assert "response check" not in result.stderr


# --------------------------------------------------------------------------- settings


def test_the_config_file_sets_severities_and_the_command_line_wins(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path)
    (tmp_path / "arazzo.toml").write_text('[checks]\nbody-schema = "error"\n')
    server.script("GET", "/pets/7", Reply(200, {"id": 7}, RATE))
    from_config = cli(path, server, "-o", "json", cwd=tmp_path)
    assert_failed(from_config, "body-schema failed")
    overruled = cli(path, server, "-o", "json", "--check", "body-schema=warn", cwd=tmp_path)
    assert overruled.exit_code == 0, overruled.stderr
    assert "body-schema failed" in overruled.stderr


def test_pyproject_tool_arazzo_is_found_from_a_subdirectory(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.arazzo]\ntimeout = 5\n[tool.arazzo.servers]\npets = "{server.base_url}"\n'
        '[tool.arazzo.checks]\nstatus-code-declared = "error"\n'
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    server.script("GET", "/pets/7", Reply(302))
    result = run_cli("run", str(path), "-o", "json", cwd=nested)  # the server comes from config
    assert_failed(result, "status-code-declared failed")


def test_config_option_names_the_file(tmp_path: Path, server: ScriptedServer) -> None:
    path = write(tmp_path)
    config = tmp_path / "strict.toml"
    config.write_text('checks = { status-code-declared = "error" }\n')
    server.script("GET", "/pets/7", Reply(302))
    result = cli(path, server, "-o", "json", "--config", str(config))
    assert_failed(result, "status-code-declared failed")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "body-shape=error"], "--check: unknown check 'body-shape'"),
        (["--check", "body-schema=fatal"], "'fatal' is not a severity for check 'body-schema'"),
        (["--check", "body-schema"], "--check expects NAME=SEVERITY"),
    ],
)
def test_bad_check_values_are_usage_errors(
    tmp_path: Path, server: ScriptedServer, args: list[str], message: str
) -> None:
    result = cli(write(tmp_path), server, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "status-code-declared, content-type-declared, body-schema, headers-declared" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert server.received == []


def test_a_bad_config_file_is_a_usage_error(tmp_path: Path, server: ScriptedServer) -> None:
    (tmp_path / "arazzo.toml").write_text('[checks]\nbody-schema = "loud"\n')
    result = cli(write(tmp_path), server, cwd=tmp_path)
    assert result.exit_code == 2
    assert "arazzo.toml: checks: 'loud' is not a severity for check 'body-schema'" in (
        result.stderr
    )


# --------------------------------------------------------------------------- the Python API


class ExchangeRecorder(RunListener):
    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def exchange(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)


def test_checks_are_recorded_on_each_exchange_in_both_drivers(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/pets/7", Reply(200, {"id": "x", "name": "Rex"}, RATE))
    loaded = load(str(write(tmp_path)))
    checker = ResponseChecker(
        {"body-schema": CheckSeverity.ERROR, "headers-declared": CheckSeverity.OFF}
    )
    options = RunOptions(server_overrides={"pets": server.base_url}, response_checks=checker)
    for driver in ("sync", "async"):
        recorder = ExchangeRecorder()
        if driver == "sync":
            result = loaded.run("flow", options=options, listener=recorder)
        else:
            result = asyncio.run(loaded.arun("flow", options=options, listener=recorder))
        assert not result.succeeded
        checks = {c.name: c for c in recorder.exchanges[0].checks}
        assert set(checks) == {"status-code-declared", "content-type-declared", "body-schema"}
        assert checks["status-code-declared"].outcome == "passed"
        assert checks["body-schema"].outcome == "failed"
        assert checks["body-schema"].severity == "error"
        assert "at $.id" in checks["body-schema"].message


def test_check_returns_verdicts_and_leaves_the_step_to_the_caller(tmp_path: Path) -> None:
    loaded = load(str(write(tmp_path)))
    step = loaded.workflow("flow").steps[0]
    operation = loaded.sources.resolve(step)
    checker = ResponseChecker({"body-schema": CheckSeverity.ERROR})
    response = ResponseRecord(200, [("Content-Type", "application/json")], b'{"id": "x"}')
    verdicts = checker.check(operation, response)
    assert [(v.name, v.outcome, v.severity) for v in verdicts] == [
        ("status-code-declared", "passed", "warn"),
        ("content-type-declared", "passed", "warn"),
        ("body-schema", "failed", "error"),
        ("headers-declared", "failed", "warn"),
    ]
    assert verdicts[2].failure.startswith("response check body-schema failed: the body does not")
    silent = ResponseChecker(dict.fromkeys(CHECKS, CheckSeverity.OFF))
    assert silent.check(operation, response) == []
