"""Why an exchange failed, in one specific, secret-free sentence.

Every sentence names the origin (never the full URL, whose query may hold a
key) and what went wrong: a timeout and the phase it hit, a refused or reset
connection, a host name that does not resolve, a TLS certificate that was not
accepted, a body cut short.

The HTTP client's exceptions are translated through a table, by type, most
specific first. What the client reports as one type (a failed connect) is told
apart by the exception that caused it (a DNS failure, a refusal, a TLS error),
found on the ``__cause__`` chain, never by matching the operating system's
wording, which differs between systems and languages.
"""

from __future__ import annotations

import functools
import re
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from .messages import StepFailure

_E = TypeVar("_E", bound=BaseException)


@dataclass(frozen=True)
class Failure:
    """Where an exchange was going, its limits, and how far it got when it failed."""

    url: str
    read_timeout: float
    connect_timeout: float
    in_body: bool = False
    """True once the response headers had arrived: the failure hit the body."""

    @property
    def where(self) -> str:
        return origin(self.url)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or self.where


Describe = Callable[[Exception, Failure], str]


def describe_failure(exc: Exception, failure: Failure) -> str | None:
    """The sentence for ``exc``; None for an exception that is not a failed exchange (a bug)."""
    for kind, describe in _descriptions():
        if isinstance(exc, kind):
            return describe(exc, failure)
    return None


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url``, without user information."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def reason(exc: BaseException) -> str:
    """An exception's own text, without the ``[Errno N]`` prefix the OS adds."""
    text = str(exc) or type(exc).__name__
    return re.sub(r"^\[Errno -?\d+\] ", "", text)


# --------------------------------------------------------------------------- the table


@functools.cache
def _descriptions() -> tuple[tuple[type[Exception], Describe], ...]:
    # Built on first use: importing httpx2 is for runs that send requests.
    import httpx2

    return (
        (StepFailure, lambda exc, f: str(exc)),
        (httpx2.ConnectTimeout, _connect_timeout),
        (httpx2.ReadTimeout, _read_timeout),
        (httpx2.WriteTimeout, _write_timeout),
        (httpx2.PoolTimeout, _pool_timeout),
        (httpx2.TimeoutException, _timeout),
        (httpx2.ConnectError, _connect_failure),
        (httpx2.ReadError, _read_failure),
        (httpx2.WriteError, _write_failure),
        (httpx2.RemoteProtocolError, _protocol_failure),
        (httpx2.LocalProtocolError, _local_protocol_failure),
        (httpx2.ProxyError, _proxy_failure),
        (httpx2.UnsupportedProtocol, _unsupported_protocol),
        (httpx2.DecodingError, _decoding_failure),
        (httpx2.TooManyRedirects, _too_many_redirects),
        (httpx2.HTTPError, _other_http_failure),
        (httpx2.InvalidURL, _invalid_url),
        (ValueError, _unsendable),  # UnicodeError included
        (TypeError, _unsendable),
        (OSError, _other_http_failure),
    )


def _connect_timeout(exc: Exception, f: Failure) -> str:
    return f"could not connect to {f.where} within {f.connect_timeout:g} s (connect timeout)"


def _read_timeout(exc: Exception, f: Failure) -> str:
    if f.in_body:
        return f"the response body from {f.where} stalled for more than {f.read_timeout:g} s"
    return f"no response from {f.where} within {f.read_timeout:g} s (read timeout)"


def _write_timeout(exc: Exception, f: Failure) -> str:
    return f"could not send the request to {f.where} within {f.read_timeout:g} s (write timeout)"


def _pool_timeout(exc: Exception, f: Failure) -> str:
    return (
        f"no free connection to {f.where} within {f.read_timeout:g} s (connection pool "
        "timeout; too many requests at once?)"
    )


def _timeout(exc: Exception, f: Failure) -> str:
    return f"no response from {f.where} within {f.read_timeout:g} s"


def _connect_failure(exc: Exception, f: Failure) -> str:
    tls = cause_of(exc, ssl.SSLError)
    if isinstance(tls, ssl.SSLCertVerificationError):
        problem = tls.verify_message or tls.reason or "it could not be verified"
        return f"the TLS certificate of {f.host} was not accepted: {problem}"
    if tls is not None:
        return f"the TLS handshake with {f.where} failed: {tls.reason or reason(tls)}"
    if cause_of(exc, socket.gaierror) is not None:
        return f"cannot resolve host name '{f.host}': {reason(exc)}"
    if cause_of(exc, ConnectionRefusedError) is not None:
        return f"cannot connect to {f.where}: connection refused (is the server running?)"
    return f"cannot connect to {f.where}: {reason(exc)}"


def _read_failure(exc: Exception, f: Failure) -> str:
    phase = "while reading the response body" if f.in_body else "before it answered"
    return f"the connection to {f.where} broke off {phase}: {reason(exc)}"


def _write_failure(exc: Exception, f: Failure) -> str:
    return f"the connection to {f.where} broke off while sending the request: {reason(exc)}"


def _protocol_failure(exc: Exception, f: Failure) -> str:
    if f.in_body:
        return f"the response from {f.where} ended before its body was complete: {reason(exc)}"
    if _closed_before_answering(exc):
        return f"{f.where} closed the connection without answering"
    return f"the connection to {f.where} broke off: {reason(exc)}"


def _closed_before_answering(exc: Exception) -> bool:
    """The connection layer saw the connection close, and no byte of an answer was parsed.

    When the HTTP/1.1 parser (h11) rejects what the server sent, its error is
    the cause instead; a malformed redirect target has neither.
    """
    import h11  # both are loaded with httpx2
    import httpcore2

    closed = cause_of(exc, httpcore2.RemoteProtocolError) is not None
    return closed and cause_of(exc, h11.RemoteProtocolError) is None


def _local_protocol_failure(exc: Exception, f: Failure) -> str:
    return f"cannot send the request to {f.where}: {reason(exc)}"


def _proxy_failure(exc: Exception, f: Failure) -> str:
    return f"the proxy for {f.where} refused or failed the request: {reason(exc)}"


def _unsupported_protocol(exc: Exception, f: Failure) -> str:
    return f"cannot send the request: {reason(exc)} (only http:// and https:// URLs work)"


def _decoding_failure(exc: Exception, f: Failure) -> str:
    return (
        f"the response body from {f.where} cannot be decoded with the declared "
        f"Content-Encoding: {reason(exc)}"
    )


def _too_many_redirects(exc: Exception, f: Failure) -> str:
    return f"too many redirects starting at {f.where}"


def _other_http_failure(exc: Exception, f: Failure) -> str:
    return f"request to {f.where} failed: {reason(exc)}"


def _invalid_url(exc: Exception, f: Failure) -> str:
    return f"cannot send the request: the URL is not valid: {exc}"


def _unsendable(exc: Exception, f: Failure) -> str:
    return f"cannot send the request: {type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------- causes


def cause_of(exc: BaseException, kind: type[_E]) -> _E | None:
    """The first exception of type ``kind`` among ``exc`` and what caused it, or None.

    Follows ``__cause__``, else ``__context__`` (the connection pool re-raises
    with ``from None``, which leaves the original error only there), and looks
    into exception groups (an asyncio connect that tried several addresses
    reports their errors as one group).
    """
    return next((e for e in _chain(exc, set()) if isinstance(e, kind)), None)


def _chain(exc: BaseException | None, seen: set[int]) -> Iterator[BaseException]:
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        if isinstance(exc, BaseExceptionGroup):
            for inner in exc.exceptions:
                yield from _chain(inner, seen)
        exc = exc.__cause__ or exc.__context__
