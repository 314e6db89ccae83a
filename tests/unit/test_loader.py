"""Loading YAML and JSON documents: scalars, syntax errors, encodings, positions, references."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from arazzo_runner.document.limits import DocumentLimits
from arazzo_runner.document.parsing import LoadedDocument, parse_document
from arazzo_runner.document.pointer import join_pointer
from arazzo_runner.document.reading import LoadOptions, load_document
from arazzo_runner.document.source_map import SourceMap
from arazzo_runner.document.uris import display_path, is_url, resolve_reference
from arazzo_runner.errors import DocumentError, SourceLocation
from arazzo_runner.pointers import escape_pointer_token


def parse(text: str, name: str = "doc.yaml") -> LoadedDocument:
    return parse_document(text, uri=f"/specs/{name}", display_name=name)


def parse_error(text: str, name: str = "doc.yaml") -> DocumentError:
    with pytest.raises(DocumentError) as info:
        parse(text, name)
    return info.value


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- YAML 1.2 scalars


def test_dates_stay_strings() -> None:
    data = parse("apiVersion: 2026-03-15\nwhen: 2026-03-15T10:00:00Z\n").data
    assert data == {"apiVersion": "2026-03-15", "when": "2026-03-15T10:00:00Z"}


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n"])
def test_yaml_1_1_booleans_are_strings(word: str) -> None:
    assert parse(f"value: {word}\n").data == {"value": word}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("false", False), ("True", True), ("FALSE", False)],
)
def test_true_and_false_are_booleans(text: str, expected: bool) -> None:
    value = parse(f"value: {text}\n").data["value"]
    assert value is expected


def test_quoted_true_is_a_string() -> None:
    assert parse("value: 'true'\n").data == {"value": "true"}


def test_numbers_and_null_keep_their_json_types() -> None:
    data = parse("i: 3\nf: 2.5\nneg: -7\nz: null\ntilde: ~\nempty:\n").data
    assert data == {"i": 3, "f": 2.5, "neg": -7, "z": None, "tilde": None, "empty": None}
    assert type(data["i"]) is int
    assert type(data["f"]) is float


def test_sexagesimal_looking_values_stay_strings() -> None:
    assert parse("time: 1:20\n").data == {"time": "1:20"}


def test_leading_zero_integers_are_decimal() -> None:
    assert parse("code: 017\n").data == {"code": 17}


def test_underscored_digits_stay_strings() -> None:
    assert parse("n: 1_000\n").data == {"n": "1_000"}


def test_exponent_without_dot_is_a_number() -> None:
    assert parse("n: 1e3\n").data == {"n": 1000.0}


# --------------------------------------------------------------------------- JSON


def test_json_text_is_detected_and_parsed_as_json() -> None:
    document = parse('{"arazzo": "1.0.1", "n": 1}', "doc.json")
    assert document.is_json is True
    assert document.data == {"arazzo": "1.0.1", "n": 1}


def test_json_array_with_leading_whitespace_is_json() -> None:
    document = parse("\n   [1, 2]", "doc.json")
    assert document.is_json is True
    assert document.data == [1, 2]


def test_yaml_text_is_not_json() -> None:
    assert parse("a: 1\n").is_json is False


def test_json_syntax_error_in_a_json_file_has_line_and_column() -> None:
    error = parse_error('{\n  "a": 1,\n  "b": ,\n}', "doc.json")
    assert error.message == "invalid JSON: Expecting value"
    assert error.location == SourceLocation("doc.json", 3, 8)
    assert error.render().startswith("doc.json:3:8: invalid JSON: Expecting value")


def test_json_trailing_comma_in_a_json_file_is_an_error() -> None:
    error = parse_error('{"a": 1,}', "doc.json")
    assert error.message == "invalid JSON: Expecting property name enclosed in double quotes"
    assert error.location == SourceLocation("doc.json", 1, 9)


def test_brace_text_that_is_not_json_is_read_as_flow_yaml() -> None:
    document = parse("{a: 1, b: [x, y]}", "doc.yaml")
    assert document.is_json is False
    assert document.data == {"a": 1, "b": ["x", "y"]}


# --------------------------------------------------------------------------- YAML syntax errors


def test_yaml_syntax_error_has_file_line_column_and_hint() -> None:
    error = parse_error("a: 1\nb: c: d\n")
    assert error.message == "invalid YAML: mapping values are not allowed in this context"
    assert error.location == SourceLocation("doc.yaml", 2, 5)
    assert error.hint == "check the indentation and quoting around this line"
    assert error.render() == (
        "doc.yaml:2:5: invalid YAML: mapping values are not allowed in this context\n"
        "  hint: check the indentation and quoting around this line"
    )


def test_yaml_error_includes_the_parser_context() -> None:
    error = parse_error("a:\n  - 1\n - 2\n")
    assert error.message == (
        "invalid YAML: did not find expected key (while parsing a block mapping)"
    )
    assert error.location == SourceLocation("doc.yaml", 3, 2)


def test_unterminated_quote_is_a_yaml_error() -> None:
    error = parse_error("a: 'open\n")
    assert error.message == (
        "invalid YAML: found unexpected end of stream (while scanning a quoted scalar)"
    )
    assert error.location == SourceLocation("doc.yaml", 2, 1)


def test_undefined_alias_is_a_yaml_error() -> None:
    error = parse_error("a: &x 1\nb: *y\n")
    assert error.message == "invalid YAML: found undefined alias"
    assert error.location == SourceLocation("doc.yaml", 2, 4)


def test_broken_json_looking_text_in_a_yaml_file_gets_the_yaml_error() -> None:
    error = parse_error('{"a": [1, 2}', "doc.yaml")
    assert error.message.startswith("invalid YAML: ")
    assert error.location is not None
    assert error.location.line == 1


# --------------------------------------------------------------------------- reading files


def test_load_document_records_uri_and_display_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "doc.yaml", "a: 1\n")
    document = load_document("doc.yaml")
    assert document.uri == str(tmp_path / "doc.yaml")
    assert document.display_name == "doc.yaml"
    assert document.data == {"a": 1}


def test_absolute_path_is_displayed_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "doc.yaml", "a: 1\n")
    monkeypatch.chdir(tmp_path)
    document = load_document(str(tmp_path / "sub" / "doc.yaml"))
    assert document.display_name == os.path.join("sub", "doc.yaml")
    assert display_path("relative/x.yaml") == "relative/x.yaml"
    assert display_path("https://h.test/x.yaml") == "https://h.test/x.yaml"


def test_explicit_display_name_is_used_in_locations(tmp_path: Path) -> None:
    write(tmp_path / "doc.yaml", "a: 1\n")
    document = load_document(str(tmp_path / "doc.yaml"), display_name="shown.yaml")
    assert str(document.location("/a")) == "shown.yaml:1:4"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    write(tmp_path / "doc.yaml", b"\xef\xbb\xbfa: 1\n")
    document = load_document(str(tmp_path / "doc.yaml"))
    assert document.data == {"a": 1}
    assert document.source_map.locate("/a") == (1, 4)


def test_non_utf8_file_names_the_byte_offset_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "latin1.yaml", b"a: 1\nb: caf\xe9\n")
    with pytest.raises(DocumentError) as info:
        load_document("latin1.yaml")
    assert info.value.message == "not valid UTF-8 (byte 0xe9 at offset 11)"
    assert info.value.location == SourceLocation("latin1.yaml", 2, 7)
    assert str(info.value) == (
        "latin1.yaml:2:7: not valid UTF-8 (byte 0xe9 at offset 11)\n"
        "  hint: save the file as UTF-8 (it may be in Latin-1 or Windows-1252)"
    )


def test_invalid_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    write(tmp_path / "doc.yaml", "a: 1\nb: \u00e9\u00e9".encode() + b"\xff\n")
    with pytest.raises(DocumentError) as info:
        load_document(str(tmp_path / "doc.yaml"), display_name="doc.yaml")
    assert info.value.location == SourceLocation("doc.yaml", 2, 6)
    assert "offset 12" in info.value.message  # bytes, while the column counts characters


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
                                   "utf-32-be", "utf-8-sig"])  # fmt: skip
def test_utf16_and_utf32_are_read_with_or_without_a_bom(tmp_path: Path, codec: str) -> None:
    # YAML 1.2 (5.2): a byte order mark, or the zero bytes around the first
    # character, name the encoding.
    write(tmp_path / "wide.yaml", "a: caf\u00e9\nb: [1, 2]\n".encode(codec))
    document = load_document(str(tmp_path / "wide.yaml"))
    assert document.data == {"a": "caf\u00e9", "b": [1, 2]}
    assert document.source_map.locate("/b/1") == (2, 8)


def test_truncated_utf16_is_a_located_error(tmp_path: Path) -> None:
    write(tmp_path / "wide.yaml", "a: 1\nb: 2\n".encode("utf-16-le") + b"x")
    with pytest.raises(DocumentError) as info:
        load_document(str(tmp_path / "wide.yaml"), display_name="wide.yaml")
    assert info.value.message == "not valid UTF-16-LE (byte 0x78 at offset 20)"
    assert info.value.location == SourceLocation("wide.yaml", 3, 1)


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DocumentError) as info:
        load_document("nope.yaml")
    assert info.value.message == "file not found"
    assert info.value.location == SourceLocation("nope.yaml")
    assert info.value.hint == "check the path"


def test_directory_is_not_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(DocumentError) as info:
        load_document("folder.yaml")
    assert info.value.message == "is a directory, not a file"
    assert info.value.location == SourceLocation("folder.yaml")


def test_json_file_error_is_located_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "doc.json", '{"a": tru}')
    with pytest.raises(DocumentError) as info:
        load_document("doc.json")
    assert info.value.message == "invalid JSON: Expecting value"
    assert info.value.location == SourceLocation("doc.json", 1, 7)


def test_url_is_loaded_with_the_given_fetch_function() -> None:
    fetched: list[str] = []

    def fetch(url: str, limits: DocumentLimits) -> bytes:
        fetched.append(url)
        return b"a: 1\n"

    document = load_document("https://h.test/specs/doc.yaml", options=LoadOptions(fetch=fetch))
    assert fetched == ["https://h.test/specs/doc.yaml"]
    assert document.uri == "https://h.test/specs/doc.yaml"
    assert document.display_name == "https://h.test/specs/doc.yaml"
    assert document.resolve_uri("api.yaml") == "https://h.test/specs/api.yaml"


# --------------------------------------------------------------------------- source map

NESTED = """\
a:
  b/c:
    d~e: 1
  list:
    - x
    - {y: 2}
"""


@pytest.mark.parametrize(
    ("pointer", "value_position", "key_position"),
    [
        ("/a", (2, 3), (1, 1)),
        ("/a/b~1c", (3, 5), (2, 3)),
        ("/a/b~1c/d~0e", (3, 10), (3, 5)),
        ("/a/list/0", (5, 7), (5, 7)),
        ("/a/list/1/y", (6, 11), (6, 8)),
    ],
)
def test_locate_values_and_keys(
    pointer: str, value_position: tuple[int, int], key_position: tuple[int, int]
) -> None:
    source_map = parse(NESTED).source_map
    assert source_map.locate(pointer) == value_position
    assert source_map.locate(pointer, key=True) == key_position


def test_locate_the_root() -> None:
    assert parse(NESTED).source_map.locate("") == (1, 1)


def test_locate_missing_array_index_falls_back_to_the_array() -> None:
    source_map = parse(NESTED).source_map
    # The block sequence under 'list' starts at its first '-'.
    assert source_map.locate("/a/list/5") == (5, 5)
    # As a key, the nearest existing parent is the 'list' key.
    assert source_map.locate("/a/list/5", key=True) == (4, 3)


def test_locate_missing_member_falls_back_to_the_nearest_existing_parent() -> None:
    source_map = parse(NESTED).source_map
    assert source_map.locate("/a/nope/deeper") == (2, 3)
    assert source_map.locate("/a/b~1c/missing") == (3, 5)
    assert source_map.locate("/nothing") == (1, 1)


def test_location_of_a_missing_pointer_keeps_the_pointer() -> None:
    location = parse(NESTED).location("/a/nope")
    assert location == SourceLocation("doc.yaml", 2, 3, "/a/nope")


def test_locate_in_json_text() -> None:
    text = '{\n  "info": {\n    "title": "T"\n  }\n}'
    source_map = parse(text, "doc.json").source_map
    assert source_map.locate("/info/title") == (3, 14)
    assert source_map.locate("/info/title", key=True) == (3, 5)


def test_locate_in_tab_indented_json() -> None:
    text = '{\n\t"a": {\n\t\t"b": [1, "x"]\n\t}\n}'
    source_map = parse(text, "doc.json").source_map
    assert source_map.locate("/a/b/1") == (3, 12)
    assert source_map.locate("/a", key=True) == (2, 2)


def test_locate_in_json_with_an_escaped_surrogate_pair() -> None:
    text = '{"a": "\\ud83d\\ude00", "b": {"c": 1}}'
    document = parse(text, "doc.json")
    assert document.data["a"] == "\U0001f600"
    assert document.source_map.locate("/b/c") == (1, 34)


def test_line_text() -> None:
    source_map = parse(NESTED).source_map
    assert source_map.line_text(2) == "  b/c:"
    assert source_map.line_text(0) == ""
    assert source_map.line_text(99) == ""


def test_unparseable_text_has_no_positions() -> None:
    assert SourceMap("a: [").locate("/a") is None


# --------------------------------------------------------------------------- pointers


def test_join_pointer_escapes_tilde_and_slash() -> None:
    assert join_pointer("/paths", "/pets/{id}", "get") == "/paths/~1pets~1{id}/get"
    assert join_pointer("", "a~b/c", 0) == "/a~0b~1c/0"
    assert join_pointer("/x") == "/x"


def test_tilde_is_escaped_before_slash() -> None:
    # "~/" must become "~0~1"; escaping "/" first would give "~01".
    assert escape_pointer_token("~/") == "~0~1"
    assert escape_pointer_token("~1") == "~01"


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("api.yaml", "/specs/arazzo/api.yaml"),
        ("./sub/api.yaml", "/specs/arazzo/sub/api.yaml"),
        ("../openapi/api.yaml", "/specs/openapi/api.yaml"),
    ],
)
def test_relative_file_references_resolve_against_the_document_directory(
    reference: str, expected: str
) -> None:
    assert resolve_reference("/specs/arazzo/doc.yaml", reference) == os.path.normpath(expected)


def test_percent_encoded_relative_file_path_is_decoded() -> None:
    base = "/specs/doc.yaml"
    assert resolve_reference(base, "my%20api.yaml") == "/specs/my api.yaml"
    # Decoded exactly once.
    assert resolve_reference(base, "my%2520api.yaml") == "/specs/my%20api.yaml"


def test_absolute_path_reference() -> None:
    assert resolve_reference("/specs/doc.yaml", "/other/api.yaml") == "/other/api.yaml"
    assert resolve_reference("/specs/doc.yaml", "/other/../api.yaml") == "/api.yaml"


def test_http_reference_is_kept_as_it_is() -> None:
    url = "https://h.test/api.yaml"
    assert resolve_reference("/specs/doc.yaml", url) == url
    assert resolve_reference("https://other.test/doc.yaml", url) == url


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("api.yaml", "https://h.test/specs/api.yaml"),
        ("../api.yaml", "https://h.test/api.yaml"),
        ("/root.yaml", "https://h.test/root.yaml"),
        ("my%20api.yaml", "https://h.test/specs/my%20api.yaml"),
        ("//cdn.test/api.yaml", "https://cdn.test/api.yaml"),
    ],
)
def test_references_resolve_against_an_http_base(reference: str, expected: str) -> None:
    assert resolve_reference("https://h.test/specs/arazzo.yaml", reference) == expected


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("file:///srv/api.yaml", "/srv/api.yaml"),
        ("file:///srv/my%20api.yaml", "/srv/my api.yaml"),
        ("file:/srv/api.yaml", "/srv/api.yaml"),
    ],
)
def test_file_urls_become_paths(reference: str, expected: str) -> None:
    assert resolve_reference("/specs/doc.yaml", reference) == expected


def test_is_url_only_for_http_and_https() -> None:
    assert is_url("https://h.test/x")
    assert is_url("http://h.test/x")
    assert not is_url("file:///x")
    assert not is_url("ftp://h.test/x")
    assert not is_url("relative/x.yaml")


def test_a_remote_document_cannot_refer_to_local_files() -> None:
    with pytest.raises(DocumentError) as info:
        resolve_reference("https://example.test/arazzo.yaml", "file:///etc/passwd")
    assert info.value.message == (
        "'file:///etc/passwd' is a local file, and a remote document "
        "(https://example.test/arazzo.yaml) cannot refer to local files"
    )


# --------------------------------------------------------------------------- limits

from arazzo_runner.document.reading import FetchRefused  # noqa: E402 - grouped with the tests that use them
from arazzo_runner.document.schema_cycles import find_schema_cycle  # noqa: E402


def limited(text: str, **limits: int) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        parse_document(text, uri="/specs/doc.yaml", display_name="doc.yaml",
                       limits=DocumentLimits(**limits))  # fmt: skip
    return info.value


def test_aliases_within_the_budget_load_and_share_values() -> None:
    data = parse("a: &x [1, 2]\nb: *x\nc: *x\n").data
    assert data == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}


def test_aliases_over_the_node_budget_are_refused_where_they_blow_up() -> None:
    text = "a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    error = limited(text, max_alias_nodes=20)
    assert "aliases expand this document by more than 20 nodes" in error.message
    assert error.location == SourceLocation("doc.yaml", 3, 4)
    assert error.hint is not None and "$ref" in error.hint


def test_aliases_over_the_character_budget_are_refused() -> None:
    text = "a: &a '" + "x" * 100 + "'\nb: [*a, *a, *a, *a]\n"
    error = limited(text, max_alias_chars=250)
    assert "more than 250 characters" in error.message
    assert error.location == SourceLocation("doc.yaml", 2, 4)


def test_a_document_without_aliases_is_never_an_alias_bomb() -> None:
    text = "".join(f"k{i}: [1, 2, 3]\n" for i in range(50))
    parse_document(text, uri="/d.yaml", display_name="d.yaml",
                   limits=DocumentLimits(max_alias_nodes=0, max_alias_chars=0))  # fmt: skip


def test_recursive_alias_is_refused_at_its_anchor() -> None:
    error = limited("a: &x\n  b: *x\n")
    assert "refers to a node that contains it" in error.message
    assert error.location == SourceLocation("doc.yaml", 1, 4)


@pytest.mark.parametrize(
    "text", ["[[[[1]]]]", '{"a": {"b": {"c": {"d": 1}}}}', "a:\n b:\n  c:\n   d: [1]\n"]
)
def test_nesting_deeper_than_the_limit_is_refused(text: str) -> None:
    error = limited(text, max_depth=3)
    assert error.message == "the document is nested more than 3 levels deep"
    assert error.location is not None and error.location.line is not None


def test_nesting_at_the_limit_is_accepted() -> None:
    document = parse_document("[[[1]]]", uri="/d.json", display_name="d.json",
                              limits=DocumentLimits(max_depth=3))  # fmt: skip
    assert document.data == [[[1]]]


def test_nesting_made_deep_by_aliases_is_refused() -> None:
    error = limited("a: &a [[1]]\nb: [[*a]]\n", max_depth=3)
    assert "nested more than 3 levels deep" in error.message


def test_deep_json_in_a_json_file_is_located() -> None:
    error = parse_error("[" * 5000 + "]" * 5000, "doc.json")
    assert error.message == "the document is nested more than 100 levels deep"
    assert error.location == SourceLocation("doc.json", 1, 101)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("a: !!int abc\n", 1, 4), ("a: !!bool maybe\n", 1, 4), ("a:\n  - !!float ''\n", 2, 5),
     ("n: " + "1" * 5000 + "\n", 1, 4)],
)  # fmt: skip
def test_values_the_constructors_reject_are_located_errors(
    text: str, line: int, column: int
) -> None:
    error = parse_error(text)
    assert error.message.startswith("invalid YAML: cannot read this value as ")
    assert error.location == SourceLocation("doc.yaml", line, column)


def test_long_integer_in_json_is_located_by_the_yaml_reader() -> None:
    error = parse_error('{"n": ' + "1" * 5000 + "}", "doc.json")
    assert error.location == SourceLocation("doc.json", 1, 7)


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    write(tmp_path / "doc.yaml", "a: 1\n" * 10)
    with pytest.raises(DocumentError) as info:
        load_document(str(tmp_path / "doc.yaml"), display_name="doc.yaml",
                      options=LoadOptions(limits=DocumentLimits(max_bytes=20)))  # fmt: skip
    assert info.value.message == "document is too large (50 bytes; the limit is 20 bytes)"


def test_fetched_body_over_the_size_limit() -> None:
    with pytest.raises(DocumentError) as info:
        load_document("https://h.test/doc.yaml",
                      options=LoadOptions(limits=DocumentLimits(max_bytes=20),
                                          fetch=lambda url, limits: b"a: 1\n" * 10))  # fmt: skip
    assert "document is too large" in info.value.message


def test_offline_refuses_before_fetching() -> None:
    fetched: list[str] = []

    def fetch(url: str, limits: DocumentLimits) -> bytes:
        fetched.append(url)
        return b""

    with pytest.raises(FetchRefused) as info:
        load_document("https://h.test/doc.yaml", options=LoadOptions(offline=True, fetch=fetch))
    assert fetched == []
    assert info.value.message == (
        "not fetching https://h.test/doc.yaml: remote documents are not fetched with --offline"
    )
    assert info.value.hint is not None and "--offline" in info.value.hint


def test_offline_still_reads_local_files(tmp_path: Path) -> None:
    write(tmp_path / "doc.yaml", "a: 1\n")
    document = load_document(str(tmp_path / "doc.yaml"), options=LoadOptions(offline=True))
    assert document.data == {"a": 1}


@pytest.mark.parametrize("reference", ["ftp://h.test/api.yaml", "data:text/plain,a", "gopher://x"])
def test_unsupported_schemes_are_refused(reference: str) -> None:
    with pytest.raises(DocumentError) as info:
        resolve_reference("/specs/doc.yaml", reference)
    assert "which is not supported" in info.value.message


def test_remote_absolute_path_stays_on_the_remote_server() -> None:
    assert resolve_reference("https://h.test/a/doc.yaml", "/etc/passwd") == (
        "https://h.test/etc/passwd"
    )


# --------------------------------------------------------------------------- schema cycles

SCHEMAS = {
    "components": {
        "inputs": {
            "a": {"$ref": "#/components/inputs/b"},
            "b": {"anyOf": [{"type": "null"}, {"$ref": "#/components/inputs/a"}]},
            "self": {"$ref": "#/components/inputs/self"},
            "tree": {"properties": {"kids": {"items": {"$ref": "#/components/inputs/tree"}}}},
            "negated": {"not": {"$ref": "#/components/inputs/negated"}},
            "fine": {"$ref": "#/components/inputs/tree"},
            "broken": {"$ref": "#/components/inputs/nowhere"},
            "default": {"default": {"$ref": "#/components/inputs/default"}},
        }
    }
}


@pytest.mark.parametrize(
    ("name", "cycle"),
    [
        ("a", ["/components/inputs/a", "/components/inputs/b", "/components/inputs/b/anyOf/1",
               "/components/inputs/a"]),
        ("self", ["/components/inputs/self", "/components/inputs/self"]),
        ("negated", ["/components/inputs/negated", "/components/inputs/negated/not",
                     "/components/inputs/negated"]),
    ],
)  # fmt: skip
def test_in_place_reference_cycles_are_found(name: str, cycle: list[str]) -> None:
    assert find_schema_cycle(SCHEMAS, f"/components/inputs/{name}") == cycle


@pytest.mark.parametrize("name", ["tree", "fine", "broken", "default"])
def test_recursion_through_properties_and_data_is_not_a_cycle(name: str) -> None:
    assert find_schema_cycle(SCHEMAS, f"/components/inputs/{name}") is None


def test_a_cycle_below_properties_is_still_found() -> None:
    document = {"s": {"properties": {"x": {"$ref": "#/components/inputs/self"}}}, **SCHEMAS}
    assert find_schema_cycle(document, "/s") == [
        "/components/inputs/self",
        "/components/inputs/self",
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bad.json", b'{"a": }'),
        ("bad.yaml", b"a: [1\nb: 2\n"),
        ("latin.yaml", b"a: caf\xe9\n"),
    ],
)
def test_unreadable_text_is_a_syntax_error(tmp_path: Path, name: str, content: bytes) -> None:
    """Validation tells a file to fix from a file it could not get by this class alone."""
    from arazzo_runner.errors import DocumentSyntaxError

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentSyntaxError):
        load_document(str(path))


def test_a_missing_file_is_not_a_syntax_error(tmp_path: Path) -> None:
    from arazzo_runner.errors import DocumentSyntaxError

    with pytest.raises(DocumentError) as info:
        load_document(str(tmp_path / "missing.yaml"))
    assert not isinstance(info.value, DocumentSyntaxError)


@pytest.mark.parametrize("token", ["a/b", "~", "~1", "a~/b", "", "/~0", "plain"])
def test_pointer_tokens_escape_as_the_jsonpointer_library_does(token: str) -> None:
    import jsonpointer

    from arazzo_runner.pointers import unescape_pointer_token

    assert escape_pointer_token(token) == jsonpointer.escape(token)
    assert unescape_pointer_token(escape_pointer_token(token)) == token
    assert unescape_pointer_token(token) == jsonpointer.unescape(token)
