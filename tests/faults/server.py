"""A local HTTP server for fault tests: serves documents, and can be slow, endless or trickling."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class DocumentServer:
    """Serves ``routes`` (path -> body) on 127.0.0.1 and records every request path.

    Special bodies: ``SLOW`` answers nothing for a long time, ``ENDLESS`` streams
    zeros until the client hangs up, ``TRICKLE`` sends a byte every 0.2 s.
    """

    base_url: str = ""
    routes: dict[str, bytes | str] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)


SLOW = "<slow>"
ENDLESS = "<endless>"
TRICKLE = "<trickle>"


def _handler(state: DocumentServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            state.seen.append(self.path)
            body = state.routes.get(self.path)
            try:
                if body is None:
                    self.send_error(404)
                elif body == SLOW:
                    time.sleep(30)
                elif body in (ENDLESS, TRICKLE):
                    self._stream(body)
                else:
                    data = body.encode() if isinstance(body, str) else body
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

        def _stream(self, kind: bytes | str) -> None:
            self.send_response(200)
            self.end_headers()  # no Content-Length: the body ends when the server closes
            chunk = b"0" * (1 << 20) if kind == ENDLESS else b"#"
            for _ in range(100_000):
                self.wfile.write(chunk)
                self.wfile.flush()
                if kind == TRICKLE:
                    time.sleep(0.2)

    return Handler


@contextmanager
def document_server(routes: dict[str, bytes | str] | None = None) -> Iterator[DocumentServer]:
    state = DocumentServer(routes=dict(routes or {}))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
