"""Sending a prepared request with httpx2, synchronously or asynchronously.

The engine never touches the HTTP client directly: it asks for a request to
be sent and gets back a :class:`ResponseRecord` or the reason no response
arrived (worded by :mod:`arazzo_runner.http.failures`). Both drivers (sync and
async) go through the same :class:`_Exchange`, which holds the redirect policy,
the body size cap and the failure wording, so the two behave identically; only
the calls that do I/O differ.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from .commands import SendOutcome
from .failures import Failure, describe_failure, origin
from .messages import PreparedRequest, ResponseRecord, StepFailure

if TYPE_CHECKING:
    import httpx2

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 10
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class TransportOptions:
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    """Limit for each read or write, and for waiting for a pooled connection, in seconds."""
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS
    """Limit for opening a connection (TCP and TLS handshake); never more than ``timeout``."""
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    """A response body larger than this fails the step instead of filling memory."""
    follow_redirects: bool = False
    """Redirects are answers like any other unless asked for (docs/semantics.md)."""
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    """With ``follow_redirects``: how many redirects one request may follow."""
    verify: bool = True
    max_connections: int | None = None
    """Size of the connection pool (None: the client's default)."""


# --------------------------------------------------------------------------- clients


def new_client(options: TransportOptions) -> httpx2.Client:
    import httpx2  # loading and validating documents never need the HTTP client

    return httpx2.Client(
        timeout=_timeout(options, options.timeout),
        follow_redirects=False,  # the redirect policy is ours: see _RedirectTrail
        verify=options.verify,
        limits=_pool_limits(options),
        trust_env=True,
    )


def new_async_client(options: TransportOptions) -> httpx2.AsyncClient:
    import httpx2

    return httpx2.AsyncClient(
        timeout=_timeout(options, options.timeout),
        follow_redirects=False,
        verify=options.verify,
        limits=_pool_limits(options),
        trust_env=True,
    )


def _timeout(options: TransportOptions, timeout: float) -> httpx2.Timeout:
    """``timeout`` for reads, writes and the pool; connecting gets at most as long."""
    import httpx2

    return httpx2.Timeout(timeout, connect=min(options.connect_timeout, timeout))


def _pool_limits(options: TransportOptions) -> httpx2.Limits:
    import httpx2

    if options.max_connections is None:
        return httpx2.Limits(max_connections=100, max_keepalive_connections=20)
    size = max(1, options.max_connections)
    return httpx2.Limits(max_connections=size, max_keepalive_connections=size)


# --------------------------------------------------------------------------- sending


def send(
    client: httpx2.Client,
    request: PreparedRequest,
    options: TransportOptions,
    timeout: float,
    limit: float | None = None,
) -> SendOutcome:
    """Send ``request`` and read its response, following redirects if allowed; ``limit``
    (seconds) bounds the whole exchange, checked as each part of it arrives."""
    exchange = _Exchange(request, options, timeout, limit)
    try:
        outgoing = exchange.first_request(client)
        while True:
            exchange.sending()
            response = client.send(outgoing, stream=True, follow_redirects=False)
            try:
                follow = exchange.answered(response)
                if follow is None:
                    content = bytearray()
                    for chunk in response.iter_bytes():
                        exchange.received(content, chunk)
                    return exchange.outcome(response, bytes(content))
            finally:
                response.close()
            outgoing = follow
    except Exception as exc:
        return exchange.failed(exc)


async def send_async(
    client: httpx2.AsyncClient,
    request: PreparedRequest,
    options: TransportOptions,
    timeout: float,
    limit: float | None = None,
) -> SendOutcome:
    """:func:`send` for an ``httpx2.AsyncClient``, with the same outcomes."""
    exchange = _Exchange(request, options, timeout, limit)
    try:
        outgoing = exchange.first_request(client)
        while True:
            exchange.sending()
            response = await client.send(outgoing, stream=True, follow_redirects=False)
            try:
                follow = exchange.answered(response)
                if follow is None:
                    content = bytearray()
                    async for chunk in response.aiter_bytes():
                        exchange.received(content, chunk)
                    return exchange.outcome(response, bytes(content))
            finally:
                await response.aclose()
            outgoing = follow
    except Exception as exc:
        return exchange.failed(exc)


class _Exchange:
    """Everything about one request on its way that does no I/O, shared by both drivers."""

    def __init__(
        self,
        request: PreparedRequest,
        options: TransportOptions,
        timeout: float,
        limit: float | None = None,
    ):
        self.started = time.perf_counter()
        self.request = request
        self.options = options
        self.timeout = timeout
        self.limit = limit
        self.in_body = False
        """Whether the response headers have arrived, so a failure hit the body."""
        self.trail = _RedirectTrail(request, options) if options.follow_redirects else None

    def first_request(self, client: httpx2.Client | httpx2.AsyncClient) -> httpx2.Request:
        check_header_values(self.request.headers)
        request = self.request
        return client.build_request(
            request.method,
            request.url,
            params=tuple(request.query) or None,
            headers=request.headers,
            content=request.content,
            timeout=_timeout(self.options, self.timeout),
        )

    def sending(self) -> None:
        self.in_body = False
        self._check_limit()

    def answered(self, response: httpx2.Response) -> httpx2.Request | None:
        """The redirect to follow, or None when ``response`` is the answer to read."""
        self.in_body = True
        self._check_limit()
        follow = self.trail.next_request(response) if self.trail is not None else None
        if follow is None:
            _check_declared_size(response, self.options.max_response_bytes, self.request)
        return follow

    def received(self, content: bytearray, chunk: bytes) -> None:
        # The cap is checked after each chunk, before the next one is read.
        content += chunk
        _check_size(len(content), self.options.max_response_bytes, self.request)
        self._check_limit()

    def _check_limit(self) -> None:
        if self.limit is not None and time.perf_counter() - self.started > self.limit:
            raise StepFailure(
                f"no complete response from {origin(self.request.url)} within "
                f"{self.limit:g} s (the step's timeout)"
            )

    def outcome(self, response: httpx2.Response, content: bytes) -> SendOutcome:
        return SendOutcome(_record(response, content), None, self._elapsed_ms())

    def failed(self, exc: Exception) -> SendOutcome:
        # Every failure ends the step with a sentence: a transport problem must
        # never take the engine (or the other runs of a batch) down with it.
        connect = min(self.options.connect_timeout, self.timeout)
        failure = Failure(self.request.url, self.timeout, connect, self.in_body)
        message = describe_failure(exc, failure)
        if message is None:
            raise exc
        return SendOutcome(None, message, self._elapsed_ms())

    def _elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000


# --------------------------------------------------------------------------- redirects


class _RedirectTrail:
    """Decides whether a response is followed, and remembers where the request went.

    Policy (README, "Redirects"): without ``follow_redirects`` a 3xx response
    is the step's response. With it, redirects are followed up to
    ``max_redirects`` times within the same origin (an upgrade from http to
    https on the same host counts as the same origin); a redirect to another
    origin ends the step, because the step's headers (API keys, tokens,
    tenant ids) were meant for the first one. A redirect back to a URL
    already visited ends the step as a loop.
    """

    def __init__(self, request: PreparedRequest, options: TransportOptions) -> None:
        self.enabled = options.follow_redirects
        self.limit = options.max_redirects
        self.first = request
        self.visited: list[str] = [request.full_url]

    def next_request(self, response: httpx2.Response) -> httpx2.Request | None:
        if not self.enabled or response.status_code not in _REDIRECT_STATUSES:
            return None
        follow = response.next_request
        if follow is None:  # no usable Location header: the 3xx is the answer
            return None
        target = str(follow.url)
        here = self.visited[-1]
        if not _same_site(here, target):
            raise StepFailure(
                f"not following the redirect from {origin(here)} to {origin(target)}: "
                "redirects are only followed within the same origin, since the step's "
                "headers may carry credentials meant for the first one"
            )
        if target in self.visited:
            chain = " -> ".join(_path_of(url) for url in [*self.visited, target])
            raise StepFailure(f"redirect loop at {origin(target)}: {chain}")
        if len(self.visited) > self.limit:
            raise StepFailure(
                f"more than {self.limit} redirects starting at {origin(self.first.url)}; "
                f"the last pointed to {_path_of(target)}"
            )
        self.visited.append(target)
        return follow


def _same_site(current: str, target: str) -> bool:
    here, there = urlsplit(current), urlsplit(target)
    if here.hostname != there.hostname:
        return False
    if here.scheme == there.scheme:
        return _port(here) == _port(there)
    # http -> https on the same host with default ports: an upgrade, not a new origin.
    return here.scheme == "http" and there.scheme == "https" and _port(there) == 443


def _port(parts: SplitResult) -> int | None:
    return parts.port if parts.port is not None else _DEFAULT_PORTS.get(parts.scheme)


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path or "/"


# --------------------------------------------------------------------------- body size


def _check_declared_size(response: httpx2.Response, limit: int, request: PreparedRequest) -> None:
    declared = response.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise StepFailure(
            f"the response from {origin(request.url)} declares {int(declared):,} bytes, more "
            f"than the limit of {limit:,} bytes; it was not read (raise it with "
            "--max-response-size)"
        )


def _check_size(total: int, limit: int, request: PreparedRequest) -> None:
    if total > limit:
        raise StepFailure(
            f"the response from {origin(request.url)} is larger than the limit of "
            f"{limit:,} bytes; it was not read to the end (raise it with --max-response-size)"
        )


def _record(response: httpx2.Response, content: bytes) -> ResponseRecord:
    return ResponseRecord(
        status_code=response.status_code,
        headers=list(response.headers.multi_items()),
        content=content,
        http_version=response.http_version,
        reason=response.reason_phrase,
    )


# --------------------------------------------------------------------------- headers


def check_header_values(headers: list[tuple[str, str]]) -> None:
    # Checked here so that the message can name the header without quoting its
    # value: header values are often credentials.
    for name, value in headers:
        if _BAD_HEADER_VALUE.search(value):
            raise StepFailure(
                f"header '{name}' cannot be sent: its value contains a line break or NUL character"
            )
        if not name or _BAD_HEADER_NAME.search(name):
            raise StepFailure(f"'{name}' is not a valid HTTP header name")


_BAD_HEADER_VALUE = re.compile(r"[\r\n\0]")
_BAD_HEADER_NAME = re.compile(r"[ \t\r\n:\0]")
