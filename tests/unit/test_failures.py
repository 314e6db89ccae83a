"""How a failed exchange is worded: by exception type and cause, in both drivers.

Connection failures run against real local sockets (a closed port, a server
that hangs up or answers garbage); the cause chains the HTTP client builds are
also reproduced by hand, so that each row of the table is pinned.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import h11
import httpcore2
import httpx2
import pytest

from arazzo_runner.http.commands import SendOutcome
from arazzo_runner.http.failures import Failure, cause_of, describe_failure, origin, reason
from arazzo_runner.http.messages import PreparedRequest, StepFailure
from arazzo_runner.http.transport import (
    TransportOptions,
    new_async_client,
    new_client,
    send,
    send_async,
)

URL = "http://api.test:8080/v1/things?api_key=SECRET"
FAILURE = Failure(URL, read_timeout=2.5, connect_timeout=1.0)


def caused(outer: Exception, *causes: BaseException) -> Exception:
    """``outer`` raised from the first of ``causes``, raised from the next, and so on."""
    current: BaseException = outer
    for cause in causes:
        current.__cause__ = cause
        current = cause
    return outer


def test_origin_and_reason_hide_what_a_message_must_not_show() -> None:
    assert origin("https://user:pw@host.test:8443/a?key=1") == "https://host.test:8443"
    assert reason(OSError(111, "Connection refused")) == "Connection refused"
    assert reason(RuntimeError()) == "RuntimeError"


@pytest.mark.parametrize(
    ("exc", "in_body", "expected"),
    [
        (httpx2.ConnectTimeout("t"), False, "could not connect to http://api.test:8080 within 1 s"),
        (httpx2.ReadTimeout("t"), False, "no response from http://api.test:8080 within 2.5 s"),
        (httpx2.ReadTimeout("t"), True, "stalled for more than 2.5 s"),
        (httpx2.WriteTimeout("t"), False, "within 2.5 s (write timeout)"),
        (httpx2.PoolTimeout("t"), False, "(connection pool timeout; too many requests at once?)"),
        (httpx2.ReadError("reset"), False, "broke off before it answered: reset"),
        (httpx2.ReadError("reset"), True, "broke off while reading the response body: reset"),
        (httpx2.WriteError("pipe"), False, "broke off while sending the request: pipe"),
        (httpx2.LocalProtocolError("bad"), False, "cannot send the request to http://api.test"),
        (httpx2.ProxyError("no"), False, "the proxy for http://api.test:8080 refused or failed"),
        (httpx2.UnsupportedProtocol("ftp"), False, "(only http:// and https:// URLs work)"),
        (httpx2.DecodingError("gzip"), False, "cannot be decoded with the declared Content-Enc"),
        (httpx2.InvalidURL("no host"), False, "the URL is not valid: no host"),
        (UnicodeEncodeError("ascii", "é", 0, 1, "x"), False, "UnicodeEncodeError"),
        (TypeError("t"), False, "cannot send the request: TypeError: t"),
        (OSError("odd"), False, "request to http://api.test:8080 failed: odd"),
        (StepFailure("said so"), False, "said so"),
    ],
)
def test_each_exception_type_has_its_sentence(exc: Exception, in_body: bool, expected: str) -> None:
    failure = Failure(URL, 2.5, 1.0, in_body)
    message = describe_failure(exc, failure)
    assert message is not None and expected in message
    assert "SECRET" not in message and "/v1/things" not in message


def test_an_exception_that_is_no_exchange_failure_is_left_to_raise() -> None:
    assert describe_failure(RuntimeError("a bug"), FAILURE) is None
    assert describe_failure(KeyError("a bug"), FAILURE) is None


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (socket.gaierror(-2, "Name or service not known"), "cannot resolve host name 'api.test'"),
        (ConnectionRefusedError(111, "Connection refused"), "connection refused (is the server"),
        (
            OSError("All connection attempts failed"),
            "cannot connect to http://api.test:8080: All connection attempts failed",
        ),
    ],
)
def test_a_failed_connect_is_told_apart_by_its_cause(cause: OSError, expected: str) -> None:
    exc = caused(httpx2.ConnectError(str(cause)), httpcore2.ConnectError(cause), cause)
    message = describe_failure(exc, FAILURE)
    assert message is not None and expected in message


def test_causes_are_found_behind_context_and_inside_groups() -> None:
    refused = ConnectionRefusedError(111, "Connection refused")
    group = ExceptionGroup("multiple connection attempts failed", [OSError("x"), refused])
    attempts = caused(OSError("All connection attempts failed"), group)
    exc = httpx2.ConnectError("All connection attempts failed")
    exc.__context__ = attempts  # re-raised `from None`: the cause is only the context
    exc.__suppress_context__ = True
    assert cause_of(exc, ConnectionRefusedError) is refused
    assert "connection refused" in (describe_failure(exc, FAILURE) or "")


def test_tls_failures() -> None:
    verify = ssl.SSLCertVerificationError(1, "certificate verify failed")
    verify.verify_message = "self-signed certificate"
    exc = caused(httpx2.ConnectError("x"), verify)
    assert describe_failure(exc, FAILURE) == (
        "the TLS certificate of api.test was not accepted: self-signed certificate"
    )
    handshake = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    handshake.reason = "WRONG_VERSION_NUMBER"
    message = describe_failure(caused(httpx2.ConnectError("x"), handshake), FAILURE)
    assert message == "the TLS handshake with http://api.test:8080 failed: WRONG_VERSION_NUMBER"


def test_protocol_failures_by_phase_and_by_who_objected() -> None:
    disconnected = httpcore2.RemoteProtocolError("Server disconnected")
    closed = caused(httpx2.RemoteProtocolError("Server disconnected"), disconnected)
    assert describe_failure(closed, FAILURE) == (
        "http://api.test:8080 closed the connection without answering"
    )
    parsed = h11.RemoteProtocolError("illegal status line")
    malformed = caused(httpx2.RemoteProtocolError("illegal status line"), disconnected, parsed)
    assert describe_failure(malformed, FAILURE) == (
        "the connection to http://api.test:8080 broke off: illegal status line"
    )
    cut_short = Failure(URL, 2.5, 1.0, in_body=True)
    message = describe_failure(httpx2.RemoteProtocolError("incomplete chunked read"), cut_short)
    assert message == (
        "the response from http://api.test:8080 ended before its body was complete: "
        "incomplete chunked read"
    )
    bad_location = httpx2.RemoteProtocolError("Invalid URL in location header")
    assert "broke off: Invalid URL" in (describe_failure(bad_location, FAILURE) or "")


# ------------------------------------------------------------- real sockets, both drivers


Driver = Callable[[str], SendOutcome]


def send_blocking(url: str) -> SendOutcome:
    options = TransportOptions(timeout=5.0, connect_timeout=5.0)
    with new_client(options) as client:
        return send(client, PreparedRequest("GET", url, [], [], None), options, 5.0)


def send_asyncio(url: str) -> SendOutcome:
    async def go() -> SendOutcome:
        options = TransportOptions(timeout=5.0, connect_timeout=5.0)
        async with new_async_client(options) as client:
            request = PreparedRequest("GET", url, [], [], None)
            return await send_async(client, request, options, 5.0)

    return asyncio.run(go())


DRIVERS = pytest.mark.parametrize("driver", [send_blocking, send_asyncio], ids=["sync", "async"])


@contextmanager
def one_shot_server(reply: bytes | None) -> Iterator[str]:
    """Accepts one connection, reads the request, sends ``reply`` (or nothing) and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            if reply is not None:
                connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        thread.join(5)
        listener.close()


@DRIVERS
def test_a_refused_connection_reads_the_same_in_both_drivers(driver: Driver) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    outcome = driver(f"http://127.0.0.1:{port}/x")
    assert outcome.response is None
    assert outcome.error == (
        f"cannot connect to http://127.0.0.1:{port}: connection refused (is the server running?)"
    )


@DRIVERS
def test_a_name_that_does_not_resolve(driver: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_name(host: object, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    outcome = driver("http://no-such-host.invalid/x")
    assert outcome.error is not None
    assert outcome.error.startswith("cannot resolve host name 'no-such-host.invalid'")


@DRIVERS
def test_a_server_that_hangs_up_without_answering(driver: Driver) -> None:
    with one_shot_server(None) as base_url:
        outcome = driver(base_url + "/x")
    assert outcome.error == f"{base_url} closed the connection without answering"


@DRIVERS
def test_a_server_that_answers_garbage(driver: Driver) -> None:
    with one_shot_server(b"HELLO THERE\r\n\r\n") as base_url:
        outcome = driver(base_url + "/x")
    assert outcome.error is not None
    assert outcome.error.startswith(f"the connection to {base_url} broke off: ")


@DRIVERS
def test_a_body_cut_short(driver: Driver) -> None:
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a little"
    with one_shot_server(reply) as base_url:
        outcome = driver(base_url + "/x")
    assert outcome.error is not None
    assert outcome.error.startswith(f"the response from {base_url} ended before its body")
