"""Run data as JSON that Temporal can store, and back: requests, outcomes, events, results.

Temporal's payloads are JSON. The engine's records are dataclasses holding
bytes, datetimes, enums and tuples, so each of those is written as a small
tagged object. Reading constructs only the classes listed in :data:`_CLASSES`:
nothing in a history can make the reader build anything else.
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any

from ..http.commands import SendOutcome
from ..http.messages import CheckResult, Exchange, PreparedRequest, ResponseRecord
from ..results import (
    ActionTaken,
    Attempt,
    CriterionVerdict,
    RunError,
    Status,
    StepResult,
    WorkflowResult,
)

_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        ActionTaken,
        Attempt,
        CheckResult,
        CriterionVerdict,
        Exchange,
        PreparedRequest,
        ResponseRecord,
        RunError,
        SendOutcome,
        Status,
        StepResult,
        WorkflowResult,
    )
}

_TYPE = "$type"
_BYTES = "$bytes"
_DATETIME = "$datetime"
_TUPLE = "$tuple"
_ENUM = "$enum"
_DICT = "$dict"


class WireError(ValueError):
    """Data that is not what :func:`to_wire` writes."""


def to_wire(value: Any) -> Any:
    """``value`` as JSON-compatible data that :func:`from_wire` reads back."""
    if value is None or (
        isinstance(value, bool | int | float | str) and not isinstance(value, Enum)
    ):
        return value
    if isinstance(value, Enum):
        return {_ENUM: type(value).__name__, "value": value.value}
    if isinstance(value, bytes | bytearray):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_wire(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {_TYPE: type(value).__name__, **fields}
    if isinstance(value, tuple):
        return {_TUPLE: [to_wire(item) for item in value]}
    if isinstance(value, list):
        return [to_wire(item) for item in value]
    if isinstance(value, dict):
        # Pairs, in order: Temporal's converter sorts object keys, and a document's
        # own objects may have a key that looks like one of the tags above.
        return {_DICT: [[str(key), to_wire(item)] for key, item in value.items()]}
    raise WireError(f"cannot store a {type(value).__name__} in a Temporal payload")


def from_wire(data: Any) -> Any:
    """The value :func:`to_wire` wrote as ``data``."""
    if isinstance(data, list):
        return [from_wire(item) for item in data]
    if not isinstance(data, dict):
        return data
    if _DICT in data:
        return {key: from_wire(item) for key, item in data[_DICT]}
    if _BYTES in data:
        return base64.b64decode(data[_BYTES])
    if _DATETIME in data:
        return datetime.fromisoformat(data[_DATETIME])
    if _TUPLE in data:
        return tuple(from_wire(item) for item in data[_TUPLE])
    if _ENUM in data:
        return _known(data[_ENUM])(data["value"])
    if _TYPE in data:
        cls = _known(data[_TYPE])
        return cls(**{k: from_wire(v) for k, v in data.items() if k != _TYPE})
    raise WireError(f"unexpected object in a Temporal payload: keys {sorted(data)}")


def _known(name: Any) -> type[Any]:
    cls = _CLASSES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise WireError(f"unexpected type {name!r} in a Temporal payload")
    return cls
