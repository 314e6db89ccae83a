"""Finding and reading the configuration file (arazzo.toml, [tool.arazzo] in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arazzo_runner.cli.config import RunConfig, find_config, load_config
from arazzo_runner.errors import UsageError
from arazzo_runner.http.response_checks import CheckSeverity

FULL = """
timeout = 12.5
max-steps = 40
max-duration = 60

[servers]
petsApi = "http://127.0.0.1:8080/v1"

[checks]
status-code-declared = "error"
body-schema = "OFF"
"""


def test_no_file_means_nothing_is_set(tmp_path: Path) -> None:
    assert load_config(start=tmp_path) == RunConfig()


def test_every_setting_is_read(tmp_path: Path) -> None:
    (tmp_path / "arazzo.toml").write_text(FULL)
    config = load_config(start=tmp_path)
    assert config.path == tmp_path / "arazzo.toml"
    assert (config.timeout, config.max_steps, config.max_duration) == (12.5, 40, 60.0)
    assert config.servers == {"petsApi": "http://127.0.0.1:8080/v1"}
    assert config.checks == {
        "status-code-declared": CheckSeverity.ERROR,
        "body-schema": CheckSeverity.OFF,
    }


def test_the_nearest_file_upwards_is_found(tmp_path: Path) -> None:
    (tmp_path / "arazzo.toml").write_text("timeout = 1\n")
    nested = tmp_path / "project" / "workflows"
    nested.mkdir(parents=True)
    (tmp_path / "project" / "pyproject.toml").write_text("[tool.arazzo]\ntimeout = 2\n")
    assert find_config(nested) == tmp_path / "project" / "pyproject.toml"
    assert load_config(start=nested).timeout == 2.0


def test_a_pyproject_without_tool_arazzo_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "arazzo.toml").write_text("timeout = 3\n")
    nested = tmp_path / "pkg"
    nested.mkdir()
    (nested / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(nested) == tmp_path / "arazzo.toml"


def test_arazzo_toml_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    (tmp_path / "arazzo.toml").write_text("timeout = 4\n")
    (tmp_path / "pyproject.toml").write_text("[tool.arazzo]\ntimeout = 5\n")
    assert load_config(start=tmp_path).timeout == 4.0


def test_an_explicit_file_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "ci-settings.toml"
    path.write_text('checks = { headers-declared = "error" }\n')
    assert load_config(str(path), start=tmp_path).checks == {
        "headers-declared": CheckSeverity.ERROR
    }


def test_an_explicit_pyproject_needs_its_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname = 'x'\n")
    with pytest.raises(UsageError, match=r"has no \[tool\.arazzo\] table"):
        load_config(str(path))


def test_a_missing_explicit_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--config: no such file"):
        load_config(str(tmp_path / "absent.toml"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timeout = [", "is not valid TOML"),
        ("timout = 3", "unknown setting 'timout'"),
        ("timeout = -1", "'timeout' must be a positive number of seconds"),
        ("timeout = true", "'timeout' must be a positive number of seconds"),
        ("max-steps = 2.5", "'max-steps' must be a whole number of at least 1"),
        ("max-nesting = 0", "'max-nesting' must be a whole number of at least 1, got 0"),
        ("max-nesting = 101", "'max-nesting' must be at most 100, got 101"),
        ("max-steps = true", "'max-steps' must be a whole number of at least 1, got true"),
        ('servers = { api = "ftp://x" }', "servers.api: 'ftp://x' is not an http(s) URL"),
        ('checks = "all"', "'checks' must be a table"),
        ('checks = { body-shape = "error" }', "unknown check 'body-shape'"),
        ('checks = { body-schema = "loud" }', "'loud' is not a severity for check 'body-schema'"),
        ("offline = 1", "'offline' must be true or false"),
        ("max-redirects = -1", "'max-redirects' must be a whole number of at least 0"),
        ('max-response-size = "lots"', "'max-response-size': 'lots' is not a size"),
        ("max-steps = 2\nmax_steps = 3", "'max_steps' is set twice"),
    ],
)
def test_invalid_settings_are_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "arazzo.toml").write_text(text + "\n")
    with pytest.raises(UsageError, match=None) as raised:
        load_config(start=tmp_path)
    assert message in raised.value.message
    assert str(tmp_path / "arazzo.toml") in raised.value.message


def test_every_option_that_fits_a_file_is_a_setting(tmp_path: Path) -> None:
    (tmp_path / "arazzo.toml").write_text(
        "connect_timeout = 2\nmax-response-size = '10MiB'\nfollow-redirects = true\n"
        "max_redirects = 0\noffline = true\nno-checks = true\n"
    )
    config = load_config(start=tmp_path)
    assert config.connect_timeout == 2.0
    assert config.max_response_size == 10 * 1024 * 1024
    assert (config.follow_redirects, config.max_redirects) == (True, 0)
    assert (config.offline, config.no_checks) == (True, True)


def test_a_misspelt_setting_names_the_closest_one(tmp_path: Path) -> None:
    (tmp_path / "arazzo.toml").write_text("max-step = 3\n")
    with pytest.raises(UsageError) as raised:
        load_config(start=tmp_path)
    assert raised.value.hint is not None
    assert raised.value.hint.startswith("did you mean 'max-steps'? (settings: ")
