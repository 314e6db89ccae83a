"""Messages say what a user can act on: values as the document writes them, the right hint.

No message shows a Python representation (``'None'``, ``True``, ``{'a': None}``); a
workflow called through an OpenAPI source, a missing absolute path and a network
failure each get words and a hint that fit them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests._support.cli import run_cli
from tests._support.lint import CLEAN, write_project
from tests._support.servers import Reply, ScriptedServer, closed_port

PYTHON_REPR = re.compile(r"'None'|\bNone\b|\bTrue\b|\bFalse\b|\{'|\['")


def edited(*edits: tuple[str, str]) -> str:
    text = CLEAN
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (
            [("      - stepId: add\n        operationId: addPet\n", "      - description: adds\n")],
            "a step without a stepId names no target",
        ),
        (
            [
                (
                    "          - name: X-Tenant\n            in: header\n"
                    "            value: $inputs.tenant\n",
                    "          - in: header\n",
                )
            ],
            "a parameter without a name is missing the required field 'value'",
        ),
        ([("name: $response.body#/name\n", "name: true\n")], "quote the value: 'true'"),
        (
            [
                (
                    "          - condition: $statusCode == 200\n",
                    "          - condition: $statusCode == 200\n            type: true\n",
                )
            ],
            "not true",
        ),
        (
            [
                (
                    "          - condition: $statusCode == 200\n",
                    "          - condition: $.a\n            context: $response.body\n"
                    "            type: {}\n",
                )
            ],
            "a criterion expression type object needs a type",
        ),
        (
            [("        petId: {type: string}\n", "        petId: {type: null}\n")],
            "null is not one of 'array', 'boolean'",
        ),
        (
            [("        petId: {type: string}\n", "        petId: [x]\n")],
            "[\"x\"] is not of type 'object', 'boolean'",
        ),
    ],
)
def test_messages_about_odd_values_show_them_as_the_document_writes_them(
    tmp_path: Path, edits: list[tuple[str, str]], expected: str
) -> None:
    path = write_project(tmp_path, edited(*edits))
    for command in (["validate"], ["run", "--dry-run"]):
        result = run_cli(*command, str(path))
        text = result.stdout + result.stderr
        assert result.exit_code in (1, 2), text
        assert expected in text
        assert not PYTHON_REPR.search(text), text


def test_a_run_input_of_the_wrong_type_is_shown_as_json(tmp_path: Path) -> None:
    path = write_project(tmp_path, CLEAN)
    inputs = tmp_path / "inputs.json"
    inputs.write_text('{"petId": null, "tenant": true}')
    result = run_cli("run", str(path), "--inputs", str(inputs))
    assert result.exit_code == 2, result.stderr
    assert "null is not of type 'string'" in result.stderr
    assert not PYTHON_REPR.search(result.stderr), result.stderr


def test_a_response_that_breaks_its_schema_is_described_in_json(
    tmp_path: Path, server: ScriptedServer
) -> None:
    openapi = (
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n"
        "      operationId: getX\n      responses:\n        '200':\n          description: ok\n"
        "          content:\n            application/json:\n"
        "              schema: {type: object, properties: {a: {type: string}}}\n"
    )
    document = (
        "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\nsourceDescriptions:\n"
        "  - {name: pets, url: pets.openapi.yaml, type: openapi}\nworkflows:\n"
        "  - workflowId: w\n    steps:\n      - stepId: s\n        operationId: getX\n"
    )
    path = write_project(tmp_path, document, openapi)
    server.script("GET", "/x", Reply(200, {"a": None}))
    result = run_cli("run", str(path), "--server", f"pets={server.base_url}")
    assert "null is not of type 'string'" in result.stdout + result.stderr
    assert "None" not in result.stdout + result.stderr


def test_a_config_value_of_the_wrong_type_is_shown_as_toml_writes_it(tmp_path: Path) -> None:
    path = write_project(tmp_path, CLEAN)
    config = tmp_path / "arazzo.toml"
    config.write_text("max-steps = true\n")
    result = run_cli("run", str(path), "--config", str(config), cwd=tmp_path)
    assert result.exit_code == 2
    assert "got true" in result.stderr


def test_a_workflow_called_through_an_openapi_source_is_explained(tmp_path: Path) -> None:
    document = edited(
        ("      - stepId: add\n        operationId: addPet\n",
         "      - stepId: add\n        workflowId: $sourceDescriptions.pets.addPet\n"),
    )  # fmt: skip
    path = write_project(tmp_path, document)
    result = run_cli("validate", str(path))
    assert "source description 'pets' is an OpenAPI description, which has no workflows" in (
        result.stdout
    )
    assert "write operationId: $sourceDescriptions.pets.addPet (not workflowId)" in result.stdout
    assert "no workflow '$sourceDescriptions" not in result.stdout


def test_only_a_relative_url_gets_the_relative_url_hint(tmp_path: Path) -> None:
    absolute = tmp_path / "elsewhere" / "pets.openapi.yaml"
    for url, hinted in (("missing.openapi.yaml", True), (str(absolute), False)):
        path = write_project(tmp_path, edited(("url: pets.openapi.yaml", f"url: {url}")))
        for command in (["validate"], ["run", "--dry-run"]):
            result = run_cli(*command, str(path))
            text = result.stdout + result.stderr
            assert "file not found" in text
            assert ("a relative url is resolved" in text) is hinted, text


def test_a_network_failure_says_so_and_suggests_a_local_copy(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/pets.openapi.yaml"
    path = write_project(tmp_path, edited(("url: pets.openapi.yaml", f"url: {url}")))
    for command in (["validate"], ["run"]):
        result = run_cli(*command, str(path))
        text = result.stdout + result.stderr
        assert result.exit_code in (1, 2), text
        assert "a network failure (the connection was refused)" in text
        assert "point the url at a local copy" in text and "--offline" in text
        assert "Errno" not in text and "relative url" not in text
