"""Request bodies: content types, encodings and payload replacements."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from typing import Any

import pytest

from arazzo_runner.http.bodies import (
    EncodedBody,
    Replacement,
    choose_content_type,
    mapping_to_xml,
    prepare_body,
)
from arazzo_runner.http.messages import StepFailure


def parse_multipart(body: EncodedBody) -> EmailMessage:
    """Parse a multipart body with the standard library, as a strict reader would."""
    head = f"Content-Type: {body.content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.message_from_bytes(head + body.content, policy=email.policy.HTTP)
    assert isinstance(message, EmailMessage)
    assert message.is_multipart()
    assert not message.defects
    return message


# --------------------------------------------------------------------------- content type


@pytest.mark.parametrize(
    ("explicit", "declared", "value", "expected"),
    [
        ("text/csv", ["application/json"], {}, "text/csv"),
        (None, ["application/xml"], {}, "application/xml"),
        (None, ["application/xml", "application/vnd.x+json"], {}, "application/vnd.x+json"),
        (None, ["*/*", "text/plain"], {}, "text/plain"),
        (None, ["*/*"], "s", "text/plain"),
        (None, [], {"a": 1}, "application/json"),
        (None, [], b"\x00", "application/octet-stream"),
    ],
)
def test_content_type_prefers_explicit_then_declared_json(
    explicit: str | None, declared: list[str], value: Any, expected: str
) -> None:
    assert choose_content_type(explicit, declared, value) == expected


# --------------------------------------------------------------------------- JSON


def test_json_object_and_string_template() -> None:
    assert prepare_body({"a": [1, True, None]}, "application/json").content == (
        b'{"a":[1,true,null]}'
    )
    assert prepare_body('{"x": 1}', "application/problem+json").content == b'{"x": 1}'


def test_json_pointer_replacements_set_existing_locations() -> None:
    payload = {"order": {"id": 1, "items": ["a", "b"]}}
    body = prepare_body(
        payload,
        "application/json",
        [Replacement("/order/id", 7), Replacement("/order/items/1", {"c": 1})],
    )
    assert json.loads(body.content) == {"order": {"id": 7, "items": ["a", {"c": 1}]}}
    assert body.value == {"order": {"id": 7, "items": ["a", {"c": 1}]}}
    assert payload["order"]["id"] == 1  # the step's own payload is not changed


def test_json_pointer_replacements_inject_new_members_and_append() -> None:
    # The spec's word is "inject": like JSON Patch 'add', a new member of an
    # existing object is added and '-' appends; Redocly's fixture relies on it.
    body = prepare_body(
        {"list": [1]}, "application/json", [Replacement("/page", ["x"]), Replacement("/list/-", 2)]
    )
    assert json.loads(body.content) == {"list": [1, 2], "page": ["x"]}


def test_json_string_payload_is_parsed_for_replacements() -> None:
    body = prepare_body('{"a": 1}', "application/json", [Replacement("/a", "x")])
    assert body.content == b'{"a":"x"}'


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/list/5", "matches nothing"),
        ("/list/01", "matches nothing"),
        ("/nope/deeper", "payload replacement target '/nope/deeper'"),
        ("no-slash", "payload replacement target 'no-slash'"),
    ],
)
def test_bad_json_pointer_targets_fail_the_step(target: str, message: str) -> None:
    with pytest.raises(StepFailure, match=message):
        prepare_body({"list": [1, 2]}, "application/json", [Replacement(target, 0)])


# --------------------------------------------------------------------------- forms


def test_form_object_uses_encoding_object_defaults() -> None:
    payload = {
        "name": "Rex & Co",
        "tags": ["a b", "c"],
        "address": {"city": "Oslo", "zip": "0150"},
        "meta": {"k": 1},
        "skip": None,
        "ids": [1, 2],
    }
    encoding = {
        "meta": {"contentType": "application/json"},
        "ids": {"style": "pipeDelimited", "explode": False},
    }
    body = prepare_body(payload, "application/x-www-form-urlencoded", encoding=encoding)
    assert body.content == (
        b"name=Rex+%26+Co&tags=a+b&tags=c&city=Oslo&zip=0150&meta=%7B%22k%22%3A1%7D&ids=1%7C2"
    )


def test_form_string_payload_is_sent_as_is_or_parsed_for_replacements() -> None:
    text = "customerName=Ann&location=Lviv"
    assert prepare_body(text, "application/x-www-form-urlencoded").content == text.encode()
    body = prepare_body(
        text, "application/x-www-form-urlencoded", [Replacement("/location", "New York")]
    )
    assert body.content == b"customerName=Ann&location=New+York"


def test_form_payload_that_is_not_an_object_fails() -> None:
    with pytest.raises(StepFailure, match="must be an object"):
        prepare_body([1], "application/x-www-form-urlencoded")


# --------------------------------------------------------------------------- multipart


def test_multipart_parts_are_well_formed_and_typed() -> None:
    payload = {
        "title": 'Ünïcode "quoted"',
        "count": 3,
        "meta": {"a": [1]},
        "file": b"\x89PNG\r\n--not-a-boundary\r\n",
        "avatar": "pixels",
        "gone": None,
    }
    encoding = {"avatar": {"contentType": "image/png, image/jpeg"}}
    body = prepare_body(payload, "multipart/form-data", encoding=encoding)
    assert body.content_type.startswith("multipart/form-data; boundary=arazzo-")
    parts = list(parse_multipart(body).iter_parts())
    summary = [
        (p.get_param("name", header="content-disposition"), p.get_content_type(), p.get_filename())
        for p in parts
    ]
    assert summary == [
        ("title", "text/plain", None),
        ("count", "text/plain", None),
        ("meta", "application/json", None),
        ("file", "application/octet-stream", "file"),
        ("avatar", "image/png", "avatar"),
    ]
    assert [p.get_payload(decode=True) for p in parts] == [
        'Ünïcode "quoted"'.encode(),
        b"3",
        b'{"a":[1]}',
        b"\x89PNG\r\n--not-a-boundary\r\n",
        b"pixels",
    ]


def test_multipart_keeps_a_given_boundary_and_quotes_field_names() -> None:
    body = prepare_body({'a"b': "x"}, "multipart/form-data; boundary=XyZ")
    assert body.content_type == "multipart/form-data; boundary=XyZ"
    assert body.content == (
        b'--XyZ\r\nContent-Disposition: form-data; name="a%22b"\r\n'
        b"Content-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n"
    )


def test_multipart_replacements_use_json_pointers() -> None:
    body = prepare_body({"a": "1"}, "multipart/form-data", [Replacement("/a", "2")])
    part = next(iter(parse_multipart(body).iter_parts()))
    assert part.get_payload(decode=True) == b"2"


# --------------------------------------------------------------------------- text


def test_text_bodies() -> None:
    assert prepare_body("plain", "text/plain").content == b"plain"
    assert prepare_body({"a": 1}, "text/plain").content == b'{"a":1}'
    assert prepare_body("a,b", "text/csv").content == b"a,b"


def test_structured_payload_for_an_unknown_binary_type_fails() -> None:
    with pytest.raises(StepFailure, match="give the payload as a string"):
        prepare_body({"a": 1}, "application/octet-stream")


# --------------------------------------------------------------------------- XML


def test_xml_mapping_rule() -> None:
    payload = {
        "order": {
            "@id": 7,
            "pet": {"#text": "Rex", "@kind": "dog"},
            "tag": ["a", "b"],
            "paid": True,
            "note": None,
        }
    }
    assert mapping_to_xml(payload) == (
        b'<order id="7"><pet kind="dog">Rex</pet><tag>a</tag><tag>b</tag>'
        b"<paid>true</paid><note/></order>"
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"a": 1, "b": 2}, "exactly one key"),
        ({"1bad": 1}, "not a valid XML element name"),
        ({"a": {"@1x": 1}}, "not a valid XML attribute name"),
    ],
)
def test_xml_mapping_errors(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(StepFailure, match=message):
        prepare_body(payload, "application/xml")


def test_xml_string_is_sent_as_is() -> None:
    text = "<a>\n  <b>{x}</b>\n</a>"
    assert prepare_body(text, "text/xml").content == text.encode()


def test_xpath_replacements_set_text_and_attributes() -> None:
    text = '<?xml version="1.0"?>\n<order id="1"><pet>old</pet><pet>old</pet><n>1</n></order>'
    body = prepare_body(
        text,
        "application/xml",
        [
            Replacement("/order/pet", "Rex"),
            Replacement("/order/@id", 42),
            Replacement("//n/text()", "2"),
        ],
    )
    assert body.content == (
        b"<?xml version='1.0' encoding='utf-8'?>\n"
        b'<order id="42"><pet>Rex</pet><pet>Rex</pet><n>2</n></order>'
    )
    assert body.value == body.content.decode()


def test_xpath_replacement_on_a_mapping_payload_and_with_namespaces() -> None:
    body = prepare_body({"a": {"b": 1}}, "application/soap+xml", [Replacement("/a/b", {"c": 2})])
    assert body.content == b"<a><b><c>2</c></b></a>"
    text = '<x:a xmlns:x="urn:x"><x:b/></x:a>'
    body = prepare_body(text, "application/xml", [Replacement("/x:a/x:b", "v")])
    assert body.content == b'<x:a xmlns:x="urn:x"><x:b>v</x:b></x:a>'


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/a/missing", "matches nothing"),
        ("/a/[", "not a valid XPath expression"),
        ("count(/a)", "selects a value"),
        ("string(/a/b)", "selects a value"),
    ],
)
def test_bad_xpath_targets_fail_the_step(target: str, message: str) -> None:
    with pytest.raises(StepFailure, match=message):
        prepare_body("<a><b>x</b></a>", "application/xml", [Replacement(target, "v")])


def test_xml_entities_are_never_expanded() -> None:
    text = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "<a><b>&e;</b><c/></a>"
    )
    body = prepare_body(text, "application/xml", [Replacement("/a/c", "v")])
    assert b"root:" not in body.content
    assert b"&e;" in body.content


def test_unparsable_xml_with_replacements_fails() -> None:
    with pytest.raises(StepFailure, match="XML payload to parse"):
        prepare_body("<a>", "application/xml", [Replacement("/a", "v")])


# --------------------------------------------------------------------------- Arazzo 1.1 targets


def _jsonpath(target: str, value: Any) -> Replacement:
    from arazzo_runner.criteria import compile_jsonpath

    return Replacement(target, value, "jsonpath", compile_jsonpath(target))


def test_a_jsonpath_target_sets_every_node_it_selects() -> None:
    payload = {"items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 1}, {"sku": "A", "qty": 2}]}
    body = prepare_body(payload, "application/json", [_jsonpath("$.items[?@.sku=='A'].qty", 9)])
    assert json.loads(body.content) == {
        "items": [{"sku": "A", "qty": 9}, {"sku": "B", "qty": 1}, {"sku": "A", "qty": 9}]
    }
    assert payload["items"][0]["qty"] == 1  # the compiled payload is never changed


def test_a_jsonpath_target_addresses_a_templated_json_string_too() -> None:
    body = prepare_body('{"a": {"b": 1}}', "application/json", [_jsonpath("$.a.b", [1])])
    assert json.loads(body.content) == {"a": {"b": [1]}}


def test_a_jsonpath_target_that_selects_nothing_fails_the_step() -> None:
    with pytest.raises(StepFailure, match=r"'\$.nope' matches nothing in the payload"):
        prepare_body({"a": 1}, "application/json", [_jsonpath("$.nope", 2)])


def test_selector_types_that_cannot_address_the_body_fail_the_step() -> None:
    with pytest.raises(StepFailure, match="is XPath, which needs an XML body"):
        prepare_body({"a": 1}, "application/json", [Replacement("/a", 2, "xpath")])
    with pytest.raises(StepFailure, match="jsonpath target, which cannot address an XML body"):
        prepare_body("<a/>", "application/xml", [_jsonpath("$.a", 2)])


def test_an_explicit_jsonpointer_or_xpath_type_is_the_default_reading() -> None:
    body = prepare_body({"a": 1}, "application/json", [Replacement("/b", 2, "jsonpointer")])
    assert json.loads(body.content) == {"a": 1, "b": 2}
    xml = prepare_body("<a><b/></a>", "application/xml", [Replacement("/a/b", "x", "xpath")])
    assert xml.content == b"<a><b>x</b></a>"


def test_an_xpath_target_is_evaluated_in_the_version_it_names() -> None:
    from arazzo_runner.criteria import compile_xpath

    xml = "<a x='1'><b>t</b><b>u</b></a>"
    target = "/a/b[ends-with(., 'u')]"  # ends-with() exists from XPath 2.0 on
    for version in ("xpath-20", "xpath-30", "xpath-31"):
        replacement = Replacement(target, "N", "xpath", compile_xpath(target, version))
        body = prepare_body(xml, "application/xml", [replacement])
        assert body.content == b'<a x="1"><b>t</b><b>N</b></a>'
    attribute = Replacement("/a/@x", "2", "xpath", compile_xpath("/a/@x", "xpath-31"))
    assert prepare_body(xml, "application/xml", [attribute]).content.startswith(b'<a x="2">')
    counted = Replacement("count(/a/b)", "2", "xpath", compile_xpath("count(/a/b)", "xpath-31"))
    with pytest.raises(StepFailure, match="selects a value, not an element or attribute"):
        prepare_body(xml, "application/xml", [counted])
    with pytest.raises(StepFailure, match="is not a valid XPath expression"):
        prepare_body(xml, "application/xml", [Replacement(target, "N")])  # XPath 1.0 by lxml
