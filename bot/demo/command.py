"""`caseline demo [--port 8080] [--database FILE] [-v]`: the demo's command line.

Light on purpose: `bot.cli` imports it to add the subcommand, and the bot, the server and
the page are only imported when the demo really starts (`bot.demo.runner`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_PORT = 8080


class DemoError(Exception):
    """Something the person starting the demo can fix; printed as one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port of the chat page on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        metavar="FILE",
        help="keep the demo's SQLite database in this file (made and seeded when new); "
        "by default it lives in a temporary folder deleted on exit",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the bot does")


async def run(port: int = DEFAULT_PORT, database: Path | None = None) -> None:
    """Run the demo until SIGINT or SIGTERM."""
    from bot.demo.runner import DemoRunner

    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    async with DemoRunner(port, database=database) as runner:
        where = runner.database or "a temporary folder (deleted on exit)"
        print(f"Caseline demo: {runner.url}  (Ctrl+C stops it)", flush=True)
        print(f"  bot time zone {runner.zone_name}; database in {where}", flush=True)
        await stopped.wait()
        print("Stopping the demo…", flush=True)


def run_command(args: argparse.Namespace) -> int:
    """What `caseline demo` does with its parsed arguments; returns the exit status."""
    from bot import logging_setup
    from bot.demo.runner import TOKEN

    if not 0 <= args.port <= 65535:
        print(f"caseline demo: --port must be 0 to 65535, not {args.port}", file=sys.stderr)
        return 2
    logging_setup.configure(
        level=logging.INFO if args.verbose else logging.WARNING, secrets=[TOKEN]
    )
    try:
        asyncio.run(run(args.port, args.database))
    except DemoError as exc:
        print(f"caseline demo: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bot.demo`, or `caseline demo` through `run_command`."""
    parser = argparse.ArgumentParser(
        prog="caseline demo",
        description="Chat with the real Caseline bot in your browser: a seeded team, the "
        "local Telegram Bot API server, and a clock you can move forward.",
    )
    add_arguments(parser)
    return run_command(parser.parse_args(argv))
