"""``--report har=FILE``: every request and response of the run as HTTP Archive 1.2.

Each attempt (retries included) is an entry with its timings, headers, query
string, ``postData`` and response ``content``: text as it is, anything else
base64 with ``"encoding": "base64"``. A request that got no response
(refused, timed out) has a response with status 0 and the reason in
``_error``. Entries carry ``_workflowId``, ``_stepId`` and ``_attempt``
(custom fields start with ``_``, as HAR 1.2 allows). Secrets are masked,
in bodies before base64 encoding.

With ``--inputs-each`` one log holds every line's run: a page per line
(``id`` ``line-N``), its entries pointing to it and carrying ``_line``.

HAR 1.2: http://www.softwareishard.com/blog/har-12-spec/
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .._version import __version__
from ..http.messages import header_value
from ..masking import MASK, SecretMasker
from .common import header_list, iso_time, masked_body

if TYPE_CHECKING:
    from ..http.messages import Exchange, ResponseRecord
    from ..results import WorkflowResult
    from .recorder import RunRecorder

PAGE_ID = "run"


def _request_cookies(headers: list[tuple[str, str]], masker: SecretMasker) -> list[dict[str, Any]]:
    cookies = []
    for name, value in headers:
        if name.lower() != "cookie":
            continue
        for pair in value.split(";"):
            cookie_name, sep, cookie_value = pair.strip().partition("=")
            if sep:
                shown = MASK if masker.enabled else cookie_value
                cookies.append({"name": cookie_name, "value": shown})
    return cookies


def _response_cookies(headers: list[tuple[str, str]], masker: SecretMasker) -> list[dict[str, Any]]:
    cookies = []
    for name, value in headers:
        if name.lower() != "set-cookie":
            continue
        first, *attributes = value.split(";")
        cookie_name, sep, cookie_value = first.strip().partition("=")
        if not sep:
            continue
        cookie: dict[str, Any] = {
            "name": cookie_name,
            "value": MASK if masker.enabled else cookie_value,
        }
        for attribute in attributes:
            key, _, attribute_value = attribute.strip().partition("=")
            lowered = key.lower()
            if lowered in ("path", "domain", "expires"):
                cookie[lowered] = attribute_value
            elif lowered == "httponly":
                cookie["httpOnly"] = True
            elif lowered == "secure":
                cookie["secure"] = True
        cookies.append(cookie)
    return cookies


def _content_type(headers: list[tuple[str, str]]) -> str:
    return header_value(headers, "content-type") or ""


def entry(exchange: Exchange, masker: SecretMasker, page_id: str = PAGE_ID) -> dict[str, Any]:
    """One HAR entry: an attempt's request, its response (or the error), and timings."""
    response = exchange.response
    elapsed = max(exchange.elapsed_ms, 0.0)
    return {
        "pageref": page_id,
        "startedDateTime": iso_time(exchange.started),
        "time": round(elapsed, 3),
        "request": _har_request(exchange, masker),
        "response": _har_response(response, masker)
        if response is not None
        else _har_error_response(exchange, masker),
        "cache": {},
        "timings": _timings(elapsed),
        "comment": f"workflow {exchange.workflow_id}, step {exchange.step_id}, "
        f"attempt {exchange.attempt}",
        "_workflowId": exchange.workflow_id,
        "_stepId": exchange.step_id,
        "_attempt": exchange.attempt,
    }


def _har_request(exchange: Exchange, masker: SecretMasker) -> dict[str, Any]:
    request = exchange.request
    response = exchange.response
    full_url = request.full_url
    query = parse_qsl(urlsplit(full_url).query, keep_blank_values=True)
    har_request: dict[str, Any] = {
        "method": request.method.upper(),
        "url": masker.mask_url(full_url),
        # HAR wants a version on the request too; the response knows which was spoken.
        "httpVersion": response.http_version if response is not None else "HTTP/1.1",
        "cookies": _request_cookies(request.headers, masker),
        "headers": header_list(request.headers, masker),
        "queryString": [{"name": n, "value": v} for n, v in masker.mask_query(query)],
        "headersSize": -1,
        "bodySize": len(request.content) if request.content is not None else 0,
    }
    if request.content is not None:
        text, is_base64 = masked_body(request.content, masker)
        post_data: dict[str, Any] = {
            "mimeType": _content_type(request.headers),
            "params": [],
            "text": text,
        }
        if is_base64:
            post_data["_encoding"] = "base64"  # HAR 1.2 defines no encoding for postData
        har_request["postData"] = post_data
    return har_request


def _har_response(response: ResponseRecord, masker: SecretMasker) -> dict[str, Any]:
    content: dict[str, Any] = {
        "size": len(response.content),
        "mimeType": _content_type(response.headers) or "x-unknown",
    }
    if response.content:
        text, is_base64 = masked_body(response.content, masker)
        content["text"] = text
        if is_base64:
            content["encoding"] = "base64"
    return {
        "status": response.status_code,
        "statusText": response.reason,
        "httpVersion": response.http_version,
        "cookies": _response_cookies(response.headers, masker),
        "headers": header_list(response.headers, masker),
        "content": content,
        "redirectURL": masker.mask_url(response.header("location") or ""),
        "headersSize": -1,
        "bodySize": len(response.content),
    }


def _har_error_response(exchange: Exchange, masker: SecretMasker) -> dict[str, Any]:
    """The response of a request that got none (refused, timed out): status 0 and the reason."""
    return {
        "status": 0,
        "statusText": "",
        "httpVersion": "",
        "cookies": [],
        "headers": [],
        "content": {"size": 0, "mimeType": "x-unknown"},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": -1,
        "_error": masker.mask(exchange.error or "no response"),
    }


def _timings(elapsed_ms: float) -> dict[str, float]:
    # The client measures the whole exchange; it cannot split it into phases.
    return {
        "blocked": -1,
        "dns": -1,
        "connect": -1,
        "send": 0,
        "wait": round(elapsed_ms, 3),
        "receive": 0,
        "ssl": -1,
    }


def build(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> dict[str, Any]:
    return build_many([(None, result, recorder)], masker)


def build_many(
    runs: list[tuple[int | None, WorkflowResult, RunRecorder]], masker: SecretMasker
) -> dict[str, Any]:
    """One HAR log for several top-level runs: a page per run (per input line), in order."""
    pages: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for line, result, recorder in runs:
        page_id = PAGE_ID if line is None else f"line-{line}"
        own = [entry(e, masker, page_id) for e in recorder.exchanges]
        if line is not None:
            for item in own:
                item["_line"] = line
        pages.append(_page(result, recorder, page_id, own, line))
        entries.extend(own)
    log = {
        "log": {
            "version": "1.2",
            "creator": {"name": "arazzo-runner", "version": __version__},
            "pages": pages,
            "entries": entries,
        }
    }
    masked: dict[str, Any] = masker.mask_value(log)
    return masked


def _page(
    result: WorkflowResult,
    recorder: RunRecorder,
    page_id: str,
    entries: list[dict[str, Any]],
    line: int | None,
) -> dict[str, Any]:
    timing = recorder.timing(result)
    started = timing.started if timing else (recorder.started or None)
    title = f"workflow {result.workflow_id} ({result.status})"
    return {
        "startedDateTime": iso_time(started) or (entries[0]["startedDateTime"] if entries else ""),
        "id": page_id,
        "title": title if line is None else f"line {line}: {title}",
        "pageTimings": {
            "onContentLoad": -1,
            "onLoad": round(timing.duration_ms, 3) if timing else -1,
        },
    }


def render(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> str:
    return json.dumps(build(result, recorder, masker), indent=2, ensure_ascii=False)


def render_many(
    runs: list[tuple[int | None, WorkflowResult, RunRecorder]], masker: SecretMasker
) -> str:
    return json.dumps(build_many(runs, masker), indent=2, ensure_ascii=False)
