"""OpenAPI descriptions: reading them, following ``$ref``, finding a step's operation.

``description`` indexes one OpenAPI document, following ``$ref``s with
``refs``; ``resolve`` finds the operation a step calls across an Arazzo
document's source descriptions; ``serialization`` writes parameter values in
every OpenAPI style.
"""

from .description import OpenAPIDescription, Operation, OperationParameter
from .refs import DocumentCache, Located, UnresolvableReference, dereference
from .resolve import SourceRegistry, operation_id_hint
from .serialization import (
    ParameterStyle,
    content_text,
    default_style,
    form_escape,
    query_escape,
    serialize_cookie,
    serialize_form_query,
    serialize_header,
    serialize_path_value,
    to_text,
)

__all__ = [
    "DocumentCache",
    "Located",
    "OpenAPIDescription",
    "Operation",
    "OperationParameter",
    "ParameterStyle",
    "SourceRegistry",
    "UnresolvableReference",
    "content_text",
    "default_style",
    "dereference",
    "form_escape",
    "operation_id_hint",
    "query_escape",
    "serialize_cookie",
    "serialize_form_query",
    "serialize_header",
    "serialize_path_value",
    "to_text",
]
