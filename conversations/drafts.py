"""Drafts that outlive an idle conversation.

PTB's own conversation timeout runs on an in-memory timer that a restart forgets and
that a test clock cannot move. Instead each draft records when it was last touched
(in persisted user_data, by the injected clock); the first update that arrives after
CASELINE_CONVERSATION_TIMEOUT minutes of silence ends the conversation, keeps the
draft aside — with any text that update brought — and the next start offers it back.

Silence is the worker's, not the bot's: it runs from "touched" — when the bot handled
the last step, i.e. when the worker could see its answer — to when the worker sent this
update (ui.context.happened_at: its message's date when handled late). A step sent two
minutes after the last one is two minutes late however long an outage held it back; a
button pressed on the card the bot showed only after the outage is on time.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from ui import texts
from ui.context import CaselineContext, happened_at

KEPT = "kept_drafts"
TOKEN = "token"
REVISION = "revision"
# What a draft holds before the worker has given it anything but its client.
BARE = {"client", "touched", TOKEN, REVISION, "card", "live", "msg"}

Callback = Callable[[Update, CaselineContext], Awaitable[Any]]


def _shelf(context: CaselineContext, key: str) -> list[dict[str, Any]]:
    """The drafts of one kind set aside, oldest first. Stored as a list since several
    may wait (a note set aside for /appt, then another left idle); a single dict is
    how earlier versions stored one, and still reads."""
    shelves = context.user_data.setdefault(KEPT, {})
    shelf = shelves.get(key)
    if isinstance(shelf, dict):
        shelf = shelves[key] = [shelf]
    elif not isinstance(shelf, list):
        shelf = shelves[key] = []
    return shelf


def kept(context: CaselineContext, key: str) -> dict[str, Any] | None:
    """The draft of this kind set aside last: the one its dialog offers back first."""
    shelf = _shelf(context, key)
    return shelf[-1] if shelf else None


def take(context: CaselineContext, key: str) -> dict[str, Any] | None:
    shelf = _shelf(context, key)
    return shelf.pop() if shelf else None


def put(context: CaselineContext, key: str, draft: dict[str, Any]) -> None:
    """Set a draft aside; the ones already waiting stay."""
    _shelf(context, key).append(draft)


def replace_kept(context: CaselineContext, key: str, draft: dict[str, Any]) -> None:
    """Put `draft` in place of the one set aside last (an intake's place moves on)."""
    shelf = _shelf(context, key)
    if shelf:
        shelf[-1] = draft
    else:
        shelf.append(draft)


@dataclass
class ClientIdDraft:
    """The draft of a one-question dialog about one client (the discharge reason, a
    language typed in): `{"id": client id}` — the key the discharge draft always had —
    plus what the dialog kit keeps beside it ("touched", "token", as they are). Idle, it
    is simply ended: there is no draft worth offering back for one line."""

    client_id: int | None = None
    rest: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.rest)
        if self.client_id is not None:
            data["id"] = self.client_id
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ClientIdDraft:
        rest = dict(data or {})
        client_id = rest.pop("id", None)
        valid = isinstance(client_id, int) and not isinstance(client_id, bool)
        return cls(client_id=client_id if valid else None, rest=rest)


class IdleGuard:
    """Wraps a conversation's state callbacks with the idle check."""

    def __init__(
        self,
        key: str,
        timeout_minutes: int,
        text_key: str | None = None,
        written_key: str | None = None,
    ) -> None:
        self.key = key
        self.timeout = timedelta(minutes=timeout_minutes)
        self.text_key = text_key
        # Where the draft keeps the time it describes (a note's "when"): a draft set aside
        # with text and no time of its own gets the time it was last written to, so
        # saving it later does not stamp the later time.
        self.written_key = written_key

    def idle(self, update: Update, context: CaselineContext) -> bool:
        touched = (context.user_data.get(self.key) or {}).get("touched")
        if not touched:
            return False
        return happened_at(update, context) - datetime.fromisoformat(touched) > self.timeout

    def touch(self, context: CaselineContext) -> None:
        draft = context.user_data.get(self.key)
        if isinstance(draft, dict):
            draft["touched"] = context.services.clock.now().isoformat()
            # Persisted with the draft from its first step, so a Save repeated after a
            # crash finds the record this draft already became (storage/saved_drafts).
            draft.setdefault(TOKEN, secrets.token_hex(8))

    def wrap(self, callback: Callback) -> Callback:
        async def guarded(update: Update, context: CaselineContext) -> Any:
            if not self.idle(update, context):
                return await callback(update, context)
            return await self._keep(update, context)

        return guarded

    def set_aside(
        self, context: CaselineContext, late_text: str | None = None, *, bare_too: bool = True
    ) -> bool:
        """Move the open draft to the shelf, where its dialog's next start offers it back.
        Only a draft with a client is worth keeping — and, without `bare_too`, only one
        holding more than its client (a card merely opened is not offered back later);
        `late_text` (typed after the idle timeout) joins a note's text. Returns whether
        anything was kept."""
        draft = context.user_data.pop(self.key, None) or {}
        if "client" not in draft or (not bare_too and set(draft) <= BARE):
            return False
        if self.text_key and late_text and "kind" in draft:
            draft.setdefault(self.text_key, []).append(late_text)
        if (
            self.written_key
            and self.text_key
            and draft.get(self.text_key)
            and not draft.get(self.written_key)
            and draft.get("touched")
        ):
            draft[self.written_key] = draft["touched"]
        draft["kept_at"] = context.services.clock.now().isoformat()
        put(context, self.key, draft)
        return True

    @property
    def command(self) -> str:
        return f"/{texts.COMMAND_OF_DRAFT.get(self.key, self.key)}"

    async def _keep(self, update: Update, context: CaselineContext) -> int:
        message = update.effective_message
        typed = message.text if message is not None and update.callback_query is None else None
        worth_keeping = self.set_aside(context, typed)
        if update.callback_query is not None:
            await update.callback_query.answer(texts.STALE_BUTTON)
        if message is not None:
            await message.reply_text(
                texts.draft_kept(self.command)
                if worth_keeping
                else texts.conversation_expired(self.command)
            )
        return ConversationHandler.END
