"""A workflow's control flow as inline SVG, with the path one run took drawn over it.

The edges are those of ``arazzo show --graph`` (:func:`.mermaid.build_graph`),
so the two never disagree. The layout is deliberately simple, so that it needs
no layout library and stays readable for a workflow of hundreds of steps:
the nodes stand in one column in document order (Start, the steps, the called
workflows, End, Fail); an edge to the node just below is a straight line, every
other edge an arc beside the column: success edges on the right, failure edges
(dashed) on the left, each arc in the nearest free lane.

What the run did is drawn in shape and text as well as in colour, so that it
reads in black and white: a node says ``passed``, ``FAILED`` or ``not run`` and
how many times it ran; an edge the run took is drawn thick, one it did not take
thin and light.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..document import Workflow
from ..results import ActionTaken, Status, StepResult, WorkflowResult
from .mermaid import (
    END_NODE,
    FAIL_NODE,
    START_NODE,
    Edge,
    EdgeKind,
    build_graph,
    node_ids,
    workflow_node_id,
)

NODE_WIDTH = 250
NODE_HEIGHT = 40
ROW_GAP = 22
LANE_WIDTH = 12
MARGIN = 16
_MAX_LABEL = 32

TakenEdge = tuple[str, str, EdgeKind]


@dataclass
class NodeState:
    """What the run did to one node: how often it ran, and how that went."""

    runs: int = 0
    failed: int = 0
    retried: bool = False
    anchor: str | None = None
    """The id of the report section of its first execution, for a link."""

    @property
    def outcome(self) -> str:
        if self.runs == 0:
            return "not-run"
        return "failed" if self.failed else "passed"


@dataclass
class RunPath:
    """The path of every run of one workflow: taken edges and each node's state."""

    taken: set[TakenEdge] = field(default_factory=set)
    nodes: dict[str, NodeState] = field(default_factory=dict)

    def node(self, node_id: str) -> NodeState:
        return self.nodes.setdefault(node_id, NodeState())


def run_path(
    workflow: Workflow, results: Iterable[WorkflowResult], anchors: dict[int, str]
) -> RunPath:
    """The edges and nodes the runs of ``workflow`` went through.

    ``anchors`` maps ``id(step_result)`` to the report section that shows it.
    """
    ids = node_ids(workflow.steps)
    order = [step.step_id for step in workflow.steps]
    path = RunPath()
    for result in results:
        for dependency in result.dependencies:
            node = workflow_node_id(dependency.workflow_id)
            _ran_workflow(path, node, dependency)
            path.taken.add((node, START_NODE, EdgeKind.SUCCESS))
        executions = [s for s in result.steps if s.status is not Status.SKIPPED]
        if executions:
            path.node(START_NODE).runs += 1
            path.taken.add((START_NODE, ids[executions[0].step_id], EdgeKind.SUCCESS))
        for execution in executions:
            source = ids.get(execution.step_id)
            if source is None:  # pragma: no cover - results come from this workflow
                continue
            state = path.node(source)
            state.runs += 1
            state.failed += execution.status is Status.FAILED
            state.retried = state.retried or len(execution.attempts) > 1
            if state.anchor is None:
                state.anchor = anchors.get(id(execution))
            for attempt in execution.attempts:
                kind = EdgeKind.SUCCESS if attempt.status is Status.SUCCEEDED else EdgeKind.FAILURE
                target = _taken_target(attempt.action, source, execution, order, ids)
                if target is None:
                    continue
                path.taken.add((source, target, kind))
                path.node(target)
                if target.startswith("wf_") and target not in (START_NODE, END_NODE, FAIL_NODE):
                    _ran_workflow(path, target, attempt.called_workflow)
                if attempt.action is not None and attempt.action.type == "retry":
                    path.taken.add((target, source, EdgeKind.FAILURE))
        for end in (END_NODE, FAIL_NODE):
            if any(edge[1] == end for edge in path.taken):
                path.node(end).runs = max(path.node(end).runs, 1)
        if path.node(FAIL_NODE).runs:
            path.node(FAIL_NODE).failed = 1  # reaching Fail is the failure
    return path


def _ran_workflow(path: RunPath, node: str, result: WorkflowResult | None) -> None:
    """A workflow node was reached: a dependency, a retry's or a goto's workflow."""
    state = path.node(node)
    state.runs += 1
    if result is not None and not result.succeeded:
        state.failed += 1


def _taken_target(
    action: ActionTaken | None,
    source: str,
    execution: StepResult,
    order: list[str],
    ids: dict[str, str],
) -> str | None:
    if action is None or action.type == "return":
        return None
    if action.type == "end":
        return END_NODE
    if action.type == "fail":
        return FAIL_NODE
    if action.step_id is not None:
        return ids.get(action.step_id)
    if action.workflow_id is not None:
        return workflow_node_id(action.workflow_id)
    if action.type == "next":
        index = order.index(execution.step_id) + 1 if execution.step_id in order else len(order)
        return ids[order[index]] if index < len(order) else END_NODE
    return source  # a retry of the step itself


@dataclass(frozen=True)
class _Arc:
    edge: Edge
    lane: int
    right: bool


def workflow_svg(workflow: Workflow, path: RunPath, title_id: str) -> str:
    """The inline ``<svg>`` of ``workflow`` with ``path`` drawn over it."""
    graph = build_graph(workflow)
    labels = _node_labels(workflow)
    rows = {node: index for index, node in enumerate(graph.nodes)}
    straight, arcs = _place_edges(graph.edges, rows)
    lanes_right = max((a.lane + 1 for a in arcs if a.right), default=0)
    lanes_left = max((a.lane + 1 for a in arcs if not a.right), default=0)
    left = MARGIN + lanes_left * LANE_WIDTH + 8
    width = left + NODE_WIDTH + lanes_right * LANE_WIDTH + 8 + MARGIN
    height = MARGIN * 2 + len(rows) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP
    parts = [
        f'<svg class="graph" role="group" aria-labelledby="{title_id}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">Control flow of workflow {_e(workflow.workflow_id)}; '
        "thick edges are the path this run took</title>",
        _MARKERS.replace("{prefix}", title_id),
    ]
    for edge in straight:
        parts.append(_straight(edge, rows, left, path, title_id))
    for arc in arcs:
        parts.append(_arc(arc, rows, left, path, title_id))
    for node, row in rows.items():
        parts.append(_node(node, labels.get(node, (node, "")), row, left, path))
    parts.append("</svg>")
    return "\n".join(parts)


_MARKERS = (
    "<defs>"
    '<marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
    'class="arrowhead"/></marker>'
    '<marker id="{prefix}-arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" '
    'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
    'class="arrowhead taken"/></marker>'
    "</defs>"
)


def _node_labels(workflow: Workflow) -> dict[str, tuple[str, str]]:
    """Each node's id: its title and a second line (operation or called workflow)."""
    labels = {START_NODE: ("Start", ""), END_NODE: ("End", ""), FAIL_NODE: ("Fail", "")}
    ids = node_ids(workflow.steps)
    for step in workflow.steps:
        if step.workflow_id is not None:
            second = f"calls workflow {step.workflow_id}"
        else:
            second = step.operation_id or step.operation_path or ""
        labels[ids[step.step_id]] = (step.step_id, second)
    called = [*workflow.depends_on]
    for step in workflow.steps:
        called += [a.workflow_id for a in [*step.on_success, *step.on_failure] if a.workflow_id]
    called += [
        a.workflow_id
        for a in [*workflow.success_actions, *workflow.failure_actions]
        if a.workflow_id
    ]
    for workflow_id in called:
        labels.setdefault(workflow_node_id(workflow_id), (workflow_id, "workflow"))
    return labels


def _place_edges(edges: list[Edge], rows: dict[str, int]) -> tuple[list[Edge], list[_Arc]]:
    """Straight edges to the next row, and arcs in lanes that do not overlap."""
    straight: list[Edge] = []
    waiting: list[Edge] = []
    for edge in edges:
        source, target = rows[edge.source], rows[edge.target]
        if target == source + 1 and edge.kind is not EdgeKind.FAILURE:
            straight.append(edge)
        else:
            waiting.append(edge)
    occupied: dict[tuple[bool, int], list[tuple[int, int]]] = {}
    arcs = []
    # Short arcs take the inner lanes, so that long ones go around them.
    for edge in sorted(waiting, key=lambda e: abs(rows[e.target] - rows[e.source])):
        right = edge.kind is not EdgeKind.FAILURE
        low, high = sorted((rows[edge.source], rows[edge.target]))
        lane = 0
        while any(not (high < a or b < low) for a, b in occupied.get((right, lane), [])):
            lane += 1
        occupied.setdefault((right, lane), []).append((low, high))
        arcs.append(_Arc(edge, lane, right))
    return straight, arcs


def _row_top(row: int) -> int:
    return MARGIN + row * (NODE_HEIGHT + ROW_GAP)


def _edge_class(edge: Edge, path: RunPath) -> str:
    classes = ["edge", str(edge.kind)]
    if (edge.source, edge.target, _taken_kind(edge)) in path.taken:
        classes.append("taken")
    return " ".join(classes)


def _taken_kind(edge: Edge) -> EdgeKind:
    return EdgeKind.SUCCESS if edge.kind is EdgeKind.DEPENDS else edge.kind


def _edge_title(edge: Edge, path: RunPath) -> str:
    taken = (edge.source, edge.target, _taken_kind(edge)) in path.taken
    text = f"{edge.kind} edge{': ' + edge.label if edge.label else ''}"
    return _e(text + (" (taken in this run)" if taken else ""))


def _marker(edge: Edge, path: RunPath, prefix: str) -> str:
    taken = (edge.source, edge.target, _taken_kind(edge)) in path.taken
    return f"url(#{prefix}-arrow-taken)" if taken else f"url(#{prefix}-arrow)"


def _straight(edge: Edge, rows: dict[str, int], left: int, path: RunPath, prefix: str) -> str:
    x = left + NODE_WIDTH // 2
    y1 = _row_top(rows[edge.source]) + NODE_HEIGHT
    y2 = _row_top(rows[edge.target])
    return (
        f'<path class="{_edge_class(edge, path)}" d="M{x},{y1} V{y2 - 1}" '
        f'marker-end="{_marker(edge, path, prefix)}">'
        f"<title>{_edge_title(edge, path)}</title></path>"
    )


def _arc(arc: _Arc, rows: dict[str, int], left: int, path: RunPath, prefix: str) -> str:
    edge = arc.edge
    source_row, target_row = rows[edge.source], rows[edge.target]
    # Leave and arrive a little off the middle, so that arcs in and out of a node part.
    y1 = _row_top(source_row) + NODE_HEIGHT // 2 - 6
    y2 = _row_top(target_row) + NODE_HEIGHT // 2 + 6
    if arc.right:
        side = left + NODE_WIDTH
        lane_x = side + 8 + (arc.lane + 1) * LANE_WIDTH
    else:
        side = left
        lane_x = side - 8 - (arc.lane + 1) * LANE_WIDTH
    d = f"M{side},{y1} H{lane_x} V{y2} H{side}"
    return (
        f'<path class="{_edge_class(edge, path)}" d="{d}" fill="none" '
        f'marker-end="{_marker(edge, path, prefix)}">'
        f"<title>{_edge_title(edge, path)}</title></path>"
    )


_OUTCOME_TEXT = {"passed": "✓ passed", "failed": "✗ FAILED", "not-run": "not run"}


def _node(node: str, label: tuple[str, str], row: int, left: int, path: RunPath) -> str:
    state = path.nodes.get(node, NodeState())
    top = _row_top(row)
    title, second = label
    is_step = node.startswith("step_")
    classes = f"node {state.outcome}" + (" step" if is_step else " terminal")
    status = ""
    if is_step or (node.startswith("wf_") and node not in (START_NODE, END_NODE, FAIL_NODE)):
        status = _OUTCOME_TEXT[state.outcome]
        if 0 < state.failed < state.runs:
            status += f" {state.failed} of {state.runs}"
        elif state.runs > 1:
            status += f" x{state.runs}"
        if state.retried:
            status += " (retried)"
    elif state.runs:
        status = "reached"
    tooltip = " — ".join(part for part in (title, second, status) if part)
    body = [
        f'<g class="{classes}" data-node="{_e(node)}">',
        f"<title>{_e(tooltip)}</title>",
        f'<rect x="{left}" y="{top}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6"/>',
        f'<text x="{left + 8}" y="{top + 16}" class="node-title">{_e(_short(title))}</text>',
    ]
    if status:
        body.append(
            f'<text x="{left + NODE_WIDTH - 8}" y="{top + 16}" class="node-status" '
            f'text-anchor="end">{_e(status)}</text>'
        )
    if second:
        body.append(
            f'<text x="{left + 8}" y="{top + 32}" class="node-detail">'
            f"{_e(_short(second, 40))}</text>"
        )
    body.append("</g>")
    group = "".join(body)
    if state.anchor:
        return f'<a href="#{state.anchor}" class="node-link">{group}</a>'
    return group


def _short(text: str, limit: int = _MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def edge_list(workflow: Workflow, path: RunPath) -> Iterator[tuple[str, str, str, bool]]:
    """Every edge as text: (from, to, what it is, taken), for the graph's text alternative."""
    graph = build_graph(workflow)
    labels = _node_labels(workflow)
    for edge in graph.edges:
        taken = (edge.source, edge.target, _taken_kind(edge)) in path.taken
        what = str(edge.kind) + (f": {edge.label}" if edge.label else "")
        source = labels.get(edge.source, (edge.source, ""))[0]
        target = labels.get(edge.target, (edge.target, ""))[0]
        yield source, target, what, taken
