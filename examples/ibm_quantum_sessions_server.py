"""A stateful local stand-in for the Qiskit Runtime sessions API.

It serves the operations described in
``openapi/ibm-quantum-runtime-sessions-openapi.yml`` so the workflows in
``workflows/`` can be run end to end without an IBM Cloud account:

* ``POST /api/v1/sessions``: 200 and a new session (``mode`` is required).
* ``GET /api/v1/sessions/{id}``: 200 and the session.
* ``PATCH /api/v1/sessions/{id}``: 204; sets the session's ``accepting_jobs``.
* ``DELETE /api/v1/sessions/{id}/close``: 204; closes the session.

State is kept in memory for the life of the server. Each ``--session-id`` (by
default ``demo-session-1``) starts as an active, job-accepting session in
dedicated mode on backend ``ibm_demo``.

It checks requests the way the real service does, so a client that builds them
wrongly fails here rather than only in production:

* ``Authorization: Bearer <token>`` must carry the configured token and
  ``Service-CRN`` the configured CRN; otherwise the answer is 401 (the service
  treats an unknown instance as unauthorized).
* ``IBM-API-Version`` must be a ``YYYY-MM-DD`` date; otherwise 400.
* PATCH and POST bodies must be sent as ``application/json``. The PATCH body
  must be exactly ``{"accepting_jobs": <boolean>}``; anything else, such as
  the string ``"false"``, is a 400. A closed session cannot be made to accept
  jobs again (400).
* Unknown session ids and unknown paths are 404, a known path with the wrong
  method is 405.

Errors use the service's ``ErrorContainer`` shape,
``{"trace": ..., "errors": [{"code", "message", "more_info"}]}``. The error
codes are this stand-in's own; only their shape follows the service.

Run it from the command line::

    python examples/ibm_quantum_sessions_server.py --port 0

Options: ``--host`` (default ``127.0.0.1``), ``--port`` (default 0, a free
port), ``--token`` (default ``demo-token``), ``--service-crn`` (default
``crn:v1:bluemix:public:quantum-computing:us-east:a/demo::demo``),
``--session-id ID`` (repeatable) and ``--verbose`` (log each request to
stderr; quiet otherwise). It prints exactly one line to stdout,
``listening on http://<host>:<port>/api``, and serves until it receives
SIGINT or SIGTERM, then exits with status 0.

From Python, :func:`start_server` runs it in a background thread::

    with start_server() as server:
        httpx2.get(f"{server.base_url}/v1/sessions/demo-session-1", headers=...)
        assert server.requests[-1].method == "GET"

Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import re
import secrets
import signal
import sys
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = [
    "DEFAULT_SERVICE_CRN",
    "DEFAULT_SESSION_IDS",
    "DEFAULT_TOKEN",
    "HeaderDict",
    "RecordedRequest",
    "RequestLog",
    "SessionsServer",
    "start_server",
]

DEFAULT_TOKEN = "demo-token"
DEFAULT_SERVICE_CRN = "crn:v1:bluemix:public:quantum-computing:us-east:a/demo::demo"
DEFAULT_SESSION_IDS: tuple[str, ...] = ("demo-session-1",)
API_PREFIX = "/api"
MORE_INFO_URL = "https://quantum.cloud.ibm.com/docs/api/qiskit-runtime-rest"

# Error codes used in ErrorContainer bodies (this stand-in's own numbering).
CODE_UNAUTHORIZED = "1001"
CODE_BAD_REQUEST = "1400"
CODE_NOT_FOUND = "1404"
CODE_METHOD_NOT_ALLOWED = "1405"
CODE_INTERNAL = "1500"

EXECUTION_MODES = ("batch", "dedicated")
MAX_INT32 = 2**31 - 1
DEFAULT_MAX_TTL = 28800
DEFAULT_INTERACTIVE_TTL = 60
SHUTDOWN_POLL_SECONDS = 0.05

JsonObject = dict[str, Any]


# --------------------------------------------------------------------------- #
# Recorded requests
# --------------------------------------------------------------------------- #


class HeaderDict(dict[str, str]):
    """A ``dict`` of request headers whose lookups ignore case.

    Keys are stored lower-cased, so ``headers["Service-CRN"]`` and
    ``headers["service-crn"]`` find the same value.
    """

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__()
        for name, value in items:
            key = name.lower()
            # Repeated headers are folded into one comma-separated value, as HTTP allows.
            self[key] = f"{self[key]}, {value}" if key in self else value

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    #: Request path without the query string, e.g. ``/api/v1/sessions/abc``.
    path: str
    #: Query parameters, each name mapped to all of its values.
    query: dict[str, list[str]]
    headers: HeaderDict
    #: The raw request body (``b""`` when there is none).
    body: bytes
    #: The body parsed as JSON, or ``None`` when it is empty or not JSON.
    json: Any


class RequestLog(list[RecordedRequest]):
    """The requests received so far, oldest first; safe to append from many threads."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.append(request)

    def snapshot(self) -> list[RecordedRequest]:
        """Return a copy that later requests will not change."""
        with self._lock:
            return list(self)

    def clear(self) -> None:
        with self._lock:
            super().clear()


# --------------------------------------------------------------------------- #
# Session state
# --------------------------------------------------------------------------- #


class ApiError(Exception):
    """An error answered with an ErrorContainer body."""

    def __init__(
        self,
        status: HTTPStatus,
        code: str,
        message: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def bad_request(message: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, CODE_BAD_REQUEST, message)


def _timestamp(moment: dt.datetime) -> str:
    """Format a moment the way the service does: UTC, milliseconds, ``Z`` suffix."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def seeded_session(session_id: str, now: dt.datetime | None = None) -> JsonObject:
    """An active, job-accepting dedicated session that has already run one job."""
    now = now or _now()
    started = now - dt.timedelta(minutes=10)
    activated = started + dt.timedelta(seconds=5)
    return {
        "id": session_id,
        "backend_name": "ibm_demo",
        "mode": "dedicated",
        "state": "active",
        "state_reason": None,
        "accepting_jobs": True,
        "max_ttl": DEFAULT_MAX_TTL,
        "interactive_ttl": DEFAULT_INTERACTIVE_TTL,
        "active_ttl": DEFAULT_MAX_TTL - 600,
        "started_at": _timestamp(started),
        "activated_at": _timestamp(activated),
        "closed_at": None,
        "last_job_started": _timestamp(now - dt.timedelta(minutes=2)),
        "last_job_completed": _timestamp(now - dt.timedelta(minutes=1)),
        "timestamps": [
            {"status": "open", "timestamp": _timestamp(started)},
            {"status": "active", "timestamp": _timestamp(activated)},
        ],
        "user_id": "demo-user",
        "elapsed_time": 42.5,
    }


def _optional_ttl(body: JsonObject, name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    # bool is a subclass of int, so it has to be excluded explicitly.
    if type(value) is not int or not 1 <= value <= MAX_INT32:
        raise bad_request(f"'{name}' must be an integer between 1 and {MAX_INT32}")
    return value


def new_session(body: JsonObject) -> JsonObject:
    """Build a freshly created, still open session from a CreateSessionRequest body."""
    mode = body.get("mode")
    if mode not in EXECUTION_MODES:
        raise bad_request("'mode' is required and must be one of: " + ", ".join(EXECUTION_MODES))
    backend = body.get("backend", body.get("backend_name"))
    if backend is not None and not isinstance(backend, str):
        raise bad_request("'backend' must be a string")
    max_ttl = _optional_ttl(body, "max_ttl") or DEFAULT_MAX_TTL
    active_ttl = _optional_ttl(body, "active_ttl") or max_ttl
    interactive_ttl = _optional_ttl(body, "interactive_ttl") or min(
        DEFAULT_INTERACTIVE_TTL, active_ttl
    )
    if active_ttl > max_ttl:
        raise bad_request("'active_ttl' must be less than or equal to 'max_ttl'")
    if interactive_ttl > active_ttl:
        raise bad_request("'interactive_ttl' must be less than or equal to 'active_ttl'")
    now = _timestamp(_now())
    return {
        "id": f"session-{uuid.uuid4().hex[:16]}",
        "backend_name": backend,
        "mode": mode,
        "state": "open",
        "state_reason": None,
        "accepting_jobs": True,
        "max_ttl": max_ttl,
        "interactive_ttl": interactive_ttl,
        "active_ttl": active_ttl,
        "started_at": now,
        "activated_at": None,
        "closed_at": None,
        "last_job_started": None,
        "last_job_completed": None,
        "timestamps": [{"status": "open", "timestamp": now}],
        "user_id": "demo-user",
        "elapsed_time": None,
    }


class SessionStore:
    """The sessions, keyed by id, and the operations on them; all access is locked."""

    def __init__(self, session_ids: Iterable[str]) -> None:
        self._lock = threading.Lock()
        self.sessions: dict[str, JsonObject] = {sid: seeded_session(sid) for sid in session_ids}

    def _find(self, session_id: str) -> JsonObject:
        try:
            return self.sessions[session_id]
        except KeyError:
            raise ApiError(
                HTTPStatus.NOT_FOUND, CODE_NOT_FOUND, f"Session '{session_id}' not found"
            ) from None

    def get(self, session_id: str) -> JsonObject:
        with self._lock:
            # A copy, so the caller can serialise it while other requests change state.
            return copy.deepcopy(self._find(session_id))

    def create(self, body: JsonObject) -> JsonObject:
        session = new_session(body)
        with self._lock:
            self.sessions[session["id"]] = session
            return copy.deepcopy(session)

    def set_accepting_jobs(self, session_id: str, accepting_jobs: bool) -> None:
        with self._lock:
            session = self._find(session_id)
            if accepting_jobs and session["state"] == "closed":
                raise bad_request(f"Session '{session_id}' is closed and cannot accept jobs")
            session["accepting_jobs"] = accepting_jobs

    def close(self, session_id: str) -> None:
        with self._lock:
            session = self._find(session_id)
            session["accepting_jobs"] = False
            if session["state"] == "closed":
                return  # Closing twice is harmless and keeps the first closed_at.
            now = _timestamp(_now())
            session["state"] = "closed"
            session["state_reason"] = "Closed by the user"
            session["closed_at"] = now
            session["timestamps"].append({"status": "closed", "timestamp": now})


# --------------------------------------------------------------------------- #
# Request handling
# --------------------------------------------------------------------------- #

_API_VERSION = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Response:
    status: HTTPStatus
    body: JsonObject | None = None
    headers: Mapping[str, str] | None = None


Operation = Callable[["SessionsServer", str, RecordedRequest], Response]


def _get_session(app: SessionsServer, session_id: str, _: RecordedRequest) -> Response:
    return Response(HTTPStatus.OK, app.store.get(session_id))


def _update_session(app: SessionsServer, session_id: str, request: RecordedRequest) -> Response:
    body = _json_object_body(request)
    if "accepting_jobs" not in body:
        raise bad_request("'accepting_jobs' is required")
    unknown = sorted(set(body) - {"accepting_jobs"})
    if unknown:
        raise bad_request("Unknown field(s): " + ", ".join(unknown))
    accepting_jobs = body["accepting_jobs"]
    if not isinstance(accepting_jobs, bool):
        raise bad_request(
            f"'accepting_jobs' must be a boolean, got {type(accepting_jobs).__name__} "
            f"{json.dumps(accepting_jobs)}"
        )
    app.store.set_accepting_jobs(session_id, accepting_jobs)
    return Response(HTTPStatus.NO_CONTENT)


def _close_session(app: SessionsServer, session_id: str, _: RecordedRequest) -> Response:
    app.store.close(session_id)
    return Response(HTTPStatus.NO_CONTENT)


def _create_session(app: SessionsServer, _: str, request: RecordedRequest) -> Response:
    return Response(HTTPStatus.OK, app.store.create(_json_object_body(request)))


# Each route: a pattern for the path below /api, and its operations by method.
ROUTES: tuple[tuple[re.Pattern[str], dict[str, Operation]], ...] = (
    (re.compile(r"/v1/sessions"), {"POST": _create_session}),
    (re.compile(r"/v1/sessions/(?P<id>[^/]+)"), {"GET": _get_session, "PATCH": _update_session}),
    (re.compile(r"/v1/sessions/(?P<id>[^/]+)/close"), {"DELETE": _close_session}),
)


def _json_object_body(request: RecordedRequest) -> JsonObject:
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise bad_request(f"Content-Type must be application/json, got '{content_type}'")
    if not isinstance(request.json, dict):
        raise bad_request("Request body must be a JSON object")
    return request.json


def _check_credentials(app: SessionsServer, headers: HeaderDict) -> None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    # compare_digest keeps the comparison time independent of where the strings differ.
    token_ok = scheme.lower() == "bearer" and secrets.compare_digest(
        token.strip().encode(), app.token.encode()
    )
    crn_ok = secrets.compare_digest(
        headers.get("service-crn", "").encode(), app.service_crn.encode()
    )
    if not (token_ok and crn_ok):
        raise ApiError(
            HTTPStatus.UNAUTHORIZED,
            CODE_UNAUTHORIZED,
            "Unauthorized: a valid bearer token and Service-CRN are required",
            headers={"WWW-Authenticate": 'Bearer realm="Qiskit Runtime"'},
        )


def _check_api_version(headers: HeaderDict) -> None:
    version = headers.get("ibm-api-version")
    if version is None:
        raise bad_request("Missing required header 'IBM-API-Version'")
    try:
        if not _API_VERSION.fullmatch(version):
            raise ValueError(version)
        dt.date.fromisoformat(version)
    except ValueError:
        raise bad_request(
            f"Invalid IBM-API-Version '{version}': expected a date as YYYY-MM-DD"
        ) from None


def _route(method: str, api_path: str) -> tuple[Operation, str]:
    for pattern, operations in ROUTES:
        match = pattern.fullmatch(api_path)
        if match is None:
            continue
        if method not in operations:
            raise ApiError(
                HTTPStatus.METHOD_NOT_ALLOWED,
                CODE_METHOD_NOT_ALLOWED,
                f"Method {method} is not allowed on {API_PREFIX}{api_path}",
                headers={"Allow": ", ".join(operations)},
            )
        return operations[method], unquote(match.groupdict().get("id") or "")
    raise ApiError(HTTPStatus.NOT_FOUND, CODE_NOT_FOUND, f"No route for {API_PREFIX}{api_path}")


def handle(app: SessionsServer, request: RecordedRequest) -> Response:
    """Answer one request: check path, credentials and version, then run the operation."""
    if request.path != API_PREFIX and not request.path.startswith(API_PREFIX + "/"):
        raise ApiError(HTTPStatus.NOT_FOUND, CODE_NOT_FOUND, f"No route for {request.path}")
    _check_credentials(app, request.headers)
    _check_api_version(request.headers)
    operation, session_id = _route(request.method, request.path[len(API_PREFIX) :])
    return operation(app, session_id, request)


def error_body(error: ApiError, trace: str) -> JsonObject:
    return {
        "trace": trace,
        "errors": [{"code": error.code, "message": error.message, "more_info": MORE_INFO_URL}],
    }


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP exchanges into :class:`RecordedRequest` and back."""

    # HTTP/1.1 keeps connections alive, as the real service does.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's
    # algorithm and the client's delayed ACK add ~40 ms to every response.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        app = self.server.app
        request = self._read_request()
        app.requests.record(request)
        trace = str(uuid.uuid4())
        try:
            response = handle(app, request)
        except ApiError as error:
            response = Response(error.status, error_body(error, trace), error.headers)
        except Exception:
            # A bug in the stand-in: answer like the service would, but keep the evidence.
            traceback.print_exc()
            error = ApiError(HTTPStatus.INTERNAL_SERVER_ERROR, CODE_INTERNAL, "Internal error")
            response = Response(error.status, error_body(error, trace))
        self._send(response)

    def _read_request(self) -> RecordedRequest:
        url = urlsplit(self.path)
        body = self._read_body()
        try:
            parsed: Any = json.loads(body) if body else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            parsed = None
        return RecordedRequest(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers=HeaderDict(self.headers.items()),
            body=body,
            json=parsed,
        )

    def _read_body(self) -> bytes:
        # The whole body must be consumed, or the next request on a kept-alive
        # connection would start in the middle of it.
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            # The body's extent is unknown, so the connection cannot be reused.
            self.close_connection = True
            return b""
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Skip any trailer fields up to the blank line that ends the body.
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()  # The CRLF after each chunk.

    def _send(self, response: Response) -> None:
        payload = b"" if response.body is None else json.dumps(response.body).encode()
        self.send_response(response.status)
        for name, value in (response.headers or {}).items():
            self.send_header(name, value)
        # A 204 must carry neither a body nor a Content-Length.
        if response.status != HTTPStatus.NO_CONTENT:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.app.verbose:
            super().log_message(format, *args)


class _HTTPServer(ThreadingHTTPServer):
    # Handler threads must not keep the process alive once the server is closed.
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: SessionsServer) -> None:
        self.app = app
        super().__init__(address, _Handler)


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #


class SessionsServer:
    """A running stand-in; create it with :func:`start_server`.

    Attributes:
        base_url: The API root, e.g. ``http://127.0.0.1:54321/api``.
        requests: Every request received, oldest first.
        sessions: The live session state, keyed by session id.
        token: The bearer token requests must present.
        service_crn: The Service-CRN requests must present.
    """

    def __init__(
        self,
        host: str,
        port: int,
        token: str,
        service_crn: str,
        session_ids: Iterable[str],
        verbose: bool = False,
    ) -> None:
        self.token = token
        self.service_crn = service_crn
        self.verbose = verbose
        self.store = SessionStore(session_ids)
        self.requests = RequestLog()
        self._httpd = _HTTPServer((host, port), self)
        # A short poll interval keeps close() quick; the default waits up to half a second.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="sessions-server",
            daemon=True,
        )
        self._closed = False

    @property
    def sessions(self) -> dict[str, JsonObject]:
        return self.store.sessions

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    def start(self) -> SessionsServer:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port; safe to call more than once."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> SessionsServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def start_server(
    host: str = "127.0.0.1",
    port: int = 0,
    token: str = DEFAULT_TOKEN,
    service_crn: str = DEFAULT_SERVICE_CRN,
    session_ids: Iterable[str] = DEFAULT_SESSION_IDS,
    verbose: bool = False,
) -> SessionsServer:
    """Start serving in a daemon thread and return the running server.

    ``port=0`` picks a free port; read it back from ``base_url`` or ``port``.
    Each id in ``session_ids`` is seeded as an active, job-accepting session.
    """
    return SessionsServer(host, port, token, service_crn, session_ids, verbose).start()


# --------------------------------------------------------------------------- #
# Command line
# --------------------------------------------------------------------------- #


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve a local Qiskit Runtime sessions API.")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to bind; 0 picks a free one (default: 0)"
    )
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="accepted bearer token")
    parser.add_argument("--service-crn", default=DEFAULT_SERVICE_CRN, help="accepted Service-CRN")
    parser.add_argument(
        "--session-id",
        dest="session_ids",
        action="append",
        metavar="ID",
        help=f"seed an active session with this id; repeatable (default: {DEFAULT_SESSION_IDS[0]})",
    )
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Both signals end the wait below, so shutdown is orderly and prints no traceback.
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    session_ids = args.session_ids or DEFAULT_SESSION_IDS
    with start_server(
        args.host, args.port, args.token, args.service_crn, session_ids, args.verbose
    ) as server:
        print(f"listening on {server.base_url}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
