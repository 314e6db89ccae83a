"""HTTP clients whose TLS trust store is loaded on the first ``https://`` request.

Building ``httpx2``'s default TLS context reads the system's CA certificates,
which costs about as much as importing ``httpx2`` itself (about 240 million
instructions, measured in ``docs/performance.md``). A run whose requests all go
to ``http://`` URLs, such as one against a local stand-in, never uses it. Here
``https://`` URLs are mounted on a transport that is built, with exactly the
options the client would have used, when the first of them is sent; every other
URL goes to a transport whose TLS context trusts nothing, so if a TLS
connection were ever made through it, the handshake would fail rather than go
unverified.

Imported only when a client is made (``transport.new_client``): it imports
``httpx2`` at module level, and loading documents never needs the HTTP client.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from typing import Any
from urllib.request import getproxies

import httpx2


def applies(verify: bool) -> bool:
    """Whether the trust store may wait: verification on and no proxy from the
    environment (a client given its own transport ignores proxy variables, so those
    runs keep the client as ``httpx2`` builds it)."""
    proxies = getproxies()
    return verify and not any(proxies.get(scheme) for scheme in ("http", "https", "all"))


def trusting_nothing() -> ssl.SSLContext:
    """A client TLS context with verification on and no trust anchors."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class HTTPSOnFirstUse(httpx2.BaseTransport):
    """Builds the real transport (``build``) when the first request arrives."""

    def __init__(self, build: Callable[[], httpx2.BaseTransport]) -> None:
        self._build = build
        self._transport: httpx2.BaseTransport | None = None
        self._lock = threading.Lock()  # concurrent steps share the client

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        transport = self._transport
        if transport is None:
            with self._lock:
                if self._transport is None:
                    self._transport = self._build()
                transport = self._transport
        return transport.handle_request(request)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class AsyncHTTPSOnFirstUse(httpx2.AsyncBaseTransport):
    """The asyncio form: building is synchronous, so no other task can interleave."""

    def __init__(self, build: Callable[[], httpx2.AsyncBaseTransport]) -> None:
        self._build = build
        self._transport: httpx2.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self._transport is None:
            self._transport = self._build()
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()


def client(**options: Any) -> httpx2.Client:
    """``httpx2.Client(**options)``, its trust store loaded on first ``https://`` use.

    ``options`` must not include ``verify`` (it is True here), ``transport`` or ``mounts``.
    """
    limits = options["limits"]
    plain = httpx2.HTTPTransport(verify=trusting_nothing(), limits=limits, trust_env=True)
    secure = HTTPSOnFirstUse(lambda: httpx2.HTTPTransport(limits=limits, trust_env=True))
    return httpx2.Client(**options, transport=plain, mounts={"https://": secure})


def async_client(**options: Any) -> httpx2.AsyncClient:
    """The asyncio form of :func:`client`."""
    limits = options["limits"]
    plain = httpx2.AsyncHTTPTransport(verify=trusting_nothing(), limits=limits, trust_env=True)
    secure = AsyncHTTPSOnFirstUse(lambda: httpx2.AsyncHTTPTransport(limits=limits, trust_env=True))
    return httpx2.AsyncClient(**options, transport=plain, mounts={"https://": secure})
