"""The message I/O the engine asks its driver for, beside ``http/commands.py``.

A run yields :class:`Subscribe` for each receive step when its workflow starts,
:class:`SendMessage` for a send step and :class:`ReceiveMessage` for a receive
step, and is resumed with a :class:`MessageOutcome`. A driver carries them out
with a :class:`~arazzo_runner.messaging.session.MessageSession`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..asyncapi.model import CorrelationLocation
from .endpoint import Endpoint
from .messages import Bindings, OutgoingMessage, ReceivedMessage


@dataclass(frozen=True)
class Subscribe:
    """Subscribe now and buffer what arrives until :class:`ReceiveMessage` asks for it."""

    key: str
    """Names the subscription for the :class:`ReceiveMessage` that reads it."""
    endpoint: Endpoint
    address: str
    bindings: Bindings


@dataclass(frozen=True)
class SendMessage:
    endpoint: Endpoint
    message: OutgoingMessage


@dataclass(frozen=True)
class ReceiveMessage:
    """Take the first buffered or arriving message of subscription ``key`` that matches,
    waiting at most ``timeout`` seconds; messages that do not match stay buffered."""

    key: str
    timeout: float
    correlation: CorrelationLocation | None = None
    expected: str | None = None
    """The correlation id to match at ``correlation``; None takes any message."""

    def matches(self, message: ReceivedMessage) -> bool:
        if self.correlation is None or self.expected is None:
            return True
        found = self.correlation.find(message.headers, message.payload())
        return found is not None and _text(found) == self.expected


@dataclass
class MessageOutcome:
    """What came of a message command: the message received, or why there is none."""

    message: ReceivedMessage | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    ignored: int = 0
    """Messages that arrived on the subscription but did not match (left buffered)."""


MessageCommand = Subscribe | SendMessage | ReceiveMessage


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
