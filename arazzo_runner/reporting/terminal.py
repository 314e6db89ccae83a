"""Is a stream a terminal, and may it be coloured? The one answer for every command.

Colour follows https://no-color.org: only on a terminal, and never when
``NO_COLOR`` is set to a non-empty value. A terminal whose ``TERM`` is
``dumb`` gets neither colour nor lines rewritten in place.

``environ`` is the environment of the command (``os.environ`` when omitted).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO


def is_terminal(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """A TTY that understands control sequences (its ``TERM`` is not ``dumb``)."""
    environ = os.environ if environ is None else environ
    try:
        return bool(stream.isatty()) and environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def wants_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set."""
    environ = os.environ if environ is None else environ
    return is_terminal(stream, environ) and not environ.get("NO_COLOR")
