"""The ``arazzo`` command.

Exit codes (a stable contract, documented in the README):

* 0 - the workflow succeeded
* 1 - the workflow ran and failed (criteria not met, HTTP or network error)
* 2 - the command could not start (bad arguments, unreadable or invalid
  document, unknown workflow, invalid inputs); nothing was sent
* 70 - an internal error: a bug in arazzo-runner (with a traceback to report)
* 130 - interrupted (Ctrl-C)
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from .._version import __version__
from ..errors import EXIT_CANNOT_START, EXIT_OK, ArazzoError, UsageError
from .commands import command_module, command_modules

if TYPE_CHECKING:
    from ..masking import SecretMasker

EXIT_INTERRUPTED = 130
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE in sysexits.h


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors as :class:`UsageError` (exit code 2, no usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, hint=f"see '{self.prog} --help'")


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="arazzo",
        description="Run Arazzo 1.0.x workflows against real APIs.",
    )
    parser.add_argument("--version", action="version", version=f"arazzo-runner {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_ArgumentParser
    )
    for module in command_modules():
        module.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    stdout, stderr = sys.stdout, sys.stderr
    args = argparse.Namespace()  # a command that learns secrets sets args.masker
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help(stdout)
            return EXIT_CANNOT_START
        return command_module(args.command).execute(args, stdout, stderr)
    except ArazzoError as exc:
        print(format_error(exc, getattr(args, "masker", None)), file=stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `arazzo run ... | head`
        return EXIT_OK
    except Exception:
        # Not a user error: a bug. Show everything needed to report it, and keep
        # it apart from exit code 1, which means "the workflow failed".
        masker: SecretMasker | None = getattr(args, "masker", None)
        text = traceback.format_exc()
        stderr.write(masker.mask(text) if masker is not None else text)
        print(
            f"arazzo-runner {__version__} hit an internal error (a bug); please report it "
            "with the traceback above",
            file=stderr,
        )
        return EXIT_INTERNAL_ERROR


def format_error(exc: ArazzoError, masker: SecretMasker | None = None) -> str:
    """The error as printed, secrets masked by ``masker`` (the run's, when one started)."""
    text = _format_error(exc)
    return masker.mask(text) if masker is not None else text


def _format_error(exc: ArazzoError) -> str:
    from ..diagnostics import DocumentInvalid

    if isinstance(exc, DocumentInvalid):
        return exc.render()
    text = exc.render()
    if exc.location is not None:
        location, _, rest = text.partition(": ")
        return f"{location}: error: {rest}"
    return f"error: {text}"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
