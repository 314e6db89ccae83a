"""AsyncAPI descriptions: reading them, checking them, finding a step's channel.

``description`` indexes one AsyncAPI 3.0 or 2.x document (servers, channels,
messages, operations) with the ``$ref`` resolution of ``openapi/refs.py``;
``model`` holds the shapes it reads them into; ``schema`` checks a description
against the official AsyncAPI JSON Schema shipped in ``schemas/``; ``steps``
tells which steps are AsyncAPI steps, ``resolve`` finds their channel and
``coverage`` checks their parameters and payload against it.

The names below are imported on first use: an HTTP-only run imports none of
this package but ``steps``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ADDRESS_PARAMETER": "model",
    "Action": "model",
    "AsyncOperation": "model",
    "Channel": "model",
    "ChannelParameter": "model",
    "CorrelationLocation": "model",
    "Message": "model",
    "Reply": "model",
    "Server": "model",
    "ServerVariable": "model",
    "AsyncAPIDescription": "description",
    "is_asyncapi": "description",
    "SchemaIssue": "schema",
    "check_asyncapi_schema": "schema",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
