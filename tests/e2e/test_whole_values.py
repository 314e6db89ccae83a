"""Values that start like one runtime expression but are not one, validated and run.

An output such as ``$response.body[0].id`` must not run and "succeed" with the
body's text followed by ``[0].id``: it is refused with the JSON Pointer form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests._support.cli import run_cli
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.servers import Reply, ScriptedServer

OPERATIONS = [("listItems", "GET", "/items"), ("getItem", "GET", "/items/{id}")]


def write(tmp_path: Path, outputs: dict[str, Any], **step: Any) -> Path:
    listing = {"stepId": "list", "operationId": "listItems", "outputs": outputs, **step}
    doc = arazzo_document({"workflowId": "w", "steps": [listing]}, source_url="api.yaml")
    return write_documents(tmp_path, doc, {"api.yaml": openapi_for(OPERATIONS)})


def run(path: Path, server: ScriptedServer, *extra: str) -> Any:
    return run_cli("run", str(path), "--server", f"api={server.base_url}", *extra)


def test_an_output_with_a_path_after_the_expression_is_refused_with_the_pointer_form(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, {"first": "$response.body[0].id", "nested": "$response.body.a[1].b"})
    checked = run_cli("validate", str(path))
    assert checked.exit_code == 1
    assert checked.stdout.count("error[partial-expression]") == 2
    assert "the output is the value of $response.body followed by the text '[0].id'" in (
        checked.stdout
    )
    assert "a JSON Pointer after '#': $response.body#/0/id" in checked.stdout
    assert "$response.body#/a/1/b" in checked.stdout
    assert "{$response.body}" not in checked.stdout  # the old advice changed the meaning
    for command in (["run"], ["run", "--dry-run"]):
        result = run_cli(*command, str(path), "--server", f"api={server.base_url}")
        assert result.exit_code == 2, result.stdout
        assert "$response.body#/0/id" in result.stderr
    assert server.received == []


def test_the_pointer_form_and_the_dotted_body_run(tmp_path: Path, server: ScriptedServer) -> None:
    outputs = {"first": "$response.body#/items/0/id", "count": "$response.body.count"}
    path = write(tmp_path, {})
    doc = yaml.safe_load(path.read_text())
    doc["workflows"][0]["outputs"] = {
        "first": "$steps.list.outputs.first", "count": "$steps.list.outputs.count"
    }  # fmt: skip
    doc["workflows"][0]["steps"][0]["outputs"] = outputs
    path.write_text(yaml.safe_dump(doc))
    server.script("GET", "/items", Reply(200, {"items": [{"id": 7}], "count": 1}))
    result = run(path, server, "--output", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"] == {"first": 7, "count": 1}


def test_a_comparison_as_an_output_points_to_criteria(tmp_path: Path) -> None:
    path = write(tmp_path, {"created": "$statusCode == 201", "any": "$response.body.length > 0"})
    checked = run_cli("validate", str(path))
    assert checked.exit_code == 1
    assert "'$statusCode == 201' is a comparison, which a value cannot be" in checked.stdout
    assert "a comparison belongs in successCriteria or an action's criteria" in checked.stdout
    assert "(write $response.body.length)" in checked.stdout


def test_a_wildcard_has_no_pointer_form_and_the_hint_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, {"ids": "$response.body.items[*].id"})
    checked = run_cli("validate", str(path))
    assert "error[partial-expression]" in checked.stdout
    assert "no wildcards or filters" in checked.stdout


def test_in_a_parameter_it_is_a_warning_and_the_value_is_sent_as_written(
    tmp_path: Path, server: ScriptedServer
) -> None:
    header = {"name": "X-When", "in": "header", "value": "$datetime.iso8601"}
    query = {"name": "first", "in": "query", "value": "$inputs.ids[0]"}
    path = write(tmp_path, {}, parameters=[header, query])
    checked = run_cli("validate", str(path))
    assert checked.exit_code == 0, checked.stdout
    assert "warning[unknown-expression-root]" in checked.stdout
    assert "it is sent as this literal text" in checked.stdout
    assert "warning[text-after-expression]" in checked.stdout
    assert "$inputs.ids#/0" in checked.stdout
    server.script("GET", "/items", Reply(200, []))
    result = run(path, server, "--input", "ids=[1,2]")
    assert result.exit_code == 0, result.stderr
    assert "'$datetime.iso8601' is not a runtime expression" in result.stderr
    (sent,) = server.received
    assert sent.header("X-When") == "$datetime.iso8601"
    assert sent.query["first"] == ["[1,2][0]"]
