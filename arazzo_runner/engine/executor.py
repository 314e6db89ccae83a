"""Running a workflow: steps, success and failure actions, workflow calls.

The engine is written once, as generators that *ask* for I/O: they yield a
:class:`SendRequest` or a :class:`Wait` and are resumed with the outcome.
:meth:`WorkflowRunner.run` drives them with a blocking client and
:meth:`WorkflowRunner.arun` with an asynchronous one, so both have exactly
the same semantics. Steps that call workflows, ``dependsOn`` workflows and
``goto``/``retry`` targets that are workflows are nested generators.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostics
from ..document import (
    Action,
    ArazzoDocument,
    Step,
    Workflow,
    build_model,
    check_workflow,
    join_pointer,
)
from ..errors import ArazzoError, DocumentError
from ..expressions import ExpressionContext, HttpMessage, UnresolvedReference
from ..http.commands import Command, Engine, SendOutcome, SendRequest, Wait
from ..http.messages import Exchange, ResponseRecord, StepFailure
from ..http.request import (
    PATH_TEMPLATE_NAMES,
    RequestPlan,
    effective_parameters,
    has_header,
)
from ..http.transport import (
    DEFAULT_CONNECT_TIMEOUT_SECONDS,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT_SECONDS,
    TransportOptions,
)
from ..openapi import Operation, SourceRegistry
from ..results import ActionTaken, Attempt, RunError, Status, StepResult, WorkflowResult
from .events import RunListener

if TYPE_CHECKING:
    import httpx2

    from ..http.auth import Credentials
    from ..http.response_checks import ResponseChecker

DEFAULT_MAX_STEP_EXECUTIONS = 1000
DEFAULT_MAX_DURATION_SECONDS = 900.0
_SOURCE_WORKFLOW = re.compile(r"^\$sourceDescriptions\.([^.]+)\.(.+)$")

InputsPreparer = Callable[[Workflow, ArazzoDocument, Mapping[str, Any]], dict[str, Any]]


@dataclass
class RunOptions:
    server_overrides: Mapping[str, str] = field(default_factory=dict)
    """Source description name -> base URL that replaces the description's servers."""
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    """Limit for each read/write of one HTTP request, in seconds."""
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS
    """Limit for opening a connection (TCP and TLS), in seconds; capped by ``timeout``."""
    max_step_executions: int = DEFAULT_MAX_STEP_EXECUTIONS
    """Every step attempt (first tries, retries, goto loops, nested workflows) counts."""
    max_duration: float | None = DEFAULT_MAX_DURATION_SECONDS
    """Wall-clock limit for the whole run, waits included; None for no limit."""
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    follow_redirects: bool = False
    """Follow same-origin redirects, up to ``max_redirects`` (README, "Redirects")."""
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    verify_tls: bool = True
    response_checks: ResponseChecker | None = None
    """Checks each response against its OpenAPI operation (``http/response_checks.py``)."""
    credentials: Credentials | None = None
    """Applied to requests by their operations' ``security`` (``arazzo_runner.http.auth``)."""

    def transport(self) -> TransportOptions:
        return TransportOptions(
            timeout=self.timeout,
            connect_timeout=self.connect_timeout,
            max_response_bytes=self.max_response_bytes,
            follow_redirects=self.follow_redirects,
            max_redirects=self.max_redirects,
            verify=self.verify_tls,
        )


class RunLimitExceeded(Exception):
    """The run hit --max-steps or --max-duration; it ends with this message."""


@dataclass
class _RunState:
    """What every workflow of one run shares: limits, and ``$workflows`` values."""

    max_executions: int
    deadline: float | None
    max_duration: float | None
    executions: int = 0
    depth: int = 0
    """How many workflows are running, nested in each other."""
    workflows: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: dict[tuple[int, str], WorkflowResult] = field(default_factory=dict)
    last_response: tuple[int, HttpMessage] | None = None
    """The most recent HTTP response of the run (what ``$statusCode`` of a workflow step reads)."""

    def count_execution(self, step: Step) -> None:
        self.executions += 1
        if self.executions > self.max_executions:
            raise RunLimitExceeded(
                f"the run stopped before step '{step.step_id}': it reached the limit of "
                f"{self.max_executions} step executions (a goto or retry loop?); "
                "raise it with --max-steps"
            )
        if self.out_of_time():  # the message is only worded when needed
            raise self.time_limit_error(f"before step '{step.step_id}'")

    def remaining(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline - time.monotonic()

    def out_of_time(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def time_limit_error(self, where: str) -> RunLimitExceeded:
        return RunLimitExceeded(
            f"the run stopped {where}: it exceeded its time limit of "
            f"{self.max_duration:g} s; raise it with --max-duration"
        )


@dataclass(frozen=True)
class _Target:
    """A workflow to run, with the runner of the document it belongs to."""

    runner: WorkflowRunner
    workflow: Workflow

    @property
    def key(self) -> tuple[int, str]:
        return (id(self.runner.document), self.workflow.workflow_id)


@dataclass
class _Transition:
    """What follows a step: the index of the next step, or the end of the workflow."""

    next_index: int | None
    failed: bool = False
    goto_workflow: _Target | None = None


class WorkflowRunner:
    """Runs the workflows of one Arazzo document."""

    def __init__(
        self,
        document: ArazzoDocument,
        sources: SourceRegistry,
        diagnostics: Diagnostics,
        options: RunOptions | None = None,
        client: httpx2.Client | None = None,
        listener: RunListener | None = None,
        *,
        inputs_preparer: InputsPreparer | None = None,
    ) -> None:
        self.document = document
        self.sources = sources
        self.diagnostics = diagnostics
        self.options = options or RunOptions()
        self._client = client
        self.events = listener or RunListener()
        self.inputs_preparer = inputs_preparer or _default_inputs_preparer
        self._operations: dict[tuple[str, str], Operation] = {}
        self._requests: dict[tuple[str, str], RequestPlan] = {}
        self._prepared: set[str] = set()
        self._other_documents: dict[str, WorkflowRunner] = {}
        # Runners of other Arazzo documents as a runner this one was made from
        # prepared them; each is rebound to this runner's options when first used.
        self._prepared_documents: dict[str, WorkflowRunner] = {}
        # Operation id -> (operation, its server URL): the URL only depends on the document.
        self._server_urls: dict[int, tuple[Operation, str]] = {}

    def for_run(
        self,
        options: RunOptions,
        client: httpx2.Client | None = None,
        listener: RunListener | None = None,
    ) -> WorkflowRunner:
        """A runner for another run, sharing what this one prepared.

        Preparing resolves every operation and checks every step, which costs
        more than a local HTTP call; a workflow run many times is prepared once
        and each run gets its own ``options``, ``client`` and ``listener``. The
        preparation holds for runs whose ``server_overrides`` name the same
        source descriptions (which servers must be defined depends on them).
        """
        runner = WorkflowRunner(
            self.document,
            self.sources,
            self.diagnostics,
            options,
            client,
            listener,
            inputs_preparer=self.inputs_preparer,
        )
        # Copies, so that preparing another workflow on one runner never changes another's.
        runner._operations = dict(self._operations)
        runner._requests = dict(self._requests)
        runner._prepared = set(self._prepared)
        runner._prepared_documents = {**self._prepared_documents, **self._other_documents}
        runner._server_urls = self._server_urls  # filled the same way by every run
        return runner

    # -- preparing (nothing is sent)

    def prepare(self, workflow: Workflow) -> None:
        """Resolve everything the workflow can reach and check it before sending.

        Raises :class:`DocumentInvalid` listing every problem, so a workflow
        that cannot run never sends its first request. Workflows it calls,
        depends on or jumps to are prepared too.
        """
        if workflow.workflow_id in self._prepared:
            return
        check_workflow(workflow, self.diagnostics)
        self._prepared.add(workflow.workflow_id)  # first: workflows may refer to each other
        problems = Diagnostics()
        targets: list[_Target] = []
        for index, reference in enumerate(workflow.depends_on):
            pointer = join_pointer(workflow.pointer, "dependsOn", index)
            targets += self._checked_target(reference, pointer, problems)
        for step in workflow.steps:
            targets += self._prepare_step(workflow, step, problems)
        for action in [*workflow.success_actions, *workflow.failure_actions]:
            targets += self._check_action(workflow, action, problems)
        try:
            problems.raise_if_errors()
        except ArazzoError:
            self._prepared.discard(workflow.workflow_id)
            raise
        for target in targets:
            target.runner.prepare(target.workflow)

    def _prepare_step(self, workflow: Workflow, step: Step, problems: Diagnostics) -> list[_Target]:
        targets: list[_Target] = []
        for action in [*step.on_success, *step.on_failure]:
            targets += self._check_action(workflow, action, problems)
        if step.workflow_id is not None:
            targets += self._checked_target(
                step.workflow_id, join_pointer(step.pointer, "workflowId"), problems
            )
            return targets
        try:
            operation = self.sources.resolve(step)
        except DocumentError as exc:
            problems.error(exc.message, exc.location, exc.hint)
            return targets
        self._operations[(workflow.workflow_id, step.step_id)] = operation
        self._requests[(workflow.workflow_id, step.step_id)] = RequestPlan(
            workflow, step, operation
        )
        operation.check_security(self.diagnostics)
        self._check_parameters(workflow, step, operation, problems)
        self._check_server(operation, problems)
        return targets

    def _check_action(
        self, workflow: Workflow, action: Action, problems: Diagnostics
    ) -> list[_Target]:
        if action.step_id is not None and workflow.step(action.step_id) is None:
            known = ", ".join(s.step_id for s in workflow.steps)
            problems.error(
                f"{action.type} action '{action.name}' names stepId '{action.step_id}', which "
                f"is not a step of workflow '{workflow.workflow_id}'",
                self.document.location(join_pointer(action.pointer, "stepId")),
                hint=f"steps: {known}",
            )
        if action.workflow_id is not None:
            return self._checked_target(
                action.workflow_id, join_pointer(action.pointer, "workflowId"), problems
            )
        return []

    def _checked_target(self, reference: str, pointer: str, problems: Diagnostics) -> list[_Target]:
        try:
            return [self._target(reference, pointer)]
        except DocumentError as exc:
            problems.error(exc.message, exc.location, exc.hint)
            return []

    def _target(self, reference: str, pointer: str) -> _Target:
        """The workflow ``reference`` names: a local workflowId or ``$sourceDescriptions.x.id``."""
        match = _SOURCE_WORKFLOW.match(reference)
        if match is None:
            local = self.document.workflow(reference)
            if local is not None:
                return _Target(self, local)
            return self._unique_in_arazzo_sources(reference, pointer)
        source_name, workflow_id = match.groups()
        runner = self._runner_for_source(source_name, pointer)
        found = runner.document.workflow(workflow_id)
        if found is None:
            known = ", ".join(w.workflow_id for w in runner.document.workflows)
            raise DocumentError(
                f"source description '{source_name}' has no workflow '{workflow_id}'",
                location=self.document.location(pointer),
                hint=f"its workflows: {known}",
            )
        return _Target(runner, found)

    def _unique_in_arazzo_sources(self, workflow_id: str, pointer: str) -> _Target:
        # A plain id that is not local is accepted when exactly one arazzo source
        # defines it, with a warning: the spec asks for the qualified form.
        found = []
        for source in self.document.source_descriptions:
            if source.type == "arazzo":
                runner = self._runner_for_source(source.name, pointer)
                workflow = runner.document.workflow(workflow_id)
                if workflow is not None:
                    found.append((source.name, _Target(runner, workflow)))
        if len(found) == 1:
            name, target = found[0]
            self.diagnostics.warning(
                f"workflowId '{workflow_id}' is defined in source description '{name}'; "
                f"the spec asks for '$sourceDescriptions.{name}.{workflow_id}'",
                location=self.document.location(pointer),
            )
            return target
        known = ", ".join(w.workflow_id for w in self.document.workflows)
        raise DocumentError(
            f"no workflow '{workflow_id}' in this document"
            + (" (several source descriptions define it)" if found else ""),
            location=self.document.location(pointer),
            hint=f"workflows here: {known}; a workflow of another Arazzo document is named "
            "$sourceDescriptions.<name>.<workflowId>",
        )

    def _runner_for_source(self, name: str, pointer: str) -> WorkflowRunner:
        if name in self._other_documents:
            return self._other_documents[name]
        prepared = self._prepared_documents.get(name)
        if prepared is not None:
            runner = prepared.for_run(self.options, listener=self.events)
            self._other_documents[name] = runner
            return runner
        source = self.document.source(name)
        if source is None:
            names = ", ".join(s.name for s in self.document.source_descriptions)
            raise DocumentError(
                f"no source description named '{name}'",
                location=self.document.location(pointer),
                hint=f"source descriptions: {names}",
            )
        if source.type != "arazzo":
            raise DocumentError(
                f"source description '{name}' is of type '{source.type or 'openapi'}'; "
                "workflows can only come from an 'arazzo' source description",
                location=self.document.location(pointer),
            )
        uri = self.document.document.resolve_uri(source.url)
        try:
            loaded = self.sources.cache.get(uri)
            document = build_model(loaded, self.diagnostics)
        except DocumentError as exc:
            raise DocumentError(
                f"cannot load source description '{name}': {exc.message}",
                location=self.document.location(join_pointer(source.pointer, "url")),
                hint=exc.hint,
            ) from None
        runner = WorkflowRunner(
            document,
            SourceRegistry(document, self.diagnostics, self.sources.cache),
            self.diagnostics,
            self.options,
            listener=self.events,
            inputs_preparer=self.inputs_preparer,
        )
        self._other_documents[name] = runner
        return runner

    def _check_parameters(
        self, workflow: Workflow, step: Step, operation: Operation, problems: Diagnostics
    ) -> None:
        supplied = {(p.name, p.location) for p in effective_parameters(workflow, step)}
        for name in re.findall(PATH_TEMPLATE_NAMES, operation.path):
            if (name, "path") not in supplied:
                problems.error(
                    f"step '{step.step_id}' does not supply path parameter '{name}' required "
                    f"by {operation.label}",
                    self.document.location(step.pointer),
                    hint=f"add a parameter with name: {name} and in: path",
                )
        for parameter in operation.parameters(self.diagnostics):
            if parameter.required and (parameter.name, parameter.location) not in supplied:
                header_names = (n for n, location in supplied if location == "header")
                if parameter.location == "header" and has_header(header_names, parameter.name):
                    continue
                if parameter.location != "path":
                    self.diagnostics.warning(
                        f"step '{step.step_id}' does not supply the required {parameter.location} "
                        f"parameter '{parameter.name}' of {operation.label}",
                        self.document.location(step.pointer),
                    )

    def _check_server(self, operation: Operation, problems: Diagnostics) -> None:
        if operation.description.name in self.options.server_overrides:
            return
        try:
            operation.description.server_url(operation)
        except DocumentError as exc:
            problems.error(exc.message, exc.location, exc.hint)

    # -- drivers

    def run(self, workflow: Workflow, inputs: Mapping[str, Any]) -> WorkflowResult:
        """Run ``workflow`` with already validated ``inputs``, blocking."""
        from ..http.transport import new_client, send

        self.prepare(workflow)
        transport = self.options.transport()
        owns_client = self._client is None
        # Created before the first step so that its set-up is not timed as part of it.
        client = self._client or new_client(transport)
        engine = self.execute(workflow, inputs)
        try:
            reply: Any = None
            while True:
                try:
                    command = engine.send(reply)
                except StopIteration as stop:
                    return stop.value
                if isinstance(command, Wait):
                    time.sleep(command.seconds)
                    reply = None
                else:
                    reply = send(client, command.request, transport, command.timeout)
        finally:
            engine.close()
            if owns_client:
                client.close()

    async def arun(
        self,
        workflow: Workflow,
        inputs: Mapping[str, Any],
        client: httpx2.AsyncClient | None = None,
    ) -> WorkflowResult:
        """Run ``workflow`` with already validated ``inputs`` on an asyncio loop."""
        from ..http.transport import new_async_client, send_async

        self.prepare(workflow)
        transport = self.options.transport()
        owns_client = client is None
        async_client = client or new_async_client(transport)
        engine = self.execute(workflow, inputs)
        try:
            reply: Any = None
            while True:
                try:
                    command = engine.send(reply)
                except StopIteration as stop:
                    return stop.value
                if isinstance(command, Wait):
                    await _async_sleep(command.seconds)
                    reply = None
                else:
                    reply = await send_async(
                        async_client, command.request, transport, command.timeout
                    )
        finally:
            engine.close()
            if owns_client:
                await async_client.aclose()

    def execute(self, workflow: Workflow, inputs: Mapping[str, Any]) -> Engine:
        """The engine for one run of ``workflow``: drive it with :meth:`run` or :meth:`arun`."""
        deadline = None
        if self.options.max_duration is not None:
            deadline = time.monotonic() + self.options.max_duration
        state = _RunState(
            max_executions=self.options.max_step_executions,
            deadline=deadline,
            max_duration=self.options.max_duration,
        )
        return self._workflow(workflow, dict(inputs), state)

    # -- workflows

    def _workflow(
        self, workflow: Workflow, inputs: dict[str, Any], state: _RunState
    ) -> Generator[Command, Any, WorkflowResult]:
        self.events.workflow_started(workflow, inputs)
        state.workflows[workflow.workflow_id] = {"inputs": inputs, "outputs": {}}
        context = self._new_context(inputs, state)
        executions: list[StepResult] = []
        dependencies: list[WorkflowResult] = []
        failure: RunError | None = None
        limit: RunLimitExceeded | None = None
        state.depth += 1
        try:
            failure = yield from self._run_dependencies(workflow, inputs, state, dependencies)
            if failure is None:
                failure = yield from self._run_steps(workflow, context, state, executions)
        except RunLimitExceeded as exc:
            limit = exc
            failure = RunError(str(exc), executions[-1].step_id if executions else None)
            if executions and executions[-1].error is None:
                executions[-1].error = str(exc)
        finally:
            state.depth -= 1
        ran = {r.step_id for r in executions}
        skipped = [
            StepResult(s.step_id, Status.SKIPPED, workflow_id=workflow.workflow_id)
            for s in workflow.steps
            if s.step_id not in ran
        ]
        outputs = self._workflow_outputs(workflow, context, strict=failure is None)
        state.workflows[workflow.workflow_id]["outputs"] = outputs
        result = WorkflowResult(
            workflow.workflow_id,
            Status.FAILED if failure else Status.SUCCEEDED,
            outputs,
            executions + skipped,
            failure,
            dependencies,
        )
        self.events.workflow_finished(result)
        if limit is not None and state.depth > 0:
            # The limits are for the whole run: a workflow that called this one stops too.
            raise limit
        return result

    def _run_dependencies(
        self,
        workflow: Workflow,
        inputs: dict[str, Any],
        state: _RunState,
        dependencies: list[WorkflowResult],
    ) -> Generator[Command, Any, RunError | None]:
        for index, reference in enumerate(workflow.depends_on):
            target = self._target(reference, join_pointer(workflow.pointer, "dependsOn", index))
            result = state.finished.get(target.key)
            if result is None:  # each dependency runs once per run, however often named
                result = yield from self._call(target, inputs, state, select_declared=True)
                state.finished[target.key] = result
                dependencies.append(result)
            if not result.succeeded:
                reason = result.error.message if result.error else "it failed"
                return RunError(
                    f"workflow '{workflow.workflow_id}' depends on '{reference}', which failed: "
                    f"{reason}"
                )
        return None

    def _call(
        self,
        target: _Target,
        inputs: Mapping[str, Any],
        state: _RunState,
        *,
        select_declared: bool,
    ) -> Generator[Command, Any, WorkflowResult]:
        """Run another workflow (a dependency, a called or a goto target) in this run."""
        values = dict(inputs)
        if select_declared:
            values = _declared_inputs(target.workflow, values)
        try:
            values = self.inputs_preparer(target.workflow, target.runner.document, values)
        except ArazzoError as exc:
            return WorkflowResult(
                target.workflow.workflow_id,
                Status.FAILED,
                error=RunError(f"invalid inputs for workflow: {exc.message}"),
            )
        return (yield from target.runner._workflow(target.workflow, values, state))

    def _run_steps(
        self,
        workflow: Workflow,
        context: ExpressionContext,
        state: _RunState,
        executions: list[StepResult],
    ) -> Generator[Command, Any, RunError | None]:
        index: int | None = 0
        failure: RunError | None = None
        while index is not None and index < len(workflow.steps):
            step = workflow.steps[index]
            transition = yield from self._step(workflow, step, index, context, state, executions)
            failure = None
            if transition.failed:
                last = executions[-1]
                failure = RunError(last.error or "step failed", last.step_id)
            if transition.goto_workflow is not None:
                result = yield from self._call(
                    transition.goto_workflow, context.inputs, state, select_declared=True
                )
                executions[-1].called_workflow = result
                if not result.succeeded:
                    reason = result.error.message if result.error else "it failed"
                    failure = RunError(
                        f"workflow '{result.workflow_id}' (goto target) failed: {reason}",
                        executions[-1].step_id,
                    )
            index = transition.next_index
        return failure

    def _new_context(self, inputs: Mapping[str, Any], state: _RunState) -> ExpressionContext:
        return ExpressionContext(
            inputs=inputs,
            workflows=state.workflows,
            source_descriptions={
                s.name: s.as_expression_value() for s in self.document.source_descriptions
            },
            components=self.document.components,
        )

    # -- one step, with its actions

    def _step(
        self,
        workflow: Workflow,
        step: Step,
        index: int,
        context: ExpressionContext,
        state: _RunState,
        executions: list[StepResult],
    ) -> Generator[Command, Any, _Transition]:
        result = StepResult(step.step_id, Status.FAILED, workflow_id=workflow.workflow_id)
        executions.append(result)
        retries: dict[str, int] = {}
        started = time.perf_counter()
        try:
            while True:
                attempt = yield from self._attempt(workflow, step, context, state, result)
                if attempt.status is Status.SUCCEEDED:
                    taken, transition = self._after_success(workflow, step, index, context)
                else:
                    taken, transition, side_trip = self._after_failure(
                        workflow, step, index, context, retries
                    )
                    if taken.type == "retry":
                        attempt.action = taken
                        self.events.action_taken(step, taken)
                        yield from self._prepare_retry(step, taken, side_trip, context, state)
                        yield from self._side_trip(
                            workflow, side_trip, context, state, executions, attempt
                        )
                        continue
                attempt.action = result.action = taken
                self.events.action_taken(step, taken)
                return transition
        finally:
            result.duration_ms = (time.perf_counter() - started) * 1000
            context.steps = {**context.steps, step.step_id: {"outputs": result.outputs}}
            self.events.step_finished(result)

    def _after_success(
        self, workflow: Workflow, step: Step, index: int, context: ExpressionContext
    ) -> tuple[ActionTaken, _Transition]:
        for action in _merged(workflow.success_actions, step.on_success):
            if self._criteria_hold(action, context):
                return self._jump(workflow, action, failed=False)
        return ActionTaken("next"), _Transition(index + 1)

    def _after_failure(
        self,
        workflow: Workflow,
        step: Step,
        index: int,
        context: ExpressionContext,
        retries: dict[str, int],
    ) -> tuple[ActionTaken, _Transition, Action | None]:
        for action in _merged(workflow.failure_actions, step.on_failure):
            if not self._criteria_hold(action, context):
                continue
            if action.type == "retry":
                limit = 1 if action.retry_limit is None else action.retry_limit
                used = retries.get(action.name, 0)
                if used >= limit:
                    continue  # exhausted: the spec says the next failure action applies
                retries[action.name] = used + 1
                delay = _retry_delay(action, context)
                taken = ActionTaken(
                    "retry",
                    action.name,
                    action.step_id,
                    action.workflow_id,
                    retry_after=delay,
                    retry_number=used + 1,
                    retry_limit=limit,
                )
                return taken, _Transition(index), action
            taken, transition = self._jump(workflow, action, failed=True)
            return taken, transition, None
        return ActionTaken("fail"), _Transition(None, failed=True), None

    def _jump(
        self, workflow: Workflow, action: Action, *, failed: bool
    ) -> tuple[ActionTaken, _Transition]:
        taken = ActionTaken(action.type, action.name, action.step_id, action.workflow_id)
        if action.type == "end":
            # A failure handled by 'end' still ends a failed workflow (docs/semantics.md).
            return taken, _Transition(None, failed=failed)
        if action.step_id is not None:
            target_index = next(
                i for i, s in enumerate(workflow.steps) if s.step_id == action.step_id
            )
            return taken, _Transition(target_index)
        assert action.workflow_id is not None
        target = self._target(action.workflow_id, join_pointer(action.pointer, "workflowId"))
        return taken, _Transition(None, goto_workflow=target)

    def _criteria_hold(self, action: Action, context: ExpressionContext) -> bool:
        for criterion in action.criteria:
            try:
                if not criterion.compiled.check(context).passed:
                    return False
            except UnresolvedReference:
                return False
        return True

    def _prepare_retry(
        self,
        step: Step,
        taken: ActionTaken,
        action: Action | None,
        context: ExpressionContext,
        state: _RunState,
    ) -> Generator[Command, Any, None]:
        delay = taken.retry_after or 0.0
        remaining = state.remaining()
        if remaining is not None and delay > remaining:
            raise RunLimitExceeded(
                f"step '{step.step_id}' would be retried after {delay:g} s, beyond the run's "
                f"time limit of {state.max_duration:g} s; raise it with --max-duration"
            )
        if delay > 0:
            yield Wait(delay)

    def _side_trip(
        self,
        workflow: Workflow,
        action: Action | None,
        context: ExpressionContext,
        state: _RunState,
        executions: list[StepResult],
        attempt: Attempt,
    ) -> Generator[Command, Any, None]:
        """Run a retry action's stepId or workflowId before the step is retried."""
        if action is None:
            return
        if action.step_id is not None:
            other = workflow.step(action.step_id)
            assert other is not None  # prepare() checked it
            trip = StepResult(other.step_id, Status.FAILED, workflow_id=workflow.workflow_id)
            executions.append(trip)
            started = time.perf_counter()
            trip_attempt = yield from self._attempt(workflow, other, context, state, trip)
            # Control comes back to the retried step whatever the target's outcome:
            # its own actions do not apply (docs/semantics.md, "Retry targets").
            trip_attempt.action = trip.action = ActionTaken("return")
            trip.duration_ms = (time.perf_counter() - started) * 1000
            context.steps = {**context.steps, other.step_id: {"outputs": trip.outputs}}
            self.events.step_finished(trip)
        elif action.workflow_id is not None:
            target = self._target(action.workflow_id, join_pointer(action.pointer, "workflowId"))
            attempt.called_workflow = yield from self._call(
                target, context.inputs, state, select_declared=True
            )

    # -- one attempt

    def _attempt(
        self,
        workflow: Workflow,
        step: Step,
        context: ExpressionContext,
        state: _RunState,
        result: StepResult,
    ) -> Generator[Command, Any, Attempt]:
        state.count_execution(step)
        number = len(result.attempts) + 1
        attempt = Attempt(number, Status.FAILED)
        result.attempts.append(attempt)
        started = time.perf_counter()
        _reset_http(context)
        result.error = None
        result.status = Status.FAILED
        if step.workflow_id is not None:
            yield from self._workflow_attempt(workflow, step, context, state, result, number)
        else:
            yield from self._http_attempt(workflow, step, context, state, result, number)
        attempt.status = result.status
        attempt.status_code = result.status_code
        attempt.error = result.error
        attempt.duration_ms = (time.perf_counter() - started) * 1000
        return attempt

    def _http_attempt(
        self,
        workflow: Workflow,
        step: Step,
        context: ExpressionContext,
        state: _RunState,
        result: StepResult,
        number: int,
    ) -> Generator[Command, Any, None]:
        plan = self._requests[(workflow.workflow_id, step.step_id)]
        operation = plan.operation
        result.method = plan.method
        result.status_code = None
        try:
            request = plan.build(context, self._base_url(operation), self.diagnostics)
        except StepFailure as exc:
            if number == 1:
                self.events.step_started(step, None)
            result.error = str(exc)
            return
        result.url = request.full_url
        if number == 1:
            self.events.step_started(step, request)
        if self.options.credentials is not None:
            # Added after result.url is set, so a key sent in the query is never printed.
            problem = yield from self.options.credentials.apply(
                request, operation, self._base_url(operation), self._request_timeout(state)
            )
            if problem is not None:
                result.error = problem
                return
        checks = self.options.response_checks
        # The exchange record is only for a listener that wants it and for the
        # response checks; without either, neither it nor its timestamp is made.
        recorded = checks is not None or _hears_exchanges(self.events)
        sent_at = datetime.now(UTC) if recorded else None
        outcome: SendOutcome = yield SendRequest(request, self._request_timeout(state))
        exchange = None
        if sent_at is not None:
            exchange = Exchange(
                workflow.workflow_id,
                step.step_id,
                number,
                request,
                sent_at,
                outcome.response,
                outcome.error,
                outcome.elapsed_ms,
            )
            self.events.exchange(exchange)
        if outcome.response is None:
            result.error = outcome.error
            return
        self._judge_response(step, outcome.response, context, result)
        if checks is not None and exchange is not None:
            checks.apply(operation, exchange, result, self.diagnostics)
        if context.status_code is not None and context.response is not None:
            state.last_response = (context.status_code, context.response)

    def _request_timeout(self, state: _RunState) -> float:
        remaining = state.remaining()
        if remaining is None:
            return self.options.timeout
        if remaining <= 0:
            raise state.time_limit_error("while waiting to send a request")
        return max(0.001, min(self.options.timeout, remaining))

    def _workflow_attempt(
        self,
        workflow: Workflow,
        step: Step,
        context: ExpressionContext,
        state: _RunState,
        result: StepResult,
        number: int,
    ) -> Generator[Command, Any, None]:
        assert step.workflow_id is not None
        if number == 1:
            self.events.step_started(step, None)
        target = self._target(step.workflow_id, join_pointer(step.pointer, "workflowId"))
        try:
            inputs = {
                p.name: p.value.evaluate(context) for p in effective_parameters(workflow, step)
            }
        except UnresolvedReference as exc:
            result.error = f"cannot set the inputs of workflow '{step.workflow_id}': {exc}"
            return
        state.last_response = None
        child = yield from self._call(target, inputs, state, select_declared=False)
        result.called_workflow = child
        if state.last_response is not None:
            # $statusCode and $response of a workflow step are those of the last
            # response its workflow received (docs/semantics.md): the spec's own
            # examples check `$statusCode == 200` on such steps.
            context.status_code, context.response = state.last_response
        saved_outputs = context.outputs
        # In this step's criteria and outputs, $outputs means the called workflow's.
        context.outputs = child.outputs
        try:
            if not child.succeeded:
                reason = child.error.message if child.error else "it failed"
                result.error = f"workflow '{child.workflow_id}' failed: {reason}"
                result.outputs = self._step_outputs(step, context, result)
                return
            failures = self._check_criteria(step, context, None)
            result.outputs = self._step_outputs(step, context, result)
            if failures:
                result.error = "; ".join(failures)
            else:
                result.status = Status.SUCCEEDED
        finally:
            context.outputs = saved_outputs

    def _judge_response(
        self,
        step: Step,
        response: ResponseRecord,
        context: ExpressionContext,
        result: StepResult,
    ) -> None:
        result.status_code = response.status_code
        context.status_code = response.status_code
        context.response = HttpMessage(
            headers=_header_map(response.headers),
            body=self._response_body(step, response, result),
        )
        failures = self._check_criteria(step, context, response.status_code)
        result.outputs = self._step_outputs(step, context, result)
        if failures:
            result.error = "; ".join(failures)
        else:
            result.status = Status.SUCCEEDED

    def _check_criteria(
        self, step: Step, context: ExpressionContext, status: int | None
    ) -> list[str]:
        if not step.success_criteria:
            # The spec leaves this open; an HTTP error status is a failure here
            # (docs/semantics.md, "Steps without successCriteria").
            if status is not None and status >= 400:
                return [f"HTTP {status} and the step has no successCriteria to accept it"]
            return []
        failures = []
        for criterion in step.success_criteria:
            outcome = criterion.compiled.check(context)
            if not outcome.passed:
                failures.append(f"success criterion not met: {outcome.detail}")
        return failures

    def _step_outputs(
        self, step: Step, context: ExpressionContext, result: StepResult
    ) -> dict[str, Any]:
        outputs: dict[str, Any] = {}
        for name, value in step.outputs.items():
            try:
                outputs[name] = value.evaluate(context)
            except UnresolvedReference as exc:
                outputs[name] = None
                message = f"step '{step.step_id}' output '{name}' is null: {exc}"
                result.warnings.append(message)
                self.diagnostics.warning(
                    message, self.document.location(join_pointer(step.pointer, "outputs", name))
                )
        return outputs

    def _workflow_outputs(
        self, workflow: Workflow, context: ExpressionContext, *, strict: bool
    ) -> dict[str, Any]:
        _reset_http(context)
        outputs: dict[str, Any] = {}
        for name, value in workflow.outputs.items():
            try:
                outputs[name] = value.evaluate(context)
            except UnresolvedReference as exc:
                if strict:
                    outputs[name] = None
                    self.diagnostics.warning(
                        f"workflow output '{name}' is null: {exc}",
                        self.document.location(join_pointer(workflow.pointer, "outputs", name)),
                    )
        return outputs

    # -- requests and responses

    def _base_url(self, operation: Operation) -> str:
        override = self.options.server_overrides.get(operation.description.name)
        if override is not None:
            return override
        known = self._server_urls.get(id(operation))
        if known is not None and known[0] is operation:
            return known[1]
        try:
            url = operation.description.server_url(operation)
        except DocumentError as exc:  # pragma: no cover - prepare() checked this
            raise StepFailure(exc.message) from None
        self._server_urls[id(operation)] = (operation, url)
        return url

    def _response_body(self, step: Step, response: ResponseRecord, result: StepResult) -> Any:
        if not response.content:
            return None
        media_type = response.media_type
        if media_type == "application/json" or media_type.endswith("+json"):
            try:
                return json.loads(response.content)
            except ValueError as exc:
                message = (
                    f"step '{step.step_id}': the response says {media_type} but its body is not "
                    f"valid JSON ({exc}); it is kept as text"
                )
                result.warnings.append(message)
                self.diagnostics.warning(message)
        return _decode_text(response)


# --------------------------------------------------------------------------- helpers


def _hears_exchanges(listener: RunListener) -> bool:
    """Whether ``listener`` does anything with an exchange (the base class ignores it)."""
    # Through the bound method, so that an ``exchange`` set on the instance also counts.
    method = getattr(listener, "exchange", None)
    return getattr(method, "__func__", None) is not RunListener.exchange


def _merged(workflow_actions: list[Action], step_actions: list[Action]) -> list[Action]:
    """A step's actions first, then the workflow's that the step does not override by name."""
    if not workflow_actions:
        return step_actions  # only read by the callers: no copy needed
    overridden = {action.name for action in step_actions}
    return [*step_actions, *(a for a in workflow_actions if a.name not in overridden)]


def _retry_delay(action: Action, context: ExpressionContext) -> float:
    """Seconds to wait: the response's Retry-After overrules the action's retryAfter."""
    if context.response is not None:
        header = _header_value(context.response.headers, "retry-after")
        if header is not None:
            parsed = parse_retry_after(header)
            if parsed is not None:
                return parsed
    return float(action.retry_after or 0.0)


async def _async_sleep(seconds: float) -> None:
    import asyncio  # a blocking run never needs asyncio; importing it costs start-up time

    await asyncio.sleep(seconds)


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """RFC 9110 ``Retry-After``: delay-seconds or an HTTP-date; None when neither."""
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    from email.utils import parsedate_to_datetime  # rare: only HTTP-date Retry-After values

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, math.ceil(seconds))


def _header_value(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _header_map(headers: list[tuple[str, str]]) -> dict[str, str]:
    # Repeated headers are combined as RFC 9110 allows (Set-Cookie aside, which
    # expressions rarely read; its values are joined the same way).
    combined: dict[str, str] = {}
    for name, value in headers:
        combined[name] = f"{combined[name]}, {value}" if name in combined else value
    return combined


def _decode_text(response: ResponseRecord) -> str:
    charset = "utf-8"
    content_type = response.header("content-type") or ""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"')
    try:
        return response.content.decode(charset, errors="replace")
    except LookupError:
        return response.content.decode("utf-8", errors="replace")


def _reset_http(context: ExpressionContext) -> None:
    context.url = context.method = context.status_code = None
    context.request = context.response = None


def _declared_inputs(workflow: Workflow, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The values among ``inputs`` that ``workflow`` declares (all of them if it declares none)."""
    schema = workflow.input_schema
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return dict(inputs)
    return {name: value for name, value in inputs.items() if name in properties}


def _default_inputs_preparer(
    workflow: Workflow, document: ArazzoDocument, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    from .inputs import apply_defaults, validate_inputs

    values = apply_defaults(dict(inputs), workflow)
    validate_inputs(values, workflow, document)
    return values
