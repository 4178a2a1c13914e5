"""/note — a progress note in three taps plus the text.

    /note ─► CLIENT ─(tap/typed)─► KIND ─(tap)─► COMPOSE ◄──────────────┐
                                                  │ text/voice/photo ─┘ (appended)
                                                  ├─ 🕒 When ─► WHEN ─(tap/typed)─┐
                                                  ├─ ⚠ Risk ─► RISK ─(reason)─────┤
                                                  ├─ 🎯 Goals ─► GOALS ─(toggle, Done)┤
                                                  ├─ 👥 Who was there ─► WHO ─(toggle, Done)┤
                                                  ├─ 🗣 With whom ─► WITH ─(tap)───┤ (collateral)
                                                  ├─ DAP ─► DAP_DATA ─► DAP_ASSESSMENT ─► DAP_PLAN ┤
                                                  ├─ ✏️ Replace ─► REPLACE ─(text)─┘
                                                  └─ ✅ Save ─► END (card shows Amend / Open client)
    KIND ─(Collateral)─► WITH ─(a person, or someone not on the card)─► COMPOSE
    [📝 Note with Ana] on a person's page ─► COMPOSE (collateral, with Ana)
    /note C-0042 Home visit, pantry empty … ─► saved at once, with ↩ Undo for 60 s
    /cancel or ✖ anywhere ─► END, nothing saved

The draft is a NoteDraft (conversations/note_draft.py) kept in user_data["note"]
(persisted after every update) and shown on one live card (conversations/note_card.py);
who was there and with whom are conversations/note_people.py's steps. ✅ Save is
revision-checked by conversations/cards.py (a Save from an outdated card shows the draft
again, as a new card) and calls the save_note use case, which writes, audits and queues
any risk alert in one transaction.
A draft left idle for CASELINE_CONVERSATION_TIMEOUT minutes is kept aside and offered
back on the next /note — also after a restart, since the idle check uses the stored
time; one kept before its kind was chosen asks the kind again.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import cards, drafts, note_loose
from conversations.common import confirm_saved, conversation, text_expected
from conversations.note_card import (
    CLIENT,
    COMPOSE,
    DAP_ASSESSMENT,
    DAP_DATA,
    DAP_PLAN,
    DRAFT,
    GOALS,
    KIND,
    PREFIX,
    REPLACE,
    RESUME,
    RISK,
    WHEN,
    WHO,
    WITH,
    button,
    client_gone,
    draft_of,
    keep,
    show_card,
)
from conversations.note_draft import NoteDraft, attachment_of, keep_sent_file
from conversations.note_oneliner import (
    UNDO_PREFIX,
    one_liner,
    saved_note_pressed,
    show_saved,
    split_kind,
)
from conversations.note_people import (
    WITH_WHOM,
    ask_who,
    ask_with,
    who_done,
    who_toggled,
    with_chosen,
)
from conversations.pickers import (
    ClientRef,
    ask_client,
    card_pattern,
    client_from_args,
    client_from_press,
    client_step,
    moment_from_stamp,
    moment_from_text,
    offer_clients,
)
from domain.results import Gone, Invalid, Refused, Several
from domain.rules.notes import CHOSEN_KINDS, RISK_REASON_MAX, TEXT_MAX, happened, with_someone
from domain.usecases import client_people
from domain.usecases import notes as usecases
from domain.usecases.clients import NamedFirst, client_named_first
from domain.usecases.notes import NotePerson
from storage import clients
from storage.kinds import InteractionType
from ui import held_answers, privacy, texts, views
from ui.callbacks import pattern, read_ids, unpack
from ui.context import CaselineContext, deliver_soon, happened_at
from ui.replies import answer, remove_keyboard

# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    context.require_actor()
    if context.args:
        return await _start_with_args(update, context, " ".join(context.args))
    kept = drafts.kept(context, DRAFT)
    if kept:
        draft = NoteDraft.from_json(kept)
        assert draft.client is not None  # only a draft with a client is kept
        keyboard = InlineKeyboardMarkup(
            [[button(texts.RESUME, "resume", "yes"), button(texts.DISCARD, "resume", "no")]]
        )
        await update.effective_message.reply_text(
            texts.note_draft_kept(
                draft.client.code, privacy.client_name(draft.client), len(draft.text)
            ),
            reply_markup=keyboard,
        )
        return RESUME
    keep(context, NoteDraft())
    await ask_client(update, context, PREFIX, texts.NOTE_ASK_CLIENT)
    return CLIENT


async def from_loose(update: Update, context: CaselineContext) -> int:
    """A client pressed under what was sent outside any dialog (conversations/note_loose.py):
    the note starts with it on its card; ✖ Not a note forgets it."""
    if not unpack(update.callback_query.data).arg:
        await note_loose.drop(update, context)
        return ConversationHandler.END
    ref = await client_from_press(update, context)
    draft = note_loose.take(context) if ref is not None else None
    if ref is None or draft is None:
        if ref is not None:
            await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    await remove_keyboard(update)
    keep(context, draft)
    return await _client_chosen(update, context, ref)


async def from_card(update: Update, context: CaselineContext) -> int:
    ref = await client_from_press(update, context)
    if ref is None:
        return ConversationHandler.END
    keep(context, NoteDraft())
    return await _client_chosen(update, context, ref)


async def from_person(update: Update, context: CaselineContext) -> int:
    """📝 Note with Ana on a person's page (nt:about:<client>:<person>): a collateral
    note for the client, with that person, on its card."""
    ids = read_ids(unpack(update.callback_query.data).arg, 2)
    if ids is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    if privacy.strict():
        await answer(update)
        return await written_in_the_mini_app(update, context, ids[0])
    found = await client_people.people_for_note(
        context.services, context.require_actor(), ids[0], ids[1], via=WITH_WHOM
    )
    if isinstance(found, Gone | Refused) or found.chosen is None:
        gone = isinstance(found, Gone)
        await answer(update, texts.CLIENT_GONE if gone else texts.STALE_BUTTON, alert=True)
        return ConversationHandler.END
    await answer(update)
    draft = NoteDraft(client=ClientRef.of(found.client), kind=InteractionType.COLLATERAL)
    draft.about = NotePerson.of(found.chosen)
    return await show_card(update, context, draft)


async def resume_chosen(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    kept = drafts.take(context, DRAFT)
    await answer(update)
    if choice == "yes" and kept:
        draft = NoteDraft.from_json(kept)
        await remove_keyboard(update)
        if draft.client is not None and draft.kind is None:
            # Kept at the kind question: no card yet, ask the kind again.
            keep(context, draft)
            return await _client_chosen(update, context, draft.client)
        return await show_card(update, context, draft)
    keep(context, NoteDraft())
    await update.callback_query.edit_message_text(texts.DRAFT_DISCARDED)
    await ask_client(update, context, PREFIX, texts.NOTE_ASK_CLIENT)
    return CLIENT


async def _start_with_args(update: Update, context: CaselineContext, args: str) -> int:
    first, _, rest = args.partition(" ")
    client_id = clients.parse_code(first)
    if client_id is not None and rest.strip():
        return await one_liner(update, context, first, client_id, rest.strip())
    if client_id is None and rest.strip():
        # `/note Maria phone: left voicemail`: a name instead of the code.
        named = await client_named_first(context.services, context.require_actor(), args)
        if isinstance(named, NamedFirst):
            client = named.client
            return await one_liner(update, context, client.code, client.id, named.rest)
        if isinstance(named, Several):
            # Which Maria? The text waits in the draft, on the card once she is chosen.
            keep(context, NoteDraft(parts=[split_kind(args.split(maxsplit=1)[1])[1]]))
            await offer_clients(update, PREFIX, named.choices)
            return CLIENT
    keep(context, NoteDraft())
    ref = await client_from_args(update, context, PREFIX, args, texts.NOTE_ASK_CLIENT)
    if ref is None:
        return CLIENT
    return await _client_chosen(update, context, ref)


async def written_in_the_mini_app(update: Update, context: CaselineContext, client_id: int) -> int:
    """Strict mode: a note's words are written in the Mini App (its composer), never typed
    into the chat; the chat hands the worker 🗂 Open at the client's record. Access is the
    Mini App's to check, as for the card's own 🗂 Open."""
    context.user_data.pop(DRAFT, None)
    opened = privacy.webapp_button(client_id)
    await update.effective_message.reply_text(
        texts.STRICT_NOTE_IN_MINI_APP,
        reply_markup=InlineKeyboardMarkup([[opened]]) if opened is not None else None,
    )
    return ConversationHandler.END


# ── client and kind ────────────────────────────────────────────────────────────


async def _client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    if privacy.strict():
        draft = draft_of(context)
        if not (draft.parts or draft.attachments):
            return await written_in_the_mini_app(update, context, ref.id)
        # What the worker already sent (a loose message, a photo) is on Telegram anyway and
        # leaves the chat once stored: saved at once, as a one-liner is, so nothing is
        # lost; its kind and the rest are added in the Mini App.
        draft.client = ref
        draft.kind = draft.kind or InteractionType.NOT_GIVEN
        keep(context, draft)
        return await save(update, context)
    draft = draft_of(context)
    draft.client = ref
    keep(context, draft)
    await update.effective_message.reply_text(
        texts.note_ask_kind(ref.code, privacy.client_name(ref)), reply_markup=_kinds_keyboard()
    )
    return KIND


def _kinds_keyboard() -> InlineKeyboardMarkup:
    kinds = list(texts.INTERACTION_NAMES.items())
    rows = [
        [button(label, "kind", kind) for kind, label in kinds[index : index + 2]]
        for index in range(0, len(kinds), 2)
    ]
    rows.append([button(texts.CANCEL, "cancel")])
    return views.fitted(rows)


async def kind_pressed(update: Update, context: CaselineContext) -> int:
    kind = unpack(update.callback_query.data).arg
    if kind not in CHOSEN_KINDS:
        await answer(update, texts.STALE_BUTTON)
        return KIND
    await answer(update)
    draft = draft_of(context)
    draft.set_kind(InteractionType(kind))
    await remove_keyboard(update)
    if with_someone(InteractionType(kind)):
        keep(context, draft)
        return await ask_with(update, context, draft)
    return await show_card(update, context, draft)


# ── composing ──────────────────────────────────────────────────────────────────


async def text_added(update: Update, context: CaselineContext) -> int:
    draft = draft_of(context)
    text = update.effective_message.text or ""
    if len(draft.text) + len(text) > TEXT_MAX:
        held_answers.keep_message_in_chat()  # not kept: strict mode must not delete it
        await update.effective_message.reply_text(texts.note_too_long(TEXT_MAX))
        return COMPOSE
    draft.parts.append(text)
    return await show_card(update, context, draft)


async def attachment_added(update: Update, context: CaselineContext) -> int:
    attachment = attachment_of(update.effective_message)
    if attachment is None:
        await update.effective_message.reply_text(texts.NOTE_WHAT_WORKS)
        return COMPOSE
    if not await keep_sent_file(update, context):
        return COMPOSE
    draft = draft_of(context)
    draft.attachments.append(attachment)
    return await show_card(update, context, draft)


async def unsupported_in_compose(update: Update, context: CaselineContext) -> int:
    await update.effective_message.reply_text(texts.NOTE_WHAT_WORKS)
    return COMPOSE


# ── card buttons ───────────────────────────────────────────────────────────────


async def card_pressed(update: Update, context: CaselineContext) -> int:
    action = unpack(update.callback_query.data).action
    draft = draft_of(context)
    if draft.client is None or draft.kind is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    if action == "save":
        return await cards.save_pressed(
            update,
            shown=unpack(update.callback_query.data).int_arg(),
            current=draft.revision,
            outdated=lambda: _show_outdated(update, context),
            save=lambda: save(update, context),
        )
    await answer(update)
    if action == "kinds":
        # The kind of contact chosen first can be corrected: the text stays.
        await update.effective_message.reply_text(
            texts.note_ask_kind(draft.client.code, privacy.client_name(draft.client)),
            reply_markup=_kinds_keyboard(),
        )
        return KIND
    if action == "when":
        keyboard = InlineKeyboardMarkup(
            [
                [button(label, "ago", minutes) for label, minutes in texts.WHEN_CHOICES],
                [button(texts.BACK, "back")],
            ]
        )
        await update.effective_message.reply_text(texts.NOTE_ASK_WHEN, reply_markup=keyboard)
        return WHEN
    if action == "risk":
        if draft.risk:
            draft.risk = None
            return await show_card(update, context, draft)
        await update.effective_message.reply_text(texts.NOTE_ASK_RISK)
        return RISK
    if action == "goals":
        return await _ask_goals(update, context)
    if action == "who":
        return await ask_who(update, context, draft)
    if action == "whom":
        return await ask_with(update, context, draft)
    if action == "dap":
        await update.effective_message.reply_text(texts.DAP_ASK_DATA)
        return DAP_DATA
    if action == "replace":
        await update.effective_message.reply_text(texts.NOTE_ASK_REPLACE)
        return REPLACE
    return COMPOSE


async def when_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    await answer(update)
    draft = draft_of(context)
    if pressed.action == "ago":
        minutes = pressed.int_arg()
        if minutes is None or minutes > 7 * 24 * 60:
            return WHEN
        now = context.services.clock.now()
        draft.when = None if minutes == 0 else now - timedelta(minutes=minutes)
    await remove_keyboard(update)
    return await show_card(update, context, draft)


async def when_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "past")
    if parsed is None:
        return WHEN
    if not happened(parsed.moment, context.services.clock.now()):
        await update.effective_message.reply_text(texts.NOTE_WHEN_FUTURE)
        return WHEN
    draft = draft_of(context)
    draft.when = parsed.moment
    return await show_card(update, context, draft)


async def when_option_pressed(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None:
        return WHEN
    if not happened(moment, context.services.clock.now()):
        await update.effective_message.reply_text(texts.NOTE_WHEN_FUTURE)
        return WHEN
    draft = draft_of(context)
    draft.when = moment
    await remove_keyboard(update)
    return await show_card(update, context, draft)


async def risk_typed(update: Update, context: CaselineContext) -> int:
    reason = " ".join((update.effective_message.text or "").split())
    if not reason:
        await update.effective_message.reply_text(texts.NOTE_ASK_RISK)
        return RISK
    draft = draft_of(context)
    draft.risk = reason[:RISK_REASON_MAX]
    return await show_card(update, context, draft)


async def _ask_goals(update: Update, context: CaselineContext) -> int:
    draft = draft_of(context)
    assert draft.client is not None
    goals = await usecases.goals_to_choose(
        context.services, context.require_actor(), draft.client.id
    )
    if isinstance(goals, Gone):
        return await client_gone(update, context)
    if not goals:
        await update.effective_message.reply_text(texts.NO_ACTIVE_GOALS)
        return COMPOSE
    chosen = set(draft.goals)
    listed, labels = views.goal_choices([(goal.description, goal.id in chosen) for goal in goals])
    rows = [[button(label, "goal", goal.id)] for label, goal in zip(labels, goals, strict=True)]
    rows.append([button(texts.DONE, "goalsdone")])
    text = f"{texts.NOTE_ASK_GOALS}\n\n{listed}"
    if (
        update.callback_query
        and update.callback_query.message
        and unpack(update.callback_query.data).action == "goal"
    ):
        await update.callback_query.edit_message_text(text, reply_markup=InlineKeyboardMarkup(rows))
    else:
        await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows))
    return GOALS


async def goal_toggled(update: Update, context: CaselineContext) -> int:
    goal_id = unpack(update.callback_query.data).int_arg()
    draft = draft_of(context)
    assert draft.client is not None
    goals = await usecases.goals_to_choose(
        context.services, context.require_actor(), draft.client.id
    )
    if isinstance(goals, Gone):
        return await client_gone(update, context)
    if goal_id not in {goal.id for goal in goals}:
        await answer(update, texts.STALE_BUTTON)
        return GOALS
    await answer(update)
    draft.goals = sorted(set(draft.goals) ^ {goal_id})
    keep(context, draft)
    return await _ask_goals(update, context)


async def goals_done(update: Update, context: CaselineContext) -> int:
    await answer(update)
    await remove_keyboard(update)
    return await show_card(update, context, draft_of(context))


# ── who was there, and with whom ───────────────────────────────────────────────


async def dap_data(update: Update, context: CaselineContext) -> int:
    draft = draft_of(context)
    draft.dap_wip = [update.effective_message.text or ""]
    keep(context, draft)
    await update.effective_message.reply_text(texts.DAP_ASK_ASSESSMENT)
    return DAP_ASSESSMENT


async def dap_assessment(update: Update, context: CaselineContext) -> int:
    draft = draft_of(context)
    draft.dap_wip = (draft.dap_wip or [""]) + [update.effective_message.text or ""]
    keep(context, draft)
    await update.effective_message.reply_text(texts.DAP_ASK_PLAN)
    return DAP_PLAN


async def dap_plan(update: Update, context: CaselineContext) -> int:
    draft = draft_of(context)
    parts = (draft.dap_wip or ["", ""]) + [update.effective_message.text or ""]
    draft.dap_wip = None
    data, assessment, plan = (parts + ["", "", ""])[:3]
    draft.dap = (data, assessment, plan)
    return await show_card(update, context, draft)


async def replace_typed(update: Update, context: CaselineContext) -> int:
    draft = draft_of(context)
    draft.parts = [update.effective_message.text or ""]
    return await show_card(update, context, draft)


# ── saving ─────────────────────────────────────────────────────────────────────


async def _show_outdated(update: Update, context: CaselineContext) -> int:
    """After a ✅ Save on a card that is not the draft as stored: the pressed card loses
    its buttons and the draft as it stands is shown (cards.save_pressed said why)."""
    await remove_keyboard(update)
    return await show_card(update, context, draft_of(context))


async def save(update: Update, context: CaselineContext) -> int:
    """✅ Save on the card that shows the draft (cards.save_pressed checked it)."""
    actor = context.require_actor()
    draft = draft_of(context)
    if not draft.ready:
        await answer(update, texts.NOTE_NOTHING_TO_SAVE, alert=True)
        return COMPOSE
    new = draft.to_note(saved_at=happened_at(update, context))
    result = await usecases.save_note(context.services, actor, new, token=draft.token)
    if isinstance(result, Gone):
        await answer(update, texts.CLIENT_GONE, alert=True)
        return COMPOSE
    if isinstance(result, Invalid):
        await answer(update, _invalid(result), alert=True)
        return COMPOSE
    note = result.value

    async def confirm() -> None:
        await answer(update, texts.NOTE_SAVED_TOAST)
        await show_saved(update, context, note, undo=False)

    if note.alerts:
        deliver_soon(context)
    return await confirm_saved(update, context, confirm, DRAFT)


def _invalid(result: Invalid) -> str:
    if result.reason == "future":
        return texts.NOTE_WHEN_FUTURE
    if result.reason == "too_long":
        return texts.note_too_long(TEXT_MAX)
    return texts.NOTE_NOTHING_TO_SAVE


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    media = filters.VOICE | filters.AUDIO | filters.PHOTO | filters.Document.ALL
    other = ~filters.COMMAND
    card = CallbackQueryHandler(
        card_pressed, pattern=rf"^{PREFIX}:(save|kinds|when|risk|goals|dap|replace|who|whom):"
    )
    # Who was there, with whom: also from the card's state, on a question left open.
    people = [
        CallbackQueryHandler(who_toggled, pattern=pattern(PREFIX) + "att:"),
        CallbackQueryHandler(who_done, pattern=pattern(PREFIX) + "attok:"),
        CallbackQueryHandler(with_chosen, pattern=pattern(PREFIX) + "(wp|wn):"),
    ]
    # Typed or sent instead of a tap: it is the note (the card comes back).
    writing = [MessageHandler(text, text_added), MessageHandler(media, attachment_added)]
    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("note", start),
            CallbackQueryHandler(from_card, pattern=card_pattern("note")),
            CallbackQueryHandler(from_loose, pattern=pattern(PREFIX) + "loose:"),
            CallbackQueryHandler(from_person, pattern=pattern(PREFIX) + "about:"),
        ],
        states={
            RESUME: [CallbackQueryHandler(resume_chosen, pattern=pattern(PREFIX) + "resume:")],
            CLIENT: client_step(PREFIX, CLIENT, _client_chosen),
            KIND: [
                CallbackQueryHandler(kind_pressed, pattern=pattern(PREFIX) + "kind:"),
                MessageHandler(other, text_expected),
            ],
            COMPOSE: [
                card,
                *people,
                MessageHandler(text, text_added),
                MessageHandler(media, attachment_added),
                MessageHandler(other, unsupported_in_compose),
            ],
            WHEN: [
                CallbackQueryHandler(when_pressed, pattern=pattern(PREFIX) + "(ago|back):"),
                CallbackQueryHandler(when_option_pressed, pattern=pattern(PREFIX) + "at:"),
                MessageHandler(text, when_typed),
                MessageHandler(other, text_expected),
            ],
            RISK: [MessageHandler(text, risk_typed), MessageHandler(other, text_expected)],
            GOALS: [
                CallbackQueryHandler(goal_toggled, pattern=pattern(PREFIX) + "goal:"),
                CallbackQueryHandler(goals_done, pattern=pattern(PREFIX) + "goalsdone:"),
            ],
            DAP_DATA: [MessageHandler(text, dap_data), MessageHandler(other, text_expected)],
            DAP_ASSESSMENT: [
                MessageHandler(text, dap_assessment),
                MessageHandler(other, text_expected),
            ],
            DAP_PLAN: [MessageHandler(text, dap_plan), MessageHandler(other, text_expected)],
            REPLACE: [MessageHandler(text, replace_typed), MessageHandler(other, text_expected)],
            WHO: [*people, *writing],
            WITH: [*people, *writing],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
        text_key="parts",
        written_key="when",
    )


def button_handlers() -> list[CallbackQueryHandler[CaselineContext, None]]:
    """Buttons on a saved note, outside the dialog: ↩ Undo and the kind of contact
    (conversations/note_oneliner.py)."""
    return [CallbackQueryHandler(saved_note_pressed, pattern=pattern(UNDO_PREFIX))]
