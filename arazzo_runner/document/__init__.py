"""Reading documents and building the Arazzo model.

Reading (``loader``): YAML 1.2 or JSON text, bounded by limits, with a line and
column for every node. Building (``build``): the typed, compiled Arazzo model
(``model``). ``syntax``: the reference grammars every layer shares.
Everything above this layer imports from here, not from the modules.
"""

from .build import ModelBuilder, build_model, point_at
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
    ActionKind,
    ArazzoDocument,
    Criterion,
    Info,
    Parameter,
    SourceDescription,
    Step,
    Workflow,
    check_workflow,
    errors_in,
    workflow_pointer_of,
)
from .syntax import (
    BARE_OPERATION_PATH,
    COMPONENT_REFERENCE,
    OPERATION_PATH,
    PATH_TEMPLATE,
    SOURCE_REFERENCE,
)

__all__ = [
    "BARE_OPERATION_PATH",
    "COMPONENT_REFERENCE",
    "OPERATION_PATH",
    "PATH_TEMPLATE",
    "SOURCE_REFERENCE",
    "Action",
    "ActionKind",
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
    "errors_in",
    "find_schema_cycle",
    "is_url",
    "join_pointer",
    "load_document",
    "point_at",
    "resolve_pointer",
    "workflow_pointer_of",
]
