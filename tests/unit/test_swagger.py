"""Swagger 2.0 descriptions read as OpenAPI 3.0: servers, parameters, bodies, responses."""

from __future__ import annotations

import copy
import textwrap
from typing import Any

import pytest
import yaml

from arazzo_runner.diagnostics import Diagnostics
from arazzo_runner.document.parsing import parse_document
from arazzo_runner.openapi import DocumentCache, OpenAPIDescription, Operation


def describe(
    text: str, *, uri: str = "/specs/pets.yaml", diagnostics: Diagnostics | None = None
) -> OpenAPIDescription:
    document = parse_document(textwrap.dedent(text), uri=uri, display_name="pets.yaml")
    return OpenAPIDescription("pets", document, DocumentCache(), diagnostics)


def operation(description: OpenAPIDescription, operation_id: str) -> Operation:
    found = description.by_operation_id(operation_id)
    assert found is not None, operation_id
    return found


HEAD = "swagger: '2.0'\ninfo: {title: t, version: '1'}\n"
PING = "paths:\n  /ping:\n    get: {operationId: ping, responses: {'200': {description: ok}}}\n"


@pytest.mark.parametrize(
    ("fields", "uri", "expected"),
    [
        ("host: api.test\nbasePath: /v2\nschemes: [http]\n", "/specs/p.yaml", "http://api.test/v2"),
        (
            "host: api.test\nbasePath: /v2\nschemes: [http, https]\n",
            "/specs/p.yaml",
            "https://api.test/v2",
        ),
        # No schemes: those of the description's URL, else https for a local file.
        ("host: api.test:8443\n", "/specs/p.yaml", "https://api.test:8443"),
        ("host: api.test\n", "http://docs.test/p.yaml", "http://api.test"),
        # No host: the host that serves the description.
        ("basePath: /v2\n", "http://docs.test/specs/p.yaml", "http://docs.test/v2"),
    ],
)
def test_host_base_path_and_schemes_are_the_server(fields: str, uri: str, expected: str) -> None:
    description = describe(HEAD + fields + PING, uri=uri)
    assert description.server_url(operation(description, "ping")) == expected


def test_without_host_a_local_file_needs_server() -> None:
    description = describe(HEAD + "basePath: /v2\n" + PING)
    with pytest.raises(Exception, match="relative") as info:
        description.server_url(operation(description, "ping"))
    assert getattr(info.value, "url", None) == "/v2"


SPEC = HEAD + textwrap.dedent(
    """\
    consumes: [application/json, application/xml]
    produces: [application/json]
    parameters:
      body:
        name: body
        in: body
        required: true
        schema: {$ref: '#/definitions/Pet'}
    paths:
      /pets:
        parameters:
          - {name: X-Trace, in: header, type: string}
        put:
          operationId: put
          parameters:
            - $ref: '#/parameters/body'
            - {name: ids, in: query, type: array, items: {type: integer}}
            - {name: tags, in: query, type: array, items: {type: string},
               collectionFormat: multi}
            - {name: rows, in: query, type: array, items: {type: string},
               collectionFormat: tsv}
          responses:
            '200':
              description: ok
              schema: {$ref: '#/definitions/Pet'}
              headers: {X-Rate: {type: integer}}
        post:
          operationId: upload
          parameters:
            - {name: file, in: formData, type: file, required: true}
            - {name: note, in: formData, type: string, default: none}
          responses: {'204': {description: done}}
    definitions:
      Pet: {type: object, properties: {id: {type: integer}}}
    securityDefinitions:
      basicAuth: {type: basic}
      key: {type: apiKey, name: X-Key, in: header}
      oauth: {type: oauth2, flow: application, tokenUrl: 'https://auth.test/token',
              scopes: {read: r}}
    """
)


def test_parameters_move_their_types_into_schemas_and_styles() -> None:
    diagnostics = Diagnostics()
    description = describe(SPEC, diagnostics=diagnostics)
    parameters = {p.name: p for p in operation(description, "put").parameters(diagnostics)}
    assert sorted(parameters) == ["X-Trace", "ids", "rows", "tags"]  # the body is no parameter
    ids, tags = parameters["ids"], parameters["tags"]
    assert ids.raw["schema"] == {"type": "array", "items": {"type": "integer"}}
    assert (ids.style, ids.explode) == ("form", False)  # 2.0's default is csv
    assert (tags.style, tags.explode) == ("form", True)
    (note,) = diagnostics.warnings
    assert note.message == (
        "collectionFormat 'tsv' of parameter 'rows' has no OpenAPI 3 equivalent in query; "
        "the array is sent comma-separated"
    )
    assert note.location is not None and note.location.line == 23


def test_the_body_parameter_becomes_the_request_body_per_consumes() -> None:
    put = operation(describe(SPEC), "put")
    schema = {"$ref": "#/definitions/Pet"}
    assert put.request_content() == {
        "application/json": {"schema": schema},
        "application/xml": {"schema": schema},
    }
    assert put.raw["requestBody"]["required"] is True
    assert put.raw["responses"]["200"]["content"] == {"application/json": {"schema": schema}}
    assert put.raw["responses"]["200"]["headers"]["X-Rate"] == {"schema": {"type": "integer"}}


def test_form_data_with_a_file_is_a_multipart_body() -> None:
    upload = operation(describe(SPEC), "upload")
    assert upload.request_content() == {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "note": {"type": "string", "default": "none"},
                },
                "required": ["file"],
            },
            "encoding": {"file": {"contentType": "application/octet-stream"}},
        }
    }


def test_security_definitions_become_security_schemes() -> None:
    assert describe(SPEC).security_schemes() == {
        "basicAuth": {"type": "http", "scheme": "basic"},
        "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
        "oauth": {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "https://auth.test/token",
                    "scopes": {"read": "r"},
                }
            },
        },
    }


def test_the_parsed_document_is_not_changed() -> None:
    document = parse_document(SPEC, uri="/specs/pets.yaml", display_name="pets.yaml")
    before: Any = copy.deepcopy(document.data)
    OpenAPIDescription("pets", document, DocumentCache())
    assert document.data == before == yaml.safe_load(SPEC)
