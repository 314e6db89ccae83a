"""The on-disk cache of parsed YAML documents (arazzo_runner/document/parse_cache.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from arazzo_runner.document import parse_cache as doc_cache
from arazzo_runner.document.limits import DocumentLimits
from arazzo_runner.document.parse_cache import ParsedCache
from arazzo_runner.document.reading import LoadOptions, load_document
from arazzo_runner.errors import DocumentError

pytestmark = pytest.mark.slow  # most tests write and parse a YAML document of 6,000 entries


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(doc_cache.CACHE_ENV, raising=False)
    yield tmp_path / "cache" / "arazzo-runner" / "documents"


def large_yaml(path: Path, marker: str = "first") -> Path:
    """A YAML document just over the size from which documents are cached."""
    items = {f"key{n:05d}": {"value": f"{marker}-{n}", "list": [n, n + 1]} for n in range(6000)}
    path.write_text(yaml.safe_dump({"marker": marker, "items": items}), encoding="utf-8")
    assert path.stat().st_size > doc_cache.MIN_CACHED_CHARS
    return path


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.bin")) if directory.is_dir() else []


def test_a_large_yaml_document_is_cached_and_read_back(cache_home: Path, tmp_path: Path) -> None:
    path = large_yaml(tmp_path / "big.yaml")

    first = load_document(str(path))
    assert len(entries(cache_home)) == 1
    second = load_document(str(path))

    assert second.data == first.data
    assert second.is_json is False
    assert second.uri == first.uri


def test_the_cached_document_keeps_its_source_positions(cache_home: Path, tmp_path: Path) -> None:
    path = large_yaml(tmp_path / "big.yaml")
    uncached = load_document(str(path)).location("/items/key00003/value")

    cached = load_document(str(path)).location("/items/key00003/value")

    assert cached == uncached
    assert cached.line is not None


class _NoParsingAfterAHit(ParsedCache):
    """Refuses to store: after a hit, the document must not be parsed (and put) again."""

    def put(self, *args: object) -> None:
        raise AssertionError("the document was parsed again")


def test_a_cache_hit_does_not_parse(cache_home: Path, tmp_path: Path) -> None:
    path = large_yaml(tmp_path / "big.yaml")
    load_document(str(path))

    cache = _NoParsingAfterAHit(cache_home)
    document = load_document(str(path), options=LoadOptions(parse_cache=cache))
    assert document.data["marker"] == "first"


def test_a_hit_is_used_as_the_cache_gives_it(tmp_path: Path) -> None:
    path = large_yaml(tmp_path / "big.yaml")

    class Canned(_NoParsingAfterAHit):
        def get(self, uri: str, text: str, limits: DocumentLimits) -> tuple[object, bool]:
            return {"marker": "from the cache"}, False

    document = load_document(str(path), options=LoadOptions(parse_cache=Canned(tmp_path)))
    assert document.data == {"marker": "from the cache"}


def test_an_edited_file_is_parsed_again_and_replaces_its_entry(
    cache_home: Path, tmp_path: Path
) -> None:
    path = large_yaml(tmp_path / "big.yaml")
    load_document(str(path))
    stat = path.stat()

    large_yaml(path, marker="second")
    # Even with the old modification time, the text digest tells the edit apart.
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    assert load_document(str(path)).data["marker"] == "second"
    assert len(entries(cache_home)) == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not ours" + data[8:],  # someone else's header
        lambda data: data[:-10],  # cut short
        lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]),  # payload changed
    ],
)
def test_an_entry_that_is_not_exactly_ours_is_ignored(
    cache_home: Path, tmp_path: Path, damage: object
) -> None:
    path = large_yaml(tmp_path / "big.yaml")
    expected = load_document(str(path)).data
    [entry] = entries(cache_home)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]

    assert load_document(str(path)).data == expected
    # ... and rewritten from the fresh parse.
    assert load_document(str(path)).data == expected


def test_an_entry_made_under_other_limits_is_not_used(cache_home: Path, tmp_path: Path) -> None:
    path = large_yaml(tmp_path / "big.yaml")
    load_document(str(path))  # cached under the default limits

    # Tighter limits must still refuse the document: the entry does not apply to them.
    with pytest.raises(DocumentError, match="nested more than 2 levels deep"):
        load_document(str(path), options=LoadOptions(limits=DocumentLimits(max_depth=2)))


def test_the_cache_can_be_turned_off(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(doc_cache.CACHE_ENV, "off")
    load_document(str(large_yaml(tmp_path / "big.yaml")))
    assert entries(cache_home) == []
    assert ParsedCache.from_environment() is None


def test_the_cache_can_be_turned_off_without_the_environment(
    cache_home: Path, tmp_path: Path
) -> None:
    load_document(str(large_yaml(tmp_path / "big.yaml")), options=LoadOptions(parse_cache=None))
    assert entries(cache_home) == []


def test_small_and_json_documents_are_not_cached(cache_home: Path, tmp_path: Path) -> None:
    small = tmp_path / "small.yaml"
    small.write_text("a: 1\n", encoding="utf-8")
    big_json = tmp_path / "big.json"
    big_json.write_text('{"items": [' + ",".join(["1"] * 200_000) + "]}", encoding="utf-8")

    load_document(str(small))
    load_document(str(big_json))

    assert entries(cache_home) == []


def test_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(doc_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    cache = ParsedCache.from_environment()
    assert cache is not None and cache.directory.is_absolute()


def test_clear_removes_every_entry(cache_home: Path, tmp_path: Path) -> None:
    load_document(str(large_yaml(tmp_path / "big.yaml")))
    assert ParsedCache(cache_home).clear() == 1
    assert entries(cache_home) == []
