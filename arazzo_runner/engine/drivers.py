"""Carrying out a run's commands: with a blocking client, or on an asyncio loop.

A :class:`~arazzo_runner.engine.interpreter.Run` only asks for I/O; the two
drivers here answer with ``httpx2`` and the run's clock. Both share
:func:`_next_command`, so they differ only where one of them awaits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..http.commands import SendRequest, Wait
from ..http.transport import new_async_client, new_client, send, send_async
from ..results import WorkflowResult
from .interpreter import Command, Run, RunCommands
from .state import INTERRUPT, INTERRUPTED, RunLimitExceeded

if TYPE_CHECKING:
    import httpx2

    from ..messaging.commands import MessageCommand, MessageOutcome
    from ..messaging.session import BlockingMessageSession, MessageSession


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C ended a blocking run while it sent a request or waited to retry.

    Still a :class:`KeyboardInterrupt` for code that catches that; ``result`` is the
    run's result up to the interrupt (its steps say where it stopped), so that what
    ran can still be printed and reported.
    """

    def __init__(self, result: WorkflowResult) -> None:
        super().__init__(INTERRUPTED)
        self.result = result


def run_blocking(run: Run, client: httpx2.Client | None = None) -> WorkflowResult:
    """Drive ``run`` to its end, blocking; ``client`` is created (and closed) if omitted."""
    transport = run.options.transport()
    owns_client = client is None
    # Created before the first step so that its set-up is not timed as part of it.
    http = client or new_client(transport)
    commands = run.commands()
    messages = _BlockingMessages(run)
    try:
        reply: Any = None
        while True:
            command = _next_command(commands, reply)
            if isinstance(command, WorkflowResult):
                return command
            try:
                if isinstance(command, Wait):
                    run.clock.sleep(command.seconds)
                    reply = None
                elif isinstance(command, SendRequest):
                    reply = send(http, command.request, transport, command.timeout)
                else:
                    reply = messages.execute(command)
            except KeyboardInterrupt:
                raise _interrupted(commands) from None
    finally:
        commands.close()
        messages.close()
        if owns_client:
            http.close()


class _BlockingMessages:
    """The run's message session, started (with its event loop thread) at the first
    message command: an HTTP-only run starts none."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._session: BlockingMessageSession | None = None

    def execute(self, command: MessageCommand) -> MessageOutcome:
        if self._session is None:
            from ..messaging.session import BlockingMessageSession

            self._session = BlockingMessageSession(
                connect_timeout=self._run.options.connect_timeout
            )
        return self._session.execute(command)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


def _interrupted(commands: RunCommands) -> KeyboardInterrupt:
    """End the run as stopped by an interrupt: a :class:`RunInterrupted` with its result."""
    try:
        commands.throw(RunLimitExceeded(INTERRUPTED, INTERRUPT))
    except StopIteration as stop:
        return RunInterrupted(stop.value)
    return KeyboardInterrupt()  # pragma: no cover - a stopped run asks for nothing more


async def run_async(run: Run, client: httpx2.AsyncClient | None = None) -> WorkflowResult:
    """Drive ``run`` to its end on the running event loop; pass a shared ``client``
    to reuse its connections (it is created, and closed, if omitted)."""
    transport = run.options.transport()
    owns_client = client is None
    http = client or new_async_client(transport)
    commands = run.commands()
    messages: MessageSession | None = None
    try:
        reply: Any = None
        while True:
            command = _next_command(commands, reply)
            if isinstance(command, WorkflowResult):
                return command
            if isinstance(command, Wait):
                await run.clock.asleep(command.seconds)
                reply = None
            elif isinstance(command, SendRequest):
                reply = await send_async(http, command.request, transport, command.timeout)
            else:
                messages = messages or _message_session(run)
                reply = await messages.execute(command)
    finally:
        commands.close()
        if messages is not None:
            await messages.close()
        if owns_client:
            await http.aclose()


def _message_session(run: Run) -> MessageSession:
    """The run's message session on the running loop (imported at the first message)."""
    from ..messaging.session import MessageSession

    return MessageSession(connect_timeout=run.options.connect_timeout)


def _next_command(commands: RunCommands, reply: Any) -> Command | WorkflowResult:
    """The run's next command after ``reply``, or its result once it has ended."""
    try:
        return commands.send(reply)
    except StopIteration as stop:
        result: WorkflowResult = stop.value
        return result
