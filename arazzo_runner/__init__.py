"""arazzo-runner: a spec-faithful engine for Arazzo 1.0.x workflows.

The public API, documented in docs/python-api.md::

    import arazzo_runner

    loaded = arazzo_runner.load("flow.arazzo.yaml")
    result = loaded.run("my-workflow", {"name": "value"})

Names are imported on first use, so ``import arazzo_runner`` stays fast (the
command line imports the package before it knows which command runs).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

# Public name -> the module (relative to this package) that defines it.
_EXPORTS: dict[str, str] = {
    "load": ".api",
    "LoadedArazzo": ".api",
    "RunOptions": ".engine",
    "RunListener": ".engine",
    "Exchange": ".http.messages",
    "PreparedRequest": ".http.messages",
    "ResponseRecord": ".http.messages",
    "WorkflowResult": ".results",
    "StepResult": ".results",
    "Attempt": ".results",
    "ActionTaken": ".results",
    "Status": ".results",
    "ArazzoError": ".errors",
    "UsageError": ".errors",
    "DocumentError": ".errors",
    "InputError": ".errors",
    "DocumentInvalid": ".diagnostics",
}

__all__ = [
    "ActionTaken",
    "ArazzoError",
    "Attempt",
    "DocumentError",
    "DocumentInvalid",
    "Exchange",
    "InputError",
    "LoadedArazzo",
    "PreparedRequest",
    "ResponseRecord",
    "RunListener",
    "RunOptions",
    "Status",
    "StepResult",
    "UsageError",
    "WorkflowResult",
    "__version__",
    "load",
]

if TYPE_CHECKING:
    from .api import LoadedArazzo, load
    from .diagnostics import DocumentInvalid
    from .engine import RunListener, RunOptions
    from .errors import ArazzoError, DocumentError, InputError, UsageError
    from .http.messages import Exchange, PreparedRequest, ResponseRecord
    from .results import ActionTaken, Attempt, Status, StepResult, WorkflowResult


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
