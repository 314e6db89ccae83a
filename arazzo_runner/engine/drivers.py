"""Carrying out a run's commands: with a blocking client, or on an asyncio loop.

A :class:`~arazzo_runner.engine.interpreter.Run` only asks for I/O; the two
drivers here answer with ``httpx2`` and the run's clock. Both share
:func:`_next_command`, so they differ only where one of them awaits.

Steps that run concurrently arrive as one :class:`Concurrently` command at a time
(``http/commands.py`` describes the protocol): the blocking driver sends their
requests from a thread pool, starts their message commands on the message
session's loop and keeps their waits on the run's clock itself; the asyncio driver
makes each command a task. Either keeps what it started across commands and
answers with whichever command finishes first. Message commands (AsyncAPI steps)
go to a message session made at the first of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..http.commands import Completed, Concurrently, SendRequest, Wait
from ..http.transport import new_async_client, new_client, send, send_async
from ..results import WorkflowResult
from .interpreter import Command, Run, RunCommands
from .state import INTERRUPT, INTERRUPTED, RunLimitExceeded

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future, ThreadPoolExecutor

    import httpx2

    from ..http.transport import TransportOptions
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
    concurrent: _BlockingConcurrency | None = None
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
                elif isinstance(command, Concurrently):
                    concurrent = concurrent or _BlockingConcurrency(run, http, transport, messages)
                    reply = concurrent.carry_out(command)
                elif isinstance(command, SendRequest):
                    reply = send(http, command.request, transport, command.timeout, command.limit)
                else:
                    reply = messages.execute(command)
            except KeyboardInterrupt:
                raise _interrupted(commands) from None
    finally:
        commands.close()
        if concurrent is not None:
            concurrent.close()
        messages.close()
        if owns_client:
            http.close()


class _BlockingMessages:
    """The run's message session, started (with its event loop thread) at the first
    message command: an HTTP-only run starts none."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._session: BlockingMessageSession | None = None

    def session(self) -> BlockingMessageSession:
        if self._session is None:
            from ..messaging.session import BlockingMessageSession

            self._session = BlockingMessageSession(
                connect_timeout=self._run.options.connect_timeout
            )
        return self._session

    def execute(self, command: MessageCommand) -> MessageOutcome:
        return self.session().execute(command)

    def submit(self, command: MessageCommand) -> Future[MessageOutcome]:
        """Start ``command`` on the session's loop; cancelling the future stops it there."""
        return self.session().submit(command)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


class _BlockingConcurrency:
    """The blocking driver's commands in flight: requests in a thread pool, message
    commands on the message session's own loop (a receive that waits holds no thread),
    and waits kept as due times on the run's clock (a wait is never a thread)."""

    def __init__(
        self,
        run: Run,
        http: httpx2.Client,
        transport: TransportOptions,
        messages: _BlockingMessages,
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor  # only runs with concurrent steps

        self.clock = run.clock
        self.http = http
        self.transport = transport
        self.messages = messages
        # Wider than the steps in flight: a dropped request keeps its thread until it
        # ends on its own, and a called workflow's steps add to its caller's. Threads
        # are only made when needed.
        self.pool: ThreadPoolExecutor = ThreadPoolExecutor(
            max_workers=2 * max(1, run.options.step_concurrency) + 4,
            thread_name_prefix="arazzo-step",
        )
        self.sending: dict[Future[Any], int] = {}
        """future -> token: requests (a SendOutcome) and message commands (a MessageOutcome)."""
        self.waiting: dict[int, float] = {}
        """token -> when the wait is over, on the clock's monotonic scale."""

    def carry_out(self, command: Concurrently) -> Completed | None:
        for token in command.cancel:
            self.waiting.pop(token, None)
            for future, owner in list(self.sending.items()):
                if owner == token:
                    # A request already on its way ends on its own; a message
                    # command is cancelled on the session's loop.
                    future.cancel()
                    del self.sending[future]
        for token, started in command.start.items():
            if isinstance(started, Wait):
                self.waiting[token] = self.clock.monotonic() + started.seconds
            elif isinstance(started, SendRequest):
                future = self.pool.submit(
                    send, self.http, started.request, self.transport, started.timeout, started.limit
                )
                self.sending[future] = token
            else:
                self.sending[self.messages.submit(started)] = token
        return self._first_done()

    def _first_done(self) -> Completed | None:
        from concurrent.futures import FIRST_COMPLETED, wait

        while self.sending or self.waiting:
            due: tuple[int, float] | None = None
            if self.waiting:
                token, at = min(self.waiting.items(), key=lambda item: item[1])
                left = at - self.clock.monotonic()
                if left <= 0:
                    del self.waiting[token]
                    return Completed(token, None)
                due = (token, left)
            if self.sending:
                done, _ = wait(
                    list(self.sending), timeout=due[1] if due else None, return_when=FIRST_COMPLETED
                )
                if done:
                    # The one that was started first, among those that are done.
                    future = min(done, key=lambda f: self.sending[f])
                    return Completed(self.sending.pop(future), future.result())
            elif due is not None:
                self.clock.sleep(due[1])
        return None

    def close(self) -> None:
        for future in self.sending:
            future.cancel()  # a receive still waiting stops on the session's loop
        self.sending.clear()
        self.pool.shutdown(wait=False, cancel_futures=True)


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
    messages = _AsyncMessages(run)
    tasks: dict[asyncio.Task[Any], int] = {}
    try:
        reply: Any = None
        while True:
            command = _next_command(commands, reply)
            if isinstance(command, WorkflowResult):
                return command
            if isinstance(command, Wait):
                await run.clock.asleep(command.seconds)
                reply = None
            elif isinstance(command, Concurrently):
                reply = await _carry_out_async(run, http, transport, messages, command, tasks)
            elif isinstance(command, SendRequest):
                reply = await send_async(
                    http, command.request, transport, command.timeout, command.limit
                )
            else:
                reply = await messages.session().execute(command)
    finally:
        commands.close()
        for task in tasks:
            task.cancel()
        await messages.close()
        if owns_client:
            await http.aclose()


class _AsyncMessages:
    """The run's message session on the running loop, made at the first message command
    (an HTTP-only run imports nothing of it)."""

    def __init__(self, run: Run) -> None:
        self._run = run
        self._session: MessageSession | None = None

    def session(self) -> MessageSession:
        if self._session is None:
            from ..messaging.session import MessageSession

            self._session = MessageSession(connect_timeout=self._run.options.connect_timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


async def _carry_out_async(
    run: Run,
    http: httpx2.AsyncClient,
    transport: TransportOptions,
    messages: _AsyncMessages,
    command: Concurrently,
    tasks: dict[asyncio.Task[Any], int],
) -> Completed | None:
    """One :class:`Concurrently` on the event loop: each command is a task, kept in
    ``tasks`` (task -> token) until it is done or dropped."""
    import asyncio

    for token in command.cancel:
        for task, owner in list(tasks.items()):
            if owner == token:
                task.cancel()
                del tasks[task]
    for token, started in command.start.items():
        if isinstance(started, Wait):
            work: Any = run.clock.asleep(started.seconds)
        elif isinstance(started, SendRequest):
            work = send_async(http, started.request, transport, started.timeout, started.limit)
        else:
            work = messages.session().execute(started)
        tasks[asyncio.ensure_future(work)] = token
    if not tasks:
        return None
    done, _ = await asyncio.wait(list(tasks), return_when=asyncio.FIRST_COMPLETED)
    task = min(done, key=lambda t: tasks[t])
    return Completed(tasks.pop(task), task.result())


def _next_command(commands: RunCommands, reply: Any) -> Command | WorkflowResult:
    """The run's next command after ``reply``, or its result once it has ended."""
    try:
        return commands.send(reply)
    except StopIteration as stop:
        result: WorkflowResult = stop.value
        return result
