"""✏️ Amend — a correction to a saved note. The original is never touched.

[✏️ Amend] on a saved note ─► TEXT ─(text)─► END: the note shown with its amendments
/cancel ─► END, nothing saved

Who may amend which note, the write and its audit are the use cases' (note_to_amend,
amend_note in domain/usecases/notes.py); this dialog asks, reads and shows. Its draft is
an AmendDraft, stored in user_data["amend"] as the dict the dialog always wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from conversations import drafts
from conversations.common import confirm_saved, one_question
from domain.results import Invalid, Refused
from domain.rules.notes import TEXT_MAX
from domain.usecases import notes as usecases
from domain.usecases.notes import AmendedNote
from ui import texts
from ui.callbacks import unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer
from ui.splitting import html_pages
from ui.timefmt import short_datetime

TEXT = 0
PREFIX = "am"
DRAFT = "amend"


@dataclass
class AmendDraft:
    """The note being amended. Stored as `{"note": id}` plus what the dialog kit keeps
    beside it ("token" for once-only saving, "touched"), the keys drafts always had."""

    note: int | None = None
    token: str | None = None
    rest: dict[str, Any] = field(default_factory=dict)  # "touched", kept as it is

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.rest)
        if self.note is not None:
            data["note"] = self.note
        if self.token is not None:
            data[drafts.TOKEN] = self.token
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> AmendDraft:
        rest = dict(data or {})
        note, token = rest.pop("note", None), rest.pop(drafts.TOKEN, None)
        return cls(
            note=note if isinstance(note, int) and not isinstance(note, bool) else None,
            token=token if isinstance(token, str) and token else None,
            rest=rest,
        )


async def start(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    note_id = unpack(update.callback_query.data).int_arg()
    note = await usecases.note_to_amend(context.services, actor, note_id)
    if isinstance(note, Refused):
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return ConversationHandler.END
    await answer(update)
    context.user_data[DRAFT] = AmendDraft(note=note.id).to_json()
    await update.effective_message.reply_text(texts.amend_ask(note.id, note.client_code))
    return TEXT


async def text_given(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = AmendDraft.from_json(context.user_data.get(DRAFT))
    text = update.effective_message.text or ""
    result = await usecases.amend_note(context.services, actor, draft.note, text, token=draft.token)
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(texts.note_too_long(TEXT_MAX))
        return TEXT
    if isinstance(result, Refused):
        await update.effective_message.reply_text(texts.NOT_ALLOWED)
        return ConversationHandler.END
    pages = _pages(result.value, context)

    async def confirm() -> None:
        for page in pages:
            await update.effective_message.reply_text(page)

    return await confirm_saved(update, context, confirm, DRAFT)


def _pages(note: AmendedNote, context: CaselineContext) -> list[str]:
    """The note as it stands: the original, then each amendment with who and when."""
    zone = zone_of(context)
    header = texts.note_with_amendments_header(
        note.id, note.client_code, short_datetime(note.occurred_at, zone), note.author
    )
    body = note.text
    for amendment in note.amendments:
        body += (
            "\n\n"
            + texts.amendment_line(amendment.author, short_datetime(amendment.created_at, zone))
            + "\n"
            + amendment.text
        )
    return html_pages(header, body)


def handler(timeout_minutes: int) -> ConversationHandler:
    return one_question(PREFIX, "start", start, text_given, TEXT, DRAFT, timeout_minutes)
