"""The /note card's people: who was there, and with whom a collateral contact was.

    COMPOSE ─ 👥 Who was there ─► WHO: the client and each current person on the card,
        ✓ when ticked; a tap (nt:att:c, nt:att:<person>) ticks or unticks and edits the
        question in place ─ ✅ Done (nt:attok) ─► COMPOSE
    KIND ─(Collateral)─► WITH, or COMPOSE ─ 🗣 With whom ─► WITH: one of the client's
        people (nt:wp:<person>) or someone not on the card (nt:wn) ─► COMPOSE
    Text or a file sent instead of a tap is the note's, and the card comes back.

The client is ticked by default for the kinds that count as seeing them
(domain/rules/notes.client_there_by_default); nothing is recorded until the worker
answers. Every question and every tap reads the client's people again through
`people_for_note`, which checks that the client is still the worker's (Gone: the dialog
ends, nothing shown) and that a pressed person is one of theirs and current (a forged or
stale id: refused, audited, nothing of it shown).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from conversations.note_card import (
    COMPOSE,
    WHO,
    WITH,
    button,
    client_gone,
    draft_of,
    keep,
    show_card,
)
from conversations.note_draft import NoteDraft
from domain.results import Gone, Refused
from domain.rules.notes import with_someone
from domain.usecases import client_people
from domain.usecases.client_people import PeopleForNote
from domain.usecases.notes import NotePerson
from ui import privacy, texts, views
from ui.callbacks import unpack
from ui.context import CaselineContext
from ui.replies import answer, remove_keyboard

PRESENT = "note.present"  # the audited look's `via`: who was there
WITH_WHOM = "note.with"  # … with whom a collateral contact was


async def _people(
    update: Update,
    context: CaselineContext,
    draft: NoteDraft,
    via: str,
    state: int,
    person_id: int | None = None,
) -> PeopleForNote | int:
    """The client's current people (`person_id`: the one pressed, checked); else the
    dialog's next state: the client gone (END), or `state` after a button that names
    nobody of theirs."""
    assert draft.client is not None
    found = await client_people.people_for_note(
        context.services, context.require_actor(), draft.client.id, person_id, via=via
    )
    if isinstance(found, Gone):
        return await client_gone(update, context)
    if isinstance(found, Refused):
        await answer(update, texts.STALE_BUTTON, alert=True)
        return state
    return found


async def ask_who(update: Update, context: CaselineContext, draft: NoteDraft) -> int:
    """👥 Who was there: the client and each current person, ✓ when ticked (the press
    that asks is answered by its caller)."""
    found = await _people(update, context, draft, PRESENT, COMPOSE)
    if isinstance(found, int):
        return found
    return await _show_who(update, context, draft, found)


async def _show_who(
    update: Update, context: CaselineContext, draft: NoteDraft, found: PeopleForNote
) -> int:
    assert draft.client is not None
    # Someone whose relation ended since they were ticked is no longer named.
    current = {person.id for person in found.current}
    draft.present = [person for person in draft.present if person.id in current]
    keep(context, draft)
    ticked = {person.id for person in draft.present}
    rows = [
        [
            button(
                texts.who_client_button(privacy.client_name(draft.client), draft.client_there),
                "att",
                "c",
            )
        ]
    ]
    rows += [
        [
            button(
                views.button_label(
                    texts.who_person_button(person.name, person.relation, person.id in ticked)
                ),
                "att",
                person.id,
            )
        ]
        for person in found.current
    ]
    rows.append([button(texts.DONE, "attok")])
    keyboard = InlineKeyboardMarkup(rows)
    query = update.callback_query
    if query is not None and query.message is not None and unpack(query.data).action == "att":
        await query.edit_message_text(texts.NOTE_ASK_WHO, reply_markup=keyboard)
    else:
        await update.effective_message.reply_text(texts.NOTE_ASK_WHO, reply_markup=keyboard)
    return WHO


async def who_toggled(update: Update, context: CaselineContext) -> int:
    """nt:att:c (the client) or nt:att:<person>: ticked or unticked, one tap each."""
    pressed = unpack(update.callback_query.data)
    person_id = None if pressed.arg == "c" else pressed.int_arg()
    draft = draft_of(context)
    if draft.client is None or draft.kind is None or (pressed.arg != "c" and person_id is None):
        await answer(update, texts.STALE_BUTTON)
        return WHO
    found = await _people(update, context, draft, PRESENT, WHO, person_id)
    if isinstance(found, int):
        return found
    draft.toggle_present(NotePerson.of(found.chosen) if found.chosen is not None else None)
    await answer(update)
    return await _show_who(update, context, draft, found)


async def who_done(update: Update, context: CaselineContext) -> int:
    """✅ Done: who was there is said now (the client's default too), and the card shows it."""
    draft = draft_of(context)
    if draft.client is None or draft.kind is None:
        await answer(update, texts.STALE_BUTTON)
        return WHO
    await answer(update)
    draft.client_present = draft.client_there
    await remove_keyboard(update)
    return await show_card(update, context, draft)


async def ask_with(update: Update, context: CaselineContext, draft: NoteDraft) -> int:
    """A collateral contact: with whom? One of the client's current people, or someone
    not on the card. With nobody listed there is nothing to ask: the card (or, from its
    🗣 With whom, one line saying so). The press that asks is answered by its caller."""
    found = await _people(update, context, draft, WITH_WHOM, COMPOSE)
    if isinstance(found, int):
        return found
    if not found.current:
        query = update.callback_query
        if query is not None and unpack(query.data).action == "whom":
            await update.effective_message.reply_text(texts.NOTE_NOBODY_LISTED)
            return COMPOSE
        return await show_card(update, context, draft)
    rows = [
        [button(views.button_label(texts.person_button(p.name, p.relation)), "wp", p.id)]
        for p in found.current
    ]
    rows.append([button(texts.NOTE_NOT_ON_CARD, "wn")])
    await update.effective_message.reply_text(
        texts.NOTE_ASK_WITH, reply_markup=InlineKeyboardMarkup(rows)
    )
    return WITH


async def with_chosen(update: Update, context: CaselineContext) -> int:
    """nt:wp:<person> (one of the client's people) or nt:wn (someone not on the card)."""
    pressed = unpack(update.callback_query.data)
    draft = draft_of(context)
    if draft.client is None or draft.kind is None or not with_someone(draft.kind):
        # A question left from before the kind was changed.
        await answer(update, texts.STALE_BUTTON)
        return COMPOSE
    if pressed.action == "wn":
        draft.about = None
    else:
        person_id = pressed.int_arg()
        if person_id is None:
            await answer(update, texts.STALE_BUTTON)
            return WITH
        found = await _people(update, context, draft, WITH_WHOM, WITH, person_id)
        if isinstance(found, int):
            return found
        assert found.chosen is not None
        draft.about = NotePerson.of(found.chosen)
    await answer(update)
    await remove_keyboard(update)
    return await show_card(update, context, draft)
