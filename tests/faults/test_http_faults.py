"""Every way an HTTP exchange can go wrong, produced by a real local server.

Each fault runs the real CLI in both output modes and checks that the step
fails with its specific sentence, that the exit code is 1 (the workflow ran
and failed) and that no traceback reaches the user. Faults that
``http.server`` cannot produce (silence, resets, cut bodies, TLS) come from
raw sockets on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._support.certificates import self_signed_certificate
from tests._support.cli import assert_clean_failure, run_cli
from tests._support.documents import arazzo_document, openapi_for, write_documents
from tests._support.servers import Reply, ScriptedServer, closed_port

OPERATIONS = [("getThing", "GET", "/thing")]
RETRY_ACTIONS = [
    {
        "name": "unavailable",
        "type": "retry",
        "retryAfter": 0,
        "retryLimit": 1,
        "criteria": [{"condition": "$statusCode == 503"}],
    },
    {
        "name": "slowDown",
        "type": "retry",
        "retryAfter": 0,
        "retryLimit": 1,
        "criteria": [{"condition": "$statusCode == 429"}],
    },
]


def _document() -> dict[str, Any]:
    fetch = {
        "workflowId": "fetch",
        "steps": [
            {
                "stepId": "getThing",
                "operationId": "getThing",
                "successCriteria": [{"condition": "$statusCode == 200"}],
                "outputs": {"body": "$response.body"},
                "onFailure": RETRY_ACTIONS,
            }
        ],
        "outputs": {"body": "$steps.getThing.outputs.body"},
    }
    redirected = {
        "workflowId": "redirected",
        "steps": [
            {
                "stepId": "getThing",
                "operationId": "getThing",
                "successCriteria": [{"condition": "$statusCode == 302"}],
                "outputs": {"location": "$response.header.Location"},
            }
        ],
        "outputs": {"location": "$steps.getThing.outputs.location"},
    }
    return arazzo_document(fetch, redirected, title="HTTP faults")


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("http-faults")
    return write_documents(directory, _document(), {"api.yaml": openapi_for(OPERATIONS)})


def run_flow(flow: Path, base_url: str, output: str, *extra: str, workflow: str = "fetch") -> Any:
    server = f"api={base_url}"
    return run_cli("run", str(flow), "-w", workflow, "--server", server, "-o", output, *extra)


def assert_step_fails(flow: Path, base_url: str, expected: list[str], *extra: str) -> None:
    """The step fails with every part of ``expected`` in its message, in text and JSON."""
    text = run_flow(flow, base_url, "text", *extra)
    assert_clean_failure(text, 1)
    for part in expected:
        assert part in text.stdout, text.stdout
    as_json = run_flow(flow, base_url, "json", *extra)
    assert_clean_failure(as_json, 1)
    step = as_json.json()["steps"][0]
    assert step["status"] == "failed"
    assert step["statusCode"] is None
    for part in expected:
        assert part in step["error"], step["error"]
    assert as_json.json()["error"]["message"] == step["error"]


# --------------------------------------------------------------------------- raw servers


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each socket to ``handle`` in a thread."""

    def __init__(self, handle: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None):
        self.handle = handle
        self.tls = tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._run, args=(connection,), daemon=True).start()

    def _run(self, connection: socket.socket) -> None:
        try:
            if self.tls is not None:
                connection = self.tls.wrap_socket(connection, server_side=True)
            self.handle(connection)
        except (OSError, ssl.SSLError):
            pass  # the client hung up or refused the certificate: that is the point
        finally:
            connection.close()

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(handle: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None):
        server = RawServer(handle, tls)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def read_request_head(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def never_answer(connection: socket.socket) -> None:
    read_request_head(connection)
    time.sleep(5)


def reset_mid_body(connection: socket.socket) -> None:
    read_request_head(connection)
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        b'{"partial": '
    )
    time.sleep(0.3)  # let the client read the head, so the reset hits the body
    # SO_LINGER with a zero timeout makes close() send a RST instead of a FIN.
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def truncated_body(connection: socket.socket) -> None:
    read_request_head(connection)
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly ten b"
    )


def endless_chunks(connection: socket.socket) -> None:
    read_request_head(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 65536
    for _ in range(200):  # 13 MB, far beyond the cap the test sets
        connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    connection.sendall(b"0\r\n\r\n")


# --------------------------------------------------------------------------- connecting


@pytest.mark.slow
def test_connect_timeout_on_a_full_backlog(flow: Path) -> None:
    # A listener that never accepts, with its backlog already full, leaves the
    # next SYN unanswered: a connect timeout that needs no network.
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.1)
        assert_step_fails(
            flow,
            f"http://127.0.0.1:{port}",
            [f"could not connect to http://127.0.0.1:{port} within 0.5 s (connect timeout)"],
            "--connect-timeout",
            "0.5",
        )
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_connection_refused(flow: Path) -> None:
    port = closed_port()
    assert_step_fails(
        flow,
        f"http://127.0.0.1:{port}",
        [f"cannot connect to http://127.0.0.1:{port}: connection refused"],
    )


INVALID_HOST = "api=http://no-such-host.invalid"


def test_dns_failure_of_an_invalid_name(flow: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # RFC 6761: names under .invalid never resolve. The resolver answers that
    # itself here, so that no query leaves the machine.
    real = socket.getaddrinfo

    def getaddrinfo(host: bytes | str | None, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.rstrip(".").endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for output in ("text", "json"):
        result = run_cli("run", str(flow), "-w", "fetch", "--server", INVALID_HOST, "-o", output)
        assert_clean_failure(result, 1)
        expected = "cannot resolve host name 'no-such-host.invalid'"
        shown = result.json()["steps"][0]["error"] if output == "json" else result.stdout
        assert expected in shown


# --------------------------------------------------------------------------- TLS


@pytest.mark.slow
def test_tls_certificate_not_trusted(
    flow: Path, tmp_path: Path, raw_server: Callable[..., RawServer]
) -> None:
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = raw_server(never_answer, tls=context)
    assert_step_fails(
        flow,
        server.base_url,
        ["the TLS certificate of 127.0.0.1 was not accepted", "self-signed certificate"],
    )


# --------------------------------------------------------------------------- responses


@pytest.mark.slow
def test_read_timeout_when_the_server_never_answers(
    flow: Path, raw_server: Callable[..., RawServer]
) -> None:
    server = raw_server(never_answer)
    assert_step_fails(
        flow,
        server.base_url,
        [f"no response from {server.base_url} within 0.5 s (read timeout)"],
        "--timeout",
        "0.5",
    )


@pytest.mark.slow
def test_connection_reset_mid_response(flow: Path, raw_server: Callable[..., RawServer]) -> None:
    server = raw_server(reset_mid_body)
    assert_step_fails(
        flow,
        server.base_url,
        [f"the connection to {server.base_url} broke off", "reset"],
    )


def test_truncated_body(flow: Path, raw_server: Callable[..., RawServer]) -> None:
    server = raw_server(truncated_body)
    assert_step_fails(
        flow,
        server.base_url,
        [f"the response from {server.base_url} ended before its body was complete", "100"],
    )


def test_body_declared_beyond_the_size_cap(flow: Path) -> None:
    with ScriptedServer() as server:
        server.script("GET", "/thing", Reply(200, "x" * 2_000_000))
        assert_step_fails(
            flow,
            server.base_url,
            ["declares 2,000,000 bytes, more than the limit of 1,000,000 bytes"],
            "--max-response-size",
            "1MB",
        )


def test_streamed_body_beyond_the_size_cap(
    flow: Path, raw_server: Callable[..., RawServer]
) -> None:
    server = raw_server(endless_chunks)
    assert_step_fails(
        flow,
        server.base_url,
        [f"the response from {server.base_url} is larger than the limit of 1,048,576 bytes"],
        "--max-response-size",
        "1MiB",
    )


def test_bad_max_response_size_is_a_usage_error(flow: Path) -> None:
    result = run_flow(flow, "http://127.0.0.1:1", "text", "--max-response-size", "lots")
    assert result.exit_code == 2
    assert "--max-response-size: 'lots' is not a size" in result.stderr


def test_non_json_body_declared_as_json_is_kept_as_text_with_a_warning(flow: Path) -> None:
    with ScriptedServer() as server:
        server.script("GET", "/thing", Reply(200, "not json", {"Content-Type": "application/json"}))
        result = run_flow(flow, server.base_url, "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"]["body"] == "not json"
    assert "says application/json but its body is not valid JSON" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("status", [503, 429])
def test_retry_after_is_honoured_by_a_retry_action(flow: Path, status: int) -> None:
    with ScriptedServer() as server:
        server.script(
            "GET", "/thing", Reply(status, {"busy": True}, {"Retry-After": "1"}), Reply(200, "ok")
        )
        result = run_flow(flow, server.base_url, "json")
        assert server.paths() == ["GET /thing", "GET /thing"]
    assert result.exit_code == 0, result.stderr
    attempts = result.json()["steps"][0]["attempts"]
    assert [a["statusCode"] for a in attempts] == [status, 200]
    assert attempts[0]["action"]["type"] == "retry"
    assert attempts[0]["action"]["retryAfter"] == 1


def test_a_5xx_that_outlasts_the_retries_fails_the_step(flow: Path) -> None:
    with ScriptedServer() as server:
        server.script("GET", "/thing", Reply(503, {"busy": True}, {"Retry-After": "0"}))
        text = run_flow(flow, server.base_url, "text")
        as_json = run_flow(flow, server.base_url, "json")
    assert_clean_failure(text, 1)
    assert_clean_failure(as_json, 1)
    assert "success criterion not met" in text.stdout
    step = as_json.json()["steps"][0]
    assert [a["statusCode"] for a in step["attempts"]] == [503, 503]
    assert "success criterion not met" in step["error"]


# --------------------------------------------------------------------------- redirects


def test_redirects_are_not_followed_by_default(flow: Path) -> None:
    with ScriptedServer() as server:
        server.script("GET", "/thing", Reply(302, headers={"Location": "/elsewhere"}))
        result = run_flow(flow, server.base_url, "json", workflow="redirected")
        assert server.paths() == ["GET /thing"]
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"]["location"] == "/elsewhere"


def test_same_origin_redirects_are_followed_when_asked(flow: Path) -> None:
    with ScriptedServer() as server:
        server.script("GET", "/thing", Reply(302, headers={"Location": "/moved"}))
        server.script("GET", "/moved", Reply(307, headers={"Location": "/final"}))
        server.script("GET", "/final", Reply(200, {"here": True}))
        result = run_flow(flow, server.base_url, "json", "--follow-redirects")
        assert server.paths() == ["GET /thing", "GET /moved", "GET /final"]
    assert result.exit_code == 0, result.stderr
    assert result.json()["outputs"]["body"] == {"here": True}


def test_a_redirect_to_another_origin_ends_the_step(flow: Path) -> None:
    with ScriptedServer() as server, ScriptedServer() as other:
        server.script("GET", "/thing", Reply(302, headers={"Location": f"{other.base_url}/x"}))
        assert_step_fails(
            flow,
            server.base_url,
            [f"not following the redirect from {server.base_url} to {other.base_url}"],
            "--follow-redirects",
        )
        assert other.received == []


def test_a_redirect_loop_ends_clearly(flow: Path) -> None:
    with ScriptedServer() as server:
        server.script("GET", "/thing", Reply(302, headers={"Location": "/other"}))
        server.script("GET", "/other", Reply(302, headers={"Location": "/thing"}))
        assert_step_fails(
            flow,
            server.base_url,
            [f"redirect loop at {server.base_url}: /thing -> /other -> /thing"],
            "--follow-redirects",
        )


def test_the_redirect_limit(flow: Path) -> None:
    with ScriptedServer() as server:
        server.script("GET", "/thing", Reply(302, headers={"Location": "/r1"}))
        for hop in range(1, 5):
            server.script("GET", f"/r{hop}", Reply(302, headers={"Location": f"/r{hop + 1}"}))
        assert_step_fails(
            flow,
            server.base_url,
            [f"more than 2 redirects starting at {server.base_url}"],
            "--follow-redirects",
            "--max-redirects",
            "2",
        )
