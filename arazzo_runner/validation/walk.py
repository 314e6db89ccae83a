"""Walking a workflow's compiled model: the values, criteria and actions the rules check.

Every rule reads the model the builder compiled once; nothing is parsed again.
What comes from a component is checked where it is used only for how it is
used (its target, its name), not for what it contains: that is the same for
every user and would be reported once per use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..document import Action, Criterion, Parameter, Step, Workflow, join_pointer
from ..expressions import CompiledValue


@dataclass(frozen=True)
class ValueSite:
    """A value written in a workflow, where it is written, and how to point into it."""

    pointer: str
    value: CompiledValue
    nested: bool
    """Whether a problem belongs at the string inside the value that holds it (parameter
    values and bodies) rather than at the value itself (outputs)."""


@dataclass(frozen=True)
class ActionList:
    """One list of actions of a workflow or step, with the name it is written under."""

    name: str
    owner: str
    """The pointer of the workflow or step the list belongs to."""
    actions: list[Action]


def dotted_match(name: str, known: set[str] | tuple[str, ...]) -> bool:
    """``a.b.c`` names ``a.b.c``, ``a.b`` or ``a`` (the longest existing prefix wins)."""
    segments = name.split(".")
    return any(".".join(segments[:cut]) in known for cut in range(len(segments), 0, -1))


def owners(workflow: Workflow) -> Iterator[Workflow | Step]:
    """The workflow, then each of its steps: whatever can hold values and actions."""
    yield workflow
    yield from workflow.steps


def walk_values(workflow: Workflow) -> Iterator[ValueSite]:
    """Every value written in the workflow or its steps, in document order per owner."""
    for owner in owners(workflow):
        for parameter in owner.parameters:
            if _written_in_place(parameter):
                yield ValueSite(parameter.value_pointer, parameter.value, nested=True)
        for name, value in owner.outputs.items():
            yield ValueSite(join_pointer(owner.pointer, "outputs", name), value, nested=False)
        body = owner.request_body if isinstance(owner, Step) else None
        if body is not None and body.payload is not None:
            yield ValueSite(join_pointer(body.pointer, "payload"), body.payload, nested=True)
        for replacement in body.replacements if body is not None else []:
            pointer = join_pointer(replacement.pointer, "value")
            yield ValueSite(pointer, replacement.value, nested=True)
        for action in _actions_of(owner):
            # Arazzo 1.1: an action's parameters, read in the step's context; a
            # component action's are the component's (see the module docstring).
            for parameter in action.parameters if action.reference is None else []:
                if _written_in_place(parameter):
                    yield ValueSite(parameter.value_pointer, parameter.value, nested=True)


def _written_in_place(parameter: Parameter) -> bool:
    # A component's value is the component's; a Reusable Object may override it.
    return parameter.value_pointer.startswith(parameter.pointer + "/")


def walk_action_lists(workflow: Workflow) -> Iterator[ActionList]:
    """The workflow's success and failure actions, then each step's."""
    for owner in owners(workflow):
        if isinstance(owner, Step):
            yield ActionList("onSuccess", owner.pointer, owner.on_success)
            yield ActionList("onFailure", owner.pointer, owner.on_failure)
        else:
            yield ActionList("successActions", owner.pointer, owner.success_actions)
            yield ActionList("failureActions", owner.pointer, owner.failure_actions)


def walk_criteria(workflow: Workflow) -> Iterator[Criterion]:
    """Every criterion written in the workflow: of its steps and of actions written in place."""
    for owner in owners(workflow):
        if isinstance(owner, Step):
            yield from owner.success_criteria
        for action in _actions_of(owner):
            if action.reference is None:
                yield from action.criteria


def _actions_of(owner: Workflow | Step) -> list[Action]:
    if isinstance(owner, Step):
        return [*owner.on_success, *owner.on_failure]
    return [*owner.success_actions, *owner.failure_actions]
