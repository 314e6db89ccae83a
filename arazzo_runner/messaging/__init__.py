"""Messages to and from brokers: the transport interface and one module per protocol.

``messages`` (what is sent and heard), ``endpoint`` (where a broker is, with its
credentials), ``transport`` (the :class:`Transport` interface and the buffering
:class:`Subscription`), ``registry`` (protocol -> module and extra). The
protocol modules (``mqtt``, ``amqp``, ``nats``, ``websocket``, ``redis``) import
their client libraries and are imported only through ``registry`` when a
workflow needs them: importing this package imports none of them.
"""

from .endpoint import Endpoint
from .messages import (
    NO_BINDINGS,
    Bindings,
    OutgoingMessage,
    ReceivedMessage,
    decode_payload,
    encode_payload,
    is_json_type,
)
from .registry import (
    PROTOCOLS,
    MissingExtra,
    UnsupportedProtocol,
    install_hint,
    open_transport,
    transport_class,
)
from .transport import BrokerError, Subscription, Transport

__all__ = [
    "NO_BINDINGS",
    "PROTOCOLS",
    "Bindings",
    "BrokerError",
    "Endpoint",
    "MissingExtra",
    "OutgoingMessage",
    "ReceivedMessage",
    "Subscription",
    "Transport",
    "UnsupportedProtocol",
    "decode_payload",
    "encode_payload",
    "install_hint",
    "is_json_type",
    "open_transport",
    "transport_class",
]
