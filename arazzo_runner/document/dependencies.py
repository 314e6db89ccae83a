"""Step dependencies (Arazzo 1.1): which steps must complete before a step, and in what
order a workflow's steps run.

A step depends on the steps its ``dependsOn`` names and, implicitly, on every step
whose outputs its expressions read (``$steps.<id>.outputs``). Validation reports the
problems with them; the engine runs the steps in :func:`execution_order`. A 1.0
document, and a 1.1 workflow without step ``dependsOn``, keep the order of the
``steps`` array.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..expressions import CompiledValue
from .model import Step, Workflow

_WORKFLOW_STEP = re.compile(r"^\$workflows\.([^.]+)\.steps\.([^.]+)$")
_SOURCE_STEP = re.compile(r"^\$sourceDescriptions\.([^.]+)\.([^.]+)\.steps\.([^.]+)$")


@dataclass(frozen=True)
class StepTarget:
    """What one ``dependsOn`` entry names.

    ``source`` is None for a step of this document; ``workflow_id`` is None for a
    step of the same workflow.
    """

    step_id: str
    workflow_id: str | None = None
    source: str | None = None

    @property
    def is_local(self) -> bool:
        return self.workflow_id is None and self.source is None


def parse_step_target(entry: str) -> StepTarget | None:
    """The step a ``dependsOn`` entry names; None for a ``$`` entry of no known form."""
    if not entry.startswith("$"):
        return StepTarget(entry)
    match = _WORKFLOW_STEP.match(entry)
    if match is not None:
        return StepTarget(match.group(2), match.group(1))
    match = _SOURCE_STEP.match(entry)
    if match is not None:
        return StepTarget(match.group(3), match.group(2), match.group(1))
    return None


def uses_step_dependencies(workflow: Workflow) -> bool:
    """Whether any step of ``workflow`` declares ``dependsOn`` (the spec's trigger for
    reordering by dependencies, and for concurrency here)."""
    return any(step.depends_on for step in workflow.steps)


def output_references(step: Step) -> Iterator[str]:
    """The step ids whose outputs ``step`` reads, in the order they are written
    (repeats included; its own outputs in its own criteria are left out)."""
    values: list[CompiledValue] = [p.value for p in step.parameters]
    body = step.request_body
    if body is not None:
        if body.payload is not None:
            values.append(body.payload)
        values += [r.value for r in body.replacements]
    values += list(step.outputs.values())
    expressions = [e for value in values for e in value.expressions()]
    criteria = [*step.success_criteria]
    for action in [*step.on_success, *step.on_failure]:
        criteria += action.criteria
        expressions += [e for p in action.parameters for e in p.value.expressions()]
    expressions += [e for c in criteria for e in c.compiled.expressions()]
    for expression in expressions:
        if expression.root == "steps" and expression.names[0] != step.step_id:
            yield expression.names[0]


def local_dependencies(workflow: Workflow) -> dict[str, list[str]]:
    """stepId -> the steps of the same workflow it must wait for: its ``dependsOn``
    entries, then the steps whose outputs it reads, each once, only existing ones."""
    known = {step.step_id for step in workflow.steps}
    found: dict[str, list[str]] = {}
    for step in workflow.steps:
        named = [t.step_id for e in step.depends_on if (t := parse_step_target(e)) and t.is_local]
        found[step.step_id] = [
            s
            for s in dict.fromkeys([*named, *output_references(step)])
            if s in known and s != step.step_id
        ]
    return found


def dependency_cycle(dependencies: dict[str, list[str]]) -> list[str] | None:
    """Steps that wait for each other in a loop (as a path back to its start), if any."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in dependencies.get(node, []):
            if state.get(target) == 1:
                return path[path.index(target) :]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in dependencies:
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


def execution_order(workflow: Workflow) -> tuple[int, ...]:
    """The step indexes in the order they run.

    Without step ``dependsOn``, the ``steps`` array order. With it, the array order
    changed only as far as the dependencies require: each step comes as early as
    its place in the array allows once the steps it waits for have come. Steps
    in a cycle (which validation refuses) keep their array order.
    """
    identity = tuple(range(len(workflow.steps)))
    if not uses_step_dependencies(workflow):
        return identity
    dependencies = local_dependencies(workflow)
    if dependency_cycle(dependencies) is not None:
        return identity
    first_index: dict[str, int] = {}
    for index, step in enumerate(workflow.steps):
        first_index.setdefault(step.step_id, index)
    placed: set[str] = set()
    order: list[int] = []
    remaining = list(identity)
    while remaining:
        ready = next(
            (
                index
                for index in remaining
                if all(d in placed for d in dependencies[workflow.steps[index].step_id])
            ),
            None,
        )
        if ready is None:  # pragma: no cover - only a cycle leaves no step ready
            return identity
        remaining.remove(ready)
        order.append(ready)
        placed.add(workflow.steps[ready].step_id)
    return tuple(order)
