"""Workflows that call themselves again: refused when always, bounded when on a branch.

Documents are written here: one workflow calling itself, two documents calling
each other through ``$sourceDescriptions``, and a chain through three. Neither
``validate`` nor a run (dry or real) may crash on them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from arazzo_runner.api import load
from arazzo_runner.engine import RunOptions
from tests._support.cli import run_cli
from tests._support.documents import openapi_for
from tests._support.servers import Reply, ScriptedServer

API = openapi_for([("getStatus", "GET", "/status")])


def call(step_id: str, target: str, **fields: Any) -> dict[str, Any]:
    return {"stepId": step_id, "workflowId": target, **fields}


def status_step(**fields: Any) -> dict[str, Any]:
    criteria = [{"condition": "$statusCode == 200"}]
    return {"stepId": "status", "operationId": "getStatus", "successCriteria": criteria, **fields}


def document(
    title: str, workflows: list[dict[str, Any]], arazzo_sources: dict[str, str] | None = None
) -> dict[str, Any]:
    sources = [{"name": "api", "url": "api.yaml", "type": "openapi"}]
    sources += [{"name": n, "url": u, "type": "arazzo"} for n, u in (arazzo_sources or {}).items()]
    return {
        "arazzo": "1.0.1",
        "info": {"title": title, "version": "1"},
        "sourceDescriptions": sources,
        "workflows": workflows,
    }


def write(directory: Path, documents: dict[str, dict[str, Any]]) -> None:
    (directory / "api.yaml").write_text(yaml.safe_dump(API))
    for name, content in documents.items():
        (directory / name).write_text(yaml.safe_dump(content, sort_keys=False))


def self_call(directory: Path) -> Path:
    steps = [call("again", "loop")]
    write(
        directory, {"self.arazzo.yaml": document("self", [{"workflowId": "loop", "steps": steps}])}
    )
    return directory / "self.arazzo.yaml"


def chain(directory: Path, length: int) -> list[Path]:
    """``length`` documents, each calling the next one's workflow, the last the first's."""
    names = [f"d{i}.arazzo.yaml" for i in range(length)]
    for index, name in enumerate(names):
        following = names[(index + 1) % length]
        steps = [call("next", f"$sourceDescriptions.next.w{(index + 1) % length}")]
        doc = document(name, [{"workflowId": f"w{index}", "steps": steps}], {"next": following})
        write(directory, {name: doc})
    return [directory / n for n in names]


# --------------------------------------------------------------------------- always


def test_a_workflow_whose_first_step_calls_it_is_an_error_everywhere(tmp_path: Path) -> None:
    path = self_call(tmp_path)
    checked = run_cli("validate", str(path))
    assert checked.exit_code == 1
    assert "error[workflow-recursion]" in checked.stdout
    assert "workflow 'loop' always calls itself again (loop -> loop)" in checked.stdout
    for command in (["run", "--dry-run"], ["run"]):
        result = run_cli(*command, str(path))
        assert result.exit_code == 2, result.stderr
        assert "always calls itself again" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("length", [2, 3])
def test_documents_that_call_each_other_in_a_loop_are_errors(tmp_path: Path, length: int) -> None:
    paths = chain(tmp_path, length)
    for path in paths:
        checked = run_cli("validate", str(path))
        assert checked.exit_code == 1, checked.stdout
        assert checked.stdout.count("error[workflow-recursion]") == 1
    first = run_cli("validate", str(paths[0])).stdout
    assert "(w0 -> w1 (d1.arazzo.yaml) -> " in first
    for command in (["run", "--dry-run"], ["run"]):
        result = run_cli(*command, str(paths[0]))
        assert result.exit_code == 2, result.stderr
        assert "always calls itself again" in result.stderr


def test_a_call_on_the_straight_path_after_other_steps_is_an_error(tmp_path: Path) -> None:
    steps = [status_step(), call("again", "loop")]
    write(tmp_path, {"f.arazzo.yaml": document("f", [{"workflowId": "loop", "steps": steps}])})
    checked = run_cli("validate", str(tmp_path / "f.arazzo.yaml"))
    assert checked.exit_code == 1
    assert "/steps/1/" not in checked.stdout  # located by line, in the second step
    assert "error[workflow-recursion]" in checked.stdout


def test_a_loop_of_depends_on_in_one_document_is_reported_once(tmp_path: Path) -> None:
    workflows = [
        {"workflowId": "a", "dependsOn": ["b"], "steps": [status_step()]},
        {"workflowId": "b", "dependsOn": ["a"], "steps": [status_step()]},
    ]
    write(tmp_path, {"f.arazzo.yaml": document("f", workflows)})
    checked = run_cli("validate", str(tmp_path / "f.arazzo.yaml"))
    assert "dependency-cycle" in checked.stdout
    assert "workflow-recursion" not in checked.stdout


# --------------------------------------------------------------------------- on a branch


def branch_loop(directory: Path) -> Path:
    """A workflow that goes to itself again whenever its one request fails."""
    retry_self = {"name": "again", "type": "goto", "workflowId": "loop"}
    steps = [status_step(onFailure=[retry_self])]
    write(directory, {"f.arazzo.yaml": document("f", [{"workflowId": "loop", "steps": steps}])})
    return directory / "f.arazzo.yaml"


def test_recursion_on_a_branch_is_valid_and_bounded_by_the_nesting_limit(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = branch_loop(tmp_path)
    assert run_cli("validate", str(path)).exit_code == 0
    server.script("GET", "/status", Reply(500))
    result = run_cli("run", str(path), "--server", f"api={server.base_url}", "--max-nesting", "4")
    assert result.exit_code == 1, result.stderr
    assert len(server.received) == 4
    assert "nested 5 workflows deep, beyond the limit of 4" in result.stdout
    assert "raise it with --max-nesting (at most 100)" in result.stdout
    assert result.stdout.count("beyond the limit") == 1


def test_a_step_that_calls_its_workflow_on_a_branch_says_where_the_limit_struck(
    tmp_path: Path, server: ScriptedServer
) -> None:
    on_ok = [{"name": "deeper", "type": "goto", "stepId": "again",
              "criteria": [{"condition": "$response.body.more == true"}]}]  # fmt: skip
    steps = [status_step(onSuccess=on_ok), call("again", "loop")]
    write(tmp_path, {"f.arazzo.yaml": document("f", [{"workflowId": "loop", "steps": steps}])})
    path = tmp_path / "f.arazzo.yaml"
    assert run_cli("validate", str(path)).exit_code == 0
    server.script("GET", "/status", Reply(200, {"more": True}))
    result = run_cli("run", str(path), "--server", f"api={server.base_url}", "--max-nesting", "3")
    assert result.exit_code == 1, result.stderr
    assert len(server.received) == 3
    # Once on the step where the limit struck, once in the run's summary at the end.
    assert result.stdout.count("nested 4 workflows deep, beyond the limit of 3") == 2
    assert result.stdout.count("stopped by the run limit reached in a workflow it called") == 2


def test_the_branch_ends_when_the_api_answers(tmp_path: Path, server: ScriptedServer) -> None:
    path = branch_loop(tmp_path)
    server.script("GET", "/status", Reply(500), Reply(500), Reply(200))
    result = run_cli("run", str(path), "--server", f"api={server.base_url}")
    assert result.exit_code == 0, result.stdout
    assert len(server.received) == 3


def test_documents_that_call_each_other_on_a_branch_prepare_and_stop(
    tmp_path: Path, server: ScriptedServer
) -> None:
    def failing_over_to(target: str) -> list[dict[str, Any]]:
        action = {"name": "other", "type": "goto", "workflowId": target}
        return [status_step(onFailure=[action])]

    a = document("a", [{"workflowId": "wa", "steps": failing_over_to("$sourceDescriptions.b.wb")}],
                 {"b": "b.arazzo.yaml"})  # fmt: skip
    b = document("b", [{"workflowId": "wb", "steps": failing_over_to("$sourceDescriptions.a.wa")}],
                 {"a": "a.arazzo.yaml"})  # fmt: skip
    write(tmp_path, {"a.arazzo.yaml": a, "b.arazzo.yaml": b})
    assert run_cli("validate", str(tmp_path / "a.arazzo.yaml")).exit_code == 0
    assert run_cli("run", "--dry-run", str(tmp_path / "a.arazzo.yaml")).exit_code == 0
    server.script("GET", "/status", Reply(503))
    result = load(str(tmp_path / "a.arazzo.yaml")).run(
        "wa", {}, server_overrides={"api": server.base_url}, options=RunOptions(max_nesting=6)
    )
    assert not result.succeeded
    assert result.error is not None
    assert "beyond the limit of 6" in result.error.message
    assert len(server.received) == 6


def test_the_deepest_nesting_allowed_runs_in_both_drivers(
    tmp_path: Path, server: ScriptedServer
) -> None:
    loaded = load(str(branch_loop(tmp_path)))
    server.script("GET", "/status", Reply(500))
    options = RunOptions(max_nesting=1000, server_overrides={"api": server.base_url})
    blocking = loaded.run("loop", {}, options=options)
    awaited = asyncio.run(loaded.arun("loop", {}, options=options))
    for result in (blocking, awaited):
        assert result.error is not None
        assert "beyond the limit of 100" in result.error.message  # the ceiling


def test_the_nesting_limit_option_is_checked() -> None:
    result = run_cli("run", "x.yaml", "--max-nesting", "101")
    assert result.exit_code == 2
    assert "--max-nesting must be at most 100" in result.stderr


def test_the_nesting_limit_comes_from_the_configuration_file_too(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = branch_loop(tmp_path)
    (tmp_path / "arazzo.toml").write_text("max-nesting = 2\n")
    server.script("GET", "/status", Reply(500))
    result = run_cli("run", str(path), "--server", f"api={server.base_url}", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert "beyond the limit of 2" in result.stdout
    assert len(server.received) == 2
    # The command line wins over the file.
    again = run_cli(
        "run", str(path), "--server", f"api={server.base_url}", "--max-nesting", "3", cwd=tmp_path
    )
    assert "beyond the limit of 3" in again.stdout
