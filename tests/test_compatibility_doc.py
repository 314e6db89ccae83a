"""The README's promise about published documents is backed by docs/compatibility.md."""

from __future__ import annotations

from arazzo_runner.diagnostics import Severity
from arazzo_runner.validation import RUN_SILENT, RUN_WARNINGS
from arazzo_runner.validation.rules import RULES
from tests._support.paths import ROOT

COMPATIBILITY = ROOT / "docs" / "compatibility.md"


def _section(title: str) -> str:
    text = COMPATIBILITY.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_every_refusal_says_how_to_get_past_it() -> None:
    refusals = _section("Refusals")
    refused = {
        rule.id
        for rule in RULES.values()
        if rule.severity is Severity.ERROR and rule.id not in RUN_WARNINGS
    }
    missing = sorted(rule for rule in refused if f"`{rule}`" not in refusals)
    assert not missing, f"refusals without a way past them in docs/compatibility.md: {missing}"


def test_every_lenient_reading_is_listed() -> None:
    lenient = _section("Lenient readings")
    accepted = {r.id for r in RULES.values() if r.severity is Severity.WARNING}
    accepted |= RUN_WARNINGS | RUN_SILENT
    missing = sorted(rule for rule in accepted if f"`{rule}`" not in lenient)
    assert not missing, f"lenient readings not listed in docs/compatibility.md: {missing}"


def test_the_readme_promise_is_precise_and_links_the_refusals() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Any published Arazzo document runs unchanged" not in readme
    assert "Valid published Arazzo 1.0.x documents run unchanged" in readme
    assert "docs/compatibility.md" in readme
