"""The shortcuts that make large descriptions load fast give the answers of the long way."""

from __future__ import annotations

import gc
import json
import random
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from arazzo_runner.api import load
from arazzo_runner.document.limits import DocumentLimits
from arazzo_runner.document.parsing import parse_document
from arazzo_runner.document.yaml12 import Yaml12Loader
from arazzo_runner.document.yaml_guards import check_node_graph, check_node_tree, may_have_aliases
from arazzo_runner.errors import DocumentError
from arazzo_runner.openapi import refs as openapi_refs
from arazzo_runner.openapi.description import DocumentCache, OpenAPIDescription
from tests._support.paths import WORKFLOW

# --------------------------------------------------------------------------- JSON depth


def _random_json(rng: random.Random, depth: int, root: bool = False) -> Any:
    if not root and (depth == 0 or rng.random() < 0.3):
        return rng.choice(['a"[{\\', "x", 1, None, "}]", "]]", "[["])
    if rng.random() < 0.5:
        return [_random_json(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {f"k{i}[": _random_json(rng, depth - 1) for i in range(rng.randint(0, 3))}


def _depth(data: Any) -> int:
    if isinstance(data, dict):
        data = list(data.values())
    if not isinstance(data, list):
        return 0
    return 1 + max((_depth(child) for child in data), default=0)


def test_json_is_read_as_json_exactly_when_it_is_within_the_depth_limit() -> None:
    # Deeper JSON goes to the YAML reader, which says where the limit is crossed.
    rng = random.Random(7)
    for _ in range(300):
        data = _random_json(rng, rng.randint(1, 8), root=True)
        text = json.dumps(data)
        for limit in range(9):
            try:
                document = parse_document(
                    text,
                    uri="x.json",
                    display_name="x.json",
                    limits=DocumentLimits(max_depth=limit),
                )
            except DocumentError:
                assert _depth(data) > limit, (text, limit)
                continue
            assert document.is_json is (_depth(data) <= limit), (text, limit)


def test_a_repeated_key_that_drops_a_deep_value_is_judged_on_the_data() -> None:
    # The text nests five deep, the data (the last "a" wins) only one.
    text = '{"a": [[[[1]]]], "a": 1}'
    document = parse_document(
        text, uri="x.json", display_name="x.json", limits=DocumentLimits(max_depth=2)
    )
    assert document.is_json and document.data == {"a": 1}


def test_json_nested_too_deep_is_still_refused_with_a_position() -> None:
    text = "[" * 6 + "]" * 6
    with pytest.raises(DocumentError) as info:
        parse_document(
            text, uri="x.json", display_name="x.json", limits=DocumentLimits(max_depth=5)
        )
    assert "nested more than 5 levels" in info.value.message
    assert info.value.location is not None and info.value.location.column == 6


# --------------------------------------------------------------------------- YAML graph check


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: *b", True),
        ("*a : 1", True),
        ("[a,*b]", True),
        ("{a: 1,b:*c}", True),
        ('"x"*a', True),
        ("a: '*/*'", False),
        ('a: "*/*"', False),
        ("a: foo*bar", False),
        ("a: 2*3", False),
        ("a: &anchor 1", False),
        ("a: '**bold**'", False),
    ],
)
def test_alias_candidates(text: str, expected: bool) -> None:
    assert may_have_aliases(text) is expected


def _error_of(check: Any) -> tuple[str, int, int] | None:
    try:
        check()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return (str(exc.problem), mark.line, mark.column)
    return None


def _deep_yaml(rng: random.Random, depth: int, indent: str = "") -> str:
    lines = []
    for index in range(rng.randint(1, 3)):
        if depth > 0 and rng.random() < 0.6:
            lines.append(f"{indent}k{index}:")
            lines.append(_deep_yaml(rng, depth - 1, indent + "  "))
        elif depth > 0 and rng.random() < 0.5:
            lines.append(f"{indent}l{index}:")
            lines.append(f"{indent}- [1, [2, [3]]]")
        elif rng.random() < 0.3:
            lines.append(f"{indent}e{index}: {rng.choice(['[]', '{}', '[[]]', '[{}]'])}")
        else:
            lines.append(f"{indent}s{index}: v")
    return "\n".join(lines)


def test_the_tree_depth_check_refuses_what_the_graph_check_refuses_at_the_same_place() -> None:
    rng = random.Random(3)
    for number in range(400):
        text = _deep_yaml(rng, rng.randint(1, 8)) if number else "just a scalar"
        assert not may_have_aliases(text)
        node = yaml.compose(text, Loader=Yaml12Loader)
        for max_depth in range(10):
            limits = DocumentLimits(max_depth=max_depth)
            full = _error_of(lambda n=node, lim=limits: check_node_graph(n, lim))
            fast = _error_of(lambda n=node, lim=limits: check_node_tree(n, lim))
            assert fast == full, (text, max_depth)


def test_a_document_with_aliases_still_gets_the_full_check() -> None:
    text = "a: &x [1, 2]\nb: [*x, *x, *x]\n"
    limits = DocumentLimits(max_alias_nodes=5)
    with pytest.raises(DocumentError, match="alias bomb"):
        parse_document(text, uri="x.yaml", display_name="x.yaml", limits=limits)


@pytest.mark.parametrize("enabled", [True, False])
def test_parsing_leaves_the_garbage_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        parse_document("a: [1, 2]\n", uri="x.yaml", display_name="x.yaml")
        parse_document('{"a": [1]}', uri="x.json", display_name="x.json")
        with pytest.raises(DocumentError):
            parse_document("a: [1\n", uri="x.yaml", display_name="x.yaml")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


# --------------------------------------------------------------------------- operations


def _description(tmp_path: Path, paths: str) -> OpenAPIDescription:
    text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n" + textwrap.indent(
        textwrap.dedent(paths), "  "
    )
    (tmp_path / "api.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "other.yaml").write_text(
        "items:\n  shared:\n    get: {operationId: fromRef, responses: {}}\n", encoding="utf-8"
    )
    document = parse_document(text, uri=str(tmp_path / "api.yaml"), display_name="api.yaml")
    return OpenAPIDescription("api", document, DocumentCache())


def test_operation_ids_are_found_as_a_scan_of_every_operation_finds_them(tmp_path: Path) -> None:
    description = _description(
        tmp_path,
        """
        /a:
          get: {operationId: first, responses: {}}
          post: {operationId: dup, responses: {}}
        /b:
          put: {operationId: dup, responses: {}}
          summary: not an operation
        /c: {$ref: 'other.yaml#/items/shared'}
        /d: {$ref: 'missing.yaml#/x'}
        /e: not a path item
        """,
    )
    scanned: dict[str, Any] = {}
    for operation in description.operations():
        if operation.operation_id is not None:
            scanned.setdefault(operation.operation_id, operation)
    for operation_id, expected in scanned.items():
        found = description.by_operation_id(operation_id)
        assert found is not None
        assert (found.path, found.method, found.pointer, found.item) == (
            expected.path,
            expected.method,
            expected.pointer,
            expected.item,
        )
        assert found is description.by_operation_id(operation_id)  # built once
    assert description.by_operation_id("dup").path == "/a"  # the first one wins
    assert description.by_operation_id("fromRef").document.uri.endswith("other.yaml")
    assert description.by_operation_id("nope") is None


# --------------------------------------------------------------------------- reading once


def test_a_run_reuses_the_descriptions_validation_read(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    original = openapi_refs.load_document

    def counting(uri: str, **kwargs: Any) -> Any:
        read.append(uri)
        return original(uri, **kwargs)

    monkeypatch.setattr(openapi_refs, "load_document", counting)
    loaded = load(str(WORKFLOW))
    for step in loaded.workflows[0].steps:
        loaded.sources.resolve(step)
    assert len(read) == len(set(read)) == 1, read
