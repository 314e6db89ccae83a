"""Shared fixtures: the local sessions stand-in on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests._support.sessions import load_stand_in


@pytest.fixture
def sessions_server() -> Iterator[Any]:
    """A fresh stand-in of the sessions API on a free port of 127.0.0.1."""
    with load_stand_in().start_server() as server:
        yield server
