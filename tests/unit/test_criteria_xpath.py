"""XPath criteria: versions 1.0 (lxml), 2.0/3.0/3.1 (elementpath), truth rules, safety."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.criteria import CriterionOutcome, compile_criterion, compile_xpath
from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import ExpressionContext, HttpMessage

PETS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<root>
  <pets>
    <pet status="available"><name>Rex</name><age>3</age></pet>
    <pet status="sold"><name>Tom</name><age>7</age></pet>
  </pets>
  <empty/>
</root>
"""

NAMESPACED_XML = """<env:Envelope xmlns:env="urn:env" xmlns:p="urn:pets">
  <env:Body><p:pet><p:name>Rex</p:name></p:pet></env:Body>
</env:Envelope>
"""

VERSIONS: list[Any] = [
    "xpath",
    {"type": "xpath", "version": "xpath-30"},
    {"type": "xpath", "version": "xpath-20"},
    {"type": "xpath", "version": "xpath-10"},
]
VERSION_IDS = ["default", "xpath-30", "xpath-20", "xpath-10"]


def response(body: Any, **inputs: Any) -> ExpressionContext:
    return ExpressionContext(
        inputs=inputs,
        status_code=200,
        response=HttpMessage(headers={"Content-Type": "application/xml"}, body=body),
    )


def check(
    condition: str, body: Any, type_: Any = "xpath", context: str = "$response.body", **inputs: Any
) -> CriterionOutcome:
    return compile_criterion(condition, type_, context).check(response(body, **inputs))


# --------------------------------------------------------------------------- truth rules


@pytest.mark.parametrize("type_", VERSIONS, ids=VERSION_IDS)
@pytest.mark.parametrize(
    ("condition", "passed"),
    [
        # booleans are themselves
        ("count(/root/pets/*) > 0", True),
        ("count(/root/pets/*) > 5", False),
        ("/root/pets/pet[@status = 'sold']/age = 7", True),
        ("/root/pets/pet[@status = 'sold']/age = 3", False),
        # node sets / sequences of nodes pass when not empty
        ("/root/pets", True),
        ("/root/pets/pet[age > 5]", True),
        ("/root/pets/pet[age > 10]", False),
        ("/root/missing", False),
        ("/root/pets/pet/@status", True),
        # numbers: non-zero passes, zero and NaN fail
        ("count(/root/pets/pet)", True),
        ("count(/root/missing)", False),
        ("number('abc')", False),
        # strings: non-empty passes
        ("string(/root/pets/pet[1]/name)", True),
        ("string(/root/empty)", False),
        # relative paths start at the root element
        ("pets/pet", True),
    ],
)
def test_truth_rules(type_: Any, condition: str, passed: bool) -> None:
    outcome = check(condition, PETS_XML, type_)
    assert outcome.passed is passed, outcome.detail


def test_spec_examples() -> None:
    # Arazzo 1.1.0's XPath condition examples.
    assert check("count(/root/pets/*) > 0", PETS_XML).passed
    assert check("/root/pets", PETS_XML).passed
    assert not check("count(/root/pets/*) > 0", "<root><pets/></root>").passed
    assert not check("/root/pets", "<root/>").passed


def test_sequence_of_atomic_values_has_no_boolean_value_in_xpath_2_and_later() -> None:
    # XPath 2.0+ effective boolean value: a sequence of two numbers is a type error.
    outcome = check("(1, 2)", PETS_XML)
    assert not outcome.passed
    assert outcome.detail.startswith("'(1, 2)' could not be evaluated: ")
    assert "effective boolean value" in outcome.detail


def test_details() -> None:
    assert check("/root/pets/pet/name", PETS_XML) == CriterionOutcome(
        True, "'/root/pets/pet/name' gave 2 items [<name>, <name>]"
    )
    assert check("count(/root/pets/pet) = 3", PETS_XML) == CriterionOutcome(
        False,
        "'count(/root/pets/pet) = 3' on $response.body gave false, "
        "which is false as an XPath 3.1 boolean",
    )
    assert check("string(/root/empty)", PETS_XML, VERSIONS[3]) == CriterionOutcome(
        False,
        "'string(/root/empty)' on $response.body gave '', which is false as an XPath 1.0 boolean",
    )


def test_details_are_truncated_for_large_documents() -> None:
    body = "<r>" + "".join(f"<i>{'x' * 300}</i>" for _ in range(500)) + "</r>"
    outcome = check("/r/i", body)
    assert outcome == CriterionOutcome(True, "'/r/i' gave 500 items [<i>, <i>, <i>, ... 497 more]")
    failed = check("string(/r/i[1]) = 'y'", body)
    assert not failed.passed
    assert len(failed.detail) < 200


# --------------------------------------------------------------------------- versions


def test_default_version_is_xpath_31() -> None:
    assert compile_xpath("/a").version == "xpath-31"
    # XPath 3.1 map constructors are available by default...
    assert check("map{'a': 1}?a = 1", PETS_XML).passed
    # ...but not when the criterion asks for XPath 3.0.
    with pytest.raises(ExpressionError):
        compile_criterion("map{'a': 1}?a = 1", VERSIONS[1], "$response.body")


@pytest.mark.parametrize(
    ("condition", "rejected_by"),
    [
        ("let $n := 2 return $n = 2", ("xpath-20", "xpath-10")),
        ("for $p in /root/pets/pet return $p/name", ("xpath-10",)),
        ("/root/pets/pet ! name", ("xpath-20", "xpath-10")),
    ],
)
def test_version_specific_syntax(condition: str, rejected_by: tuple[str, ...]) -> None:
    for version in ("xpath-30", "xpath-20", "xpath-10"):
        type_ = {"type": "xpath", "version": version}
        if version in rejected_by:
            with pytest.raises(ExpressionError):
                compile_criterion(condition, type_, "$response.body")
        else:
            assert check(condition, PETS_XML, type_).passed


# --------------------------------------------------------------------------- compile time


@pytest.mark.parametrize("type_", VERSIONS, ids=VERSION_IDS)
def test_malformed_xpath_is_an_error_at_compile_time(type_: Any) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("/root/[", type_, "$response.body")
    assert "expression" in info.value.message
    assert info.value.text == "/root/["
    assert info.value.position == 6
    assert info.value.hint


def test_query_is_compiled_once_per_namespace_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from arazzo_runner.criteria import xpath

    compiled = compile_criterion("/root/pets", "xpath", "$response.body")
    calls: list[str] = []
    original = xpath._compile_xpath

    def counting(text: str, version: str, namespaces: dict[str, str]) -> Any:
        calls.append(text)
        return original(text, version, namespaces)

    monkeypatch.setattr(xpath, "_compile_xpath", counting)
    for _ in range(3):
        assert compiled.check(response(PETS_XML)).passed
    assert calls == ["/root/pets"]


def test_context_is_required() -> None:
    with pytest.raises(ExpressionError) as info:
        compile_criterion("/root", "xpath")
    assert info.value.field == "context"


# --------------------------------------------------------------------------- namespaces


@pytest.mark.parametrize("type_", VERSIONS, ids=VERSION_IDS)
def test_prefixes_declared_on_the_root(type_: Any) -> None:
    assert check("/env:Envelope/env:Body/p:pet/p:name = 'Rex'", NAMESPACED_XML, type_).passed
    assert not check("/env:Envelope/env:Body/p:pet/p:name = 'Tom'", NAMESPACED_XML, type_).passed


@pytest.mark.parametrize("type_", VERSIONS, ids=VERSION_IDS)
def test_undeclared_prefix_fails_the_check(type_: Any) -> None:
    outcome = check("/q:root", PETS_XML, type_)
    assert not outcome.passed
    assert outcome.detail.startswith("'/q:root' could not be evaluated: ")


def test_default_namespace_needs_local_name() -> None:
    body = '<root xmlns="urn:x"><pets/></root>'
    assert not check("/root/pets", body).passed
    assert check("/*[local-name() = 'root']/*[local-name() = 'pets']", body).passed


# --------------------------------------------------------------------------- the document


def test_bytes_and_declared_encodings() -> None:
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><r><n>caf\u00e9</n></r>'
    assert check("/r/n = 'caf\u00e9'", latin.encode("latin-1")).passed
    # Text is already decoded: its declaration no longer applies.
    assert check("/r/n = 'caf\u00e9'", latin).passed


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            "<root><a></root>",
            "$response.body is not well-formed XML (Opening and ending tag mismatch: "
            "a line 1 and root, line 1, column 17): '<root><a></root>'",
        ),
        (None, "$response.body is null, so there is no XML document to query"),
        (
            {"a": 1},
            """$response.body is {"a":1}, not XML text, so an XPath expression cannot run on it""",
        ),
    ],
)
def test_unusable_documents_fail_without_raising(body: Any, detail: str) -> None:
    assert check("/root", body) == CriterionOutcome(False, detail)


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r><v>&x;</v></r>'
    )
    for type_ in VERSIONS:
        assert not check("contains(string(/r/v), 'TOP-SECRET')", body, type_).passed


def test_entity_expansion_bomb_is_not_expanded() -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><r>&c;</r>'
    )
    assert not check("string-length(string(/r)) > 100", body).passed


def test_context_from_an_input() -> None:
    assert check("/r/v = 1", PETS_XML, context="$inputs.doc", doc="<r><v>1</v></r>").passed


# --------------------------------------------------------------------------- embedded expressions


def test_embedded_expression_is_substituted_per_check() -> None:
    # Arazzo 1.1.0's example: '/root/items[price > {$steps.getPricing.outputs.minPrice}]'.
    compiled = compile_criterion("/root/pets/pet[age > {$inputs.min}]", "xpath", "$response.body")
    assert compiled.check(response(PETS_XML, min=5)).passed
    assert not compiled.check(response(PETS_XML, min=10)).passed


def test_embedded_expression_skeleton_is_checked_at_compile_time() -> None:
    with pytest.raises(ExpressionError, match=r"replaced by 0"):
        compile_criterion("/root/pets/pet[age > {$inputs.min}", "xpath", "$response.body")
