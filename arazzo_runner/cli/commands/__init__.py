"""The subcommands of ``arazzo``, one module each.

A command module defines ``NAME``, ``add_parser(subparsers)`` and
``execute(args, console) -> exit code`` (see :class:`~arazzo_runner.cli.console.Console`).
Modules import what they need inside ``execute``, so that ``arazzo --help``
stays fast.
"""

from __future__ import annotations

import argparse
from importlib import import_module
from types import ModuleType

# In the order ``arazzo --help`` lists them.
COMMANDS = ("run", "validate", "list", "show")


def command_modules() -> list[ModuleType]:
    return [command_module(name) for name in COMMANDS]


def command_module(name: str) -> ModuleType:
    return import_module(f"{__name__}.{name.replace('-', '_')}")


def add_document_arguments(
    parser: argparse.ArgumentParser,
    output_help: str,
    offline_help: str = "never fetch a document over the network",
) -> None:
    """The arguments every command that reads one document shares: FILE, --output, --offline."""
    parser.add_argument("file", metavar="FILE", help="Arazzo document (YAML or JSON), path or URL")
    parser.add_argument(
        "--output", "-o", choices=("text", "json"), default="text", help=output_help
    )
    parser.add_argument("--offline", action="store_true", help=offline_help)
