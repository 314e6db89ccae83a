"""Where a top-level value is written in a document's text, to the character.

A rewrite that must keep every other byte of a file (``arazzo upgrade``) edits
the text at these offsets instead of dumping the parsed data again: a dump
would re-indent, re-quote, re-wrap and drop comments.
"""

from __future__ import annotations

import json

import yaml

from .gc_pause import collection_paused
from .yaml12 import Yaml12Loader, Yaml12PythonLoader

_JSON = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


def top_level_value_span(text: str, key: str, *, is_json: bool) -> tuple[int, int] | None:
    """The ``(start, end)`` character offsets of the value of top-level ``key`` in ``text``.

    For a quoted scalar the span includes its quotes. None when the document is
    not a mapping with that key, or its text cannot be read.
    """
    if is_json:
        return _json_value_span(text, key)
    return _yaml_value_span(text, key)


def _yaml_value_span(text: str, key: str) -> tuple[int, int] | None:
    for loader in (Yaml12Loader, Yaml12PythonLoader):
        try:
            with collection_paused():
                root = yaml.compose(text, Loader=loader)
        except (yaml.YAMLError, RecursionError):
            continue
        if not isinstance(root, yaml.MappingNode):
            return None
        for key_node, value_node in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                # Marks count characters of the text (with either parser).
                return value_node.start_mark.index, value_node.end_mark.index
        return None
    return None


def _json_value_span(text: str, key: str) -> tuple[int, int] | None:
    """Read the top-level object member by member; the decoder reports where each ends."""
    position = _skip_whitespace(text, 0)
    if not text.startswith("{", position):
        return None
    position += 1
    try:
        while True:
            position = _skip_whitespace(text, position)
            if text.startswith("}", position):
                return None
            name, position = _JSON.raw_decode(text, position)
            position = _skip_whitespace(text, position)
            if not text.startswith(":", position):
                return None
            start = _skip_whitespace(text, position + 1)
            _, end = _JSON.raw_decode(text, start)
            if name == key:
                return start, end
            position = _skip_whitespace(text, end)
            if not text.startswith(",", position):
                return None
            position += 1
    except json.JSONDecodeError:
        return None


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in _WHITESPACE:
        position += 1
    return position
