"""``python -m devserver``: run the dev Bot API server until SIGINT/SIGTERM.

Prints exactly one line, ``Bot API server: http://HOST:PORT/bot``, once the socket is bound
(with ``--port 0`` that line carries the real port), so scripts can wait for it and parse it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from .server import BotApiServer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options, shared with `caseline devserver` (bot/cli_devserver.py)."""
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback)")
    parser.add_argument(
        "--port", type=int, default=8081, help="port (default 8081); 0 picks a free one"
    )
    parser.add_argument(
        "--rate-limits", action="store_true", help="enforce Telegram's flood limits (429)"
    )
    parser.add_argument(
        "--bot-username",
        default="caseline_test_bot",
        help="the @username getMe answers for every bot (default caseline_test_bot)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devserver",
        description="Local Telegram Bot API server for Caseline tests, benchmarks and demos.",
    )
    add_arguments(parser)
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    server = BotApiServer(
        host=args.host,
        port=args.port,
        rate_limits=args.rate_limits,
        bot_username=args.bot_username,
    )
    await server.start()
    print(f"Bot API server: {server.base_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM with the parsed options of `add_arguments`."""
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(serve(args))
    except OSError as error:  # e.g. port already in use
        print(f"devserver: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(_parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
