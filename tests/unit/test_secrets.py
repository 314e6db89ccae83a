"""SecretMasker: what counts as a secret, and how it is masked."""

from __future__ import annotations

import base64
import json

import pytest

from arazzo_runner.http.messages import PreparedRequest, ResponseRecord
from arazzo_runner.masking import SecretMasker, is_secret_name, is_secret_response_key

TOKEN = "tok-SECRET-1234567890"


@pytest.mark.parametrize(
    "name",
    [
        "accessToken",
        "client_secret",
        "PASSWORD",
        "passwd",
        "apiKey",
        "api_key",
        "api-key",
        "x-key",
        "credentials",
        "Authorization",
        "keyId",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["sessionId", "serviceCrn", "apiVersion", "acceptingJobs"])
def test_ordinary_names(name: str) -> None:
    assert not is_secret_name(name)


def test_response_keys_use_a_stricter_rule() -> None:
    assert is_secret_response_key("access_token") and is_secret_response_key("apiKey")
    assert not is_secret_response_key("key") and not is_secret_response_key("author")


def test_masks_inside_longer_strings_and_encoded_forms() -> None:
    masker = SecretMasker()
    masker.add("a b/c+d=secret")
    assert masker.mask("Bearer a b/c+d=secret!") == "Bearer ***!"
    assert masker.mask("http://h/x?t=a%20b%2Fc%2Bd%3Dsecret") == "http://h/x?t=***"
    assert masker.mask("http://h/x?t=a+b%2Fc%2Bd%3Dsecret") == "http://h/x?t=***"


def test_short_values_are_masked_only_as_whole_values() -> None:
    masker = SecretMasker()
    masker.add("abc")
    masker.add(123)
    assert masker.mask("abcdef") == "abcdef"
    assert masker.mask("abc") == "***"
    assert masker.mask_value({"a": "abc", "b": 123, "c": 1234, "d": ["xabc"]}) == {
        "a": "***",
        "b": "***",
        "c": 1234,
        "d": ["xabc"],
    }


def test_inputs_by_name_schema_and_nesting() -> None:
    masker = SecretMasker()
    schema = {
        "type": "object",
        "properties": {
            "pin": {"type": "string", "format": "password"},
            "hidden": {"type": "string", "writeOnly": True},
            "env": {"type": "object", "properties": {"AUTH_TOKEN": {"type": "string"}}},
            "user": {"type": "string"},
        },
    }
    masker.add_inputs(
        {"pin": "9876", "hidden": "hidden-value", "env": {"AUTH_TOKEN": TOKEN}, "user": "jane"},
        schema,
    )
    assert masker.mask(f"9876 hidden-value {TOKEN} jane") == "*** *** *** jane"


def test_headers_query_and_cookies() -> None:
    masker = SecretMasker()
    masker.add_security_schemes(
        {
            "k": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            "q": {"type": "apiKey", "in": "query", "name": "api_key"},
            "b": {"type": "http", "scheme": "bearer"},
        }
    )
    request = PreparedRequest(
        "GET",
        "http://h/x",
        [
            ("X-Api-Key", "xyz"),
            ("Authorization", "Basic " + base64.b64encode(b"user:pa55word").decode()),
            ("Cookie", "sid=cookie-value-1; theme=dark"),
        ],
        [("api_key", "k1"), ("page", "2")],
        None,
    )
    masker.observe_request(request)
    assert masker.mask_headers(request.headers) == [
        ("X-Api-Key", "***"),
        ("Authorization", "Basic ***"),
        ("Cookie", "sid=***; theme=***"),
    ]
    assert masker.mask_url(request.full_url) == "http://h/x?api_key=***&page=2"
    assert masker.mask("pa55word and cookie-value-1") == "*** and ***"
    response = ResponseRecord(
        200,
        [
            ("Set-Cookie", "session=set-cookie-value; HttpOnly"),
            ("Content-Type", "application/json"),
        ],
        json.dumps({"data": {"refresh_token": "refresh-value"}, "author": "jane"}).encode(),
    )
    masker.observe_response(response)
    assert masker.mask("set-cookie-value refresh-value jane") == "*** *** jane"
    assert masker.mask_bytes(b"\x00refresh-value") == b"\x00***"


def test_show_secrets_turns_masking_off() -> None:
    masker = SecretMasker(enabled=False)
    masker.add(TOKEN)
    assert masker.mask(TOKEN) == TOKEN
    assert masker.mask_header("Authorization", f"Bearer {TOKEN}") == f"Bearer {TOKEN}"


def test_a_secret_containing_another_is_masked_whole() -> None:
    masker = SecretMasker()
    masker.add("abcd")
    masker.add("abcdefgh")
    assert masker.mask("xabcdefghx") == "x***x"
