"""``--auth`` for brokers: AsyncAPI security schemes turned into a connection's credentials.

The scheme names are those the server and the operation require (AsyncAPI 3.0
lists Security Scheme Objects, usually ``$ref``s to
``components/securitySchemes/<name>``; 2.x lists requirement maps by name), and
``--auth NAME=VALUE`` (or ``ARAZZO_AUTH_<NAME>``) gives each one's value:

- ``userPassword``, ``plain``, ``scramSha256``, ``scramSha512`` and ``http``
  ``basic``: ``user:password``, the broker login (MQTT, AMQP, NATS, Redis;
  WebSocket Basic authentication);
- ``httpApiKey`` in a header: that header on the WebSocket handshake;
- ``apiKey``, ``httpBearer``/``http`` ``bearer``, and any other: a token (NATS
  token, WebSocket ``Authorization: Bearer``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..asyncapi.resolve import MessageTarget
from ..http.auth import Credentials
from .endpoint import Endpoint

_LOGIN_TYPES = frozenset({"userPassword", "plain", "scramSha256", "scramSha512"})


def broker_endpoint(
    credentials: Credentials, endpoint: Endpoint, target: MessageTarget
) -> Endpoint:
    """``endpoint`` with the credentials ``--auth`` gives for the schemes ``target`` requires."""
    schemes = target.description.security_schemes()
    for name in _required_schemes(target):
        value = credentials.value_for(name)
        scheme = schemes.get(name)
        if value is None or not isinstance(scheme, dict):
            continue
        endpoint = _with_value(endpoint, scheme, value)
    return endpoint


def _with_value(endpoint: Endpoint, scheme: dict[str, Any], value: str) -> Endpoint:
    kind = scheme.get("type")
    is_basic = kind == "http" and str(scheme.get("scheme", "")).lower() == "basic"
    if kind in _LOGIN_TYPES or is_basic:
        user, _, password = value.partition(":")
        return endpoint.with_credentials(username=user, password=password)
    if (
        kind == "httpApiKey"
        and scheme.get("in") == "header"
        and isinstance(scheme.get("name"), str)
    ):
        return endpoint.with_credentials(headers={scheme["name"]: value})
    return endpoint.with_credentials(token=value)


def _required_schemes(target: MessageTarget) -> Iterator[str]:
    """The scheme names the channel's server and the operation require, each once."""
    servers = target.description.servers_for(target.channel)
    lists = [servers[0].security if servers else (), ()]
    if target.operation is not None:
        lists[1] = target.operation.security
    seen: set[str] = set()
    for requirements in lists:
        for item in requirements:
            for name in _names(item):
                if name not in seen:
                    seen.add(name)
                    yield name


def _names(item: Any) -> list[str]:
    if not isinstance(item, dict):
        return []
    ref = item.get("$ref")
    if isinstance(ref, str):
        return [ref.rsplit("/", 1)[-1]]
    if "type" in item:
        return []  # an inline scheme has no name to give --auth
    return [str(name) for name in item]  # AsyncAPI 2.x: {name: [scopes]}
