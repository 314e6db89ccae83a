"""Pieces the report formats share: bodies as text or base64, headers, timestamps."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from ..masking import SecretMasker


def body_text(content: bytes) -> str | None:
    """``content`` as UTF-8 text, or None when it is binary."""
    if b"\x00" in content:
        return None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def masked_body(content: bytes, masker: SecretMasker) -> tuple[str, bool]:
    """A body as report text, secrets masked: ``(text, False)``, or ``(base64, True)`` if binary.

    Secrets are masked in the raw bytes, before base64 encoding hides them.
    """
    masked = masker.mask_bytes(content)
    text = body_text(masked)
    if text is not None:
        return masker.mask(text), False
    return base64.b64encode(masked).decode("ascii"), True


def encode_body(content: bytes | None, masker: SecretMasker) -> dict[str, Any] | None:
    """``{"size", "text"}`` for a text body, ``{"size", "base64"}`` for a binary one.

    ``size`` is the size of the body as sent or received.
    """
    if content is None:
        return None
    text, is_base64 = masked_body(content, masker)
    return {"size": len(content), "base64" if is_base64 else "text": text}


def header_list(headers: list[tuple[str, str]], masker: SecretMasker) -> list[dict[str, str]]:
    return [{"name": n, "value": v} for n, v in masker.mask_headers(headers)]


def iso_time(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds: ``2026-03-15T10:00:00.123Z``."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
