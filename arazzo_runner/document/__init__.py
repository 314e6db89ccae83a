"""Reading documents and building the Arazzo model.

Reading: ``reading`` gets a document's bytes from a file or URL within its
``limits``, ``parsing`` turns YAML 1.2 (``yaml12``, checked by ``yaml_guards``)
or JSON text into data, ``source_map`` gives a line and column for every value,
and ``parse_cache`` keeps large parsed documents on disk. Building (``build``):
the typed, compiled Arazzo model (``model``). ``syntax``: the reference grammars
every layer shares. Everything above this layer imports from here, not from the
modules.
"""

from .build import ModelBuilder, build_model, point_at
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
    "Workflow",
    "build_model",
    "check_workflow",
    "decode_document",
    "display_path",
    "effective_actions",
    "encode_like",
    "errors_in",
    "find_schema_cycle",
    "is_relative_reference",
    "is_url",
    "join_pointer",
    "load_document",
    "parse_document",
    "point_at",
    "resolve_pointer",
    "schema_properties",
    "top_level_value_span",
    "workflow_pointer_of",
]
