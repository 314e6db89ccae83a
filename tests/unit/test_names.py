"""The one did-you-mean every unknown name goes through."""

from __future__ import annotations

import pytest

from arazzo_runner.errors import did_you_mean, unknown_name_hint


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("max_steps", "max-steps"),  # dash or underscore
        ("MAX-STEPS", "max-steps"),  # case
        ("max-step", "max-steps"),  # a letter missing
        ("timout", "timeout"),
        ("colour", None),  # nothing close
    ],
)
def test_did_you_mean(word: str, expected: str | None) -> None:
    assert did_you_mean(word, ["max-steps", "timeout", "servers"]) == expected


def test_the_hint_lists_the_known_names_sorted() -> None:
    assert unknown_name_hint("bearer", ["b", "a"], "security schemes") == ("security schemes: a, b")
    assert unknown_name_hint("bearr", ["bearer", "x"], "inputs") == (
        "did you mean 'bearer'? (inputs: bearer, x)"
    )
    assert unknown_name_hint("x", [], "security schemes") == "there are no security schemes"
