"""The sans-I/O interpreter of Arazzo workflows and the drivers that run it.

Everything above this layer imports from here, not from the modules.
"""

from .events import Listeners, RunListener
from .executor import RunOptions, WorkflowRunner
from .inputs import (
    InputValidator,
    apply_defaults,
    explain_missing_inputs,
    inputs_from_environment,
    parse_input_pairs,
    read_inputs_file,
)

__all__ = [
    "InputValidator",
    "Listeners",
    "RunListener",
    "RunOptions",
    "WorkflowRunner",
    "apply_defaults",
    "explain_missing_inputs",
    "inputs_from_environment",
    "parse_input_pairs",
    "read_inputs_file",
]
