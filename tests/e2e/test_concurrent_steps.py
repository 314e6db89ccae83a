"""Arazzo 1.1 step ``timeout`` and ``dependsOn`` against real servers on 127.0.0.1.

Concurrency is proven by overlap, not by timing: the server holds the requests of
the independent branches until all of them have arrived, and answers 504 to a
request that waits in vain. Only a run that has them in flight together passes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from arazzo_runner.api import load
from arazzo_runner.engine import RunOptions
from tests._support.cli import run_cli
from tests._support.documents import openapi_for, write_documents
from tests._support.servers import RendezvousServer, Reply, ScriptedServer

OPERATIONS = [
    ("login", "POST", "/login"),
    ("getProfile", "GET", "/profile"),
    ("getOrders", "GET", "/orders"),
    ("getOffers", "GET", "/offers"),
    ("getSlow", "GET", "/slow"),
    ("getFallback", "GET", "/fallback"),
]
OK = [{"condition": "$statusCode == 200"}]


def document(*steps: dict[str, Any], outputs: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "arazzo": "1.1.0",
        "info": {"title": "concurrent steps", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "api.openapi.yaml", "type": "openapi"}],
        "workflows": [{"workflowId": "dashboard", "steps": list(steps), "outputs": outputs or {}}],
    }


def dashboard(tmp_path: Path) -> Path:
    """A login, then three reads that depend only on it, read with its token."""
    token = {"name": "Authorization", "in": "header", "value": "$steps.login.outputs.token"}

    def read(step_id: str, operation: str) -> dict[str, Any]:
        return {
            "stepId": step_id,
            "operationId": operation,
            "dependsOn": ["login"],
            "parameters": [token],
            "successCriteria": OK,
            "outputs": {"body": "$response.body"},
        }

    steps = [
        read("profile", "getProfile"),
        read("orders", "getOrders"),
        read("offers", "getOffers"),
        {
            "stepId": "login",
            "operationId": "login",
            "successCriteria": OK,
            "outputs": {"token": "$response.body#/token"},
        },
    ]
    outputs = {name: f"$steps.{name}.outputs.body" for name in ("profile", "orders", "offers")}
    return write_documents(
        tmp_path, document(*steps, outputs=outputs), {"api.openapi.yaml": openapi_for(OPERATIONS)}
    )


def rendezvous() -> RendezvousServer:
    server = RendezvousServer(["/profile", "/orders", "/offers"])
    server.script("POST", "/login", Reply(200, {"token": "t-1"}))
    for path in ("/profile", "/orders", "/offers"):
        server.script("GET", path, Reply(200, {"from": path}))
    return server


def test_independent_steps_overlap_in_a_cli_run(tmp_path: Path) -> None:
    path = dashboard(tmp_path)
    with rendezvous() as server:
        result = run_cli("run", str(path), "--server", f"api={server.base_url}", "-o", "json")

    assert result.exit_code == 0, result.stdout + result.stderr
    report = result.json()
    assert report["outputs"] == {
        "profile": {"from": "/profile"},
        "orders": {"from": "/orders"},
        "offers": {"from": "/offers"},
    }
    # login ran first although it is written last: the others depend on it.
    assert server.paths()[0] == "POST /login"
    assert all(r.header("Authorization") == "t-1" for r in server.received[1:])
    steps = report["steps"]
    assert steps[0]["stepId"] == "login"
    assert {s["stepId"] for s in steps} == {"login", "profile", "orders", "offers"}
    assert all(s["status"] == "succeeded" for s in steps)


def test_independent_steps_overlap_on_the_asyncio_driver(tmp_path: Path) -> None:
    loaded = load(str(dashboard(tmp_path)))
    with rendezvous() as server:
        result = asyncio.run(
            loaded.arun(server_overrides={"api": server.base_url}, options=RunOptions())
        )

    assert result.succeeded, result.error
    assert server.most_in_flight == 3


def test_step_concurrency_one_runs_the_steps_one_at_a_time(tmp_path: Path) -> None:
    path = dashboard(tmp_path)
    with ScriptedServer(fallback=Reply(200, {"token": "t-1"})) as server:
        result = run_cli(
            "run", str(path), "--server", f"api={server.base_url}", "--step-concurrency", "1"
        )

    assert result.exit_code == 0, result.stdout + result.stderr
    assert server.paths() == ["POST /login", "GET /profile", "GET /orders", "GET /offers"]


def test_a_step_over_its_timeout_fails_and_its_on_failure_action_runs(tmp_path: Path) -> None:
    steps = [
        {
            "stepId": "slow",
            "operationId": "getSlow",
            "timeout": 300,
            "successCriteria": OK,
            "onSuccess": [{"name": "done", "type": "end"}],
            "onFailure": [{"name": "fallback", "type": "goto", "stepId": "fallback"}],
        },
        {"stepId": "fallback", "operationId": "getFallback", "successCriteria": OK},
    ]
    path = write_documents(
        tmp_path, document(*steps), {"api.openapi.yaml": openapi_for(OPERATIONS)}
    )
    with ScriptedServer() as server:
        server.script("GET", "/slow", Reply(200, delay=5.0))
        server.script("GET", "/fallback", Reply(200))
        result = run_cli("run", str(path), "--server", f"api={server.base_url}", "-o", "json")

    assert result.exit_code == 0, result.stdout + result.stderr
    slow, fallback = result.json()["steps"]
    assert slow["status"] == "failed"
    assert (
        slow["error"] == "step 'slow' timed out: it did not complete within its timeout of 300 ms"
    )
    assert fallback["status"] == "succeeded"
    assert server.paths() == ["GET /slow", "GET /fallback"]


def test_step_concurrency_comes_from_the_file_and_the_flag_wins(tmp_path: Path) -> None:
    path = dashboard(tmp_path)
    config = tmp_path / "arazzo.toml"
    config.write_text("step-concurrency = 1\n")
    with ScriptedServer(fallback=Reply(200, {"token": "t-1"})) as server:
        from_file = run_cli(
            "run", str(path), "--server", f"api={server.base_url}", "--config", str(config)
        )
    assert from_file.exit_code == 0, from_file.stdout + from_file.stderr
    assert server.paths() == ["POST /login", "GET /profile", "GET /orders", "GET /offers"]

    with rendezvous() as server:
        flagged = run_cli(
            "run",
            str(path),
            "--server",
            f"api={server.base_url}",
            "--config",
            str(config),
            "--step-concurrency",
            "3",
        )
    assert flagged.exit_code == 0, flagged.stdout + flagged.stderr  # they met: all in flight


def test_a_step_concurrency_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("run", str(dashboard(tmp_path)), "--step-concurrency", "0")

    assert result.exit_code == 2
    assert "--step-concurrency" in result.stderr


def test_a_server_that_answers_a_byte_at_a_time_cannot_outlast_the_timeout(
    tmp_path: Path,
) -> None:
    steps = [{"stepId": "slow", "operationId": "getSlow", "timeout": 500, "successCriteria": OK}]
    path = write_documents(
        tmp_path, document(*steps), {"api.openapi.yaml": openapi_for(OPERATIONS)}
    )
    with ScriptedServer() as server:
        server.script("GET", "/slow", Reply(200, stream="trickle"))
        result = run_cli("run", str(path), "--server", f"api={server.base_url}", "-o", "json")

    assert result.exit_code == 1
    (slow,) = result.json()["steps"]
    assert (
        slow["error"] == "step 'slow' timed out: it did not complete within its timeout of 500 ms"
    )
