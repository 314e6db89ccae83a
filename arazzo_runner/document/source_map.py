"""Where in a document's text each of its values is: lines and columns by JSON pointer."""

from __future__ import annotations

import yaml

from .gc_pause import collection_paused
from .pointer import join_pointer
from .yaml12 import Yaml12Loader, Yaml12PythonLoader


class SourceMap:
    """Maps JSON pointers in a document to 1-based (line, column) positions.

    Positions are computed on first use, by composing the YAML node tree once
    more: most runs never report a problem, and large OpenAPI descriptions
    would pay for a position table they never read.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._values: dict[str, tuple[int, int]] | None = None
        self._keys: dict[str, tuple[int, int]] = {}

    @property
    def text(self) -> str:
        """The document's text, as it was parsed."""
        return self._text

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int] | None:
        """Position of the value at ``pointer`` (or of its key, when ``key``).

        Falls back to the nearest enclosing node that exists, so a missing
        field is reported at the object that should have had it.
        """
        values = self._positions()
        current = pointer
        while True:
            if key and current in self._keys:
                return self._keys[current]
            if current in values:
                return values[current]
            if not current:
                return None
            current = current.rsplit("/", 1)[0]

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` (empty when out of range)."""
        lines = self._text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def _positions(self) -> dict[str, tuple[int, int]]:
        if self._values is None:
            self._values = {}
            root = _compose(self._text)
            if root is not None:
                self._walk(root, self._values)
        return self._values

    def _walk(self, root: yaml.Node, values: dict[str, tuple[int, int]]) -> None:
        # Iterative, so that no nesting depth can exhaust the Python stack. Aliased
        # nodes are walked once per use, which is what the data holds too; the
        # loader has already bounded how much that can add.
        pending: list[tuple[yaml.Node, str]] = [(root, "")]
        while pending:
            node, pointer = pending.pop()
            mark = node.start_mark
            values.setdefault(pointer, (mark.line + 1, mark.column + 1))
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in reversed(node.value):
                    child = join_pointer(pointer, str(key_node.value))
                    key_mark = key_node.start_mark
                    self._keys.setdefault(child, (key_mark.line + 1, key_mark.column + 1))
                    pending.append((value_node, child))
            elif isinstance(node, yaml.SequenceNode):
                for index in range(len(node.value) - 1, -1, -1):
                    pending.append((node.value[index], join_pointer(pointer, index)))


def _compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``, or None when neither parser can read it."""
    for loader in (Yaml12Loader, Yaml12PythonLoader):
        try:
            with collection_paused():
                return yaml.compose(text, Loader=loader)
        except (yaml.YAMLError, RecursionError):
            continue  # positions are a courtesy; the parse error says the rest
    return None


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
