"""What a run needs of an AsyncAPI description: servers, channels, messages, operations.

The same shapes serve AsyncAPI 3.0 and 2.x descriptions (``description.py`` reads
both into them). Every object keeps the pointer it was read from, so messages
about it point at the description.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import DocumentError, SourceLocation
from ..pointers import unescape_pointer_token

ADDRESS_PARAMETER = re.compile(r"\{([^{}]+)\}")
"""A ``{parameter}`` in a channel address or a server host or pathname."""

Action = Literal["send", "receive"]


@dataclass(frozen=True)
class ServerVariable:
    name: str
    default: str | None
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Server:
    """An AsyncAPI server: where a broker is and the protocol it speaks."""

    name: str
    host: str
    """``host[:port]``, possibly with ``{variables}``."""
    protocol: str
    pathname: str = ""
    protocol_version: str | None = None
    variables: Mapping[str, ServerVariable] = field(default_factory=dict)
    bindings: Mapping[str, Any] = field(default_factory=dict)
    security: tuple[Any, ...] = ()
    pointer: str = ""

    def url(self, values: Mapping[str, str] | None = None) -> str:
        """``protocol://host/pathname`` with each variable set to ``values`` or its default.

        Raises :class:`ValueError` naming a variable that has neither.
        """
        given = dict(values or {})

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in given:
                return given[name]
            variable = self.variables.get(name)
            if variable is None or variable.default is None:
                raise ValueError(name)
            return variable.default

        host = ADDRESS_PARAMETER.sub(substitute, self.host)
        pathname = ADDRESS_PARAMETER.sub(substitute, self.pathname)
        if pathname and not pathname.startswith("/"):
            pathname = "/" + pathname
        return f"{self.protocol}://{host}{pathname}"


@dataclass(frozen=True)
class CorrelationLocation:
    """Where a message carries its correlation id: ``$message.header#/name`` or
    ``$message.payload#/pointer`` (AsyncAPI's Correlation ID Object ``location``)."""

    part: Literal["header", "payload"]
    pointer: str
    text: str

    @classmethod
    def parse(cls, text: str) -> CorrelationLocation | None:
        """The location ``text`` names, or None when it is not a runtime expression
        AsyncAPI allows there."""
        match = re.fullmatch(r"\$message\.(header|payload)(?:#(/.*)?)?", text.strip())
        if match is None:
            return None
        part: Literal["header", "payload"] = "header" if match.group(1) == "header" else "payload"
        return cls(part, match.group(2) or "", text)

    def find(self, headers: Mapping[str, str], payload: Any) -> Any:
        """The value at this location in a message, or None where there is none.

        Header names are matched without regard to case: AMQP and MQTT keep
        the case they were sent with, WebSocket and NATS gateways may not.
        """
        tokens = [unescape_pointer_token(token) for token in self.pointer.split("/")[1:]]
        if self.part == "header":
            if not tokens:
                return dict(headers)
            wanted = tokens[0].lower()
            value: Any = next(
                (item for name, item in headers.items() if name.lower() == wanted), None
            )
            tokens = tokens[1:]
        else:
            value = payload
        for token in tokens:
            if isinstance(value, Mapping):
                value = value.get(token)
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                return None
        return value


@dataclass(frozen=True)
class Message:
    """An AsyncAPI message, its traits applied and its top-level ``$ref``s followed."""

    name: str
    pointer: str
    payload: Any
    """The payload's schema (``$ref``s inside it are left as written), or None."""
    headers: Any
    """The headers' schema (an object schema), or None."""
    content_type: str | None
    correlation: CorrelationLocation | None
    bindings: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def header_names(self) -> list[str]:
        properties = self.headers.get("properties") if isinstance(self.headers, dict) else None
        return [str(name) for name in properties] if isinstance(properties, dict) else []


@dataclass(frozen=True)
class ChannelParameter:
    name: str
    default: str | None = None
    enum: tuple[str, ...] = ()
    location: str | None = None
    """A runtime expression (``$message.payload#/user/id``) the value comes from."""


@dataclass(frozen=True)
class Channel:
    """An AsyncAPI channel: an address on a broker and the messages sent to it."""

    key: str
    """Its name under ``channels`` (in AsyncAPI 2.x, the address itself)."""
    address: str
    """The address with its ``{parameters}``: an MQTT topic, a NATS subject, an
    AMQP routing key or queue, a Redis channel, a WebSocket path."""
    pointer: str
    parameters: Mapping[str, ChannelParameter] = field(default_factory=dict)
    messages: tuple[Message, ...] = ()
    server_names: tuple[str, ...] | None = None
    """The servers the channel is on; None for every server of the description."""
    bindings: Mapping[str, Any] = field(default_factory=dict)

    def parameter_names(self) -> list[str]:
        """The parameters of the address, in the order they appear."""
        return ADDRESS_PARAMETER.findall(self.address)

    def fill(self, values: Mapping[str, str], location: SourceLocation | None = None) -> str:
        """The address with each ``{parameter}`` set to ``values`` (or its default).

        A parameter with neither is an error: a subscription on a half-filled
        address would hear nothing, or, with a wildcard, everything.
        """

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in values:
                return values[name]
            parameter = self.parameters.get(name)
            if parameter is not None and parameter.default is not None:
                return parameter.default
            raise DocumentError(
                f"channel '{self.key}' needs a value for its address parameter '{name}' "
                f"({self.address})",
                location=location,
                hint=f"give the step a parameter named '{name}' (in: path)",
            )

        return ADDRESS_PARAMETER.sub(substitute, self.address)


@dataclass(frozen=True)
class Reply:
    """An operation's ``reply``: where the answer to a request is sent."""

    channel: Channel | None
    messages: tuple[Message, ...] = ()
    address_location: str | None = None


@dataclass(frozen=True)
class AsyncOperation:
    """An AsyncAPI operation: an action on one channel with some of its messages."""

    operation_id: str
    action: Action
    """The description's own action, from the application's point of view. A step's
    ``action`` is the runner's, and is never compared with it (docs/semantics.md)."""
    channel: Channel
    messages: tuple[Message, ...]
    pointer: str
    bindings: Mapping[str, Any] = field(default_factory=dict)
    reply: Reply | None = None
    security: tuple[Any, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.operation_id} ({self.channel.address})"
