"""``arazzo upgrade``: rewrite an Arazzo 1.0 document as 1.1, or say why it cannot be."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ...errors import EXIT_OK, EXIT_WORKFLOW_FAILED

if TYPE_CHECKING:
    from ...upgrade import Upgrade
    from ..console import Console

NAME = "upgrade"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "upgrade",
        help="rewrite an Arazzo 1.0 document as Arazzo 1.1",
        description="Rewrite an Arazzo 1.0 document as Arazzo 1.1, changing only the "
        "bytes that must change (comments, key order, quoting and blank lines stay). "
        "A document that 1.1 would read differently is refused, with every place that "
        "would change meaning; see docs/upgrading.md.",
        epilog="exit codes: 0 upgraded (or already Arazzo 1.1: nothing to do), 1 refused "
        "(the document has validation errors, or 1.1 would change what it means), 2 could "
        "not start (no such file, a URL, bad arguments)",
    )
    parser.add_argument("file", metavar="FILE", help="the Arazzo 1.0 document (YAML or JSON)")
    parser.add_argument(
        "--write",
        action="store_true",
        help="replace FILE with the upgraded document (atomically) instead of printing it",
    )


def execute(args: argparse.Namespace, console: Console) -> int:
    from ...upgrade import Outcome, upgrade_file

    result = upgrade_file(args.file)
    if result.outcome is Outcome.REFUSED:
        _report_refusal(result, console)
        return EXIT_WORKFLOW_FAILED
    if result.outcome is Outcome.ALREADY_1_1:
        print(
            f"{args.file}: already Arazzo {result.version}; nothing to upgrade",
            file=console.stderr,
        )
        if not args.write:
            console.stdout.write(result.text)  # so that `upgrade a > b` always makes a document
        return EXIT_OK
    assert result.upgraded is not None
    if args.write:
        _write(args.file, result.upgraded)
        print(f"{args.file}: upgraded from Arazzo {result.version} to 1.1.0", file=console.stdout)
    else:
        console.stdout.write(result.text)
    return EXIT_OK


def _write(path: str, content: bytes) -> None:
    from ...errors import DocumentError, SourceLocation
    from ...upgrade import write_atomically

    try:
        write_atomically(path, content)
    except OSError as exc:
        raise DocumentError(
            f"cannot write the upgraded document: {exc.strerror or exc}; the file is unchanged",
            location=SourceLocation(path),
            hint="check that the directory is writable, or print the document without --write",
        ) from None


def _report_refusal(result: Upgrade, console: Console) -> None:
    for problem in result.problems:
        print(problem.render(), file=console.stderr)
    count = len(result.problems)
    print(
        f"{count} error{'s' if count != 1 else ''}; {result.path} was not upgraded",
        file=console.stderr,
    )
