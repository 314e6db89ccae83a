"""The configuration file: run defaults and response check severities.

``arazzo run`` reads ``arazzo.toml``, or the ``[tool.arazzo]`` table of
``pyproject.toml``, from the current directory or the nearest parent that
has one (``arazzo.toml`` wins in the same directory); ``--config FILE`` names
the file instead. Command-line options win over the file, and the file over
the built-in defaults::

    timeout = 10            # seconds, for each HTTP request
    max-steps = 200
    max-duration = 120      # seconds, for the whole run
    max-nesting = 20        # workflows running nested in each other

    [servers]               # source description name -> base URL
    petsApi = "http://127.0.0.1:8080"

    [checks]                # check name -> error, warn or off
    status-code-declared = "error"
    body-schema = "warn"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError
from ..http.response_checks import CheckSeverity, parse_severity
from ..jsontypes import json_text

CONFIG_FILE = "arazzo.toml"
PYPROJECT_FILE = "pyproject.toml"
_KNOWN_KEYS = ("timeout", "max-steps", "max-duration", "max-nesting", "servers", "checks")
# The engine's MAX_NESTING_CEILING, written out so that reading the file does not
# import the engine.
_MAX_NESTING = 100


@dataclass
class RunConfig:
    """What a configuration file sets; None and empty mean "not set"."""

    path: Path | None = None
    timeout: float | None = None
    max_steps: int | None = None
    max_duration: float | None = None
    max_nesting: int | None = None
    servers: dict[str, str] = field(default_factory=dict)
    checks: dict[str, CheckSeverity] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """The configuration file that applies in directory ``start``, if any."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT_FILE
        if pyproject.is_file() and _has_arazzo_table(pyproject):
            return pyproject
    return None


def load_config(explicit: str | None = None, start: Path | None = None) -> RunConfig:
    """Read ``explicit`` (a ``--config`` path), else the file found from ``start`` upwards."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError(f"--config: no such file: {explicit}")
    else:
        found = find_config(start or Path.cwd())
        if found is None:
            return RunConfig()
        path = found
    table = _read_table(path)
    return _parse(table, path)


def _has_arazzo_table(pyproject: Path) -> bool:
    try:
        data = _read_toml(pyproject)
    except UsageError:
        # A broken pyproject.toml that may not be ours: not a reason to refuse to run.
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("arazzo"), dict)


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except OSError as exc:
        raise UsageError(f"cannot read configuration file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"configuration file {path} is not valid TOML: {exc}") from None


def _read_table(path: Path) -> dict[str, Any]:
    data = _read_toml(path)
    if path.name != PYPROJECT_FILE:
        return data
    tool = data.get("tool")
    table = tool.get("arazzo") if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise UsageError(f"{path} has no [tool.arazzo] table")
    return table


def _parse(table: dict[str, Any], path: Path) -> RunConfig:
    unknown = [key for key in table if key not in _KNOWN_KEYS]
    if unknown:
        raise UsageError(
            f"{path}: unknown setting '{unknown[0]}'", hint=f"settings: {', '.join(_KNOWN_KEYS)}"
        )
    return RunConfig(
        path=path,
        timeout=_positive_number(table, "timeout", path),
        max_steps=_positive_integer(table, "max-steps", path),
        max_duration=_positive_number(table, "max-duration", path),
        max_nesting=_positive_integer(table, "max-nesting", path, _MAX_NESTING),
        servers=_servers(table.get("servers", {}), path),
        checks=_checks(table.get("checks", {}), path),
    )


def _positive_number(table: dict[str, Any], key: str, path: Path) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise UsageError(
            f"{path}: '{key}' must be a positive number of seconds, got {json_text(value)}"
        )
    return float(value)


def _positive_integer(
    table: dict[str, Any], key: str, path: Path, maximum: int | None = None
) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(
            f"{path}: '{key}' must be a whole number of at least 1, got {json_text(value)}"
        )
    if maximum is not None and value > maximum:
        raise UsageError(f"{path}: '{key}' must be at most {maximum}, got {value}")
    return value


def _servers(value: Any, path: Path) -> dict[str, str]:
    if not isinstance(value, dict):
        raise UsageError(f"{path}: 'servers' must be a table of source name = \"URL\"")
    servers: dict[str, str] = {}
    for name, url in value.items():
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"{path}: servers.{name}: {json_text(url)} is not an http(s) URL")
        servers[str(name)] = url
    return servers


def _checks(value: Any, path: Path) -> dict[str, CheckSeverity]:
    if not isinstance(value, dict):
        raise UsageError(f"{path}: 'checks' must be a table of check name = \"severity\"")
    return {
        str(name): parse_severity(str(name), severity, f"{path}: checks")
        for name, severity in value.items()
    }
