"""What a command may touch of its process: the standard streams and the environment.

Commands read and write only through a :class:`Console`, never ``sys.stdin``,
``sys.stdout`` or ``os.environ`` directly, so that tests (and programs that
embed the CLI) can run a command in-process with streams and an environment
of their own.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO, cast

if TYPE_CHECKING:
    from ..masking import SecretMasker


@dataclass
class Console:
    """The streams and environment of one command, and the masker its messages go through."""

    stdout: TextIO
    stderr: TextIO
    stdin: TextIO = field(default_factory=io.StringIO)
    """Where ``-`` reads from (``--inputs -``, ``--inputs-each -``); empty by default."""
    environ: Mapping[str, str] = field(default_factory=dict)
    """``ARAZZO_INPUT_*``, ``ARAZZO_AUTH_*``, ``NO_COLOR``, ``TERM``; empty by default."""
    masker: SecretMasker | None = None
    """Set by a command that handles secrets (``run``) as soon as it knows them: error
    messages and an internal error's traceback are masked with it. None masks nothing."""

    def mask(self, text: str) -> str:
        return self.masker.mask(text) if self.masker is not None else text

    def print_json(self, document: Any) -> None:
        """``document`` on stdout as indented JSON, the ``--output json`` of every command."""
        # default=str: YAML can hold values JSON cannot (!!binary), and they must still print.
        json.dump(document, self.stdout, indent=2, ensure_ascii=False, default=str)
        self.stdout.write("\n")


class ClosedPipeGuard(io.TextIOBase):
    """A stream that drops what is written after its reader has gone away.

    ``arazzo run ... | head -1`` closes the pipe while requests are still being
    sent: stopping there would leave a workflow half-done (a PATCH without its
    confirming GET). Output is a convenience, the run is not, so a closed pipe
    only silences the stream; the run goes on and its exit code stays the
    workflow's.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.broken = False
        """Whether the reader has gone: everything written since was dropped."""

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self._drop_from_now_on()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._drop_from_now_on()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def _drop_from_now_on(self) -> None:
        self.broken = True
        # What is still buffered in the stream would fail again when the
        # interpreter flushes it at exit (an "Exception ignored" message and exit
        # status 120): point its file descriptor at /dev/null instead.
        try:
            descriptor = self.stream.fileno()
        except (AttributeError, OSError, ValueError):  # not a file (a StringIO)
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, descriptor)
        finally:
            os.close(devnull)


def guard_closed_pipe(stream: TextIO) -> TextIO:
    """``stream``, writing nothing more (and raising nothing) once its reader has gone."""
    return cast(TextIO, ClosedPipeGuard(stream))
