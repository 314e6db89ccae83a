"""Hypothesis strategies shared by the fuzz tests: text that looks like what it feeds."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from arazzo_runner.expressions import ExpressionContext, HttpMessage

# Fast enough for every test run; set FUZZ_EXAMPLES=20000 to fuzz harder.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None)

# Pieces of the runtime-expression and condition grammars, so that generated text
# gets past the first character often enough to reach the interesting code.
EXPRESSION_PIECES = (
    "$", "$url", "$method", "$statusCode", "$request.", "$response.", "header.", "query.",
    "path.", "body", "body#", "#", "/", "~", "~0", "~1", "~2", "$inputs.", "$outputs.",
    "$steps.", "$workflows.", "$sourceDescriptions.", "$components.", "$components.inputs.",
    "$components.parameters.", "$components.successActions.", "outputs.", "inputs.", ".",
    "{", "}", "{$", "[", "]", "0", "1", "-1", "10", "a", "id", "x-y", "Content-Type", " ",
    "\t", "\n", "'", '"', "\\", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!", "(", ")",
    "true", "false", "null", "1.5", "1e3", "'a'", "\u00e9", "\U0001f600", "\x00", "%20",
    "$.", "$..", "@", "*", "?(", "length", "^", "$$",
)  # fmt: skip

expression_text = st.one_of(
    st.lists(st.sampled_from(EXPRESSION_PIECES), max_size=12).map("".join),
    st.text(max_size=40),
    st.builds(
        lambda a, b: a + b,
        st.lists(st.sampled_from(EXPRESSION_PIECES), max_size=6).map("".join),
        st.text(max_size=10),
    ),
)

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), expression_text
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(expression_text, children, max_size=4),
    ),
    max_leaves=12,
)


def fixed_context() -> ExpressionContext:
    """A context with something behind every root, nested values included."""
    body = {"id": "s-1", "state": "active", "items": [{"n": 1}, {"n": 2}], "a/b": {"~": 0},
            "": "empty", "flag": True, "count": 3, "none": None}  # fmt: skip
    response = HttpMessage(headers={"Content-Type": "application/json", "X-Count": "3"}, body=body)
    request = HttpMessage(
        headers={"Authorization": "Bearer t"},
        body={"acceptingJobs": False},
        query={"limit": "10"},
        path={"id": "s-1"},
    )
    return ExpressionContext(
        inputs={"id": "s-1", "n": 3, "flag": True, "list": [1, "2", None], "obj": {"a": 1}},
        outputs={"result": "ok"},
        steps={"getSession": {"outputs": {"state": "active", "body": body}}},
        workflows={"w": {"inputs": {"id": "s-1"}, "outputs": {"done": True}}},
        source_descriptions={"api": {"name": "api", "url": "./api.yaml", "type": "openapi"}},
        components={"inputs": {"token": {"type": "string"}}, "parameters": {}},
        url="http://127.0.0.1/sessions/s-1",
        method="GET",
        status_code=200,
        request=request,
        response=response,
    )
