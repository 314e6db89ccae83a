"""AsyncAPI 3.0 and 2.x descriptions: read, indexed and checked against the official schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from arazzo_runner.asyncapi import AsyncAPIDescription, CorrelationLocation
from arazzo_runner.diagnostics import Diagnostics
from arazzo_runner.document import LoadOptions, load_document
from arazzo_runner.document.limits import DocumentLimits
from arazzo_runner.errors import DocumentError
from arazzo_runner.openapi import DocumentCache
from tests._support.paths import corpus_path


def orders_v3() -> dict[str, Any]:
    """An order service: place orders on one channel, confirmations per user on another."""
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Orders", "version": "1"},
        "defaultContentType": "application/json",
        "servers": {
            "broker": {
                "host": "{host}:{port}",
                "protocol": "mqtt",
                "protocolVersion": "5",
                "pathname": "/base",
                "variables": {"host": {"default": "127.0.0.1"}, "port": {"default": "1883"}},
                "bindings": {"mqtt": {"clientId": "orders"}},
            },
            "other": {"host": "rabbit:5672", "protocol": "amqp"},
        },
        "channels": {
            "placeOrder": {
                "address": "orders/place",
                "servers": [{"$ref": "#/servers/broker"}],
                "messages": {"order": {"$ref": "#/components/messages/Order"}},
            },
            "confirmations": {
                "address": "orders/{userId}/confirmed",
                "parameters": {"userId": {"description": "who", "default": "anyone"}},
                "messages": {
                    "confirmed": {"$ref": "#/components/messages/Confirmed"},
                    "rejected": {"payload": {"type": "object"}},
                },
                "bindings": {"amqp": {"is": "routingKey", "exchange": {"name": "orders"}}},
            },
            "dynamic": {"address": None, "messages": {}},
        },
        "operations": {
            "placeOrder": {
                "action": "receive",
                "channel": {"$ref": "#/channels/placeOrder"},
                "bindings": {"mqtt": {"qos": 1, "retain": False}},
                "reply": {"channel": {"$ref": "#/channels/confirmations"}},
            },
            "confirmOrder": {
                "action": "send",
                "channel": {"$ref": "#/channels/confirmations"},
                "messages": [{"$ref": "#/channels/confirmations/messages/confirmed"}],
            },
        },
        "components": {
            "messages": {
                "Order": {
                    "traits": [{"$ref": "#/components/messageTraits/Correlated"}],
                    "title": "Order",
                    "payload": {"type": "object", "required": ["item"]},
                },
                "Confirmed": {
                    "contentType": "text/plain",
                    "correlationId": {"location": "$message.payload#/order/id"},
                    "payload": {"schemaFormat": "application/schema+json;version=draft-07",
                                "schema": {"type": "string"}},
                },
            },
            "messageTraits": {
                "Correlated": {
                    "headers": {"type": "object", "properties": {"requestId": {"type": "string"}}},
                    "correlationId": {"location": "$message.header#/requestId"},
                    "title": "from the trait",
                }
            },
        },
    }  # fmt: skip


def read(path: Path, data: dict[str, Any] | None = None) -> tuple[AsyncAPIDescription, Diagnostics]:
    if data is not None:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    diagnostics = Diagnostics()
    description = AsyncAPIDescription(
        "events", load_document(str(path)), DocumentCache(), diagnostics
    )
    return description, diagnostics


def test_operations_channels_and_messages_are_indexed(tmp_path: Path) -> None:
    description, diagnostics = read(tmp_path / "orders.yaml", orders_v3())
    place = description.by_operation_id("placeOrder")
    assert place is not None
    assert place.action == "receive"
    assert place.channel.address == "orders/place"
    assert place.bindings == {"mqtt": {"qos": 1, "retain": False}}
    [order] = place.messages  # no "messages": all of the channel's
    assert order.name == "order"
    assert order.content_type == "application/json"  # the description's default
    assert order.raw["title"] == "Order"  # the message wins over its trait
    assert order.header_names() == ["requestId"]  # from the trait
    assert order.correlation == CorrelationLocation(
        "header", "/requestId", "$message.header#/requestId"
    )
    assert place.reply is not None and place.reply.channel is not None
    assert place.reply.channel.key == "confirmations"
    assert [m.name for m in place.reply.messages] == ["confirmed", "rejected"]
    assert list(diagnostics) == []


def test_an_operation_lists_some_of_its_channel_messages(tmp_path: Path) -> None:
    description, _ = read(tmp_path / "orders.yaml", orders_v3())
    confirm = description.by_operation_id("confirmOrder")
    assert confirm is not None
    [confirmed] = confirm.messages
    assert confirmed.content_type == "text/plain"
    assert confirmed.payload == {"type": "string"}  # inside the multi-format schema object
    assert confirmed.correlation is not None
    assert confirmed.correlation.find({}, {"order": {"id": 7}}) == 7
    assert description.by_operation_id("nothing") is None


def test_channel_addresses_are_filled_from_parameters_and_defaults(tmp_path: Path) -> None:
    description, _ = read(tmp_path / "orders.yaml", orders_v3())
    channel = description.channel_at("/channels/confirmations")
    assert channel is not None
    assert channel.parameter_names() == ["userId"]
    assert channel.fill({"userId": "u1"}) == "orders/u1/confirmed"
    assert channel.fill({}) == "orders/anyone/confirmed"
    assert channel.bindings["amqp"]["exchange"] == {"name": "orders"}
    dynamic = description.channel("dynamic")
    assert dynamic is not None and dynamic.address == "dynamic"  # null address: the key


def test_a_parameter_without_value_or_default_is_a_clear_error(tmp_path: Path) -> None:
    data = orders_v3()
    del data["channels"]["confirmations"]["parameters"]["userId"]["default"]
    description, _ = read(tmp_path / "orders.yaml", data)
    channel = description.channel("confirmations")
    assert channel is not None
    with pytest.raises(DocumentError, match="'userId'") as caught:
        channel.fill({})
    assert caught.value.hint is not None and "in: path" in caught.value.hint


def test_servers_have_urls_with_variables_and_channels_name_theirs(tmp_path: Path) -> None:
    description, _ = read(tmp_path / "orders.yaml", orders_v3())
    servers = description.servers()
    assert list(servers) == ["broker", "other"]
    broker = servers["broker"]
    assert broker.url() == "mqtt://127.0.0.1:1883/base"
    assert broker.url({"port": "1884"}) == "mqtt://127.0.0.1:1884/base"
    assert broker.protocol_version == "5"
    assert broker.bindings == {"mqtt": {"clientId": "orders"}}
    place = description.channel("placeOrder")
    confirmations = description.channel("confirmations")
    assert place is not None and confirmations is not None
    assert [s.name for s in description.servers_for(place)] == ["broker"]
    assert [s.name for s in description.servers_for(confirmations)] == ["broker", "other"]


def test_references_to_other_files_are_followed(tmp_path: Path) -> None:
    messages = {"Order": {"payload": {"type": "object"}, "contentType": "application/json"}}
    (tmp_path / "messages.yaml").write_text(yaml.safe_dump(messages), encoding="utf-8")
    data = orders_v3()
    data["channels"]["placeOrder"]["messages"] = {"order": {"$ref": "messages.yaml#/Order"}}
    description, diagnostics = read(tmp_path / "orders.yaml", data)
    place = description.by_operation_id("placeOrder")
    assert place is not None
    assert [m.payload for m in place.messages] == [{"type": "object"}]
    assert list(diagnostics) == []


def test_a_broken_reference_is_a_warning_and_the_rest_is_read(tmp_path: Path) -> None:
    data = orders_v3()
    data["channels"]["placeOrder"]["messages"]["order"] = {"$ref": "#/components/messages/Gone"}
    description, diagnostics = read(tmp_path / "orders.yaml", data)
    place = description.by_operation_id("placeOrder")
    assert place is not None and place.messages == ()
    [warning] = list(diagnostics)
    assert "Gone" in warning.message
    assert warning.location is not None and warning.location.line is not None


def test_a_circular_reference_is_reported_not_followed_forever(tmp_path: Path) -> None:
    data = orders_v3()
    data["components"]["messages"]["Order"] = {"$ref": "#/components/messages/Order"}
    description, diagnostics = read(tmp_path / "orders.yaml", data)
    assert description.by_operation_id("placeOrder") is not None
    assert any("circular" in d.message for d in diagnostics)


def test_a_document_that_is_not_asyncapi_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"not an AsyncAPI 3\.0 or 2\.x document"):
        read(tmp_path / "api.yaml", {"openapi": "3.1.0", "info": {}, "paths": {}})
    with pytest.raises(DocumentError, match=r"'asyncapi: 1\.2\.0'") as caught:
        read(tmp_path / "old.yaml", {"asyncapi": "1.2.0"})
    assert caught.value.location is not None and caught.value.location.line == 1


def test_referenced_files_are_read_within_the_loader_limits(tmp_path: Path) -> None:
    messages = {"Order": {"payload": {"type": "object", "description": "x" * 500}}}
    (tmp_path / "messages.yaml").write_text(yaml.safe_dump(messages), encoding="utf-8")
    data = orders_v3()
    data["channels"]["placeOrder"]["messages"] = {"order": {"$ref": "messages.yaml#/Order"}}
    path = tmp_path / "orders.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    cache = DocumentCache(options=LoadOptions(limits=DocumentLimits(max_bytes=400)))
    diagnostics = Diagnostics()
    description = AsyncAPIDescription("events", load_document(str(path)), cache, diagnostics)
    place = description.by_operation_id("placeOrder")
    assert place is not None and place.messages == ()
    [warning] = list(diagnostics)
    assert "messages.yaml" in warning.message


def test_a_valid_description_passes_the_official_schema(tmp_path: Path) -> None:
    description, _ = read(tmp_path / "orders.yaml", orders_v3())
    assert description.schema_issues() == []


def test_schema_problems_point_at_the_field(tmp_path: Path) -> None:
    data = orders_v3()
    data["operations"]["placeOrder"]["action"] = "publish"
    del data["info"]["version"]
    description, _ = read(tmp_path / "orders.yaml", data)
    issues = {issue.pointer: issue.message for issue in description.schema_issues()}
    assert issues["/info"] == "'info' is missing 'version'"
    assert issues["/operations/placeOrder/action"].startswith("'action' is \"publish\"")
    assert '"send"' in issues["/operations/placeOrder/action"]


def v2_description() -> dict[str, Any]:
    return {
        "asyncapi": "2.6.0",
        "info": {"title": "Lights", "version": "1"},
        "servers": {"prod": {"url": "mqtt://{host}:1883/v2", "protocol": "mqtt",
                             "variables": {"host": {"default": "broker"}}}},
        "channels": {
            "lights/{lightId}/on": {
                "parameters": {"lightId": {"schema": {"type": "string", "default": "l1"}}},
                "publish": {"operationId": "turnOn",
                            "message": {"$ref": "#/components/messages/On"},
                            "bindings": {"mqtt": {"qos": 2}}},
                "subscribe": {"operationId": "onTurnedOn", "message": {"oneOf": [
                    {"$ref": "#/components/messages/On"},
                    {"name": "off", "payload": {"type": "object"}}]}},
            }
        },
        "components": {"messages": {"On": {"name": "on", "payload": {"type": "object"},
                                           "correlationId": {"location": "$message.header#/id"}}}},
    }  # fmt: skip


def test_asyncapi_2_descriptions_read_into_the_same_shapes(tmp_path: Path) -> None:
    description, diagnostics = read(tmp_path / "lights.yaml", v2_description())
    assert description.major == 2
    turn_on = description.by_operation_id("turnOn")
    assert turn_on is not None
    assert turn_on.action == "receive"  # 2.x publish: the application receives
    assert turn_on.bindings == {"mqtt": {"qos": 2}}
    assert turn_on.channel.address == "lights/{lightId}/on"
    assert turn_on.channel.fill({}) == "lights/l1/on"
    assert [m.name for m in turn_on.messages] == ["on"]
    on_turned_on = description.by_operation_id("onTurnedOn")
    assert on_turned_on is not None and on_turned_on.action == "send"
    assert [m.name for m in on_turned_on.messages] == ["on", "off"]
    assert description.servers()["prod"].url() == "mqtt://broker:1883/v2"
    assert description.schema_issues() == []
    assert list(diagnostics) == []


def test_correlation_locations() -> None:
    header = CorrelationLocation.parse("$message.header#/Request-Id")
    assert header is not None
    assert header.find({"request-id": "r1"}, None) == "r1"  # any case
    payload = CorrelationLocation.parse("$message.payload#/items/1/id")
    assert payload is not None
    assert payload.find({}, {"items": [{"id": 1}, {"id": 2}]}) == 2
    assert payload.find({}, "text") is None
    assert CorrelationLocation.parse("$response.body#/id") is None


def test_the_specification_example_description_reads() -> None:
    path = corpus_path("oai/examples-1.1.0/pet-asyncapi.yaml")
    description, diagnostics = read(path)
    place = description.by_operation_id("placeOrder")
    assert place is not None and place.reply is not None
    assert place.reply.channel is not None and place.reply.channel.address == "confirm-order"
    # Its second operation is missing: the Arazzo example's confirmOrder has nothing to resolve to.
    assert description.by_operation_id("confirmOrder") is None
    assert description.schema_issues() == []
    assert list(diagnostics) == []
