"""Async client for the control API, for code that runs the dev server in another process.

Method names follow the in-process API (:class:`BotState` / :class:`FakeUser`); user actions
take the user id first because there is no user object on this side of the wire. Reads return
the same :class:`ChatMessage` / :class:`Event` / :class:`CallRecord` records as in-process.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

import httpx

from .models import CallRecord, ChatMessage, Event
from .users import DEFAULT_PHOTO, DEFAULT_VOICE

JsonDict = dict[str, Any]


class DevServerError(RuntimeError):
    """A control call was rejected (bad input, unknown route, impossible user action)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


class DevServerClient:
    """Drive a running dev server: ``DevServerClient("http://127.0.0.1:8081", token)``."""

    def __init__(self, base_url_root: str, token: str, *, timeout: float = 15.0) -> None:
        self.root = base_url_root.rstrip("/")
        self.token = token
        self._timeout = timeout
        self._http = httpx.AsyncClient(base_url=f"{self.root}/control/bot{token}/", timeout=timeout)

    async def __aenter__(self) -> DevServerClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(
        self,
        method: str,
        path: str,
        body: JsonDict | None = None,
        params: JsonDict | None = None,
        wait: float = 0.0,
    ) -> Any:
        response = await self._http.request(
            method,
            path,
            json=body,
            params={k: v for k, v in (params or {}).items() if v is not None},
            timeout=self._timeout + wait,
        )
        try:
            data = response.json()
        except ValueError:
            raise DevServerError(response.status_code, response.text[:200]) from None
        if response.status_code == 408:
            raise TimeoutError(data.get("error", "timed out"))
        if response.status_code >= 400:
            raise DevServerError(response.status_code, data.get("error") or str(data))
        return data

    # -- users -----------------------------------------------------------------------------

    async def user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JsonDict:
        """Register a user (idempotent); returns its Bot API ``User`` object."""
        names = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        body = {k: v for k, v in names.items() if v is not None}
        return await self._call("POST", f"users/{user_id}", body)

    async def _act(self, user_id: int, action: str, body: JsonDict | None = None) -> JsonDict:
        return await self._call("POST", f"users/{user_id}/{action}", body or {})

    async def send_text(
        self, user_id: int, text: str, entities: list[JsonDict] | None = None
    ) -> JsonDict:
        body: JsonDict = {"text": text}
        if entities is not None:
            body["entities"] = entities
        return await self._act(user_id, "text", body)

    async def send_message(self, user_id: int, **fields: Any) -> JsonDict:
        return await self._act(user_id, "message", fields)

    async def edit_text(self, user_id: int, message_id: int, new_text: str) -> JsonDict:
        return await self._act(user_id, "edit", {"message_id": message_id, "text": new_text})

    async def press(self, user_id: int, message_id: int, data: str) -> JsonDict:
        return await self._act(user_id, "press", {"message_id": message_id, "data": data})

    async def send_sticker(self, user_id: int, emoji: str = "👍") -> JsonDict:
        return await self._act(user_id, "sticker", {"emoji": emoji})

    async def send_photo(
        self, user_id: int, data: bytes = DEFAULT_PHOTO, caption: str | None = None
    ) -> JsonDict:
        return await self._act(user_id, "photo", {"data": _b64(data), "caption": caption})

    async def send_voice(
        self, user_id: int, data: bytes = DEFAULT_VOICE, duration: int = 3
    ) -> JsonDict:
        return await self._act(user_id, "voice", {"data": _b64(data), "duration": duration})

    async def send_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str = "document.bin",
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
    ) -> JsonDict:
        body = {"data": _b64(data), "file_name": file_name, "mime_type": mime_type}
        return await self._act(user_id, "document", {**body, "caption": caption})

    async def send_location(
        self,
        user_id: int,
        lat: float,
        lon: float,
        *,
        horizontal_accuracy: float | None = None,
        live_period: int | None = None,
    ) -> JsonDict:
        body: JsonDict = {"latitude": lat, "longitude": lon}
        if horizontal_accuracy is not None:
            body["horizontal_accuracy"] = horizontal_accuracy
        if live_period is not None:
            body["live_period"] = live_period
        return await self._act(user_id, "location", body)

    async def share_location(
        self, user_id: int, lat: float, lon: float, *, horizontal_accuracy: float | None = None
    ) -> JsonDict:
        body: JsonDict = {"latitude": lat, "longitude": lon}
        if horizontal_accuracy is not None:
            body["horizontal_accuracy"] = horizontal_accuracy
        return await self._act(user_id, "share_location", body)

    async def send_venue(
        self, user_id: int, lat: float, lon: float, title: str, address: str
    ) -> JsonDict:
        body = {"latitude": lat, "longitude": lon, "title": title, "address": address}
        return await self._act(user_id, "venue", body)

    async def forward_location(
        self, user_id: int, lat: float, lon: float, from_name: str = "Someone"
    ) -> JsonDict:
        body = {"latitude": lat, "longitude": lon, "from_name": from_name}
        return await self._act(user_id, "forward_location", body)

    async def move_live_location(
        self, user_id: int, message_id: int, lat: float, lon: float
    ) -> JsonDict:
        body = {"message_id": message_id, "latitude": lat, "longitude": lon}
        return await self._act(user_id, "move_location", body)

    async def send_contact(self, user_id: int, phone: str, first_name: str) -> JsonDict:
        body = {"phone_number": phone, "first_name": first_name}
        return await self._act(user_id, "contact", body)

    async def block(self, user_id: int) -> None:
        await self._act(user_id, "block")

    async def unblock(self, user_id: int) -> None:
        await self._act(user_id, "unblock")

    # -- reading ---------------------------------------------------------------------------

    async def chat_log(self, chat_id: int) -> list[ChatMessage]:
        data = await self._call("GET", f"chats/{chat_id}/messages")
        return [ChatMessage.from_dict(m) for m in data["messages"]]

    async def transcript(self, chat_id: int) -> list[ChatMessage]:
        data = await self._call("GET", f"chats/{chat_id}/messages", params={"all": "1"})
        return [ChatMessage.from_dict(m) for m in data["messages"]]

    async def events(
        self, after: int = 0, chat_id: int | None = None, kinds: Iterable[str] | None = None
    ) -> list[Event]:
        params = {"after": after, "chat_id": chat_id, "kinds": _kinds(kinds)}
        data = await self._call("GET", "events", params=params)
        return [Event.from_dict(e) for e in data["events"]]

    async def wait_for_events(
        self,
        after_seq: int = 0,
        count: int = 1,
        chat_id: int | None = None,
        kinds: str | Iterable[str] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 (mirrors BotState.wait_for_events)
    ) -> list[Event]:
        """Server-side long poll; raises :class:`TimeoutError` like the in-process version."""
        params = {
            "after": after_seq,
            "wait": count,
            "chat_id": chat_id,
            "kinds": _kinds(kinds),
            "timeout": timeout,
        }
        data = await self._call("GET", "events", params=params, wait=timeout)
        return [Event.from_dict(e) for e in data["events"]]

    async def last_seq(self) -> int:
        return (await self.stats())["last_seq"]

    async def stats(self) -> JsonDict:
        """``{"stats": {...counters...}, "pending_update_count", "last_seq", "webhook", ...}``."""
        return await self._call("GET", "stats")

    async def calls(self, after: int = 0) -> list[CallRecord]:
        data = await self._call("GET", "calls", params={"after": after})
        return [CallRecord.from_dict(c) for c in data["calls"]]

    async def download_file(self, file_id: str) -> bytes:
        data = await self._call("GET", f"files/{file_id}")
        return base64.b64decode(data["data"])

    async def wait_until_delivered(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        await self._call("GET", "delivered", params={"timeout": timeout}, wait=timeout)

    # -- steering --------------------------------------------------------------------------

    async def inject_fault(
        self,
        method: str = "sendMessage",
        count: int = 1,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        delay: float = 0.0,
        drop_connection: bool = False,
    ) -> None:
        body = {
            "method": method,
            "count": count,
            "status": status,
            "retry_after": retry_after,
            "description": description,
            "delay": delay,
            "drop_connection": drop_connection,
        }
        await self._call("POST", "faults", body)

    async def clear_faults(self) -> None:
        await self._call("POST", "faults/clear", {})

    async def duplicate_next_update(self) -> None:
        await self._call("POST", "duplicate_next_update", {})

    async def set_rate_limits(
        self, enabled: bool, overall_per_second: int = 30, per_chat_per_second: int = 1
    ) -> None:
        body = {
            "enabled": enabled,
            "overall_per_second": overall_per_second,
            "per_chat_per_second": per_chat_per_second,
        }
        await self._call("POST", "rate_limits", body)

    async def set_time_offset(self, seconds: float) -> None:
        await self._call("POST", "clock", {"offset": seconds})


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _kinds(kinds: str | Iterable[str] | None) -> str | None:
    if kinds is None:
        return None
    return kinds if isinstance(kinds, str) else ",".join(kinds)
