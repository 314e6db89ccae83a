"""Loading YAML and JSON documents: scalars, syntax errors, encodings, positions, references."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from arazzo_runner.errors import DocumentError, SourceLocation
from arazzo_runner.loader import (
    LoadedDocument,
    SourceMap,
    display_path,
    escape_pointer_token,
    is_url,
    join_pointer,
    load_document,
    parse_document,
    resolve_reference,
)


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


def test_non_utf8_file_names_the_byte_offset_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "latin1.yaml", b"a: 1\nb: caf\xe9\n")
    with pytest.raises(DocumentError) as info:
        load_document("latin1.yaml")
    assert info.value.message == "not valid UTF-8 (byte 0xe9 at offset 11)"
    assert info.value.location == SourceLocation("latin1.yaml", 2)
    assert info.value.hint == "save the file as UTF-8"
    assert str(info.value) == (
        "latin1.yaml:2: not valid UTF-8 (byte 0xe9 at offset 11)\n  hint: save the file as UTF-8"
    )


def test_utf16_file_is_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "wide.yaml", "a: 1\n".encode("utf-16"))
    with pytest.raises(DocumentError) as info:
        load_document("wide.yaml")
    assert info.value.message == "not valid UTF-8 (byte 0xff at offset 0)"
    assert info.value.location == SourceLocation("wide.yaml", 1)


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

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return b"a: 1\n"

    document = load_document("https://h.test/specs/doc.yaml", fetch=fetch)
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
