"""One-line text for actions and criteria (show, dry run, graph) and the pytest plugin's text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from arazzo_runner.http.messages import Exchange, PreparedRequest, ResponseRecord
from arazzo_runner.masking import SecretMasker
from arazzo_runner.pytest_plugin import _read_inputs_file, describe_failure, parse_server_pairs
from arazzo_runner.reporting.describe import describe_action, describe_criterion, shorten
from arazzo_runner.results import RunError, Status, StepResult, WorkflowResult

RETRY = {
    "name": "again",
    "type": "retry",
    "stepId": "poll",
    "retryAfter": 1.5,
    "retryLimit": 3,
    "criteria": [{"condition": "$statusCode ==\n  503"}],
}


def test_an_action_on_one_line_with_or_without_its_target() -> None:
    assert describe_action(RETRY) == "retry again -> poll (max 3, after 1.5s) if $statusCode == 503"
    assert describe_action(RETRY, target=False) == (
        "retry again (max 3, after 1.5s) if $statusCode == 503"
    )
    assert describe_action({"name": "e", "type": "end"}) == "end e"
    no_wait = {"name": "r", "type": "retry", "retryAfter": None, "retryLimit": 1}
    assert describe_action(no_wait) == "retry r (max 1)"


def test_a_criterion_names_its_type_unless_simple_and_may_be_shortened() -> None:
    jsonpath = {"condition": "$[?@.a]", "context": "$response.body", "type": "jsonpath"}
    assert describe_criterion(jsonpath) == "$[?@.a] (jsonpath in $response.body)"
    versioned = {"condition": "//a", "type": {"type": "xpath", "version": "xpath-30"}}
    assert describe_criterion(versioned) == "//a (xpath xpath-30)"
    assert describe_criterion({"condition": "$statusCode == 200", "type": "simple"}) == (
        "$statusCode == 200"
    )
    long = {"condition": "x" * 80}
    assert describe_criterion(long, limit=60) == "x" * 57 + "..."
    assert shorten("short", 60) == "short"


def test_the_plugin_reads_inputs_files_as_yaml_1_2(tmp_path: Path) -> None:
    path = tmp_path / "inputs.yaml"
    path.write_text("flow:\n  mode: on\n  answer: yes\n  count: 010\n")
    assert _read_inputs_file(path) == {"flow": {"mode": "on", "answer": "yes", "count": 10}}
    (tmp_path / "bad.yaml").write_text("flow: [1\n")
    with pytest.raises(pytest.UsageError, match=r"Arazzo inputs file .*bad.yaml:2:1: invalid"):
        _read_inputs_file(tmp_path / "bad.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(pytest.UsageError, match="must map each workflowId"):
        _read_inputs_file(tmp_path / "list.yaml")


def test_the_plugin_splits_servers_like_the_cli() -> None:
    assert parse_server_pairs(["api = http://h ", "b=http://i"]) == {
        "api": "http://h",
        "b": "http://i",
    }
    with pytest.raises(pytest.UsageError, match="--arazzo-server expects SOURCE=URL, got 'x'"):
        parse_server_pairs(["x"])


def test_the_plugins_failure_text_is_masked() -> None:
    masker = SecretMasker()
    masker.add("tok-SECRET-123456")
    masker.add_query_name("api_key")
    request = PreparedRequest("GET", "http://h/x", [], [("api_key", "k-VALUE-999")], None)
    body = b'{"echo": "tok-SECRET-123456"}'
    exchange = Exchange(
        "flow", "get", 1, request, datetime.now(UTC), ResponseRecord(401, [], body, reason="No")
    )
    result = WorkflowResult(
        "flow",
        Status.FAILED,
        steps=[StepResult("get", Status.FAILED, error="bad token tok-SECRET-123456")],
        error=RunError("bad token tok-SECRET-123456", "get"),
    )
    text = describe_failure(result, [exchange], masker)
    assert text.splitlines() == [
        "workflow 'flow' failed",
        "  failing step: get",
        "  reason: bad token ***",
        "  request:  GET http://h/x?api_key=***",
        "  response: 401 No",
        '  body:     {"echo": "***"}',
    ]
