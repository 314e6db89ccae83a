"""``arazzo worker``: execute Arazzo runs started with ``arazzo run --temporal``.

The worker polls a Temporal task queue until SIGINT or SIGTERM, then stops
taking work and lets the requests it is sending finish. Start as many as you
like, on as many machines, on one task queue (``docs/temporal.md``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ...errors import EXIT_OK
from ..args import whole_number
from ..durable import add_connection_arguments

if TYPE_CHECKING:
    from ..console import Console

NAME = "worker"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "worker",
        help="execute runs started with 'arazzo run --temporal'",
        description="Execute Arazzo runs on Temporal until SIGINT or SIGTERM.",
        epilog="exit codes: 0 stopped by a signal, 2 could not start",
    )
    add_connection_arguments(parser, required=True)
    parser.add_argument(
        "--max-concurrent",
        metavar="N",
        type=whole_number("--max-concurrent", 1),
        help="how many requests and workflow tasks this worker handles at once (default: 100)",
    )
    parser.add_argument(
        "--documents",
        metavar="DIR",
        help="read documents that runs name by a relative path below DIR (default: the "
        "current directory)",
    )


def execute(args: argparse.Namespace, console: Console) -> int:
    import asyncio
    from pathlib import Path

    from ..durable import import_temporal

    temporal = import_temporal("arazzo worker")
    keys = temporal.keys_from_environment(console.environ)
    if args.documents is not None:
        temporal.use_store(temporal.DocumentStore(Path(args.documents).resolve()))
    namespace = args.namespace or "default"
    queue = args.task_queue or "arazzo"

    def ready() -> None:
        print(
            f"worker: running Arazzo workflows from task queue {queue} on {args.temporal} "
            f"(namespace {namespace}); stop with Ctrl-C",
            file=console.stderr,
            flush=True,
        )

    async def go() -> None:
        client = await temporal.connect(args.temporal, namespace, keys)
        await temporal.run_worker(client, queue, args.max_concurrent or 100, on_ready=ready)

    asyncio.run(go())
    print("worker: stopped", file=console.stderr, flush=True)
    return EXIT_OK
