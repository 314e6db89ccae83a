"""Saved histories replay in a fresh process and give the same commands.

The histories in ``tests/temporal/histories/`` were recorded from real runs
(encrypted with the tests' key, documents named relative to the repository).
Record them again after a change that alters what the workflow asks of Temporal
(and say so in the change log: running executions of the old code would not
replay either)::

    ARAZZO_RECORD_HISTORIES=1 python -m pytest tests/temporal/test_replay.py -k record
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests._support.paths import ROOT, WORKFLOW
from tests._support.servers import Reply, ScriptedServer
from tests._support.sessions import API_VERSION, SESSION, stand_in
from tests._support.temporal import (
    HISTORIES,
    RECORD_VARIABLE,
    TEST_KEYS,
    DevServer,
    skip_without_temporal,
    worker_process,
)

RETRY_AFTER = ROOT / "tests" / "temporal" / "documents" / "retry-after.arazzo.yaml"


def saved_histories() -> list[Path]:
    return sorted(HISTORIES.glob("*.json"))


@pytest.mark.parametrize("path", saved_histories(), ids=lambda p: p.stem)
def test_a_saved_history_replays(path: Path) -> None:
    skip_without_temporal()
    from temporalio.client import WorkflowHistory
    from temporalio.worker import Replayer

    from arazzo_runner.temporal import (
        ArazzoRunWorkflow,
        DocumentStore,
        data_converter,
        parse_keys,
        use_store,
    )
    from arazzo_runner.temporal.documents import default_store

    saved = json.loads(path.read_text(encoding="utf-8"))
    history = WorkflowHistory.from_json(saved["workflowId"], saved["history"])
    replayer = Replayer(
        workflows=[ArazzoRunWorkflow],
        data_converter=data_converter(parse_keys(TEST_KEYS, "the tests' key")),
    )
    before = default_store()
    use_store(DocumentStore(ROOT))  # the histories name their documents relative to it
    try:
        replayed = asyncio.run(replayer.replay_workflow(history, raise_on_replay_failure=False))
    finally:
        use_store(before)
    assert replayed.replay_failure is None, replayed.replay_failure


def test_there_are_saved_histories() -> None:
    assert {p.stem for p in saved_histories()} >= {"seed-workflow", "retry-after"}


@pytest.mark.slow
@pytest.mark.subprocess
@pytest.mark.skipif(
    not os.environ.get(RECORD_VARIABLE), reason=f"records histories only with {RECORD_VARIABLE}=1"
)
def test_record_histories(temporal_server: DevServer) -> None:
    queue = f"arazzo-record-{uuid.uuid4().hex[:8]}"
    with worker_process(temporal_server.address, queue, "--documents", str(ROOT)):
        with stand_in.start_server() as api:
            inputs = {
                "accessToken": stand_in.DEFAULT_TOKEN,
                "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
                "apiVersion": API_VERSION,
                "sessionId": SESSION,
                "acceptingJobs": False,
            }
            record(temporal_server, queue, "seed-workflow", WORKFLOW, inputs, "sessionsApi", api)
        with ScriptedServer() as scripted:
            scripted.script(
                "GET",
                "/things/1",
                Reply(503, {}, {"Retry-After": "1"}),
                Reply(200, {"ready": True}),
            )
            record(temporal_server, queue, "retry-after", RETRY_AFTER, {}, "api", scripted)


def record(
    server: DevServer,
    queue: str,
    name: str,
    document: Path,
    inputs: dict[str, Any],
    source: str,
    api: Any,
) -> None:
    from arazzo_runner.temporal import (
        RunRequest,
        connect,
        document_digest,
        parse_keys,
        run_result,
        start_run,
    )

    async def go() -> None:
        client = await connect(server.address, keys=parse_keys(TEST_KEYS, "the tests' key"))
        workflow = "pause-session-and-confirm" if document == WORKFLOW else "poll"
        request = RunRequest(
            str(document.relative_to(ROOT)),
            document_digest(document),
            workflow,
            options={"server_overrides": {source: api.base_url}},
        ).with_inputs(inputs)
        handle = await start_run(
            client, request, execution_id=f"{name}-{uuid.uuid4().hex[:8]}", task_queue=queue
        )
        result, _ = await run_result(handle)
        assert result.succeeded, result.to_json()
        history = await handle.fetch_history()
        saved = {"workflowId": handle.id, "history": json.loads(history.to_json())}
        (HISTORIES / f"{name}.json").write_text(json.dumps(saved, indent=1) + "\n")

    asyncio.run(go())
