"""Sending a prepared request with httpx2, synchronously or asynchronously.

The engine never touches the HTTP client directly: it asks for a request to
be sent and gets back a :class:`ResponseRecord` or the reason no response
arrived. Both drivers (sync and async) share the error mapping, the redirect
policy and the body size cap here, so the two behave identically.

Every way an exchange can fail ends in one specific sentence that names the
origin (never the full URL, whose query may hold a key) and what went wrong:
a timeout and which phase it hit, a refused or reset connection, a host name
that does not resolve, a TLS certificate that was not accepted, a body cut
short or larger than the cap, a redirect that leads elsewhere or in circles.
"""

from __future__ import annotations

import functools
import re
import ssl
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from .._version import __version__
from .commands import SendOutcome
from .messages import PreparedRequest, ResponseRecord, StepFailure

if TYPE_CHECKING:
    import httpx2

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 10
USER_AGENT = f"arazzo-runner/{__version__}"
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


@dataclass(frozen=True)
class _Limits:
    """The time limits of one exchange, cut to the time the run has left."""

    connect: float
    read: float

    @classmethod
    def of(cls, options: TransportOptions, timeout: float) -> _Limits:
        return _limits(min(options.connect_timeout, timeout), timeout)

    def for_httpx(self) -> httpx2.Timeout:
        return _httpx_timeout(self.read, self.connect)

    def extensions(self) -> dict[str, object]:
        """Request extensions carrying these limits, as ``build_request(timeout=...)`` makes them.

        Passing the ``timeout`` extension directly spares ``httpx2`` building a new
        ``Timeout`` and its dict for every request. Both dicts are copies made here:
        a request's extensions belong to it (event hooks may add to them).
        """
        return {"timeout": dict(_timeout_extension(self.read, self.connect))}


@functools.lru_cache(maxsize=64)
def _limits(connect: float, read: float) -> _Limits:
    # Shared like the Timeout below: most requests of a run have the same limits.
    return _Limits(connect=connect, read=read)


@functools.lru_cache(maxsize=64)
def _timeout_extension(read: float, connect: float) -> dict[str, float | None]:
    # Read-only: every caller copies it (see _Limits.extensions).
    return _httpx_timeout(read, connect).as_dict()


@functools.lru_cache(maxsize=64)
def _httpx_timeout(read: float, connect: float) -> httpx2.Timeout:
    # Shared: a run sends most of its requests with the same limits, and a
    # Timeout is never changed once made.
    import httpx2

    return httpx2.Timeout(read, connect=connect)


# --------------------------------------------------------------------------- clients


class _DefaultTLS:
    """The client's default TLS context, built in a background thread ahead of time.

    Loading the trusted certificates takes 30-50 ms, in OpenSSL, which releases
    the GIL: a command that is about to send requests starts it early, while it
    reads and checks its documents, and the first client takes the result.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._context: ssl.SSLContext | None = None

    def prepare(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._build, name="tls-setup", daemon=True)
                self._thread.start()

    def _build(self) -> None:
        try:
            import httpx2

            # What httpx2.Client(verify=True, trust_env=True) would build itself.
            self._context = httpx2.create_ssl_context(verify=True, trust_env=True)
        except Exception:  # the client builds its own then, and reports any problem
            self._context = None

    def take(self) -> ssl.SSLContext | None:
        """The prepared context (once), or None when none was prepared or it failed."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return None
        thread.join()
        context, self._context = self._context, None
        return context


_default_tls = _DefaultTLS()


def prepare_default_tls() -> None:
    """Start building the default TLS context for the next client :func:`new_client` makes."""
    _default_tls.prepare()


def _verify(options: TransportOptions) -> ssl.SSLContext | bool:
    if options.verify is not True:
        return options.verify
    return _default_tls.take() or True


def new_client(options: TransportOptions) -> httpx2.Client:
    import httpx2  # loading and validating documents never need the HTTP client

    return httpx2.Client(
        timeout=_Limits.of(options, options.timeout).for_httpx(),
        follow_redirects=False,  # the redirect policy is ours: see _RedirectTrail
        verify=_verify(options),
        limits=_pool_limits(options),
        trust_env=True,
    )


def new_async_client(options: TransportOptions) -> httpx2.AsyncClient:
    import httpx2

    return httpx2.AsyncClient(
        timeout=_Limits.of(options, options.timeout).for_httpx(),
        follow_redirects=False,
        verify=_verify(options),
        limits=_pool_limits(options),
        trust_env=True,
    )


def _pool_limits(options: TransportOptions) -> httpx2.Limits:
    import httpx2

    if options.max_connections is None:
        return httpx2.Limits(max_connections=100, max_keepalive_connections=20)
    size = max(1, options.max_connections)
    return httpx2.Limits(max_connections=size, max_keepalive_connections=size)


# --------------------------------------------------------------------------- sending


def send(
    client: httpx2.Client, request: PreparedRequest, options: TransportOptions, timeout: float
) -> SendOutcome:
    """Send ``request`` and read its response, following redirects if allowed."""
    started = time.perf_counter()
    limits = _Limits.of(options, timeout)
    progress = _Progress()
    try:
        check_header_values(request.headers)
        outgoing = _build(client, request, limits)
        trail = _RedirectTrail(request, options) if options.follow_redirects else None
        while True:
            progress.reset()
            response = client.send(outgoing, stream=True, follow_redirects=False)
            try:
                progress.headers_received = True
                follow = trail.next_request(response) if trail is not None else None
                if follow is None:
                    _check_declared_size(response, options.max_response_bytes, request)
                    content = _read_capped(response, options.max_response_bytes, request)
                    return SendOutcome(_record(response, content), None, _since(started))
            finally:
                response.close()
            outgoing = follow
    except Exception as exc:
        return _failure(exc, request, limits, progress, started)


async def send_async(
    client: httpx2.AsyncClient,
    request: PreparedRequest,
    options: TransportOptions,
    timeout: float,
) -> SendOutcome:
    """:func:`send` for an ``httpx2.AsyncClient``, with the same outcomes."""
    started = time.perf_counter()
    limits = _Limits.of(options, timeout)
    progress = _Progress()
    try:
        check_header_values(request.headers)
        outgoing = _build(client, request, limits)
        trail = _RedirectTrail(request, options) if options.follow_redirects else None
        while True:
            progress.reset()
            response = await client.send(outgoing, stream=True, follow_redirects=False)
            try:
                progress.headers_received = True
                follow = trail.next_request(response) if trail is not None else None
                if follow is None:
                    _check_declared_size(response, options.max_response_bytes, request)
                    content = bytearray()
                    async for chunk in response.aiter_bytes():
                        content += chunk
                        _check_size(len(content), options.max_response_bytes, request)
                    return SendOutcome(_record(response, bytes(content)), None, _since(started))
            finally:
                await response.aclose()
            outgoing = follow
    except Exception as exc:
        return _failure(exc, request, limits, progress, started)


def _build(
    client: httpx2.Client | httpx2.AsyncClient, request: PreparedRequest, limits: _Limits
) -> httpx2.Request:
    return client.build_request(
        request.method,
        request.url,
        params=request.query or None,
        headers=request.headers,
        content=request.content,
        extensions=limits.extensions(),
    )


@dataclass
class _Progress:
    """How far an exchange got, so that a failure can say in which phase it happened."""

    headers_received: bool = False

    def reset(self) -> None:
        self.headers_received = False


def _failure(
    exc: Exception,
    request: PreparedRequest,
    limits: _Limits,
    progress: _Progress,
    started: float,
) -> SendOutcome:
    # Every exception ends the step with a sentence: a transport problem must
    # never take the engine (or the other runs of a batch) down with it.
    import httpx2

    if isinstance(exc, StepFailure):
        message = str(exc)
    elif isinstance(exc, httpx2.HTTPError):
        message = describe_http_error(exc, request, limits.read, limits.connect, progress)
    elif isinstance(exc, httpx2.InvalidURL):
        message = f"cannot send the request: the URL is not valid: {exc}"
    elif isinstance(exc, ValueError | TypeError | UnicodeError):
        message = f"cannot send the request: {type(exc).__name__}: {exc}"
    elif isinstance(exc, OSError):
        message = f"request to {origin(request.url)} failed: {_reason(exc)}"
    else:
        raise exc
    return SendOutcome(None, message, _since(started))


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


def _read_capped(response: httpx2.Response, limit: int, request: PreparedRequest) -> bytes:
    # A loop rather than a generator: most bodies arrive in one chunk, and the
    # cap is checked after each chunk, before the next one is read.
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        _check_size(total, limit, request)
        chunks.append(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


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


# --------------------------------------------------------------------------- messages


def describe_http_error(
    exc: Exception,
    request: PreparedRequest,
    timeout: float,
    connect_timeout: float | None = None,
    progress: _Progress | None = None,
) -> str:
    """A specific, secret-free sentence for a failed exchange."""
    import httpx2

    where = origin(request.url)
    in_body = progress is not None and progress.headers_received
    if isinstance(exc, httpx2.ConnectTimeout):
        limit = connect_timeout if connect_timeout is not None else timeout
        return f"could not connect to {where} within {limit:g} s (connect timeout)"
    if isinstance(exc, httpx2.ReadTimeout):
        if in_body:
            return f"the response body from {where} stalled for more than {timeout:g} s"
        return f"no response from {where} within {timeout:g} s (read timeout)"
    if isinstance(exc, httpx2.WriteTimeout):
        return f"could not send the request to {where} within {timeout:g} s (write timeout)"
    if isinstance(exc, httpx2.PoolTimeout):
        return (
            f"no free connection to {where} within {timeout:g} s (connection pool timeout; "
            "too many requests at once?)"
        )
    if isinstance(exc, httpx2.TimeoutException):
        return f"no response from {where} within {timeout:g} s"
    if isinstance(exc, httpx2.ConnectError):
        return _connect_failure(exc, request)
    if isinstance(exc, httpx2.ReadError):
        phase = "while reading the response body" if in_body else "before it answered"
        return f"the connection to {where} broke off {phase}: {_reason(exc)}"
    if isinstance(exc, httpx2.WriteError):
        return f"the connection to {where} broke off while sending the request: {_reason(exc)}"
    if isinstance(exc, httpx2.RemoteProtocolError):
        return _protocol_failure(exc, where, in_body)
    if isinstance(exc, httpx2.LocalProtocolError):
        return f"cannot send the request to {where}: {_reason(exc)}"
    if isinstance(exc, httpx2.ProxyError):
        return f"the proxy for {where} refused or failed the request: {_reason(exc)}"
    if isinstance(exc, httpx2.UnsupportedProtocol):
        return f"cannot send the request: {_reason(exc)} (only http:// and https:// URLs work)"
    if isinstance(exc, httpx2.DecodingError):
        encoding = "the declared Content-Encoding"
        return f"the response body from {where} cannot be decoded with {encoding}: {_reason(exc)}"
    if isinstance(exc, httpx2.TooManyRedirects):
        return f"too many redirects starting at {where}"
    return f"request to {where} failed: {_reason(exc)}"


def _connect_failure(exc: Exception, request: PreparedRequest) -> str:
    where = origin(request.url)
    host = urlsplit(request.url).hostname or where
    tls = _tls_cause(exc)
    if isinstance(tls, ssl.SSLCertVerificationError):
        problem = tls.verify_message or tls.reason or "it could not be verified"
        return f"the TLS certificate of {host} was not accepted: {problem}"
    if tls is not None:
        return f"the TLS handshake with {where} failed: {tls.reason or _reason(tls)}"
    text = str(exc)
    if "Name or service not known" in text or "nodename nor servname" in text or "[Errno -" in text:
        return f"cannot resolve host name '{host}': {_reason(exc)}"
    if "Connection refused" in text or "[Errno 111]" in text or "[Errno 61]" in text:
        return f"cannot connect to {where}: connection refused (is the server running?)"
    return f"cannot connect to {where}: {_reason(exc)}"


def _tls_cause(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _protocol_failure(exc: Exception, where: str, in_body: bool) -> str:
    text = str(exc)
    if "incomplete" in text.lower() or "complete message body" in text or in_body:
        return f"the response from {where} ended before its body was complete: {_reason(exc)}"
    if "without sending a response" in text or "disconnected" in text.lower():
        return f"{where} closed the connection without answering"
    return f"the connection to {where} broke off: {_reason(exc)}"


def check_header_values(headers: list[tuple[str, str]]) -> None:
    # Checked here so that the message can name the header without quoting its
    # value: header values are often credentials.
    if _all_clean(headers):
        return
    for name, value in headers:
        if _BAD_HEADER_VALUE.search(value):
            raise StepFailure(
                f"header '{name}' cannot be sent: its value contains a line break or NUL character"
            )
        if not name or _BAD_HEADER_NAME.search(name):
            raise StepFailure(f"'{name}' is not a valid HTTP header name")


def _all_clean(headers: list[tuple[str, str]]) -> bool:
    """Whether no header has a problem, found with two searches instead of two per header."""
    if not headers:
        return True
    try:
        names, values = zip(*headers, strict=True)
        return (
            all(names)
            and not _BAD_HEADER_NAME.search("x".join(names))
            and not _BAD_HEADER_VALUE.search("x".join(values))
        )
    except (TypeError, ValueError):  # the header-by-header checks say what is wrong
        return False


_BAD_HEADER_VALUE = re.compile(r"[\r\n\0]")
_BAD_HEADER_NAME = re.compile(r"[ \t\r\n:\0]")


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return re.sub(r"^\[Errno -?\d+\] ", "", text)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
