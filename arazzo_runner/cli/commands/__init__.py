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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...api import LoadedArazzo
    from ...diagnostics import Diagnostic
    from ..console import Console

# In the order ``arazzo --help`` lists them.
COMMANDS = ("run", "validate", "list", "show", "upgrade", "worker")


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
    parser.add_argument(
        "--document",
        metavar="FILE",
        action="append",
        default=[],
        help="another Arazzo document that source descriptions may name by its $self "
        "(Arazzo 1.1) wherever it is stored (repeatable)",
    )


# What `list` and `show` can describe without: the operations a step calls are
# named in the document itself, so a missing or broken OpenAPI file hides only
# what the operations look like, never which workflows and steps there are.
_INSPECTABLE_WITHOUT = frozenset({"unresolved-operation", "ambiguous-operation-id"})


def load_for_inspection(args: argparse.Namespace) -> tuple[LoadedArazzo, list[Diagnostic]]:
    """The document to describe, and what of it could not be resolved.

    A document that would be refused only because its source descriptions cannot
    be read (or the operations in them found) is still described; the problems
    come back for the command to show. Any other error refuses as ``run`` does.
    """
    from ...api import LoadedArazzo, load
    from ...diagnostics import Diagnostics, DocumentInvalid
    from ...document import LoadOptions
    from ...validation import RULES, validate_document

    try:
        loaded = load(
            args.file, diagnostics=Diagnostics(), offline=args.offline, documents=args.document
        )
        return loaded, []
    except DocumentInvalid as refused:
        unresolved = refused.diagnostics
        if not all(
            d.rule in _INSPECTABLE_WITHOUT or (d.rule in RULES and RULES[d.rule].group == "sources")
            for d in unresolved
        ):
            raise
        candidates = (args.file, *args.document) if args.document else ()
        model = validate_document(
            args.file,
            Diagnostics(),
            offline=args.offline,
            options=LoadOptions(documents=candidates),
        )
        if model is None:
            raise
        return LoadedArazzo(model, Diagnostics()), unresolved


def note_unresolved(unresolved: list[Diagnostic], console: Console) -> None:
    """Say on stderr what a description had to leave out, so stdout stays the description."""
    if not unresolved:
        return
    print("note: described without what could not be resolved:", file=console.stderr)
    for diagnostic in unresolved:
        print("  " + diagnostic.render().replace("\n", "\n  "), file=console.stderr)


def unresolved_json(unresolved: list[Diagnostic]) -> list[dict[str, Any]]:
    from ...validation.output import diagnostic_json

    return [diagnostic_json(d, d.location.file if d.location else "") for d in unresolved]
