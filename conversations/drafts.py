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
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from ui import texts
from ui.context import CaselineContext, happened_at

KEPT = "kept_drafts"
TOKEN = "token"
REVISION = "revision"

Callback = Callable[[Update, CaselineContext], Awaitable[Any]]


def kept(context: CaselineContext, key: str) -> dict[str, Any] | None:
    return context.user_data.get(KEPT, {}).get(key)


def take(context: CaselineContext, key: str) -> dict[str, Any] | None:
    return context.user_data.get(KEPT, {}).pop(key, None)


class IdleGuard:
    """Wraps a conversation's state callbacks with the idle check."""

    def __init__(self, key: str, timeout_minutes: int, text_key: str | None = None) -> None:
        self.key = key
        self.timeout = timedelta(minutes=timeout_minutes)
        self.text_key = text_key

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

    async def _keep(self, update: Update, context: CaselineContext) -> int:
        draft = context.user_data.pop(self.key, None) or {}
        message = update.effective_message
        worth_keeping = "client" in draft
        if worth_keeping:
            if (
                self.text_key
                and "kind" in draft
                and message is not None
                and message.text
                and update.callback_query is None
            ):
                draft.setdefault(self.text_key, []).append(message.text)
            draft["kept_at"] = context.services.clock.now().isoformat()
            context.user_data.setdefault(KEPT, {})[self.key] = draft
        if update.callback_query is not None:
            await update.callback_query.answer(texts.STALE_BUTTON)
        if message is not None:
            await message.reply_text(
                texts.draft_kept(f"/{texts.COMMAND_OF_DRAFT.get(self.key, self.key)}")
                if worth_keeping
                else texts.conversation_expired(
                    f"/{texts.COMMAND_OF_DRAFT.get(self.key, self.key)}"
                )
            )
        return ConversationHandler.END
