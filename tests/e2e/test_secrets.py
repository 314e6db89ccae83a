"""The IBM workflow's bearer token never appears in output or reports, unless --show-secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._support.cli import CliResult, run_cli
from tests._support.paths import WORKFLOW
from tests._support.sessions import load_stand_in

stand_in = load_stand_in()
TOKEN = "tok-SECRET-1234567890"
SESSION = "demo-session-1"


@pytest.fixture
def server() -> Iterator[Any]:
    with stand_in.start_server(token=TOKEN) as running:
        yield running


def run(server: Any, out: Path, *extra: str, session: str = SESSION) -> CliResult:
    values = {
        "accessToken": TOKEN,
        "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
        "apiVersion": "2026-03-15",
        "sessionId": session,
        "acceptingJobs": "false",
    }
    args = [item for name, value in values.items() for item in ("--input", f"{name}={value}")]
    return run_cli(
        "run", str(WORKFLOW), *args, "--server", f"sessionsApi={server.base_url}",
        "--report", f"json={out / 'run.json'}",
        "--report", f"junit={out / 'junit.xml'}",
        "--report", f"har={out / 'run.har'}",
        "--report", f"html={out / 'run.html'}",
        *extra,
    )  # fmt: skip


def everything(result: CliResult, out: Path) -> dict[str, str]:
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    for path in sorted(out.iterdir()):
        texts[path.name] = path.read_text(encoding="utf-8")
    assert len(texts) == 6, texts.keys()
    return texts


@pytest.mark.parametrize(
    ("session", "output", "exit_code"),
    [
        (SESSION, "text", 0),
        (SESSION, "json", 0),
        ("no-such-session", "text", 1),
        ("no-such-session", "json", 1),
    ],
)
def test_the_token_appears_nowhere(
    server: Any, tmp_path: Path, session: str, output: str, exit_code: int
) -> None:
    result = run(server, tmp_path, "-v", "--output", output, session=session)

    assert result.exit_code == exit_code, result.stderr
    # The token did reach the server: masking is about output only.
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in server.requests.snapshot())
    texts = everything(result, tmp_path)
    for name, text in texts.items():
        assert TOKEN not in text, f"the token leaked into {name}"
        assert "SECRET-1234567890" not in text, f"part of the token leaked into {name}"
    verbose = texts["stdout"] if output == "text" else texts["stderr"]
    assert "> Authorization: Bearer ***" in verbose
    assert "Bearer ***" in texts["run.har"] and "Bearer ***" in texts["run.json"]
    assert "Bearer ***" in texts["run.html"]
    if exit_code:
        assert "success criterion not met: $statusCode == 200" in texts["junit.xml"]
        assert "404" in verbose


def test_show_secrets_shows_the_token(server: Any, tmp_path: Path) -> None:
    result = run(server, tmp_path, "-v", "--show-secrets", session="no-such-session")

    assert result.exit_code == 1
    texts = everything(result, tmp_path)
    assert f"Authorization: Bearer {TOKEN}" in texts["stdout"]
    for name in ("run.json", "run.har", "run.html"):
        assert TOKEN in texts[name], name


def test_an_error_message_does_not_show_the_token(tmp_path: Path) -> None:
    # Inputs that fail validation are quoted in the error; the secret one is masked.
    result = run_cli(
        "run", str(WORKFLOW), "--input", f"accessToken={TOKEN}", "--input", "sessionId=x",
        "--input", "serviceCrn=c", "--input", "apiVersion=v", "--input", f"acceptingJobs={TOKEN}",
        "--secret-input", "acceptingJobs",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "acceptingJobs" in result.stderr
    assert TOKEN not in result.stderr + result.stdout
