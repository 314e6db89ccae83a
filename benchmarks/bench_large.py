"""Loading a 10+ MB OpenAPI description to call one operation, with and without the cache."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .big_description import write_documents
from .common import Result


def large_descriptions(target_bytes: int) -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory(prefix="arazzo-bench-") as temporary:
        directory = Path(temporary)
        documents = write_documents(directory, target_bytes)
        saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "ARAZZO_RUNNER_CACHE")}
        os.environ["XDG_CACHE_HOME"] = str(directory / "cache")  # an empty cache of our own
        os.environ.pop("ARAZZO_RUNNER_CACHE", None)
        try:
            for kind, arazzo in documents.items():
                description = directory / f"big.{kind}"
                size = description.stat().st_size / 2**20
                baseline = _time(lambda d=description, k=kind: _plain_parse(d, k))
                first = _time(lambda a=arazzo: _load_and_find(a))
                second = _time(lambda a=arazzo: _load_and_find(a))
                label = f"large {kind.upper()} ({size:.1f} MB)"
                note = f"baseline: plain {'json.loads' if kind == 'json' else 'yaml CSafeLoader'}"
                results.append(
                    Result(f"{label}: first load", first, baseline, "s", "-", None, note)
                )
                results.append(
                    Result(
                        f"{label}: cached load",
                        second,
                        first,
                        "s",
                        "< 1x of first",
                        second < first,
                        "baseline: the first load",
                    )
                )
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return results


def _time(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _plain_parse(path: Path, kind: str) -> None:
    import yaml

    text = path.read_text(encoding="utf-8")
    if kind == "json":
        json.loads(text)
    else:
        yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _load_and_find(arazzo: Path) -> None:
    """What ``arazzo run`` does before its first request: load, check, find the operation."""
    from arazzo_runner.api import load

    loaded = load(str(arazzo))
    step = loaded.workflows[0].steps[0]
    loaded.sources.resolve(step)
