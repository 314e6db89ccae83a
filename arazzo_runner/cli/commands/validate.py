"""``arazzo validate``: check Arazzo documents without running them (for CI and editors)."""

from __future__ import annotations

import argparse
import glob
import os
import re
from typing import TYPE_CHECKING

from ...errors import EXIT_CANNOT_START, EXIT_OK, EXIT_WORKFLOW_FAILED

if TYPE_CHECKING:
    from ...validation.selection import Selection
    from ..console import Console

NAME = "validate"
_FORMATS = ("text", "json", "github", "sarif")
# What a directory argument expands to: files named like Arazzo documents, or
# YAML/JSON files that start out as one.
_ARAZZO_FILE = re.compile(r"(^|\.)arazzo\.(ya?ml|json)$")
_DATA_FILE = re.compile(r"\.(ya?ml|json)$")
_ARAZZO_HEAD = re.compile(r'^(arazzo\s*:|\s*"arazzo"\s*:)', re.MULTILINE)
_GLOB_CHARS = re.compile(r"[*?\[]")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "validate",
        help="check Arazzo documents without running them",
        description="Check Arazzo documents: the Arazzo 1.0 schema, references, runtime "
        "expressions, control flow, and the operations they call in their OpenAPI "
        "descriptions. Nothing is sent to the APIs.",
        epilog="exit codes: 0 no errors, 1 errors found (or warnings with --strict), "
        "2 could not run (no file matched the arguments, an unknown rule). Rule ids and "
        "groups: docs/validate.md#rules; '# arazzo: ignore[RULE]' on a line suppresses it.",
    )
    parser.add_argument(
        "paths",
        metavar="FILE",
        nargs="+",
        help="Arazzo documents: files, globs ('**/*.arazzo.yaml'), directories (searched for "
        "*.arazzo.yaml/yml/json) or URLs",
    )
    parser.add_argument(
        # --output as in the other commands; --format, its first name, stays an alias.
        "--output",
        "-o",
        "--format",
        "-f",
        dest="format",
        metavar="FORMAT",
        choices=_FORMATS,
        default="text",
        help="text (default), json, github (workflow commands that annotate pull requests) "
        "or sarif (SARIF 2.1.0, for code scanning); --format is an alias",
    )
    parser.add_argument(
        "--strict", action="store_true", help="count warnings as errors for the exit code"
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not fetch remote source descriptions (their operations are not checked)",
    )
    _add_selection_arguments(parser)


def _add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        metavar="RULE",
        action="append",
        default=[],
        help="report only these rules or rule groups (repeatable, or comma-separated); "
        "replaces the configuration file's select",
    )
    parser.add_argument(
        "--ignore",
        metavar="RULE",
        action="append",
        default=[],
        help="do not report these rules or rule groups (repeatable, or comma-separated); "
        "added to the configuration file's ignore",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="read [validate] settings from this TOML file instead of the arazzo.toml or "
        "pyproject.toml found upwards from the current directory",
    )


def execute(args: argparse.Namespace, console: Console) -> int:
    from ...diagnostics import Diagnostics
    from ...document import LoadOptions
    from ...reporting.terminal import wants_colour
    from ...validation import validate_document
    from ...validation.output import FileResult, counts, write
    from ...validation.selection import apply

    files, unmatched = expand(args.paths)
    for pattern in unmatched:
        # Not fatal when other arguments matched: a CI glob for *.json may match nothing.
        print(f"note: no file matches '{pattern}'", file=console.stderr)
    if not files:
        print("error: no file to validate", file=console.stderr)
        return EXIT_CANNOT_START
    selection, strict = _selection(args)
    # Each file given may name another by its $self (Arazzo 1.1), wherever it is stored.
    options = LoadOptions(documents=_identified(files))
    results = []
    for path in files:
        diagnostics = Diagnostics()
        validate_document(path, diagnostics, offline=args.offline, options=options)
        filtered = apply(selection, path, list(diagnostics))
        for note in filtered.notes:
            print(f"note: {note}", file=console.stderr)
        results.append(FileResult(path, filtered.kept, filtered.suppressed))
    colour = args.format == "text" and wants_colour(console.stdout, console.environ)
    write(results, args.format, console.stdout, color=colour)
    errors, warnings = counts(results)
    failed = errors > 0 or (strict and warnings > 0)
    return EXIT_WORKFLOW_FAILED if failed else EXIT_OK


def _identified(files: list[str]) -> tuple[str, ...]:
    """The local files that declare a ``$self``: the only ones an identity can name.

    Looking for the name in the text costs a read; parsing every file for every
    other one would cost a parse per pair.
    """
    found = []
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                text = file.read()
        except OSError:
            continue  # reported when the file itself is validated
        if "$self" in text:
            found.append(path)
    return tuple(found)


def _selection(args: argparse.Namespace) -> tuple[Selection, bool]:
    """The rules to report and whether warnings fail: the config file, then the options."""
    from ...validation.selection import Selection, expand_rules, selection_from_table
    from ..config import settings_table

    path, table = settings_table("validate", args.config)
    base, strict = Selection(), False
    if path is not None:
        base, strict = selection_from_table(table, str(path), str(path.parent))
    select = expand_rules(args.select, "--select") if args.select else base.select
    ignore = base.ignore | expand_rules(args.ignore, "--ignore")
    return Selection(select, ignore, base.per_file, base.root), strict or args.strict


def expand(arguments: list[str]) -> tuple[list[str], list[str]]:
    """The files the arguments name, in order and without repeats, and those naming none."""
    files: list[str] = []
    unmatched: list[str] = []
    for argument in arguments:
        found = _expand_one(argument)
        if not found:
            unmatched.append(argument)
        files.extend(path for path in found if path not in files)
    return files, unmatched


def _expand_one(argument: str) -> list[str]:
    if argument.startswith(("http://", "https://")):
        return [argument]
    if os.path.isdir(argument):
        return sorted(
            os.path.join(root, name)
            for root, _, names in os.walk(argument)
            for name in names
            if _ARAZZO_FILE.search(name)
            or (_DATA_FILE.search(name) and _looks_like_arazzo(os.path.join(root, name)))
        )
    if _GLOB_CHARS.search(argument):
        return sorted(p for p in glob.glob(argument, recursive=True) if os.path.isfile(p))
    # A plain path is checked even if it cannot be read: that is a diagnostic for it.
    return [argument] if os.path.lexists(argument) else []


def _looks_like_arazzo(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return _ARAZZO_HEAD.search(handle.read(4096)) is not None
    except OSError:
        return False
