"""Usage errors that say what was probably meant, and where the full usage is.

argparse reports an unknown subcommand or option without a suggestion, and an
unknown option of a subcommand as an error of the top-level ``arazzo``
command (its ``--help`` does not list the option). Here each usage error
points to the ``--help`` of the command it belongs to, with a did-you-mean
when a known name is close.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..errors import UsageError, did_you_mean


def usage_hint(prog: str, suggestion: str | None = None) -> str:
    """``did you mean 'X'? see 'PROG --help'``, or only the second half."""
    see = f"see '{prog} --help'"
    return f"did you mean '{suggestion}'? {see}" if suggestion else see


def invalid_choice(action: argparse.Action, value: object) -> tuple[str, str | None]:
    """The message for a value that is not among ``action.choices``, and the likely one."""
    choices = [str(choice) for choice in action.choices or ()]
    listed = ", ".join(f"'{choice}'" for choice in choices)
    return f"invalid choice: '{value}' (choose from {listed})", did_you_mean(str(value), choices)


def unrecognized(
    extras: Sequence[str], command: argparse.ArgumentParser | None, top: argparse.ArgumentParser
) -> UsageError:
    """The error for arguments no parser took: told against the subcommand they follow."""
    parser = command or top
    options = [name for name in _option_names(parser) if name.startswith("--")]
    unknown = next((extra for extra in extras if extra.startswith("-")), None)
    if unknown is None:
        return UsageError(f"unexpected arguments: {' '.join(extras)}", hint=usage_hint(parser.prog))
    name = unknown.split("=", 1)[0]
    owners = [p.prog for p in (command, *_subcommands(top)) if p is not None and _has(p, name)]
    if owners:  # a known option in the wrong place: `arazzo -v run FILE`
        return UsageError(
            f"{name} is an option of '{owners[0]}': put it after the command's name",
            hint=usage_hint(owners[0]),
        )
    return UsageError(
        f"{parser.prog} has no option {name}",
        hint=usage_hint(parser.prog, did_you_mean(name, options)),
    )


def _subcommands(top: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    return [
        parser
        for action in top._actions
        if isinstance(action, argparse._SubParsersAction)
        for parser in action.choices.values()
    ]


def _has(parser: argparse.ArgumentParser, name: str) -> bool:
    return name in _option_names(parser)


def subcommand_parser(
    top: argparse.ArgumentParser, command: str | None
) -> argparse.ArgumentParser | None:
    """The parser of subcommand ``command`` of ``top``, if there is one."""
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction) and command is not None:
            found: argparse.ArgumentParser | None = action.choices.get(command)
            return found
    return None


def _option_names(parser: argparse.ArgumentParser) -> list[str]:
    return [name for action in parser._actions for name in action.option_strings]
