"""Reading documents and building the Arazzo model.

Reading (``loader``): YAML 1.2 or JSON text, bounded by limits, with a line and
column for every node. Building (``model``): the typed, compiled Arazzo model.
Everything above this layer imports from here, not from the modules.
"""

from .loader import (
    DocumentLimits,
    FetchRefused,
    LoadedDocument,
    LoadOptions,
    display_path,
    find_schema_cycle,
    is_url,
    join_pointer,
    load_document,
    resolve_pointer,
)
from .model import (
    Action,
    ArazzoDocument,
    Criterion,
    Info,
    ModelBuilder,
    Parameter,
    SourceDescription,
    Step,
    Workflow,
    build_model,
    check_workflow,
    workflow_pointer_of,
)

__all__ = [
    "Action",
    "ArazzoDocument",
    "Criterion",
    "DocumentLimits",
    "FetchRefused",
    "Info",
    "LoadOptions",
    "LoadedDocument",
    "ModelBuilder",
    "Parameter",
    "SourceDescription",
    "Step",
    "Workflow",
    "build_model",
    "check_workflow",
    "display_path",
    "find_schema_cycle",
    "is_url",
    "join_pointer",
    "load_document",
    "resolve_pointer",
    "workflow_pointer_of",
]
