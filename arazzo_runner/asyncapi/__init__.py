"""AsyncAPI descriptions: reading them, checking them, finding a step's channel.

``description`` indexes one AsyncAPI 3.0 or 2.x document (servers, channels,
messages, operations) with the ``$ref`` resolution of ``openapi/refs.py``;
``model`` holds the shapes it reads them into; ``schema`` checks a description
against the official AsyncAPI JSON Schema shipped in ``schemas/``.
"""

from .description import AsyncAPIDescription, is_asyncapi
from .model import (
    ADDRESS_PARAMETER,
    Action,
    AsyncOperation,
    Channel,
    ChannelParameter,
    CorrelationLocation,
    Message,
    Reply,
    Server,
    ServerVariable,
)
from .schema import SchemaIssue, check_asyncapi_schema

__all__ = [
    "ADDRESS_PARAMETER",
    "Action",
    "AsyncAPIDescription",
    "AsyncOperation",
    "Channel",
    "ChannelParameter",
    "CorrelationLocation",
    "Message",
    "Reply",
    "SchemaIssue",
    "Server",
    "ServerVariable",
    "check_asyncapi_schema",
    "is_asyncapi",
]
