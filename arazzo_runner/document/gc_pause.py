"""Pausing the cyclic garbage collector while a large document is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is parsed.

    Parsing allocates hundreds of thousands of containers that all stay alive,
    and every collection this triggers walks them all again for nothing (on a
    large YAML description, most of the parsing time: see "Large descriptions"
    in docs/performance.md). Parsed documents hold no reference cycles (a
    recursive YAML alias is refused), so there is nothing for the collector to
    find; reference counting frees everything as usual.
    """
    if not gc.isenabled():
        yield  # turned off by the application (or a parse in another thread)
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
