"""OpenAPI 2.0 (Swagger) descriptions, read as the OpenAPI 3.0 they stand for.

Arazzo accepts any OpenAPI description, and many public APIs still publish
2.0. Rather than teach every reader (parameters, bodies, servers, response
checks, security) a second format, a 2.0 document is rewritten once, when its
description is created, into the 3.0 shape those readers know:

* ``host``, ``basePath`` and ``schemes`` become ``servers``;
* an ``in: body`` parameter becomes the ``requestBody``, one media type per
  ``consumes`` entry; ``in: formData`` parameters become an object schema
  under the form media types;
* a parameter's ``type``, ``format``, ``items``, ``enum``, ``default`` (...)
  move into its ``schema``, and ``collectionFormat`` becomes ``style`` and
  ``explode``;
* a response's ``schema`` becomes its ``content``, one per ``produces`` entry;
* ``securityDefinitions`` become ``components.securitySchemes``.

Everything keeps its JSON pointer (``#/definitions/...``, ``#/parameters/...``
and ``#/responses/...`` stay where they were), so ``$ref``s resolve unchanged
and every diagnostic still points at the line written in the 2.0 file. The
body and form parameters stay in their ``parameters`` lists, where the
parameter reader skips them: the request body stands for them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from ..document import LoadedDocument, is_url, join_pointer

__all__ = ["BODY_LOCATIONS", "SwaggerNote", "is_swagger", "notes_of", "upgrade_swagger"]

_NOTES = "x-arazzo-upgrade-notes"
"""Where the upgraded data keeps its notes: every description made from it, not
only the first (validation's), reports them."""

BODY_LOCATIONS = ("body", "formData")
"""Parameter locations of OpenAPI 2.0 that the request body stands for."""

# The fields of a 2.0 non-body parameter (and of a header or items object) that
# describe its value: in OpenAPI 3 they belong to the parameter's schema.
_SCHEMA_FIELDS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


@dataclass(frozen=True)
class SwaggerNote:
    """Something of a 2.0 document that has no exact OpenAPI 3 reading."""

    message: str
    pointer: str


def is_swagger(data: Any) -> bool:
    """A Swagger 2.0 document, upgraded already or not (an upgraded one has ``openapi`` too)."""
    return isinstance(data, dict) and str(data.get("swagger")) == "2.0"


def upgrade_swagger(document: LoadedDocument) -> LoadedDocument:
    """``document`` (Swagger 2.0) as OpenAPI 3.0.3, with :func:`notes_of` what did not
    carry over. The parsed data is copied first: it may be shared through the parse cache.
    """
    data = copy.deepcopy(document.data)
    upgrader = _Upgrader(data, is_url(document.uri))
    upgrader.upgrade()
    data[_NOTES] = [{"message": n.message, "pointer": n.pointer} for n in upgrader.notes]
    return replace(document, data=data)


def notes_of(data: Any) -> list[SwaggerNote]:
    """The notes :func:`upgrade_swagger` left in upgraded data."""
    notes = data.get(_NOTES) if isinstance(data, dict) else None
    return [SwaggerNote(n["message"], n["pointer"]) for n in notes or []]


class _Upgrader:
    def __init__(self, data: dict[str, Any], fetched: bool) -> None:
        self.data = data
        self.fetched = fetched
        self.notes: list[SwaggerNote] = []
        self.consumes = _media_types(data.get("consumes"))
        self.produces = _media_types(data.get("produces"))

    def upgrade(self) -> None:
        data = self.data
        data["openapi"] = "3.0.3"
        data["servers"] = self._servers()
        shared = data.get("parameters")
        if isinstance(shared, dict):
            for name, parameter in shared.items():
                self._parameter(parameter, join_pointer("/parameters", name))
        responses = data.get("responses")
        if isinstance(responses, dict):
            for response in responses.values():
                self._response(response, self.produces)
        paths = data.get("paths")
        if isinstance(paths, dict):
            for path, item in paths.items():
                if isinstance(item, dict) and "$ref" not in item:
                    self._path_item(item, join_pointer("/paths", path))
        self._security_schemes()

    # -- servers

    def _servers(self) -> list[dict[str, str]]:
        """``schemes`` x ``host`` + ``basePath``; https first, as a client would choose."""
        base_path = str(self.data.get("basePath") or "")
        host = self.data.get("host")
        if not isinstance(host, str) or not host:
            # 2.0: the host that serves the description; resolved against its URL.
            return [{"url": base_path or "/"}]
        schemes = [s for s in self.data.get("schemes") or [] if s in ("https", "http")]
        if not schemes:
            # 2.0: the scheme the description was fetched with (a relative URL
            # resolves to it); a local file has none, and public APIs use https.
            return [
                {"url": f"//{host}{base_path}" if self.fetched else f"https://{host}{base_path}"}
            ]
        schemes.sort(key=lambda scheme: scheme != "https")
        return [{"url": f"{scheme}://{host}{base_path}"} for scheme in schemes]

    # -- operations

    def _path_item(self, item: dict[str, Any], pointer: str) -> None:
        shared = self._parameters(item, pointer)
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                self._operation(operation, join_pointer(pointer, method), shared)

    def _operation(
        self, operation: dict[str, Any], pointer: str, shared: list[dict[str, Any]]
    ) -> None:
        own = self._parameters(operation, pointer)
        merged = {(p.get("name"), p.get("in")): p for p in [*shared, *own]}
        parameters = list(merged.values())
        consumes = _media_types(operation.get("consumes")) or self.consumes
        body = next((p for p in parameters if p.get("in") == "body"), None)
        form = [p for p in parameters if p.get("in") == "formData"]
        if body is not None:
            operation["requestBody"] = _body(body, consumes or ["application/json"])
        elif form:
            operation["requestBody"] = _form_body(form, consumes)
        produces = _media_types(operation.get("produces")) or self.produces
        responses = operation.get("responses")
        if isinstance(responses, dict):
            for response in responses.values():
                self._response(response, produces)

    def _parameters(self, owner: dict[str, Any], pointer: str) -> list[dict[str, Any]]:
        """The owner's parameters upgraded in place, ``#/parameters`` references followed."""
        found = []
        raw = owner.get("parameters")
        for index, parameter in enumerate(raw if isinstance(raw, list) else []):
            target = self._local_parameter(parameter)
            if target is parameter:
                self._parameter(parameter, join_pointer(pointer, "parameters", index))
            if isinstance(target, dict):
                found.append(target)
        return found

    def _local_parameter(self, parameter: Any) -> Any:
        ref = parameter.get("$ref") if isinstance(parameter, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/parameters/"):
            return parameter
        shared = self.data.get("parameters")
        name = ref.removeprefix("#/parameters/").replace("~1", "/").replace("~0", "~")
        return shared.get(name) if isinstance(shared, dict) else None

    def _parameter(self, parameter: Any, pointer: str) -> None:
        if not isinstance(parameter, dict) or parameter.get("in") == "body":
            return
        if "schema" in parameter or "type" not in parameter:
            return  # already upgraded (shared), or a $ref
        schema = _schema_of(parameter)
        parameter["schema"] = schema
        if schema.get("type") == "array" and parameter.get("in") != "formData":
            self._collection_format(parameter, pointer)

    def _collection_format(self, parameter: dict[str, Any], pointer: str) -> None:
        found = parameter.pop("collectionFormat", "csv")
        location = parameter.get("in")
        if found == "multi" and location == "query":
            parameter["style"], parameter["explode"] = "form", True
        elif found == "ssv" and location == "query":
            parameter["style"], parameter["explode"] = "spaceDelimited", False
        elif found == "pipes" and location == "query":
            parameter["style"], parameter["explode"] = "pipeDelimited", False
        else:
            if found not in ("csv", None):
                self.notes.append(
                    SwaggerNote(
                        f"collectionFormat '{found}' of parameter '{parameter.get('name')}' "
                        f"has no OpenAPI 3 equivalent in {location}; the array is sent "
                        "comma-separated",
                        join_pointer(pointer, "collectionFormat"),
                    )
                )
            parameter["style"] = "form" if location in ("query", "cookie") else "simple"
            parameter["explode"] = False

    # -- responses and security

    def _response(self, response: Any, produces: list[str]) -> None:
        if not isinstance(response, dict) or "$ref" in response:
            return
        schema = response.pop("schema", None)
        response.pop("examples", None)
        if schema is not None:
            response["content"] = {
                media_type: {"schema": schema} for media_type in produces or ["application/json"]
            }
        headers = response.get("headers")
        if isinstance(headers, dict):
            for header in headers.values():
                if isinstance(header, dict) and "schema" not in header:
                    header["schema"] = _schema_of(header)

    def _security_schemes(self) -> None:
        definitions = self.data.get("securityDefinitions")
        if not isinstance(definitions, dict):
            return
        schemes = {name: _scheme(spec) for name, spec in definitions.items()}
        components = self.data.setdefault("components", {})
        if isinstance(components, dict):
            components["securitySchemes"] = schemes


def _media_types(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _schema_of(parameter: dict[str, Any]) -> dict[str, Any]:
    """The value fields of a 2.0 parameter, header or items object, as a schema."""
    schema = {key: parameter.pop(key) for key in _SCHEMA_FIELDS if key in parameter}
    if schema.get("type") == "file":
        schema = {"type": "string", "format": "binary"}
    items = schema.get("items")
    if isinstance(items, dict) and "type" in items:
        items.pop("collectionFormat", None)
        schema["items"] = _schema_of(items)
    return schema


def _body(parameter: dict[str, Any], consumes: list[str]) -> dict[str, Any]:
    schema = parameter.get("schema", {})
    body: dict[str, Any] = {
        "required": bool(parameter.get("required", False)),
        "content": {media_type: {"schema": schema} for media_type in consumes},
    }
    if "description" in parameter:
        body["description"] = parameter["description"]
    return body


def _form_body(parameters: list[dict[str, Any]], consumes: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for parameter in parameters:
        value = parameter.get("schema")
        properties[str(parameter.get("name"))] = value if isinstance(value, dict) else {}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [str(p.get("name")) for p in parameters if p.get("required") is True]
    if required:
        schema["required"] = required
    files = [name for name, s in properties.items() if s.get("format") == "binary"]
    media_types = [m for m in consumes if m in _FORM_TYPES]
    if not media_types:
        media_types = [_FORM_TYPES[1] if files else _FORM_TYPES[0]]
    content: dict[str, Any] = {media_type: {"schema": schema} for media_type in media_types}
    multipart = content.get(_FORM_TYPES[1])
    if multipart is not None and files:
        # A `type: file` parameter is a file part: OpenAPI 3's default for binary.
        multipart["encoding"] = {
            name: {"contentType": "application/octet-stream"} for name in files
        }
    return {"required": bool(required), "content": content}


def _scheme(spec: Any) -> Any:
    if not isinstance(spec, dict):
        return spec
    kind = spec.get("type")
    if kind == "basic":
        return {"type": "http", "scheme": "basic"}
    if kind == "oauth2":
        flow = {key: spec[key] for key in ("authorizationUrl", "tokenUrl", "scopes") if key in spec}
        flow.setdefault("scopes", {})
        return {"type": "oauth2", "flows": {_FLOWS.get(str(spec.get("flow")), "implicit"): flow}}
    return spec  # apiKey: the same fields in both versions
