"""Server URLs: precedence, relative URLs (RFC 3986) and server variables."""

from __future__ import annotations

import textwrap

import pytest

from arazzo_runner.diagnostics import Diagnostics
from arazzo_runner.document.parsing import LoadedDocument, parse_document
from arazzo_runner.errors import DocumentError
from arazzo_runner.openapi.description import DocumentCache, OpenAPIDescription

SPEC_URL = "https://api.test/specs/openapi.yaml"


def describe(
    text: str, uri: str = SPEC_URL, diagnostics: Diagnostics | None = None
) -> OpenAPIDescription:
    document = parse_document(textwrap.dedent(text), uri=uri, display_name="openapi.yaml")
    return OpenAPIDescription("pets", document, DocumentCache(), diagnostics)


def url_of(description: OpenAPIDescription, operation_id: str = "a") -> str:
    operation = description.by_operation_id(operation_id)
    assert operation is not None
    return description.server_url(operation)


def with_servers(servers: str, version: str = "3.1.0") -> str:
    return f"openapi: {version}\n{servers}paths:\n  /a:\n    get: {{operationId: a}}\n"


def test_operation_then_path_then_document_servers() -> None:
    description = describe(
        """\
        openapi: 3.1.0
        servers: [{url: 'https://doc.test'}]
        paths:
          /a:
            servers: [{url: 'https://path.test'}]
            get: {operationId: a, servers: [{url: 'https://op.test'}]}
            put: {operationId: b}
          /c:
            get: {operationId: c}
        """
    )
    assert url_of(description, "a") == "https://op.test"
    assert url_of(description, "b") == "https://path.test"
    assert url_of(description, "c") == "https://doc.test"


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ("/v1", "https://api.test/v1"),
        ("./api", "https://api.test/specs/api"),
        ("../api", "https://api.test/api"),
        ("api/v2", "https://api.test/specs/api/v2"),
        ("//other.test/x", "https://other.test/x"),
        ("http://abs.test/y", "http://abs.test/y"),
    ],
)
def test_relative_server_urls_resolve_against_the_description_url(
    server: str, expected: str
) -> None:
    assert url_of(describe(with_servers(f"servers: [{{url: '{server}'}}]\n"))) == expected


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_no_servers_means_slash(version: str) -> None:
    assert url_of(describe(with_servers("", version))) == "https://api.test/"


def test_path_item_servers_resolve_against_the_file_they_are_written_in() -> None:
    other = "https://other.test/shared/items.yaml"

    def load(uri: str) -> LoadedDocument:
        assert uri == other
        text = "item:\n  servers: [{url: ./svc}]\n  get: {operationId: a}\n"
        return parse_document(text, uri=uri, display_name="items.yaml")

    document = parse_document(
        "openapi: 3.1.0\npaths:\n  /a: {$ref: 'https://other.test/shared/items.yaml#/item'}\n",
        uri=SPEC_URL,
        display_name="openapi.yaml",
    )
    description = OpenAPIDescription("pets", document, DocumentCache(load))
    assert url_of(description) == "https://other.test/shared/svc"


def test_variables_take_their_defaults() -> None:
    servers = """\
servers:
  - url: '{scheme}://{region}.api.test:{port}/{base}'
    variables:
      scheme: {default: https, enum: [https, http]}
      region: {default: eu}
      port: {default: '8443'}
      base: {default: v2}
"""
    assert url_of(describe(with_servers(servers))) == "https://eu.api.test:8443/v2"


def test_variable_without_default_is_a_located_error() -> None:
    servers = "servers:\n  - url: 'https://{region}.api.test'\n    variables:\n      region: {}\n"
    with pytest.raises(DocumentError) as info:
        url_of(describe(with_servers(servers)))
    assert info.value.message == (
        "server variable 'region' of source description 'pets' has no 'default', so the "
        "server URL cannot be built"
    )
    assert info.value.location is not None and info.value.location.line == 5
    assert info.value.hint == "pass --server pets=https://host/base-path"


def test_undefined_variable_is_an_error() -> None:
    with pytest.raises(DocumentError, match="uses variable 'region', which its 'variables'"):
        url_of(describe(with_servers("servers: [{url: 'https://{region}.api.test'}]\n")))


def test_default_outside_the_enum_is_a_warning_once() -> None:
    servers = (
        "servers:\n  - url: 'https://{region}.api.test'\n    variables:\n"
        "      region: {default: mars, enum: [eu, us]}\n"
    )
    diagnostics = Diagnostics()
    description = describe(with_servers(servers), diagnostics=diagnostics)
    assert url_of(description) == "https://mars.api.test"
    assert url_of(description) == "https://mars.api.test"
    assert [w.message for w in diagnostics.warnings] == [
        "the default 'mars' of server variable 'region' is not one of its enum values; it is "
        "used anyway"
    ]


def test_relative_server_of_a_local_file_needs_an_override() -> None:
    description = describe(with_servers("servers: [{url: ./api}]\n"), uri="/specs/openapi.yaml")
    with pytest.raises(DocumentError) as info:
        url_of(description)
    assert "the server URL './api' of source description 'pets' is relative" in (info.value.message)
    assert info.value.hint == "pass --server pets=https://host/base-path"
    assert info.value.location is not None and info.value.location.line == 2


def test_first_usable_server_is_located_by_its_own_index() -> None:
    servers = "servers:\n  - {description: no url}\n  - {url: /v1}\n"
    with pytest.raises(DocumentError) as info:
        url_of(describe(with_servers(servers), uri="/specs/openapi.yaml"))
    assert info.value.location is not None and info.value.location.line == 4
