"""The JSON control API: the in-process test API, reachable over HTTP from another process.

Benchmarks and the demo run the dev server as ``python -m devserver`` and play the users
through these routes (usually via :class:`~devserver.client.DevServerClient`). Every route
maps onto one :class:`BotState`/:class:`FakeUser` call, so both worlds behave identically.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import UserActionError
from .faults import Fault
from .state import BotState
from .users import DEFAULT_PHOTO, DEFAULT_VOICE, FakeUser

if TYPE_CHECKING:
    from .server import BotApiServer

JsonDict = dict[str, Any]


@dataclass
class ControlRequest:
    server: BotApiServer
    state: BotState
    match: re.Match[str]
    query: dict[str, str]
    body: JsonDict

    def user(self, **names: Any) -> FakeUser:
        """The path's user, registered with default names on first use."""
        return self.state.user(int(self.match["user_id"]), **names)

    def query_int(self, name: str, default: int | None = None) -> int | None:
        value = self.query.get(name)
        return default if value in (None, "") else int(value)


Route = Callable[[ControlRequest], Awaitable[Any]]
_USER_FIELDS = ("first_name", "last_name", "username", "language_code")
_ROUTES: list[tuple[str, re.Pattern[str], Route]] = []


def route(method: str, pattern: str) -> Callable[[Route], Route]:
    def register(handler: Route) -> Route:
        _ROUTES.append((method, re.compile(pattern + r"/?$"), handler))
        return handler

    return register


async def dispatch(
    server: BotApiServer,
    state: BotState,
    http_method: str,
    path: str,
    query: dict[str, str],
    body: JsonDict,
) -> tuple[int, Any]:
    """Run the route for ``path``; returns (HTTP status, JSON payload)."""
    for method, pattern, handler in _ROUTES:
        match = pattern.match(path)
        if match is None or method != http_method:
            continue
        try:
            return 200, await handler(ControlRequest(server, state, match, query, body))
        except TimeoutError as error:
            return 408, {"ok": False, "error": str(error)}
        except KeyError as error:
            return 400, {"ok": False, "error": f"missing field {error}"}
        except (UserActionError, ValueError, TypeError) as error:
            return 400, {"ok": False, "error": str(error)}
    return 404, {"ok": False, "error": f"no control route {http_method} {path}"}


def _float_or_none(value: Any) -> float | None:
    return float(value) if value is not None else None


def _b64(body: JsonDict, default: bytes) -> bytes:
    data = body.get("data")
    return base64.b64decode(data) if data else default


# -- users -----------------------------------------------------------------------------------


@route("POST", r"users/(?P<user_id>-?\d+)")
async def register_user(req: ControlRequest) -> JsonDict:
    return req.user(**{k: req.body[k] for k in _USER_FIELDS if k in req.body}).to_api()


_USER_ACTIONS: dict[str, Callable[[FakeUser, JsonDict], Any]] = {
    "text": lambda u, b: u.send_text(b["text"], b.get("entities")),
    "message": lambda u, b: u.send_message(**b),
    "edit": lambda u, b: u.edit_text(int(b["message_id"]), b["text"]),
    "press": lambda u, b: u.press(int(b["message_id"]), str(b["data"])),
    "sticker": lambda u, b: u.send_sticker(b.get("emoji", "👍")),
    "photo": lambda u, b: u.send_photo(_b64(b, DEFAULT_PHOTO), b.get("caption")),
    "voice": lambda u, b: u.send_voice(_b64(b, DEFAULT_VOICE), int(b.get("duration", 3))),
    "document": lambda u, b: u.send_document(
        _b64(b, b""),
        b.get("file_name", "document.bin"),
        b.get("mime_type", "application/octet-stream"),
        b.get("caption"),
    ),
    "location": lambda u, b: u.send_location(
        float(b["latitude"]),
        float(b["longitude"]),
        horizontal_accuracy=_float_or_none(b.get("horizontal_accuracy")),
        live_period=int(b["live_period"]) if b.get("live_period") is not None else None,
    ),
    "share_location": lambda u, b: u.share_location(
        float(b["latitude"]),
        float(b["longitude"]),
        horizontal_accuracy=_float_or_none(b.get("horizontal_accuracy")),
    ),
    "venue": lambda u, b: u.send_venue(
        float(b["latitude"]), float(b["longitude"]), str(b["title"]), str(b["address"])
    ),
    "forward_location": lambda u, b: u.forward_location(
        float(b["latitude"]), float(b["longitude"]), str(b.get("from_name", "Someone"))
    ),
    "move_location": lambda u, b: u.move_live_location(
        int(b["message_id"]), float(b["latitude"]), float(b["longitude"])
    ),
    "contact": lambda u, b: u.send_contact(b["phone_number"], b["first_name"]),
}


@route("POST", r"users/(?P<user_id>-?\d+)/(?P<action>[a-z_]+)")
async def user_action(req: ControlRequest) -> Any:
    action = req.match["action"]
    user = req.user()
    if action == "block":
        user.block()
        return {"blocked": True}
    if action == "unblock":
        user.unblock()
        return {"blocked": False}
    handler = _USER_ACTIONS.get(action)
    if handler is None:
        raise ValueError(f"unknown user action {action!r}")
    return handler(user, req.body)


# -- reading ---------------------------------------------------------------------------------


@route("GET", r"chats/(?P<chat_id>-?\d+)/messages")
async def chat_messages(req: ControlRequest) -> JsonDict:
    chat_id = int(req.match["chat_id"])
    everything = req.query.get("all") in ("1", "true")
    messages = req.state.transcript(chat_id) if everything else req.state.chat_log(chat_id)
    return {"messages": [m.to_dict() for m in messages]}


@route("GET", r"events")
async def events(req: ControlRequest) -> JsonDict:
    after = req.query_int("after", 0) or 0
    chat_id = req.query_int("chat_id")
    kinds = [k for k in req.query.get("kinds", "").split(",") if k] or None
    wait = req.query_int("wait", 0) or 0
    if wait > 0:
        timeout = float(req.query.get("timeout", "10"))
        found = await req.state.wait_for_events(after, wait, chat_id, kinds, timeout)
    else:
        found = [
            e
            for e in req.state.events(chat_id)
            if e.seq > after and (kinds is None or e.kind in kinds)
        ]
    return {"events": [e.to_dict() for e in found], "last_seq": req.state.last_seq}


@route("GET", r"calls")
async def calls(req: ControlRequest) -> JsonDict:
    after = req.query_int("after", 0) or 0
    return {"calls": [c.to_dict() for c in req.state.calls[after:]], "last": len(req.state.calls)}


@route("GET", r"stats")
async def stats(req: ControlRequest) -> JsonDict:
    state = req.state
    return {
        "stats": dict(state.stats),
        "pending_update_count": state.pending_update_count,
        "last_seq": state.last_seq,
        "webhook": state.webhook.info(),
        "rate_limits": vars(state.config.rate_limits),
        "time_offset": state.config.time_offset,
    }


@route("GET", r"files/(?P<file_id>[^/]+)")
async def file_content(req: ControlRequest) -> JsonDict:
    stored = req.state.files.get(req.match["file_id"])
    if stored is None:
        raise ValueError(f"unknown file_id {req.match['file_id']!r}")
    return {
        "file_id": stored.file_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "data": base64.b64encode(stored.data).decode(),
    }


@route("GET", r"delivered")
async def delivered(req: ControlRequest) -> JsonDict:
    await req.state.wait_until_delivered(float(req.query.get("timeout", "10")))
    return {"pending_update_count": req.state.pending_update_count}


# -- steering --------------------------------------------------------------------------------


@route("POST", r"faults")
async def inject_fault(req: ControlRequest) -> JsonDict:
    allowed = {
        "method",
        "count",
        "status",
        "retry_after",
        "description",
        "delay",
        "drop_connection",
    }
    unknown = set(req.body) - allowed
    if unknown:
        raise ValueError(f"unknown fault fields {sorted(unknown)}")
    fault: Fault = req.state.inject_fault(**req.body)
    return {"armed": len(req.state.faults.armed), "method": fault.method}


@route("POST", r"faults/clear")
async def clear_faults(req: ControlRequest) -> JsonDict:
    req.state.faults.clear()
    return {"armed": 0}


@route("POST", r"duplicate_next_update")
async def duplicate_next_update(req: ControlRequest) -> JsonDict:
    req.state.duplicate_next_update()
    return {"ok": True}


@route("POST", r"rate_limits")
async def rate_limits(req: ControlRequest) -> JsonDict:
    body = req.body
    req.server.set_rate_limits(
        bool(body.get("enabled", True)),
        int(body.get("overall_per_second", 30)),
        int(body.get("per_chat_per_second", 1)),
    )
    return vars(req.server.config.rate_limits)


@route("POST", r"clock")
async def clock(req: ControlRequest) -> JsonDict:
    req.server.set_time_offset(float(req.body["offset"]))
    return {"offset": req.server.config.time_offset, "now": req.server.clock()}
