"""`$self` and the base URI (Arazzo 1.1, "Establishing the Base URI" and Appendix B)."""

from __future__ import annotations

from typing import Any

from arazzo_runner.document import LoadedDocument, LoadOptions
from arazzo_runner.document.anchors import schema_anchors, with_anchors_as_pointers
from arazzo_runner.document.source_map import SourceMap
from arazzo_runner.openapi import DocumentCache


def _document(uri: str, **fields: Any) -> LoadedDocument:
    data = {"arazzo": "1.1.0", "info": {"title": "t", "version": "1"}, **fields}
    return LoadedDocument(uri, uri, data, SourceMap(""))


def test_self_is_the_base_uri_whatever_the_retrieval_uri() -> None:
    # Appendix B, "Base URI Within Content (Using $self)".
    document = _document(
        "/Users/dev/projects/workflows/purchase.arazzo.yaml",
        **{"$self": "https://api.example.com/workflows/purchase.arazzo.yaml"},
    )
    assert document.resolve_uri("../specs/petstore.yaml") == (
        "https://api.example.com/specs/petstore.yaml"
    )


def test_without_self_the_retrieval_uri_is_the_base() -> None:
    # Appendix B, "Base URI From the Retrieval URI (No $self)".
    document = _document("/Users/dev/projects/workflows/purchase.arazzo.yaml")
    assert document.self_uri is None
    assert (
        document.resolve_uri("../specs/petstore.yaml") == "/Users/dev/projects/specs/petstore.yaml"
    )


def test_a_relative_self_is_resolved_against_the_retrieval_uri_first() -> None:
    # Appendix B, "Resolving Relative $self".
    document = _document(
        "https://api.example.com/v2/api-description.yaml",
        **{"$self": "workflows/purchase.arazzo.yaml"},
    )
    assert document.self_uri == "https://api.example.com/v2/workflows/purchase.arazzo.yaml"
    assert document.resolve_uri("../specs/petstore.yaml") == (
        "https://api.example.com/v2/specs/petstore.yaml"
    )


def test_a_1_0_document_has_no_self() -> None:
    document = _document("/srv/a.yaml", **{"$self": "https://x/a.yaml"})
    document.data["arazzo"] = "1.0.1"
    assert document.self_uri is None
    assert document.resolve_uri("b.yaml") == "/srv/b.yaml"


def test_a_self_that_cannot_be_a_base_is_still_an_identity() -> None:
    document = _document("/srv/a.yaml", **{"$self": "urn:example:flows:a"})
    assert document.self_uri == "urn:example:flows:a"
    assert document.base_uri == "/srv/a.yaml"
    # A fragment is not allowed (the schema reports it): no identity from it.
    assert _document("/srv/a.yaml", **{"$self": "https://x/a.yaml#/w"}).self_uri is None


def test_the_cache_finds_a_document_by_identity_before_location(tmp_path: Any) -> None:
    shared = tmp_path / "copy.yaml"
    shared.write_text("arazzo: 1.1.0\n$self: https://flows.example/a.yaml\ninfo: {}\n")
    fetched: list[str] = []

    def fetch(url: str, limits: Any) -> bytes:
        fetched.append(url)
        raise AssertionError("nothing is fetched")

    cache = DocumentCache(options=LoadOptions(documents=(str(shared),), fetch=fetch))
    found = cache.get("https://flows.example/a.yaml")
    assert found.uri == str(shared)
    assert cache.known("https://flows.example/a.yaml") is found
    assert fetched == []


def test_anchors_become_pointers_only_in_inputs_schemas() -> None:
    data = {
        "workflows": [{"inputs": {"properties": {"p": {"$ref": "#pet"}}}, "x": {"$ref": "#pet"}}],
        "components": {"inputs": {"pet": {"$anchor": "pet", "default": {"$ref": "#pet"}}}},
    }
    anchors = schema_anchors(data)
    assert anchors == {"pet": "/components/inputs/pet"}
    rewritten = with_anchors_as_pointers(data, anchors)
    assert rewritten["workflows"][0]["inputs"]["properties"]["p"] == {
        "$ref": "#/components/inputs/pet"
    }
    assert rewritten["workflows"][0]["x"] == {"$ref": "#pet"}  # not a schema
    assert rewritten["components"]["inputs"]["pet"]["default"] == {"$ref": "#pet"}  # a value
    assert data["workflows"][0]["inputs"]["properties"]["p"] == {"$ref": "#pet"}  # a copy
