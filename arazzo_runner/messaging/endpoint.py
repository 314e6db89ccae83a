"""Where a broker is and how to log in to it: an :class:`Endpoint`.

An endpoint comes from an AsyncAPI server (its protocol, host, pathname and
variables) or from ``--server SOURCE=URL`` (``mqtt://host:1883``,
``amqp://user:pass@host/vhost``, ``nats://``, ``ws://``, ``redis://``), and
carries the credentials ``--auth`` gave for it. Passwords and tokens are never
part of how it is shown (:meth:`Endpoint.display`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..errors import UsageError

DEFAULT_PORTS = {
    "mqtt": 1883,
    "mqtts": 8883,
    "secure-mqtt": 8883,
    "amqp": 5672,
    "amqps": 5671,
    "nats": 4222,
    "tls": 4222,
    "ws": 80,
    "wss": 443,
    "redis": 6379,
    "rediss": 6380,
}

SECURE_PROTOCOLS = frozenset({"mqtts", "secure-mqtt", "amqps", "wss", "rediss", "tls"})


@dataclass(frozen=True)
class Endpoint:
    """A broker: protocol, host, port and path, and the credentials to use there."""

    protocol: str
    host: str
    port: int
    path: str = ""
    protocol_version: str | None = None
    """``3.1.1`` or ``5`` for MQTT (5 when not given); unused by the others."""
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    """A bearer token or API key: NATS ``token``, a WebSocket header value."""
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Headers sent when connecting (a WebSocket ``httpApiKey``)."""
    bindings: Mapping[str, Any] = field(default_factory=dict)
    """The server's bindings for this protocol (an MQTT ``clientId``, say)."""

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        protocol_version: str | None = None,
        bindings: Mapping[str, Any] | None = None,
    ) -> Endpoint:
        """The endpoint a broker URL names; user and password in the URL are kept."""
        parts = urlsplit(url)
        protocol = parts.scheme.lower()
        if not protocol or not parts.hostname:
            raise UsageError(
                f"'{url}' is not a broker URL",
                hint="write it as protocol://host:port, e.g. mqtt://127.0.0.1:1883",
            )
        try:
            port = parts.port
        except ValueError:
            raise UsageError(f"the port of '{url}' is not a number") from None
        return cls(
            protocol=protocol,
            host=parts.hostname,
            port=port if port is not None else DEFAULT_PORTS.get(protocol, 0),
            path=parts.path + (f"?{parts.query}" if parts.query else ""),
            protocol_version=protocol_version,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            bindings=dict(bindings or {}),
        )

    @property
    def tls(self) -> bool:
        return self.protocol in SECURE_PROTOCOLS

    def with_credentials(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Endpoint:
        """This endpoint with the credentials given (those not given are kept)."""
        return replace(
            self,
            username=username if username is not None else self.username,
            password=password if password is not None else self.password,
            token=token if token is not None else self.token,
            headers={**self.headers, **(headers or {})},
        )

    def url(self, *, with_password: bool = False) -> str:
        """The endpoint as a URL; the password only when asked for (to hand to a client)."""
        userinfo = ""
        if self.username is not None:
            userinfo = quote(self.username, safe="")
            if with_password and self.password is not None:
                userinfo += ":" + quote(self.password, safe="")
            userinfo += "@"
        return f"{self.protocol}://{userinfo}{self.host}:{self.port}{self.path}"

    def display(self) -> str:
        """How messages name the broker: the URL without the password."""
        return self.url()
