"""A message step's message, channel and broker, as far as they are known before a run.

Built once per step (like ``http/request.py``'s request template) and evaluated
per attempt:

- ``in: path`` parameters fill the channel address's ``{parameters}``
  (docs/semantics.md: the spec gives channel parameters no ``in`` of their own);
- ``in: header`` parameters are message headers (MQTT 5 user properties, AMQP
  headers, NATS headers; refused on protocols without headers);
- ``requestBody`` is the payload (``contentType``, else the message's, else
  JSON), with its ``replacements`` applied;
- the broker is the ``--server`` override for the source description, else the
  first server the channel is on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..asyncapi.model import Server
from ..asyncapi.resolve import MessageTarget
from ..document import Step, Workflow
from ..errors import DocumentError
from ..expressions import ExpressionContext, HttpMessage, UnresolvedReference
from ..expressions.payload import evaluate_payload
from ..http.bodies import Replacement, prepare_body
from ..http.messages import StepFailure
from ..http.request import effective_parameters
from ..openapi import to_text
from .endpoint import Endpoint
from .messages import Bindings, OutgoingMessage
from .registry import PROTOCOLS

# The bindings key of each protocol name a server may give.
_BINDING_NAMES = {
    "mqtt": "mqtt",
    "mqtts": "mqtt",
    "secure-mqtt": "mqtt",
    "amqp": "amqp",
    "amqps": "amqp",
    "nats": "nats",
    "tls": "nats",
    "ws": "ws",
    "wss": "ws",
    "redis": "redis",
    "rediss": "redis",
}


def binding_name(protocol: str) -> str:
    return _BINDING_NAMES.get(protocol.lower(), protocol.lower())


@dataclass(frozen=True)
class BuiltMessage:
    address: str
    message: OutgoingMessage | None
    """None for a receive step (it only needs the address)."""
    seen: HttpMessage | None = None
    """What the message looks like to expressions (headers and payload)."""


class MessageTemplate:
    """A message step, worked out once: its target, parameters and broker."""

    def __init__(
        self,
        workflow: Workflow,
        step: Step,
        target: MessageTarget,
        server_names: tuple[str, ...],
    ) -> None:
        self.step = step
        self.target = target
        self.action = step.action or "send"
        self.parameters = effective_parameters(workflow, step)
        self.server_names = server_names
        message = target.messages[0] if len(target.messages) == 1 else None
        self.content_type = (
            (step.request_body.content_type if step.request_body else None)
            or (message.content_type if message else None)
            or "application/json"
        )

    # -- the broker

    def endpoint(self, server_overrides: Mapping[str, str]) -> Endpoint:
        """The broker: the override for this source, else the channel's first server."""
        servers = self.target.description.servers_for(self.target.channel)
        for name in self.server_names:
            override = server_overrides.get(name)
            if override is not None:
                return self._overridden(Endpoint.from_url(override), servers)
        if not servers:
            raise DocumentError(
                f"source description '{self.target.source}' names no server for "
                f"channel '{self.target.channel.key}'",
                hint=f"pass --server {self.server_names[0]}=mqtt://host:1883 (or amqp://, "
                "nats://, ws://, redis://)",
            )
        server = servers[0]
        try:
            url = server.url()
        except ValueError as exc:
            raise DocumentError(
                f"server '{server.name}' of source description '{self.target.source}' uses "
                f"variable '{exc}', which has no default",
                hint=f"pass --server {self.server_names[0]}={server.protocol}://host:port",
            ) from None
        if server.protocol.lower() not in PROTOCOLS:
            supported = ", ".join(sorted({binding_name(p) for p in PROTOCOLS}))
            raise DocumentError(
                f"server '{server.name}' of source description '{self.target.source}' speaks "
                f"'{server.protocol}', which this runner does not (it speaks {supported})",
                hint=f"pass --server {self.server_names[0]}=mqtt://host:1883 to use a "
                "broker it speaks",
            )
        bindings = server.bindings.get(binding_name(server.protocol))
        return Endpoint.from_url(
            url,
            protocol_version=server.protocol_version,
            bindings=bindings if isinstance(bindings, dict) else None,
        )

    def _overridden(self, endpoint: Endpoint, servers: list[Server]) -> Endpoint:
        """An overriding URL keeps the described server's protocol version and bindings
        when it speaks the same protocol (an MQTT 3.1.1 broker elsewhere, say)."""
        same = next(
            (s for s in servers if binding_name(s.protocol) == binding_name(endpoint.protocol)),
            None,
        )
        if same is None:
            return endpoint
        bindings = same.bindings.get(binding_name(same.protocol))
        return replace(
            endpoint,
            protocol_version=same.protocol_version,
            bindings=bindings if isinstance(bindings, dict) else {},
        )

    def bindings(self, protocol: str) -> Bindings:
        name = binding_name(protocol)
        operation = self.target.operation
        message = self.target.messages[0] if len(self.target.messages) == 1 else None
        return Bindings(
            channel=_binding(self.target.channel.bindings, name),
            operation=_binding(operation.bindings if operation else {}, name),
            message=_binding(message.bindings if message else {}, name),
        )

    # -- per attempt

    def build(self, context: ExpressionContext, protocol: str) -> BuiltMessage:
        """The address (and, for a send step, the message) with this attempt's values."""
        values: dict[str, dict[str, Any]] = {"path": {}, "header": {}}
        for parameter in self.parameters:
            if parameter.location not in values:
                continue
            try:
                value = parameter.value.evaluate(context)
            except UnresolvedReference as exc:
                raise StepFailure(
                    f"cannot set {parameter.location} parameter '{parameter.name}': {exc}"
                ) from None
            values[parameter.location][parameter.name] = to_text(value)
        try:
            address = self.target.channel.fill(values["path"])
        except DocumentError as exc:
            raise StepFailure(exc.message) from None
        if self.action != "send":
            return BuiltMessage(address, None)
        body, payload = self._payload(context)
        message = OutgoingMessage(
            address,
            body,
            values["header"],
            self.content_type,
            self.bindings(protocol),
        )
        return BuiltMessage(address, message, HttpMessage(headers=values["header"], body=payload))

    def _payload(self, context: ExpressionContext) -> tuple[bytes, Any]:
        request_body = self.step.request_body
        if request_body is None or request_body.payload is None:
            return b"", None
        missing: list[str] = []
        value = evaluate_payload(
            request_body.payload,
            context,
            json_text=False,
            on_missing=lambda exc: missing.append(str(exc)),
        )
        if missing:
            raise StepFailure(f"cannot build the message payload: {missing[0]}")
        replacements = []
        for replacement in request_body.replacements:
            try:
                replacements.append(
                    Replacement(replacement.target, replacement.value.evaluate(context))
                )
            except UnresolvedReference as exc:
                raise StepFailure(f"cannot apply a payload replacement: {exc}") from None
        encoded = prepare_body(value, self.content_type, replacements)
        return encoded.content, encoded.value


def _binding(bindings: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    found = bindings.get(name)
    return found if isinstance(found, Mapping) else {}
