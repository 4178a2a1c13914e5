"""A supervisor's comment on a note, and their co-sign.

How a supervisor on a phone gets to a note: the client card lists its recent notes with
a button each (💬 Tue 3 Mar 2026 · Home visit), /history a 💬 N-12 button for each note
on the page, and the author's notice a 👁 Open; each opens the note's page below, where
💬 Comment and ✍️ Co-sign are. From the keyboard, `/comment N-12` opens the page and
`/comment N-12 the text` comments at once.

[💬 Comment] ─► TEXT ─(text)─► END: saved, the note's page shown again
/cancel ─► END, nothing saved
[✍️ Co-sign] ─► the page redrawn with "✍️ co-signed by Sam, 3 Mar" (once per person)

Who may, the write, the audit and the author's notice are the use cases'
(domain/usecases/note_comments.py); this dialog asks, reads and shows. Its draft has the
shape of ✏️ Amend's (the note's id and the once-only token), under its own key.
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from conversations.amend import AmendDraft
from conversations.common import confirm_saved, one_question
from domain.results import AlreadySaved, Invalid, Refused, Saved
from domain.usecases import note_comments as usecases
from domain.usecases.note_comments import NotePage
from storage.note_comments import COMMENT_MAX, parse_note_ref
from ui import texts
from ui.callbacks import pattern, unpack
from ui.context import CaselineContext, deliver_soon, zone_of
from ui.note_views import PREFIX, note_page_view
from ui.replies import answer, show
from ui.timefmt import day_label

TEXT = 0
DRAFT = "note_comment"


def _refusal(result: Refused, note_id: int | None) -> str:
    """Plain: a note the actor may not see reads as one that is not there; one they may
    see but not comment on says who may."""
    return texts.COMMENT_ONLY_LEADS if result.subject == "role" else texts.note_not_found(note_id)


async def _show_page(update: Update, context: CaselineContext, page: NotePage, **kw) -> None:
    await show(update, note_page_view(page, zone_of(context)), **kw)


async def open_pressed(update: Update, context: CaselineContext) -> None:
    """cm:v:<note>: the note's page, below the message pressed on (a card, a history
    page, a notice: each stays)."""
    note_id = unpack(update.callback_query.data).int_arg()
    result = await usecases.note_page(context.services, context.require_actor(), note_id)
    if isinstance(result, Refused):
        await answer(update, texts.note_not_found(note_id), alert=True)
        return
    await answer(update)
    await _show_page(update, context, result.value, below=True)


async def cosign_pressed(update: Update, context: CaselineContext) -> None:
    """cm:s:<note>: ✍️ Co-sign, then the page redrawn in place."""
    note_id = unpack(update.callback_query.data).int_arg()
    result = await usecases.cosign_note(context.services, context.require_actor(), note_id)
    if isinstance(result, Refused):
        await answer(update, _refusal(result, note_id), alert=True)
        return
    page = result.value
    if isinstance(result, AlreadySaved):
        mine = next(
            comment
            for comment in page.event.comments
            if comment.cosign and comment.author_id == context.require_actor().id
        )
        toast = texts.already_cosigned(day_label(mine.at.astimezone(zone_of(context)).date()))
    else:
        toast = texts.COSIGNED_TOAST
        deliver_soon(context)  # the note's author is told
    await answer(update, toast)
    await _show_page(update, context, page)


async def start(update: Update, context: CaselineContext) -> int:
    """cm:c:<note>: 💬 Comment asks for the text, if the actor may comment."""
    note_id = unpack(update.callback_query.data).int_arg()
    note = await usecases.note_to_comment(context.services, context.require_actor(), note_id)
    if isinstance(note, Refused):
        await answer(update, _refusal(note, note_id), alert=True)
        return ConversationHandler.END
    await answer(update)
    context.user_data[DRAFT] = AmendDraft(note=note.id).to_json()
    await update.effective_message.reply_text(texts.comment_ask(note.id, note.client_code))
    return TEXT


async def text_given(update: Update, context: CaselineContext) -> int:
    draft = AmendDraft.from_json(context.user_data.get(DRAFT))
    text = update.effective_message.text or ""
    result = await usecases.comment_on_note(
        context.services, context.require_actor(), draft.note, text, token=draft.token
    )
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(_invalid(result, text))
        return TEXT
    if isinstance(result, Refused):
        await update.effective_message.reply_text(html.escape(_refusal(result, draft.note)))
        return ConversationHandler.END
    page = result.value
    if isinstance(result, Saved):
        deliver_soon(context)  # the note's author is told

    async def confirm() -> None:
        await update.effective_message.reply_text(texts.comment_saved(page.id))
        await _show_page(update, context, page)

    return await confirm_saved(update, context, confirm, DRAFT)


def _invalid(result: Invalid, text: str) -> str:
    if result.reason == "too_long":
        return texts.comment_too_long(COMMENT_MAX, len(text.strip()))
    return texts.COMMENT_EMPTY


async def comment_command(update: Update, context: CaselineContext) -> None:
    """`/comment N-12` opens the note's page; `/comment N-12 the text` comments at once."""
    args = context.args or []
    note_id = parse_note_ref(args[0]) if args else None
    reply = update.effective_message.reply_text
    if note_id is None:
        await reply(texts.COMMENT_USAGE)
        return
    actor = context.require_actor()
    # The text as typed, line breaks kept: what follows the note's reference.
    typed = (update.effective_message.text or "").split(None, 2)
    text = typed[2] if len(typed) > 2 else ""
    if not text.strip():
        page = await usecases.note_page(context.services, actor, note_id)
        if isinstance(page, Refused):
            await reply(html.escape(texts.note_not_found(note_id)))
            return
        await _show_page(update, context, page.value)
        return
    result = await usecases.comment_on_note(context.services, actor, note_id, text)
    if isinstance(result, Invalid):
        await reply(_invalid(result, text))
    elif isinstance(result, Refused):
        await reply(html.escape(_refusal(result, note_id)))
    else:
        deliver_soon(context)  # the note's author is told
        await reply(texts.comment_saved(result.value.id))
        await _show_page(update, context, result.value)


def handler(timeout_minutes: int) -> ConversationHandler:
    """The 💬 Comment dialog (one typed answer)."""
    return one_question(PREFIX, "c", start, text_given, TEXT, DRAFT, timeout_minutes)


def button_handlers() -> list[BaseHandler]:
    """The note's page and ✍️ Co-sign (outside the dialog), and /comment."""
    return [
        CallbackQueryHandler(open_pressed, pattern=pattern(PREFIX) + "v:"),
        CallbackQueryHandler(cosign_pressed, pattern=pattern(PREFIX) + "s:"),
        CommandHandler("comment", comment_command),
    ]
