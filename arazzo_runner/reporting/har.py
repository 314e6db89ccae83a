"""``--report har=FILE``: every request and response of the run as HTTP Archive 1.2.

Each attempt (retries included) is an entry with its timings, headers, query
string, ``postData`` and response ``content``: text as it is, anything else
base64 with ``"encoding": "base64"``. A request that got no response
(refused, timed out) has a response with status 0 and the reason in
``_error``. Entries carry ``_workflowId``, ``_stepId`` and ``_attempt``
(custom fields start with ``_``, as HAR 1.2 allows). Secrets are masked,
in bodies before base64 encoding.

HAR 1.2: http://www.softwareishard.com/blog/har-12-spec/
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .._version import __version__
from ..masking import MASK, SecretMasker
from .common import body_text, iso_time

if TYPE_CHECKING:
    from ..http.messages import Exchange
    from ..results import WorkflowResult
    from .recorder import RunRecorder

PAGE_ID = "run"


def _headers(headers: list[tuple[str, str]], masker: SecretMasker) -> list[dict[str, str]]:
    return [{"name": n, "value": v} for n, v in masker.mask_headers(headers)]


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
    return next((v for n, v in headers if n.lower() == "content-type"), "")


def entry(exchange: Exchange, masker: SecretMasker) -> dict[str, Any]:
    request = exchange.request
    response = exchange.response
    full_url = request.full_url
    query = parse_qsl(urlsplit(full_url).query, keep_blank_values=True)
    http_version = response.http_version if response is not None else "HTTP/1.1"
    har_request: dict[str, Any] = {
        "method": request.method.upper(),
        "url": masker.mask_url(full_url),
        "httpVersion": http_version,
        "cookies": _request_cookies(request.headers, masker),
        "headers": _headers(request.headers, masker),
        "queryString": [{"name": n, "value": v} for n, v in masker.mask_query(query)],
        "headersSize": -1,
        "bodySize": len(request.content) if request.content is not None else 0,
    }
    if request.content is not None:
        masked = masker.mask_bytes(request.content)
        text = body_text(masked)
        post_data: dict[str, Any] = {
            "mimeType": _content_type(request.headers),
            "params": [],
            "text": masker.mask(text) if text is not None else base64.b64encode(masked).decode(),
        }
        if text is None:
            post_data["_encoding"] = "base64"
        har_request["postData"] = post_data
    if response is not None:
        masked = masker.mask_bytes(response.content)
        content: dict[str, Any] = {
            "size": len(response.content),
            "mimeType": _content_type(response.headers) or "x-unknown",
        }
        if response.content:
            text = body_text(masked)
            if text is not None:
                content["text"] = masker.mask(text)
            else:
                content["text"] = base64.b64encode(masked).decode("ascii")
                content["encoding"] = "base64"
        har_response: dict[str, Any] = {
            "status": response.status_code,
            "statusText": response.reason,
            "httpVersion": response.http_version,
            "cookies": _response_cookies(response.headers, masker),
            "headers": _headers(response.headers, masker),
            "content": content,
            "redirectURL": masker.mask_url(response.header("location") or ""),
            "headersSize": -1,
            "bodySize": len(response.content),
        }
    else:
        har_response = {
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
    elapsed = max(exchange.elapsed_ms, 0.0)
    return {
        "pageref": PAGE_ID,
        "startedDateTime": iso_time(exchange.started),
        "time": round(elapsed, 3),
        "request": har_request,
        "response": har_response,
        "cache": {},
        # The client measures the whole exchange; it cannot split it into phases.
        "timings": {
            "blocked": -1,
            "dns": -1,
            "connect": -1,
            "send": 0,
            "wait": round(elapsed, 3),
            "receive": 0,
            "ssl": -1,
        },
        "comment": f"workflow {exchange.workflow_id}, step {exchange.step_id}, "
        f"attempt {exchange.attempt}",
        "_workflowId": exchange.workflow_id,
        "_stepId": exchange.step_id,
        "_attempt": exchange.attempt,
    }


def build(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> dict[str, Any]:
    timing = recorder.timing(result)
    started = timing.started if timing else (recorder.started or None)
    entries = [entry(e, masker) for e in recorder.exchanges]
    page = {
        "startedDateTime": iso_time(started) or (entries[0]["startedDateTime"] if entries else ""),
        "id": PAGE_ID,
        "title": f"workflow {result.workflow_id} ({result.status})",
        "pageTimings": {
            "onContentLoad": -1,
            "onLoad": round(timing.duration_ms, 3) if timing else -1,
        },
    }
    log = {
        "log": {
            "version": "1.2",
            "creator": {"name": "arazzo-runner", "version": __version__},
            "pages": [page],
            "entries": entries,
        }
    }
    return masker.mask_value(log)


def render(result: WorkflowResult, recorder: RunRecorder, masker: SecretMasker) -> str:
    return json.dumps(build(result, recorder, masker), indent=2, ensure_ascii=False)
