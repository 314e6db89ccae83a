"""Time ``arazzo validate`` over every Arazzo document of the shared corpus.

Not a test: run it by hand to see what validation costs::

    .venv/bin/python benchmarks/bench_validate.py [CORPUS_DIR] [--repeat N]

The baseline, measured in the same run, is parsing the same files with
``yaml.safe_load`` (the least any checker must do); the ratio says how much
validation adds on top. Remote source descriptions are not fetched.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arazzo_runner.diagnostics import Diagnostics  # noqa: E402
from arazzo_runner.validation import validate_document  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOP_LEVEL_ARAZZO = re.compile(r'^(arazzo\s*:|\{?\s*"arazzo"\s*:)', re.MULTILINE)


def arazzo_files(corpus: Path) -> list[Path]:
    """Files whose top level has an ``arazzo`` field."""
    found = []
    for path in sorted(corpus.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if not _TOP_LEVEL_ARAZZO.search(text[:4000]):
            continue
        try:
            data = yaml.load(text, Loader=_LOADER)
        except yaml.YAMLError:
            data = {"arazzo": None}  # unreadable: validation still reports it
        if isinstance(data, dict) and "arazzo" in data:
            found.append(path)
    return found


def best_of(repeat: int, action: Callable[[], int]) -> tuple[float, int]:
    """The fastest of ``repeat`` runs (the least disturbed by the machine) and its count."""
    timings = []
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = action()
        timings.append(time.perf_counter() - start)
    return min(timings), count


def parse_all(files: list[Path]) -> int:
    for path in files:
        yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    return 0


def validate_all(files: list[Path]) -> int:
    found = 0
    for path in files:
        diagnostics = Diagnostics()
        validate_document(str(path), diagnostics, offline=True)
        found += len(list(diagnostics))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    files = arazzo_files(args.corpus)
    validate_all(files[:3])  # import and compile the schema before timing
    baseline, _ = best_of(args.repeat, lambda: parse_all(files))
    total, diagnostics = best_of(args.repeat, lambda: validate_all(files))
    rows = [
        ("files", f"{len(files)}"),
        ("diagnostics", f"{diagnostics}"),
        ("validate, total seconds", f"{total:.3f}"),
        ("validate, ms per file", f"{1000 * total / max(len(files), 1):.1f}"),
        ("yaml.safe_load, total seconds", f"{baseline:.3f}"),
        ("ratio validate / parse", f"{total / baseline:.1f}x" if baseline else "n/a"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
