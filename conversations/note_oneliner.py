"""A saved note on screen, the one-line /note, and ↩ Undo.

    /note C-0042 Home visit, pantry empty … ─► saved at once, with ↩ Undo for 60 s
                                            (it happened when sent, however late handled)
    [↩ Undo] on a saved note (a button outside any dialog) ─► withdrawn, or "too late"

What a one-liner's leading words mean stays here (it is reading input). The resend and
undo windows are domain/rules/notes.py's; who may withdraw a note, the writes and their
audit are the use cases' (record_one_liner, undo_note in domain/usecases/notes.py).
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from conversations.common import confirm_saved
from domain.results import AlreadySaved, Invalid, Refused, Saved
from domain.rules.notes import TEXT_MAX
from domain.usecases import notes as usecases
from domain.usecases.notes import SavedNote
from storage.kinds import InteractionType
from ui import i18n, privacy, texts, views
from ui.callbacks import pack, read_id, unpack
from ui.context import CaselineContext, happened_at, zone_of
from ui.replies import answer
from ui.safety_views import write_button as safety_write_button
from ui.splitting import html_pages
from ui.timefmt import short_datetime
from ui.typos import read_slip

UNDO_PREFIX = "nu"


def kind_words() -> dict[str, InteractionType]:
    """A one-liner's leading words that name the kind of contact: the reader's language's
    and English (a worker may write either; English is what the examples everywhere show)."""
    with i18n.speaking(i18n.SOURCE_LANGUAGE):
        english = dict(texts.ONE_LINER_KIND_WORDS)
    return english | {word.casefold(): kind for word, kind in texts.ONE_LINER_KIND_WORDS}


# The kind buttons under a saved one-liner: the long names two to a row on a phone.
KIND_ROWS = (
    (InteractionType.HOME_VISIT, InteractionType.PHONE),
    (InteractionType.OFFICE, InteractionType.VIDEO, InteractionType.OTHER),
    (InteractionType.COLLATERAL, InteractionType.SUPERVISION),
)


async def show_saved(
    update: Update,
    context: CaselineContext,
    note: SavedNote,
    *,
    undo: bool,
    already: bool = False,
    read_from: str | None = None,
) -> None:
    """The saved note, split into pages, its buttons under the last: ✏️ Amend, 👤 Client,
    and ↩ Undo while it may still be withdrawn. A one-liner that named no kind asks it
    with one tap; one whose kind was read from a slip (`read_from`) says so and offers
    the others. In strict mode the note by its number, kind, time and length only, with
    🗂 Open to read it (ui/privacy.py)."""
    if privacy.strict():
        await _show_saved_strictly(update, context, note, undo=undo, already=already)
        return
    kind = texts.KIND_NAMES[note.kind]
    saved = texts.note_already_saved if already else texts.note_saved
    header = saved(
        note.id,
        note.client_code,
        note.client_name,
        kind,
        short_datetime(note.occurred_at, zone_of(context)),
    )
    people = texts.note_people_lines(
        note.client_name if note.client_present else None, note.present, note.about
    )
    header += "".join(f"\n{line}" for line in people)
    if note.risk_reason:
        header += f"\n⚠ {texts.RISK}: {escape(note.risk_reason)}"
    if note.told:
        header += f"\n{texts.risk_told(note.told)}"
    if note.no_safety_plan:
        header += f"\n{texts.safety_suggest(note.client_code)}"
    ask_kind = note.kind == InteractionType.NOT_GIVEN
    if ask_kind:
        header += f"\n{texts.NOTE_KIND_ASK}"
    elif read_from is not None:
        header += f"\n{texts.note_kind_read(read_from, kind)}"
    pages = html_pages(header, note.text)
    row = [
        InlineKeyboardButton(texts.AMEND, callback_data=pack("am", "start", note.id)),
        InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", note.client_id)),
    ]
    if undo:
        row.insert(
            0, InlineKeyboardButton(texts.UNDO, callback_data=pack(UNDO_PREFIX, "undo", note.id))
        )
    rows = [row]
    if ask_kind or read_from is not None:
        rows = [*_kind_rows(note.id, note.kind), row]
    if note.no_safety_plan:
        rows.append([safety_write_button(note.client_id)])
    keyboard = InlineKeyboardMarkup(rows)
    query = update.callback_query
    for index, page in enumerate(pages):
        markup = keyboard if index == len(pages) - 1 else None
        if index == 0 and query is not None and query.message is not None:
            await query.edit_message_text(page, reply_markup=markup)
        else:
            await update.effective_message.reply_text(page, reply_markup=markup)


async def _show_saved_strictly(
    update: Update, context: CaselineContext, note: SavedNote, *, undo: bool, already: bool
) -> None:
    kind = texts.KIND_NAMES[note.kind]
    saved = texts.note_already_saved if already else texts.note_saved
    when = short_datetime(note.occurred_at, zone_of(context))
    lines = [
        saved(note.id, note.client_code, "", kind, when),
        texts.characters(len(note.text)) + (f" · ⚠ {texts.RISK}" if note.risk_reason else ""),
    ]
    if note.told:
        lines.append(texts.risk_told(note.told))
    row = [InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", note.client_id))]
    opened = privacy.webapp_button(note.client_id)
    if opened is not None:
        row.insert(0, opened)
    if undo:
        row.insert(
            0, InlineKeyboardButton(texts.UNDO, callback_data=pack(UNDO_PREFIX, "undo", note.id))
        )
    rows = [row]
    if note.kind == InteractionType.NOT_GIVEN:
        lines.append(texts.NOTE_KIND_ASK)
        rows = [*_kind_rows(note.id, note.kind), row]
    keyboard = views.fitted(rows)
    query = update.callback_query
    text = "\n".join(lines)
    if query is not None and query.message is not None:
        await query.edit_message_text(text, reply_markup=keyboard)
    else:
        await update.effective_message.reply_text(text, reply_markup=keyboard)


async def one_liner(
    update: Update, context: CaselineContext, code: str, client_id: int | None, rest: str
) -> int:
    """`/note C-0042 phone: text`: saved at once as having happened when it was sent."""
    actor = context.require_actor()
    kind, text, read_from = split_kind(rest)
    result = await usecases.record_one_liner(
        context.services, actor, client_id, kind, text, occurred_at=happened_at(update, context)
    )
    if isinstance(result, Refused):
        await update.effective_message.reply_text(texts.client_not_found(code))
        return ConversationHandler.END
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(
            texts.NOTE_WHEN_FUTURE if result.reason == "future" else texts.note_too_long(TEXT_MAX)
        )
        return ConversationHandler.END
    note = result.value
    undo = note.undoable(context.services.clock.now())
    already = isinstance(result, AlreadySaved)
    return await confirm_saved(
        update,
        context,
        lambda: show_saved(update, context, note, undo=undo, already=already, read_from=read_from),
    )


def split_kind(text: str) -> tuple[InteractionType, str, str | None]:
    """The kind of contact a one-liner's leading words name, the text after them, and the
    word it was read from when that was a slip ("phne:"); NOT_GIVEN when none is named.
    A slip is read only before a colon, where a kind word stands, and only when it is one
    slip from a single kind: "Fall risk assessed" is not a phone call."""
    lowered = text.lower()
    words_of_kinds = kind_words()
    for words, kind in sorted(words_of_kinds.items(), key=lambda item: -len(item[0])):
        if lowered.startswith(words) and (
            len(lowered) == len(words) or not lowered[len(words)].isalnum()
        ):
            remainder = text[len(words) :].lstrip(" ,:;-—")
            return kind, remainder or text, None
    first, separator, rest = text.partition(":")
    if separator and rest.strip() and " " not in first.strip():
        slipped = read_slip(first.strip(), words_of_kinds)
        if slipped is not None:
            return slipped, rest.strip(), first.strip()
    return InteractionType.NOT_GIVEN, text, None


def _kind_rows(note_id: int, current: InteractionType) -> list[list[InlineKeyboardButton]]:
    return [
        [
            InlineKeyboardButton(
                f"• {texts.KIND_NAMES[kind]}" if kind == current else texts.KIND_NAMES[kind],
                callback_data=pack(UNDO_PREFIX, "kind", f"{note_id}:{kind}"),
            )
            for kind in line
        ]
        for line in KIND_ROWS
    ]


async def saved_note_pressed(update: Update, context: CaselineContext) -> None:
    """The buttons under a saved one-liner: ↩ Undo, or the kind of contact it was."""
    if unpack(update.callback_query.data).action == "kind":
        await kind_pressed(update, context)
    else:
        await undo_pressed(update, context)


async def kind_pressed(update: Update, context: CaselineContext) -> None:
    note_id, _, kind = unpack(update.callback_query.data).arg.partition(":")
    result = await usecases.set_note_kind(
        context.services, context.require_actor(), read_id(note_id), kind
    )
    if isinstance(result, Refused):
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return
    if isinstance(result, Invalid):
        too_late = result.reason == "too_late"
        await answer(update, texts.NOTE_KIND_TOO_LATE if too_late else texts.STALE_BUTTON)
        return
    note = result.value
    await answer(update, texts.note_kind_set(texts.KIND_NAMES[note.kind]))
    await show_saved(update, context, note, undo=note.undoable(context.services.clock.now()))


async def undo_pressed(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    note_id = unpack(update.callback_query.data).int_arg()
    result = await usecases.undo_note(context.services, actor, note_id)
    if isinstance(result, Refused):
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return
    if not isinstance(result, Saved):
        await answer(update, texts.UNDO_TOO_LATE, alert=True)
        return
    await answer(update, texts.NOTE_UNDONE_TOAST)
    await update.callback_query.edit_message_text(texts.note_undone(result.value.client_code))
