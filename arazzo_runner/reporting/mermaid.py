"""A workflow's control flow as a Mermaid ``flowchart``, for ``arazzo show --graph``.

The graph follows the engine's rules (docs/semantics.md): a step's actions
come first, then the workflow's actions it does not override by name; the
first action whose criteria hold is taken; a success without a matching
action goes on to the next step, a failure without one fails the workflow.
So an action with no criteria always applies, and no default edge is drawn
next to it.

Steps become nodes whose ids are derived from their stepIds but made safe
for Mermaid (``get-item.v2`` becomes ``step_get_item_v2``), since Mermaid ids
cannot contain ``-`` or ``.`` and some words (``end``) are reserved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ..document import Action, Step, Workflow, effective_actions
from .describe import action_json, describe_action, shorten

START_NODE = "wf_start"
END_NODE = "wf_end"
FAIL_NODE = "wf_fail"
_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9_]")
_MAX_LABEL = 60


class EdgeKind(StrEnum):
    SUCCESS = "success"
    """A solid arrow: where a success goes."""
    FAILURE = "failure"
    """A dotted arrow: where a failure goes."""
    DEPENDS = "depends"
    """A solid arrow from a ``dependsOn`` workflow to the start."""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str | None = None
    kind: EdgeKind = EdgeKind.SUCCESS


@dataclass
class Graph:
    """Nodes (id -> Mermaid shape with its label) and edges, in drawing order."""

    nodes: dict[str, str] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def add_edge(self, edge: Edge) -> None:
        if edge not in self.edges:
            self.edges.append(edge)


def node_ids(steps: list[Step]) -> dict[str, str]:
    """A unique, Mermaid-safe node id for each stepId."""
    ids: dict[str, str] = {}
    taken = {START_NODE, END_NODE, FAIL_NODE}
    for step in steps:
        base = "step_" + _UNSAFE_ID_CHARS.sub("_", step.step_id)
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        taken.add(candidate)
        ids[step.step_id] = candidate
    return ids


def workflow_node_id(workflow_id: str) -> str:
    return "wf_" + _UNSAFE_ID_CHARS.sub("_", workflow_id)


def build_graph(workflow: Workflow) -> Graph:
    graph = Graph()
    ids = node_ids(workflow.steps)
    graph.nodes[START_NODE] = '(["Start"])'
    for dependency in workflow.depends_on:
        node = _subroutine(graph, dependency)
        graph.add_edge(Edge(node, START_NODE, "dependsOn", EdgeKind.DEPENDS))
    for step in workflow.steps:
        graph.nodes[ids[step.step_id]] = _step_shape(step)
    if workflow.steps:
        graph.add_edge(Edge(START_NODE, ids[workflow.steps[0].step_id]))
    for index, step in enumerate(workflow.steps):
        following = workflow.steps[index + 1] if index + 1 < len(workflow.steps) else None
        _success_edges(graph, workflow, step, ids, following)
        _failure_edges(graph, workflow, step, ids)
    graph.nodes[END_NODE] = '(["End"])'
    if any(edge.target == FAIL_NODE for edge in graph.edges):
        graph.nodes[FAIL_NODE] = '(["Fail"])'
    return graph


def _success_edges(
    graph: Graph, workflow: Workflow, step: Step, ids: dict[str, str], following: Step | None
) -> None:
    source = ids[step.step_id]
    actions = effective_actions(workflow.success_actions, step.on_success)
    for action in actions:
        target = _action_target(graph, action, ids, source)
        graph.add_edge(Edge(source, target, _action_label(action), EdgeKind.SUCCESS))
    if any(not action.criteria for action in actions):
        return  # an action without criteria always applies: there is no default path
    graph.add_edge(Edge(source, ids[following.step_id] if following else END_NODE))


def _failure_edges(graph: Graph, workflow: Workflow, step: Step, ids: dict[str, str]) -> None:
    source = ids[step.step_id]
    actions = effective_actions(workflow.failure_actions, step.on_failure)
    for action in actions:
        target = _action_target(graph, action, ids, source)
        graph.add_edge(Edge(source, target, _action_label(action), EdgeKind.FAILURE))
        if action.type == "retry" and action.workflow_id is not None:
            # The workflow runs first, then the step is tried again.
            graph.add_edge(Edge(target, source, "then retry", EdgeKind.FAILURE))
    # A retry runs out after its limit, so only an unconditional goto or end
    # takes every failure away from the default.
    if any(not a.criteria and a.type != "retry" for a in actions):
        return
    graph.add_edge(Edge(source, FAIL_NODE, "failure", EdgeKind.FAILURE))


def _action_target(graph: Graph, action: Action, ids: dict[str, str], source: str) -> str:
    if action.type == "end":
        return END_NODE
    if action.step_id is not None:
        return ids.get(action.step_id, source)
    if action.workflow_id is not None:
        return _subroutine(graph, action.workflow_id)
    return source  # a retry of the step itself


def _subroutine(graph: Graph, workflow_id: str) -> str:
    node = workflow_node_id(workflow_id)
    graph.nodes.setdefault(node, f'[["{_escape(workflow_id)}"]]')
    return node


def _step_shape(step: Step) -> str:
    if step.workflow_id is not None:
        return f'[["{_escape(step.step_id)}<br/>calls {_escape(step.workflow_id)}"]]'
    operation = step.operation_id or step.operation_path or ""
    return f'["{_escape(step.step_id)}<br/>{_escape(shorten(operation, _MAX_LABEL))}"]'


def _action_label(action: Action) -> str:
    # The edge shows where the action goes; the label says which action and when.
    return describe_action(action_json(action), target=False, limit=_MAX_LABEL)


def _escape(text: str) -> str:
    # Inside a quoted Mermaid label, only '"' must be written as an entity;
    # '<' and '>' would be read as HTML.
    return (
        text.replace("#", "#35;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("\n", " ")
    )


def render_mermaid(graph: Graph, title: str | None = None) -> str:
    lines = ["flowchart TD"]
    if title:
        lines.append(f"    %% {title}")
    lines += [f"    {node}{shape}" for node, shape in graph.nodes.items()]
    for edge in graph.edges:
        arrow = "-.->" if edge.kind is EdgeKind.FAILURE else "-->"
        label = f'|"{_escape(edge.label)}"|' if edge.label else ""
        lines.append(f"    {edge.source} {arrow}{label} {edge.target}")
    return "\n".join(lines) + "\n"


def workflow_mermaid(workflow: Workflow) -> str:
    """The Mermaid ``flowchart`` of ``workflow``'s control flow."""
    return render_mermaid(build_graph(workflow), title=workflow.workflow_id)
