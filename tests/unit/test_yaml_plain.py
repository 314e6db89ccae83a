"""The plain-document constructor builds exactly what PyYAML's constructor builds.

``document/yaml12.construct_document`` builds plain YAML (scalar keys, standard
tags, nothing shared) in one loop and hands everything else to the loader's own
constructor. Every text below is built both ways and compared, values, types
and key order; a text with an error fails the same way.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from arazzo_runner.document import yaml12
from arazzo_runner.document.yaml12 import Yaml12Loader, construct_document

PLAIN = [
    "a: 1\nb: two\nc: [1, 2.5, true, null, '3']\n",
    "openapi: 3.0.3\npaths:\n  /x:\n    get:\n      operationId: x\n"
    "      responses: {'200': {description: ok}}\n",
    "- 1\n- - nested\n  - {k: v}\n- 0x1f\n- 0o17\n- 017\n- 1e3\n- -.5\n",
    "date: 2026-03-15\nyes: no\non: off\ntime: 1:20\n",
    "1: int key\n2.5: float key\ntrue: bool key\nnull: null key\n~: tilde\n",
    "dup: 1\ndup: 2\n",
    "inf: .inf\nninf: -.INF\nnan: .NaN\n",
    "'quoted': \"string\\twith escape\"\nblock: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "just a scalar\n",
    "42\n",
    "[]\n",
    "{}\n",
    "empty:\nlist: []\nmap: {}\n",
    "!!str 12: !!int '7'\nfloat: !!float 3\n",
]

NOT_PLAIN = [
    "base: &b {x: 1}\nother: *b\n",
    "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",
    "=: value key\n",
    "binary: !!binary aGVsbG8=\n",
    "set: !!set {a, b}\n",
    "omap: !!omap [{a: 1}, {b: 2}]\n",
    "recursive: &r [*r]\n",
]

REFUSED = [
    "bad: !!int abc\n",
    "bad: !!bool maybe\n",
    "bad: !!float ''\n",
    "? [a, b]\n: a sequence as a key\n",
    "custom: !thing 1\n",
]


def standard(text: str) -> Any:
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def plain(text: str) -> Any:
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else construct_document(loader, node)
    finally:
        loader.dispose()


def shape(value: Any) -> Any:
    """Values with their types and key order, NaN comparable."""
    if isinstance(value, dict):
        return ("dict", [(shape(k), shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [shape(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, repr(value))


@pytest.mark.parametrize("text", PLAIN + NOT_PLAIN)
def test_both_constructors_build_the_same(text: str) -> None:
    if "recursive" in text:
        built = plain(text)["recursive"]
        assert built[0] is built  # the full constructor kept the cycle
        return
    assert shape(plain(text)) == shape(standard(text))


@pytest.mark.parametrize("text", PLAIN)
def test_plain_documents_take_the_loop(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> Any:
        raise AssertionError("the full constructor was used")

    monkeypatch.setattr(Yaml12Loader, "construct_document", refuse)
    plain(text)


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_other_documents_go_to_the_full_constructor(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    used = []
    real = Yaml12Loader.construct_document

    def counting(loader: Any, node: Any) -> Any:
        used.append(node)
        return real(loader, node)

    monkeypatch.setattr(Yaml12Loader, "construct_document", counting)
    plain(text)
    assert used


@pytest.mark.parametrize("text", REFUSED)
def test_a_refused_value_fails_as_before(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        standard(text)
    with pytest.raises(yaml.YAMLError) as got:
        plain(text)
    assert str(got.value) == str(expected.value)


def test_a_generated_description_is_built_the_same(tmp_path: Path) -> None:
    from benchmarks.big_description import write_documents

    write_documents(tmp_path, 200 * 1024)
    texts = [p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.yaml"))]
    assert len(texts) == 3  # the description and the two Arazzo documents
    for text in texts:
        assert shape(plain(text)) == shape(standard(text))
        assert json.dumps(plain(text), sort_keys=False) == json.dumps(standard(text))


def test_the_module_names_the_tags_it_builds_itself() -> None:
    assert "tag:yaml.org,2002:timestamp" not in yaml12._OTHER_SCALARS


def test_the_same_text_plain_and_quoted_keeps_its_meaning() -> None:
    """Plain scalars' tags are remembered by text; quoted ones are strings regardless."""
    text = "a: true\nb: 'true'\nc: true\nd: '1'\ne: 1\nf: \"1\"\ng: 1\n"
    assert plain(text) == {"a": True, "b": "true", "c": True, "d": "1", "e": 1, "f": "1", "g": 1}
    assert shape(plain(text)) == shape(standard(text))
