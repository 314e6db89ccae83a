"""Shared fixtures (the local sessions stand-in on a free port) and marker rules.

The helpers themselves live in tests/_support; test modules import them from
there and never from each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests._support.servers import ScriptedServer
from tests._support.sessions import load_stand_in


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Starting an interpreter and importing the package takes about a second,
    # so every subprocess test belongs outside the fast lane too.
    for item in items:
        if item.get_closest_marker("subprocess") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def sessions_server() -> Iterator[Any]:
    """A fresh stand-in of the sessions API on a free port of 127.0.0.1."""
    with load_stand_in().start_server() as server:
        yield server


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A scripted HTTP server on a free port of 127.0.0.1 (a module may define its own)."""
    with ScriptedServer() as scripted:
        yield scripted


@pytest.fixture(autouse=True)
def private_caches(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test its own cache directory: a check passed (and remembered) in one test
    must not stand for a document another test changes the checker for."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
