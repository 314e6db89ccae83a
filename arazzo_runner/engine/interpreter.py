"""Running a prepared workflow: steps, success and failure actions, workflow calls.

The engine is written once, as a generator that *asks* for I/O: it yields a
:class:`~arazzo_runner.http.commands.SendRequest` or a
:class:`~arazzo_runner.http.commands.Wait` and is resumed with the outcome.
The drivers (``drivers.py``) carry the commands out with a blocking or an
asyncio client, so both have exactly the same semantics; a test can answer
them itself. Steps that call workflows, ``dependsOn`` workflows and
``goto``/``retry`` targets that are workflows are nested generators.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import replace
from datetime import datetime
from itertools import count
from typing import TYPE_CHECKING, Any, TypeAlias

from ..document import Action, Workflow, join_pointer
from ..errors import ArazzoError
from ..expressions import ExpressionContext, HttpMessage, UnresolvedReference
from ..http.commands import Command as HttpCommand
from ..http.commands import Completed, SendOutcome, SendRequest, Wait
from ..http.messages import CheckResult, Exchange, PreparedRequest, ResponseRecord, StepFailure
from ..http.request import effective_parameters
from ..http.response import decode_body, header_map
from ..openapi import Operation
from ..results import ActionTaken, Attempt, RunError, Status, StepResult, WorkflowResult
from .actions import after_failure, after_success, judge_criteria
from .branches import Branches
from .events import RunListener
from .options import RunOptions
from .prepare import PreparedWorkflow, StepRequest
from .state import (
    INTERRUPTED,
    Deadline,
    RunLimitExceeded,
    RunState,
    StepFrame,
    Transition,
    WorkflowFrame,
    limit_failure,
    mark_stopped,
    place_limit,
)

if TYPE_CHECKING:
    from ..messaging.commands import MessageCommand
    from .message_steps import MessageSteps

    Command: TypeAlias = HttpCommand | MessageCommand
    """What a run asks its driver for: HTTP requests, waits, and messages."""
else:
    Command = HttpCommand  # the message commands are imported with the first message step

RunCommands = Generator[Command, Any, WorkflowResult]
"""A run as its driver sees it: commands out, outcomes in, the result at the end."""


class Run:
    """One execution of a prepared workflow, from its inputs to its result.

    It owns everything that belongs to this execution alone: the options, the
    listener, the limits and ``$workflows`` values (:class:`RunState`) and the
    generator of commands (:meth:`commands`), which a driver carries out.
    The prepared workflow is only read, so runs may share it.
    """

    def __init__(
        self,
        prepared: PreparedWorkflow,
        inputs: Mapping[str, Any],
        options: RunOptions | None = None,
        listener: RunListener | None = None,
    ) -> None:
        self.prepared = prepared
        self.options = options or RunOptions()
        self.listener = listener or RunListener()
        self.clock = self.options.clock
        self.diagnostics = prepared.document.services.diagnostics
        self.state = RunState.for_options(self.options)
        # The exchange record is only for a listener that wants it and for the
        # response checks; without either, neither it nor its timestamp is made.
        self._records_exchanges = (
            self.options.response_checks is not None or self.listener.wants_exchanges
        )
        self._message_steps: MessageSteps | None = None
        self._tokens = count(1)  # of the commands that run concurrently, unique in the run
        self._commands = self._main(dict(inputs))

    def _messages(self) -> MessageSteps:
        """The run's message steps, imported with the first of them."""
        if self._message_steps is None:
            from .message_steps import MessageSteps

            self._message_steps = MessageSteps(self.options, self.listener, self.clock, self.state)
        return self._message_steps

    def commands(self) -> RunCommands:
        """The run as a generator: send each command's outcome back in (None after a
        :class:`Wait`); it returns the :class:`WorkflowResult`."""
        return self._commands

    def _main(self, inputs: dict[str, Any]) -> RunCommands:
        self.state.start()
        return (yield from self._workflow(self.prepared, inputs))

    # -- workflows

    def _workflow(
        self, prepared: PreparedWorkflow, inputs: dict[str, Any], deadline: Deadline | None = None
    ) -> Generator[Command, Any, WorkflowResult]:
        workflow = prepared.workflow
        self.state.enter_workflow(workflow.workflow_id)
        self.listener.workflow_started(workflow, inputs)
        self.state.workflows[workflow.workflow_id] = {"inputs": inputs, "outputs": {}}
        flow = WorkflowFrame(prepared, self._new_context(prepared, inputs), [], deadline)
        dependencies: list[WorkflowResult] = []
        failure: RunError | None = None
        limit: RunLimitExceeded | None = None
        try:
            if prepared.messages:
                # Before anything that could trigger a reply: see message_steps.py.
                yield from self._messages().subscribe_receivers(flow)
            failure = yield from self._run_dependencies(flow, dependencies)
            if failure is None:
                failure = yield from self._run_steps(flow)
        except RunLimitExceeded as exc:
            limit = exc
            failure = limit_failure(flow.executions, exc)
        finally:
            self.state.depth -= 1
        result = self._workflow_result(flow, failure, dependencies)
        self.listener.workflow_finished(result)
        if limit is not None and self.state.depth > 0:
            # The limits are for the whole run: a workflow that called this one stops too.
            raise limit
        return result

    def _workflow_result(
        self, flow: WorkflowFrame, failure: RunError | None, dependencies: list[WorkflowResult]
    ) -> WorkflowResult:
        workflow = flow.workflow
        ran = {r.step_id for r in flow.executions}
        skipped = [
            StepResult(s.step_id, Status.SKIPPED, workflow_id=workflow.workflow_id)
            for s in workflow.steps
            if s.step_id not in ran
        ]
        outputs = self._workflow_outputs(flow, strict=failure is None)
        self.state.workflows[workflow.workflow_id]["outputs"] = outputs
        return WorkflowResult(
            workflow.workflow_id,
            Status.FAILED if failure else Status.SUCCEEDED,
            outputs,
            flow.executions + skipped,
            failure,
            dependencies,
        )

    def _run_dependencies(
        self, flow: WorkflowFrame, dependencies: list[WorkflowResult]
    ) -> Generator[Command, Any, RunError | None]:
        for reference in flow.workflow.depends_on:
            target = flow.prepared.targets[reference]
            result = self.state.finished.get(target)
            if result is None:  # each dependency runs once per run, however often named
                result = yield from self._call(target, flow.context.inputs, only_declared=True)
                self.state.finished[target] = result
                dependencies.append(result)
            if not result.succeeded:
                reason = result.error.message if result.error else "it failed"
                return RunError(
                    f"workflow '{flow.workflow.workflow_id}' depends on '{reference}', which "
                    f"failed: {reason}"
                )
        return None

    def _call(
        self,
        target: PreparedWorkflow,
        inputs: Mapping[str, Any],
        *,
        only_declared: bool,
        deadline: Deadline | None = None,
    ) -> Generator[Command, Any, WorkflowResult]:
        """Run another workflow (a dependency, a called or a goto target) in this run."""
        values = _declared_inputs(target.workflow, inputs) if only_declared else dict(inputs)
        document = target.document
        try:
            values = document.services.check_inputs(target.workflow, document.document, values)
        except ArazzoError as exc:
            return WorkflowResult(
                target.workflow.workflow_id,
                Status.FAILED,
                error=RunError(f"invalid inputs for workflow: {exc.message}"),
            )
        return (yield from self._workflow(target, values, deadline))

    def _action_call(
        self, frame: StepFrame, action: Action | None, target: PreparedWorkflow
    ) -> Generator[Command, Any, WorkflowResult]:
        """Run the workflow a goto or retry action names: with the action's ``parameters``
        as its inputs (Arazzo 1.1), or else with this workflow's inputs it declares."""
        flow = frame.flow
        if action is None or not action.has_parameters:
            return (yield from self._call(target, flow.context.inputs, only_declared=True))
        try:
            inputs = {p.name: p.value.evaluate(frame.context) for p in action.parameters}
        except UnresolvedReference as exc:
            return WorkflowResult(
                target.workflow.workflow_id,
                Status.FAILED,
                error=RunError(
                    f"cannot set the inputs of workflow '{target.workflow.workflow_id}' "
                    f"from action '{action.name}': {exc}"
                ),
            )
        return (yield from self._call(target, inputs, only_declared=False))

    def _run_steps(self, flow: WorkflowFrame) -> Generator[Command, Any, RunError | None]:
        if flow.prepared.schedules_steps and self.options.step_concurrency > 1:
            return (yield from self._run_concurrently(flow))
        order = flow.prepared.order
        positions = {index: position for position, index in enumerate(order)}
        position: int | None = 0
        failure: RunError | None = None
        while position is not None and position < len(order):
            frame = self._new_step(flow, order[position])
            transition = yield from self._step(frame)
            failure = yield from self._after_step(frame, transition)
            if transition.next_index is None:
                position = None
            elif frame.result.action is not None and frame.result.action.type == "next":
                position += 1  # the next step in the order the steps run in
            else:
                position = positions[transition.next_index]
        return failure

    def _after_step(
        self, frame: StepFrame, transition: Transition
    ) -> Generator[Command, Any, RunError | None]:
        """The workflow's error after a step that ended it, having run a goto's workflow."""
        failure: RunError | None = None
        result = frame.result
        if transition.failed:
            failure = RunError(result.error or "step failed", result.step_id)
        if transition.goto_workflow is not None:
            called = yield from self._action_call(
                frame, transition.action, transition.goto_workflow
            )
            result.called_workflow = called
            if not called.succeeded:
                reason = called.error.message if called.error else "it failed"
                failure = RunError(
                    f"workflow '{called.workflow_id}' (goto target) failed: {reason}",
                    result.step_id,
                )
        return failure

    # -- steps that run concurrently (Arazzo 1.1 step dependsOn)

    def _run_concurrently(self, flow: WorkflowFrame) -> Generator[Command, Any, RunError | None]:
        """Run the steps by their dependencies, up to ``step_concurrency`` at a time.

        A step starts once every step it depends on has ended, in the order the steps
        run in (``PreparedWorkflow.order``). A step that succeeds with no action to
        take lets the others go on; a step that ends, fails or jumps (goto) takes the
        control: the steps still running are stopped, and the workflow ends or goes
        on from the goto's target as it would one step at a time.
        """
        order = flow.prepared.order
        positions = {index: position for position, index in enumerate(order)}
        pending = list(order)
        branches = Branches(self._tokens)
        running: dict[int, StepFrame] = {}
        try:
            while True:
                control = self._start_ready(flow, pending, running, branches)
                if control is None and not running:
                    return None
                if control is None:
                    reply: Completed | None = yield branches.command()
                    branches.deliver(reply)
                    control = self._take_finished(running, branches)
                if control is None:
                    continue
                frame, transition = control
                self._stop_branches(running, branches, _stop_reason(frame))
                command = branches.command()
                if command.cancel or command.start:
                    yield command  # nothing is in flight once these are dropped
                failure = yield from self._after_step(frame, transition)
                if transition.next_index is None:
                    return failure
                if frame.result.action is not None and frame.result.action.type == "next":
                    return failure  # pragma: no cover - "next" never takes the control
                pending = list(order[positions[transition.next_index] :])
        except RunLimitExceeded as exc:
            # The limit struck in one step (which says so) or between them (an interrupt):
            # the steps still running stop with its message.
            for frame in running.values():
                mark_stopped(frame.result, str(exc))
            exc.placed = exc.placed or bool(running)
            raise
        finally:
            self._stop_branches(running, branches, INTERRUPTED)

    def _start_ready(
        self,
        flow: WorkflowFrame,
        pending: list[int],
        running: dict[int, StepFrame],
        branches: Branches,
    ) -> tuple[StepFrame, Transition] | None:
        """Start the steps that may start now; a step that ended at once may take control."""
        limit = max(1, self.options.step_concurrency)
        while len(running) < limit:
            waiting = {flow.workflow.steps[i].step_id for i in pending}
            waiting |= {frame.step.step_id for frame in running.values()}
            index = next(
                (
                    i
                    for i in pending
                    if not waiting.intersection(flow.prepared.dependencies.get(
                        flow.workflow.steps[i].step_id, ()))
                ),
                None,
            )  # fmt: skip
            if index is None and pending and not running:
                index = pending[0]  # it cannot start: it fails, saying which step it waits for
            if index is None:
                return None
            pending.remove(index)
            frame = self._new_step(flow, index, own_context=True)
            key = next(self._tokens)
            running[key] = frame
            branches.start(key, self._step(frame))
            control = self._take_finished(running, branches)
            if control is not None:
                return control
        return None

    @staticmethod
    def _take_finished(
        running: dict[int, StepFrame], branches: Branches
    ) -> tuple[StepFrame, Transition] | None:
        """The first step that ended and takes the control; those that just go on are let go
        (so are any others that ended with it: their records are complete)."""
        control: tuple[StepFrame, Transition] | None = None
        while branches.finished:
            key, transition = branches.finished.pop(0)
            frame = running.pop(key)
            action = frame.result.action
            if control is None and (action is None or action.type != "next"):
                control = frame, transition
        return control

    @staticmethod
    def _stop_branches(running: dict[int, StepFrame], branches: Branches, reason: str) -> None:
        for key in list(running):
            frame = running.pop(key)
            mark_stopped(frame.result, reason)
            if key in branches:
                branches.stop(key)

    def _new_context(
        self, prepared: PreparedWorkflow, inputs: Mapping[str, Any]
    ) -> ExpressionContext:
        document = prepared.document.document
        return ExpressionContext(
            inputs=inputs,
            workflows=self.state.workflows,
            source_descriptions={
                s.name: s.as_expression_value() for s in document.source_descriptions
            },
            components=document.components,
            self_uri=document.self_uri,
        )

    def _workflow_outputs(self, flow: WorkflowFrame, *, strict: bool) -> dict[str, Any]:
        context = flow.context
        _reset_http(context)
        outputs: dict[str, Any] = {}
        for name, value in flow.workflow.outputs.items():
            try:
                outputs[name] = value.evaluate(context)
            except UnresolvedReference as exc:
                if strict:
                    outputs[name] = None
                    pointer = join_pointer(flow.workflow.pointer, "outputs", name)
                    self.diagnostics.warning(
                        f"workflow output '{name}' is null: {exc}", flow.document.location(pointer)
                    )
        return outputs

    # -- one step, with its actions

    def _new_step(self, flow: WorkflowFrame, index: int, *, own_context: bool = False) -> StepFrame:
        step = flow.workflow.steps[index]
        result = StepResult(step.step_id, Status.FAILED, workflow_id=flow.workflow.workflow_id)
        flow.executions.append(result)
        frame = StepFrame(flow, step, index, result)
        if own_context:
            frame.context = replace(flow.context)
        return frame

    def _step(self, frame: StepFrame) -> Generator[Command, Any, Transition]:
        retries: dict[str, int] = {}
        started = self.clock.monotonic()
        try:
            unmet = self._unmet_dependency(frame)
            if unmet is not None:
                # Nothing was attempted, so no failure action applies (docs/semantics.md).
                self.listener.step_started(frame.step, None)
                frame.result.error = unmet
                frame.result.action = ActionTaken("fail")
                return Transition(None, failed=True)
            while True:
                attempt = yield from self._attempt(frame)
                if attempt.status_code is None and self.state.out_of_time():
                    # Its request was cut short by the time limit: that is why it failed.
                    raise self.state.time_limit_error(f"during step '{frame.step.step_id}'")
                if attempt.status is Status.SUCCEEDED:
                    taken, transition = after_success(frame)
                else:
                    taken, transition, retry = after_failure(frame, retries, self.clock)
                    if taken.type == "retry":
                        # Checked before the retry is announced: a retry that will not
                        # happen is never shown as taken.
                        self.state.check_retry(frame.step.step_id, taken.retry_after or 0.0)
                        attempt.action = taken
                        self.listener.action_taken(frame.step, taken)
                        yield from self._wait_before_retry(frame, taken)
                        yield from self._run_retry_target(frame, retry, attempt)
                        continue
                attempt.action = frame.result.action = taken
                self.listener.action_taken(frame.step, taken)
                return transition
        except RunLimitExceeded as exc:
            place_limit(frame.result, exc)
            raise
        except GeneratorExit:
            # The driver closed the run (Ctrl-C during a request or a wait): the
            # listeners hear why this step ends here, and no attempt is made up.
            mark_stopped(frame.result, INTERRUPTED)
            raise
        finally:
            self._finish_step(frame, started)

    def _finish_step(self, frame: StepFrame, started: float) -> None:
        result, flow = frame.result, frame.flow
        result.duration_ms = (self.clock.monotonic() - started) * 1000
        step_id = frame.step.step_id
        steps = {**flow.context.steps, step_id: {"outputs": result.outputs}}
        flow.context.steps = frame.context.steps = steps
        key = (flow.document.document.uri, flow.workflow.workflow_id, step_id)
        if result.status is Status.SUCCEEDED and result.stopped is None:
            flow.succeeded.add(step_id)
            self.state.completed_steps.add(key)
        else:
            flow.succeeded.discard(step_id)
            self.state.completed_steps.discard(key)
        self.listener.step_finished(result)

    def _unmet_dependency(self, frame: StepFrame) -> str | None:
        """Why the step cannot start: a step it depends on has not completed (Arazzo 1.1)."""
        step_id = frame.step.step_id
        prepared = frame.flow.prepared
        for needed in prepared.dependencies.get(step_id, ()):
            if needed not in frame.flow.succeeded:
                return (
                    f"step '{step_id}' depends on step '{needed}', which has not completed "
                    "successfully in this run of the workflow"
                )
        for required in prepared.step_requirements.get(step_id, ()):
            if required.key not in self.state.completed_steps:
                return (
                    f"step '{step_id}' depends on {required.written}, which has not completed "
                    "successfully earlier in this run"
                )
        return None

    def _wait_before_retry(
        self, frame: StepFrame, taken: ActionTaken
    ) -> Generator[Command, Any, None]:
        delay = taken.retry_after or 0.0
        bound = frame.flow.deadline
        if bound is not None:
            # A workflow called by a step with a timeout waits no longer than that step.
            delay = min(delay, max(0.0, bound.at - self.clock.monotonic()))
        if delay > 0:
            yield Wait(delay)

    def _run_retry_target(
        self, frame: StepFrame, action: Action | None, attempt: Attempt
    ) -> Generator[Command, Any, None]:
        """Run a retry action's stepId or workflowId before the step is retried."""
        if action is None:
            return
        flow = frame.flow
        if action.step_id is not None:
            own_context = frame.context is not flow.context  # it runs concurrently
            index = flow.prepared.step_indexes[action.step_id]
            target = self._new_step(flow, index, own_context=own_context)
            started = self.clock.monotonic()
            target_attempt = yield from self._attempt(target)
            # Control comes back to the retried step whatever the target's outcome:
            # its own actions do not apply (docs/semantics.md, "Retry targets").
            target_attempt.action = target.result.action = ActionTaken("return")
            self._finish_step(target, started)
        elif action.workflow_id is not None:
            target_workflow = flow.prepared.targets[action.workflow_id]
            attempt.called_workflow = yield from self._action_call(frame, action, target_workflow)

    # -- one attempt

    def _attempt(self, frame: StepFrame) -> Generator[Command, Any, Attempt]:
        self.state.count_execution(frame.step.step_id)
        result = frame.result
        attempt = Attempt(len(result.attempts) + 1, Status.FAILED)
        result.attempts.append(attempt)
        started = self.clock.monotonic()
        _reset_http(frame.context)
        result.error = None
        result.status = Status.FAILED
        frame.deadline = self._attempt_deadline(frame, started)
        if frame.deadline is not None and started >= frame.deadline.at:
            # The step that called this workflow has run out of time: nothing is sent.
            if frame.attempt_number == 1:
                self.listener.step_started(frame.step, None)
            result.error = frame.deadline.message()
        elif frame.step.workflow_id is not None:
            yield from self._workflow_attempt(frame)
        elif frame.step.step_id in frame.flow.prepared.messages:
            if (yield from self._messages().attempt(frame)):
                self._conclude(frame, frame.context, None)
        else:
            yield from self._http_attempt(frame)
        if frame.deadline is not None and self.clock.monotonic() >= frame.deadline.at:
            # Whatever the answer, it came too late: the step timed out (and its
            # onFailure actions apply), as it does when the driver gave up first.
            result.status = Status.FAILED
            timed_out = frame.deadline.message()
            if not (result.error or "").startswith(timed_out):  # kept when it says more
                result.error = timed_out
        attempt.status = result.status
        attempt.status_code = result.status_code
        attempt.error = result.error
        attempt.duration_ms = (self.clock.monotonic() - started) * 1000
        return attempt

    def _attempt_deadline(self, frame: StepFrame, started: float) -> Deadline | None:
        """The earlier of the step's own ``timeout`` (from now) and its workflow's bound."""
        bound = frame.flow.deadline
        timeout = frame.step.timeout
        if timeout is None:
            return bound
        own = Deadline(started + timeout / 1000, frame.step.step_id, timeout)
        return own if bound is None or own.at < bound.at else bound

    def _request_timeout(self, frame: StepFrame) -> float:
        """The limit of the next request: the run's, cut to the run's and the step's time."""
        timeout = self.state.request_timeout(self.options.timeout)
        if frame.deadline is None:
            return timeout
        return max(0.001, min(timeout, frame.deadline.at - self.clock.monotonic()))

    def _exchange_limit(self, frame: StepFrame) -> float | None:
        """What is left of the step's timeout, for the whole exchange; None without one."""
        if frame.deadline is None:
            return None
        return max(0.001, frame.deadline.at - self.clock.monotonic())

    def _http_attempt(self, frame: StepFrame) -> Generator[Command, Any, None]:
        step_request = frame.flow.prepared.requests[frame.step.step_id]
        result = frame.result
        result.method = step_request.template.method
        result.status_code = None
        request = yield from self._build_request(frame, step_request)
        if request is None:
            return
        sent_at = self.clock.now() if self._records_exchanges else None
        outcome: SendOutcome = yield SendRequest(
            request, self._request_timeout(frame), self._exchange_limit(frame)
        )
        exchange = self._record_exchange(frame, request, sent_at, outcome)
        if outcome.response is None:
            result.error = outcome.error
            return
        self._judge_response(frame, outcome.response)
        self._check_response(step_request.template.operation, exchange, result)
        context = frame.context
        if context.status_code is not None and context.response is not None:
            self.state.last_response = (context.status_code, context.response)

    def _build_request(
        self, frame: StepFrame, step_request: StepRequest
    ) -> Generator[Command, Any, PreparedRequest | None]:
        """The step's request with this run's values and credentials; None if it cannot be sent."""
        first = frame.attempt_number == 1
        try:
            base_url = step_request.base_url(self.options.server_overrides)
            request, message = step_request.template.build(
                frame.context, base_url, self.diagnostics
            )
        except StepFailure as exc:
            if first:
                self.listener.step_started(frame.step, None)
            frame.result.error = str(exc)
            return None
        context = frame.context
        context.url, context.method, context.request = request.url, request.method, message
        frame.result.url = request.full_url
        if first:
            self.listener.step_started(frame.step, request)
        credentials = self.options.credentials
        if credentials is not None:
            # Added after result.url is set, so a key sent in the query is never printed.
            problem = yield from credentials.apply(
                request,
                step_request.template.operation,
                base_url,
                self._request_timeout(frame),
            )
            if problem is not None:
                frame.result.error = problem
                return None
        return request

    def _record_exchange(
        self,
        frame: StepFrame,
        request: PreparedRequest,
        sent_at: datetime | None,
        outcome: SendOutcome,
    ) -> Exchange | None:
        if sent_at is None:
            return None
        exchange = Exchange(
            frame.flow.workflow.workflow_id,
            frame.step.step_id,
            frame.attempt_number,
            request,
            sent_at,
            outcome.response,
            outcome.error,
            outcome.elapsed_ms,
        )
        self.listener.exchange(exchange)
        return exchange

    def _check_response(
        self, operation: Operation, exchange: Exchange | None, result: StepResult
    ) -> None:
        """The response checks (``--check``): recorded on the exchange; an error fails the step."""
        checks = self.options.response_checks
        if checks is None or exchange is None or exchange.response is None:
            return
        for verdict in checks.check(operation, exchange.response):
            exchange.checks.append(verdict)
            if verdict.failed:
                self._check_failed(verdict, result)

    def _check_failed(self, verdict: CheckResult, result: StepResult) -> None:
        """A failed check at ``error`` fails the step; at ``warn`` it becomes a warning."""
        text = verdict.failure
        if verdict.severity == "error":
            if result.status is Status.SUCCEEDED:
                result.status = Status.FAILED
                result.error = text
            else:
                result.error = f"{result.error}; {text}" if result.error else text
            return
        warning = f"step '{result.step_id}': {text}"
        result.warnings.append(warning)
        self.diagnostics.warning(warning, rule=verdict.name)

    def _judge_response(self, frame: StepFrame, response: ResponseRecord) -> None:
        context = frame.context
        frame.result.status_code = response.status_code
        context.status_code = response.status_code
        context.response = HttpMessage(
            headers=header_map(response.headers), body=self._response_body(frame, response)
        )
        self._conclude(frame, context, response.status_code)

    def _response_body(self, frame: StepFrame, response: ResponseRecord) -> Any:
        body, problem = decode_body(response)
        if problem is not None:
            message = f"step '{frame.step.step_id}': {problem}"
            frame.result.warnings.append(message)
            self.diagnostics.warning(message)
        return body

    def _workflow_attempt(self, frame: StepFrame) -> Generator[Command, Any, None]:
        step, result, context = frame.step, frame.result, frame.context
        assert step.workflow_id is not None
        if frame.attempt_number == 1:
            self.listener.step_started(step, None)
        target = frame.flow.prepared.targets[step.workflow_id]
        try:
            inputs = {
                p.name: p.value.evaluate(context)
                for p in effective_parameters(frame.flow.workflow, step)
            }
        except UnresolvedReference as exc:
            result.error = f"cannot set the inputs of workflow '{step.workflow_id}': {exc}"
            return
        self.state.last_response = None
        child = yield from self._call(target, inputs, only_declared=False, deadline=frame.deadline)
        result.called_workflow = child
        if self.state.last_response is not None:
            # $statusCode and $response of a workflow step are those of the last
            # response its workflow received (docs/semantics.md): the spec's own
            # examples check `$statusCode == 200` on such steps.
            context.status_code, context.response = self.state.last_response
        # In this step's criteria and outputs, $outputs means the called workflow's.
        called = replace(context, outputs=child.outputs)
        if not child.succeeded:
            reason = child.error.message if child.error else "it failed"
            result.error = f"workflow '{child.workflow_id}' failed: {reason}"
            result.outputs = self._step_outputs(frame, called)
            return
        self._conclude(frame, called, None)

    def _conclude(self, frame: StepFrame, context: ExpressionContext, status: int | None) -> None:
        """Judge an answered attempt by the step's criteria, and read its outputs."""
        verdicts, failures = judge_criteria(frame.step, context, status)
        if frame.result.attempts:
            frame.result.attempts[-1].criteria = verdicts
        frame.result.outputs = self._step_outputs(frame, context)
        if failures:
            frame.result.error = "; ".join(failures)
        else:
            frame.result.status = Status.SUCCEEDED

    def _step_outputs(self, frame: StepFrame, context: ExpressionContext) -> dict[str, Any]:
        step = frame.step
        outputs: dict[str, Any] = {}
        for name, value in step.outputs.items():
            try:
                outputs[name] = value.evaluate(context)
            except UnresolvedReference as exc:
                outputs[name] = None
                message = f"step '{step.step_id}' output '{name}' is null: {exc}"
                frame.result.warnings.append(message)
                pointer = join_pointer(step.pointer, "outputs", name)
                self.diagnostics.warning(message, frame.flow.document.location(pointer))
        return outputs


# --------------------------------------------------------------------------- helpers


def _stop_reason(frame: StepFrame) -> str:
    """Why the steps still running when ``frame``'s step took the control are stopped."""
    action = frame.result.action
    kind = action.type if action is not None else "fail"
    step_id = frame.step.step_id
    if kind == "goto":
        target = action.step_id or action.workflow_id if action is not None else None
        return f"stopped: step '{step_id}' went to '{target}' while this step ran"
    if kind == "end":
        return f"stopped: step '{step_id}' ended the workflow while this step ran"
    return f"stopped: step '{step_id}' failed while this step ran"


def _reset_http(context: ExpressionContext) -> None:
    context.url = context.method = context.status_code = None
    context.request = context.response = context.message = None


def _declared_inputs(workflow: Workflow, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The values among ``inputs`` that ``workflow`` declares (all of them if it declares none)."""
    properties = workflow.input_properties
    if not properties:
        return dict(inputs)
    return {name: value for name, value in inputs.items() if name in properties}
