"""OpenAPI 3.0/3.1 descriptions: an operation index with lazily resolved ``$ref``s.

A Swagger 2.0 description is read as the OpenAPI 3.0 it stands for (``swagger.py``).

Only what a run needs is resolved, and only when it is needed: a broken
``$ref`` somewhere in a large description is reported as a warning when an
operation that uses it is prepared, and never stops a run that does not need
the thing it points to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..diagnostics import Diagnostics
from ..document import PATH_TEMPLATE, LoadedDocument, is_url, join_pointer
from ..errors import DocumentError, SourceLocation
from ..pointers import unescape_pointer_token
from .refs import DocumentCache, Located, UnresolvableReference, dereference
from .serialization import STYLES, ParameterStyle, default_style
from .swagger import BODY_LOCATIONS, is_swagger, notes_of, upgrade_swagger

# DocumentCache, Located, UnresolvableReference and dereference are re-exported:
# they were defined here before refs.py, and resolve.py imports them from here.
__all__ = [
    "HTTP_METHODS",
    "DocumentCache",
    "Located",
    "OpenAPIDescription",
    "Operation",
    "OperationParameter",
    "UnresolvableReference",
    "dereference",
]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


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

    @property
    def allow_reserved(self) -> bool:
        # OpenAPI: allowReserved applies to query parameters only.
        return self.location == "query" and self.raw.get("allowReserved") is True

    @property
    def content_type(self) -> str | None:
        """The media type of a parameter described with ``content`` instead of a schema."""
        content = self.raw.get("content")
        if isinstance(content, dict) and content:
            return str(next(iter(content)))
        return None

    @property
    def style_is_valid(self) -> bool:
        # A querystring parameter (OpenAPI 3.2) has no style: its content decides.
        return self.location == "querystring" or self.style in STYLES.get(self.location, ())

    def serialization(self) -> ParameterStyle:
        """How to serialize the parameter; a style its location does not allow is replaced
        by that location's default (check :attr:`style_is_valid` to report it)."""
        if not self.style_is_valid:
            return default_style(self.location)
        return ParameterStyle(self.style, self.explode, self.allow_reserved, self.content_type)


@dataclass(frozen=True)
class UnreadParameter:
    """A parameter of an operation that cannot be used, and why."""

    message: str
    location: SourceLocation
    broken: UnresolvableReference | None = None
    """The ``$ref`` that leads nowhere; None for a value that is not a parameter."""


@dataclass(frozen=True)
class DeclaredParameters:
    parameters: list[OperationParameter]
    unread: list[UnreadParameter]


@dataclass
class Operation:
    """One operation of an OpenAPI description."""

    description: OpenAPIDescription
    path: str
    method: str
    pointer: str
    """Where the operation is in the description: ``/paths/<escaped path>/<method>``."""
    raw: dict[str, Any]
    item: Located
    """The path item, after following its ``$ref``: its value, document and pointer."""
    _parameters: list[OperationParameter] | None = field(default=None, repr=False)

    @property
    def path_item(self) -> dict[str, Any]:
        return self.item.value  # type: ignore[no-any-return]

    @property
    def document(self) -> LoadedDocument:
        """The document the operation is written in (another file for a ``$ref``'d item)."""
        return self.item.document

    @property
    def written_at(self) -> str:
        """The operation's pointer within :attr:`document`."""
        return join_pointer(self.item.pointer, self.method)

    @property
    def operation_id(self) -> str | None:
        value = self.raw.get("operationId")
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def parameters(self, diagnostics: Diagnostics) -> list[OperationParameter]:
        """Path-item parameters overlaid by the operation's own (by name and ``in``).

        Those that cannot be read are left out, with a warning the first time.
        """
        if self._parameters is None:
            declared = self.declared_parameters()
            for unread in declared.unread:
                diagnostics.warning(unread.message, unread.location)
            self._parameters = declared.parameters
        return self._parameters

    def declared_parameters(self) -> DeclaredParameters:
        """The parameters :meth:`parameters` returns, and those it cannot read."""
        merged: dict[tuple[str, str], OperationParameter] = {}
        unread: list[UnreadParameter] = []
        owners = ((self.path_item, self.item.pointer), (self.raw, self.written_at))
        for owner, owner_pointer in owners:
            for read in self._read_parameters(owner, owner_pointer):
                if isinstance(read, UnreadParameter):
                    unread.append(read)
                else:
                    merged[(read.name, read.location)] = read
        return DeclaredParameters(list(merged.values()), unread)

    def _read_parameters(
        self, owner: dict[str, Any], pointer: str
    ) -> Iterator[OperationParameter | UnreadParameter]:
        raw_list = owner.get("parameters", [])
        if not isinstance(raw_list, list):
            return
        document = self.document
        for index, raw in enumerate(raw_list):
            item_pointer = join_pointer(pointer, "parameters", index)
            try:
                node = dereference(Located(raw, document, item_pointer), self.description.cache)
            except UnresolvableReference as exc:
                yield UnreadParameter(
                    f"{exc}; the parameter it stands for is ignored",
                    document.location(join_pointer(item_pointer, "$ref")),
                    exc,
                )
                continue
            value = node.value
            if self.description.swagger and _in_body(value):
                continue  # OpenAPI 2.0: the request body stands for it
            if (
                isinstance(value, dict)
                and isinstance(value.get("name"), str)
                and value.get("in") in ("path", "query", "querystring", "header", "cookie")
            ):
                required = bool(value.get("required", value["in"] == "path"))
                yield OperationParameter(value["name"], value["in"], required, value)
            else:
                yield UnreadParameter(
                    f"parameter of {self.label} is not a valid OpenAPI parameter (it needs "
                    "'name' and 'in'); ignored",
                    document.location(item_pointer),
                )

    def servers(self) -> list[dict[str, Any]]:
        """The servers that apply: the operation's, else the path's, else the document's."""
        return self._servers()[0]

    def _servers(self) -> tuple[list[dict[str, Any]], Located | None]:
        owners = (
            Located(self.raw, self.document, self.written_at),
            self.item,
            Located(self.description.document.data, self.description.document, ""),
        )
        for owner in owners:
            servers = owner.value.get("servers") if isinstance(owner.value, dict) else None
            if isinstance(servers, list) and servers:
                usable = [
                    s for s in servers if isinstance(s, dict) and isinstance(s.get("url"), str)
                ]
                where = Located(servers, owner.document, join_pointer(owner.pointer, "servers"))
                return usable or [{"url": "/"}], where
        return [{"url": "/"}], None

    def request_content_types(self) -> list[str]:
        return [str(key) for key in self.request_content()]

    def request_content(self) -> dict[str, Any]:
        """The request body's ``content``: media type -> Media Type Object (``$ref`` followed)."""
        body = self.raw.get("requestBody")
        if body is None:
            return {}
        try:
            node = dereference(
                Located(body, self.document, join_pointer(self.written_at, "requestBody")),
                self.description.cache,
            )
        except UnresolvableReference:
            return {}
        content = node.value.get("content") if isinstance(node.value, dict) else None
        return content if isinstance(content, dict) else {}

    def check_security(self, diagnostics: Diagnostics) -> None:
        """Warn about security requirements naming schemes the description lacks."""
        requirements = self.raw.get("security", self.description.document.data.get("security"))
        schemes = self.description.security_schemes()
        if not isinstance(requirements, list):
            return
        if "security" in self.raw:
            document, where = self.document, join_pointer(self.written_at, "security")
        else:
            document, where = self.description.document, "/security"
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
                    document.location(where),
                )


class RelativeServerURL(DocumentError):
    """A relative server URL with no document URL to resolve it against.

    A dry run sends nothing, so it can still show the path under this URL.
    """

    def __init__(
        self,
        url: str,
        message: str,
        *,
        location: SourceLocation | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, location=location, hint=hint)
        self.url = url


def _in_body(parameter: Any) -> bool:
    return isinstance(parameter, dict) and parameter.get("in") in BODY_LOCATIONS


def _is_plain_path_item(value: Any) -> bool:
    """A path item written in place: a mapping that is not a ``$ref`` to follow."""
    return isinstance(value, dict) and not isinstance(value.get("$ref"), str)


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
        self.swagger = is_swagger(document.data)
        if self.swagger and "openapi" not in document.data:
            # The cache must hand out the upgraded data: $refs into this document
            # (a shared body parameter, say) are read from it.
            document = upgrade_swagger(document)
            cache.replace(document)
        for note in notes_of(document.data):
            if diagnostics is not None:
                diagnostics.warning(note.message, document.location(note.pointer))
        self.document = document
        self.cache = cache
        cache.add(document)
        # operationId -> the operation, or where it is until it is first asked for.
        self._by_id: dict[str, Operation | tuple[str, str]] | None = None
        self.reported_schemes: set[str] = set()
        self.diagnostics = diagnostics
        data = document.data
        version = data.get("openapi") if isinstance(data, dict) else None
        if not isinstance(version, str) or not re.match(r"^3\.\d+\.\d+", version):
            found = f"'openapi: {version}'" if version is not None else "no 'openapi' field"
            hint = None
            if isinstance(data, dict) and "swagger" in data:
                found = f"Swagger {data['swagger']}"
                hint = "Swagger 2.0 and OpenAPI 3.x are read; convert it to OpenAPI 3 first"
            elif isinstance(data, dict) and "asyncapi" in data:
                found = f"it is AsyncAPI {data['asyncapi']}"
                hint = "give its source description type: asyncapi (Arazzo 1.1)"
            raise DocumentError(
                f"source description '{name}' is not an OpenAPI 3.x document ({found})",
                location=document.location("/openapi" if version is not None else ""),
                hint=hint,
            )
        self.version = version
        if not re.match(r"^3\.[01]\.", version) and diagnostics is not None:
            # Later 3.x releases keep paths, operations and parameters as 3.1 has them
            # (OpenAPI 3.2's ``in: querystring`` is read as well).
            diagnostics.warning(
                f"source description '{name}' is OpenAPI {version}; it is read as OpenAPI 3.1",
                document.location("/openapi"),
            )

    def operations(self) -> Iterator[Operation]:
        paths = self.document.data.get("paths")
        if not isinstance(paths, dict):
            return
        for path in paths:
            item = self._path_item(str(path))
            for method in HTTP_METHODS if item is not None else ():
                found = self._operation(str(path), method, item)  # type: ignore[arg-type]
                if found is not None:
                    yield found

    def _path_item(self, path: str) -> Located | None:
        """The path item for ``path``, following a ``$ref`` to another place or file."""
        paths = self.document.data.get("paths")
        if not isinstance(paths, dict) or path not in paths:
            return None
        pointer = join_pointer("/paths", path)
        try:
            item = dereference(Located(paths[path], self.document, pointer), self.cache)
        except UnresolvableReference as exc:
            if self.diagnostics is not None:
                self.diagnostics.warning(
                    f"{exc}; the operations of path '{path}' are not available",
                    self.document.location(join_pointer(pointer, "$ref")),
                )
            return None
        return item if isinstance(item.value, dict) else None

    def _operation(self, path: str, method: str, item: Located) -> Operation | None:
        raw = item.value.get(method)
        if not isinstance(raw, dict):
            return None
        pointer = join_pointer("/paths", path, method)
        return Operation(self, path, method, pointer, raw, item)

    def by_operation_id(self, operation_id: str) -> Operation | None:
        if self._by_id is None:
            self._by_id = self._operation_ids()
        found = self._by_id.get(operation_id)
        if found is None or isinstance(found, Operation):
            return found
        path, method = found
        item = self._path_item(path)
        assert item is not None  # it was found when the index was built
        operation = self._operation(path, method, item)
        assert operation is not None
        self._by_id[operation_id] = operation
        return operation

    def _operation_ids(self) -> dict[str, Operation | tuple[str, str]]:
        """Where each operationId is (first occurrence wins), as ``operations()`` finds them.

        Only the path and method are kept: a large description has thousands of
        operations, and a run asks for a handful, so an :class:`Operation` is
        built when its id is first asked for.
        """
        index: dict[str, Operation | tuple[str, str]] = {}
        paths = self.document.data.get("paths")
        if not isinstance(paths, dict):
            return index
        for key, raw_item in paths.items():
            path = str(key)
            if isinstance(key, str) and _is_plain_path_item(raw_item):
                item = raw_item  # no $ref to follow: what _path_item would return
            else:
                located = self._path_item(path)  # follows the $ref, warns if it is broken
                if located is None:
                    continue
                item = located.value
            for method in HTTP_METHODS:
                raw = item.get(method)
                if isinstance(raw, dict):
                    operation_id = raw.get("operationId")
                    if isinstance(operation_id, str) and operation_id not in index:
                        index[operation_id] = (path, method)
        return index

    def by_pointer(self, pointer: str) -> Operation | None:
        """The operation at a JSON pointer such as ``/paths/~1pets~1{id}/get``."""
        match = re.fullmatch(r"/paths/([^/]+)/([a-z]+)", pointer)
        if match is None:
            return None
        path = unescape_pointer_token(match.group(1))
        method = match.group(2)
        item = self._path_item(path)
        if item is None or method not in HTTP_METHODS:
            return None
        return self._operation(path, method, item)

    def security_schemes(self) -> dict[str, Any]:
        components = self.document.data.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        return schemes if isinstance(schemes, dict) else {}

    def server_url(self, operation: Operation) -> str:
        """The base URL of the operation's first server, variables set to their defaults.

        Servers are the operation's, else its path item's, else the document's,
        else ``/``. A relative server URL (``/v1``, ``./api``, ``//host/x``) is
        resolved (RFC 3986) against the URL of the document it is written in; a
        local file has no host to resolve against, which is an error.
        """
        servers, where = operation._servers()
        server = servers[0]
        # The server's position in the list it was written in, to point at it.
        written = where.value if where is not None else []
        index = next((i for i, item in enumerate(written) if item is server), None)
        url = self._substitute_variables(server, where, index)
        if urlsplit(url).scheme:
            return url
        base = where.document if where is not None else self.document
        if is_url(base.uri):
            return urljoin(base.uri, url)
        raise RelativeServerURL(
            url,
            f"the server URL '{url}' of source description '{self.name}' is relative, and the "
            "description is a local file, so there is no host to send requests to",
            location=(
                where.document.location(join_pointer(where.pointer, index, "url"))
                if where is not None and index is not None
                else base.location(where.pointer if where is not None else "")
            ),
            hint=f"pass --server {self.name}=https://host/base-path",
        )

    def _substitute_variables(
        self, server: dict[str, Any], where: Located | None, index: int | None
    ) -> str:
        """``server['url']`` with each ``{variable}`` replaced by its default."""
        url = str(server["url"])
        raw_variables = server.get("variables")
        variables = raw_variables if isinstance(raw_variables, dict) else {}

        def location(*parts: str | int) -> SourceLocation:
            if where is None or index is None:
                return self.document.location()
            return where.document.location(join_pointer(where.pointer, index, *parts))

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            spec = variables.get(name)
            if not isinstance(spec, dict):
                raise DocumentError(
                    f"the server URL '{url}' of source description '{self.name}' uses "
                    f"variable '{name}', which its 'variables' do not define",
                    location=location("url"),
                    hint=f"pass --server {self.name}=https://host/base-path",
                )
            default = spec.get("default")
            if default is None:
                raise DocumentError(
                    f"server variable '{name}' of source description '{self.name}' has no "
                    "'default', so the server URL cannot be built",
                    location=location("variables", name),
                    hint=f"pass --server {self.name}=https://host/base-path",
                )
            self._check_enum(name, spec, location("variables", name, "default"))
            return str(default)

        return PATH_TEMPLATE.sub(substitute, url)

    def _check_enum(self, name: str, spec: dict[str, Any], location: SourceLocation) -> None:
        enum = spec.get("enum")
        if not isinstance(enum, list) or spec.get("default") in enum:
            return
        if self.diagnostics is None:
            return
        # Diagnostics are de-duplicated, so steps sharing the server warn once.
        self.diagnostics.warning(
            f"the default '{spec.get('default')}' of server variable '{name}' is not one of "
            "its enum values; it is used anyway",
            location,
        )
