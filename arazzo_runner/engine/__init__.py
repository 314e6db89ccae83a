"""The sans-I/O interpreter of Arazzo workflows and the drivers that run it.

Two lifetimes, as in a workflow service: :func:`prepare_workflow` turns a
workflow of a document into a :class:`PreparedWorkflow` once (``prepare``);
each execution is a :class:`Run` (``interpreter``), a generator of I/O
commands that :func:`run_blocking` or :func:`run_async` carry out
(``drivers``). ``options`` holds :class:`RunOptions` and the :class:`Clock`,
``state`` what one run keeps, ``actions`` what follows an attempt.
Everything above this layer imports from here, not from the modules.
"""

from .drivers import RunInterrupted, run_async, run_blocking
from .events import Listeners, RunListener
from .inputs import (
    API_INPUTS_HINT,
    InputValidator,
    apply_defaults,
    convert_input,
    explain_missing_inputs,
    inputs_from_environment,
    parse_input_pairs,
)
from .interpreter import Run, RunCommands
from .options import Clock, RunOptions, SystemClock
from .prepare import (
    DocumentServices,
    InputsPreparer,
    PreparedWorkflow,
    SourceLoader,
    prepare_workflow,
)
from .state import RunLimitExceeded

__all__ = [
    "API_INPUTS_HINT",
    "Clock",
    "DocumentServices",
    "InputValidator",
    "InputsPreparer",
    "Listeners",
    "PreparedWorkflow",
    "Run",
    "RunCommands",
    "RunInterrupted",
    "RunLimitExceeded",
    "RunListener",
    "RunOptions",
    "SourceLoader",
    "SystemClock",
    "apply_defaults",
    "convert_input",
    "explain_missing_inputs",
    "inputs_from_environment",
    "parse_input_pairs",
    "prepare_workflow",
    "run_async",
    "run_blocking",
]
