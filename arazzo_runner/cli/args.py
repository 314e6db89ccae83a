"""argparse ``type=`` callables shared by the commands: every option is checked as it is parsed.

A malformed value stops the command before anything is read or sent (exit
code 2). The callables raise :class:`UsageError` with the message users know
(argparse lets exceptions other than ``ValueError``, ``TypeError`` and
``ArgumentTypeError`` through unchanged), or ``ArgumentTypeError`` where
argparse's own wording is the message (``argument --timeout: invalid float
value: 'soon'``).

This module is imported to build ``arazzo --help``: it imports nothing heavy
at module level.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import UsageError

if TYPE_CHECKING:
    from ..http.response_checks import CheckSeverity
    from ..reporting.files import ReportSpec


# --------------------------------------------------------------------------- NAME=VALUE


@dataclass(frozen=True)
class PairKind:
    """How one ``NAME=VALUE`` option is written, and how its errors read."""

    option: str
    """The option as users type it: ``--server``."""
    form: str
    """Its value's shape, as ``--help`` shows it: ``SOURCE=URL``."""
    example: str | None = None
    """The hint of a malformed value: ``for example: ...``."""
    empty_value: bool = False
    """Whether ``NAME=`` is a value (an empty ``--input`` is an empty string)."""
    secret: bool = False
    """Never echo the argument: without its ``=`` it may be the credential itself."""


INPUT = PairKind("--input", "NAME=VALUE", "for example: --input sessionId=abc123", empty_value=True)
SERVER = PairKind(
    "--server", "SOURCE=URL", "for example: --server sessionsApi=http://127.0.0.1:8080/api"
)
AUTH = PairKind(
    "--auth",
    "SCHEME=VALUE",
    "for example: --auth api_key=$API_KEY, --auth basicAuth=user:password",
    secret=True,
)
REPORT = PairKind(
    "--report",
    "KIND=FILE",
    "for example: --report junit=results.xml (kinds: json, junit, har, html)",
)


def split_pair(text: str, kind: PairKind) -> tuple[str, str]:
    """``NAME=VALUE`` as ``(name, value)``: the name stripped, the value as given."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if sep and name and (kind.empty_value or value.strip()):
        return name, value
    if kind.secret:
        what = f"the value for '{name}' is empty" if sep and name else None
        raise UsageError(
            f"{kind.option} expects {kind.form} ({what or 'one of them is not of that form'})",
            hint=kind.example,
        )
    raise UsageError(f"{kind.option} expects {kind.form}, got '{text}'", hint=kind.example)


def key_value(kind: PairKind) -> Callable[[str], tuple[str, str]]:
    """The ``type=`` of a ``NAME=VALUE`` option of kind ``kind``."""
    return partial(split_pair, kind=kind)


def server_override(text: str) -> tuple[str, str]:
    """``--server SOURCE=URL``: the URL must be an absolute http(s) URL, or a broker's URL
    (``mqtt://host:1883``, ``amqp://``, ``nats://``, ``ws://``, ``redis://``)."""
    name, url = split_pair(text, SERVER)
    if not is_http_url(url) and not is_broker_url(url):
        raise UsageError(
            f"--server {name}: '{url}' is not an http(s) URL or a message broker's URL",
            hint="e.g. --server api=https://host/base or --server events=mqtt://host:1883",
        )
    return name, url


def is_broker_url(url: object) -> bool:
    """Whether ``url`` is an absolute URL with a host, of a protocol a broker speaks."""
    if not isinstance(url, str) or "://" not in url:
        return False
    # Imported only for such a URL: an HTTP run never loads the messaging package.
    from ..messaging.registry import PROTOCOLS

    parts = urlsplit(url)
    return parts.scheme.lower() in PROTOCOLS and bool(parts.netloc)


def is_http_url(url: object) -> bool:
    """Whether ``url`` is an absolute ``http:`` or ``https:`` URL with a host."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_severity(text: str) -> tuple[str, CheckSeverity]:
    """``--check NAME=SEVERITY``: a known check and one of its severities."""
    from ..http.response_checks import parse_severity, valid_names_hint

    kind = PairKind(
        "--check", "NAME=SEVERITY", "for example: --check body-schema=error; " + valid_names_hint()
    )
    name, value = split_pair(text, kind)
    return name, parse_severity(name, value.strip(), "--check")


def report_target(text: str) -> ReportSpec:
    """``--report KIND=FILE``: a known kind and a file that can be written (checked now)."""
    from ..reporting.files import KINDS, ReportSpec

    kind, file_name = split_pair(text, REPORT)
    kind = kind.lower()
    if kind not in KINDS:
        raise UsageError(
            f"--report: unknown report kind '{kind}'", hint=f"kinds: {', '.join(KINDS)}"
        )
    path = Path(file_name)
    directory = path.parent
    if not directory.is_dir():
        raise UsageError(
            f"--report {kind}: cannot write {file_name}: directory '{directory}' does not exist"
        )
    if path.is_dir():
        raise UsageError(f"--report {kind}: cannot write {file_name}: it is a directory")
    if not os.access(directory, os.W_OK):
        raise UsageError(
            f"--report {kind}: cannot write {file_name}: directory '{directory}' is not writable"
        )
    return ReportSpec(kind, path)


def check_distinct_reports(specs: Iterable[ReportSpec]) -> None:
    """Refuse two ``--report`` values that would write the same file."""
    seen: set[Path] = set()
    for spec in specs:
        if spec.path.resolve() in seen:
            raise UsageError(f"--report: {spec.path} is named by more than one report")
        seen.add(spec.path.resolve())


# --------------------------------------------------------------------------- numbers


def positive_seconds(option: str) -> Callable[[str], float]:
    """The ``type=`` of a duration option such as ``--timeout``: a number above 0."""

    def parse(text: str) -> float:
        try:
            seconds = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from None
        if not seconds > 0:  # also refuses NaN
            raise UsageError(f"{option} must be a positive number of seconds")
        return seconds

    return parse


def whole_number(option: str, minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """The ``type=`` of a count option such as ``--max-steps``: an integer, ``minimum`` or more
    (and ``maximum`` or less, when given)."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
        if number < minimum:
            least = "0 or more" if minimum == 0 else f"at least {minimum}"
            raise UsageError(f"{option} must be {least}")
        if maximum is not None and number > maximum:
            raise UsageError(f"{option} must be at most {maximum}")
        return number

    return parse


def byte_size(option: str) -> Callable[[str], int]:
    """The ``type=`` of a size option such as ``--max-response-size`` (see :func:`parse_size`)."""

    def parse(text: str) -> int:
        try:
            return parse_size(text)
        except ValueError as exc:
            raise UsageError(f"{option}: {exc}") from None

    return parse


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(i)?)?b?\s*$", re.IGNORECASE)
_SIZE_POWERS = {"": 0, "k": 1, "m": 2, "g": 3}


def parse_size(text: str) -> int:
    """``1048576``, ``512KB``, ``10MiB``, ``1G`` -> bytes; ValueError when unreadable.

    ``K``/``M``/``G`` are decimal (1000), ``Ki``/``Mi``/``Gi`` binary (1024).
    """
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a size (examples: 1048576, 512KB, 10MiB, 1G)")
    number, prefix, binary = match.groups()
    base = 1024 if binary else 1000
    value = float(number) * base ** _SIZE_POWERS[(prefix or "").lower()]
    size = int(value) if math.isfinite(value) else 0
    if size < 1:
        raise ValueError(f"'{text}' is not a positive size")
    return size
