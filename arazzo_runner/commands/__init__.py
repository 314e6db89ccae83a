"""The subcommands of ``arazzo``, one module each.

A command module defines ``NAME``, ``add_parser(subparsers)`` and
``execute(args, stdout, stderr) -> exit code``. Modules import what they need
inside ``execute``, so that ``arazzo --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

# In the order ``arazzo --help`` lists them.
COMMANDS = ("run", "validate", "list", "show")


def command_modules() -> list[ModuleType]:
    return [command_module(name) for name in COMMANDS]


def command_module(name: str) -> ModuleType:
    return import_module(f"{__name__}.{name.replace('-', '_')}")
