"""Headless Chromium driven over the Chrome DevTools Protocol, for tests of the HTML report.

Nothing is downloaded: the browser is Debian's ``chromium`` package (``.ci/run``
installs it when it can), spoken to over ``--remote-debugging-port`` with the
``websockets`` client. Tests that need it call :func:`chromium_or_skip` and skip
with the reason when it is absent. Network access is switched off for the page
(offline emulation plus a blocked-URL list for everything but ``file:``), so
a report that tried to fetch anything would show it.

Screenshots go to :func:`artifact_dir`: ``$ARAZZO_ARTIFACTS`` if set, else
``tests/artifacts/`` (ignored by git).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .paths import ROOT

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
START_TIMEOUT = 30.0


def chromium_path() -> str | None:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def chromium_or_skip() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it as root)")
    pytest.importorskip(
        "websockets", reason="websockets is not installed (pip install -e '.[test]')"
    )
    return path


def artifact_dir() -> Path:
    """Where screenshots are kept: ``$ARAZZO_ARTIFACTS``, else ``tests/artifacts/``."""
    directory = Path(os.environ.get("ARAZZO_ARTIFACTS") or ROOT / "tests" / "artifacts")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


class Page:
    """One tab, with the few CDP calls the tests need."""

    def __init__(self, socket: Any) -> None:
        self._socket = socket
        self._next_id = 0

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        ask = self._next_id
        self._socket.send(json.dumps({"id": ask, "method": method, "params": params}))
        while True:  # events arrive between the answers; the tests do not need them
            message = json.loads(self._socket.recv(timeout=60))
            if message.get("id") == ask:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values only)."""
        answer = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def open(self, path: Path) -> None:
        self.send("Page.navigate", url=path.resolve().as_uri())
        deadline = time.monotonic() + 30
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:  # pragma: no cover - a hung page
                raise TimeoutError(f"{path} did not finish loading")
            time.sleep(0.05)

    def press(self, key: str, code: str, key_code: int, *, shift: bool = False) -> None:
        """One key pressed and released, as the keyboard would send it."""
        common: dict[str, Any] = {
            "key": key,
            "code": code,
            "windowsVirtualKeyCode": key_code,
            "modifiers": 8 if shift else 0,
        }
        self.send("Input.dispatchKeyEvent", type="rawKeyDown", **common)
        if key == "Enter":
            self.send("Input.dispatchKeyEvent", type="char", text="\r", **common)
        self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    def tab(self) -> None:
        self.press("Tab", "Tab", 9)

    def enter(self) -> None:
        self.press("Enter", "Enter", 13)

    def pdf(self) -> bytes:
        """The page printed, as the browser's print dialog would (A4, backgrounds off)."""
        data = self.send("Page.printToPDF", paperWidth=8.27, paperHeight=11.69)["data"]
        return base64.b64decode(data)

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            width, height = int(size[0]), min(int(size[1]), 16000)
            params["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path


@contextmanager
def chromium_page(width: int = 1280, height: int = 900) -> Iterator[Page]:
    """A fresh headless Chromium with one offline tab; closed afterwards."""
    from websockets.sync.client import connect

    executable = chromium_or_skip()
    profile = Path(tempfile.mkdtemp(prefix="arazzo-chromium-"))
    process = subprocess.Popen(
        [executable, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = _devtools_port(profile, process)
        target = _new_tab(port)
        with connect(target, max_size=64 * 1024 * 1024, open_timeout=30) as socket:
            page = Page(socket)
            page.send("Page.enable")
            page.send("Network.enable")
            page.send(
                "Network.emulateNetworkConditions",
                offline=True,
                latency=0,
                downloadThroughput=-1,
                uploadThroughput=-1,
            )
            page.send(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
            yield page
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck browser
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    """The port Chromium chose, from the file it writes into its profile."""
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Chromium exited at start with status {process.returncode}")
        if marker.is_file():
            first = marker.read_text().split("\n", 1)[0].strip()
            if first.isdigit():
                return int(first)
        time.sleep(0.05)
    pytest.fail(f"Chromium did not open its DevTools port within {START_TIMEOUT:.0f} s")


def _new_tab(port: int) -> str:
    """A new blank tab's WebSocket address (the HTTP endpoint is on 127.0.0.1 only)."""
    from urllib.request import Request, urlopen

    request = Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
    with urlopen(request, timeout=30) as answer:
        address: str = json.loads(answer.read())["webSocketDebuggerUrl"]
    return address
