"""`caseline devserver`: the local Telegram Bot API server, and a user played from the shell.

Without a verb it serves (devserver/__main__.py). With one it is a client of a devserver
already running, over its control API on loopback (devserver/control.py), as one user:

    caseline devserver say --user 1 "/start CODE"   the bot's answers, buttons numbered
    caseline devserver press --user 1 "✅ Save"      a button of the latest keyboard (or 2)
                                                   (🗂 Open: prints the Mini App's address)
    caseline devserver show --user 1               the chat's latest messages
    caseline devserver chat --user 1               type to send, !2 or !Save presses

The server and the token are the bot's own settings, CASELINE_BOT_API_URL and
CASELINE_BOT_TOKEN, so one `export` serves the bot and this command. The answers are
awaited on the server's event stream: from the first answer on, `--quiet` seconds with
nothing new end them, and `--wait` bounds the whole wait.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import urlsplit

import httpx

from devserver import __main__ as devserver_main
from devserver.client import DevServerClient, DevServerError
from devserver.models import ChatMessage, Event
from domain.clock import Clock
from domain.rules.webapp_auth import opened_as_telegram_opens
from domain.settings import DEFAULT_BOT_API_URL, ConfigError, load_settings

DEFAULT_SERVER = "http://127.0.0.1:8081"
VERBS = ("say", "press", "show", "chat")
# What the bot does that counts as answering; a "typing…" (chat_action) does not.
ANSWERS = frozenset({"send", "edit", "delete", "answer_callback"})
PRESS_MARK = "!"
EXAMPLES = """\
examples:
  caseline devserver                                   serve on 127.0.0.1:8081
  caseline devserver say --user 1 --name Ann "/start CODE"
  caseline devserver press --user 1 "✅ Save"           or its number: press --user 1 2
  caseline devserver chat --user 1                     type to send; !2 or !Save presses

say, press, show and chat talk to the devserver at CASELINE_BOT_API_URL (when that is not
Telegram's; else http://127.0.0.1:8081, or --url) as the bot CASELINE_BOT_TOKEN, the
token `caseline run` uses there.
"""


class PlayError(Exception):
    """Something the person at the shell can fix; printed as one line."""


@dataclass(frozen=True)
class Timing:
    wait: float = 10.0  # the longest wait for answers
    quiet: float = 1.0  # after an answer, this long with nothing new ends the wait


def add_devserver_command(sub: Any) -> None:
    """`caseline devserver [serve options] [say|press|show|chat …]`."""
    parser = sub.add_parser(
        "devserver",
        help="the local Telegram Bot API server; say, press, show, chat: play a user",
        description="Run the local Telegram Bot API server (tests, benchmarks, the demo,\n"
        "trying the bot without Telegram), or play one of its users from the shell.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    devserver_main.add_arguments(parser)
    verbs = parser.add_subparsers(
        dest="devserver_command",
        metavar="{say,press,show,chat}",
        required=False,
        help="play a user of a devserver already running (none: serve)",
    )
    say = _verb(verbs, "say", "send text as the user; print the bot's answers")
    say.add_argument("text", nargs="+", metavar="TEXT", help="what the user types (words join)")
    press = _verb(verbs, "press", "press a button; print the bot's answers")
    press.add_argument(
        "button",
        metavar="BUTTON",
        help="the button's number as printed, or its label (or a unique part of it)",
    )
    press.add_argument(
        "--message",
        type=int,
        metavar="ID",
        help="the message (#ID as printed) whose button it is; default: the latest one "
        "with buttons",
    )
    show = _verb(verbs, "show", "print the chat's latest messages, both sides")
    show.add_argument(
        "--last", type=int, default=5, metavar="N", help="how many messages (default 5)"
    )
    _verb(
        verbs,
        "chat",
        f"an interactive chat: a line is sent; {PRESS_MARK}2 or {PRESS_MARK}Save presses, "
        f"{PRESS_MARK} alone shows the latest messages, Ctrl-D ends",
    )


def _verb(verbs: Any, name: str, summary: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = verbs.add_parser(name, help=summary, description=summary)
    parser.add_argument(
        "--user", type=int, required=True, metavar="ID", help="the user's Telegram id, e.g. 1"
    )
    if name in ("say", "chat"):
        parser.add_argument(
            "--name",
            default=None,
            help="the user's first name, taken when the devserver first sees them "
            "(default: User ID)",
        )
    parser.add_argument(
        "--url",
        help="the devserver (default: CASELINE_BOT_API_URL's server unless that is "
        f"Telegram, else {DEFAULT_SERVER})",
    )
    if name != "show":
        parser.add_argument(
            "--wait",
            type=float,
            default=Timing.wait,
            metavar="SECONDS",
            help=f"the longest wait for the bot's answers (default {Timing.wait:g})",
        )
        parser.add_argument(
            "--quiet",
            type=float,
            default=Timing.quiet,
            metavar="SECONDS",
            help="after an answer, this long with nothing new ends the wait "
            f"(default {Timing.quiet:g})",
        )
    return parser


def run_command(
    args: argparse.Namespace, stdin: TextIO | None = None, *, clock: Clock | None = None
) -> int:
    """What `caseline devserver …` does with its parsed arguments: the exit status."""
    if args.devserver_command is None:
        return devserver_main.run(args)
    try:
        return asyncio.run(_play(args, stdin or sys.stdin, sys.stdout, clock or Clock()))
    except (PlayError, ConfigError) as exc:
        print(f"caseline devserver: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


async def _play(args: argparse.Namespace, stdin: TextIO, out: TextIO, clock: Clock) -> int:
    if args.user < 1:
        raise PlayError(f"--user must be a Telegram user id, 1 or more, not {args.user}")
    timing = Timing(getattr(args, "wait", Timing.wait), getattr(args, "quiet", Timing.quiet))
    if timing.wait <= 0 or timing.quiet <= 0:
        raise PlayError("--wait and --quiet must be more than 0 seconds")
    url, token = _server_and_token(args.url)
    async with DevServerClient(url, token) as client:
        player = Player(client, url, args.user, timing, out, clock)
        try:
            if args.devserver_command == "say":
                await player.say(" ".join(args.text), args.name)
            elif args.devserver_command == "press":
                await player.press(args.button, args.message)
            elif args.devserver_command == "show":
                await player.show(args.last)
            else:
                await player.chat(_lines(stdin), args.name)
        except httpx.ConnectError:
            raise PlayError(
                f"nothing answers at {url}: start `caseline devserver` (or pass --url)"
            ) from None
        except httpx.HTTPError as exc:  # its text may hold the URL, the token in it
            raise PlayError(f"{url} did not answer ({type(exc).__name__})") from None
        except DevServerError as exc:
            raise PlayError(f"{url} did not answer as a devserver does ({exc})") from None
    return 0


def _server_and_token(url: str | None) -> tuple[str, str]:
    """The devserver's root URL and the bot token, from the bot's own settings."""
    settings = load_settings()
    if url is None:
        api = settings.bot_api_url
        url = DEFAULT_SERVER if api == DEFAULT_BOT_API_URL else api.removesuffix("/bot")
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise PlayError(
            f"the devserver runs on loopback, not at {url}: pass --url http://127.0.0.1:8081"
        )
    if not settings.bot_token:
        raise PlayError(
            "CASELINE_BOT_TOKEN is not set: use the token the bot runs with "
            "(for the devserver any, e.g. 123456:TEST)"
        )
    return url.rstrip("/"), settings.bot_token


async def _lines(stdin: TextIO) -> AsyncIterator[str]:
    """The lines typed, as an async iterator (a prompt when a person types them)."""
    while True:
        if stdin.isatty():
            print("you> ", end="", flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            return
        yield line.rstrip("\r\n")


class Player:
    """One user of the devserver, played over its control API."""

    def __init__(
        self,
        client: DevServerClient,
        url: str,
        user_id: int,
        timing: Timing,
        out: TextIO,
        clock: Clock,
    ) -> None:
        self.client = client
        self.clock = clock
        self.url = url
        self.user_id = user_id
        self.timing = timing
        self.out = out

    async def say(self, text: str, name: str | None = None) -> None:
        if not text.strip():
            raise PlayError("nothing to say: give the text to send")
        after = await self._ready()
        await self.client.user(self.user_id, first_name=name or f"User {self.user_id}")
        await self.client.send_text(self.user_id, text)
        await self._print_answers(after)

    async def press(self, wanted: str, message_id: int | None = None) -> None:
        after = await self._ready()
        message, number, button = pick_button(
            await self.client.chat_log(self.user_id), wanted, message_id, self.user_id
        )
        if "web_app" in button:
            print(self._mini_app(number, button), file=self.out)
            return
        if "callback_data" not in button:
            where = button.get("url") or "not a button the bot answers"
            raise PlayError(f"[{number}] {button.get('text', '')} opens {where}")
        print(f"(pressed [{number}] {button['text']} on #{message.message_id})", file=self.out)
        await self.client.press(self.user_id, message.message_id, button["callback_data"])
        await self._print_answers(after)

    def _mini_app(self, number: int, button: dict[str, Any]) -> str:
        """A web-app button opens a page, not an answer: its address with the init data
        Telegram would sign for this user now, to open in a browser (the shell knows the
        token, as the bot does)."""
        url = opened_as_telegram_opens(
            str(button["web_app"].get("url", "")),
            user_id=self.user_id,
            first_name=f"User {self.user_id}",
            bot_token=self.client.token,
            now=self.clock.now(),
        )
        return (
            f"(pressed [{number}] {button.get('text', '')}: it opens the Mini App; open this "
            f"in a browser within CASELINE_WEBAPP_MAX_AGE_MINUTES)\n{url}"
        )

    async def show(self, last: int) -> None:
        if last < 1:
            raise PlayError(f"--last must be 1 or more, not {last}")
        transcript = await self.client.transcript(self.user_id)
        if not transcript:
            raise PlayError(_nothing_yet(self.user_id))
        for message in transcript[-last:]:
            print(render(message), file=self.out)

    async def chat(self, lines: AsyncIterator[str], name: str | None = None) -> None:
        """A line is sent as it is; `!N` / `!LABEL` presses, `!` shows, `!!…` sends `!…`."""
        async for line in lines:
            try:
                if line.startswith(PRESS_MARK * 2):
                    await self.say(line[1:], name)
                elif line.strip() == PRESS_MARK:
                    await self.show(3)
                elif line.startswith(PRESS_MARK):
                    await self.press(line[1:].strip())
                elif line.strip():
                    await self.say(line, name)
            except PlayError as exc:
                print(f"caseline devserver: {exc}", file=sys.stderr)

    async def _ready(self) -> int:
        """The server's latest event number: what the bot does after it is the answer."""
        return int((await self.client.stats())["last_seq"])

    async def _print_answers(self, after: int) -> None:
        """Print the answers; none, say why. What was sent waits for the bot, as Telegram
        keeps it, so a bot that is still starting answers it all the same."""
        events = await self._answers(after)
        if not any(event.kind in ANSWERS for event in events):
            stats = await self.client.stats()
            if not stats["stats"].get("calls"):
                raise PlayError(
                    f"no bot has called {self.url} with this CASELINE_BOT_TOKEN: start "
                    f"`caseline run` with CASELINE_BOT_API_URL={self.url}/bot and the same token"
                )
            if stats["pending_update_count"]:
                raise PlayError(
                    f"the bot did not fetch it within {self.timing.wait:g} s: is `caseline "
                    f"run` still running with CASELINE_BOT_API_URL={self.url}/bot?"
                )
            print(f"(no answer within {self.timing.wait:g} s)", file=self.out)
            return
        log = {m.message_id: m for m in await self.client.chat_log(self.user_id)}
        for line in answer_lines(events, log):
            print(line, file=self.out)

    async def _answers(self, after: int) -> list[Event]:
        """The events of this chat after `after`, until quiet after the first answer."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timing.wait
        found: list[Event] = []
        while (left := deadline - loop.time()) > 0:
            answered = any(event.kind in ANSWERS for event in found)
            window = min(left, self.timing.quiet) if answered else left
            try:
                new = await self.client.wait_for_events(
                    after, 1, chat_id=self.user_id, timeout=window
                )
            except TimeoutError:
                if answered:
                    break
                continue
            found.extend(new)
            after = new[-1].seq
        return found


def _nothing_yet(user_id: int) -> str:
    return (
        f"user {user_id} has no chat with the bot yet: start with "
        f"`caseline devserver say --user {user_id} /start`"
    )


def pick_button(
    log: list[ChatMessage], wanted: str, message_id: int | None, user_id: int
) -> tuple[ChatMessage, int, dict[str, Any]]:
    """The message, the button's number (from 1) and the button that `wanted` names."""
    live = [m for m in log if not m.deleted]
    if not log:
        raise PlayError(_nothing_yet(user_id))
    if message_id is not None:
        chosen = [m for m in live if m.message_id == message_id]
        if not chosen or not chosen[0].buttons:
            raise PlayError(f"the bot's message #{message_id} has no buttons now")
        message = chosen[0]
    else:
        with_buttons = [m for m in live if m.buttons]
        if not with_buttons:
            raise PlayError(f"no message in user {user_id}'s chat has buttons now")
        message = with_buttons[-1]
    numbered = list(enumerate(message.buttons, start=1))
    text = wanted.strip()
    if text.isdigit():
        matches = [(n, b) for n, b in numbered if n == int(text)]
    else:
        matches = [(n, b) for n, b in numbered if b.get("text") == text] or [
            (n, b) for n, b in numbered if text.casefold() in str(b.get("text", "")).casefold()
        ]
    if len(matches) == 1:
        number, button = matches[0]
        return message, number, button
    listing = ", ".join(f"[{n}] {b.get('text', '')}" for n, b in numbered)
    if not matches:
        raise PlayError(f"no button {text!r} on #{message.message_id}: {listing}")
    raise PlayError(f"{text!r} fits {len(matches)} buttons on #{message.message_id}: {listing}")


def answer_lines(events: Iterable[Event], log: dict[int, ChatMessage]) -> list[str]:
    """What the bot did, in order: each message touched once (as it stands now), toasts."""
    lines: list[str] = []
    shown: set[int] = set()
    for event in events:
        if event.kind == "answer_callback":
            if event.params.get("text"):
                kind = "alert" if event.params.get("show_alert") else "toast"
                lines.append(f"({kind}: {event.params['text']})")
            continue
        if event.kind not in ANSWERS or event.message_id is None:
            continue
        if event.message_id in shown:
            continue
        shown.add(event.message_id)
        message = log.get(event.message_id)
        if message is not None:
            lines.append(render(message, edited=event.kind == "edit"))
    return lines


def render(message: ChatMessage, *, edited: bool = False) -> str:
    """One message as a terminal shows it: a header, its text, its buttons numbered."""
    who = f"#{message.message_id}" if message.from_bot else "you"
    if message.deleted:
        return f"── {who} (deleted)"
    header = f"── {who}" + (" (edited)" if edited or message.edited else "")
    body = [header, *_media(message)]
    words = message.text if message.text is not None else message.caption
    if words:
        body.append(words)
    body.extend(_keyboard_lines(message.reply_markup or {}))
    return "\n".join(body)


def _media(message: ChatMessage) -> list[str]:
    if message.document:
        name = message.document.get("file_name") or "a file"
        return [f"📎 {name} ({message.document.get('file_size', 0):,} bytes)"]
    if message.photo:
        return ["🖼 a photo"]
    if message.voice:
        return [f"🎤 a voice note ({message.voice.get('duration', 0)} s)"]
    if "location" in message.extra:
        spot = message.extra["location"]
        return [f"📍 {spot.get('latitude')}, {spot.get('longitude')}"]
    return []


def _keyboard_lines(markup: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    number = 0
    for row in markup.get("inline_keyboard") or []:
        cells = []
        for button in row:
            number += 1
            link = f" ↗ {button['url']}" if "url" in button else ""
            if "web_app" in button:
                link = " ↗ Mini App"
            cells.append(f"[{number}] {button.get('text', '')}{link}")
        lines.append("  " + "   ".join(cells))
    keyboard = markup.get("keyboard")
    if keyboard:
        labels = [_reply_label(button) for row in keyboard for button in row]
        lines.append("  keyboard (say the words): " + " · ".join(labels))
    return lines


def _reply_label(button: Any) -> str:
    if isinstance(button, str):
        return button
    if button.get("request_location"):
        return f"{button.get('text', '')} (sends a location: not from the shell)"
    return str(button.get("text", ""))
