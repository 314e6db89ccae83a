"""The CLI run in-process: its own streams and environment, one set of run options, masking.

Every run here is a ``--dry-run`` or fails before sending, so no server is needed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.api import load
from arazzo_runner.cli import build_parser, main
from arazzo_runner.cli.config import load_config
from arazzo_runner.cli.options import credentials, run_options
from arazzo_runner.masking import SecretMasker

ARAZZO: dict[str, Any] = {
    "arazzo": "1.0.1",
    "info": {"title": "in-process", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "api.openapi.json", "type": "openapi"}],
    "workflows": [
        {
            "workflowId": "flow",
            "inputs": {
                "type": "object",
                "properties": {
                    "user": {"type": "string"},
                    "apiKey": {"type": "integer"},
                    "flag": {"type": "boolean"},
                },
            },
            "steps": [
                {
                    "stepId": "get",
                    "operationId": "getThing",
                    "parameters": [{"name": "user", "in": "query", "value": "$inputs.user"}],
                }
            ],
        }
    ],
}
OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "api", "version": "1"},
    "servers": [{"url": "http://described.example"}],
    "paths": {
        "/thing": {"get": {"operationId": "getThing", "responses": {"200": {"description": "ok"}}}}
    },
}


@pytest.fixture
def document(tmp_path: Path) -> Path:
    (tmp_path / "api.openapi.json").write_text(json.dumps(OPENAPI))
    path = tmp_path / "flow.arazzo.json"
    path.write_text(json.dumps(ARAZZO))
    return path


def run(*argv: str, stdin: str = "", environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        list(argv), stdout=stdout, stderr=stderr, stdin=io.StringIO(stdin), environ=environ or {}
    )
    return code, stdout.getvalue(), stderr.getvalue()


def test_the_given_streams_and_environment_are_used_not_the_process_ones(
    document: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARAZZO_INPUT_user", "from-the-process")
    code, out, err = run(
        "run", str(document), "--dry-run", "-o", "json", "--inputs", "-",
        stdin='{"flag": true}', environ={"ARAZZO_INPUT_user": "given"},
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["inputs"] == {"user": "given", "flag": True}
    assert capsys.readouterr() == ("", "")


def test_input_wins_over_the_inputs_file_which_wins_over_variables(document: Path) -> None:
    environ = {"ARAZZO_INPUT_user": "variable", "ARAZZO_INPUT_flag": "false"}
    code, out, _ = run(
        "run", str(document), "--dry-run", "-o", "json", "--inputs", "-", "-i", "user=flag",
        stdin='{"user": "file", "flag": true}', environ=environ,
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["inputs"] == {"user": "flag", "flag": True}


def test_errors_are_masked_with_the_runs_secrets(document: Path) -> None:
    code, out, err = run("run", str(document), "--dry-run", "-i", "apiKey=not-a-number-1234")
    assert code == 2
    assert "input 'apiKey' expects integer, but '***' is not one" in err
    assert "not-a-number-1234" not in out + err


def test_help_and_version_print_on_the_given_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    stdout = io.StringIO()
    with pytest.raises(SystemExit) as done:
        main(["run", "--help"], stdout=stdout, stderr=io.StringIO())
    assert done.value.code == 0
    assert "--inputs-each" in stdout.getvalue()
    version = io.StringIO()
    with pytest.raises(SystemExit):
        main(["--version"], stdout=version)
    assert version.getvalue().startswith("arazzo-runner ")
    assert capsys.readouterr() == ("", "")


def test_a_usage_error_goes_to_the_given_stderr() -> None:
    code, out, err = run("run", "x.yaml", "--timeout", "-1")
    assert (code, out) == (2, "")
    assert err == "error: --timeout must be a positive number of seconds\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environ", "coloured"),
    [
        ({"TERM": "xterm"}, True),
        ({"TERM": "xterm", "NO_COLOR": "1"}, False),
        ({"TERM": "dumb"}, False),
    ],
)
def test_validate_colours_a_terminal_unless_told_not_to(
    tmp_path: Path, environ: dict[str, str], coloured: bool
) -> None:
    broken = tmp_path / "broken.arazzo.yaml"
    broken.write_text("arazzo: 1.0.1\ninfo: {}\n")
    stdout = Terminal()
    main(
        ["validate", "--offline", str(broken)], stdout=stdout, stderr=io.StringIO(), environ=environ
    )
    assert ("\x1b[" in stdout.getvalue()) is coloured


def test_options_come_from_defaults_then_the_configuration_file_then_flags(
    document: Path,
) -> None:
    config_file = document.parent / "arazzo.toml"
    config_file.write_text(
        'timeout = 5\nmax-steps = 7\n[servers]\napi = "http://config.example"\n'
        'other = "http://not-in-this-document.example"\n'
    )
    args = build_parser().parse_args(
        ["run", str(document), "--config", str(config_file), "--max-steps", "9"]
    )
    loaded = load(str(document))
    options = run_options(
        args, load_config(args.config), loaded.document, credentials([], {}, SecretMasker())
    )
    assert (options.timeout, options.max_step_executions) == (5.0, 9)
    assert options.server_overrides == {"api": "http://config.example"}
    assert options.max_redirects == 10 and options.follow_redirects is False
    flagged = build_parser().parse_args(
        ["run", str(document), "--config", str(config_file), "--server", "api=http://flag.example"]
    )
    options = run_options(
        flagged, load_config(flagged.config), loaded.document, credentials([], {}, SecretMasker())
    )
    assert options.server_overrides == {"api": "http://flag.example"}


def test_every_file_setting_reaches_the_run_options(document: Path) -> None:
    config_file = document.parent / "arazzo.toml"
    config_file.write_text(
        "connect_timeout = 2\nmax-response-size = '1KiB'\nfollow-redirects = true\n"
        "max_redirects = 3\nno-checks = true\n"
    )
    args = build_parser().parse_args(["run", str(document), "--config", str(config_file)])
    loaded = load(str(document))
    options = run_options(
        args, load_config(args.config), loaded.document, credentials([], {}, SecretMasker())
    )
    assert (options.connect_timeout, options.max_response_bytes) == (2.0, 1024)
    assert (options.follow_redirects, options.max_redirects) == (True, 3)
    assert options.response_checks is None  # every check off
    flagged = build_parser().parse_args(
        ["run", str(document), "--config", str(config_file), "--max-redirects", "5"]
    )
    options = run_options(
        flagged, load_config(flagged.config), loaded.document, credentials([], {}, SecretMasker())
    )
    assert options.max_redirects == 5


def test_the_dry_run_gets_the_same_servers_as_a_run(document: Path) -> None:
    config_file = document.parent / "arazzo.toml"
    config_file.write_text('[servers]\napi = "http://config.example"\n')
    code, out, _ = run(
        "run", str(document), "--dry-run", "-o", "json", "--config", str(config_file)
    )
    assert code == 0
    assert json.loads(out)["steps"][0]["url"] == "http://config.example/thing"


def test_credentials_come_from_flags_and_the_given_variables_and_are_masked() -> None:
    masker = SecretMasker()
    found = credentials(
        [("bearer", "flag-token-123")],
        {"ARAZZO_AUTH_BASIC": "user:variable-pass", "HOME": "/home/someone"},
        masker,
    )
    assert found.value_for("bearer") == "flag-token-123"
    assert found.value_for("basic") == "user:variable-pass"
    assert masker.mask("flag-token-123 user:variable-pass /home/someone") == "*** *** /home/someone"


def test_the_script_leaves_without_teardown_only_after_temporal(monkeypatch: Any) -> None:
    """After a run on Temporal the console script exits with ``os._exit``: the SDK's native
    threads can abort the interpreter's teardown and lose the run's exit code."""
    import os
    import sys
    import types

    from arazzo_runner import cli

    exits: list[int] = []
    monkeypatch.setattr(cli, "main", lambda: 3)
    monkeypatch.setattr(os, "_exit", exits.append)
    monkeypatch.delitem(sys.modules, "temporalio", raising=False)
    assert cli.script() == 3
    assert exits == []
    monkeypatch.setitem(sys.modules, "temporalio", types.ModuleType("temporalio"))
    cli.script()
    assert exits == [3]
