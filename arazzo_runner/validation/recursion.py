"""Workflows that always call themselves again, in one document or through others.

A workflow *always calls* another when the call happens on every run of it in
which no step fails: its ``dependsOn`` entries, and the ``workflowId`` of each
step on its straight path (the first step, and each next step while the one
before it has no success actions, its own or the workflow's). A loop of such
calls never ends, so it is an error (``workflow-recursion``). A call made only
on some branch (an action with criteria, a goto, an ``onFailure`` action) is
allowed; a run bounds it with its nesting limit (``--max-nesting``).

The graph is read from the documents' data, not their models: the Arazzo
documents this one calls are only loaded, never built, and each is visited once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..document import SOURCE_REFERENCE, LoadedDocument, join_pointer
from ..errors import DocumentError
from .context import LintContext

Loader = Callable[[str], LoadedDocument | None]
"""The Arazzo document at an absolute URI, or None when it is not read (offline, broken)."""

Node = tuple[str, str]
"""(document URI, workflowId)."""


@dataclass(frozen=True)
class _Call:
    target: Node
    pointer: str
    """Where the call is written, in its own document."""
    dependency: bool


def check_recursion(ctx: LintContext, load: Loader) -> None:
    """Report each call of this document that starts a loop of unconditional calls."""
    graph = _Graph(ctx.document, load)
    root = ctx.document.uri
    for workflow_id, calls in graph.workflows(root).items():
        for call in calls:
            path = graph.path_back(call.target, (root, workflow_id))
            if path is None or _only_local_dependencies(root, call, path):
                continue  # dependency-cycle reports a dependsOn loop of one document
            chain = " -> ".join([_name(root, (root, workflow_id)), *(_name(root, n) for n in path)])
            ctx.report(
                "workflow-recursion",
                call.pointer,
                f"workflow '{workflow_id}' always calls itself again ({chain}), so a run "
                "would never end",
                hint="make the call conditional (an onSuccess or onFailure action with "
                "criteria), or remove it",
            )


def _only_local_dependencies(root: str, call: _Call, path: list[Node]) -> bool:
    return call.dependency and all(uri == root for uri, _ in path) and call.target[0] == root


def _name(root: str, node: Node) -> str:
    uri, workflow_id = node
    return workflow_id if uri == root else f"{workflow_id} ({uri.rsplit('/', 1)[-1]})"


class _Graph:
    """The unconditional calls of every workflow reachable from the first document."""

    def __init__(self, first: LoadedDocument, load: Loader) -> None:
        self._load = load
        self._documents: dict[str, LoadedDocument | None] = {first.uri: first}
        self._calls: dict[str, dict[str, list[_Call]]] = {}

    def workflows(self, uri: str) -> dict[str, list[_Call]]:
        if uri not in self._calls:
            document = self._document(uri)
            self._calls[uri] = _calls_of(document) if document is not None else {}
        return self._calls[uri]

    def path_back(self, start: Node, goal: Node) -> list[Node] | None:
        """The nodes from ``start`` to ``goal`` along unconditional calls, or None."""
        seen = {start}
        pending: list[tuple[Node, list[Node]]] = [(start, [start])]
        while pending:
            node, path = pending.pop()
            if node == goal:
                return path
            for call in self.workflows(node[0]).get(node[1], []):
                if call.target not in seen:
                    seen.add(call.target)
                    pending.append((call.target, [*path, call.target]))
        return None

    def _document(self, uri: str) -> LoadedDocument | None:
        if uri not in self._documents:
            self._documents[uri] = self._load(uri)
        return self._documents[uri]


def _calls_of(document: LoadedDocument) -> dict[str, list[_Call]]:
    data = document.data
    workflows = data.get("workflows") if isinstance(data, dict) else None
    if not isinstance(workflows, list):
        return {}
    sources = _arazzo_sources(document)
    found: dict[str, list[_Call]] = {}
    for index, workflow in enumerate(workflows):
        if isinstance(workflow, dict) and isinstance(workflow.get("workflowId"), str):
            pointer = join_pointer("/workflows", index)
            calls = [
                call
                for reference, at, dependency in _references(workflow, pointer)
                if (call := _call(document.uri, sources, reference, at, dependency)) is not None
            ]
            found[workflow["workflowId"]] = calls
    return found


def _references(workflow: dict[str, Any], pointer: str) -> Iterator[tuple[Any, str, bool]]:
    """(reference, pointer, is a dependsOn entry) of each call the workflow always makes."""
    depends_on = workflow.get("dependsOn")
    for index, reference in enumerate(depends_on if isinstance(depends_on, list) else []):
        yield reference, join_pointer(pointer, "dependsOn", index), True
    steps = workflow.get("steps")
    branches = bool(workflow.get("successActions"))
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict):
            return
        yield step.get("workflowId"), join_pointer(pointer, "steps", index, "workflowId"), False
        if branches or step.get("onSuccess"):
            return  # the next step is reached on some branches only


def _call(
    uri: str, sources: dict[str, str], reference: Any, pointer: str, dependency: bool
) -> _Call | None:
    if not isinstance(reference, str):
        return None
    match = SOURCE_REFERENCE.match(reference)
    if match is None:
        return _Call((uri, reference), pointer, dependency)
    target_uri = sources.get(match.group(1))
    return _Call((target_uri, match.group(2)), pointer, dependency) if target_uri else None


def _arazzo_sources(document: LoadedDocument) -> dict[str, str]:
    """Name -> absolute URI of each ``type: arazzo`` source description."""
    data = document.data
    listed = data.get("sourceDescriptions") if isinstance(data, dict) else None
    found = {}
    for source in listed if isinstance(listed, list) else []:
        if not isinstance(source, dict) or source.get("type") != "arazzo":
            continue
        name, url = source.get("name"), source.get("url")
        if isinstance(name, str) and isinstance(url, str):
            try:
                found[name] = document.resolve_uri(url)
            except DocumentError:
                continue  # reported by the source description rules
    return found
