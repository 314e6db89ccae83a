"""Checking a composed YAML node graph before data is built from it.

PyYAML shares the node of an anchor between all its aliases, so a "billion
laughs" document composes and constructs quickly, and only explodes later, in
whatever walks the data. The graph is measured first, counting every alias as
a copy, and refused when it is too large, too deep or recursive.
"""

from __future__ import annotations

import re

import yaml

from .limits import DocumentLimits


class LimitExceeded(yaml.MarkedYAMLError):
    """A document over one of its :class:`DocumentLimits`, at the node that goes over."""

    def __init__(self, message: str, mark: yaml.Mark | None, hint: str) -> None:
        super().__init__(problem=message, problem_mark=mark)
        self.hint = hint


def check_document_graph(root: yaml.Node, text: str, limits: DocumentLimits) -> None:
    """:func:`check_node_graph`, sped up for text that cannot hold an alias.

    Most documents have no aliases, and for them :func:`check_node_tree` refuses
    the same documents at the same node in a fraction of the time (see "Large
    descriptions" in docs/performance.md). Negative alias budgets refuse even
    documents without aliases, so only the full check applies them.
    """
    if may_have_aliases(text) or min(limits.max_alias_nodes, limits.max_alias_chars) < 0:
        check_node_graph(root, limits)
    else:
        check_node_tree(root, limits)


def check_node_graph(root: yaml.Node, limits: DocumentLimits) -> None:
    """Refuse a composed YAML graph that is too deep, recursive, or alias-bombed.

    One iterative pass over the distinct nodes; an aliased node's expanded size
    is computed once and reused, so measuring a billion laughs costs as little
    as parsing it.
    """
    _GraphCheck(limits).run(root)


_SIZE_CAP = 1 << 62  # expanded sizes are capped so chains of aliases stay small ints


class _GraphCheck:
    def __init__(self, limits: DocumentLimits) -> None:
        self.limits = limits
        # id(node) -> (expanded nodes, expanded scalar characters, height)
        self.sizes: dict[int, tuple[int, int, int]] = {}
        self.open: set[int] = set()
        self.nodes = 0
        self.chars = 0

    def run(self, root: yaml.Node) -> None:
        # (node, level, children): a collection is pushed again with its children
        # (finished) after them. A large description has millions of nodes, most of
        # them scalars, so scalars are measured on the spot and the loop avoids
        # calls it does not need; the checks and their order are those of a plain
        # depth-first walk.
        pending: list[tuple[yaml.Node, int, list[yaml.Node] | None]] = [(root, 1, None)]
        sizes = self.sizes
        while pending:
            node, level, children = pending.pop()
            if children is not None:
                self._measure(node, children)
                continue
            if id(node) in sizes:
                continue  # another use of an anchored node: already measured
            if isinstance(node, yaml.ScalarNode):
                self._scalar(node)
                continue
            if level > self.limits.max_depth:
                raise _depth_error(self.limits, node.start_mark)
            self.open.add(id(node))
            self.nodes += 1
            children = _children(node)
            pending.append((node, level, children))
            for child in reversed(children):
                if id(child) in self.open:
                    raise LimitExceeded(
                        "a YAML alias refers to a node that contains it, which would make "
                        "the data infinitely deep",
                        child.start_mark,
                        "JSON data cannot be recursive; use a $ref instead of the alias",
                    )
                pending.append((child, level + 1, None))

    def _scalar(self, node: yaml.ScalarNode) -> None:
        # Entered and finished at once: a scalar has no children, so it never needs
        # to be among the open nodes.
        chars = len(node.value)
        self.nodes += 1
        self.chars += chars
        self._record(node, 1, chars, 1)

    def _measure(self, node: yaml.Node, children: list[yaml.Node]) -> None:
        self.open.discard(id(node))
        nodes, chars, height = 1, 0, 0
        sizes = self.sizes
        for child in children:
            child_nodes, child_chars, child_height = sizes[id(child)]
            nodes += child_nodes
            chars += child_chars
            height = max(height, child_height)
        self._record(node, min(_SIZE_CAP, nodes), min(_SIZE_CAP, chars), height + 1)

    def _record(self, node: yaml.Node, nodes: int, chars: int, height: int) -> None:
        self.sizes[id(node)] = (nodes, chars, height)
        limits = self.limits
        # Everything composed so far is at most what the whole document holds, so
        # going over here already means the whole document goes over.
        if nodes - self.nodes > limits.max_alias_nodes:
            raise _alias_error(f"{limits.max_alias_nodes:,} nodes", node.start_mark)
        if chars - self.chars > limits.max_alias_chars:
            raise _alias_error(f"{limits.max_alias_chars:,} characters", node.start_mark)
        if height > limits.max_depth:
            raise _depth_error(limits, node.start_mark)  # deep only through aliases


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        children: list[yaml.Node] = node.value
        return children  # not copied: no caller changes it
    return []


def check_node_tree(root: yaml.Node, limits: DocumentLimits) -> None:
    """:func:`check_node_graph` for a graph without aliases, which is a tree.

    Without aliases nothing is shared, so nothing can expand or recurse, and
    only the depth is left to check: level by level, collections only. It
    refuses what the full check refuses, at the same node: the first collection
    (in document order) deeper than the limit; failing that, the root, when a
    scalar sits one level below the limit (the full check measures heights
    with scalars counted as a level).
    """
    if not isinstance(root, yaml.CollectionNode):
        if limits.max_depth < 1:
            raise _depth_error(limits, root.start_mark)
        return
    level: list[yaml.Node] = [root]
    depth = 1
    while level:
        if depth > limits.max_depth:
            raise _depth_error(limits, level[0].start_mark)
        deeper: list[yaml.Node] = []
        has_scalar = False
        for node in level:
            for child in _children(node):
                if isinstance(child, yaml.CollectionNode):
                    deeper.append(child)
                else:
                    has_scalar = True
        if depth == limits.max_depth and has_scalar and not deeper:
            raise _depth_error(limits, root.start_mark)
        level = deeper
        depth += 1


# An alias is '*' and at least one anchor character ([0-9A-Za-z_-] in PyYAML and
# libyaml). It starts a token, so the character before it cannot continue a word
# (nor be another '*': "**a" would be an alias without a name, which does not parse).
_ALIAS_CANDIDATE = re.compile(r"\*[0-9A-Za-z_-]")
_NOT_BEFORE_AN_ALIAS = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-*"
)


def may_have_aliases(text: str) -> bool:
    """Whether ``text`` might hold a YAML alias: False only when it certainly does not.

    Over-approximates (a '*word' inside a quoted string counts), which only
    means the full graph check runs.
    """
    for match in _ALIAS_CANDIDATE.finditer(text):
        start = match.start()
        if start == 0 or text[start - 1] not in _NOT_BEFORE_AN_ALIAS:
            return True
    return False


def _alias_error(budget: str, mark: yaml.Mark | None) -> LimitExceeded:
    return LimitExceeded(
        f"YAML aliases expand this document by more than {budget} (each alias counts as "
        "a copy of what it names); refusing it, as it looks like an alias bomb",
        mark,
        "write the repeated parts out, or share them with $ref instead of anchors and aliases",
    )


def _depth_error(limits: DocumentLimits, mark: yaml.Mark | None) -> LimitExceeded:
    return LimitExceeded(
        f"the document is nested more than {limits.max_depth} levels deep",
        mark,
        "no Arazzo or OpenAPI document needs this much nesting; check the brackets",
    )
