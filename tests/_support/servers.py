"""A real HTTP server on 127.0.0.1 whose answers a test scripts in advance.

Each (method, path) answers with the replies it was given, in order; the last
one repeats; anything unscripted gets the fallback reply (404 unless told).
Every request is recorded, so tests can assert what reached the wire and how
often. A reply can also misbehave on purpose: arrive late, or stream a body
that never ends. Use it where a socket is the point; faults that
``http.server`` cannot produce (resets, TLS) need raw sockets instead.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

STREAM_LIMIT = 100_000  # chunks; the client is expected to hang up long before


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    """A JSON value, or str/bytes sent as they are."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (longer than a client's timeout: no answer)."""
    stream: Literal["endless", "trickle"] | None = None
    """Instead of ``body``: 1 MiB chunks as fast as possible, or a byte every 0.2 s,
    without a Content-Length, until the client hangs up."""


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    target: str = ""
    """The request target exactly as it was sent: path and query, still encoded."""
    header_items: list[tuple[str, str]] = field(default_factory=list)
    """Every header line in order, repeated names included."""

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        """The first header called ``name``, whatever its case."""
        return next((v for n, v in self.header_items if n.lower() == name.lower()), None)


class ScriptedServer:
    def __init__(self, fallback: Reply | None = None) -> None:
        self.replies: dict[tuple[str, str], list[Reply]] = {}
        self.received: list[Received] = []
        self.fallback = fallback or Reply(404)
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        # close() waits for the loop to notice, up to one poll interval: the default
        # half second would add that much to every test that uses a server.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, method: str, path: str, *replies: Reply) -> None:
        self.replies[(method.upper(), path)] = list(replies)

    def serve(self, path: str, body: Any, **reply: Any) -> None:
        """Answer every GET of ``path`` with ``body`` (a document, say)."""
        self.script("GET", path, Reply(200, body, **reply))

    def paths(self) -> list[str]:
        """``METHOD /path`` of every request received, in order."""
        return [f"{r.method} {r.path}" for r in self.received]

    def targets(self) -> list[str]:
        """The request target (path and query as sent) of every request received, in order."""
        return [r.target for r in self.received]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _record(self, handler: BaseHTTPRequestHandler) -> Reply:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        received = Received(
            handler.command,
            parts.path,
            parse_qs(parts.query),
            dict(handler.headers.items()),
            body,
            target=handler.path,
            header_items=list(handler.headers.items()),
        )
        with self._lock:
            self.received.append(received)
            queue = self.replies.get((handler.command, parts.path))
            return (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else self.fallback

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        reply = self._record(handler)
        if reply.delay:
            time.sleep(reply.delay)
        with suppress(ConnectionError):  # the client gave up: fine
            if reply.stream is not None:
                _send_stream(handler, reply)
            else:
                _send(handler, reply)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_GET(self) -> None:
                server._answer(self)

            do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

        return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up early is what many tests do on purpose. The
        # default prints a traceback to sys.stderr, which an in-process CLI run
        # captures as its own output.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serving(documents: dict[str, Any]) -> ScriptedServer:
    """A server that answers each GET of a path with its document (a body, or a :class:`Reply`)."""
    server = ScriptedServer()
    for path, document in documents.items():
        server.script(
            "GET", path, document if isinstance(document, Reply) else Reply(200, document)
        )
    return server


def closed_port() -> int:
    """A port of 127.0.0.1 on which nothing listens (it was free a moment ago)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def _send(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    payload, content_type = _encode(reply.body)
    handler.send_response(reply.status)
    if content_type and "Content-Type" not in reply.headers:
        handler.send_header("Content-Type", content_type)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def _send_stream(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    handler.send_response(reply.status)
    handler.send_header("Connection", "close")  # no Content-Length: the body ends at close
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.close_connection = True
    for chunk in _chunks(reply.stream):
        handler.wfile.write(chunk)
        handler.wfile.flush()


def _chunks(kind: str | None) -> Iterator[bytes]:
    for _ in range(STREAM_LIMIT):
        if kind == "trickle":
            yield b"#"
            time.sleep(0.2)
        else:
            yield b"0" * (1 << 20)


def _encode(body: Any) -> tuple[bytes, str | None]:
    if body is None:
        return b"", None
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode(), "text/plain"
    return json.dumps(body).encode(), "application/json"


class RendezvousServer(ScriptedServer):
    """A :class:`ScriptedServer` whose requests to the ``meeting`` paths each wait until
    all of them have arrived, then get their scripted replies.

    A request that waits ``patience`` seconds in vain gets 504 instead: requests that
    succeed together prove that the client had them in flight at the same time,
    without measuring how long anything took. ``most_in_flight`` is the most
    requests the server held at once.
    """

    def __init__(
        self, meeting: list[str], patience: float = 10.0, fallback: Reply | None = None
    ) -> None:
        super().__init__(fallback)
        self.meeting = set(meeting)
        self.barrier = threading.Barrier(len(meeting), timeout=patience)
        self.in_flight = 0
        self.most_in_flight = 0

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            reply = self._record(handler)
            if urlsplit(handler.path).path in self.meeting:
                try:
                    self.barrier.wait()
                except threading.BrokenBarrierError:
                    reply = Reply(504, {"error": "the other requests never came"})
            with suppress(ConnectionError):
                _send(handler, reply)
        finally:
            with self._lock:
                self.in_flight -= 1
