"""Arazzo 1.1 values run through the CLI: Selector Objects, Expression Type Objects,
JSONPath replacement targets, and what a 1.0 document keeps meaning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests._support.cli import run_cli
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.servers import Reply, ScriptedServer

OPERATIONS = [
    ("getUser", "GET", "/users/{id}"),
    ("getInvoice", "GET", "/invoice"),
    ("createOrder", "POST", "/orders"),
]


def write(tmp_path: Path, steps: list[dict[str, Any]], version: str = "1.1.0", **wf: Any) -> Path:
    doc = arazzo_document({"workflowId": "w", "steps": steps, **wf})
    doc["arazzo"] = version
    return write_documents(tmp_path, doc, {"api.yaml": openapi_for(OPERATIONS)})


def run(path: Path, server: ScriptedServer, *extra: str) -> Any:
    return run_cli("run", str(path), "--server", f"api={server.base_url}", *extra)


def selector(context: str, text: str, type_: Any) -> dict[str, Any]:
    return {"context": context, "selector": text, "type": type_}


INVOICE = "<Invoice><Header><Number>INV-7</Number><Total>12.5</Total></Header></Invoice>"


def test_selector_objects_in_outputs_parameters_payloads_and_replacements(
    tmp_path: Path, server: ScriptedServer
) -> None:
    steps = [
        {
            "stepId": "user",
            "operationId": "getUser",
            "parameters": [{"name": "id", "in": "path", "value": 7}],
            "outputs": {
                "email": selector("$response.body", "$.profile.email", "jsonpath"),
                "tags": selector("$response.body", "$.tags[*]", "jsonpath"),
                "first": selector("$response.body", "/tags/0", "jsonpointer"),
                "whole": "$response.body",
            },
        },
        {
            "stepId": "invoice",
            "operationId": "getInvoice",
            "outputs": {
                "xml": "$response.body",
                "number": selector(
                    "$response.body",
                    "/Invoice/Header/Number",
                    {"type": "xpath", "version": "xpath-30"},
                ),
                "total": selector("$response.body", "number(//Total)", "xpath"),
            },
        },
        {
            "stepId": "order",
            "operationId": "createOrder",
            "parameters": [
                {
                    "name": "X-Invoice",
                    "in": "header",
                    "value": selector(
                        "$steps.invoice.outputs.xml",
                        "string(/Invoice/Header/Number)",
                        {"type": "xpath", "version": "xpath-10"},
                    ),
                }
            ],
            "requestBody": {
                "contentType": "application/json",
                "payload": {
                    "invoiceId": selector(
                        "$steps.invoice.outputs.xml", "/Invoice/Header/Number", "xpath"
                    ),
                    "items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 1}],
                },
                "replacements": [
                    {
                        "target": "$.items[?@.sku=='A'].qty",
                        "targetSelectorType": "jsonpath",
                        "value": selector("$steps.user.outputs.whole", "$.limits.qty", "jsonpath"),
                    }
                ],
            },
            "successCriteria": [{"condition": "$statusCode == 201"}],
        },
    ]
    outputs = {
        "email": "$steps.user.outputs.email",
        "tags": "$steps.user.outputs.tags",
        "first": "$steps.user.outputs.first",
        "number": "$steps.invoice.outputs.number",
        "total": "$steps.invoice.outputs.total",
        "picked": selector("$steps.user.outputs.whole", "/profile/name", "jsonpointer"),
    }
    path = write(tmp_path, steps, outputs=outputs)
    user = {"profile": {"email": "a@example.com", "name": "Ada"}, "tags": ["x", "y"],
            "limits": {"qty": 5}}  # fmt: skip
    server.script("GET", "/users/7", Reply(200, user))
    server.script(
        "GET", "/invoice", Reply(200, INVOICE, headers={"Content-Type": "application/xml"})
    )
    server.script("POST", "/orders", Reply(201, {"ok": True}))
    result = run(path, server, "--output", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json()["outputs"] == {
        "email": "a@example.com",
        "tags": ["x", "y"],
        "first": "x",
        "number": "INV-7",
        "total": 12.5,
        "picked": "Ada",
    }
    order = server.received[-1]
    assert order.header("X-Invoice") == "INV-7"
    assert order.json() == {
        "invoiceId": "INV-7",
        "items": [{"sku": "A", "qty": 5}, {"sku": "B", "qty": 1}],
    }


def test_a_selector_that_selects_nothing_is_a_null_output_but_fails_a_parameter(
    tmp_path: Path, server: ScriptedServer
) -> None:
    steps = [
        {
            "stepId": "user",
            "operationId": "getUser",
            "parameters": [{"name": "id", "in": "path", "value": 7}],
            "outputs": {"missing": selector("$response.body", "$.nope", "jsonpath")},
        },
        {
            "stepId": "again",
            "operationId": "getUser",
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "value": selector("$inputs.user", "/id", "jsonpointer"),
                }
            ],
        },
    ]
    path = write(tmp_path, steps, outputs={"missing": "$steps.user.outputs.missing"})
    server.script("GET", "/users/7", Reply(200, {"id": 7}))
    result = run(path, server, "--output", "json", "--input", 'user={"name": "x"}')
    assert result.exit_code == 1, result.stdout + result.stderr
    report = result.json()
    assert report["outputs"] == {"missing": None}
    assert "jsonpath '$.nope' on $response.body: the selector selects nothing" in result.stderr
    failure = report["steps"][1]["error"]
    assert "cannot set path parameter 'id'" in failure
    assert "jsonpointer '/id' on $inputs.user: the selector selects nothing" in failure
    assert len(server.received) == 1


def test_a_1_0_document_sends_a_selector_shaped_mapping_as_it_is(
    tmp_path: Path, server: ScriptedServer
) -> None:
    shaped = selector("$inputs.doc", "$.id", "jsonpath")
    steps = [
        {
            "stepId": "order",
            "operationId": "createOrder",
            "requestBody": {"contentType": "application/json", "payload": {"query": shaped}},
        }
    ]
    for version, sent in [
        ("1.0.1", {"query": {"context": '{"id": 3}', "selector": "$.id", "type": "jsonpath"}}),
        ("1.1.0", {"query": 3}),
    ]:
        path = write(tmp_path, steps, version=version)
        server.script("POST", "/orders", Reply(201, {}))
        result = run(path, server, "--input", 'doc={"id": 3}')
        assert result.exit_code == 0, result.stdout + result.stderr
        assert server.received[-1].json() == sent


def test_malformed_selectors_are_located_at_the_field(tmp_path: Path) -> None:
    steps = [
        {
            "stepId": "order",
            "operationId": "createOrder",
            "requestBody": {
                "contentType": "application/json",
                "payload": {"deep": {"id": selector("$response.body", "$.items[", "jsonpath")}},
            },
            "outputs": {"v": selector("$response.body", "/a[", "xpath")},
        }
    ]
    path = write(tmp_path, steps)
    checked = run_cli("validate", str(path))
    assert checked.exit_code == 1, checked.stdout
    assert checked.stdout.count("error[") == 2, checked.stdout
    lines = path.read_text().splitlines()
    jsonpath_line = next(i for i, line in enumerate(lines, 1) if "selector: $.items[" in line)
    xpath_line = next(i for i, line in enumerate(lines, 1) if "selector: /a[" in line)
    assert f":{jsonpath_line}:" in checked.stdout.split("invalid JSONPath query")[0]
    assert f":{xpath_line}:" in checked.stdout.split("invalid XPath 3.1 expression")[0]


def openapi_3_2_search(content_type: str) -> dict[str, Any]:
    """An OpenAPI 3.2 description whose search operation takes the whole query string."""
    return {
        "openapi": "3.2.0",
        "info": {"title": "Search", "version": "1"},
        "paths": {
            "/search": {
                "get": {
                    "operationId": "search",
                    "parameters": [
                        {
                            "name": "filter",
                            "in": "querystring",
                            "required": True,
                            "content": {content_type: {"schema": {"type": "object"}}},
                        }
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


def write_search(tmp_path: Path, content_type: str, value: Any) -> Path:
    tmp_path.mkdir(exist_ok=True)
    step = {
        "stepId": "search",
        "operationId": "search",
        "parameters": [{"name": "filter", "in": "querystring", "value": value}],
        "outputs": {"sort": "$request.query.sort"},
    }
    doc = arazzo_document({"workflowId": "w", "steps": [step], "outputs": {
        "sort": "$steps.search.outputs.sort"}})  # fmt: skip
    doc["arazzo"] = "1.1.0"
    return write_documents(tmp_path, doc, {"api.yaml": openapi_3_2_search(content_type)})


def test_querystring_form_and_json_as_in_the_spec_examples(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.script("GET", "/search", Reply(200, {}))
    form = write_search(
        tmp_path, "application/x-www-form-urlencoded", "category={$inputs.category}&sort=desc"
    )
    checked = run_cli("validate", str(form))
    assert checked.exit_code == 0, checked.stdout
    assert "0 errors" in checked.stdout
    result = run(form, server, "--input", "category=pet toys", "--output", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert server.received[-1].target == "/search?category=pet%20toys&sort=desc"
    assert result.json()["outputs"] == {"sort": "desc"}

    as_json = write_search(tmp_path / "json", "application/json", '{"filter":"active","limit":50}')
    assert run(as_json, server).exit_code == 0
    assert server.received[-1].target == (
        "/search?%7B%22filter%22%3A%22active%22%2C%22limit%22%3A50%7D"
    )


def test_querystring_with_a_query_parameter_is_refused(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write_search(tmp_path, "application/x-www-form-urlencoded", "a=1")
    text = path.read_text().replace(
        "      value: a=1\n",
        "      value: a=1\n    - name: page\n      in: query\n      value: 2\n",
    )
    path.write_text(text)
    checked = run_cli("validate", str(path))
    assert checked.exit_code == 1
    assert "error[querystring-with-query]" in checked.stdout
    assert "the query parameter 'page' with the querystring parameter 'filter'" in checked.stdout
    result = run(path, server)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert server.received == []


def test_1_1_conditions_embed_expressions_and_an_evaluation_error_fails_with_its_reason(
    tmp_path: Path, server: ScriptedServer
) -> None:
    criteria = [
        {"condition": "$statusCode == '200'"},  # a numeric string is coerced
        {
            "context": "$response.body#/status",
            "condition": "^({$inputs.pattern})$",
            "type": "regex",
        },
        {
            "context": "$response.body",
            "condition": "$.items[?@.price > {$inputs.min}]",
            "type": {"type": "jsonpath", "version": "rfc9535"},
        },
        {
            "context": "$response.body",
            "condition": "/items/0/price",
            "type": {"type": "jsonpointer", "version": "rfc6901"},
        },
    ]
    step = {
        "stepId": "user",
        "operationId": "getUser",
        "parameters": [{"name": "id", "in": "path", "value": 1}],
        "successCriteria": criteria,
    }
    path = write(tmp_path, [step])
    server.script("GET", "/users/1", Reply(200, {"status": "active", "items": [{"price": 5}]}))
    passed = run(path, server, "--input", "pattern=act.*", "--input", "min=4")
    assert passed.exit_code == 0, passed.stdout + passed.stderr
    # The filled-in pattern does not compile: that criterion fails, with the reason.
    failed = run(path, server, "--input", "pattern=(", "--input", "min=4", "--output", "json")
    assert failed.exit_code == 1
    error = failed.json()["steps"][0]["error"]
    assert error.startswith("success criterion not met: /^(()$/ is not a valid regular expression")


def test_show_and_dry_run_say_what_a_selector_selects(tmp_path: Path) -> None:
    steps = [{"stepId": "user", "operationId": "getUser", "outputs": {"body": "$response.body"},
              "parameters": [{"name": "id", "in": "path", "value": 1}]}]  # fmt: skip
    outputs = {"email": selector("$steps.user.outputs.body", "$.profile.email", "jsonpath")}
    path = write(tmp_path, steps, outputs=outputs)
    shown = run_cli("show", str(path), "-w", "w")
    assert "email: jsonpath '$.profile.email' on $steps.user.outputs.body" in shown.stdout
    planned = run_cli("run", "--dry-run", str(path), "--server", "api=http://127.0.0.1:9")
    assert "email: jsonpath '$.profile.email' on $steps.user.outputs.body" in planned.stdout


def test_replacement_targets_are_checked_for_their_selector_type(tmp_path: Path) -> None:
    body = {
        "contentType": "application/json",
        "payload": {"a": 1},
        "replacements": [
            {"target": "$.items[", "targetSelectorType": "jsonpath", "value": "x"},
            {"target": "/a", "targetSelectorType": "xpath", "value": "x"},
        ],
    }
    path = write(tmp_path, [{"stepId": "order", "operationId": "createOrder", "requestBody": body}])
    checked = run_cli("validate", str(path))
    assert checked.exit_code == 1, checked.stdout
    lines = path.read_text().splitlines()
    target = next(i for i, line in enumerate(lines, 1) if "$.items[" in line)
    xpath = next(i for i, line in enumerate(lines, 1) if "targetSelectorType: xpath" in line)
    assert f":{target}:" in checked.stdout.split("error[invalid-expression]: invalid JSONPath")[0]
    before = checked.stdout.split("error[invalid-replacement-target]: the xpath")[0]
    assert f":{xpath}:" in before, checked.stdout
    assert "cannot address a body sent as application/json" in checked.stdout
