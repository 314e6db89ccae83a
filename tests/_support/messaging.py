"""Arazzo 1.1 documents with AsyncAPI steps, and the order service's AsyncAPI description.

The order service takes orders on one channel and confirms each on another
whose address has a ``{region}`` parameter; messages carry their correlation id
in a header (``orderRequestId``) or, on protocols without headers, in the
payload (``requestId``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from arazzo_runner.messaging import Bindings, OutgoingMessage, ReceivedMessage


def separator(protocol: str) -> str:
    """NATS subjects and AMQP routing keys separate words with dots; the others with /."""
    return "." if protocol in ("nats", "amqp") else "/"


def order_addresses(protocol: str, prefix: str) -> tuple[str, str]:
    """The request address and the reply address template (with ``{region}``)."""
    sep = separator(protocol)
    return f"{prefix}{sep}place", f"{prefix}{sep}{{region}}{sep}confirmed"


def orders_asyncapi(
    protocol: str,
    host: str,
    prefix: str,
    *,
    in_header: bool = True,
    channel_bindings: dict[str, Any] | None = None,
    security: list[Any] | None = None,
    schemes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    place, confirmed = order_addresses(protocol, prefix)
    location = "$message.header#/orderRequestId" if in_header else "$message.payload#/requestId"
    headers = {"type": "object", "properties": {"orderRequestId": {"type": "string"}}}
    server: dict[str, Any] = {"host": host, "protocol": protocol}
    if protocol == "mqtt":
        server["protocolVersion"] = "5"
    if security:
        server["security"] = security
    bindings = {"bindings": channel_bindings} if channel_bindings else {}

    def message(payload: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {
            "contentType": "application/json",
            "correlationId": {"location": location},
            "payload": {"type": "object", "properties": payload},
        }
        if in_header:
            found["headers"] = headers
        return found

    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Orders", "version": "1"},
        "servers": {"broker": server},
        "channels": {
            "placeOrder": {
                "address": place,
                "messages": {"order": {"$ref": "#/components/messages/Order"}},
                **bindings,
            },
            "confirmations": {
                "address": confirmed,
                "parameters": {"region": {"description": "where the order ships"}},
                "messages": {"confirmed": {"$ref": "#/components/messages/Confirmed"}},
                **bindings,
            },
        },
        "operations": {
            # The service's point of view: it receives orders and sends confirmations.
            "placeOrder": {"action": "receive", "channel": {"$ref": "#/channels/placeOrder"}},
            "confirmOrder": {"action": "send", "channel": {"$ref": "#/channels/confirmations"}},
        },
        "components": {
            "messages": {
                "Order": message({"item": {"type": "string"}, "requestId": {"type": "string"}}),
                "Confirmed": message(
                    {"orderId": {"type": "integer"}, "status": {"type": "string"}}
                ),
            },
            **({"securitySchemes": schemes} if schemes else {}),
        },
    }


def order_steps(*, in_header: bool = True, timeout_ms: int = 5000) -> list[dict[str, Any]]:
    """Send an order, then wait for its confirmation (by correlation id) in region eu."""
    place: dict[str, Any] = {
        "stepId": "place",
        "operationId": "$sourceDescriptions.orders.placeOrder",
        "action": "send",
        "requestBody": {"payload": {"item": "$inputs.item"}},
    }
    if in_header:
        place["parameters"] = [
            {"name": "orderRequestId", "in": "header", "value": "$inputs.requestId"}
        ]
    else:
        place["requestBody"]["payload"]["requestId"] = "$inputs.requestId"
    confirm = {
        "stepId": "confirm",
        "operationId": "$sourceDescriptions.orders.confirmOrder",
        "action": "receive",
        "correlationId": "$inputs.requestId",
        "timeout": timeout_ms,
        "parameters": [{"name": "region", "in": "path", "value": "eu"}],
        "successCriteria": [{"condition": "$message.payload.status == 'confirmed'"}],
        "outputs": {"orderId": "$message.payload.orderId"},
    }
    return [place, confirm]


def orders_workflow(steps: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {
        "workflowId": "placeOrder",
        "inputs": {
            "type": "object",
            "properties": {"requestId": {"type": "string"}, "item": {"type": "string"}},
        },
        "steps": steps,
        "outputs": {"orderId": "$steps.confirm.outputs.orderId"},
        **fields,
    }


def arazzo_1_1(
    *workflows: dict[str, Any], sources: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "arazzo": "1.1.0",
        "info": {"title": "Orders", "version": "1"},
        "sourceDescriptions": sources
        or [{"name": "orders", "url": "orders.asyncapi.yaml", "type": "asyncapi"}],
        "workflows": list(workflows),
    }


def write_order_documents(
    directory: Path, arazzo: dict[str, Any], asyncapi: dict[str, Any]
) -> Path:
    (directory / "orders.asyncapi.yaml").write_text(yaml.safe_dump(asyncapi), encoding="utf-8")
    path = directory / "orders.arazzo.yaml"
    path.write_text(yaml.safe_dump(arazzo, sort_keys=False), encoding="utf-8")
    return path


def request_id_of(request: ReceivedMessage) -> str | None:
    """The correlation id of an order, from its header or its payload."""
    found = request.header("orderRequestId")
    if found is not None:
        return found
    payload = request.payload()
    return payload.get("requestId") if isinstance(payload, dict) else None


def confirmation(
    address: str,
    request_id: str | None,
    *,
    in_header: bool = True,
    status: str = "confirmed",
    order_id: int = 42,
    bindings: Bindings | None = None,
) -> OutgoingMessage:
    payload: dict[str, Any] = {"orderId": order_id, "status": status}
    headers = {}
    if in_header:
        headers = {"orderRequestId": request_id or ""}
    else:
        payload["requestId"] = request_id
    return OutgoingMessage(
        address,
        json.dumps(payload).encode(),
        headers,
        "application/json",
        bindings or Bindings(),
    )
