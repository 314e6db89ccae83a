"""One Temporal dev server for the tests of this directory (per xdist worker)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests._support.temporal import TEST_KEYS, DevServer, skip_without_temporal


@pytest.fixture(scope="session")
def temporal_server() -> Iterator[DevServer]:
    server = DevServer(skip_without_temporal())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def temporal_keys(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every run and worker of these tests encrypts with the tests' own key."""
    monkeypatch.setenv("ARAZZO_TEMPORAL_KEYS", TEST_KEYS)
    monkeypatch.delenv("ARAZZO_TEMPORAL_KEY_FILE", raising=False)
