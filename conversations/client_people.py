"""The people around the client: the card's 👥 People list, a person's page, adding
someone, editing one detail, ending a relation.

    cf:people:<client>              the list (bot/record.py routes the card button here)
    pp:l:<client>                   the list again
    pp:o:<client>:<person>          a person's page
    pp:cs:<client>:<person>:<y|n>   consent to share, yes or no; the page again
    pp:end:<client>:<person>        end the relation? (asks)
    pp:endy:<client>:<person>       ended; the page again

    The dialog (one per worker at a time, its draft under "person"):
    [➕ Add someone] pp:add:<client> ─► RELATION ─(pp:r:<relation>)─► NAME ─(text)─► PHONE
        ─(text, or pp:skip)─► ORGANISATION (care team only: text, or pp:skip)
        ─► CONSENT ─(pp:c:<y|n>)─► saved: the list
        (someone of that name already listed: DUPLICATE ─(pp:dup)─► saved: the list)
    [✏️ …] pp:e:<client>:<person>:<field> ─► EDIT ─(text)─► saved: the page
    [📝 Note with Ana] nt:about:<client>:<person> ─► the /note dialog (conversations/note.py)
    /cancel or [✖ Cancel] ─► END, nothing changed

The phone is read by the intake's reader (international format, digits and + - ( ) only);
a bad one is said and asked again, nothing lost. Every step calls one use case of
domain/usecases/client_people.py and renders its result. A person's page lists the notes
with them (collateral notes about them, notes they attended: the count and the latest).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as tg_filters

from conversations.common import confirm_saved, conversation, text_expected
from conversations.drafts import ClientIdDraft
from conversations.intake_steps import read_phone
from domain.results import Confirm, Invalid, Refused, Saved, Stale
from domain.rules.phones import international
from domain.usecases import client_people as cases
from domain.usecases.client_people import NewPerson, People, PersonPage
from storage import client_people as store
from storage.models import ClientContact
from ui import privacy, texts
from ui.callbacks import pack, pattern, read_ids, unpack
from ui.client_card import back_to_card, note_line, say_not_found
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show
from ui.views import View, button_label, fitted, rows_that_fit

PREFIX = "pp"
DRAFT = "person"
RELATION, NAME, PHONE, ORGANISATION, CONSENT, DUPLICATE, EDIT = range(7)
# Buttons for the people of one client; a longer list still shows everyone in its text.
LISTED_MAX = 30


def _button(label: str, action: str, *ids: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, ":".join(map(str, ids))))


def _cancel() -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))


def _ended(person: ClientContact, zone: ZoneInfo) -> str | None:
    return texts.record_day(person.ended_at, zone) if person.ended_at else None


def _line(person: ClientContact, zone: ZoneInfo) -> str:
    return texts.person_line(
        person.relation,
        person.name,
        person.phone,
        person.organisation,
        person.consent_to_share,
        _ended(person, zone),
    )


def people_view(people: People, zone: ZoneInfo) -> View:
    client = people.client
    lines = [texts.people_title(client.code, privacy.client_name(client))]
    around = [p for p in people.current if not store.in_care_team(p.relation)]
    team = [p for p in people.current if store.in_care_team(p.relation)]
    for heading, group in (
        (texts.PEOPLE_AROUND, around),
        (texts.PEOPLE_CARE_TEAM, team),
        (texts.PEOPLE_EARLIER, people.earlier),
    ):
        if group:
            lines += ["", f"<b>{heading}</b>", *(_line(person, zone) for person in group)]
    if not people.current and not people.earlier:
        lines += ["", texts.PEOPLE_NONE]
    shown = [*around, *team, *people.earlier][:LISTED_MAX]
    rows = [
        [
            _button(
                button_label(texts.person_button(person.name, person.relation)),
                "o",
                client.id,
                person.id,
            )
        ]
        for person in shown
    ]
    rows.append([_button(texts.PEOPLE_ADD, "add", client.id), back_to_card(client.id)])
    return View("\n".join(lines), fitted(rows))


def person_view(page: PersonPage, zone: ZoneInfo) -> View:
    client, person = page.client, page.person
    text = texts.person_page(
        client.code,
        person.name,
        person.relation,
        person.phone,
        person.organisation,
        person.consent_to_share,
        person.notes,
        _ended(person, zone),
    )
    if page.notes_count:
        # The notes with them: collateral notes about them, notes they attended.
        text += "\n\n" + texts.person_notes_title(person.name, page.notes_count)
        text += "".join(f"\n{note_line(note, zone)}" for note in page.notes)
    ids = (client.id, person.id)
    edits = [
        _button(texts.PEOPLE_EDIT_NAME, "e", *ids, "name"),
        _button(texts.PEOPLE_EDIT_PHONE, "e", *ids, "phone"),
    ]
    if store.in_care_team(person.relation):
        edits.append(_button(texts.PEOPLE_EDIT_ORGANISATION, "e", *ids, "organisation"))
    edits.append(_button(texts.PEOPLE_EDIT_NOTES, "e", *ids, "notes"))
    consent = person.consent_to_share
    rows = rows_that_fit(edits)
    rows.append(
        [
            _button(("✓ " if consent else "") + texts.PEOPLE_CONSENT_GIVEN, "cs", *ids, "y"),
            _button(
                ("✓ " if consent is False else "") + texts.PEOPLE_CONSENT_REFUSED, "cs", *ids, "n"
            ),
        ]
    )
    if person.ended_at is None:
        # A collateral note with them (conversations/note.py's from_person).
        note = button_label(texts.person_note_button(person.name))
        rows.insert(0, [InlineKeyboardButton(note, callback_data=pack("nt", "about", *ids))])
        rows.append([_button(texts.PEOPLE_END, "end", *ids)])
    rows.append([_button(texts.PEOPLE_BACK, "l", client.id), back_to_card(client.id)])
    return View(text, fitted(rows))


async def _refused(update: Update, refused: Refused, client_id: int | None) -> None:
    """A client the actor may not see: the one answer; a person not the client's (a forged
    or stale button): the button is no longer active."""
    if refused.subject == "client":
        await say_not_found(update, client_id)
    else:
        await answer(update, texts.STALE_BUTTON, alert=True)


async def people_menu(update: Update, context: CaselineContext, client_id: int) -> None:
    """cf:people:<client> and pp:l:<client> — the list."""
    people = await cases.list_people(context.services, context.require_actor(), client_id)
    if isinstance(people, Refused):
        await say_not_found(update, client_id)
        return
    await answer(update)
    await show(update, people_view(people, zone_of(context)))


async def _show_page(update: Update, context: CaselineContext, ids: list[int]) -> None:
    page = await cases.look_at_person(context.services, context.require_actor(), *ids)
    if isinstance(page, Refused):
        await _refused(update, page, ids[0])
        return
    await answer(update)
    await show(update, person_view(page, zone_of(context)))


async def people_pressed(update: Update, context: CaselineContext) -> None:
    """pp:l, pp:o, pp:cs, pp:end and pp:endy: no dialog."""
    pressed = unpack(update.callback_query.data)
    if pressed.action == "l":
        client_id = pressed.int_arg()
        if client_id is None:
            await answer(update, texts.STALE_BUTTON)
            return
        await people_menu(update, context, client_id)
        return
    raw, _, value = pressed.arg.rpartition(":") if pressed.action == "cs" else (pressed.arg, "", "")
    ids = read_ids(raw, 2)
    if ids is None or (pressed.action == "cs" and value not in ("y", "n")):
        await answer(update, texts.STALE_BUTTON)
        return
    work, actor = context.services, context.require_actor()
    if pressed.action == "o":
        await _show_page(update, context, ids)
    elif pressed.action == "cs":
        result = await cases.edit_person(work, actor, ids[0], ids[1], "consent", value == "y")
        await _after_change(update, context, result, ids[0], texts.PEOPLE_SAVED_TOAST)
    elif pressed.action == "end":
        page = await cases.look_at_person(work, actor, *ids)
        if isinstance(page, Refused):
            await _refused(update, page, ids[0])
            return
        await answer(update)
        keyboard = InlineKeyboardMarkup(
            [[_button(texts.PEOPLE_END_YES, "endy", *ids), _button(texts.PEOPLE_BACK, "o", *ids)]]
        )
        await show(update, View(texts.people_ask_end(page.person.name), keyboard))
    elif pressed.action == "endy":
        ended = await cases.end_relation(work, actor, *ids)
        if isinstance(ended, Stale):
            await answer(update, texts.PEOPLE_ALREADY_ENDED)
            await show(update, person_view(ended.current, zone_of(context)))
            return
        await _after_change(update, context, ended, ids[0], texts.PEOPLE_ENDED_TOAST)
    else:
        await answer(update, texts.STALE_BUTTON)


async def _after_change(
    update: Update,
    context: CaselineContext,
    result: Saved[PersonPage] | Refused | Invalid,
    client_id: int,
    toast: str,
) -> None:
    if isinstance(result, Refused):
        await _refused(update, result, client_id)
    elif isinstance(result, Invalid):
        await answer(update, texts.STALE_BUTTON)
    else:
        await answer(update, toast)
        await show(update, person_view(result.value, zone_of(context)))


# ---------------------------------------------------------------------------------------
# The dialog: add someone, edit one detail


def _draft(context: CaselineContext) -> ClientIdDraft:
    return ClientIdDraft.from_json(context.user_data.get(DRAFT))


def _keep(context: CaselineContext, draft: ClientIdDraft, **values: Any) -> None:
    draft.rest.update(values)
    context.user_data[DRAFT] = draft.to_json()


async def add_pressed(update: Update, context: CaselineContext) -> int:
    """pp:add:<client> — who are they to the client?"""
    client_id = unpack(update.callback_query.data).int_arg()
    allowed = await cases.may_add(context.services, context.require_actor(), client_id)
    if isinstance(allowed, Refused):
        await say_not_found(update, client_id)
        return ConversationHandler.END
    client = allowed.value
    await answer(update)
    context.user_data[DRAFT] = ClientIdDraft(client.id).to_json()
    choices = [
        _button(texts.relation_name(relation), "r", relation)
        for relation in (*store.PERSONAL, *store.CARE_TEAM)
    ]
    rows = rows_that_fit(choices) + [[_cancel()]]
    text = texts.people_ask_relation(client.code, privacy.client_name(client))
    await update.callback_query.edit_message_text(text, reply_markup=InlineKeyboardMarkup(rows))
    return RELATION


async def relation_pressed(update: Update, context: CaselineContext) -> int:
    relation = unpack(update.callback_query.data).arg
    draft = _draft(context)
    if relation not in store.RELATIONS or draft.client_id is None:
        await answer(update, texts.STALE_BUTTON)
        return RELATION
    await answer(update)
    _keep(context, draft, relation=relation)
    await update.callback_query.edit_message_text(
        texts.people_ask_name(relation), reply_markup=InlineKeyboardMarkup([[_cancel()]])
    )
    return NAME


def _too_long(typed: str, field: str) -> str | None:
    limit = store.FIELD_MAX[field]
    length = len(typed.strip())
    return texts.too_long(limit, length) if length > limit else None


async def name_typed(update: Update, context: CaselineContext) -> int:
    typed = update.effective_message.text or ""
    problem = _too_long(typed, "name")
    name = store.clean_text("name", typed) if problem is None else None
    if name is None:
        await update.effective_message.reply_text(problem or texts.PEOPLE_EMPTY)
        return NAME
    _keep(context, _draft(context), name=name)
    keyboard = InlineKeyboardMarkup(
        rows_that_fit([_button(texts.PEOPLE_NO_PHONE, "skip", ""), _cancel()])
    )
    await update.effective_message.reply_text(texts.people_ask_phone(name), reply_markup=keyboard)
    return PHONE


async def phone_typed(update: Update, context: CaselineContext) -> int:
    phone = read_phone(update.effective_message.text or "")
    if phone is None:
        await update.effective_message.reply_text(texts.NOT_A_PHONE)
        return PHONE
    if international(phone, context.services.settings.country_code) is None:
        # Asked now, not when the person is saved three steps on.
        await update.effective_message.reply_text(texts.DETAIL_PHONE_PLUS)
        return PHONE
    _keep(context, _draft(context), phone=phone)
    return await _after_phone(update, context)


async def phone_skipped(update: Update, context: CaselineContext) -> int:
    await answer(update)
    return await _after_phone(update, context)


async def _after_phone(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    name, relation = str(draft.rest.get("name", "")), str(draft.rest.get("relation", ""))
    if store.in_care_team(relation):
        keyboard = InlineKeyboardMarkup(
            rows_that_fit([_button(texts.PEOPLE_NO_ORGANISATION, "skip", ""), _cancel()])
        )
        text = texts.people_ask_organisation(name, relation)
        await update.effective_message.reply_text(text, reply_markup=keyboard)
        return ORGANISATION
    return await _ask_consent(update, name)


async def organisation_typed(update: Update, context: CaselineContext) -> int:
    typed = update.effective_message.text or ""
    problem = _too_long(typed, "organisation")
    if problem:
        await update.effective_message.reply_text(problem)
        return ORGANISATION
    draft = _draft(context)
    _keep(context, draft, organisation=typed)
    return await _ask_consent(update, str(draft.rest.get("name", "")))


async def organisation_skipped(update: Update, context: CaselineContext) -> int:
    await answer(update)
    return await _ask_consent(update, str(_draft(context).rest.get("name", "")))


async def _ask_consent(update: Update, name: str) -> int:
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(texts.PEOPLE_CONSENT_YES, "c", "y"),
                _button(texts.PEOPLE_CONSENT_NO, "c", "n"),
            ],
            [_cancel()],
        ]
    )
    await update.effective_message.reply_text(texts.people_ask_consent(name), reply_markup=keyboard)
    return CONSENT


async def consent_pressed(update: Update, context: CaselineContext) -> int:
    value = unpack(update.callback_query.data).arg
    if value not in ("y", "n"):
        await answer(update, texts.STALE_BUTTON)
        return CONSENT
    _keep(context, _draft(context), consent=value == "y")
    return await _save(update, context, anyway=False)


async def anyway_pressed(update: Update, context: CaselineContext) -> int:
    return await _save(update, context, anyway=True)


async def _save(update: Update, context: CaselineContext, *, anyway: bool) -> int:
    draft = _draft(context)
    rest = draft.rest
    new = NewPerson(
        relation=str(rest.get("relation", "")),
        name=str(rest.get("name", "")),
        phone=rest.get("phone") if isinstance(rest.get("phone"), str) else None,
        organisation=rest.get("organisation")
        if isinstance(rest.get("organisation"), str)
        else None,
        consent=rest.get("consent") if isinstance(rest.get("consent"), bool) else None,
    )
    work, actor = context.services, context.require_actor()
    result = await cases.add_person(work, actor, draft.client_id, new, anyway=anyway)
    if isinstance(result, Confirm):
        await answer(update)
        listed = result.about
        keyboard = InlineKeyboardMarkup(
            rows_that_fit([_button(texts.PEOPLE_ADD_ANYWAY, "dup", ""), _cancel()])
        )
        await show(
            update, View(texts.people_already_listed(listed.name, listed.relation), keyboard)
        )
        return DUPLICATE
    context.user_data.pop(DRAFT, None)
    if isinstance(result, Refused):
        await say_not_found(update, draft.client_id)
        return ConversationHandler.END
    if isinstance(result, Invalid):
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    await answer(update, texts.PEOPLE_ADDED_TOAST)
    view = people_view(result.value.people, zone_of(context))
    return await confirm_saved(update, context, lambda: show(update, view))


async def edit_pressed(update: Update, context: CaselineContext) -> int:
    """pp:e:<client>:<person>:<field> — the new value, typed."""
    raw, _, field = unpack(update.callback_query.data).arg.rpartition(":")
    ids = read_ids(raw, 2)
    if ids is None or field not in store.TEXT_FIELDS:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    page = await cases.look_at_person(context.services, context.require_actor(), *ids)
    if isinstance(page, Refused):
        await _refused(update, page, ids[0])
        return ConversationHandler.END
    await answer(update)
    context.user_data[DRAFT] = ClientIdDraft(ids[0], {"person": ids[1], "field": field}).to_json()
    text = texts.people_ask_edit(field, page.person.name, store.FIELD_MAX[field])
    await update.callback_query.edit_message_text(
        text, reply_markup=InlineKeyboardMarkup([[_cancel()]])
    )
    return EDIT


async def edit_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    field, person_id = draft.rest.get("field"), draft.rest.get("person")
    if field not in store.TEXT_FIELDS or not isinstance(person_id, int):
        context.user_data.pop(DRAFT, None)
        await update.effective_message.reply_text(texts.STALE_BUTTON)
        return ConversationHandler.END
    typed = update.effective_message.text or ""
    value = read_phone(typed) if field == "phone" else typed
    if value is None:
        await update.effective_message.reply_text(texts.NOT_A_PHONE)
        return EDIT
    problem = _too_long(typed, str(field))
    if problem:
        await update.effective_message.reply_text(problem)
        return EDIT
    result = await cases.edit_person(
        context.services, context.require_actor(), draft.client_id, person_id, str(field), value
    )
    if isinstance(result, Invalid):
        plus = result.reason == cases.PHONE_PLUS
        await update.effective_message.reply_text(
            texts.DETAIL_PHONE_PLUS if plus else texts.PEOPLE_EMPTY
        )
        return EDIT
    context.user_data.pop(DRAFT, None)
    if isinstance(result, Refused):
        await _refused(update, result, draft.client_id)
        return ConversationHandler.END
    view = person_view(result.value, zone_of(context))
    return await confirm_saved(update, context, lambda: show(update, view))


async def use_buttons(update: Update, context: CaselineContext) -> None:
    await update.effective_message.reply_text(texts.PEOPLE_USE_BUTTONS)
    return None


def dialog(timeout_minutes: int) -> ConversationHandler:
    text = tg_filters.TEXT & ~tg_filters.COMMAND
    other = ~tg_filters.COMMAND

    def typed(callback: Any) -> list[BaseHandler[Any, Any, Any]]:
        return [MessageHandler(text, callback), MessageHandler(other, text_expected)]

    def pressed(action: str, callback: Any) -> CallbackQueryHandler[Any, Any]:
        return CallbackQueryHandler(callback, pattern=pattern(PREFIX) + f"{action}:")

    return conversation(
        PREFIX,
        entry_points=[pressed("add", add_pressed), pressed("e", edit_pressed)],
        states={
            RELATION: [pressed("r", relation_pressed), MessageHandler(other, use_buttons)],
            NAME: typed(name_typed),
            PHONE: [pressed("skip", phone_skipped), *typed(phone_typed)],
            ORGANISATION: [pressed("skip", organisation_skipped), *typed(organisation_typed)],
            CONSENT: [pressed("c", consent_pressed), MessageHandler(other, use_buttons)],
            DUPLICATE: [pressed("dup", anyway_pressed), MessageHandler(other, use_buttons)],
            EDIT: typed(edit_typed),
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )


def handlers(timeout_minutes: int) -> list[BaseHandler[Any, Any, Any]]:
    """The dialog and the buttons, for group 0 (before the catch-all)."""
    return [
        dialog(timeout_minutes),
        CallbackQueryHandler(people_pressed, pattern=rf"^{PREFIX}:(l|o|cs|end|endy):"),
    ]
