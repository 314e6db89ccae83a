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
import contextlib
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from .._version import __version__
from ..errors import EXIT_CANNOT_START, EXIT_OK, ArazzoError, UsageError
from .commands import command_module, command_modules
from .console import Console, guard_closed_pipe
from .usage import invalid_choice, subcommand_parser, unrecognized, usage_hint

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from ..masking import SecretMasker

EXIT_INTERRUPTED = 130
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE in sysexits.h


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors as :class:`UsageError` (exit code 2, no usage dump)
    and prints help and ``--version`` on the command's own streams."""

    def __init__(self, *args: Any, console: Console | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.console = console
        self._suggestion: str | None = None

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, hint=usage_hint(self.prog, self._suggestion))

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # argparse's own message has no suggestion; this one keeps its wording and adds one.
        if action.choices is not None and value not in action.choices:
            message, self._suggestion = invalid_choice(action, value)
            raise argparse.ArgumentError(action, message)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if self.console is None:
            return super()._print_message(message, file)
        # argparse itself names sys.stdout (help, --version) or sys.stderr (None).
        to_stdout = file is sys.stdout or file is self.console.stdout
        if message:
            (self.console.stdout if to_stdout else self.console.stderr).write(message)


def build_parser(console: Console | None = None) -> argparse.ArgumentParser:
    console = console or Console(sys.stdout, sys.stderr)
    parser = _ArgumentParser(
        prog="arazzo",
        description="Run Arazzo 1.0.x and 1.1.x workflows against real APIs and brokers.",
        console=console,
    )
    parser.add_argument("--version", action="version", version=f"arazzo-runner {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_ArgumentParser
    )
    for module in command_modules():
        module.add_parser(commands)
    for subparser in commands.choices.values():
        subparser.console = console  # for `arazzo COMMAND --help`
    return parser


def script() -> int:
    """The ``arazzo`` console script and ``python -m arazzo_runner``: :func:`main`, and
    after anything that used Temporal, an exit without the interpreter's teardown.

    The Temporal SDK's native threads can outlive its event loop and abort the
    interpreter while it finalizes (temporalio/sdk-python#300): a run that finished
    and printed its result would then end with SIGABRT instead of its exit code.
    By this point every output is written; flushing it and leaving at once keeps
    the exit code the run earned.
    """
    code = main()
    if "temporalio" in sys.modules:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    return code


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run ``arazzo`` with ``argv`` (default: the process's arguments); returns the exit code.

    The streams and the environment default to the process's own. ``--help`` and
    ``--version`` print on ``stdout``, then raise ``SystemExit(0)`` as argparse does.
    """
    console = Console(
        stdout=guard_closed_pipe(sys.stdout if stdout is None else stdout),
        stderr=guard_closed_pipe(sys.stderr if stderr is None else stderr),
        stdin=sys.stdin if stdin is None else stdin,
        environ=os.environ if environ is None else environ,
    )
    try:
        return _main(argv, console)
    except KeyboardInterrupt:
        print("interrupted", file=console.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # pragma: no cover - the console's streams drop it
        return EXIT_OK
    except Exception:
        # Not a user error: a bug. Show everything needed to report it, and keep
        # it apart from exit code 1, which means "the workflow failed".
        console.stderr.write(console.mask(traceback.format_exc()))
        print(
            f"arazzo-runner {__version__} hit an internal error (a bug); please report it "
            "with the traceback above",
            file=console.stderr,
        )
        return EXIT_INTERNAL_ERROR


def _main(argv: Sequence[str] | None, console: Console) -> int:
    parser = build_parser(console)
    try:
        # --help and --version print, then raise SystemExit(0), as argparse does.
        args, extras = parser.parse_known_args(argv)
        if extras:
            raise unrecognized(extras, subcommand_parser(parser, args.command), parser)
        if args.command is None:
            parser.print_help(console.stdout)
            return EXIT_CANNOT_START
        exit_code: int = command_module(args.command).execute(args, console)
        return exit_code
    except ArazzoError as exc:
        print(format_error(exc, console.masker), file=console.stderr)
        return exc.exit_code


def format_error(exc: ArazzoError, masker: SecretMasker | None = None) -> str:
    """The error as printed, with the secrets ``masker`` knows masked."""
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
