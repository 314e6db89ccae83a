"""A real HTTP server on 127.0.0.1 whose answers a test scripts in advance.

Each (method, path) answers with the replies it was given, in order; the last
one repeats. Every request is recorded, so tests can assert what reached the
wire and how often.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    """A JSON value, or str/bytes sent as they are."""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class ScriptedServer:
    def __init__(self) -> None:
        self.replies: dict[tuple[str, str], list[Reply]] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, method: str, path: str, *replies: Reply) -> None:
        self.replies[(method.upper(), path)] = list(replies)

    def paths(self) -> list[str]:
        """``METHOD /path`` of every request received, in order."""
        return [f"{r.method} {r.path}" for r in self.received]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            self.received.append(
                Received(
                    handler.command,
                    parts.path,
                    parse_qs(parts.query),
                    dict(handler.headers.items()),
                    body,
                )
            )
            queue = self.replies.get((handler.command, parts.path))
            reply = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Reply(404)
        if reply.delay:
            threading.Event().wait(reply.delay)
        payload, content_type = _encode(reply.body)
        handler.send_response(reply.status)
        if content_type and "Content-Type" not in reply.headers:
            handler.send_header("Content-Type", content_type)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

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


def _encode(body: Any) -> tuple[bytes, str | None]:
    if body is None:
        return b"", None
    if isinstance(body, bytes):
        return body, "application/octet-stream"
    if isinstance(body, str):
        return body.encode(), "text/plain"
    return json.dumps(body).encode(), "application/json"


def openapi_for(operations: list[tuple[str, str, str]], title: str = "Test API") -> dict[str, Any]:
    """An OpenAPI 3.1 description with ``(operationId, method, path)`` operations."""
    paths: dict[str, Any] = {}
    for operation_id, method, path in operations:
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "responses": {"200": {"description": "ok"}},
        }
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if names:
            operation["parameters"] = [
                {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                for n in names
            ]
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1"},
        "servers": [{"url": "http://localhost:1"}],
        "paths": paths,
    }


def write_documents(
    directory: Path,
    arazzo: dict[str, Any],
    openapi: dict[str, dict[str, Any]] | None = None,
    name: str = "flow.arazzo.yaml",
) -> Path:
    """Write an Arazzo document and its OpenAPI files (file name -> content) to ``directory``."""
    for file_name, content in (openapi or {}).items():
        (directory / file_name).write_text(yaml.safe_dump(content, sort_keys=False))
    path = directory / name
    path.write_text(yaml.safe_dump(arazzo, sort_keys=False))
    return path
