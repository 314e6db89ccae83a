"""Workflows and steps without an id, named for the rules so their contents are checked.

The model leaves out a workflow without a ``workflowId`` and a step without a
``stepId``: nothing can call or run them. Their contents can still be wrong in
ways worth knowing while the id is being added (an unknown step, source or
input), so the rules read a copy of the document in which each gets a
placeholder id. The structure has already reported the missing id; whatever
the rules say about the placeholder itself is dropped.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from ..diagnostics import Diagnostic
from ..document import LoadedDocument, join_pointer

WORKFLOW_PLACEHOLDER = "<no workflowId>"
STEP_PLACEHOLDER = "<no stepId>"


@dataclass(frozen=True)
class Named:
    """A copy of the document with placeholder ids, and where they were put."""

    document: LoadedDocument
    unnamed: tuple[str, ...]
    """The pointers of the workflows and steps that had no id."""

    def inside(self, diagnostic: Diagnostic) -> bool:
        """Whether ``diagnostic`` lies in a workflow or step that had no id."""
        pointer = _pointer(diagnostic)
        return any(pointer == p or pointer.startswith(p + "/") for p in self.unnamed)

    def about_a_placeholder(self, diagnostic: Diagnostic) -> bool:
        pointer = _pointer(diagnostic)
        return any(pointer in (f"{p}/workflowId", f"{p}/stepId") for p in self.unnamed)


def with_placeholder_ids(document: LoadedDocument) -> Named | None:
    """The document with an id for every workflow and step that lacks one; None if none does."""
    data = document.data
    workflows = data.get("workflows") if isinstance(data, dict) else None
    if not isinstance(workflows, list) or not any(_unnamed(workflows)):
        return None
    patched = copy.deepcopy(data)
    found = []
    for pointer, item, key, placeholder in _unnamed(patched["workflows"]):
        item[key] = placeholder
        found.append(pointer)
    return Named(replace(document, data=patched), tuple(found))


def _unnamed(workflows: list[Any]) -> list[tuple[str, dict[str, Any], str, str]]:
    found = []
    for index, workflow in enumerate(workflows):
        if not isinstance(workflow, dict):
            continue
        pointer = join_pointer("/workflows", index)
        if not isinstance(workflow.get("workflowId"), str):
            found.append((pointer, workflow, "workflowId", WORKFLOW_PLACEHOLDER))
        steps = workflow.get("steps")
        for number, step in enumerate(steps if isinstance(steps, list) else []):
            if isinstance(step, dict) and not isinstance(step.get("stepId"), str):
                found.append(
                    (join_pointer(pointer, "steps", number), step, "stepId", STEP_PLACEHOLDER)
                )
    return found


def _pointer(diagnostic: Diagnostic) -> str:
    return diagnostic.location.pointer or "" if diagnostic.location else ""
