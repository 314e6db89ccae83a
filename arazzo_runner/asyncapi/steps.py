"""Which steps are AsyncAPI steps: the one question every layer asks, answered cheaply.

Kept apart from the resolver so that preparing or validating a document whose
steps are all HTTP imports nothing else of this package.
"""

from __future__ import annotations

from ..document import OPERATION_PATH, SOURCE_REFERENCE, ArazzoDocument, Step


def asyncapi_source_named(document: ArazzoDocument, reference: str | None) -> str | None:
    """The asyncapi source a ``$sourceDescriptions.<name>.<rest>`` reference names, if any."""
    match = SOURCE_REFERENCE.match(reference or "") or OPERATION_PATH.match(reference or "")
    if match is None:
        return None
    name = match.group(1) if match.re is SOURCE_REFERENCE else match.group(2)
    source = document.source(name)
    return name if source is not None and source.type == "asyncapi" else None


def is_message_step(document: ArazzoDocument, step: Step) -> bool:
    """Whether ``step`` sends or receives a message rather than calling an HTTP operation."""
    if step.workflow_id is not None:
        return False
    if step.is_message_step:
        return True
    return any(
        asyncapi_source_named(document, reference) is not None
        for reference in (step.operation_id, step.operation_path)
    )
