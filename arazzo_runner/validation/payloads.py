"""Payload replacements: a target is a JSON Pointer unless the body is XML.

The runner applies a replacement to a JSON (or form, or text) payload with RFC
6901 and to an XML one with XPath (``docs/semantics.md``). A target such as
``user.name`` or ``$.user.name`` is neither, and would fail every run of the
step; it is reported here, with the pointer it most likely means.
"""

from __future__ import annotations

import re

import jsonpointer

from ..document import Step, Workflow, join_pointer
from ..http.media_types import is_xml
from .context import LintContext

# One segment of a dotted or bracketed path: a name, or an index in brackets.
_SEGMENT = re.compile(r"\[(\d+)\]|\[['\"]([^'\"]*)['\"]\]|([^.\[\]]+)")


def check_explicit_body(ctx: LintContext, workflow: Workflow) -> None:
    """Steps whose body names its contentType; the others are checked with their operation."""
    for step in workflow.steps:
        if step.request_body is not None and step.request_body.content_type:
            check_replacement_targets(ctx, step, step.request_body.content_type)


def check_replacement_targets(ctx: LintContext, step: Step, content_type: str) -> None:
    """Report each replacement target of ``step`` that is not a JSON Pointer.

    ``content_type`` is the one the body is sent as; an XML body takes XPath
    targets, which are not checked here.
    """
    body = step.request_body
    if body is None:
        return
    for replacement in body.replacements:
        if replacement.target_type is not None:
            _check_selector_type(ctx, step, replacement.target_type, replacement.pointer,
                                 content_type)  # fmt: skip
    if is_xml(content_type):
        return
    for replacement in body.replacements:
        target = replacement.target
        selector = ctx.raw(join_pointer(replacement.pointer, "targetSelectorType"))
        # Arazzo 1.1 lets a replacement choose its selector language; only a pointer is
        # checked here (the field itself is reported as unknown in a 1.0 document).
        if selector not in (None, "jsonpointer") or _is_pointer(target):
            continue
        ctx.report(
            "invalid-replacement-target",
            join_pointer(replacement.pointer, "target"),
            f"replacement target '{target}' of step '{step.step_id}' is not a JSON Pointer, "
            f"as a body sent as {content_type} needs",
            hint=_pointer_hint(target),
        )


def _check_selector_type(
    ctx: LintContext, step: Step, target_type: str, pointer: str, content_type: str
) -> None:
    """An Arazzo 1.1 ``targetSelectorType`` that cannot address a body of ``content_type``."""
    xml = is_xml(content_type)
    if (target_type == "xpath") == xml:
        return
    ctx.report(
        "invalid-replacement-target",
        join_pointer(pointer, "targetSelectorType"),
        f"the {target_type} replacement target of step '{step.step_id}' cannot address a body "
        f"sent as {content_type}",
        hint="XML bodies take xpath targets; other bodies take jsonpointer or jsonpath targets",
    )


def _is_pointer(target: str) -> bool:
    try:
        jsonpointer.JsonPointer(target)
    except jsonpointer.JsonPointerException:
        return False
    return True


def _pointer_hint(target: str) -> str:
    """The pointer a dotted or JSONPath-like target most likely means."""
    if target.startswith("/"):
        return "in a JSON Pointer '~' is written '~0' and '/' inside a name '~1'"
    path = target.removeprefix("$").lstrip(".")
    parts = [index or quoted or name for index, quoted, name in _SEGMENT.findall(path)]
    if not parts:
        return "write an RFC 6901 pointer: '' for the whole payload, '/a/0/b' for a member"
    pointer = "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)
    return f"write it as a JSON Pointer: target: '{pointer}'"
