"""Messages on their way to a broker and back: bytes, headers and a content type.

The engine builds an :class:`OutgoingMessage` from a step and reads a
:class:`ReceivedMessage` through ``$message``; a transport moves their bytes.
Payloads are encoded and decoded here, once for every protocol.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bindings:
    """The AsyncAPI bindings of one protocol that apply to a message: its channel's,
    its operation's and its message's (each the mapping under the protocol's name)."""

    channel: Mapping[str, Any] = field(default_factory=dict)
    operation: Mapping[str, Any] = field(default_factory=dict)
    message: Mapping[str, Any] = field(default_factory=dict)


NO_BINDINGS = Bindings()


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to publish on ``address`` (an MQTT topic, AMQP routing key, NATS
    subject, Redis channel or WebSocket path)."""

    address: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str | None = None
    bindings: Bindings = NO_BINDINGS


@dataclass(frozen=True)
class ReceivedMessage:
    """A message a subscription heard, as the broker delivered it."""

    address: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str | None = None
    received_at: float = 0.0
    """``time.monotonic()`` when the transport took it off the wire."""

    def payload(self) -> Any:
        """The body as ``$message.payload`` sees it (see :func:`decode_payload`)."""
        return decode_payload(self.body, self.content_type)

    def header(self, name: str) -> str | None:
        """The header called ``name``, whatever its case (protocols differ in keeping it)."""
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)


def is_json_type(content_type: str | None) -> bool:
    if content_type is None:
        return False
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


def encode_payload(value: Any, content_type: str | None) -> bytes:
    """The bytes of a payload: bytes as they are, text as UTF-8, anything else as JSON.

    A string payload with a JSON content type is sent as JSON text (quoted): the
    message says it is JSON, so it must parse as JSON.
    """
    if isinstance(value, bytes):
        return value
    if isinstance(value, str) and not is_json_type(content_type):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_payload(body: bytes, content_type: str | None) -> Any:
    """A body as a value: JSON when it is declared JSON or has no content type and parses as
    JSON; otherwise UTF-8 text; bytes that are not UTF-8 stay bytes."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    if is_json_type(content_type) or content_type is None:
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text
