"""One loaded document run many times: each run keeps its own options, listener and inputs.

A document's preparation (resolved operations, request plans, the compiled inputs
check) is kept between runs; these tests pin down that nothing of one run leaks
into the next.
"""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.engine.events import RunListener
from arazzo_runner.errors import InputError
from arazzo_runner.http.messages import Exchange
from tests._support.paths import WORKFLOW
from tests._support.sessions import load_stand_in

stand_in = load_stand_in()
SESSION = "demo-session-1"


def inputs(**changes: Any) -> dict[str, Any]:
    return {
        "accessToken": stand_in.DEFAULT_TOKEN,
        "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
        "apiVersion": "2026-03-15",
        "sessionId": SESSION,
        "acceptingJobs": False,
        **changes,
    }


class Recorder(RunListener):
    def __init__(self) -> None:
        self.urls: list[str] = []

    def exchange(self, exchange: Exchange) -> None:
        self.urls.append(exchange.request.url)


def test_each_run_has_its_own_listener_and_servers(sessions_server: Any) -> None:
    loaded = load(str(WORKFLOW))
    first, second, third = Recorder(), Recorder(), Recorder()

    ok = loaded.run(
        inputs=inputs(),
        server_overrides={"sessionsApi": sessions_server.base_url},
        listener=first,
    )
    refused = loaded.run(
        inputs=inputs(), server_overrides={"sessionsApi": "http://127.0.0.1:9/api"}, listener=second
    )
    again = loaded.run(
        inputs=inputs(acceptingJobs=True),
        server_overrides={"sessionsApi": sessions_server.base_url},
        listener=third,
    )

    assert ok.succeeded and again.succeeded
    assert not refused.succeeded
    assert refused.error is not None and "127.0.0.1:9" in refused.error.message
    assert len(first.urls) == 3 and len(third.urls) == 3
    assert second.urls == ["http://127.0.0.1:9/api/v1/sessions/demo-session-1"]
    assert all(url.startswith(sessions_server.base_url) for url in first.urls + third.urls)
    assert again.outputs["finalAcceptingJobs"] is True


def test_invalid_inputs_are_reported_after_valid_runs(sessions_server: Any) -> None:
    loaded = load(str(WORKFLOW))
    overrides = {"sessionsApi": sessions_server.base_url}
    assert loaded.run(inputs=inputs(), server_overrides=overrides).succeeded

    with pytest.raises(InputError) as info:
        loaded.run(inputs=inputs(acceptingJobs="no", sessionId=None), server_overrides=overrides)

    assert info.value.message == (
        "invalid inputs for workflow 'pause-session-and-confirm':\n"
        "  - input 'acceptingJobs': 'no' is not of type 'boolean'\n"
        "  - input 'sessionId': null is not of type 'string'"
    )
    assert len(sessions_server.requests.snapshot()) == 3  # the invalid run sent nothing
