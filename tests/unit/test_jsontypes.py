from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pytest

from arazzo_runner.jsontypes import json_type_name


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "null"),
        (True, "a boolean"),
        (0, "a number"),
        (1.5, "a number"),
        ("", "a string"),
        ({}, "an object"),
        (OrderedDict(), "an object"),
        ([], "a list"),
        ((1,), "a list"),
        (b"x", "a bytes"),
    ],
)
def test_json_type_name(value: Any, name: str) -> None:
    assert json_type_name(value) == name
