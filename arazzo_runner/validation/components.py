"""Expressions inside reusable components, checked in each workflow that uses them.

A component parameter's value or a component action's criteria name inputs,
steps and outputs of whatever workflow uses the component:
``$steps.authenticate.outputs.token`` is right in one workflow and wrong in
another. So each use is checked against its workflow, and a problem is reported
at the use (the Reusable Object), naming the component where the expression is
written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..document import Workflow
from ..expressions import RuntimeExpression
from .context import LintContext
from .expressions import check_reference
from .walk import owners, walk_action_lists


def check_component_uses(ctx: LintContext, workflow: Workflow) -> None:
    for used_at, component, expression in _component_expressions(workflow):
        at_use = replace(ctx, found=[])
        check_reference(at_use, workflow, expression, used_at, None)
        for diagnostic in at_use.found:
            ctx.found.append(
                replace(diagnostic, message=f"{diagnostic.message} (in {component}, used here)")
            )


def _component_expressions(workflow: Workflow) -> Iterator[tuple[str, str, RuntimeExpression]]:
    """(where it is used, the component, an expression it holds) for each component use."""
    for owner in owners(workflow):
        for parameter in owner.parameters:
            # A Reusable Object that overrides the value holds its own, checked in place.
            overridden = parameter.value_pointer.startswith(parameter.pointer + "/")
            if parameter.reference is None or overridden:
                continue
            for expression in parameter.value.expressions():
                yield parameter.pointer, _name(parameter.reference), expression
    for actions in walk_action_lists(workflow):
        for action in actions.actions:
            if action.reference is None:
                continue
            for criterion in action.criteria:
                for expression in criterion.compiled.expressions():
                    yield action.used_at, _name(action.pointer), expression


def _name(pointer: str) -> str:
    """``/components/parameters/token`` as the document names it: components.parameters.token."""
    parts = pointer.strip("/").split("/")
    return ".".join(part.replace("~1", "/").replace("~0", "~") for part in parts)
