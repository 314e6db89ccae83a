"""The TLS trust store is loaded on the first https:// request, with the same trust.

Plain http:// runs never pay for reading the CA certificates; https:// runs verify
exactly as a client built by httpx2 would (SSL_CERT_FILE honoured, an untrusted
certificate refused), with the sync and the asyncio client alike.
"""

from __future__ import annotations

import asyncio
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from arazzo_runner.http import tls_on_demand
from arazzo_runner.http.transport import TransportOptions, new_async_client, new_client
from tests._support.certificates import self_signed_certificate


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _serve(tls: ssl.SSLContext | None) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    cert, key = self_signed_certificate(tmp_path)
    (tmp_path / "both.pem").write_bytes(cert.read_bytes() + key.read_bytes())
    return cert


@pytest.fixture
def https_url(certificate: Path) -> Iterator[str]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.parent / "both.pem")
    yield from _serve(context)


@pytest.fixture
def http_url() -> Iterator[str]:
    yield from _serve(None)


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ALL_PROXY", raising=False)


def _secure_mount(client: httpx2.Client | httpx2.AsyncClient) -> Any:
    return client._transport_for_url(httpx2.URL("https://example.invalid/"))


def test_a_plain_http_run_never_loads_the_trust_store(http_url: str) -> None:
    with new_client(TransportOptions()) as client:
        assert client.get(http_url).text == "hello"
        mount = _secure_mount(client)
        assert isinstance(mount, tls_on_demand.HTTPSOnFirstUse)
        assert mount._transport is None


def test_https_uses_the_trust_store_of_the_environment(
    https_url: str, certificate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    with new_client(TransportOptions()) as client:
        assert client.get(https_url).text == "hello"


def test_an_untrusted_certificate_is_refused(https_url: str) -> None:
    with new_client(TransportOptions()) as client, pytest.raises(httpx2.ConnectError) as caught:
        client.get(https_url)
    assert "certificate verify failed" in str(caught.value)


def test_the_plain_transport_trusts_no_certificate(https_url: str) -> None:
    """Even a TLS connection made through the http:// side by mistake is verified."""
    plain = httpx2.HTTPTransport(verify=tls_on_demand.trusting_nothing())
    with httpx2.Client(transport=plain) as client, pytest.raises(httpx2.ConnectError):
        client.get(https_url)


def test_the_async_client_does_the_same(
    http_url: str, https_url: str, certificate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def go() -> None:
        async with new_async_client(TransportOptions()) as client:
            assert (await client.get(http_url)).text == "hello"
            assert _secure_mount(client)._transport is None
            monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
            assert (await client.get(https_url)).text == "hello"

    asyncio.run(go())


def test_proxies_from_the_environment_keep_the_default_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    assert not tls_on_demand.applies(True)
    with new_client(TransportOptions()) as client:
        assert not isinstance(_secure_mount(client), tls_on_demand.HTTPSOnFirstUse)


def test_verification_off_keeps_the_default_client() -> None:
    assert not tls_on_demand.applies(False)
    with new_client(TransportOptions(verify=False)) as client:
        assert not isinstance(_secure_mount(client), tls_on_demand.HTTPSOnFirstUse)
