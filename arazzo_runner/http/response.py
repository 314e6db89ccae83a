"""Reading a response the way runtime expressions see it: headers, body, ``Retry-After``.

These are facts about HTTP, not about workflows: the engine asks them of every
response, and they read nothing but the response (and, for an HTTP-date, the
time the caller says it is).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from . import media_types
from .messages import ResponseRecord, header_value


def header_map(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Headers as one value per name, as ``$response.header.<name>`` reads them."""
    # Repeated headers are combined as RFC 9110 allows (Set-Cookie aside, which
    # expressions rarely read; its values are joined the same way).
    combined: dict[str, str] = {}
    for name, value in headers:
        combined[name] = f"{combined[name]}, {value}" if name in combined else value
    return combined


def decode_body(response: ResponseRecord) -> tuple[Any, str | None]:
    """The body as expressions read it, and why it is text when JSON was announced.

    A JSON media type gives the parsed value; anything else, or JSON that does
    not parse, gives text in the declared charset. The second value is None
    unless a JSON body had to be kept as text.
    """
    if not response.content:
        return None, None
    media_type = response.media_type
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            return json.loads(response.content), None
        except ValueError as exc:
            problem = (
                f"the response says {media_type} but its body is not valid JSON ({exc}); "
                "it is kept as text"
            )
            return _decode_text(response), problem
    return _decode_text(response), None


def _decode_text(response: ResponseRecord) -> str:
    charset = media_types.charset(response.header("content-type") or "") or "utf-8"
    try:
        return response.content.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return response.content.decode("utf-8", errors="replace")


def retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds the ``Retry-After`` header among ``headers`` asks for; None without one."""
    value = header_value(list(headers.items()), "retry-after")
    return None if value is None else parse_retry_after(value, now)


def parse_retry_after(value: str, now: datetime) -> float | None:
    """RFC 9110 ``Retry-After``: delay-seconds or an HTTP-date; None when neither.

    ``now`` is the caller's clock, so that an HTTP-date is measured against
    the same time as the rest of the run (and tests need not sleep).
    """
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    from email.utils import parsedate_to_datetime  # rare: only HTTP-date Retry-After values

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - now).total_seconds()
    return max(0.0, math.ceil(seconds))
