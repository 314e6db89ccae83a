"""Which module speaks which protocol, and the extra that installs its client library.

Nothing here imports a client library: a transport module is imported the first
time a workflow needs its protocol, so an HTTP-only run never pays for them, and
a missing library is an error that names the ``pip install`` that adds it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ArazzoError

if TYPE_CHECKING:
    from .endpoint import Endpoint
    from .transport import Transport

DISTRIBUTION = "arazzo-engine"


@dataclass(frozen=True)
class ProtocolSupport:
    module: str
    """The module of this package with the transport (``arazzo_runner.messaging.<module>``)."""
    class_name: str
    extra: str
    """The optional extra that installs its client library."""
    library: str
    """The top-level module of that library."""


_MQTT = ProtocolSupport("mqtt", "MQTTTransport", "mqtt", "aiomqtt")
_AMQP = ProtocolSupport("amqp", "AMQPTransport", "amqp", "aio_pika")
_NATS = ProtocolSupport("nats", "NATSTransport", "nats", "nats")
_WS = ProtocolSupport("websocket", "WebSocketTransport", "ws", "websockets")
_REDIS = ProtocolSupport("redis", "RedisTransport", "redis", "redis")

PROTOCOLS: dict[str, ProtocolSupport] = {
    "mqtt": _MQTT,
    "mqtts": _MQTT,
    "secure-mqtt": _MQTT,
    "amqp": _AMQP,
    "amqps": _AMQP,
    "nats": _NATS,
    "tls": _NATS,
    "ws": _WS,
    "wss": _WS,
    "redis": _REDIS,
    "rediss": _REDIS,
}


class MissingExtra(ArazzoError):
    """The client library of a protocol is not installed."""


class UnsupportedProtocol(ArazzoError):
    """No transport speaks this protocol."""


def install_hint(protocol: str) -> str:
    support = PROTOCOLS[protocol]
    return f"pip install '{DISTRIBUTION}[{support.extra}]'"


def transport_class(protocol: str) -> type[Transport]:
    """The transport for an AsyncAPI protocol name, its module imported now."""
    support = PROTOCOLS.get(protocol.lower())
    if support is None:
        known = ", ".join(sorted(PROTOCOLS))
        raise UnsupportedProtocol(
            f"the protocol '{protocol}' is not supported (supported: {known})",
            hint="point the source description at a supported broker with --server "
            "SOURCE=URL, e.g. --server events=mqtt://127.0.0.1:1883",
        )
    try:
        module = importlib.import_module(f"{__package__}.{support.module}")
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != support.library:
            raise
        raise MissingExtra(
            f"the {protocol} protocol needs the '{support.library}' library, which is not "
            "installed",
            hint=f"{install_hint(protocol.lower())} (or '{DISTRIBUTION}[asyncapi]' for "
            "every protocol)",
        ) from None
    found: type[Transport] = getattr(module, support.class_name)
    return found


def open_transport(endpoint: Endpoint, *, connect_timeout: float = 10.0) -> Transport:
    """An unconnected transport for ``endpoint`` (``await transport.connect()`` next)."""
    return transport_class(endpoint.protocol)(endpoint, connect_timeout=connect_timeout)
