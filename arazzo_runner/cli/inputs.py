"""Workflow inputs as ``arazzo run`` receives them: variables, files, standard input, ``--input``.

Precedence, lowest first: ``ARAZZO_INPUT_*`` environment variables, the
``--inputs`` file, ``--input NAME=VALUE``; with ``--inputs-each``, each line
of the file wins over all three. ``-`` names the command's standard input.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import InputError, UsageError, did_you_mean

if TYPE_CHECKING:
    from ..batch import InputLine
    from ..document import Workflow
    from .console import Console

_JSON_LINES_HINT = "--inputs-each expects one JSON object of inputs per line (JSON Lines)"


def gather_inputs(
    workflow: Workflow,
    console: Console,
    inputs_file: str | None,
    pairs: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """The inputs of one run: variables < ``--inputs`` file < ``--input`` values."""
    from ..engine import inputs_from_environment

    inputs: dict[str, Any] = inputs_from_environment(workflow, console.environ)
    if inputs_file is not None:
        inputs.update(read_inputs_file(inputs_file, console.stdin))
    inputs.update(typed_inputs(pairs, workflow))
    return inputs


def typed_inputs(pairs: Sequence[tuple[str, str]], workflow: Workflow) -> dict[str, Any]:
    """``--input`` values converted to the types the workflow's inputs schema declares.

    Every problem is reported at once (unknown names with a did-you-mean, values
    of the wrong type), so that one corrected command line runs.
    """
    from ..engine import convert_input

    declared = workflow.input_properties
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, text in pairs:
        if declared and name not in declared:
            guess = did_you_mean(name, declared)
            problems.append(
                f"workflow '{workflow.workflow_id}' has no input named '{name}'"
                + (f" (did you mean '{guess}'?)" if guess else "")
            )
            continue
        try:
            values[name] = convert_input(name, text, declared.get(name))
        except InputError as exc:
            problems.append(exc.message)
    if problems:
        raise InputError(_listed("--input", problems), hint=f"inputs: {', '.join(declared)}")
    return values


def _listed(origin: str, problems: list[str]) -> str:
    if len(problems) == 1:
        return f"{origin}: {problems[0]}"
    return f"{origin}: {len(problems)} problems:\n  - " + "\n  - ".join(problems)


def source_name(source: str) -> str:
    """How messages name an inputs source: the path, or "standard input" for ``-``."""
    return "standard input" if source == "-" else source


def read_text_source(source: str, stdin: TextIO) -> str:
    """The text of the file ``source``, or all of ``stdin`` for ``-``."""
    name = source_name(source)
    try:
        return stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read inputs file {name}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"inputs file {name} is not UTF-8 text") from None


def read_inputs_file(source: str, stdin: TextIO) -> dict[str, Any]:
    """``--inputs FILE``: an object of inputs, JSON or YAML, from a file or ``stdin`` for ``-``.

    YAML is read as YAML 1.2 by the reader Arazzo documents use, so ``on``
    and ``no`` stay strings; JSON keeps its own precise error messages.
    """
    name = source_name(source)
    text = read_text_source(source, stdin)
    data = _parse_json(text, name) if _looks_like_json(text) else _parse_yaml(text, name)
    if not isinstance(data, dict):
        raise UsageError(
            f"inputs file {name} must hold an object of input names to values (JSON or YAML)"
        )
    return data


def _looks_like_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "[")) or not text.strip()


def _parse_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"inputs file {name} is not valid JSON: {exc.msg} (line {exc.lineno}, column "
            f"{exc.colno})"
        ) from None


def _parse_yaml(text: str, name: str) -> Any:
    from ..document import DocumentLimits
    from ..document.parsing import parse_text
    from ..errors import DocumentError

    try:
        data, _ = parse_text(text, uri=name, display_name=name, limits=DocumentLimits())
    except DocumentError as exc:
        raise UsageError(f"inputs file {exc.render()}") from None
    return data


def read_input_lines(source: str, stdin: TextIO, base: dict[str, Any]) -> list[InputLine]:
    """``--inputs-each``: every non-blank line of ``source`` as inputs merged over ``base``.

    A line's own values win over ``base`` (the ``--inputs`` file and ``--input``
    values), so shared values go on the command line and per-run ones in the file.
    The whole file is held; :class:`InputLinesFile` streams it instead.
    """
    with InputLinesFile.open(source, stdin) as lines:
        return list(lines.first_pass(base))


class InputLinesFile:
    """An ``--inputs-each`` file read twice, a line at a time, never held whole.

    The first pass checks every line before anything is sent; the second reads
    them again for the runs. Standard input cannot be read twice, so it is
    copied to a temporary file (readable by its owner only, deleted afterwards).
    A file that changes between the passes stops the batch: its size and
    modification time are compared before each line of the second pass, and
    a digest of its lines at the end.
    """

    def __init__(self, path: Path, name: str, spooled: bool = False) -> None:
        self.path = path
        self.name = name
        self.spooled = spooled
        self._stamp: tuple[int, int] | None = None
        self._digest: bytes | None = None
        self._count = 0

    @classmethod
    def open(cls, source: str, stdin: TextIO) -> InputLinesFile:
        """The file ``source``, or standard input (``-``) spooled to a temporary file."""
        if source != "-":
            return cls(Path(source), source)
        return cls(_spool(stdin), source_name(source), spooled=True)

    def __enter__(self) -> InputLinesFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Delete the spooled copy of standard input, if there is one."""
        if self.spooled:
            self.path.unlink(missing_ok=True)

    def first_pass(self, base: dict[str, Any]) -> Iterator[InputLine]:
        """Every line, parsed; the file's size, time and digest remembered for the second."""
        import hashlib

        self._stamp = self._stat()
        digest = hashlib.sha256()
        count = 0
        for item in self._lines(base, digest.update):
            count += 1
            yield item
        if not count:
            raise UsageError(f"--inputs-each: {self.name} holds no input lines")
        self._digest, self._count = digest.digest(), count

    def second_pass(self, base: dict[str, Any]) -> Iterator[InputLine]:
        """The lines again, each only once the file is known to be unchanged so far."""
        if self._stamp is None or self._digest is None:
            raise RuntimeError("second_pass() before first_pass() has been read to its end")
        import hashlib

        digest = hashlib.sha256()
        count = 0
        for item in self._lines(base, digest.update):
            self._unchanged(self._stat() == self._stamp)
            count += 1
            yield item
        self._unchanged(digest.digest() == self._digest and count == self._count)

    def _unchanged(self, same: bool) -> None:
        if not same:
            raise UsageError(
                f"--inputs-each: {self.name} changed while the batch ran; nothing more is sent",
                hint="leave the inputs file alone until the batch is done, or run a copy of it",
            )

    def _stat(self) -> tuple[int, int]:
        try:
            status = self.path.stat()
        except OSError as exc:
            raise UsageError(f"cannot read inputs file {self.name}: {exc.strerror}") from None
        return status.st_size, status.st_mtime_ns

    def _lines(
        self, base: dict[str, Any], digest: Callable[[bytes], object]
    ) -> Iterator[InputLine]:
        from ..batch import InputLine

        try:
            with self.path.open(encoding="utf-8", newline=None) as stream:
                for number, raw in enumerate(stream, start=1):
                    digest(raw.encode("utf-8"))
                    if raw.strip():
                        yield InputLine(number, {**base, **_parse_line(raw, number, self.name)})
        except OSError as exc:
            raise UsageError(f"cannot read inputs file {self.name}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"inputs file {self.name} is not UTF-8 text") from None


def _spool(stdin: TextIO) -> Path:
    """Standard input copied to a new temporary file only its owner can read."""
    import os
    import shutil
    import tempfile

    handle, name = tempfile.mkstemp(prefix="arazzo-inputs-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as spool:
            shutil.copyfileobj(stdin, spool)
    except UnicodeDecodeError:
        Path(name).unlink(missing_ok=True)
        raise UsageError("inputs file standard input is not UTF-8 text") from None
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _parse_line(raw: str, number: int, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name} line {number}: not valid JSON: {exc.msg} (column {exc.colno})",
            hint=_JSON_LINES_HINT,
        ) from None
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        raise InputError(
            f"{name} line {number}: expected a JSON object of inputs, got {kind}",
            hint=_JSON_LINES_HINT,
        )
    return value
