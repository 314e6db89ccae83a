"""--report json/junit/har through the real CLI: contents, validity, atomic writing, errors."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml, Skipped

from tests._support.cli import run_cli
from tests._support.documents import write_retry_and_goto
from tests._support.har import HAR_SCHEMA
from tests._support.servers import Reply, ScriptedServer


def scripted_run(tmp_path: Path, server: ScriptedServer, *, fail: bool = False) -> Path:
    server.script("POST", "/token", Reply(200, {"access_token": "tok-ABCDEFGH-123"}))
    server.script("GET", "/status", Reply(503), Reply(503), Reply(200, {"up": True}))
    server.script("GET", "/items/7", Reply(500 if fail else 200, b"\x89PNG\x00\x01binary"))
    return write_retry_and_goto(tmp_path)


def reports(directory: Path) -> list[str]:
    return [
        "--report", f"json={directory / 'run.json'}",
        "--report", f"junit={directory / 'junit.xml'}",
        "--report", f"har={directory / 'run.har'}",
    ]  # fmt: skip


@pytest.mark.parametrize("fail", [False, True])
def test_all_three_reports_at_once(tmp_path: Path, server: ScriptedServer, fail: bool) -> None:
    path = scripted_run(tmp_path, server, fail=fail)
    out = tmp_path / "out"
    out.mkdir()

    result = run_cli("run", str(path), "--server", f"api={server.base_url}", *reports(out))

    assert result.exit_code == (1 if fail else 0), result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "run.har", "run.json"]

    # JSON: the --output json document plus every exchange, retries included.
    document = json.loads((out / "run.json").read_text())
    assert document["workflowId"] == "flow"
    assert document["status"] == ("failed" if fail else "succeeded")
    attempts = [
        (e["stepId"], e["attempt"], e["response"]["statusCode"]) for e in document["exchanges"]
    ]
    assert attempts == [
        ("login", 1, 200), ("poll", 1, 503), ("poll", 2, 503), ("poll", 3, 200),
        ("fetch", 1, 500 if fail else 200),
    ]  # fmt: skip
    fetch = document["exchanges"][-1]
    assert base64.b64decode(fetch["response"]["body"]["base64"]) == b"\x89PNG\x00\x01binary"
    assert fetch["request"]["headers"][0] == {"name": "Authorization", "value": "Bearer ***"}
    assert document["exchanges"][0]["response"]["body"]["text"] == '{"access_token": "***"}'

    # JUnit: parsed by junitparser; one suite, one case per step execution.
    xml = JUnitXml.fromfile(str(out / "junit.xml"))
    (suite,) = list(xml)
    assert suite.name == "flow"
    cases = {case.name: case for case in suite}
    assert list(cases) == ["login", "poll", "fetch", "other"]
    assert all(case.classname == "flow" for case in suite)
    assert isinstance(cases["other"].result[0], Skipped)
    if fail:
        (failure,) = cases["fetch"].result
        assert isinstance(failure, Failure)
        assert "success criterion not met" in failure.message
        assert suite.failures == 1
    else:
        assert cases["fetch"].is_passed and suite.failures == 0
    assert suite.tests == 4 and suite.skipped == 1
    assert cases["poll"].time >= 0

    # HAR 1.2: valid against the schema, every attempt an entry.
    har = json.loads((out / "run.har").read_text())
    jsonschema.validate(har, HAR_SCHEMA)
    entries = har["log"]["entries"]
    assert [e["response"]["status"] for e in entries] == [200, 503, 503, 200, 500 if fail else 200]
    assert entries[-1]["response"]["content"]["encoding"] == "base64"
    assert entries[0]["request"]["method"] == "POST"


def test_a_network_failure_is_an_entry_without_a_response(tmp_path: Path) -> None:
    path = write_retry_and_goto(tmp_path)
    result = run_cli("run", str(path), "--server", "api=http://127.0.0.1:9", *reports(tmp_path))
    assert result.exit_code == 1
    har = json.loads((tmp_path / "run.har").read_text())
    jsonschema.validate(har, HAR_SCHEMA)
    (entry,) = har["log"]["entries"]
    assert entry["response"]["status"] == 0 and entry["response"]["_error"]
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    (suite,) = list(xml)
    assert suite.failures == 1


def test_missing_report_directory_is_exit_2_before_running(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = scripted_run(tmp_path, server)
    result = run_cli(
        "run", str(path), "--server", f"api={server.base_url}",
        "--report", f"junit={tmp_path / 'missing' / 'junit.xml'}",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert server.received == []


@pytest.mark.parametrize("value", ["junit", "xml=out.xml", "json="])
def test_malformed_report_option(tmp_path: Path, value: str) -> None:
    result = run_cli("run", "whatever.yaml", "--report", value)
    assert result.exit_code == 2
    assert "--report" in result.stderr


def test_reports_are_written_atomically(tmp_path: Path, server: ScriptedServer) -> None:
    path = scripted_run(tmp_path, server)
    out = tmp_path / "out"
    out.mkdir()
    (out / "run.json").write_text("old")
    result = run_cli("run", str(path), "--server", f"api={server.base_url}", *reports(out))
    assert result.exit_code == 0
    assert json.loads((out / "run.json").read_text())["status"] == "succeeded"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_write_atomically_leaves_the_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from arazzo_runner.reporting import files

    target = tmp_path / "report.json"
    target.write_text("old")

    def broken(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        files.write_atomically(target, "new")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]
