"""Media types and header names: the one implementation each of the http package."""

from __future__ import annotations

import pytest

from arazzo_runner.http.media_types import boundary, charset, essence, is_json, is_xml
from arazzo_runner.http.messages import (
    PreparedRequest,
    ResponseRecord,
    has_header,
    header_index,
    header_value,
    header_values,
)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", "application/json"),
        ("Application/JSON; charset=UTF-8", "application/json"),
        ("  text/plain ;format=flowed", "text/plain"),
        ("", ""),
        ("nonsense", "nonsense"),  # not replaced by a default: an unknown type stays unknown
    ],
)
def test_essence(content_type: str, expected: str) -> None:
    assert essence(content_type) == expected


@pytest.mark.parametrize(
    ("content_type", "json", "xml"),
    [
        ("application/json", True, False),
        ("application/problem+json; charset=utf-8", True, False),
        ("APPLICATION/JSON", True, False),
        ("application/jsonl", False, False),
        ("text/json", False, False),
        ("application/xml", False, True),
        ("text/xml; charset=iso-8859-1", False, True),
        ("application/atom+xml", False, True),
        ("text/plain", False, False),
        ("", False, False),
    ],
)
def test_json_and_xml_families(content_type: str, json: bool, xml: bool) -> None:
    assert is_json(content_type) is json
    assert is_xml(content_type) is xml


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/plain; charset=ISO-8859-1", "ISO-8859-1"),
        ('text/plain; Charset="utf-8"', "utf-8"),
        ("text/plain; format=flowed; charset=latin-1", "latin-1"),
        ("text/plain; charset=", None),
        ("text/plain", None),
        ("", None),
    ],
)
def test_charset(content_type: str, expected: str | None) -> None:
    assert charset(content_type) == expected


def test_boundary_is_unquoted_and_may_hold_a_semicolon() -> None:
    assert boundary("multipart/form-data; boundary=XyZ") == "XyZ"
    assert boundary('multipart/form-data; boundary="a;b c"') == "a;b c"
    assert boundary("multipart/form-data") is None


def test_rfc_2231_parameters_are_decoded() -> None:
    assert charset("text/plain; charset*=us-ascii''utf-8") == "utf-8"


HEADERS = [("Content-Type", "text/plain"), ("set-cookie", "a=1"), ("Set-Cookie", "b=2")]


def test_header_names_ignore_case() -> None:
    assert header_value(HEADERS, "content-type") == "text/plain"
    assert header_value(HEADERS, "CONTENT-TYPE") == "text/plain"
    assert header_value(HEADERS, "Accept") is None
    assert header_values(HEADERS, "Set-Cookie") == ["a=1", "b=2"]
    assert header_index(HEADERS, "SET-COOKIE") == 1
    assert has_header(["X-Key", "Accept"], "x-key")
    assert not has_header([], "x-key")


def test_messages_read_their_headers_through_the_same_lookup() -> None:
    request = PreparedRequest("GET", "http://h/x", list(HEADERS), [], None)
    response = ResponseRecord(200, [("content-type", "Application/Problem+JSON; x=1")], b"{}")
    assert request.header("SET-COOKIE") == "a=1"
    assert response.header("Content-Type") == "Application/Problem+JSON; x=1"
    assert response.media_type == "application/problem+json"
    assert ResponseRecord(204, [], b"").media_type == ""
