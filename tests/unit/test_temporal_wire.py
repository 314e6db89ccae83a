"""What runs on Temporal store in its history: run data as JSON, encrypted payloads."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime

import pytest

pytest.importorskip("temporalio", reason="the temporalio SDK is not installed")
pytest.importorskip("cryptography", reason="cryptography is not installed")

from temporalio.api.common.v1 import Payload

from arazzo_runner.errors import UsageError
from arazzo_runner.http.commands import SendOutcome
from arazzo_runner.http.messages import Exchange, PreparedRequest, ResponseRecord
from arazzo_runner.results import Status, StepResult, WorkflowResult
from arazzo_runner.temporal.codec import (
    EncryptionCodec,
    keys_from_environment,
    parse_keys,
)
from arazzo_runner.temporal.wire import WireError, from_wire, to_wire

KEY_A = "a:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"B" * 32).decode()


def round_trip(value: object) -> object:
    return from_wire(json.loads(json.dumps(to_wire(value), sort_keys=True)))


def test_an_exchange_comes_back_as_it_was() -> None:
    request = PreparedRequest("PATCH", "http://x/a", [("A", "1")], [("q", "é")], b"\x00\xff")
    response = ResponseRecord(204, [("Set-Cookie", "s=1"), ("Set-Cookie", "t=2")], b"")
    exchange = Exchange("flow", "step", 2, request, datetime(2026, 1, 2, tzinfo=UTC), response)
    assert round_trip(exchange) == exchange


def test_results_keep_their_enums_and_the_order_of_object_keys() -> None:
    """Temporal's converter sorts object keys; outputs and bodies must keep theirs."""
    step = StepResult("s", Status.SUCCEEDED, outputs={"z": 1, "a": {"y": [1, {"b": 2, "a": 3}]}})
    result = WorkflowResult("flow", Status.FAILED, {"zeta": None, "alpha": True}, [step])
    back = round_trip(result)
    assert back == result
    assert isinstance(back, WorkflowResult) and back.status is Status.FAILED
    assert list(back.outputs) == ["zeta", "alpha"]
    assert list(back.steps[0].outputs["a"]["y"][1]) == ["b", "a"]


def test_a_documents_own_keys_that_look_like_tags_stay_data() -> None:
    value = {"$type": "WorkflowResult", "$bytes": "eA=="}
    assert round_trip(SendOutcome(None, None, 1.0)) == SendOutcome(None, None, 1.0)
    assert round_trip(value) == value


def test_the_reader_builds_no_class_it_does_not_know() -> None:
    with pytest.raises(WireError, match="unexpected type 'Popen'"):
        from_wire({"$type": "Popen", "args": ["rm"]})


def test_payloads_are_encrypted_and_any_listed_key_decrypts() -> None:
    old = EncryptionCodec(parse_keys(KEY_A, "test"))
    rotated = EncryptionCodec(parse_keys(f"{KEY_B},{KEY_A}", "test"))
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"token":"s3cret"}')
    [sealed] = asyncio.run(old.encode([plain]))
    assert b"s3cret" not in sealed.SerializeToString()
    assert asyncio.run(rotated.decode([sealed])) == [plain]  # the old key still reads
    [resealed] = asyncio.run(rotated.encode([plain]))
    assert resealed.metadata["arazzo-key-id"] == b"b"  # the new key writes
    with pytest.raises(ValueError, match="key 'b', which is not configured"):
        asyncio.run(old.decode([resealed]))


def test_keys_come_from_the_environment_or_a_file(tmp_path: object) -> None:
    from pathlib import Path

    assert tmp_path is not None
    file = Path(str(tmp_path)) / "keys"
    file.write_text(f"# newest first\n{KEY_B}\n{KEY_A}\n")
    keys = keys_from_environment({"ARAZZO_TEMPORAL_KEY_FILE": str(file)})
    assert [key.key_id for key in keys] == ["b", "a"]
    assert [k.key_id for k in keys_from_environment({"ARAZZO_TEMPORAL_KEYS": KEY_A})] == ["a"]


@pytest.mark.parametrize("text", ["", "nokey", "a:short", "a:" + "!" * 44])
def test_a_bad_key_is_a_clear_error(text: str) -> None:
    with pytest.raises(UsageError) as raised:
        keys_from_environment({"ARAZZO_TEMPORAL_KEYS": text} if text else {})
    assert "ARAZZO_TEMPORAL_KEY" in raised.value.render()
    assert "base64" in raised.value.render() or "os.urandom(32)" in raised.value.render()


def test_every_result_class_can_cross_the_wire() -> None:
    """A class added to the results (or to what an exchange records) must be listed for
    the reader, or a run on Temporal fails where a local run works."""
    import dataclasses

    from arazzo_runner import results
    from arazzo_runner.http import commands, messages
    from arazzo_runner.temporal.wire import _CLASSES

    kept = [
        value
        for module in (results, messages)
        for value in vars(module).values()
        if dataclasses.is_dataclass(value) and value.__module__ == module.__name__
    ]
    missing = sorted(cls.__name__ for cls in kept if cls.__name__ not in _CLASSES)
    assert missing == []
    assert _CLASSES["SendOutcome"] is commands.SendOutcome
