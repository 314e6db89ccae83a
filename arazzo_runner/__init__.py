"""arazzo-runner: a spec-faithful engine for Arazzo 1.0.x and 1.1.x workflows.

The public API, documented in docs/python-api.md::

    import arazzo_runner

    loaded = arazzo_runner.load("flow.arazzo.yaml")
    result = loaded.run("my-workflow", {"name": "value"})

Every public name is importable from here; the modules below this package are
internal and may change between releases (docs/architecture.md). Names are
imported on first use, so ``import arazzo_runner`` stays fast (the command line
imports the package before it knows which command runs).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

# Public name -> the module (relative to this package) that defines it. __all__
# and the TYPE_CHECKING imports repeat the names for tools that read them
# statically; tests/e2e/test_python_api_docs.py checks that the three agree.
_EXPORTS: dict[str, str] = {
    "load": ".api",
    "LoadedArazzo": ".api",
    "RunOptions": ".engine",
    "RunListener": ".engine",
    "Clock": ".engine",
    "SystemClock": ".engine",
    "Exchange": ".http.messages",
    "PreparedRequest": ".http.messages",
    "ResponseRecord": ".http.messages",
    "Credentials": ".http.auth",
    "ResponseChecker": ".http.response_checks",
    "CheckSeverity": ".http.response_checks",
    "WorkflowResult": ".results",
    "StepResult": ".results",
    "Attempt": ".results",
    "ActionTaken": ".results",
    "Status": ".results",
    "Diagnostics": ".diagnostics",
    "Diagnostic": ".diagnostics",
    "Severity": ".diagnostics",
    "DocumentInvalid": ".diagnostics",
    "validate_document": ".validation",
    "DocumentLimits": ".document",
    "SecretMasker": ".masking",
    "RunReports": ".reports",
    "ArazzoError": ".errors",
    "UsageError": ".errors",
    "DocumentError": ".errors",
    "InputError": ".errors",
}

__all__ = [
    "ActionTaken",
    "ArazzoError",
    "Attempt",
    "CheckSeverity",
    "Clock",
    "Credentials",
    "Diagnostic",
    "Diagnostics",
    "DocumentError",
    "DocumentInvalid",
    "DocumentLimits",
    "Exchange",
    "InputError",
    "LoadedArazzo",
    "PreparedRequest",
    "ResponseChecker",
    "ResponseRecord",
    "RunListener",
    "RunOptions",
    "RunReports",
    "SecretMasker",
    "Severity",
    "Status",
    "StepResult",
    "SystemClock",
    "UsageError",
    "WorkflowResult",
    "__version__",
    "load",
    "validate_document",
]

if TYPE_CHECKING:
    from .api import LoadedArazzo, load
    from .diagnostics import Diagnostic, Diagnostics, DocumentInvalid, Severity
    from .document import DocumentLimits
    from .engine import Clock, RunListener, RunOptions, SystemClock
    from .errors import ArazzoError, DocumentError, InputError, UsageError
    from .http.auth import Credentials
    from .http.messages import Exchange, PreparedRequest, ResponseRecord
    from .http.response_checks import CheckSeverity, ResponseChecker
    from .masking import SecretMasker
    from .reports import RunReports
    from .results import ActionTaken, Attempt, Status, StepResult, WorkflowResult
    from .validation import validate_document


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
