"""What starts a run on Temporal (:class:`RunRequest`), and the run options inside it.

The request is the workflow's input and lives in its history (encrypted, see
:mod:`.codec`). It names the document by path and pins it by the SHA-256 of
its bytes; it carries the inputs and every run option a local run would use.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine import RunOptions
from .wire import from_wire, to_wire

if TYPE_CHECKING:
    from ..engine.options import Clock

DEFAULT_TASK_QUEUE = "arazzo"
DEFAULT_NAMESPACE = "default"
TEMPORAL_PAYLOAD_LIMIT = 2 * 1024 * 1024
"""The largest payload a Temporal server accepts by default (its blob size limit)."""
DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024
"""The largest response body a run on Temporal keeps: base64 and the rest of the
outcome must still fit under :data:`TEMPORAL_PAYLOAD_LIMIT`."""
DEFAULT_HEARTBEAT_SECONDS = 10.0

RESEND_POLICIES = ("idempotent", "always", "never")
"""Which requests are sent again when a worker stopped while sending them (README)."""
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
"""RFC 9110, section 9.2.2: sending these twice has the effect of sending them once."""


@dataclass
class RunRequest:
    """The input of :class:`~arazzo_runner.temporal.workflow.ArazzoRunWorkflow`."""

    document: str
    """The Arazzo document's path as the worker reads it (absolute, or relative to
    the worker's document directory)."""
    digest: str
    """``sha256:HEX`` of the document's bytes: a worker refuses any other content."""
    workflow_id: str
    inputs: Any = None
    """The workflow's inputs as :func:`~arazzo_runner.temporal.wire.to_wire` writes them
    (Temporal's JSON converter would sort the keys of objects, and so reorder request
    bodies built from them); :meth:`with_inputs` sets them."""
    options: dict[str, Any] = field(default_factory=dict)
    """The run's options, as :func:`options_to_wire` writes them."""
    resend: str = "idempotent"
    """One of :data:`RESEND_POLICIES`."""
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
    heartbeat_seconds: float = DEFAULT_HEARTBEAT_SECONDS
    offline: bool = False

    def with_inputs(self, inputs: dict[str, Any]) -> RunRequest:
        self.inputs = to_wire(inputs)
        return self

    def input_values(self) -> dict[str, Any]:
        values: dict[str, Any] = from_wire(self.inputs) if self.inputs is not None else {}
        return values


def document_digest(path: str | Path) -> str:
    """``sha256:HEX`` of the file's bytes."""
    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def default_execution_id(request: RunRequest) -> str:
    """A workflow id from the document's digest, the workflow and the inputs.

    The same run asked for twice (a CI job retried) gets the same id, and so joins
    the execution already going instead of starting another.
    """
    identity = json.dumps(
        [request.digest, request.workflow_id, request.inputs, request.options],
        sort_keys=True,
        default=str,
    )
    return f"arazzo-{request.workflow_id}-{hashlib.sha256(identity.encode()).hexdigest()[:32]}"


def options_to_wire(options: RunOptions) -> dict[str, Any]:
    """Every setting of ``options`` a worker needs, as JSON (the clock stays behind)."""
    checks = options.response_checks
    credentials = options.credentials
    return {
        "server_overrides": dict(options.server_overrides),
        "timeout": options.timeout,
        "connect_timeout": options.connect_timeout,
        "max_step_executions": options.max_step_executions,
        "max_duration": options.max_duration,
        "max_nesting": options.max_nesting,
        "max_response_bytes": options.max_response_bytes,
        "follow_redirects": options.follow_redirects,
        "max_redirects": options.max_redirects,
        "verify_tls": options.verify_tls,
        "step_concurrency": options.step_concurrency,
        "checks": {k: str(v) for k, v in checks.severities.items()} if checks else None,
        "auth": dict(credentials.values) if credentials else {},
        "auth_environ": dict(credentials.environ) if credentials else {},
    }


def options_from_wire(data: dict[str, Any], clock: Clock) -> RunOptions:
    """The :class:`RunOptions` :func:`options_to_wire` wrote, keeping time by ``clock``."""
    from ..http.auth import Credentials
    from ..http.response_checks import CheckSeverity, ResponseChecker

    defaults = RunOptions()
    checks = data.get("checks")
    return RunOptions(
        server_overrides=dict(data.get("server_overrides", {})),
        timeout=data.get("timeout", defaults.timeout),
        connect_timeout=data.get("connect_timeout", defaults.connect_timeout),
        max_step_executions=data.get("max_step_executions", defaults.max_step_executions),
        max_duration=data.get("max_duration", defaults.max_duration),
        max_nesting=data.get("max_nesting", defaults.max_nesting),
        max_response_bytes=data.get("max_response_bytes", defaults.max_response_bytes),
        follow_redirects=data.get("follow_redirects", defaults.follow_redirects),
        max_redirects=data.get("max_redirects", defaults.max_redirects),
        verify_tls=data.get("verify_tls", defaults.verify_tls),
        step_concurrency=data.get("step_concurrency", defaults.step_concurrency),
        response_checks=(
            ResponseChecker({k: CheckSeverity(v) for k, v in checks.items()})
            if checks is not None
            else None
        ),
        credentials=Credentials(dict(data.get("auth", {})), dict(data.get("auth_environ", {}))),
        clock=clock,
    )
