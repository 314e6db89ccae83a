"""Run every benchmark and print one table of measurements, baselines, ratios and targets.

    .venv/bin/python -m benchmarks            # the full set (a few minutes)
    .venv/bin/python -m benchmarks --quick    # smaller counts, for a quick look
    .venv/bin/python -m benchmarks --only overhead concurrency
    .venv/bin/python -m benchmarks --peers    # also Jentic's and Redocly's runners

Each benchmark measures its own baseline in the same run, so the ratios
compare like with like on whatever machine runs them. These are not tests:
nothing here fails the test suite; the last column says whether a target
was met.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .common import Result


@dataclass(frozen=True)
class Sizes:
    overhead_runs: int
    overhead_rounds: int
    growth_runs: int
    concurrent_runs: int
    concurrency: int
    concurrency_rounds: int
    cold_rounds: int
    large_bytes: int
    message_runs: int
    step_branches: int = 8
    step_runs: int = 20
    peer_runs: int = 100
    stream_lines: tuple[int, int] = (1_000, 10_000)


FULL = Sizes(300, 3, 10_000, 1_000, 1_000, 3, 9, 10 * 1024 * 1024, 300)
QUICK = Sizes(100, 2, 2_000, 200, 50, 2, 3, 2 * 1024 * 1024, 50, 8, 5, 20, (200, 2_000))


def benchmarks(sizes: Sizes) -> dict[str, Callable[[], list[Result]]]:
    from .bench_cold_start import cold_start
    from .bench_concurrency import concurrency
    from .bench_engine import engine_cpu, engine_overhead, no_growth
    from .bench_large import large_descriptions
    from .bench_messages import message_round_trips
    from .bench_peers import peers
    from .bench_step_concurrency import step_concurrency
    from .bench_streaming import streamed_inputs

    return {
        "overhead": lambda: [
            engine_overhead(sizes.overhead_runs, sizes.overhead_rounds),
            engine_cpu(sizes.overhead_runs * 3, sizes.overhead_rounds),
        ],
        "growth": lambda: no_growth(sizes.growth_runs),
        "concurrency": lambda: [
            concurrency(sizes.concurrent_runs, sizes.concurrency, sizes.concurrency_rounds)
        ],
        "streaming": lambda: streamed_inputs(*sizes.stream_lines, 50),
        "cold-start": lambda: cold_start(sizes.cold_rounds),
        "large": lambda: large_descriptions(sizes.large_bytes),
        "messages": lambda: message_round_trips(sizes.message_runs),
        "step-concurrency": lambda: step_concurrency(sizes.step_branches, 0.05, sizes.step_runs),
        "peers": lambda: peers(sizes.cold_rounds, sizes.peer_runs),
    }


# Not part of the default set: it needs other runners installed (benchmarks/bench_peers.py).
OPT_IN = frozenset({"peers"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="smaller counts (about a minute)")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="run only these: " + ", ".join(benchmarks(FULL))
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="also run the IBM workflow through Jentic's arazzo-runner and Redocly's respect "
        "when they are installed (see benchmarks/bench_peers.py)",
    )
    args = parser.parse_args(argv)
    if args.peers and args.only:
        args.only = [*args.only, "peers"]
    sizes = QUICK if args.quick else FULL
    chosen = benchmarks(sizes)
    unknown = set(args.only or ()) - set(chosen)
    if unknown:
        parser.error(f"unknown benchmark: {', '.join(sorted(unknown))}")
    print(machine_description(), flush=True)
    rows: list[Result] = []
    started = time.perf_counter()
    for name, bench in chosen.items():
        if args.only and name not in args.only:
            continue
        if not args.only and name in OPT_IN and not args.peers:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += bench()
    print(table(rows))
    print(f"\n(total {time.perf_counter() - started:.0f} s{', --quick' if args.quick else ''})")
    run_validate_benchmark(args.quick, args.only)
    return 0


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )


def table(rows: list[Result]) -> str:
    header = ("benchmark", "value", "baseline", "ratio", "target", "met")
    lines = [
        (
            row.name,
            f"{row.value:,.2f} {row.unit}" if row.value else "-",
            f"{row.baseline:,.2f} {row.unit}" if row.baseline else "-",
            f"{row.ratio:.2f}x" if row.baseline else "-",
            row.target,
            {True: "yes", False: "NO", None: "-"}[row.met],
        )
        for row in rows
    ]
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=False)
    ]
    rendered = [_line(header, widths), _line(tuple("-" * w for w in widths), widths)]
    rendered += [_line(line, widths) for line in lines]
    notes = sorted({row.note for row in rows if row.note})
    return "\n".join(rendered + [""] + [f"  {note}" for note in notes])


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    return (
        "| "
        + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        + " |"
    )


def run_validate_benchmark(quick: bool, only: list[str] | None) -> None:
    """``benchmarks/bench_validate.py`` is maintained separately; run it when it exists."""
    script = Path(__file__).with_name("bench_validate.py")
    if (only and "validate" not in only) or not script.exists():
        return
    command = [sys.executable, str(script)]
    if quick and "--quick" in script.read_text(encoding="utf-8"):
        command.append("--quick")
    print(f"\n$ {' '.join(command[1:])}", flush=True)
    subprocess.run(command, check=False, cwd=script.parents[1])
