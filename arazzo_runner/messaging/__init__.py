"""Messages to and from brokers: the transport interface and one module per protocol.

``messages`` (what is sent and heard), ``endpoint`` (where a broker is, with its
credentials), ``transport`` (the :class:`Transport` interface and the buffering
:class:`Subscription`), ``registry`` (protocol -> module and extra),
``commands`` (what the engine asks a driver for), ``session`` (carrying them
out for one run), ``template`` (a step's message, built per attempt) and
``auth`` (``--auth`` for brokers). The protocol modules (``mqtt``, ``amqp``,
``nats``, ``websocket``, ``redis``) import their client libraries and are
imported only through ``registry`` when a workflow needs them.

The names below are imported on first use: importing this package imports none
of its modules.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Endpoint": "endpoint",
    "NO_BINDINGS": "messages",
    "Bindings": "messages",
    "OutgoingMessage": "messages",
    "ReceivedMessage": "messages",
    "decode_payload": "messages",
    "encode_payload": "messages",
    "is_json_type": "messages",
    "PROTOCOLS": "registry",
    "MissingExtra": "registry",
    "UnsupportedProtocol": "registry",
    "install_hint": "registry",
    "open_transport": "registry",
    "transport_class": "registry",
    "BrokerError": "transport",
    "Subscription": "transport",
    "Transport": "transport",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
