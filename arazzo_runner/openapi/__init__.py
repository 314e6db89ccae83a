"""OpenAPI descriptions: reading them, following ``$ref``, finding a step's operation.

``description`` indexes one OpenAPI document, following ``$ref``s with
``refs``; ``resolve`` finds the operation a step calls across an Arazzo
document's source descriptions; ``coverage`` checks the parameters a step
supplies to it; ``serialization`` writes parameter values in every OpenAPI
style.
"""

from .coverage import check_parameters
from .description import OpenAPIDescription, Operation, OperationParameter, RelativeServerURL
from .refs import DocumentCache, Located, UnresolvableReference, dereference
from .resolve import (
    Resolution,
    ResolutionProblem,
    SourceRegistry,
    Sources,
    resolve_operation,
)
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
    serialize_querystring,
    to_text,
)

__all__ = [
    "DocumentCache",
    "Located",
    "OpenAPIDescription",
    "Operation",
    "OperationParameter",
    "ParameterStyle",
    "RelativeServerURL",
    "Resolution",
    "ResolutionProblem",
    "SourceRegistry",
    "Sources",
    "UnresolvableReference",
    "check_parameters",
    "content_text",
    "default_style",
    "dereference",
    "form_escape",
    "query_escape",
    "resolve_operation",
    "serialize_cookie",
    "serialize_form_query",
    "serialize_header",
    "serialize_path_value",
    "serialize_querystring",
    "to_text",
]
