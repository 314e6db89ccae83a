"""Runtime expressions: parsing, scanning, evaluation and compiled values."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.errors import ExpressionError
from arazzo_runner.expressions import (
    ExpressionContext,
    HttpMessage,
    JsonPointer,
    RuntimeExpression,
    UnresolvedReference,
    compile_template,
    compile_value,
    parse_expression,
    scan_expression,
    value_to_text,
)


@pytest.fixture
def ctx() -> ExpressionContext:
    return ExpressionContext(
        inputs={
            "accessToken": "tok",
            "n": 5,
            "ratio": 1.5,
            "flag": True,
            "off": False,
            "nothing": None,
            "obj": {"a": 1, "b": [1, 2]},
            "list": [{"id": 7}, {"id": 8}],
            "user": {"name": "Ada", "tags": ["x", "y"]},
            "x-store-id": "store-1",
        },
        outputs={"bar": {"name": "out"}},
        steps={
            "someStepId": {"outputs": {"pets": [{"id": 1}, {"id": 2}], "count": 2}},
            "empty": {},
        },
        workflows={
            "foo": {"inputs": {"username": "ada"}, "outputs": {"mappedResponse": {"name": "m"}}}
        },
        source_descriptions={
            "petstore": {"name": "petstore", "url": "https://x/petstore.yaml", "type": "openapi"}
        },
        components={
            "parameters": {"storeId": {"name": "storeId", "in": "header"}, "my.org.P": {"v": 1}},
            "successActions": {"notify": {"name": "notify", "type": "end"}},
        },
        url="https://api.example.com/pets?limit=1",
        method="GET",
        status_code=200,
        request=HttpMessage(
            headers={"Accept": "application/json"},
            body={"user": {"uuid": "u-1"}},
            query={"limit": "1", "a b": "spaced"},
            path={"id": "42"},
        ),
        response=HttpMessage(
            headers={"Content-Type": "application/json", "X-Rate": "10"},
            body={
                "state": "open",
                "count": 3,
                "items": [{"id": 1}, {"id": 2}],
                "a/b": "slash",
                "m~n": "tilde",
                "": "empty key",
                "nested": {"deep": {"value": True}},
            },
        ),
    )


def evaluate(text: str, ctx: ExpressionContext) -> Any:
    return parse_expression(text).evaluate(ctx)


def unresolved(text: str, ctx: ExpressionContext) -> UnresolvedReference:
    with pytest.raises(UnresolvedReference) as info:
        parse_expression(text).evaluate(ctx)
    return info.value


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "root", "names", "properties", "pointer"),
    [
        ("$url", "url", (), (), None),
        ("$method", "method", (), (), None),
        ("$statusCode", "statusCode", (), (), None),
        ("$request.header.accept", "request", ("header", "accept"), (), None),
        ("$request.query.limit", "request", ("query", "limit"), (), None),
        ("$request.path.id", "request", ("path", "id"), (), None),
        ("$request.body", "request", ("body",), (), None),
        ("$request.body#/user/uuid", "request", ("body",), (), ("user", "uuid")),
        ("$response.body#", "response", ("body",), (), ()),
        ("$response.body.count", "response", ("body",), ("count",), None),
        ("$response.body.items.0.id", "response", ("body",), ("items", "0", "id"), None),
        ("$response.body.a#/b", "response", ("body",), ("a",), ("b",)),
        ("$response.header.Server", "response", ("header", "Server"), (), None),
        ("$inputs.username", "inputs", ("username",), (), None),
        ("$inputs.x-store-id", "inputs", ("x-store-id",), (), None),
        ("$inputs.a.b", "inputs", ("a.b",), (), None),
        ("$inputs.pets#/0/id", "inputs", ("pets",), (), ("0", "id")),
        ("$outputs.bar", "outputs", ("bar",), (), None),
        ("$steps.someStepId.outputs.pets", "steps", ("someStepId", "outputs", "pets"), (), None),
        (
            "$steps.someStepId.outputs.pets#/0/id",
            "steps",
            ("someStepId", "outputs", "pets"),
            (),
            ("0", "id"),
        ),
        ("$workflows.foo.inputs.username", "workflows", ("foo", "inputs", "username"), (), None),
        (
            "$workflows.foo.outputs.mappedResponse#/name",
            "workflows",
            ("foo", "outputs", "mappedResponse"),
            (),
            ("name",),
        ),
        ("$sourceDescriptions.petstore.url", "sourceDescriptions", ("petstore", "url"), (), None),
        ("$components.parameters.foo", "components", ("parameters", "foo"), (), None),
        ("$components.successActions.a.b", "components", ("successActions", "a.b"), (), None),
        ("$components.failureActions.x", "components", ("failureActions", "x"), (), None),
        ("$components.inputs.pagination", "components", ("inputs", "pagination"), (), None),
    ],
)
def test_parse_structure(
    text: str,
    root: str,
    names: tuple[str, ...],
    properties: tuple[str, ...],
    pointer: tuple[str, ...] | None,
) -> None:
    expr = parse_expression(text)
    assert expr.text == text
    assert str(expr) == text
    assert expr.root == root
    assert expr.names == names
    assert expr.properties == properties
    assert (expr.pointer.tokens if expr.pointer else None) == pointer


def test_pointer_escapes_are_decoded() -> None:
    expr = parse_expression("$response.body#/a~1b/m~0n/~01")
    assert expr.pointer == JsonPointer("/a~1b/m~0n/~01", ("a/b", "m~n", "~1"))


def test_pointer_to_the_empty_key() -> None:
    assert parse_expression("$response.body#/").pointer == JsonPointer("/", ("",))


def test_whole_string_header_accepts_every_tchar() -> None:
    expr = parse_expression("$response.header.X!#$%&'*+-.^_`|~9")
    assert expr.names == ("header", "X!#$%&'*+-.^_`|~9")


def test_whole_string_query_and_path_names_run_to_the_end() -> None:
    assert parse_expression("$request.query.a b").names == ("query", "a b")
    assert parse_expression("$request.path.{weird}").names == ("path", "{weird}")


def test_whole_string_pointer_runs_to_the_end() -> None:
    assert parse_expression("$response.body#/a b").pointer == JsonPointer("/a b", ("a b",))


def test_expressions_are_immutable_and_hashable() -> None:
    first, second = parse_expression("$inputs.a"), parse_expression("$inputs.a")
    assert first == second
    assert hash(first) == hash(second)
    with pytest.raises(AttributeError):
        first.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("$steps.", "expected a step id after '$steps.'", 7),
        ("$steps.s", "expected '.outputs.' after '$steps.s'", 8),
        ("$steps.s.outputs.", "expected an output name after '$steps.s.outputs.'", 17),
        ("$inputs.a b", "unexpected ' ' after '$inputs.a'", 9),
        ("$response.body#/a~2", "invalid escape '~2' in JSON pointer", 17),
        ("$response.body#/a~", "invalid escape '~' in JSON pointer", 17),
        ("$foo", "unknown runtime expression '$foo'", 0),
        ("$Inputs.x", "unknown runtime expression '$Inputs'", 0),
        ("$inputs", "expected '.' after '$inputs'", 7),
        ("$", "expected an expression name after '$'", 0),
        (
            "$response.bodyx",
            "expected 'header.', 'query.', 'path.' or 'body' after '$response.'",
            10,
        ),
        ("$response.", "expected 'header.', 'query.', 'path.' or 'body' after '$response.'", 10),
        (
            "$components.things.x",
            "expected one of 'parameters', 'successActions', 'failureActions', 'inputs' "
            "after '$components.'",
            12,
        ),
        ("$workflows.w.foo.x", "expected one of 'inputs', 'outputs' after '$workflows.w.'", 13),
        ("$workflows.w", "expected '.' after '$workflows.w'", 12),
        ("$response.body#x", "a JSON pointer must be empty or start with '/'", 15),
        ("$inputs..a", "name '.a' starts with '.'", 8),
        ("$inputs.a.", "name 'a.' ends with '.'", 9),
        ("$inputs.a..b", "name 'a..b' has two dots in a row", 10),
        ("$url.x", "unexpected '.' after '$url'", 4),
        ("$statusCode200", "unexpected '2' after '$statusCode'", 11),
        ("inputs.x", "a runtime expression must start with '$'", 0),
        ("$request.query.", "expected a query parameter name after '$request.query.'", 15),
        ("$request.path.", "expected a path parameter name after '$request.path.'", 14),
        ("$response.header.", "expected a header name after '$response.header.'", 17),
        ("$response.header.a b", "unexpected ' ' after '$response.header.a'", 18),
        ("$sourceDescriptions.x", "expected '.' after '$sourceDescriptions.x'", 21),
        ("$sourceDescriptions..url", "expected a source description name after", 20),
        ("$steps.a b.outputs.x", "expected '.outputs.' after '$steps.a'", 8),
        ("$inputs.a#/b~", "invalid escape '~' in JSON pointer", 12),
    ],
)
def test_malformed_expressions(text: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert info.value.message.startswith(message)
    assert info.value.position == position
    assert info.value.text == text


def test_error_renders_a_caret_under_the_problem() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression("$response.body#/a~2")
    rendered = info.value.render()
    assert "invalid escape '~2' in JSON pointer" in rendered
    assert "hint: write ~0 for '~' and ~1 for '/'" in rendered
    assert rendered.endswith("    $response.body#/a~2\n                     ^")


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("$response.headers.Location", "did you mean 'header'?"),
        ("$components.parameter.x", "did you mean 'parameters'?"),
        ("$workflows.w.input.x", "did you mean 'inputs'?"),
        ("$response.body#id", "write #/id"),
        ("$steps.s.x", "write $steps.<stepId>.outputs.<name>"),
        ("$nope", "a runtime expression starts with $url"),
    ],
)
def test_errors_carry_hints(text: str, hint: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert info.value.hint is not None
    assert hint in info.value.hint


# --------------------------------------------------------------------------- scanning


@pytest.mark.parametrize(
    ("text", "start", "expected", "end"),
    [
        ("Token is $inputs.x.", 9, "$inputs.x", 18),
        ("x $inputs.a.b. y", 2, "$inputs.a.b", 13),
        ("$statusCode==200", 0, "$statusCode", 11),
        ("$url.", 0, "$url", 4),
        ("$method)", 0, "$method", 7),
        ("$response.body#/a/b==1", 0, "$response.body#/a/b", 19),
        ("$response.body#/a/b.", 0, "$response.body#/a/b", 19),
        ("$response.body#/items[0]", 0, "$response.body#/items", 21),
        ("'$response.body#/a'", 1, "$response.body#/a", 18),
        ('"$inputs.x"', 1, "$inputs.x", 10),
        ("$response.body#/a b", 0, "$response.body#/a", 17),
        ("$response.body#/a,b", 0, "$response.body#/a", 17),
        ("$response.body#/a&&b", 0, "$response.body#/a", 17),
        ("$response.body#/a}", 0, "$response.body#/a", 17),
        ("$response.body.count > 0", 0, "$response.body.count", 20),
        ("$response.body. and", 0, "$response.body", 14),
        ("$response.body.a.0[1]", 0, "$response.body.a.0", 18),
        ("$response.header.X-Rate: 5", 0, "$response.header.X-Rate", 23),
        ("$request.query.limit=5", 0, "$request.query.limit", 20),
        ("$steps.s.outputs.pets#/0/id)", 0, "$steps.s.outputs.pets#/0/id", 27),
        ("$workflows.w.outputs.x/", 0, "$workflows.w.outputs.x", 22),
        ("$sourceDescriptions.p.url,", 0, "$sourceDescriptions.p.url", 25),
        ("$components.parameters.a.b!", 0, "$components.parameters.a.b", 26),
        ("$inputs.x-store-id\n", 0, "$inputs.x-store-id", 18),
    ],
)
def test_scan_reads_the_longest_expression(text: str, start: int, expected: str, end: int) -> None:
    found = scan_expression(text, start)
    assert found is not None
    expr, stop = found
    assert (expr.text, stop) == (expected, end)
    assert expr == parse_expression(expected)


@pytest.mark.parametrize(
    "text", ["$5", "$foo", "$urls", "$statusCodes", "$inputs", "$input.x", "x", "$", "$Steps.a"]
)
def test_scan_ignores_text_that_is_not_an_expression(text: str) -> None:
    assert scan_expression(text, 0) is None


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("see $steps. now", "expected a step id after '$steps.'", 11),
        ("$inputs. ", "expected an input name after '$inputs.'", 8),
        ("$response.body#/a~x", "invalid escape '~x' in JSON pointer", 17),
        ("$response.nope", "expected 'header.', 'query.', 'path.' or 'body'", 10),
    ],
)
def test_scan_rejects_malformed_expressions_after_a_known_root(
    text: str, message: str, position: int
) -> None:
    with pytest.raises(ExpressionError) as info:
        scan_expression(text, text.index("$"))
    assert info.value.message.startswith(message)
    assert info.value.position == position
    assert info.value.text == text


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("x == $foo", "unknown runtime expression '$foo'", 5),
        ("x == $inputs", "expected '.' after '$inputs'", 12),
        ("x == $", "expected an expression name after '$'", 5),
        ("x == $url_", "unexpected '_' after '$url'", 9),
    ],
)
def test_strict_scan_rejects_unknown_roots(text: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionError) as info:
        scan_expression(text, 5, strict=True)
    assert info.value.message == message
    assert info.value.position == position


# --------------------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$url", "https://api.example.com/pets?limit=1"),
        ("$method", "GET"),
        ("$statusCode", 200),
        ("$request.header.accept", "application/json"),
        ("$request.query.limit", "1"),
        ("$request.query.a b", "spaced"),
        ("$request.path.id", "42"),
        ("$request.body#/user/uuid", "u-1"),
        ("$response.body#/state", "open"),
        ("$response.body.state", "open"),
        ("$response.body#/items/1/id", 2),
        ("$response.body.items.1.id", 2),
        ("$response.body.nested#/deep/value", True),
        ("$response.body#/a~1b", "slash"),
        ("$response.body#/m~0n", "tilde"),
        ("$response.body#/", "empty key"),
        ("$inputs.accessToken", "tok"),
        ("$inputs.x-store-id", "store-1"),
        ("$inputs.user#/tags/1", "y"),
        ("$outputs.bar#/name", "out"),
        ("$steps.someStepId.outputs.pets#/0/id", 1),
        ("$steps.someStepId.outputs.count", 2),
        ("$workflows.foo.inputs.username", "ada"),
        ("$workflows.foo.outputs.mappedResponse#/name", "m"),
        ("$sourceDescriptions.petstore.url", "https://x/petstore.yaml"),
        ("$sourceDescriptions.petstore.type", "openapi"),
        ("$components.parameters.storeId", {"name": "storeId", "in": "header"}),
        ("$components.parameters.my.org.P", {"v": 1}),
        ("$components.successActions.notify", {"name": "notify", "type": "end"}),
    ],
)
def test_evaluate(text: str, expected: Any, ctx: ExpressionContext) -> None:
    assert evaluate(text, ctx) == expected


def test_evaluation_preserves_types(ctx: ExpressionContext) -> None:
    assert evaluate("$inputs.flag", ctx) is True
    assert evaluate("$inputs.off", ctx) is False
    assert evaluate("$inputs.nothing", ctx) is None
    assert evaluate("$inputs.ratio", ctx) == 1.5
    assert evaluate("$statusCode", ctx) == 200
    assert isinstance(evaluate("$statusCode", ctx), int)
    assert evaluate("$inputs.obj", ctx) is ctx.inputs["obj"]


def test_whole_body_and_empty_pointer_return_the_body(ctx: ExpressionContext) -> None:
    assert ctx.response is not None
    assert evaluate("$response.body", ctx) is ctx.response.body
    assert evaluate("$response.body#", ctx) is ctx.response.body


@pytest.mark.parametrize("name", ["content-type", "CONTENT-TYPE", "Content-Type", "cOnTeNt-TyPe"])
def test_header_lookup_is_case_insensitive(name: str, ctx: ExpressionContext) -> None:
    assert evaluate(f"$response.header.{name}", ctx) == "application/json"


def test_text_body_that_is_json_is_parsed_for_pointers_and_properties() -> None:
    ctx = ExpressionContext(response=HttpMessage(headers={}, body='{"a": {"b": [10, 20]}}'))
    assert evaluate("$response.body#/a/b/1", ctx) == 20
    assert evaluate("$response.body.a.b.0", ctx) == 10
    assert evaluate("$response.body", ctx) == '{"a": {"b": [10, 20]}}'


def test_text_body_that_is_not_json_cannot_be_indexed() -> None:
    ctx = ExpressionContext(response=HttpMessage(headers={}, body="plain text"))
    error = unresolved("$response.body#/a", ctx)
    assert str(error) == "$response.body#/a: the response body is text, not JSON"


def test_absent_body() -> None:
    ctx = ExpressionContext(response=HttpMessage(headers={}))
    assert evaluate("$response.body", ctx) is None
    assert str(unresolved("$response.body#/a", ctx)) == (
        "$response.body#/a: the response has no body"
    )


# -- dotted names


def test_dotted_name_prefers_longest_existing_key() -> None:
    ctx = ExpressionContext(inputs={"a.b": "literal", "a": {"b": "nested"}})
    assert evaluate("$inputs.a.b", ctx) == "literal"


def test_dotted_name_falls_back_to_property_access() -> None:
    ctx = ExpressionContext(inputs={"a": {"b": {"c": [5, 6]}}})
    assert evaluate("$inputs.a.b", ctx) == {"c": [5, 6]}
    assert evaluate("$inputs.a.b.c.1", ctx) == 6
    assert evaluate("$inputs.a.b.c#/0", ctx) == 5


def test_dotted_name_does_not_backtrack() -> None:
    # "a.b" exists and wins, so ".c" is looked up in its value even though a.b.c exists
    # via input "a" -- the rule is "longest existing key", not "first path that works".
    ctx = ExpressionContext(inputs={"a.b": "text", "a": {"b": {"c": 1}}})
    error = unresolved("$inputs.a.b.c", ctx)
    assert error.reason == "cannot index into a string (looking up 'c' in input 'a.b')"


def test_dotted_names_for_every_root_that_has_them(ctx: ExpressionContext) -> None:
    assert evaluate("$inputs.user.name", ctx) == "Ada"
    assert evaluate("$inputs.list.1.id", ctx) == 8
    assert evaluate("$outputs.bar.name", ctx) == "out"
    assert evaluate("$steps.someStepId.outputs.pets.1.id", ctx) == 2
    assert evaluate("$workflows.foo.outputs.mappedResponse.name", ctx) == "m"


def test_digit_segment_is_a_member_name_on_objects() -> None:
    ctx = ExpressionContext(inputs={"codes": {"200": "ok"}})
    assert evaluate("$inputs.codes.200", ctx) == "ok"
    assert evaluate("$inputs.codes#/200", ctx) == "ok"


# -- unresolved references


@pytest.mark.parametrize(
    ("text", "message", "source_missing"),
    [
        ("$inputs.sessionId", "$inputs.sessionId: no input named 'sessionId' was given", False),
        (
            "$inputs.a.b.c",
            "$inputs.a.b.c: no input named 'a.b.c' (nor 'a.b', 'a') was given",
            False,
        ),
        ("$inputs.user.age", "$inputs.user.age: no member 'age' in input 'user'", False),
        (
            "$inputs.user.tags.5",
            "$inputs.user.tags.5: index 5 out of range (length 2) in 'tags' of input 'user'",
            False,
        ),
        ("$outputs.nope", "$outputs.nope: no workflow output named 'nope' has been set", False),
        (
            "$response.body#/nope",
            "$response.body#/nope: no member 'nope' in the response body",
            False,
        ),
        (
            "$response.body#/items/3",
            "$response.body#/items/3: index 3 out of range (length 2) in '/items' of the "
            "response body",
            False,
        ),
        (
            "$response.body#/items/-",
            "$response.body#/items/-: '-' (past the last element) never resolves, in '/items' "
            "of the response body",
            False,
        ),
        (
            "$response.body#/items/01",
            "$response.body#/items/01: '01' is not an array index, in '/items' of the response "
            "body",
            False,
        ),
        (
            "$response.body#/items/x",
            "$response.body#/items/x: 'x' is not an array index, in '/items' of the response body",
            False,
        ),
        (
            "$response.body#/state/x",
            "$response.body#/state/x: cannot index into a string (looking up 'x' in '/state' of "
            "the response body)",
            False,
        ),
        (
            "$response.body#/count/x",
            "$response.body#/count/x: cannot index into a number (looking up 'x' in '/count' of "
            "the response body)",
            False,
        ),
        (
            "$response.body.nested.deep.value.x",
            "$response.body.nested.deep.value.x: cannot index into a boolean (looking up 'x' in "
            "'nested.deep.value' of the response body)",
            False,
        ),
        (
            "$inputs.nothing.x",
            "$inputs.nothing.x: cannot index into null (looking up 'x' in input 'nothing')",
            False,
        ),
        (
            "$response.header.X-Nope",
            "$response.header.X-Nope: the response has no header 'X-Nope'",
            False,
        ),
        (
            "$request.query.nope",
            "$request.query.nope: the request has no query parameter 'nope'",
            False,
        ),
        (
            "$request.path.nope",
            "$request.path.nope: the request has no path parameter 'nope'",
            False,
        ),
        ("$response.query.x", "$response.query.x: the response has no query parameter 'x'", False),
        (
            "$steps.getSession.outputs.x",
            "$steps.getSession.outputs.x: step 'getSession' has not run",
            True,
        ),
        (
            "$steps.someStepId.outputs.nope",
            "$steps.someStepId.outputs.nope: step 'someStepId' has no output named 'nope'",
            False,
        ),
        (
            "$steps.empty.outputs.x",
            "$steps.empty.outputs.x: step 'empty' has no output named 'x'",
            False,
        ),
        (
            "$steps.someStepId.outputs.pets#/9",
            "$steps.someStepId.outputs.pets#/9: index 9 out of range (length 2) in output 'pets' "
            "of step 'someStepId'",
            False,
        ),
        ("$workflows.bar.inputs.x", "$workflows.bar.inputs.x: workflow 'bar' has not run", True),
        (
            "$workflows.foo.inputs.x",
            "$workflows.foo.inputs.x: workflow 'foo' has no input named 'x'",
            False,
        ),
        (
            "$workflows.foo.outputs.x",
            "$workflows.foo.outputs.x: workflow 'foo' has no output named 'x'",
            False,
        ),
        (
            "$sourceDescriptions.nope.url",
            "$sourceDescriptions.nope.url: there is no source description named 'nope'",
            True,
        ),
        (
            "$sourceDescriptions.petstore.x-nope",
            "$sourceDescriptions.petstore.x-nope: source description 'petstore' has no field "
            "'x-nope'",
            False,
        ),
        (
            "$components.parameters.nope",
            "$components.parameters.nope: components.parameters has no entry 'nope'",
            False,
        ),
        (
            "$components.failureActions.x",
            "$components.failureActions.x: components.failureActions has no entry 'x'",
            False,
        ),
    ],
)
def test_unresolved_references(
    text: str, message: str, source_missing: bool, ctx: ExpressionContext
) -> None:
    error = unresolved(text, ctx)
    assert str(error) == message
    assert error.message == message
    assert error.expression == text
    assert message == f"{text}: {error.reason}"
    assert error.source_missing is source_missing


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("$url", "$url: no request has been made yet"),
        ("$method", "$method: no request has been made yet"),
        ("$statusCode", "$statusCode: there is no response yet"),
        ("$response.body", "$response.body: there is no response yet"),
        ("$response.header.X-Rate", "$response.header.X-Rate: there is no response yet"),
        ("$request.body#/a", "$request.body#/a: there is no request yet"),
    ],
)
def test_nothing_sent_yet(text: str, message: str) -> None:
    error = unresolved(text, ExpressionContext())
    assert str(error) == message
    assert error.source_missing is True


# --------------------------------------------------------------------------- compiled values


def test_whole_value_expression_keeps_its_type(ctx: ExpressionContext) -> None:
    assert compile_value("$inputs.flag").evaluate(ctx) is True
    assert compile_value("$inputs.n").evaluate(ctx) == 5
    assert compile_value("$inputs.nothing").evaluate(ctx) is None
    assert compile_value("$inputs.obj").evaluate(ctx) == {"a": 1, "b": [1, 2]}


def test_single_braced_expression_keeps_its_type(ctx: ExpressionContext) -> None:
    assert compile_value("{$inputs.n}").evaluate(ctx) == 5
    assert compile_value("{$inputs.flag}").evaluate(ctx) is True
    assert compile_value("{$response.body#/items}").evaluate(ctx) == [{"id": 1}, {"id": 2}]


def test_bare_expression_inside_text_is_substituted(ctx: ExpressionContext) -> None:
    assert compile_value("Bearer $inputs.accessToken").evaluate(ctx) == "Bearer tok"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("Token is $inputs.accessToken.", "Token is tok."),
        ("{$inputs.n} items", "5 items"),
        ("n=$inputs.n, ratio=$inputs.ratio", "n=5, ratio=1.5"),
        ("flags: {$inputs.flag}/{$inputs.off}", "flags: true/false"),
        ("nothing: $inputs.nothing", "nothing: null"),
        ("obj: $inputs.obj", 'obj: {"a":1,"b":[1,2]}'),
        ("list: {$inputs.user#/tags}", 'list: ["x","y"]'),
        ("{$inputs.accessToken}{$inputs.n}", "tok5"),
        ("https://{$inputs.x-store-id}/api/$statusCode/x", "https://store-1/api/200/x"),
        ("($inputs.n)", "(5)"),
        ("$inputs.accessToken and $inputs.n", "tok and 5"),
        ("$inputs.accessToken$inputs.n", "tok$inputs.n"),
        ("costs $5", "costs $5"),
        ("$foo and $bar", "$foo and $bar"),
        ("US$inputs.n", "US$inputs.n"),
        ("a_$inputs.n", "a_$inputs.n"),
        ("-$inputs.n", "-5"),
        ("\\$inputs.n", "\\5"),
        ("$url?x=1", "https://api.example.com/pets?limit=1?x=1"),
        ("{ $inputs.n }", "{ 5 }"),
        ("$inputs.accessToken ", "tok "),
        (" $inputs.flag", " true"),
        ("$inputs.n b", "5 b"),
    ],
)
def test_templates(template: str, expected: str, ctx: ExpressionContext) -> None:
    assert compile_value(template).evaluate(ctx) == expected


def test_json_payload_template_with_many_braces(ctx: ExpressionContext) -> None:
    payload = (
        '{"user": {"token": "$inputs.accessToken", "count": {$inputs.n}, '
        '"ok": {$inputs.flag}, "tags": {$inputs.user#/tags}, "literal": {"a": {}}}}'
    )
    result = compile_value(payload).evaluate(ctx)
    assert result == (
        '{"user": {"token": "tok", "count": 5, "ok": true, "tags": ["x","y"], '
        '"literal": {"a": {}}}}'
    )


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "{not an expression}",
        '{"a": 1}',
        "price: $5",
        "$",
        "{}",
        "",
    ],
)
def test_strings_without_expressions_are_literals(text: str, ctx: ExpressionContext) -> None:
    compiled = compile_value(text)
    assert compiled.evaluate(ctx) == text
    assert compiled.expressions() == []


def test_compile_template_always_returns_a_string(ctx: ExpressionContext) -> None:
    assert compile_template("{$inputs.n}").evaluate(ctx) == "5"
    assert compile_template("$inputs.flag").evaluate(ctx) == "true"
    assert compile_template("no expressions").evaluate(ctx) == "no expressions"


def test_compile_template_without_bare_expressions(ctx: ExpressionContext) -> None:
    compiled = compile_template("^$inputs.n {$inputs.n}$", bare=False)
    assert compiled.evaluate(ctx) == "^$inputs.n 5$"
    assert [expr.text for expr in compiled.expressions()] == ["$inputs.n"]


@pytest.mark.parametrize(
    ("template", "message", "position"),
    [
        ("hello {$inputs.x", "'{$' opens an embedded expression but there is no closing '}'", 6),
        ("x $steps. y", "expected a step id after '$steps.'", 9),
        ("a {$foo} b", "unknown runtime expression '$foo'", 3),
        ("a {$inputs.x y} b", "unexpected ' ' after '$inputs.x'", 12),
        (
            "{$inputs.a}{$inputs.b",
            "'{$' opens an embedded expression but there is no closing '}'",
            11,
        ),
        ("{$inputs.}", "expected an input name after '$inputs.'", 9),
        ("Bearer $response.body#/a~", "invalid escape '~' in JSON pointer", 24),
        ("$steps.", "expected a step id after '$steps.'", 7),
        ("{$", "'{$' opens an embedded expression but there is no closing '}'", 0),
    ],
)
def test_malformed_templates(template: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_value(template)
    assert info.value.message == message
    assert info.value.position == position
    assert info.value.text == template


def test_template_propagates_unresolved_references(ctx: ExpressionContext) -> None:
    with pytest.raises(UnresolvedReference, match="no input named 'missing'"):
        compile_value("Bearer $inputs.missing").evaluate(ctx)


def test_compile_value_walks_dicts_and_lists(ctx: ExpressionContext) -> None:
    compiled = compile_value(
        {
            "accepting_jobs": "$inputs.flag",
            "$inputs.n": "keys are never expressions",
            "nested": [{"count": "{$inputs.n}"}, "Bearer $inputs.accessToken", 3, None],
        }
    )
    assert compiled.evaluate(ctx) == {
        "accepting_jobs": True,
        "$inputs.n": "keys are never expressions",
        "nested": [{"count": 5}, "Bearer tok", 3, None],
    }
    assert [expr.text for expr in compiled.expressions()] == [
        "$inputs.flag",
        "$inputs.n",
        "$inputs.accessToken",
    ]


def test_literal_subtrees_are_returned_as_they_are(ctx: ExpressionContext) -> None:
    literal = {"a": [1, 2, {"b": "text"}], "c": None}
    assert compile_value(literal).evaluate(ctx) is literal
    mixed = {"static": literal, "dynamic": "$inputs.n"}
    assert compile_value(mixed).evaluate(ctx)["static"] is literal


@pytest.mark.parametrize("value", [1, 1.5, True, None, b"bytes"])
def test_non_strings_are_literals(value: Any, ctx: ExpressionContext) -> None:
    compiled = compile_value(value)
    assert compiled.evaluate(ctx) is value
    assert compiled.expressions() == []


def test_compiled_value_is_reusable_across_contexts() -> None:
    compiled = compile_value("Bearer $inputs.token")
    assert compiled.evaluate(ExpressionContext(inputs={"token": "a"})) == "Bearer a"
    assert compiled.evaluate(ExpressionContext(inputs={"token": "b"})) == "Bearer b"


def test_whole_expression_falls_back_to_template_only_when_it_is_not_one() -> None:
    ctx = ExpressionContext(inputs={"x": "X"}, response=HttpMessage({}, body={"a b": 1}))
    # "$inputs.x." is not one expression (a name cannot end with '.'), so it is text.
    assert compile_value("$inputs.x.").evaluate(ctx) == "X."
    # A whole-string pointer may contain spaces, so this stays one typed expression.
    assert compile_value("$response.body#/a b").evaluate(ctx) == 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("s", "s"),
        (5, "5"),
        (-2, "-2"),
        (1.5, "1.5"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        ({"a": [1, "x"]}, '{"a":[1,"x"]}'),
        ([1, 2], "[1,2]"),
        ({"é": 1}, '{"\\u00e9":1}'),
    ],
)
def test_value_to_text(value: Any, text: str) -> None:
    assert value_to_text(value) == text


def test_runtime_expression_can_be_built_directly() -> None:
    expr = RuntimeExpression("$statusCode", "statusCode")
    assert expr.evaluate(ExpressionContext(status_code=201)) == 201


def test_component_names_are_matched_whole(ctx: ExpressionContext) -> None:
    # Component keys may contain dots, so no dotted property access is attempted.
    error = unresolved("$components.parameters.storeId.name", ctx)
    assert error.reason == "components.parameters has no entry 'storeId.name'"
    assert evaluate("$components.parameters.my.org.P", ctx) == {"v": 1}


def test_source_description_references_are_fields_only(ctx: ExpressionContext) -> None:
    # Arazzo 1.1 would first try an operationId; the context carries only the fields.
    error = unresolved("$sourceDescriptions.petstore.getPetById", ctx)
    assert error.reason == "source description 'petstore' has no field 'getPetById'"
