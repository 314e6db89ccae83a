"""Reading documents and building the Arazzo model.

Reading: ``reading`` gets a document's bytes from a file or URL within its
``limits``, ``parsing`` turns YAML 1.2 (``yaml12``, checked by ``yaml_guards``)
or JSON text into data, ``source_map`` gives a line and column for every value,
and ``parse_cache`` keeps large parsed documents on disk. Building (``build``):
the typed, compiled Arazzo model (``model``). ``syntax``: the reference grammars
every layer shares. Everything above this layer imports from here, not from the
modules.
"""

from .anchors import schema_anchors, with_anchors_as_pointers
from .build import ModelBuilder, build_model, point_at
from .dependencies import (
    StepTarget,
    dependency_cycle,
    execution_order,
    local_dependencies,
    output_references,
    parse_step_target,
    uses_step_dependencies,
)
from .limits import DocumentLimits
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
    effective_actions,
    errors_in,
    schema_properties,
    workflow_pointer_of,
)
from .parsing import LoadedDocument, parse_document
from .pointer import join_pointer, resolve_pointer
from .reading import FetchRefused, LoadOptions, decode_document, encode_like, load_document
from .schema_cycles import find_schema_cycle
from .spans import top_level_value_span
from .syntax import (
    BARE_OPERATION_PATH,
    COMPONENT_REFERENCE,
    OPERATION_PATH,
    PATH_TEMPLATE,
    SOURCE_REFERENCE,
)
from .uris import display_path, is_relative_reference, is_url

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
    "StepTarget",
    "Workflow",
    "build_model",
    "check_workflow",
    "decode_document",
    "dependency_cycle",
    "display_path",
    "effective_actions",
    "encode_like",
    "errors_in",
    "execution_order",
    "find_schema_cycle",
    "is_relative_reference",
    "is_url",
    "join_pointer",
    "load_document",
    "local_dependencies",
    "output_references",
    "parse_document",
    "parse_step_target",
    "point_at",
    "resolve_pointer",
    "schema_anchors",
    "schema_properties",
    "top_level_value_span",
    "uses_step_dependencies",
    "with_anchors_as_pointers",
    "workflow_pointer_of",
]
