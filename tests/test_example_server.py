"""Tests for the local Qiskit Runtime sessions stand-in in ``examples/``."""

from __future__ import annotations

import re
import selectors
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
import yaml
from openapi_schema_validator import OAS30Validator, validate

from tests._support.paths import SESSIONS_OPENAPI, STAND_IN
from tests._support.sessions import SESSION, load_stand_in

SCRIPT = STAND_IN
SPEC = SESSIONS_OPENAPI
URL_LINE = re.compile(r"listening on (http://127\.0\.0\.1:(\d+)/api)\n")


example = load_stand_in()


@pytest.fixture
def server() -> Iterator[Any]:
    with example.start_server() as running:
        yield running


def auth_headers(**overrides: str) -> dict[str, str]:
    headers = {
        "Authorization": f"Bearer {example.DEFAULT_TOKEN}",
        "Service-CRN": example.DEFAULT_SERVICE_CRN,
        "IBM-API-Version": "2026-03-15",
    }
    headers.update(overrides)
    return headers


def session_url(server: Any, session_id: str = SESSION) -> str:
    return f"{server.base_url}/v1/sessions/{session_id}"


def get_session(server: Any, session_id: str = SESSION) -> dict[str, Any]:
    response = httpx2.get(session_url(server, session_id), headers=auth_headers())
    assert response.status_code == 200, response.text
    return response.json()


def patch_session(server: Any, content: bytes | str, **headers: str) -> httpx2.Response:
    return httpx2.patch(
        session_url(server),
        content=content,
        headers=auth_headers(**{"Content-Type": "application/json", **headers}),
    )


def assert_error(response: httpx2.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["trace"]
    assert body["errors"][0]["code"] == code
    assert body["errors"][0]["message"]
    return body


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return yaml.safe_load(SPEC.read_text())


def assert_conforms(openapi: dict[str, Any], instance: Any, schema_name: str) -> None:
    """Check a response body against a schema of the OpenAPI description."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": openapi["components"]}
    validate(instance, schema, cls=OAS30Validator)


# --------------------------------------------------------------------------- #
# Authentication and required headers
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Authorization": ""}, id="missing-token"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong-token"),
        pytest.param({"Authorization": f"Basic {example.DEFAULT_TOKEN}"}, id="wrong-scheme"),
        pytest.param({"Service-CRN": ""}, id="missing-crn"),
        pytest.param({"Service-CRN": "crn:v1:other"}, id="wrong-crn"),
    ],
)
def test_bad_credentials_are_unauthorized(server: Any, headers: dict[str, str]) -> None:
    sent = {k: v for k, v in auth_headers(**headers).items() if v}
    response = httpx2.get(session_url(server), headers=sent)
    assert_error(response, 401, "1001")
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("version", ["", "2026-3-15", "15-03-2026", "latest", "2026-13-01"])
def test_missing_or_malformed_api_version_is_bad_request(server: Any, version: str) -> None:
    sent = {k: v for k, v in auth_headers(**{"IBM-API-Version": version}).items() if v}
    response = httpx2.get(session_url(server), headers=sent)
    body = assert_error(response, 400, "1400")
    assert "IBM-API-Version" in body["errors"][0]["message"]


def test_header_names_are_case_insensitive(server: Any) -> None:
    headers = {name.lower(): value for name, value in auth_headers().items()}
    response = httpx2.get(session_url(server), headers=headers)
    assert response.status_code == 200
    assert server.requests[-1].headers["Service-CRN"] == example.DEFAULT_SERVICE_CRN


def test_custom_credentials_are_enforced() -> None:
    with example.start_server(token="t0k", service_crn="crn:v1:mine") as server:
        ok = {"Authorization": "Bearer t0k", "Service-CRN": "crn:v1:mine"}
        assert httpx2.get(session_url(server), headers=auth_headers(**ok)).status_code == 200
        assert httpx2.get(session_url(server), headers=auth_headers()).status_code == 401


# --------------------------------------------------------------------------- #
# Operations and state
# --------------------------------------------------------------------------- #


def test_get_returns_seeded_session(server: Any, openapi: dict[str, Any]) -> None:
    response = httpx2.get(session_url(server), headers=auth_headers())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    session = response.json()
    assert session["id"] == SESSION
    assert session["state"] == "active"
    assert session["accepting_jobs"] is True
    assert session["mode"] == "dedicated"
    assert session["backend_name"] == "ibm_demo"
    assert_conforms(openapi, session, "JobSession")


@pytest.mark.parametrize("accepting", [False, True])
def test_patch_updates_accepting_jobs(server: Any, accepting: bool) -> None:
    response = patch_session(server, f'{{"accepting_jobs": {str(accepting).lower()}}}')
    assert response.status_code == 204
    assert response.content == b""
    session = get_session(server)
    assert session["accepting_jobs"] is accepting
    assert server.sessions[SESSION]["accepting_jobs"] is accepting


def test_patch_round_trip_persists(server: Any) -> None:
    assert patch_session(server, '{"accepting_jobs": false}').status_code == 204
    assert get_session(server)["accepting_jobs"] is False
    assert patch_session(server, '{"accepting_jobs": true}').status_code == 204
    assert get_session(server)["accepting_jobs"] is True


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param('{"accepting_jobs": "false"}', "boolean", id="string-false"),
        pytest.param('{"accepting_jobs": 0}', "boolean", id="number"),
        pytest.param('{"accepting_jobs": null}', "boolean", id="null"),
        pytest.param("{}", "required", id="missing-field"),
        pytest.param('{"accepting_jobs": false, "x": 1}', "Unknown", id="extra-field"),
        pytest.param("accepting_jobs=false", "JSON object", id="not-json"),
        pytest.param("[false]", "JSON object", id="not-an-object"),
        pytest.param("", "JSON object", id="empty"),
    ],
)
def test_patch_rejects_invalid_bodies(server: Any, content: str, fragment: str) -> None:
    body = assert_error(patch_session(server, content), 400, "1400")
    assert fragment in body["errors"][0]["message"]
    assert server.sessions[SESSION]["accepting_jobs"] is True


def test_patch_requires_json_content_type(server: Any) -> None:
    response = patch_session(
        server, '{"accepting_jobs": false}', **{"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert_error(response, 400, "1400")
    assert server.sessions[SESSION]["accepting_jobs"] is True


def test_close_session(server: Any, openapi: dict[str, Any]) -> None:
    response = httpx2.delete(f"{session_url(server)}/close", headers=auth_headers())
    assert response.status_code == 204
    assert response.content == b""
    session = get_session(server)
    assert session["state"] == "closed"
    assert session["accepting_jobs"] is False
    assert session["closed_at"]
    assert session["timestamps"][-1]["status"] == "closed"
    assert_conforms(openapi, session, "JobSession")
    # Closing again succeeds and keeps the original close time.
    assert httpx2.delete(f"{session_url(server)}/close", headers=auth_headers()).status_code == 204
    assert get_session(server)["closed_at"] == session["closed_at"]


def test_closed_session_cannot_accept_jobs_again(server: Any) -> None:
    httpx2.delete(f"{session_url(server)}/close", headers=auth_headers())
    assert_error(patch_session(server, '{"accepting_jobs": true}'), 400, "1400")
    assert patch_session(server, '{"accepting_jobs": false}').status_code == 204


def test_create_session(server: Any, openapi: dict[str, Any]) -> None:
    response = httpx2.post(
        f"{server.base_url}/v1/sessions",
        json={"mode": "batch", "backend": "ibm_other", "max_ttl": 600},
        headers=auth_headers(),
    )
    assert response.status_code == 200
    created = response.json()
    assert_conforms(openapi, created, "JobSession")
    assert created["mode"] == "batch"
    assert created["backend_name"] == "ibm_other"
    assert created["state"] == "open"
    assert created["max_ttl"] == 600
    assert get_session(server, created["id"]) == created


@pytest.mark.parametrize(
    "body",
    [{}, {"mode": "shared"}, {"mode": "batch", "max_ttl": True}, {"mode": "batch", "max_ttl": 0}],
)
def test_create_session_validates_body(server: Any, body: dict[str, Any]) -> None:
    response = httpx2.post(f"{server.base_url}/v1/sessions", json=body, headers=auth_headers())
    assert_error(response, 400, "1400")
    assert list(server.sessions) == [SESSION]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("PATCH", ""), ("DELETE", "/close")],
)
def test_unknown_session_is_not_found(
    server: Any, openapi: dict[str, Any], method: str, suffix: str
) -> None:
    response = httpx2.request(
        method,
        f"{session_url(server, 'no-such-session')}{suffix}",
        json={"accepting_jobs": False} if method == "PATCH" else None,
        headers=auth_headers(),
    )
    body = assert_error(response, 404, "1404")
    assert "no-such-session" in body["errors"][0]["message"]
    assert_conforms(openapi, body, "ErrorContainer")


@pytest.mark.parametrize(
    "url", ["/api/v1/jobs", "/api/v1/sessions/a/b", "/api/v2/sessions/x", "/elsewhere"]
)
def test_unknown_route_is_not_found(server: Any, url: str) -> None:
    base = server.base_url.removesuffix("/api")
    assert_error(httpx2.get(f"{base}{url}", headers=auth_headers()), 404, "1404")


@pytest.mark.parametrize(
    ("method", "suffix", "allowed"),
    [("DELETE", "", "GET, PATCH"), ("GET", "/close", "DELETE"), ("PUT", "", "GET, PATCH")],
)
def test_wrong_method_is_not_allowed(server: Any, method: str, suffix: str, allowed: str) -> None:
    response = httpx2.request(method, f"{session_url(server)}{suffix}", headers=auth_headers())
    assert_error(response, 405, "1405")
    assert response.headers["allow"] == allowed


def test_each_error_has_its_own_trace(server: Any) -> None:
    traces = {httpx2.get(session_url(server)).json()["trace"] for _ in range(3)}
    assert len(traces) == 3


# --------------------------------------------------------------------------- #
# Server object
# --------------------------------------------------------------------------- #


def test_requests_are_recorded(server: Any) -> None:
    patch_session(server, '{"accepting_jobs": false}')
    httpx2.get(f"{session_url(server)}?verbose=1", headers=auth_headers())

    first, second = server.requests.snapshot()
    assert first.method == "PATCH"
    assert first.path == f"/api/v1/sessions/{SESSION}"
    assert first.headers["authorization"] == f"Bearer {example.DEFAULT_TOKEN}"
    assert first.headers["IBM-API-Version"] == "2026-03-15"
    assert first.body == b'{"accepting_jobs": false}'
    assert first.json == {"accepting_jobs": False}
    assert second.method == "GET"
    assert second.query == {"verbose": ["1"]}
    assert second.body == b""
    assert second.json is None


def test_rejected_requests_are_recorded_too(server: Any) -> None:
    httpx2.get(session_url(server))
    assert len(server.requests) == 1
    assert "authorization" not in server.requests[0].headers


def test_seeds_the_given_session_ids() -> None:
    with example.start_server(session_ids=("a", "b")) as server:
        assert set(server.sessions) == {"a", "b"}
        assert get_session(server, "b")["state"] == "active"


def test_base_url_and_close() -> None:
    server = example.start_server(port=0)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api", server.base_url)
    assert server.port > 0
    get_session(server)
    server.close()
    server.close()  # A second close is a no-op.
    with pytest.raises(httpx2.ConnectError):
        httpx2.get(session_url(server), headers=auth_headers())


# --------------------------------------------------------------------------- #
# Command line
# --------------------------------------------------------------------------- #


def _read_line(process: subprocess.Popen[str], timeout: float = 10.0) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError("server printed nothing")
    return process.stdout.readline()


@pytest.mark.subprocess
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_script_serves_and_stops_cleanly(stop_signal: signal.Signals) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            str(SCRIPT),
            "--port",
            "0",
            "--token",
            "cli-token",
            "--session-id",
            "s1",
            "--session-id",
            "s2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        match = URL_LINE.fullmatch(_read_line(process))
        assert match, "unexpected startup line"
        headers = auth_headers(Authorization="Bearer cli-token")
        response = httpx2.get(f"{match.group(1)}/v1/sessions/s2", headers=headers)
        assert response.status_code == 200
        assert response.json()["id"] == "s2"

        process.send_signal(stop_signal)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert stdout == ""  # Nothing after the startup line.
    assert stderr == ""  # No request log without --verbose, and no traceback.
