"""Usage errors of ``arazzo``: a did-you-mean, and the ``--help`` of the right command."""

from __future__ import annotations

from tests._support.cli import assert_clean_failure, run_cli
from tests._support.paths import WORKFLOW


def _error_lines(*args: str) -> list[str]:
    result = run_cli(*args)
    assert_clean_failure(result, 2)
    assert result.stdout == ""
    return result.stderr.splitlines()


def test_a_mistyped_command_suggests_the_command() -> None:
    assert _error_lines("rnu", str(WORKFLOW)) == [
        "error: argument COMMAND: invalid choice: 'rnu' (choose from 'run', 'validate', "
        "'list', 'show', 'upgrade', 'worker')",
        "  hint: did you mean 'run'? see 'arazzo --help'",
    ]


def test_a_mistyped_upgrade_suggests_upgrade() -> None:
    assert _error_lines("upgarde", str(WORKFLOW))[-1] == (
        "  hint: did you mean 'upgrade'? see 'arazzo --help'"
    )


def test_a_mistyped_option_suggests_the_option_and_the_commands_help() -> None:
    assert _error_lines("run", str(WORKFLOW), "--inptu", "a=b") == [
        "error: arazzo run has no option --inptu",
        "  hint: did you mean '--input'? see 'arazzo run --help'",
    ]
    assert _error_lines("validate", str(WORKFLOW), "--strcit=1") == [
        "error: arazzo validate has no option --strcit",
        "  hint: did you mean '--strict'? see 'arazzo validate --help'",
    ]


def test_an_unknown_option_without_a_likely_one_points_to_the_help() -> None:
    assert _error_lines("list", str(WORKFLOW), "--frobnicate") == [
        "error: arazzo list has no option --frobnicate",
        "  hint: see 'arazzo list --help'",
    ]


def test_a_mistyped_choice_suggests_the_choice() -> None:
    lines = _error_lines("run", str(WORKFLOW), "--output", "jsno")
    assert lines[-1] == "  hint: did you mean 'json'? see 'arazzo run --help'"


def test_an_option_before_its_command_says_where_it_goes() -> None:
    assert _error_lines("-v", "run", str(WORKFLOW)) == [
        "error: -v is an option of 'arazzo run': put it after the command's name",
        "  hint: see 'arazzo run --help'",
    ]


def test_stray_arguments_point_to_the_commands_help() -> None:
    assert _error_lines("show", str(WORKFLOW), "extra") == [
        "error: unexpected arguments: extra",
        "  hint: see 'arazzo show --help'",
    ]


def test_validate_takes_output_like_the_other_commands_and_keeps_format() -> None:
    by_output = run_cli("validate", str(WORKFLOW), "--output", "json")
    short = run_cli("validate", str(WORKFLOW), "-o", "json")
    by_format = run_cli("validate", str(WORKFLOW), "--format", "json")
    assert by_output.exit_code == short.exit_code == by_format.exit_code == 0, by_output.stderr
    assert by_output.json() == short.json() == by_format.json()
    assert "files" in by_output.json()
