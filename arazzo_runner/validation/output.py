"""Writing validation results: text, JSON, GitHub workflow commands and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from ..diagnostics import Diagnostic, Severity
from .rules import RULES

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/arazzo-runner/arazzo-runner/blob/main/docs/validate.md"


@dataclass
class FileResult:
    file: str
    diagnostics: list[Diagnostic]
    suppressed: int = 0
    """Diagnostics left out by rule selection or ignore comments."""


def counts(results: Sequence[FileResult]) -> tuple[int, int]:
    errors = sum(1 for r in results for d in r.diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for r in results for d in r.diagnostics if d.severity is Severity.WARNING)
    return errors, warnings


def write(results: Sequence[FileResult], fmt: str, stream: TextIO, *, color: bool) -> None:
    writers = {"text": _text, "json": _json, "github": _github, "sarif": _sarif}
    writers[fmt](results, stream, color)


# --------------------------------------------------------------------------- text

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


def _text(results: Sequence[FileResult], stream: TextIO, color: bool) -> None:
    for result in results:
        for diagnostic in result.diagnostics:
            stream.write(render_text(diagnostic, result.file, color=color) + "\n")
    errors, warnings = counts(results)
    files = len(results)
    summary = (
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning"
        f"{'s' if warnings != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    )
    suppressed = sum(r.suppressed for r in results)
    if suppressed:
        summary += f" ({suppressed} suppressed)"
    stream.write((f"{_BOLD}{summary}{_RESET}" if color else summary) + "\n")


def render_text(diagnostic: Diagnostic, file: str, *, color: bool = False) -> str:
    """``file:line:col: error[rule]: message`` with the hint on the next line."""
    where = str(diagnostic.location) if diagnostic.location else file
    label = f"{diagnostic.severity}[{diagnostic.rule}]" if diagnostic.rule else diagnostic.severity
    if color:
        label = f"{_COLORS[diagnostic.severity]}{label}{_RESET}"
        where = f"{_BOLD}{where}{_RESET}"
    text = f"{where}: {label}: {diagnostic.message}"
    if diagnostic.hint:
        hint = f"  hint: {diagnostic.hint}"
        text += "\n" + (f"{_DIM}{hint}{_RESET}" if color else hint)
    return text


# --------------------------------------------------------------------------- json


def _json(results: Sequence[FileResult], stream: TextIO, color: bool) -> None:
    errors, warnings = counts(results)
    document = {
        "files": [
            {"file": r.file, "diagnostics": [diagnostic_json(d, r.file) for d in r.diagnostics]}
            for r in results
        ],
        "summary": {
            "files": len(results),
            "errors": errors,
            "warnings": warnings,
            "suppressed": sum(r.suppressed for r in results),
        },
    }
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def diagnostic_json(diagnostic: Diagnostic, file: str) -> dict[str, Any]:
    location = diagnostic.location
    return {
        "rule": diagnostic.rule,
        "severity": str(diagnostic.severity),
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "file": location.file if location else file,
        "line": location.line if location else None,
        "column": location.column if location else None,
        "pointer": location.pointer if location else None,
    }


# --------------------------------------------------------------------------- github


def _github(results: Sequence[FileResult], stream: TextIO, color: bool) -> None:
    for result in results:
        for diagnostic in result.diagnostics:
            stream.write(github_command(diagnostic, result.file) + "\n")


def github_command(diagnostic: Diagnostic, file: str) -> str:
    """A GitHub Actions workflow command that annotates the line in the pull request."""
    location = diagnostic.location
    properties = {"file": location.file if location else file}
    if location and location.line is not None:
        properties["line"] = str(location.line)
        if location.column is not None:
            properties["col"] = str(location.column)
    properties["title"] = diagnostic.rule or "arazzo"
    joined = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
    message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    return f"::{diagnostic.severity} {joined}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


# --------------------------------------------------------------------------- sarif


def _sarif(results: Sequence[FileResult], stream: TextIO, color: bool) -> None:
    json.dump(sarif_log(results), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def sarif_log(results: Sequence[FileResult]) -> dict[str, Any]:
    from .._version import __version__

    rule_ids = list(RULES)
    rules = [
        {
            "id": rule.id,
            "name": "".join(part.capitalize() for part in rule.id.split("-")),
            "shortDescription": {"text": rule.summary},
            "helpUri": f"{INFORMATION_URI}#{rule.id}",
            "defaultConfiguration": {"level": _level(rule.severity)},
            "properties": {"tags": [rule.group]},
        }
        for rule in RULES.values()
    ]
    sarif_results = []
    for result in results:
        for diagnostic in result.diagnostics:
            entry: dict[str, Any] = {
                "ruleId": diagnostic.rule or "unreadable-file",
                "level": _level(diagnostic.severity),
                "message": {"text": _sarif_message(diagnostic)},
                "locations": [_sarif_location(diagnostic, result.file)],
            }
            if diagnostic.rule in RULES:
                entry["ruleIndex"] = rule_ids.index(diagnostic.rule)
            sarif_results.append(entry)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "arazzo-validate",
                        "informationUri": INFORMATION_URI,
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": sarif_results,
            }
        ],
    }


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _sarif_message(diagnostic: Diagnostic) -> str:
    return diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")


def _sarif_location(diagnostic: Diagnostic, file: str) -> dict[str, Any]:
    location = diagnostic.location
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": (location.file if location else file).replace("\\", "/")}
    }
    if location and location.line is not None:
        region: dict[str, Any] = {"startLine": location.line}
        if location.column is not None:
            region["startColumn"] = location.column
        physical["region"] = region
    return {"physicalLocation": physical}
