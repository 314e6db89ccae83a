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
    step-concurrency = 2    # steps of a workflow with step dependsOn running at once

    [servers]               # source description name -> base URL
    petsApi = "http://127.0.0.1:8080"

    [checks]                # check name -> error, warn or off
    status-code-declared = "error"
    body-schema = "warn"

Every setting is spelt as its ``arazzo run`` option without the dashes in
front (:data:`SETTINGS`); ``_`` reads as ``-``. An unknown name is an error
with the closest known one (docs/checks-and-auth.md has the table). The
``[validate]`` table belongs to ``arazzo validate`` (rule selection, read
through :func:`settings_table` by ``validation/selection.py``'s parser).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError, unknown_name_hint
from ..http.response_checks import CheckSeverity, parse_severity
from ..jsontypes import json_text
from .args import is_broker_url

CONFIG_FILE = "arazzo.toml"
PYPROJECT_FILE = "pyproject.toml"
SETTINGS = (
    "timeout",
    "connect-timeout",
    "max-steps",
    "max-duration",
    "max-nesting",
    "step-concurrency",
    "max-response-size",
    "follow-redirects",
    "max-redirects",
    "offline",
    "no-checks",
)
"""Settings spelt as their ``arazzo run`` option without the dashes in front."""
# `validate` is the table of `arazzo validate` (read by `settings_table`), not a run setting.
TABLES = ("servers", "checks", "validate")
# The engine's MAX_NESTING_CEILING, written out so that reading the file does not
# import the engine.
_MAX_NESTING = 100
_MAX_STEP_CONCURRENCY = 64


@dataclass
class RunConfig:
    """What a configuration file sets; None and empty mean "not set"."""

    path: Path | None = None
    timeout: float | None = None
    connect_timeout: float | None = None
    max_steps: int | None = None
    max_duration: float | None = None
    max_nesting: int | None = None
    step_concurrency: int | None = None
    max_response_size: int | None = None
    follow_redirects: bool | None = None
    max_redirects: int | None = None
    offline: bool | None = None
    no_checks: bool | None = None
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
    table = _canonical_keys(table, path)
    return RunConfig(
        path=path,
        timeout=_positive_number(table, "timeout", path),
        connect_timeout=_positive_number(table, "connect-timeout", path),
        max_steps=_whole_number(table, "max-steps", path, 1),
        max_duration=_positive_number(table, "max-duration", path),
        max_nesting=_positive_integer(table, "max-nesting", path, _MAX_NESTING),
        step_concurrency=_positive_integer(table, "step-concurrency", path, _MAX_STEP_CONCURRENCY),
        max_response_size=_size(table, "max-response-size", path),
        follow_redirects=_flag(table, "follow-redirects", path),
        max_redirects=_whole_number(table, "max-redirects", path, 0),
        offline=_flag(table, "offline", path),
        no_checks=_flag(table, "no-checks", path),
        servers=_servers(table.get("servers", {}), path),
        checks=_checks(table.get("checks", {}), path),
    )


def _canonical_keys(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """Keys spelt as the options are; ``max_steps`` is the same setting as ``max-steps``.

    TOML users write both, so both are accepted; anything else is refused
    with a did-you-mean, so that a misspelt setting is never silently ignored.
    """
    known = (*SETTINGS, *TABLES)
    canonical: dict[str, Any] = {}
    for key, value in table.items():
        name = str(key).replace("_", "-")
        if name not in known:
            raise UsageError(
                f"{path}: unknown setting '{key}'",
                hint=unknown_name_hint(str(key), known, "settings"),
            )
        if name in canonical:
            raise UsageError(f"{path}: '{key}' is set twice (as '{name}' and '{key}')")
        canonical[name] = value
    return canonical


def _positive_number(table: dict[str, Any], key: str, path: Path) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise UsageError(
            f"{path}: '{key}' must be a positive number of seconds, got {json_text(value)}"
        )
    return float(value)


def _whole_number(table: dict[str, Any], key: str, path: Path, minimum: int) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UsageError(
            f"{path}: '{key}' must be a whole number of at least {minimum}, got {json_text(value)}"
        )
    return value


def _size(table: dict[str, Any], key: str, path: Path) -> int | None:
    """A byte count, or text with a unit as ``--max-response-size`` takes it (``"10MiB"``)."""
    from .args import parse_size

    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UsageError(f"{path}: '{key}' must be a size such as 1048576 or \"10MiB\"")
    try:
        return parse_size(str(value))
    except ValueError as exc:
        raise UsageError(f"{path}: '{key}': {exc}") from None


def _flag(table: dict[str, Any], key: str, path: Path) -> bool | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise UsageError(f"{path}: '{key}' must be true or false, got {json_text(value)}")
    return value


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
        is_http = parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)
        if not is_http and not is_broker_url(url):
            raise UsageError(
                f"{path}: servers.{name}: {json_text(url)} is not an http(s) URL or a message "
                "broker's URL"
            )
        servers[str(name)] = url
    return servers


def _checks(value: Any, path: Path) -> dict[str, CheckSeverity]:
    if not isinstance(value, dict):
        raise UsageError(f"{path}: 'checks' must be a table of check name = \"severity\"")
    return {
        str(name): parse_severity(str(name), severity, f"{path}: checks")
        for name, severity in value.items()
    }


def settings_table(
    name: str, explicit: str | None = None, start: Path | None = None
) -> tuple[Path | None, dict[str, Any]]:
    """The ``[name]`` table of the configuration file that applies, and that file.

    For commands other than ``run`` (``arazzo validate`` reads ``[validate]``):
    ``arazzo.toml``'s ``[validate]`` or ``pyproject.toml``'s ``[tool.arazzo.validate]``.
    """
    if explicit is not None and not Path(explicit).is_file():
        raise UsageError(f"--config: no such file: {explicit}")
    path = Path(explicit) if explicit is not None else find_config(start or Path.cwd())
    if path is None:
        return None, {}
    table = _read_table(path).get(name, {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: '{name}' must be a table ([{name}])")
    return path, table
