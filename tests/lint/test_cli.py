"""``arazzo validate``: arguments, exit codes and the four output formats."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from jsonschema import Draft202012Validator

from arazzo_runner.cli import main
from arazzo_runner.cli.commands import COMMANDS
from arazzo_runner.cli.commands.validate import execute, expand
from tests._support.cli import run_cli
from tests._support.lint import CLEAN, write_project

BROKEN = CLEAN.replace("value: $inputs.tenant", "value: $inputs.tenants")
WARNED = CLEAN.replace("value: $inputs.tenant", "value: tenant-{$inputs.tenant}-$inputs.petId")


def validate(*args: str) -> tuple[int, str, str]:
    from arazzo_runner.cli.console import Console

    stdout, stderr = io.StringIO(), io.StringIO()
    namespace = SimpleNamespace(
        format="text", strict=False, offline=True, paths=[], select=[], ignore=[], config=None
    )
    rest = list(args)
    while rest and rest[0].startswith("--"):
        option = rest.pop(0)
        if option == "--strict":
            namespace.strict = True
        else:
            namespace.format = option.split("=", 1)[1]
    namespace.paths = rest
    code = execute(namespace, Console(stdout, stderr))  # type: ignore[arg-type]
    return code, stdout.getvalue(), stderr.getvalue()


def test_validate_is_a_command() -> None:
    assert "validate" in COMMANDS


def test_a_clean_file_exits_0(tmp_path: Path) -> None:
    path = write_project(tmp_path, CLEAN)
    code, out, _ = validate(str(path))
    assert code == 0
    assert out.strip() == "0 errors, 0 warnings in 1 file"


def test_errors_exit_1_and_are_printed_with_position_rule_and_hint(tmp_path: Path) -> None:
    path = write_project(tmp_path, BROKEN)
    code, out, _ = validate(str(path))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:")
    assert ": error[unknown-input]: $inputs.tenants: " in first
    assert out.splitlines()[1].startswith("  hint: declared inputs: petId, tenant")
    assert "\033[" not in out  # not a terminal: no colour


def test_warnings_exit_0_unless_strict(tmp_path: Path) -> None:
    path = write_project(tmp_path, WARNED)
    assert validate(str(path))[0] == 0
    assert validate("--strict", str(path))[0] == 1


def test_no_matching_file_exits_2(tmp_path: Path) -> None:
    code, _, err = validate(str(tmp_path / "*.arazzo.yaml"))
    assert code == 2
    assert "no file matches" in err


def test_several_files_globs_and_directories(tmp_path: Path) -> None:
    write_project(tmp_path, CLEAN)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "other.arazzo.yaml").write_text(
        BROKEN.replace("pets.openapi", "../pets.openapi")
    )
    files, unmatched = expand([str(tmp_path / "*.arazzo.yaml"), str(tmp_path), "nothing-*.json"])
    assert files == [str(tmp_path / "doc.arazzo.yaml"), str(tmp_path / "sub" / "other.arazzo.yaml")]
    assert unmatched == ["nothing-*.json"]


def test_an_unparseable_file_is_a_diagnostic_and_the_others_are_checked(tmp_path: Path) -> None:
    good = write_project(tmp_path, CLEAN)
    bad = tmp_path / "bad.arazzo.yaml"
    bad.write_text("arazzo: 1.0.1\ninfo: [\n")
    code, out, _ = validate("--format=json", str(bad), str(good))
    assert code == 1
    report = json.loads(out)
    assert [f["file"] for f in report["files"]] == [str(bad), str(good)]
    (problem,) = report["files"][0]["diagnostics"]
    assert problem["rule"] == "unreadable-file"
    assert problem["line"] == 3
    assert report["files"][1]["diagnostics"] == []


def test_json_format(tmp_path: Path) -> None:
    path = write_project(tmp_path, BROKEN)
    code, out, _ = validate("--format=json", str(path))
    report = json.loads(out)
    assert code == 1
    assert report["summary"] == {"files": 1, "errors": 1, "warnings": 0, "suppressed": 0}
    (problem,) = report["files"][0]["diagnostics"]
    assert problem["rule"] == "unknown-input"
    assert problem["severity"] == "error"
    assert problem["pointer"] == "/workflows/0/steps/1/parameters/0/value"
    assert (problem["line"], problem["column"]) == (32, 20)


def test_github_format(tmp_path: Path) -> None:
    path = write_project(tmp_path, WARNED)
    _, out, _ = validate("--format=github", str(path))
    lines = out.splitlines()
    assert lines[0].startswith(f"::warning file={path},line=32,col=")
    assert ",title=bare-expression::the expression $inputs.petId is embedded" in lines[0]
    assert "%0Ahint: write it as: " in lines[0]  # one line per annotation
    assert all(line.startswith("::") for line in lines)


def test_github_format_escapes_properties() -> None:
    from arazzo_runner.diagnostics import Diagnostic, Severity
    from arazzo_runner.errors import SourceLocation
    from arazzo_runner.validation.output import github_command

    diagnostic = Diagnostic(
        Severity.ERROR, "100% bad\nreally", SourceLocation("a,b:c.yaml", 1, 2), None, "x"
    )
    assert github_command(diagnostic, "f") == (
        "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=x::100%25 bad%0Areally"
    )


# The parts of SARIF 2.1.0 that code scanning reads, as a JSON Schema.
SARIF_STRUCTURE = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id", "shortDescription"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": {
                                                    "type": "object",
                                                    "required": ["text"],
                                                },
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": [
                                                                "none",
                                                                "note",
                                                                "warning",
                                                                "error",
                                                            ]
                                                        }
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "message", "locations"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {"text": {"type": "string"}},
                                },
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                            "startColumn": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_sarif_format(tmp_path: Path) -> None:
    path = write_project(tmp_path, BROKEN)
    code, out, _ = validate("--format=sarif", str(path))
    log = json.loads(out)
    Draft202012Validator(SARIF_STRUCTURE).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    (result,) = run["results"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "unknown-input"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 32,
        "startColumn": 20,
    }
    assert code == 1


def test_the_real_command_never_shows_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bin.arazzo.yaml").write_bytes(b"arazzo: 1.0.1\ninfo: \xc3(\n")
    result = run_cli("validate", "--offline", str(tmp_path / "bin.arazzo.yaml"))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "unreadable-file" in result.stdout


def test_help_lists_validate() -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
