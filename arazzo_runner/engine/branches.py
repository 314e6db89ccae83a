"""Several command generators driven as one: the engine's side of :class:`Concurrently`.

Each branch (a step that runs concurrently with others) is a generator of commands
like a whole run. :class:`Branches` gives each command a branch asks for a token of
its own, collects them into one :class:`Concurrently` for the driver, and sends
each :class:`Completed` outcome back to the branch that asked. A branch that runs
a workflow whose steps run concurrently too asks for a ``Concurrently`` itself; its
tokens are mapped to tokens of this level, so the driver only ever sees one flat
set of commands in flight. Nothing here does I/O or reads the time.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from ..http.commands import Completed, Concurrently

BranchCommands = Generator[Any, Any, Any]


@dataclass
class _Branch:
    key: int
    commands: BranchCommands
    tokens: dict[int, int | None] = field(default_factory=dict)
    """Our token -> the branch's own token (None for a plain command it yielded)."""


class Branches:
    """The running branches of one workflow, and the commands they wait for."""

    def __init__(self, tokens: count[int]) -> None:
        self._tokens = tokens
        self._branches: dict[int, _Branch] = {}
        self._owners: dict[int, _Branch] = {}
        self._start: dict[int, Any] = {}
        self._cancel: list[int] = []
        self.finished: list[tuple[int, Any]] = []
        """(key, return value) of the branches that ended, oldest first; the caller takes them."""

    def __len__(self) -> int:
        return len(self._branches)

    def __contains__(self, key: object) -> bool:
        return key in self._branches

    def start(self, key: int, commands: BranchCommands) -> None:
        """Run a new branch up to its first command (or its end)."""
        branch = _Branch(key, commands)
        self._branches[key] = branch
        self._advance(branch, None)

    def command(self) -> Concurrently:
        """What to ask the driver for now: the new commands, and those to drop."""
        command = Concurrently(self._start, tuple(self._cancel))
        self._start, self._cancel = {}, []
        return command

    def deliver(self, reply: Completed | None) -> None:
        """Send an outcome back to the branch whose command it answers."""
        if reply is None:  # pragma: no cover - a live branch always waits for something
            return
        branch = self._owners.pop(reply.token, None)
        if branch is None:
            return  # the branch was stopped after the command finished
        inner = branch.tokens.pop(reply.token)
        self._advance(branch, reply.outcome if inner is None else Completed(inner, reply.outcome))

    def stop(self, key: int) -> None:
        """End a branch where it is: its commands are dropped and its generator closed."""
        branch = self._branches.pop(key)
        self._drop(branch, list(branch.tokens))
        branch.commands.close()

    def _advance(self, branch: _Branch, value: Any) -> None:
        while True:
            try:
                command = branch.commands.send(value)
            except StopIteration as stop:
                del self._branches[branch.key]
                self._drop(branch, list(branch.tokens))
                self.finished.append((branch.key, stop.value))
                return
            except BaseException:
                del self._branches[branch.key]
                self._drop(branch, list(branch.tokens))
                raise
            if not isinstance(command, Concurrently):
                self._ask(branch, None, command)
                return
            for inner, nested in command.start.items():
                self._ask(branch, inner, nested)
            inside = {inner: ours for ours, inner in branch.tokens.items()}
            self._drop(branch, [inside[t] for t in command.cancel if t in inside])
            if branch.tokens:
                return
            value = None  # nothing of the branch is in flight: it goes on at once

    def _ask(self, branch: _Branch, inner: int | None, command: Any) -> None:
        token = next(self._tokens)
        branch.tokens[token] = inner
        self._owners[token] = branch
        self._start[token] = command

    def _drop(self, branch: _Branch, tokens: list[int]) -> None:
        for token in tokens:
            branch.tokens.pop(token, None)
            self._owners.pop(token, None)
            if self._start.pop(token, None) is None:
                self._cancel.append(token)
