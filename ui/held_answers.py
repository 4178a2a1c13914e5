"""One update, one transaction; its answers go out after the commit.

Everything an update changes — its "handled" mark in the inbox (bot/gate.py), what the
use cases it calls write and audit, the dialog state and the draft — commits in one
transaction (`CaselineApplication.process_update` opens it; `Database.transaction()` and
so every use case join it). A crash before the commit leaves the update unhandled in the
inbox, so it is handled again after the restart; a crash after it can lose an answer, never
the record, and nothing is saved twice.

So nothing may reach Telegram before the commit: a handler's sends, edits and button
acknowledgements are held here (`DeferringRequest` answers them at once with a stand-in
result) and `UpdateWork.deliver` sends them, in order, once the transaction is committed.
The stand-in message has id 0; the one place that needs a sent message's real id (the
dialog's live card) asks for it with `remember_sent_id`, which fills it into the stored
draft once the message is out.

What Telegram answers at delivery cannot reach the handler any more, so it is dealt with
here: an unchanged edit is fine; an edit of a message that is gone or too old becomes a
new message; a button press too old to acknowledge gets its text as a message instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.request import RequestData

from domain.usecases.attachments import FetchedFile
from ui.wrapped_request import Call, WrappedRequest, chat_id_of, retry_after

log = logging.getLogger(__name__)

# Bot API methods that send or change something the worker sees: held until the commit.
# A worker's own command menu too: in the language just saved, so not before it is saved.
# Everything else (getUpdates, getMe, getFile, …) goes straight through.
_HELD_PREFIXES = ("send", "edit", "delete", "answer", "copy", "forward", "setMyCommands")
# Held calls whose result is a message (the handler may read it, so it gets a stand-in).
_SENDS_A_MESSAGE = ("send", "forwardMessage")
_STAND_IN_ID = 0
# A 429 longer than this is not waited out for one answer: the chat's lock would hold
# the worker's next message that long.
MAX_RETRY_AFTER = 30.0

Hook = Callable[[int], None]


@dataclass
class _Held:
    method: str
    parameters: dict[str, Any]
    send: Call
    # Not when the call goes through the sending budget, which waited 429s out already.
    retry_429: bool = True
    on_sent: list[Hook] = field(default_factory=list)


class UpdateWork:
    """What one update holds back until its transaction commits."""

    def __init__(self, update: Update) -> None:
        self.update = update
        self.held: list[_Held] = []
        self.after_commit: list[Callable[[], object]] = []
        self.failed = False
        self.ids_remembered = False
        self._acknowledged = False  # the button press was answered once already
        # The file the update's message carries, fetched before its transaction
        # (bot/attachments.py): its bytes, or why not; None when there was none to fetch.
        self.file: FetchedFile | None = None
        # The worker's message stays in the chat even in strict mode (bot/strict.py):
        # what it carried was not kept, so it is the worker's only copy.
        self.keep_in_chat = False

    def hold(self, held: _Held) -> None:
        self.held.append(held)

    def forget_answers(self) -> None:
        """The update failed: what it meant to say would claim what was rolled back."""
        self.held.clear()
        self.after_commit.clear()

    async def deliver(self, bot: Bot) -> None:
        """Send what was held, in order. Never raises: the update is committed, and one
        answer that cannot go out must not keep the next ones back."""
        for held in self.held:
            try:
                code, payload = await _sent_once_more_if_need_be(held)
            except (TelegramError, OSError) as error:
                log.warning("answer %s not sent: %s", held.method, type(error).__name__)
                continue
            if code == 200:
                self._acknowledged |= held.method == "answerCallbackQuery"
                self._sent(held, payload)
                continue
            description = _description(payload)
            try:
                await self._instead(bot, held, code, description)
            except (TelegramError, OSError) as error:
                log.warning("answer %s not sent: %s", held.method, type(error).__name__)

    def _sent(self, held: _Held, payload: bytes) -> None:
        if not held.on_sent:
            return
        result = json.loads(payload).get("result")
        message_id = result.get("message_id") if isinstance(result, dict) else None
        if isinstance(message_id, int):
            for hook in held.on_sent:
                hook(message_id)
            self.ids_remembered = True

    async def _instead(self, bot: Bot, held: _Held, code: int, description: str) -> None:
        """What to do when Telegram refused a held call."""
        lowered = description.lower()
        chat = self.update.effective_chat
        if held.method.startswith("edit") and "not modified" in lowered:
            return  # the same button pressed twice: it already says that
        if held.method == "answerCallbackQuery":
            text = held.parameters.get("text")
            if text and chat is not None and not self._acknowledged:
                # Too old to acknowledge (after an outage): say it in the chat instead.
                # (A press is acknowledged once; a second answer to it is refused alike.)
                await bot.send_message(chat.id, text)
            return
        if held.method == "editMessageText" and code == 400 and chat is not None:
            # The message is gone or too old to edit: the answer goes below instead.
            markup = _as_dict(held.parameters.get("reply_markup"))
            keyboard = InlineKeyboardMarkup.de_json(markup, bot) if markup else None
            await bot.send_message(chat.id, held.parameters["text"], reply_markup=keyboard)
            return
        if held.method.startswith(("edit", "delete")):
            log.debug("%s refused (%s): %s", held.method, code, description)
            return
        log.warning("answer %s refused with %s", held.method, code)


async def _sent_once_more_if_need_be(held: _Held) -> tuple[int, bytes]:
    """Telegram's answer to a held call, tried a second time after a failure of the
    moment (a 5xx, a dropped connection, a 429 waited out where nothing below does): the
    update is committed, so its answer is worth a second try, and the worker does not
    repeat a step that stood."""
    try:
        code, payload = await held.send()
    except (TelegramError, OSError) as error:
        log.info("answer %s failed once (%s): trying again", held.method, type(error).__name__)
        return await held.send()
    if code >= 500 or (code == 429 and held.retry_429):
        log.info("answer %s failed once (%s): trying again", held.method, code)
        wait = retry_after(code, payload)
        if wait is not None:
            await asyncio.sleep(min(wait, MAX_RETRY_AFTER))
        return await held.send()
    return code, payload


def _description(payload: bytes) -> str:
    try:
        answer = json.loads(payload)
    except ValueError:
        return ""
    return str(answer.get("description", "")) if isinstance(answer, dict) else ""


def _as_dict(value: object) -> dict[str, Any] | None:
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else None


# The update being handled by this task (a task started from a handler inherits the
# variable but is not the handler: it sends at once).
_current: ContextVar[tuple[asyncio.Task[Any] | None, UpdateWork] | None] = ContextVar(
    "update_work", default=None
)


def current() -> UpdateWork | None:
    value = _current.get()
    if value is None or value[0] is not asyncio.current_task():
        return None
    return value[1]


@contextmanager
def handling(work: UpdateWork) -> Iterator[UpdateWork]:
    token = _current.set((asyncio.current_task(), work))
    try:
        yield work
    finally:
        _current.reset(token)


def after_commit(action: Callable[[], object]) -> None:
    """Run `action` once this update's transaction has committed (at once outside one)."""
    work = current()
    if work is None:
        action()
    else:
        work.after_commit.append(action)


def incoming_file() -> FetchedFile | None:
    """What the shell fetched of the file this update's message carries (see
    `UpdateWork.file`); None outside an update."""
    work = current()
    return work.file if work is not None else None


def keep_message_in_chat() -> None:
    """The worker's message is not deleted in strict mode: what it carried was not kept."""
    work = current()
    if work is not None:
        work.keep_in_chat = True


def keeps_message_in_chat() -> bool:
    work = current()
    return work is not None and work.keep_in_chat


def remember_sent_id(hook: Hook) -> None:
    """Call `hook` with the real id of the message just sent, once it is out. Nothing to
    do when the send was not held (outside an update): its result has the real id."""
    work = current()
    if work is not None and work.held:
        work.held[-1].on_sent.append(hook)


def _stand_in(method: str, request_data: RequestData | None) -> dict[str, Any]:
    if method.startswith(_SENDS_A_MESSAGE):
        chat = chat_id_of(request_data) or 0
        message = {"message_id": _STAND_IN_ID, "date": int(time.time())}
        return {"ok": True, "result": {**message, "chat": {"id": chat, "type": "private"}}}
    if method == "copyMessage":
        return {"ok": True, "result": {"message_id": _STAND_IN_ID}}
    return {"ok": True, "result": True}


class DeferringRequest(WrappedRequest):
    """The application bot's request: inside an update, calls that the worker would see
    are held for `UpdateWork.deliver`; everything else passes through."""

    async def handle(
        self, name: str, request_data: RequestData | None, call: Call
    ) -> tuple[int, bytes]:
        work = current()
        if work is None or not name.startswith(_HELD_PREFIXES):
            return await call()
        parameters = request_data.parameters if request_data is not None else {}
        work.hold(_Held(name, parameters, call, retry_429=not self.waits_out_429))
        return 200, json.dumps(_stand_in(name, request_data)).encode()
