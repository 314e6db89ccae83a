"""Fuzzing the document loader: any bytes give a document or a DocumentError, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from arazzo_runner.document.limits import DocumentLimits
from arazzo_runner.document.parsing import parse_document
from arazzo_runner.document.reading import decode_document
from arazzo_runner.errors import ArazzoError
from tests._support.strategies import FUZZ

# Each property runs FUZZ_EXAMPLES (300) generated cases: seconds per test.
pytestmark = pytest.mark.slow

SMALL = DocumentLimits(max_depth=8, max_alias_nodes=50, max_alias_chars=200)

YAML_PIECES = (
    "a", ": ", "- ", "\n", "  ", "{", "}", "[", "]", ",", "&x ", "*x", "&y ", "*y", "<<: ",
    "!!int ", "!!float ", "!!bool ", "!!binary ", "!!timestamp ", "!!set ", "!!omap ",
    "!!python/object ", "? ", "'", '"', "#", "---\n", "...\n", "%YAML 1.2\n", "0x", "0o",
    "1" * 5000, "1e999", ".inf", "\t", "\\u00e9", "\\ud83d", "\x00", "\ufeff", "|", ">",
)  # fmt: skip

yaml_like = st.lists(st.sampled_from(YAML_PIECES), max_size=20).map("".join)


def parses_cleanly(text: str, name: str) -> None:
    try:
        document = parse_document(text, uri=f"/specs/{name}", display_name=name, limits=SMALL)
    except ArazzoError:
        return
    document.source_map.locate("/a/0")  # positions never fail either


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(["doc.yaml", "doc.json"]))
@example(b"\xff\xfea\x00:\x00 \x00", "doc.yaml")
@example(b"a: caf\xe9", "doc.yaml")
@example(b"\x00\x00\x00", "doc.json")
def test_arbitrary_bytes_load_or_fail_cleanly(raw: bytes, name: str) -> None:
    try:
        text = decode_document(raw, name)
    except ArazzoError:
        return
    parses_cleanly(text, name)


@FUZZ
@given(yaml_like, st.sampled_from(["doc.yaml", "doc.json"]))
@example("a: &x [*x]", "doc.yaml")
@example("a: !!int abc", "doc.yaml")
@example("a: " + "1" * 5000, "doc.yaml")
@example("[" * 50 + "]" * 50, "doc.json")
@example("? [a]\n: 1", "doc.yaml")
def test_yaml_like_text_loads_or_fails_cleanly(text: str, name: str) -> None:
    parses_cleanly(text, name)
