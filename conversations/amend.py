"""✏️ Amend — a correction to a saved note. The original is never touched.

[✏️ Amend] on a saved note ─► TEXT ─(text)─► END: the note shown with its amendments
/cancel ─► END, nothing saved
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from conversations import drafts
from conversations.common import confirm_saved, conversation, text_expected
from storage import audit, notes, saved_drafts, workers
from ui import texts
from ui.callbacks import pattern, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer
from ui.splitting import html_pages
from ui.timefmt import short_datetime

TEXT = 0
PREFIX = "am"
DRAFT = "amend"


async def start(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    note_id = unpack(update.callback_query.data).int_arg()
    async with context.services.db.session() as session:
        note, client = await notes.get_visible(session, actor, note_id) or (None, None)
        if note is None:
            await audit.refused(
                session,
                "note.amend",
                now=context.services.clock.now(),
                actor_id=actor.id,
                subject_type="note",
                subject_id=note_id,
            )
    if note is None or client is None or note.retracted_at is not None:
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return ConversationHandler.END
    await answer(update)
    context.user_data[DRAFT] = {"note": note.id}
    await update.effective_message.reply_text(texts.amend_ask(note.id, client.code))
    return TEXT


async def text_given(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = context.user_data.get(DRAFT) or {}
    note_id, token = draft.get("note"), draft.get(drafts.TOKEN)
    text = update.effective_message.text or ""
    now = context.services.clock.now()
    if len(text) > notes.TEXT_MAX:
        await update.effective_message.reply_text(texts.note_too_long(notes.TEXT_MAX))
        return TEXT
    async with context.services.db.session() as session:
        note, client = await notes.get_visible(session, actor, note_id) or (None, None)
        if note is not None and client is not None:
            # Saved before a crash lost the confirmation: show the note as it stands.
            if not await saved_drafts.saved_as(session, actor.id, token, "amendment"):
                amendment = await notes.amend(session, note, author_id=actor.id, text=text, now=now)
                await audit.record(
                    session,
                    "note.amend",
                    now=now,
                    actor_id=actor.id,
                    subject_type="note",
                    subject_id=note.id,
                    client_id=client.id,
                )
                saved_drafts.remember(session, actor.id, token, "amendment", amendment.id, now)
            note = await notes.get_note(session, note.id)
            authors = await workers.names(
                session, {a.author_id for a in note.amendments} | {note.author_id}
            )
    if note is None or client is None:
        await update.effective_message.reply_text(texts.NOT_ALLOWED)
        return ConversationHandler.END
    zone = zone_of(context)
    header = texts.note_with_amendments_header(
        note.id,
        client.code,
        short_datetime(note.occurred_at, zone),
        authors.get(note.author_id, "?"),
    )
    body = note.text
    for amendment in note.amendments:
        body += (
            "\n\n"
            + texts.amendment_line(
                authors.get(amendment.author_id, "?"), short_datetime(amendment.created_at, zone)
            )
            + "\n"
            + amendment.text
        )

    async def confirm() -> None:
        for page in html_pages(header, body):
            await update.effective_message.reply_text(page)

    return await confirm_saved(update, context, confirm, DRAFT)


def handler(timeout_minutes: int) -> ConversationHandler:
    return conversation(
        PREFIX,
        entry_points=[CallbackQueryHandler(start, pattern=pattern(PREFIX) + "start:")],
        states={
            TEXT: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, text_given),
                MessageHandler(~filters.COMMAND, text_expected),
            ]
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
