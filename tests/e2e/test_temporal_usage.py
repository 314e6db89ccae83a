"""The Temporal options of ``arazzo run`` and ``arazzo worker``: mistakes said plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._support.cli import assert_clean_failure, run_cli
from tests._support.messaging import (
    arazzo_1_1,
    order_steps,
    orders_asyncapi,
    orders_workflow,
    write_order_documents,
)
from tests._support.paths import WORKFLOW


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--namespace", "x"], "--namespace only applies with --temporal"),
        (["--task-queue", "q"], "--task-queue only applies with --temporal"),
        (["--workflow-run-id", "r"], "--workflow-run-id only applies with --temporal"),
        (["--resend", "always"], "--resend only applies with --temporal"),
        (["--temporal", "h:1", "--dry-run"], "nothing to run on Temporal"),
        (["--temporal", "h:1", "--all"], "one workflow at a time"),
    ],
)
def test_options_that_do_not_go_together(extra: list[str], message: str) -> None:
    result = run_cli("run", str(WORKFLOW), *extra)
    assert_clean_failure(result, 2, message)


def test_the_worker_needs_a_service() -> None:
    result = run_cli("worker")
    assert result.exit_code == 2
    assert "--temporal" in result.stderr


def test_a_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "temporalio", None)  # as if not installed
    result = run_cli("worker", "--temporal", "127.0.0.1:1")
    assert_clean_failure(
        result, 2, "arazzo worker needs the Temporal SDK", "arazzo-engine[temporal]"
    )


@pytest.mark.parametrize(
    ("address", "message"),
    [("nonsense", "--temporal nonsense: expected HOST:PORT"), ("127.0.0.1:1", "cannot reach")],
)
def test_a_service_that_cannot_be_reached_is_a_clear_error(
    address: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("temporalio", reason="the temporalio SDK is not installed")
    monkeypatch.setenv("ARAZZO_TEMPORAL_KEYS", "k:" + "A" * 43 + "=")
    result = run_cli("worker", "--temporal", address)
    assert_clean_failure(result, 2, message)


def test_a_workflow_with_message_steps_is_refused_before_anything_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("temporalio", reason="the temporalio SDK is not installed")
    monkeypatch.setenv("ARAZZO_TEMPORAL_KEYS", "k:" + "A" * 43 + "=")
    asyncapi = orders_asyncapi("mqtt", "127.0.0.1:1", "orders")
    path = write_order_documents(tmp_path, arazzo_1_1(orders_workflow(order_steps())), asyncapi)
    # Nothing listens on port 1: the refusal comes before any connection is tried.
    result = run_cli(
        "run", str(path), "-i", "requestId=r", "-i", "item=x", "--temporal", "127.0.0.1:1"
    )
    assert_clean_failure(
        result, 2, "--temporal does not run AsyncAPI steps yet: step 'place'", "without --temporal"
    )
