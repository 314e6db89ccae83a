"""Parameter serialization against OpenAPI 3.1's "Style Examples" table.

The table's values: ``color`` is the empty string, ``"blue"``, the array
``["blue", "black", "brown"]`` or the object ``{"R": 100, "G": 200, "B": 150}``.
The table shows query strings before percent-encoding; the query strings here
are RFC 3986 encoded, so ``|`` is ``%7C`` and ``[``/``]`` are ``%5B``/``%5D``.
"""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.openapi.serialization import (
    ParameterStyle,
    default_style,
    escape_cookie,
    query_escape,
    serialize_cookie,
    serialize_form_query,
    serialize_header,
    serialize_path,
    serialize_path_value,
    serialize_query,
    serialize_querystring,
    to_text,
)

EMPTY = ""
STRING = "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}
VALUES = {"empty": EMPTY, "string": STRING, "array": ARRAY, "object": OBJECT}

# (style, explode, kind) -> expected, straight from the Style Examples table.
PATH_TABLE: dict[tuple[str, bool, str], str] = {
    ("matrix", False, "empty"): ";color",
    ("matrix", False, "string"): ";color=blue",
    ("matrix", False, "array"): ";color=blue,black,brown",
    ("matrix", False, "object"): ";color=R,100,G,200,B,150",
    ("matrix", True, "empty"): ";color",
    ("matrix", True, "string"): ";color=blue",
    ("matrix", True, "array"): ";color=blue;color=black;color=brown",
    ("matrix", True, "object"): ";R=100;G=200;B=150",
    ("label", False, "empty"): ".",
    ("label", False, "string"): ".blue",
    ("label", False, "array"): ".blue.black.brown",
    ("label", False, "object"): ".R.100.G.200.B.150",
    ("label", True, "empty"): ".",
    ("label", True, "string"): ".blue",
    ("label", True, "array"): ".blue.black.brown",
    ("label", True, "object"): ".R=100.G=200.B=150",
    ("simple", False, "string"): "blue",
    ("simple", False, "array"): "blue,black,brown",
    ("simple", False, "object"): "R,100,G,200,B,150",
    ("simple", True, "string"): "blue",
    ("simple", True, "array"): "blue,black,brown",
    ("simple", True, "object"): "R=100,G=200,B=150",
}

QUERY_TABLE: dict[tuple[str, bool, str], str] = {
    ("form", False, "empty"): "color=",
    ("form", False, "string"): "color=blue",
    ("form", False, "array"): "color=blue,black,brown",
    ("form", False, "object"): "color=R,100,G,200,B,150",
    ("form", True, "empty"): "color=",
    ("form", True, "string"): "color=blue",
    ("form", True, "array"): "color=blue&color=black&color=brown",
    ("form", True, "object"): "R=100&G=200&B=150",
    ("spaceDelimited", False, "array"): "color=blue%20black%20brown",
    ("spaceDelimited", False, "object"): "color=R%20100%20G%20200%20B%20150",
    ("pipeDelimited", False, "array"): "color=blue%7Cblack%7Cbrown",
    ("pipeDelimited", False, "object"): "color=R%7C100%7CG%7C200%7CB%7C150",
    ("deepObject", True, "object"): "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150",
}


@pytest.mark.parametrize(("case", "expected"), list(PATH_TABLE.items()), ids=str)
def test_path_styles_match_the_style_examples_table(
    case: tuple[str, bool, str], expected: str
) -> None:
    style, explode, kind = case
    assert serialize_path("color", VALUES[kind], style, explode) == expected


@pytest.mark.parametrize(("case", "expected"), list(QUERY_TABLE.items()), ids=str)
def test_query_styles_match_the_style_examples_table(
    case: tuple[str, bool, str], expected: str
) -> None:
    style, explode, kind = case
    assert "&".join(serialize_query("color", VALUES[kind], style, explode)) == expected


@pytest.mark.parametrize(
    ("explode", "kind", "expected"),
    [
        (False, "string", "blue"),
        (False, "array", "blue,black,brown"),
        (False, "object", "R,100,G,200,B,150"),
        (True, "array", "blue,black,brown"),
        (True, "object", "R=100,G=200,B=150"),
    ],
)
def test_header_simple_style(explode: bool, kind: str, expected: str) -> None:
    assert serialize_header(VALUES[kind], ParameterStyle("simple", explode)) == expected


@pytest.mark.parametrize(
    ("explode", "kind", "expected"),
    [
        (True, "empty", ["color="]),
        (True, "string", ["color=blue"]),
        (True, "array", ["color=blue", "color=black", "color=brown"]),
        (True, "object", ["R=100", "G=200", "B=150"]),
        (False, "string", ["color=blue"]),
        (False, "array", ["color=blue,black,brown"]),
        (False, "object", ["color=R,100,G,200,B,150"]),
    ],
)
def test_cookie_form_style_gives_one_pair_per_cookie(
    explode: bool, kind: str, expected: list[str]
) -> None:
    assert serialize_cookie("color", VALUES[kind], ParameterStyle("form", explode)) == expected


def test_cookie_values_encode_what_a_cookie_cannot_hold() -> None:
    assert escape_cookie('a b;c,d"e\\f%é') == "a%20b%3Bc%2Cd%22e%5Cf%25%C3%A9"
    # Commas inside items are encoded; the delimiters between items are not.
    assert serialize_cookie("c", ["x,y", "z"], ParameterStyle("form", False)) == ["c=x%2Cy,z"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "true"), (False, "false"), (None, ""), (3, "3"), (2.5, "2.5"), ("x", "x")],
)
def test_scalars_as_text(value: Any, expected: str) -> None:
    assert to_text(value) == expected


def test_nested_values_are_json_text() -> None:
    value = {"a": [1, 2], "b": {"c": None}}
    assert serialize_path("p", value, "simple", True) == ("a=%5B1%2C2%5D,b=%7B%22c%22%3Anull%7D")


# --------------------------------------------------------------------------- encoding


def test_path_values_cannot_add_segments_or_queries() -> None:
    assert serialize_path("id", "a/b?c#d;e=f,g", "simple", False) == "a%2Fb%3Fc%23d%3Be%3Df%2Cg"
    # A value's own delimiter characters are encoded; the style's are not.
    assert serialize_path("id", ["a,b", "c"], "simple", False) == "a%2Cb,c"
    assert serialize_path("id", ["a.b", "c/d"], "label", False) == ".a.b.c%2Fd"
    assert serialize_path("id", {"k;": "v="}, "matrix", True) == ";k%3B=v%3D"


def test_query_values_are_rfc3986_encoded() -> None:
    pieces = serialize_query("q", "a b+c&d=e/é", "form", True)
    assert pieces == ["q=a%20b%2Bc%26d%3De%2F%C3%A9"]
    assert serialize_query("q", ["a,b", "c"], "form", False) == ["q=a%2Cb,c"]
    assert serialize_query("q w", "x", "form", True) == ["q%20w=x"]


def test_allow_reserved_keeps_reserved_characters_but_never_a_fragment() -> None:
    escape = query_escape(allow_reserved=True)
    pieces = serialize_query("u", "https://x.test/a?b=c&d#e %41 %zz", "form", True, escape)
    assert pieces == ["u=https://x.test/a?b=c&d%23e%20%41%20%25zz"]


def test_empty_arrays_and_objects_are_not_sent_in_the_query() -> None:
    assert serialize_query("q", [], "form", True) == []
    assert serialize_query("q", {}, "deepObject", True) == []
    assert serialize_cookie("c", [], ParameterStyle("form", True)) == []


def test_delimited_styles_exploded_behave_like_form() -> None:
    for style in ("spaceDelimited", "pipeDelimited"):
        assert serialize_query("c", ARRAY, style, True) == [
            "c=blue",
            "c=black",
            "c=brown",
        ]


def test_deep_object_nests_objects_and_repeats_arrays() -> None:
    value = {"a": {"b": 1}, "t": ["x", "y"]}
    escape = query_escape(allow_reserved=True)  # keeps the brackets readable
    assert serialize_query("f", value, "deepObject", True, escape) == [
        "f[a][b]=1",
        "f[t]=x",
        "f[t]=y",
    ]


def test_content_parameters_are_json_text() -> None:
    style = ParameterStyle("form", True, content_type="application/json")
    value = {"lat": 1.5, "tags": ["a"]}
    assert serialize_form_query("filter", value, style, query_escape()) == [
        "filter=%7B%22lat%22%3A1.5%2C%22tags%22%3A%5B%22a%22%5D%7D"
    ]
    header = ParameterStyle("simple", False, content_type="application/json")
    assert serialize_header(value, header) == '{"lat":1.5,"tags":["a"]}'
    assert serialize_header("x", header) == '"x"'
    path = ParameterStyle("simple", False, content_type="application/json")
    assert serialize_path_value("p", {"a": "/"}, path) == "%7B%22a%22%3A%22%2F%22%7D"
    text = ParameterStyle("simple", False, content_type="text/plain")
    assert serialize_header("as is", text) == "as is"


@pytest.mark.parametrize(
    ("location", "style", "explode"),
    [("path", "simple", False), ("query", "form", True), ("header", "simple", False),
     ("cookie", "form", True)],
)  # fmt: skip
def test_defaults_for_undeclared_parameters(location: str, style: str, explode: bool) -> None:
    assert default_style(location) == ParameterStyle(style, explode)


# --------------------------------------------------------------------------- querystring


@pytest.mark.parametrize(
    ("value", "content_type", "expected"),
    [
        # The spec's Parameter Object examples.
        ("filter=active&sort=desc&limit=50", "application/x-www-form-urlencoded",
         "filter=active&sort=desc&limit=50"),
        ('{"filter":"active","sort":"desc","limit":50}', "application/json",
         "%7B%22filter%22%3A%22active%22%2C%22sort%22%3A%22desc%22%2C%22limit%22%3A50%7D"),
        # Form text keeps its delimiters and escapes; what a query cannot hold is encoded.
        ("q=a b&x=%2F&y=1+2&z=#", None, "q=a%20b&x=%2F&y=1+2&z=%23"),
        ("caf\u00e9=1", None, "caf%C3%A9=1"),
        # An object is form fields; arrays repeat the name; null is left out.
        ({"a": "x y", "b": [1, True], "c": None}, "application/x-www-form-urlencoded",
         "a=x+y&b=1&b=true"),
        ({"filter": "active", "limit": 50}, "application/json; charset=utf-8",
         "%7B%22filter%22%3A%22active%22%2C%22limit%22%3A50%7D"),
        ("plain text", "text/plain", "plain%20text"),
    ],
)  # fmt: skip
def test_querystring_is_the_whole_query_in_its_media_type(
    value: Any, content_type: str | None, expected: str
) -> None:
    assert serialize_querystring(value, content_type) == expected
