"""OpenAPI 3.0/3.1 descriptions: an operation index with lazily resolved ``$ref``s.

Only what a run needs is resolved, and only when it is needed: a broken
``$ref`` somewhere in a large description is reported as a warning when an
operation that uses it is prepared, and never stops a run that does not need
the thing it points to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from .diagnostics import Diagnostics
from .errors import DocumentError
from .loader import LoadedDocument, is_url, join_pointer, load_document

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_REF_HOPS = 64  # a longer chain of $ref to $ref is a cycle in practice


class UnresolvableReference(Exception):
    """A ``$ref`` that points at nothing; ``reason`` says why."""

    def __init__(self, ref: str, reason: str) -> None:
        super().__init__(f"cannot resolve $ref '{ref}': {reason}")
        self.ref = ref
        self.reason = reason


class DocumentCache:
    """Loads each document once, by absolute URI, for ``$ref`` resolution."""

    def __init__(self, loader: Callable[[str], LoadedDocument] | None = None) -> None:
        self._documents: dict[str, LoadedDocument] = {}
        self._load = loader or (lambda uri: load_document(uri))

    def add(self, document: LoadedDocument) -> None:
        self._documents.setdefault(document.uri, document)

    def get(self, uri: str) -> LoadedDocument:
        if uri not in self._documents:
            self._documents[uri] = self._load(uri)
        return self._documents[uri]


def _resolve_pointer(data: Any, pointer: str, ref: str) -> Any:
    if pointer and not pointer.startswith("/"):
        raise UnresolvableReference(ref, "the fragment is not a JSON pointer")
    current = data
    walked = "#"
    for raw_token in pointer.split("/")[1:]:
        token = raw_token.replace("~1", "/").replace("~0", "~")
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            raise UnresolvableReference(ref, f"there is no '{token}' in '{walked}'")
        walked += "/" + raw_token
    return current


@dataclass(frozen=True)
class Located:
    """A value together with the document and pointer it was found at."""

    value: Any
    document: LoadedDocument
    pointer: str


def dereference(node: Located, cache: DocumentCache) -> Located:
    """Follow ``$ref`` chains from ``node`` until a non-reference value."""
    seen: set[tuple[str, str]] = set()
    current = node
    for _ in range(_MAX_REF_HOPS):
        value = current.value
        if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
            return current
        ref = value["$ref"]
        key = (current.document.uri, ref)
        if key in seen:
            raise UnresolvableReference(ref, "the reference is circular")
        seen.add(key)
        current = _follow(ref, current.document, cache)
    raise UnresolvableReference(node.value.get("$ref", "?"), "the reference chain is too long")


def _follow(ref: str, document: LoadedDocument, cache: DocumentCache) -> Located:
    target, _, fragment = ref.partition("#")
    pointer = unquote(fragment)
    if target:
        try:
            document = cache.get(document.resolve_uri(target))
        except DocumentError as exc:
            raise UnresolvableReference(ref, exc.message) from None
    return Located(_resolve_pointer(document.data, pointer, ref), document, pointer)


@dataclass(frozen=True)
class OperationParameter:
    """An OpenAPI parameter of an operation, with its ``$ref`` resolved."""

    name: str
    location: str
    required: bool
    raw: dict[str, Any]

    @property
    def style(self) -> str:
        default = "form" if self.location in ("query", "cookie") else "simple"
        return str(self.raw.get("style", default))

    @property
    def explode(self) -> bool:
        return bool(self.raw.get("explode", self.style == "form"))


@dataclass
class Operation:
    """One operation of an OpenAPI description."""

    description: OpenAPIDescription
    path: str
    method: str
    pointer: str
    raw: dict[str, Any]
    path_item: dict[str, Any]
    _parameters: list[OperationParameter] | None = field(default=None, repr=False)

    @property
    def operation_id(self) -> str | None:
        value = self.raw.get("operationId")
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def parameters(self, diagnostics: Diagnostics) -> list[OperationParameter]:
        """Path-item parameters overlaid by the operation's own (by name and ``in``)."""
        if self._parameters is None:
            merged: dict[tuple[str, str], OperationParameter] = {}
            path_pointer = self.pointer.rsplit("/", 1)[0]
            for owner, owner_pointer in ((self.path_item, path_pointer), (self.raw, self.pointer)):
                for parameter in self._read_parameters(owner, owner_pointer, diagnostics):
                    merged[(parameter.name, parameter.location)] = parameter
            self._parameters = list(merged.values())
        return self._parameters

    def _read_parameters(
        self, owner: dict[str, Any], pointer: str, diagnostics: Diagnostics
    ) -> Iterator[OperationParameter]:
        raw_list = owner.get("parameters", [])
        if not isinstance(raw_list, list):
            return
        document = self.description.document
        for index, raw in enumerate(raw_list):
            item_pointer = join_pointer(pointer, "parameters", index)
            try:
                node = dereference(Located(raw, document, item_pointer), self.description.cache)
            except UnresolvableReference as exc:
                diagnostics.warning(
                    f"{exc}; the parameter it stands for is ignored",
                    document.location(join_pointer(item_pointer, "$ref")),
                )
                continue
            value = node.value
            if (
                isinstance(value, dict)
                and isinstance(value.get("name"), str)
                and value.get("in") in ("path", "query", "header", "cookie")
            ):
                required = bool(value.get("required", value["in"] == "path"))
                yield OperationParameter(value["name"], value["in"], required, value)
            else:
                diagnostics.warning(
                    f"parameter of {self.label} is not a valid OpenAPI parameter (it needs "
                    "'name' and 'in'); ignored",
                    document.location(item_pointer),
                )

    def servers(self) -> list[dict[str, Any]]:
        """The servers that apply: the operation's, else the path's, else the document's."""
        for owner in (self.raw, self.path_item, self.description.document.data):
            servers = owner.get("servers") if isinstance(owner, dict) else None
            if isinstance(servers, list) and servers:
                return [s for s in servers if isinstance(s, dict) and isinstance(s.get("url"), str)]
        return [{"url": "/"}]

    def request_content_types(self) -> list[str]:
        body = self.raw.get("requestBody")
        if body is None:
            return []
        try:
            node = dereference(
                Located(body, self.description.document, join_pointer(self.pointer, "requestBody")),
                self.description.cache,
            )
        except UnresolvableReference:
            return []
        content = node.value.get("content") if isinstance(node.value, dict) else None
        return [str(key) for key in content] if isinstance(content, dict) else []

    def check_security(self, diagnostics: Diagnostics) -> None:
        """Warn about security requirements naming schemes the description lacks."""
        requirements = self.raw.get("security", self.description.document.data.get("security"))
        schemes = self.description.security_schemes()
        if not isinstance(requirements, list):
            return
        where = join_pointer(self.pointer, "security") if "security" in self.raw else "/security"
        for requirement in requirements:
            if not isinstance(requirement, dict):
                continue
            for name in requirement:
                if name in schemes or name in self.description.reported_schemes:
                    continue
                # Once per description: every operation usually repeats the same list.
                self.description.reported_schemes.add(name)
                diagnostics.warning(
                    f"security scheme '{name}' (required by {self.label}) is not defined in "
                    "components.securitySchemes; it is ignored",
                    self.description.document.location(where),
                )


class OpenAPIDescription:
    """An OpenAPI 3.x description and an index of its operations."""

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
        cache.add(document)
        self._by_id: dict[str, Operation] | None = None
        self.reported_schemes: set[str] = set()
        data = document.data
        version = data.get("openapi") if isinstance(data, dict) else None
        if not isinstance(version, str) or not re.match(r"^3\.\d+\.\d+", version):
            found = f"'openapi: {version}'" if version is not None else "no 'openapi' field"
            if isinstance(data, dict) and "swagger" in data:
                found = f"Swagger {data['swagger']}"
            raise DocumentError(
                f"source description '{name}' is not an OpenAPI 3.x document ({found})",
                location=document.location(),
                hint="convert Swagger 2.0 descriptions to OpenAPI 3 first",
            )
        self.version = version
        if not re.match(r"^3\.[01]\.", version) and diagnostics is not None:
            # Later 3.x releases keep paths, operations and parameters as 3.1 has them.
            diagnostics.warning(
                f"source description '{name}' is OpenAPI {version}; it is read as OpenAPI 3.1",
                document.location("/openapi"),
            )

    def operations(self) -> Iterator[Operation]:
        paths = self.document.data.get("paths")
        if not isinstance(paths, dict):
            return
        for path, item in paths.items():
            item_pointer = join_pointer("/paths", str(path))
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    yield Operation(
                        self, str(path), method, join_pointer(item_pointer, method), operation, item
                    )

    def by_operation_id(self, operation_id: str) -> Operation | None:
        if self._by_id is None:
            self._by_id = {}
            for operation in self.operations():
                if operation.operation_id is not None:
                    self._by_id.setdefault(operation.operation_id, operation)
        return self._by_id.get(operation_id)

    def by_pointer(self, pointer: str) -> Operation | None:
        """The operation at a JSON pointer such as ``/paths/~1pets~1{id}/get``."""
        match = re.fullmatch(r"/paths/([^/]+)/([a-z]+)", pointer)
        if match is None:
            return None
        path = match.group(1).replace("~1", "/").replace("~0", "~")
        method = match.group(2)
        item = self.document.data.get("paths", {}).get(path)
        if not isinstance(item, dict) or method not in HTTP_METHODS:
            return None
        operation = item.get(method)
        if not isinstance(operation, dict):
            return None
        return Operation(self, path, method, pointer, operation, item)

    def security_schemes(self) -> dict[str, Any]:
        components = self.document.data.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        return schemes if isinstance(schemes, dict) else {}

    def server_url(self, operation: Operation) -> str:
        """The base URL of the operation's first server, variables set to their defaults.

        A relative server URL is resolved against the description's own URL.
        """
        server = operation.servers()[0]
        url = str(server["url"])
        variables = server.get("variables") if isinstance(server.get("variables"), dict) else {}
        for name, spec in (variables or {}).items():
            default = spec.get("default") if isinstance(spec, dict) else None
            if default is not None:
                url = url.replace("{" + str(name) + "}", str(default))
        if urlsplit(url).scheme:
            return url
        if is_url(self.document.uri):
            return urljoin(self.document.uri, url)
        raise DocumentError(
            f"the server URL '{url}' of source description '{self.name}' is relative, and the "
            "description is a local file, so there is no host to send requests to",
            location=self.document.location(),
            hint=f"pass --server {self.name}=https://host/base-path",
        )
