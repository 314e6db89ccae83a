"""AsyncAPI 3.0 and 2.x descriptions: servers, channels, messages and operations, indexed.

The description is read with the loader, limits and ``$ref`` resolution of
OpenAPI descriptions (``openapi/refs.py``), so a ``$ref`` to another file, a
cycle, a refused fetch or a broken reference behave the same in both: a broken
``$ref`` is a warning when something that uses it is read, and the thing it
stands for is left out.

An AsyncAPI 2.x description is read into the 3.0 shapes of ``model.py``: a
channel's key is its address, its ``publish`` operation is one the application
receives and its ``subscribe`` operation one it sends (AsyncAPI 3.0's reading of
them), and ``oneOf`` messages are the channel's messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from ..diagnostics import Diagnostics
from ..document import LoadedDocument, join_pointer
from ..errors import DocumentError
from ..openapi.refs import DocumentCache, Located, UnresolvableReference, dereference
from ..pointers import unescape_pointer_token
from .model import (
    Action,
    AsyncOperation,
    Channel,
    ChannelParameter,
    CorrelationLocation,
    Message,
    Reply,
    Server,
    ServerVariable,
)
from .schema import SchemaIssue, check_asyncapi_schema

_VERSION = re.compile(r"^([23])\.(\d+)\.\d+")


def is_asyncapi(data: Any) -> bool:
    return isinstance(data, dict) and "asyncapi" in data


class AsyncAPIDescription:
    """One AsyncAPI description and the index a run and ``arazzo validate`` read."""

    def __init__(
        self,
        name: str,
        document: LoadedDocument,
        cache: DocumentCache,
        diagnostics: Diagnostics | None = None,
    ) -> None:
        self.name = name
        self.document = document
        self.cache = cache
        self.diagnostics = diagnostics
        cache.add(document)
        data = document.data
        version = data.get("asyncapi") if isinstance(data, dict) else None
        match = _VERSION.match(version) if isinstance(version, str) else None
        if match is None:
            found = f"'asyncapi: {version}'" if version is not None else "no 'asyncapi' field"
            raise DocumentError(
                f"source description '{name}' is not an AsyncAPI 3.0 or 2.x document ({found})",
                location=document.location("/asyncapi" if version is not None else ""),
                hint="AsyncAPI 3.0 and 2.x descriptions are read; 1.x ones must be converted "
                "first (the AsyncAPI converter does it)",
            )
        self.version: str = match.group(0)
        self.major = int(match.group(1))
        if self.major == 3 and match.group(2) != "0":
            self._warn(
                f"source description '{name}' is AsyncAPI {self.version}; it is read as "
                "AsyncAPI 3.0",
                document,
                "/asyncapi",
            )
        self._servers: dict[str, Server] | None = None
        self._channels: dict[str, Channel | None] = {}
        self._operations: dict[str, AsyncOperation] | None = None

    # -- the schema -------------------------------------------------------------

    def schema_issues(self) -> list[SchemaIssue]:
        """Where the description breaks the official AsyncAPI JSON Schema of its version."""
        return check_asyncapi_schema(self.document.data, self.version)

    # -- servers -----------------------------------------------------------------

    def servers(self) -> dict[str, Server]:
        """The description's servers by name, in the order they are written."""
        if self._servers is None:
            self._servers = {}
            for name, located in self._map_at("/servers"):
                server = self._server(name, located)
                if server is not None:
                    self._servers[name] = server
        return self._servers

    def servers_for(self, channel: Channel) -> list[Server]:
        """The servers a channel is on: those it names, else all of them."""
        servers = self.servers()
        if channel.server_names is None:
            return list(servers.values())
        return [servers[name] for name in channel.server_names if name in servers]

    def _server(self, name: str, located: Located) -> Server | None:
        raw = located.value
        if not isinstance(raw, dict) or not isinstance(raw.get("protocol"), str):
            return None
        if self.major == 3:
            host = raw.get("host")
            pathname = raw.get("pathname")
        else:
            host, pathname = _split_v2_url(raw.get("url"))
        if not isinstance(host, str):
            return None
        variables = {
            str(key): _variable(str(key), variable.value)
            for key, variable in self._entries(raw.get("variables"), located, "variables")
        }
        version = raw.get("protocolVersion")
        return Server(
            name=name,
            host=host,
            protocol=str(raw["protocol"]).lower(),
            pathname=pathname if isinstance(pathname, str) else "",
            protocol_version=str(version) if version is not None else None,
            variables=variables,
            bindings=self._bindings(raw, located),
            security=tuple(raw.get("security") or ()),
            pointer=located.pointer,
        )

    def security_schemes(self) -> dict[str, Any]:
        components = self.document.data.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        return schemes if isinstance(schemes, dict) else {}

    # -- channels ----------------------------------------------------------------

    def channels(self) -> Iterator[Channel]:
        raw = self.document.data.get("channels")
        for key in raw if isinstance(raw, dict) else ():
            channel = self.channel(str(key))
            if channel is not None:
                yield channel

    def channel(self, key: str) -> Channel | None:
        """The channel under ``channels/<key>`` (in AsyncAPI 2.x the key is its address)."""
        if key not in self._channels:
            raw = self.document.data.get("channels")
            if not isinstance(raw, dict) or key not in raw:
                return None
            pointer = join_pointer("/channels", key)
            located = self._follow(Located(raw[key], self.document, pointer))
            self._channels[key] = None if located is None else self._channel(key, located)
        return self._channels[key]

    def channel_at(self, pointer: str) -> Channel | None:
        """The channel a ``channelPath`` fragment points at: ``/channels/<key>``."""
        match = re.fullmatch(r"/channels/([^/]+)", pointer)
        return self.channel(unescape_pointer_token(match.group(1))) if match else None

    def _channel(self, key: str, located: Located) -> Channel | None:
        raw = located.value
        if not isinstance(raw, dict):
            return None
        if self.major == 3:
            address = raw.get("address")
            messages = tuple(
                self._message(str(name), message)
                for name, message in self._entries(raw.get("messages"), located, "messages")
            )
            server_names = _server_names(raw.get("servers"))
        else:
            address = key
            messages = self._v2_channel_messages(raw, located)
            names = raw.get("servers")
            server_names = tuple(str(n) for n in names) if isinstance(names, list) else None
        if not isinstance(address, str):
            # AsyncAPI 3.0: a null or absent address is "unknown or dynamic"; the
            # key is the only name the channel has (docs/semantics.md).
            address = key
        parameters = {
            str(name): self._parameter(str(name), parameter.value)
            for name, parameter in self._entries(raw.get("parameters"), located, "parameters")
        }
        return Channel(
            key=key,
            address=address,
            pointer=located.pointer,
            parameters=parameters,
            messages=messages,
            server_names=server_names,
            bindings=self._bindings(raw, located),
        )

    def _parameter(self, name: str, raw: Any) -> ChannelParameter:
        if not isinstance(raw, dict):
            return ChannelParameter(name)
        # AsyncAPI 2.x keeps default and enum in the parameter's schema.
        schema = raw.get("schema")
        source: dict[str, Any] = schema if isinstance(schema, dict) else raw
        default = source.get("default")
        enum = source.get("enum")
        location = raw.get("location")
        return ChannelParameter(
            name,
            default=str(default) if default is not None else None,
            enum=tuple(str(value) for value in enum) if isinstance(enum, list) else (),
            location=location if isinstance(location, str) else None,
        )

    # -- messages ----------------------------------------------------------------

    def _message(self, name: str, located: Located) -> Message:
        raw = located.value if isinstance(located.value, dict) else {}
        merged = self._with_traits(raw, located)
        payload = self._schema(merged.get("payload"), located, "payload")
        headers = self._schema(merged.get("headers"), located, "headers")
        content_type = merged.get("contentType", self.document.data.get("defaultContentType"))
        correlation = None
        if "correlationId" in merged:
            found = self._follow(
                Located(
                    merged["correlationId"],
                    located.document,
                    join_pointer(located.pointer, "correlationId"),
                )
            )
            where = found.value.get("location") if found and isinstance(found.value, dict) else None
            correlation = CorrelationLocation.parse(where) if isinstance(where, str) else None
            if isinstance(where, str) and correlation is None and found is not None:
                self._warn(
                    f"the correlationId location '{where}' of message '{name}' is not "
                    "$message.header#/... or $message.payload#/...; messages are not "
                    "correlated through it",
                    found.document,
                    join_pointer(found.pointer, "location"),
                )
        return Message(
            name=name,
            pointer=located.pointer,
            payload=payload,
            headers=headers,
            content_type=content_type if isinstance(content_type, str) else None,
            correlation=correlation,
            bindings=self._bindings(merged, located),
            raw=merged,
        )

    def _with_traits(self, raw: dict[str, Any], located: Located) -> dict[str, Any]:
        """The message with its traits applied: a field the message has wins."""
        merged = dict(raw)
        for _, trait in self._entries(raw.get("traits"), located, "traits"):
            if isinstance(trait.value, dict):
                for key, value in trait.value.items():
                    merged.setdefault(key, value)
        merged.pop("traits", None)
        return merged

    def _schema(self, raw: Any, located: Located, name: str) -> Any:
        if raw is None:
            return None
        found = self._follow(Located(raw, located.document, join_pointer(located.pointer, name)))
        value = found.value if found is not None else None
        # AsyncAPI 3.0 Multi Format Schema Object: the schema is under "schema".
        if self.major == 3 and isinstance(value, dict) and "schemaFormat" in value:
            inner = self._follow(Located(value.get("schema"), found.document, found.pointer))  # type: ignore[union-attr]
            return inner.value if inner is not None else None
        return value

    def _v2_channel_messages(self, raw: dict[str, Any], located: Located) -> tuple[Message, ...]:
        messages: list[Message] = []
        for method in ("subscribe", "publish"):
            operation = raw.get(method)
            if isinstance(operation, dict):
                pointer = join_pointer(located.pointer, method)
                messages.extend(
                    self._v2_messages(operation, Located(operation, located.document, pointer))
                )
        unique = {message.pointer: message for message in messages}
        return tuple(unique.values())

    def _v2_messages(self, operation: dict[str, Any], located: Located) -> list[Message]:
        node = self._follow(
            Located(
                operation.get("message"), located.document, join_pointer(located.pointer, "message")
            )
        )
        if node is None or not isinstance(node.value, dict):
            return []
        alternatives = node.value.get("oneOf")
        if isinstance(alternatives, list):
            found = [
                self._follow(Located(item, node.document, join_pointer(node.pointer, "oneOf", i)))
                for i, item in enumerate(alternatives)
            ]
            return [
                self._message(_v2_message_name(item), item) for item in found if item is not None
            ]
        return [self._message(_v2_message_name(node), node)]

    # -- operations --------------------------------------------------------------

    def operations(self) -> Iterator[AsyncOperation]:
        yield from self._operation_index().values()

    def by_operation_id(self, operation_id: str) -> AsyncOperation | None:
        return self._operation_index().get(operation_id)

    def _operation_index(self) -> dict[str, AsyncOperation]:
        if self._operations is None:
            self._operations = {}
            found = self._v3_operations() if self.major == 3 else self._v2_operations()
            for operation in found:
                self._operations.setdefault(operation.operation_id, operation)
        return self._operations

    def _v3_operations(self) -> Iterator[AsyncOperation]:
        for operation_id, located in self._map_at("/operations"):
            raw = located.value
            if not isinstance(raw, dict) or raw.get("action") not in ("send", "receive"):
                continue
            channel = self._referenced_channel(raw.get("channel"), located, "channel")
            if channel is None:
                continue
            merged = self._with_traits(raw, located)
            messages = self._referenced_messages(raw.get("messages"), located, "messages")
            yield AsyncOperation(
                operation_id=operation_id,
                action=raw["action"],
                channel=channel,
                messages=channel.messages if messages is None else messages,
                pointer=located.pointer,
                bindings=self._bindings(merged, located),
                reply=self._reply(raw.get("reply"), located),
                security=tuple(raw.get("security") or ()),
            )

    def _reply(self, raw: Any, located: Located) -> Reply | None:
        if raw is None:
            return None
        node = self._follow(Located(raw, located.document, join_pointer(located.pointer, "reply")))
        if node is None or not isinstance(node.value, dict):
            return None
        channel = self._referenced_channel(node.value.get("channel"), node, "channel")
        messages = self._referenced_messages(node.value.get("messages"), node, "messages")
        address = self._follow(
            Located(node.value.get("address"), node.document, join_pointer(node.pointer, "address"))
        )
        where = (
            address.value.get("location") if address and isinstance(address.value, dict) else None
        )
        if messages is None:
            messages = channel.messages if channel is not None else ()
        return Reply(channel, messages, where if isinstance(where, str) else None)

    def _referenced_channel(self, raw: Any, owner: Located, field: str) -> Channel | None:
        """The channel a ``{$ref: '#/channels/<key>'}`` names; one in another file is read
        in place under the last token of its pointer."""
        if raw is None:
            return None
        located = Located(raw, owner.document, join_pointer(owner.pointer, field))
        if isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            target, _, fragment = raw["$ref"].partition("#")
            match = re.fullmatch(r"/channels/([^/]+)", fragment)
            if not target and owner.document is self.document and match:
                return self.channel(unescape_pointer_token(match.group(1)))
        node = self._follow(located)
        if node is None:
            return None
        key = unescape_pointer_token(node.pointer.rsplit("/", 1)[-1])
        return self._channel(key, node)

    def _referenced_messages(
        self, raw: Any, owner: Located, field: str
    ) -> tuple[Message, ...] | None:
        """The messages an operation lists; None when it lists none (then: all of its
        channel's, as AsyncAPI 3.0 says)."""
        if not isinstance(raw, list):
            return None
        base = join_pointer(owner.pointer, field)
        messages = []
        for index, item in enumerate(raw):
            node = self._follow(Located(item, owner.document, join_pointer(base, index)))
            if node is not None:
                ref = item.get("$ref") if isinstance(item, dict) else None
                name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else str(index)
                messages.append(self._message(unescape_pointer_token(name), node))
        return tuple(messages)

    def _v2_operations(self) -> Iterator[AsyncOperation]:
        channels = self.document.data.get("channels")
        for key in channels if isinstance(channels, dict) else ():
            channel = self.channel(str(key))
            raw_item = self._follow(
                Located(channels[key], self.document, join_pointer("/channels", key))
            )
            if channel is None or raw_item is None or not isinstance(raw_item.value, dict):
                continue
            # 2.x "publish": others publish to the application, which receives.
            for method, action in (("publish", "receive"), ("subscribe", "send")):
                raw = raw_item.value.get(method)
                if not isinstance(raw, dict) or not isinstance(raw.get("operationId"), str):
                    continue
                located = Located(raw, raw_item.document, join_pointer(raw_item.pointer, method))
                merged = self._with_traits(raw, located)
                fixed_action: Action = "receive" if action == "receive" else "send"
                yield AsyncOperation(
                    operation_id=raw["operationId"],
                    action=fixed_action,
                    channel=channel,
                    messages=tuple(self._v2_messages(raw, located)),
                    pointer=located.pointer,
                    bindings=self._bindings(merged, located),
                    security=tuple(raw.get("security") or ()),
                )

    # -- reading helpers ---------------------------------------------------------

    def _follow(self, node: Located) -> Located | None:
        """``node`` with its ``$ref``s followed; None, with a warning, for a broken one."""
        try:
            return dereference(node, self.cache)
        except UnresolvableReference as exc:
            self._warn(
                f"{exc}; what it stands for is ignored",
                node.document,
                join_pointer(node.pointer, "$ref"),
            )
            return None

    def _map_at(self, pointer: str) -> Iterator[tuple[str, Located]]:
        raw = self.document.data.get(pointer.strip("/"))
        owner = Located(raw, self.document, "")
        for key, located in self._entries(raw, owner, pointer.strip("/")):
            yield str(key), located

    def _entries(self, raw: Any, owner: Located, field: str) -> Iterator[tuple[str | int, Located]]:
        """The entries of a map or list under ``owner``, each with its ``$ref`` followed."""
        base = join_pointer(owner.pointer, field)
        node = self._follow(Located(raw, owner.document, base)) if raw is not None else None
        if node is None:
            return
        items: Iterator[tuple[str | int, Any]]
        if isinstance(node.value, dict):
            items = ((str(key), value) for key, value in node.value.items())
        elif isinstance(node.value, list):
            items = enumerate(node.value)
        else:
            return
        for key, value in items:
            found = self._follow(Located(value, node.document, join_pointer(node.pointer, key)))
            if found is not None:
                yield key, found

    def _bindings(self, raw: Mapping[str, Any], owner: Located) -> dict[str, Any]:
        if "bindings" not in raw:
            return {}
        node = self._follow(
            Located(raw["bindings"], owner.document, join_pointer(owner.pointer, "bindings"))
        )
        if node is None or not isinstance(node.value, dict):
            return {}
        bindings: dict[str, Any] = {}
        for protocol, value in node.value.items():
            found = self._follow(
                Located(value, node.document, join_pointer(node.pointer, str(protocol)))
            )
            if found is not None:
                bindings[str(protocol)] = found.value
        return bindings

    def _warn(self, message: str, document: LoadedDocument, pointer: str) -> None:
        if self.diagnostics is not None:
            self.diagnostics.warning(message, document.location(pointer))


def _variable(name: str, raw: Any) -> ServerVariable:
    if not isinstance(raw, dict):
        return ServerVariable(name, None)
    default = raw.get("default")
    enum = raw.get("enum")
    return ServerVariable(
        name,
        str(default) if default is not None else None,
        tuple(str(value) for value in enum) if isinstance(enum, list) else (),
    )


def _split_v2_url(url: Any) -> tuple[str | None, str]:
    """An AsyncAPI 2.x server ``url`` (``mqtt://host:1883/x`` or ``host:1883``) as host
    and pathname."""
    if not isinstance(url, str):
        return None, ""
    if "://" not in url:
        host, slash, path = url.partition("/")
        return host, slash + path
    parts = urlsplit(url.replace("{", "%7B").replace("}", "%7D"))
    return _braces(parts.netloc), _braces(parts.path)


def _braces(text: str) -> str:
    return text.replace("%7B", "{").replace("%7D", "}")


def _server_names(raw: Any) -> tuple[str, ...] | None:
    """The names a 3.0 channel's ``servers`` list of ``$ref: '#/servers/<name>'`` gives."""
    if not isinstance(raw, list) or not raw:
        return None
    names = []
    for item in raw:
        ref = item.get("$ref") if isinstance(item, dict) else None
        if isinstance(ref, str) and "/servers/" in ref:
            names.append(unescape_pointer_token(ref.rsplit("/", 1)[-1]))
    return tuple(names)


def _v2_message_name(located: Located) -> str:
    raw = located.value if isinstance(located.value, dict) else {}
    for field in ("messageId", "name"):
        if isinstance(raw.get(field), str):
            return str(raw[field])
    return unescape_pointer_token(located.pointer.rsplit("/", 1)[-1])
