"""What a command may touch of its process: the standard streams and the environment.

Commands read and write only through a :class:`Console`, never ``sys.stdin``,
``sys.stdout`` or ``os.environ`` directly, so that tests (and programs that
embed the CLI) can run a command in-process with streams and an environment
of their own.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

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
