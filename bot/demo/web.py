"""The demo's chat page and its small JSON API (tornado, on the demo's asyncio loop).

- `GET /`: the page (`static/`: plain HTML, CSS and JS; no build step, nothing remote);
- `GET /api/people`: the seeded people, the bot, its command menu and the demo clock;
- `GET /api/chat/<user_id>?after=<cursor>&wait=1`: one person's chat; with `wait=1` a
  long poll that answers once anything changed since `cursor` (or after 25 s);
- `POST /api/send {user, text}`: the person sends text;
- `POST /api/press {user, message_id, data}`: the person presses an inline button;
- `POST /api/location {user, latitude, longitude}`: the person taps the bot's 📍
  request-location button (the page offers the asked-about client's home, or 2 km away);
- `POST /api/upload` (multipart: `user`, `file`, optional `kind`, `caption`, `duration`):
  a photo, a voice note or a document;
- `GET /api/clock`, `POST /api/clock {jump: hour|morning|evening}`: read or move the clock;
- `GET /api/file/<file_id>[?download=1]`: a stored file with its type and name.

Every user action goes through the dev server's fake users, so the bot receives exactly the
updates Telegram would send. Messages travel as Telegram gives them to a client — `text`
plus `entities` — and the page builds DOM nodes from them; nothing is ever HTML on the wire.

Only loopback is served: requests naming another host (DNS rebinding) or coming from a
page of another origin are refused.
"""

from __future__ import annotations

import json
import re
import socket
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlparse
from zoneinfo import ZoneInfo

import tornado.netutil
import tornado.web
from tornado.httpserver import HTTPServer

from bot.demo.seed import HOMES_AROUND
from devserver import ChatMessage, UserActionError
from devserver.chats import Chat
from ui import i18n, texts

if TYPE_CHECKING:
    from bot.demo.runner import DemoRunner

STATIC = Path(__file__).parent / "static"
POLL_SECONDS = 25.0
MAX_UPLOAD = 20 * 1024 * 1024  # what a bot may download from Telegram
MAX_TEXT = 4096
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' blob:; media-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
)
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_FILE_ID = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


class DemoWeb:
    """The page's HTTP server: `bind` the port first (port 0 picks a free one, read `port`
    after), `serve` once the bot is up."""

    def __init__(self, runner: DemoRunner) -> None:
        self.runner = runner
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._server: HTTPServer | None = None

    def bind(self, port: int, host: str) -> None:
        self._sockets = tornado.netutil.bind_sockets(port, address=host)
        self.port = self._sockets[0].getsockname()[1]

    def serve(self) -> None:
        self._server = HTTPServer(make_app(self.runner), max_body_size=MAX_UPLOAD + 1024 * 1024)
        self._server.add_sockets(self._sockets)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()
        else:
            for sock in self._sockets:
                sock.close()
        self._sockets = []


def make_app(runner: DemoRunner) -> tornado.web.Application:
    args = {"runner": runner}
    return tornado.web.Application(
        [
            (r"/", PageHandler, args),
            (r"/static/(.*)", StaticHandler, {"path": str(STATIC)}),
            (r"/api/people", PeopleHandler, args),
            (r"/api/chat/(-?\d{1,19})", ChatHandler, args),
            (r"/api/send", SendHandler, args),
            (r"/api/press", PressHandler, args),
            (r"/api/location", LocationHandler, args),
            (r"/api/upload", UploadHandler, args),
            (r"/api/language", LanguageHandler, args),
            (r"/api/clock", ClockHandler, args),
            (r"/api/webapp", WebAppLinkHandler, args),
            (r"/api/file/([^/]+)", FileHandler, args),
        ],
        default_handler_class=NotFoundHandler,
        default_handler_args=args,
        log_function=lambda handler: None,
    )


# -- what the page is sent -------------------------------------------------------------------


def message_json(message: ChatMessage, zone: ZoneInfo) -> dict[str, Any]:
    """One message as the page draws it (Telegram's text + entities, never HTML)."""
    local = datetime.fromtimestamp(message.date, zone)
    data: dict[str, Any] = {
        "id": message.message_id,
        "from_bot": message.from_bot,
        "date": message.date,
        "time": f"{local:%H:%M}",
        "day": local.date().isoformat(),
        "day_label": f"{local:%A} {local.day} {local:%B}",
        "edited": message.edited,
        "text": message.text,
        "entities": message.entities,
        "caption": message.caption,
        "caption_entities": message.caption_entities,
        "reply_to": message.reply_to_message_id,
    }
    if message.photo:
        largest = message.photo[-1]
        data["photo"] = {"file_id": largest["file_id"]}
    if message.document:
        document = message.document
        data["document"] = {
            "file_id": document["file_id"],
            "file_name": document.get("file_name") or "document",
            "mime_type": document.get("mime_type"),
            "size": document.get("file_size"),
        }
    if message.voice:
        data["voice"] = {
            "file_id": message.voice["file_id"],
            "duration": message.voice.get("duration") or 0,
            "size": message.voice.get("file_size"),
        }
    extra = message.extra or {}
    for key in ("audio", "video"):
        if key in extra:
            data["document"] = {
                "file_id": extra[key]["file_id"],
                "file_name": extra[key].get("file_name") or key,
                "mime_type": extra[key].get("mime_type"),
                "size": extra[key].get("file_size"),
            }
    if "sticker" in extra:
        data["sticker"] = extra["sticker"].get("emoji") or "🖼"
    if "location" in extra:
        data["location"] = extra["location"]
    if "contact" in extra:
        contact = extra["contact"]
        data["contact"] = {
            "first_name": contact.get("first_name", ""),
            "phone_number": contact.get("phone_number", ""),
        }
    markup = message.reply_markup or {}
    if message.from_bot and "inline_keyboard" in markup:
        data["inline_keyboard"] = [
            [
                {
                    "text": button.get("text", ""),
                    "data": button.get("callback_data"),
                    "url": button.get("url"),
                    "web_app": (button.get("web_app") or {}).get("url"),
                }
                for button in row
            ]
            for row in markup["inline_keyboard"]
        ]
    return data


def reply_keyboard(chat: Chat) -> dict[str, Any] | None:
    """The reply keyboard a Telegram client would show now, for the page to draw."""
    current = chat.reply_keyboard()
    if current is None:
        return None
    rows = [
        [button if isinstance(button, str) else str(button.get("text", "")) for button in row]
        for row in current.get("keyboard", [])
    ]
    return {
        "rows": rows,
        "placeholder": current.get("input_field_placeholder"),
        # The label of Telegram's request-location button, if the keyboard has one.
        "location": Chat.location_button(current),
    }


CLIENT_CODE = re.compile(r"\bC-\d{4,}\b")
# About 2 km of latitude: the "somewhere else" a demo check-in can be sent from.
TWO_KM = 0.018


def location_choices(runner: DemoRunner, transcript: list[ChatMessage]) -> list[dict[str, Any]]:
    """What the page's "📍 Share location" offers: the home of the client the bot's
    question names (its seeded home location), or a point 2 km away from it."""
    asked = next(
        (
            message
            for message in reversed(transcript)
            if message.from_bot and "keyboard" in (message.reply_markup or {})
        ),
        None,
    )
    found = CLIENT_CODE.search(asked.text or "") if asked is not None else None
    code = found.group(0) if found else None
    home = runner.homes.get(code) if code else None
    if home is None:
        code, home = next(iter(runner.homes.items()), (None, HOMES_AROUND))
    latitude, longitude = home
    return [
        {
            "label": f"🏠 At {code}'s home" if code else "🏠 At the client's home",
            "latitude": latitude,
            "longitude": longitude,
        },
        {"label": "📍 2 km away", "latitude": round(latitude + TWO_KM, 6), "longitude": longitude},
    ]


def placeholder(transcript: list[ChatMessage]) -> str | None:
    """A force-reply prompt's placeholder, when the bot's latest message asks for one."""
    for message in reversed(transcript):
        if message.from_bot and not message.deleted:
            markup = message.reply_markup or {}
            if markup.get("force_reply") or "keyboard" in markup:
                return markup.get("input_field_placeholder")
            return None
    return None


def sniff_type(data: bytes, declared: str | None) -> str:
    """The real type of an image (the server files every photo as JPEG, charts are PNG)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return declared or "application/octet-stream"


def content_disposition(kind: str, file_name: str) -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` (RFC 6266), safe for any name."""
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", file_name)[:150] or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name[:150])}"


# -- handlers ---------------------------------------------------------------------------------


class _Handler(tornado.web.RequestHandler):
    runner: DemoRunner

    def initialize(self, runner: DemoRunner) -> None:
        self.runner = runner

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Cache-Control", "no-store")

    def prepare(self) -> None:
        """Loopback only, and only from this page: no DNS rebinding, no cross-site posts."""
        if self.request.host_name not in LOOPBACK_NAMES:
            self.send_error_json(403, "this demo only answers on 127.0.0.1")
            return
        origin = self.request.headers.get("Origin")
        if origin and urlparse(origin).netloc != self.request.host:
            self.send_error_json(403, "requests from other pages are refused")

    def write_json(self, payload: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(payload, ensure_ascii=False))

    def send_error_json(self, status: int, message: str) -> None:
        self.write_json({"ok": False, "error": message}, status)

    def json_body(self) -> dict[str, Any]:
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            raise tornado.web.HTTPError(415, reason="send JSON (Content-Type: application/json)")
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400, reason="the body is not JSON") from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, reason="the body must be a JSON object")
        return body

    def person_id(self, raw: Any) -> int:
        try:
            user_id = int(raw)
        except (TypeError, ValueError):
            raise tornado.web.HTTPError(400, reason="user must be a seeded person's id") from None
        if user_id not in self.runner.people:
            raise tornado.web.HTTPError(404, reason=f"no demo person {user_id}")
        return user_id

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        reason = self._reason
        exc_info = kwargs.get("exc_info")
        if exc_info and isinstance(exc_info[1], tornado.web.HTTPError) and exc_info[1].reason:
            reason = exc_info[1].reason
        self.write_json({"ok": False, "error": reason}, status_code)

    def chat(self, user_id: int) -> dict[str, Any]:
        return chat_payload(self.runner, user_id, None)


def cursor_of(runner: DemoRunner, user_id: int) -> str:
    """Changes whenever the page has something new to draw: any bot event (other chats
    too, for their unread badges), a message of this chat, or the clock."""
    state = runner.state
    chat = state.chats.get(user_id)
    count = len(chat.messages) if chat else 0
    return f"{state.last_seq}.{count}.{runner.clock_version}"


def chat_payload(runner: DemoRunner, user_id: int, after_seq: int | None) -> dict[str, Any]:
    state, zone = runner.state, runner.zone
    transcript = [m for m in state.transcript(user_id) if not m.deleted]
    toasts: list[dict[str, Any]] = []
    answered: set[int] = set()
    if after_seq is not None:
        for event in state.events(user_id):
            if event.seq > after_seq and event.kind == "answer_callback":
                if event.message_id is not None:
                    answered.add(event.message_id)
                text = event.params.get("text")
                if text:
                    alert = bool(event.params.get("show_alert"))
                    toasts.append({"text": str(text), "alert": alert})
    keyboard = reply_keyboard(state.chat(user_id))
    return {
        "ok": True,
        "user": user_id,
        "cursor": cursor_of(runner, user_id),
        "messages": [message_json(message, zone) for message in transcript],
        "reply_keyboard": keyboard,
        "location_choices": location_choices(runner, transcript)
        if keyboard and keyboard["location"]
        else [],
        "placeholder": placeholder(transcript),
        "toasts": toasts,
        # Presses the bot acknowledged: the page stops showing those buttons as pending.
        "answered": sorted(answered),
        "clock": runner.clock_info(),
        "counts": {str(uid): len(state.chat_log(uid)) for uid in runner.people},
    }


class PageHandler(_Handler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", PAGE_POLICY)
        self.finish((STATIC / "index.html").read_bytes())


class StaticHandler(tornado.web.StaticFileHandler):
    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-cache")


class PeopleHandler(_Handler):
    async def get(self) -> None:
        runner = self.runner
        languages = await runner.languages()
        self.write_json(
            {
                "ok": True,
                "bot": {
                    "name": runner.state.config.bot_first_name,
                    "username": runner.state.config.bot_username,
                },
                "people": [
                    {
                        "id": person.user_id,
                        "name": person.name,
                        "first_name": person.first_name,
                        "role": str(person.role),
                        # "" is the organisation's language.
                        "language": languages.get(person.user_id) or "",
                    }
                    for person in runner.people.values()
                ],
                "languages": [{"code": "", "name": texts.SETTINGS_ORGANISATION_DEFAULT}]
                + [{"code": code, "name": name} for code, name in i18n.LANGUAGES.items()],
                "commands": commands_for(runner, None),
                "clock": runner.clock_info(),
            }
        )


def commands_for(runner: DemoRunner, chat_id: int | None) -> list[dict[str, str]]:
    """The bot's command menu as Telegram resolves it: this chat's scope, else default."""
    commands = runner.state.commands
    keys = []
    if chat_id is not None:
        keys.append((json.dumps({"chat_id": chat_id, "type": "chat"}, sort_keys=True), ""))
    keys += [(json.dumps({"type": "all_private_chats"}, sort_keys=True), "")]
    keys += [(json.dumps({"type": "default"}, sort_keys=True), "")]
    for key in keys:
        if key in commands:
            return [dict(command) for command in commands[key]]
    return []


class ChatHandler(_Handler):
    _gone = False

    def on_connection_close(self) -> None:
        self._gone = True
        if self.runner.server is not None:
            self.runner.state.notifier.notify()

    async def get(self, raw_user: str) -> None:
        user_id = self.person_id(raw_user)
        runner = self.runner
        after = self.get_argument("after", "")
        after_seq = _seq_of(after)
        if self.get_argument("wait", "0") == "1" and after:
            try:
                await runner.state.notifier.wait_for(
                    lambda: self._gone or runner.closing or cursor_of(runner, user_id) != after,
                    POLL_SECONDS,
                )
            except TimeoutError:
                pass
        if self._gone:
            return
        payload = chat_payload(runner, user_id, after_seq)
        payload["commands"] = commands_for(runner, user_id)
        # Changed in /settings, the page's select follows (as the menu does).
        payload["language"] = (await runner.languages()).get(user_id) or ""
        self.write_json(payload)


def _seq_of(cursor: str) -> int | None:
    head = cursor.split(".", 1)[0]
    return int(head) if head.isdecimal() else None


class SendHandler(_Handler):
    def post(self) -> None:
        body = self.json_body()
        user_id = self.person_id(body.get("user"))
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise tornado.web.HTTPError(400, reason="text must be a non-empty string")
        if len(text) > MAX_TEXT:
            raise tornado.web.HTTPError(
                400, reason=f"Telegram messages stop at {MAX_TEXT} characters"
            )
        self.runner.sync_server_time()
        update = self.runner.state.user(user_id).send_text(text)
        self.write_json({**self.chat(user_id), "update_id": update["update_id"]})


class WebAppLinkHandler(_Handler):
    """A 🗂 Open press: the Mini App's address with init data signed for the person."""

    def post(self) -> None:
        body = self.json_body()
        user_id = self.person_id(body.get("user"))
        url = body.get("url")
        link = self.runner.webapp_link(user_id, url) if isinstance(url, str) else None
        if link is None:
            raise tornado.web.HTTPError(400, reason="url must be this demo's Mini App")
        self.write_json({"ok": True, "url": link})


class PressHandler(_Handler):
    def post(self) -> None:
        body = self.json_body()
        user_id = self.person_id(body.get("user"))
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str):
            raise tornado.web.HTTPError(400, reason="message_id (a number) and data are needed")
        self.runner.sync_server_time()
        try:
            update = self.runner.state.user(user_id).press(message_id, data)
        except UserActionError as exc:
            raise tornado.web.HTTPError(400, reason=str(exc)) from None
        self.write_json({**self.chat(user_id), "update_id": update["update_id"]})


class LocationHandler(_Handler):
    """📍 Share location: the person taps the bot's request-location button and their
    phone sends where it is (here: the point they chose)."""

    def post(self) -> None:
        body = self.json_body()
        user_id = self.person_id(body.get("user"))
        latitude, longitude = body.get("latitude"), body.get("longitude")
        if not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
            raise tornado.web.HTTPError(400, reason="latitude and longitude are numbers")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise tornado.web.HTTPError(400, reason="that is not a place on Earth")
        self.runner.sync_server_time()
        try:
            update = self.runner.state.user(user_id).share_location(
                float(latitude), float(longitude), horizontal_accuracy=12.0
            )
        except UserActionError as exc:
            raise tornado.web.HTTPError(400, reason=str(exc)) from None
        self.write_json({**self.chat(user_id), "update_id": update["update_id"]})


class LanguageHandler(_Handler):
    async def post(self) -> None:
        body = self.json_body()
        user_id = self.person_id(body.get("user"))
        language = body.get("language")
        if language != "" and language not in i18n.LANGUAGES:
            raise tornado.web.HTTPError(
                400, reason=f'language is one of {", ".join(i18n.LANGUAGES)}, or ""'
            )
        await self.runner.set_language(user_id, language or None)
        self.write_json({"ok": True, "user": user_id, "language": language})


class UploadHandler(_Handler):
    def post(self) -> None:
        user_id = self.person_id(self.get_body_argument("user", None))
        uploads = self.request.files.get("file")
        if not uploads:
            raise tornado.web.HTTPError(400, reason="no file in the form (field 'file')")
        upload = uploads[0]
        if not upload.body:
            raise tornado.web.HTTPError(400, reason="the file is empty")
        if len(upload.body) > MAX_UPLOAD:
            raise tornado.web.HTTPError(413, reason="files up to 20 MB, as for a Telegram bot")
        file_name = Path(upload.filename or "file").name[:200] or "file"
        mime = upload.content_type or "application/octet-stream"
        kind = self.get_body_argument("kind", "auto")
        if kind == "auto":
            kind = (
                "photo"
                if mime in INLINE_TYPES
                else "voice"
                if mime.startswith("audio/")
                else ("document")
            )
        caption = (self.get_body_argument("caption", "") or "").strip()[:1024] or None
        user = self.runner.state.user(user_id)
        self.runner.sync_server_time()
        if kind == "photo":
            update = user.send_photo(upload.body, caption=caption)
        elif kind == "voice":
            duration = self.get_body_argument("duration", "1")
            seconds = max(1, int(float(duration))) if _is_number(duration) else 1
            update = user.send_voice(upload.body, duration=seconds)
        elif kind == "document":
            update = user.send_document(upload.body, file_name, mime, caption=caption)
        else:
            raise tornado.web.HTTPError(400, reason="kind is photo, voice, document or auto")
        self.write_json({**self.chat(user_id), "update_id": update["update_id"], "kind": kind})


def _is_number(text: str) -> bool:
    try:
        return 0 <= float(text) < 10**6
    except ValueError:
        return False


class ClockHandler(_Handler):
    def get(self) -> None:
        self.write_json({"ok": True, "clock": self.runner.clock_info()})

    async def post(self) -> None:
        jump = self.json_body().get("jump")
        if jump not in ("hour", "morning", "evening"):
            raise tornado.web.HTTPError(400, reason="jump is hour, morning or evening")
        result = await self.runner.jump(jump)
        self.write_json(
            {
                "ok": True,
                "clock": self.runner.clock_info(),
                "due": {
                    "appointments": result.appointments,
                    "agendas": result.agendas,
                    "digests": result.digests,
                },
                "sent": result.sent,
            }
        )


class FileHandler(_Handler):
    def get(self, file_id: str) -> None:
        stored = self.runner.state.files.get(file_id) if _FILE_ID.match(file_id) else None
        if stored is None:
            raise tornado.web.HTTPError(404, reason="no such file")
        mime = sniff_type(stored.data, stored.mime_type)
        inline = (mime in INLINE_TYPES or mime.startswith("audio/")) and (
            self.get_argument("download", "0") != "1"
        )
        name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
        self.set_header("Content-Type", mime)
        self.set_header(
            "Content-Disposition", content_disposition("inline" if inline else "attachment", name)
        )
        # A downloaded document never runs as a page of this origin.
        self.set_header("Content-Security-Policy", "default-src 'none'; sandbox")
        self.set_header("Cache-Control", "private, max-age=3600")
        self.finish(stored.data)


class NotFoundHandler(_Handler):
    def prepare(self) -> None:
        self.send_error_json(404, "not found")
