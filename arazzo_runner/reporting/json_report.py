"""``--report json=FILE``: the ``--output json`` document plus every HTTP exchange.

The document is exactly what ``--output json`` prints, with one more member,
``exchanges``: every attempt of every step (retries and nested workflows
included), in the order they were sent::

    {"workflowId": ..., "status": ..., "outputs": ..., "steps": [...], "error": ...,
     "exchanges": [
       {"workflowId": "w", "stepId": "s", "attempt": 1,
        "startedDateTime": "2026-03-15T10:00:00.123Z", "elapsedMs": 12.5, "error": null,
        "request": {"method": "GET", "url": "...", "headers": [{"name": ..., "value": ...}],
                    "body": null | {"size": 17, "text": "..."} | {"size": 3, "base64": "..."}},
        "response": null | {"statusCode": 200, "reason": "OK", "httpVersion": "HTTP/1.1",
                            "headers": [...], "body": ...}}]}

Secrets are masked everywhere in it.

With ``--inputs-each`` one file holds every line's run, in line order::

    {"succeeded": 2, "failed": 1, "runs": [{"line": 1, "workflowId": ..., "exchanges": [...]}, ...]}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..masking import SecretMasker
from .common import encode_body, header_list, iso_time

if TYPE_CHECKING:
    from ..http.messages import Exchange
    from ..results import WorkflowResult
    from .recorder import RunRecorder


def exchange_json(exchange: Exchange, masker: SecretMasker) -> dict[str, Any]:
    request = exchange.request
    response = exchange.response
    data: dict[str, Any] = {
        "workflowId": exchange.workflow_id,
        "stepId": exchange.step_id,
        "attempt": exchange.attempt,
        "startedDateTime": iso_time(exchange.started),
        "elapsedMs": round(exchange.elapsed_ms, 3),
        "error": exchange.error,
        "request": {
            "method": request.method.upper(),
            "url": masker.mask_url(request.full_url),
            "headers": header_list(request.headers, masker),
            "body": encode_body(request.content, masker),
        },
        "response": None,
    }
    if response is not None:
        data["response"] = {
            "statusCode": response.status_code,
            "reason": response.reason,
            "httpVersion": response.http_version,
            "headers": header_list(response.headers, masker),
            "body": encode_body(response.content, masker),
        }
    return data


def build(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> dict[str, Any]:
    document = result.to_json()
    document["exchanges"] = [exchange_json(e, masker) for e in recorder.exchanges]
    masked: dict[str, Any] = masker.mask_value(document)
    return masked


def build_many(
    runs: list[tuple[int | None, WorkflowResult, RunRecorder]], masker: SecretMasker
) -> dict[str, Any]:
    """Every line's run of ``--inputs-each`` in line order, each as a single run's report."""
    documents = [
        {"line": line, **build(result, recorder, masker)} for line, result, recorder in runs
    ]
    succeeded = sum(1 for _, result, _ in runs if result.succeeded)
    return {"succeeded": succeeded, "failed": len(runs) - succeeded, "runs": documents}


def render_many(
    runs: list[tuple[int | None, WorkflowResult, RunRecorder]], masker: SecretMasker
) -> str:
    return json.dumps(build_many(runs, masker), indent=2, ensure_ascii=False, default=str)


def render(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> str:
    # default=str: YAML can hold values JSON cannot (!!binary), as for --output json.
    return json.dumps(build(result, recorder, masker), indent=2, ensure_ascii=False, default=str)
