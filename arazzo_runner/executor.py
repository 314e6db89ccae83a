"""Running a workflow: building each step's request, sending it, judging the response.

The runner is a small state machine over a workflow's steps. After each step
it asks what happens next (a :class:`Transition`); today that is "the next
step" on success and "end, failed" on failure, and the success and failure
actions of the spec plug in at exactly that point.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .diagnostics import Diagnostics
from .errors import DocumentError
from .events import RunListener
from .exchange import PreparedRequest, StepFailure
from .expressions import ExpressionContext, HttpMessage, UnresolvedReference
from .loader import join_pointer
from .model import ArazzoDocument, Step, Workflow, check_workflow
from .openapi import Operation
from .request_builder import PATH_TEMPLATE_NAMES, build_request, effective_parameters, has_header
from .results import ActionTaken, Attempt, RunError, Status, StepResult, WorkflowResult
from .sources import SourceRegistry

if TYPE_CHECKING:
    import httpx2

DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass
class RunOptions:
    server_overrides: Mapping[str, str] = field(default_factory=dict)
    """Source description name -> base URL that replaces the description's servers."""
    timeout: float = DEFAULT_TIMEOUT_SECONDS


@dataclass(frozen=True)
class Transition:
    """What happens after a step: go to a step index, or end the workflow."""

    next_index: int | None
    failed: bool = False


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
    ) -> None:
        self.document = document
        self.sources = sources
        self.diagnostics = diagnostics
        self.options = options or RunOptions()
        self._client = client
        self._owns_client = client is None
        self.listener = listener
        self._operations: dict[tuple[str, str], Operation] = {}
        self._prepared: set[str] = set()

    # -- preparing (nothing is sent)

    def prepare(self, workflow: Workflow) -> None:
        """Resolve every step's operation and check what can be checked before sending.

        Raises :class:`DocumentInvalid` listing every problem, so a workflow
        that cannot run never sends its first request.
        """
        if workflow.workflow_id in self._prepared:
            return
        check_workflow(workflow, self.diagnostics)
        problems = Diagnostics()
        self._check_supported(workflow, problems)
        for step in workflow.steps:
            if step.workflow_id is not None:
                continue
            try:
                operation = self.sources.resolve(step)
            except DocumentError as exc:
                problems.error(exc.message, exc.location, exc.hint)
                continue
            self._operations[(workflow.workflow_id, step.step_id)] = operation
            operation.check_security(self.diagnostics)
            self._check_parameters(workflow, step, operation, problems)
            self._check_server(operation, problems)
        problems.raise_if_errors()
        self._prepared.add(workflow.workflow_id)

    def _check_supported(self, workflow: Workflow, problems: Diagnostics) -> None:
        # These features are part of Arazzo 1.0.1 but not implemented yet. Refusing
        # is honest; silently skipping them would run a different workflow.
        unsupported = [
            (workflow.pointer, "dependsOn", bool(workflow.depends_on)),
            (workflow.pointer, "successActions", bool(workflow.success_actions)),
            (workflow.pointer, "failureActions", bool(workflow.failure_actions)),
        ]
        for step in workflow.steps:
            unsupported += [
                (step.pointer, "workflowId", step.workflow_id is not None),
                (step.pointer, "onSuccess", bool(step.on_success)),
                (step.pointer, "onFailure", bool(step.on_failure)),
            ]
        for pointer, name, present in unsupported:
            if present:
                problems.error(
                    f"'{name}' is not supported by this version of arazzo-runner yet",
                    self.document.location(join_pointer(pointer, name), key=True),
                )

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

    # -- running

    def run(self, workflow: Workflow, inputs: Mapping[str, Any]) -> WorkflowResult:
        """Run ``workflow`` with already validated ``inputs``."""
        self.prepare(workflow)
        # Created before the first step so that its set-up is not timed as part of it.
        self._ensure_client()
        context = self._new_context(workflow, inputs)
        results: dict[str, StepResult] = {}
        index: int | None = 0
        failure: RunError | None = None
        try:
            while index is not None and index < len(workflow.steps):
                step = workflow.steps[index]
                result = self._run_step(workflow, step, context)
                results[step.step_id] = result
                context.steps = {**context.steps, step.step_id: {"outputs": result.outputs}}
                transition = self._after_step(workflow, index, result)
                if transition.failed:
                    failure = RunError(result.error or "step failed", step.step_id)
                index = transition.next_index
        finally:
            if self._owns_client and self._client is not None:
                self._client.close()
                self._client = None
        steps = [
            results.get(s.step_id) or StepResult(s.step_id, Status.SKIPPED) for s in workflow.steps
        ]
        outputs = self._workflow_outputs(workflow, context, strict=failure is None)
        status = Status.FAILED if failure else Status.SUCCEEDED
        return WorkflowResult(workflow.workflow_id, status, outputs, steps, failure)

    def _after_step(self, workflow: Workflow, index: int, result: StepResult) -> Transition:
        # The single place where onSuccess / onFailure actions will choose a target.
        if result.status is Status.SUCCEEDED:
            result.action = result.attempts[-1].action = ActionTaken("next")
            return Transition(index + 1)
        result.action = result.attempts[-1].action = ActionTaken("fail")
        return Transition(None, failed=True)

    def _new_context(self, workflow: Workflow, inputs: Mapping[str, Any]) -> ExpressionContext:
        return ExpressionContext(
            inputs=dict(inputs),
            workflows={workflow.workflow_id: {"inputs": dict(inputs), "outputs": {}}},
            source_descriptions={
                s.name: s.as_expression_value() for s in self.document.source_descriptions
            },
            components=self.document.components,
        )

    def _run_step(self, workflow: Workflow, step: Step, context: ExpressionContext) -> StepResult:
        operation = self._operations[(workflow.workflow_id, step.step_id)]
        started = time.perf_counter()
        result = StepResult(step.step_id, Status.FAILED, method=operation.method.upper())
        context.url = context.method = context.status_code = None
        context.request = context.response = None
        try:
            request = build_request(
                workflow, step, operation, context, self._base_url(operation), self.diagnostics
            )
            result.url = request.full_url
            if self.listener:
                self.listener.step_started(step, request)
            response = self._send(request)
            self._record_response(step, response, context, result)
        except StepFailure as exc:
            result.error = str(exc)
        result.duration_ms = (time.perf_counter() - started) * 1000
        result.attempts.append(
            Attempt(1, result.status, result.status_code, result.error, result.duration_ms)
        )
        if self.listener:
            self.listener.step_finished(result)
        return result

    def _record_response(
        self,
        step: Step,
        response: httpx2.Response,
        context: ExpressionContext,
        result: StepResult,
    ) -> None:
        result.status_code = response.status_code
        context.status_code = response.status_code
        context.response = HttpMessage(
            headers=dict(response.headers.items()),
            body=self._response_body(step, response, result),
        )
        failures = self._check_criteria(step, context, response.status_code)
        result.outputs = self._step_outputs(step, context, result)
        if failures:
            result.error = "; ".join(failures)
        else:
            result.status = Status.SUCCEEDED

    def _check_criteria(self, step: Step, context: ExpressionContext, status: int) -> list[str]:
        if not step.success_criteria:
            # The spec leaves this open; an HTTP error status is a failure here
            # (docs/semantics.md, "Steps without successCriteria").
            if status >= 400:
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
        context.url = context.method = context.status_code = None
        context.request = context.response = None
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

    # -- requests

    def _base_url(self, operation: Operation) -> str:
        override = self.options.server_overrides.get(operation.description.name)
        if override is not None:
            return override
        try:
            return operation.description.server_url(operation)
        except DocumentError as exc:  # pragma: no cover - prepare() checked this
            raise StepFailure(exc.message) from None

    def _ensure_client(self) -> httpx2.Client:
        import httpx2  # imported here: loading and validating documents do not need it

        if self._client is None:
            self._client = httpx2.Client(
                timeout=self.options.timeout, follow_redirects=False, trust_env=True
            )
        return self._client

    def _send(self, request: PreparedRequest) -> httpx2.Response:
        import httpx2

        client = self._ensure_client()
        _check_header_values(request.headers)
        try:
            response = client.request(
                request.method,
                request.url,
                params=request.query or None,
                headers=request.headers,
                content=request.content,
            )
        except httpx2.TimeoutException:
            raise StepFailure(
                f"no response from {_origin(request.url)} within {self.options.timeout:g} s"
            ) from None
        except httpx2.ConnectError as exc:
            raise StepFailure(f"cannot connect to {_origin(request.url)}: {_reason(exc)}") from None
        except httpx2.HTTPError as exc:
            raise StepFailure(f"request to {_origin(request.url)} failed: {_reason(exc)}") from None
        except (ValueError, TypeError) as exc:
            raise StepFailure(f"cannot send the request: {type(exc).__name__}") from None
        return response

    def _response_body(self, step: Step, response: httpx2.Response, result: StepResult) -> Any:
        if not response.content:
            return None
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
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
        return response.text


# --------------------------------------------------------------------------- helpers


def _check_header_values(headers: list[tuple[str, str]]) -> None:
    # Checked here so that the message can name the header without quoting its
    # value: header values are often credentials.
    for name, value in headers:
        if any(char in value for char in "\r\n\0"):
            raise StepFailure(
                f"header '{name}' cannot be sent: its value contains a line break or NUL character"
            )
        if not name or any(char in name for char in " \t\r\n:\0"):
            raise StepFailure(f"'{name}' is not a valid HTTP header name")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.replace("[Errno 111] ", "").replace("[Errno 61] ", "")
