"""/refer — refer a client to a resource; the referral card and its status changes.

    /refer ─► CLIENT ─(tap/typed)─┐            (kept draft? ─► RESUME ─► next missing step)
    /refer C-0042 ────────────────┤
    👤 card “cf:refer:<id>” ──────┘
        ─► open referrals? ─► OPEN_LIST ─(R-12)─► referral card, END
        │                        └─(➕ New referral)─┐
        ▼                                           ▼
      consent in force? ──no──► CONSENT ─(given)─► SCOPE ─(typed/button)─┐
        │                          └─(refused)─► recorded, END           │
        ▼ yes ◄──────────────────────────────────────────────────────────┘
      RESOURCE ─(typed words │ category)─► results, paged ─(tap)─► REASON ─(text)─►
      FOLLOW_UP ─(1 week │ 2 weeks │ 1 month │ typed)─► [benefit program: APPLIED
      ─(Today │ typed)] ─► CONFIRM ─(📨 Send)─► Referral(sent), card, END

    referral card (rc): sent ─► ✅ Accepted │ 🚫 Declined │ ↩ Withdraw (asks once more)
                        accepted ─► 🏁 Completed │ ↩ Withdraw
        🚫 Declined ─► DECLINE_REASON ─(tap a reason │ typed)─► card, END
        🏁 Completed ─► OUTCOME ─(typed)─► card, END
    /cancel or ✖ anywhere ─► END, nothing saved

Rooms: every read and change of the record is a use case (domain/usecases/referrals.py,
domain/usecases/resources.py: they authorise, audit — refusals too — and return a
domain result); which status may follow which is one rule (domain/rules/referrals.py);
the card and the directory's rows are ui/referral_views.py and ui/resource_views.py; the
card's moves are conversations/referral_card.py; the draft is typed
(conversations/referral_draft.py). The client picker is conversations/pickers.py's
`client_step`, told that a refused press is audited as referral.create.

Decisions:
- The dialog asks only for what its draft still lacks (`_next`), so a kept draft resumes at
  the right step and a consent that disappears before saving sends the worker back to it.
- Consent: `storage.consents.may_share` on the worker's local today. Without one the worker
  may record it on the spot (given → its scope, typed or the standard one; refused → the
  refusal is recorded and the dialog ends: no referral may share the client's data). The
  consent is checked again when the referral is saved, and its id is stored with it.
- Follow-up: a calendar day; 1 week / 2 weeks / 1 month (calendar month) or typed, read by
  the shared date picker (pickers.day_step: ui.dates, purpose "future", an unclear date asked
  back with buttons; a past day is refused). Benefit programs also ask the application date
  (Today, or typed through the same picker with purpose "past"; a future day is refused).
- The referral's worker is the one who made it: the morning agenda reminds them of the
  follow-up (bot/reminders/planning.py).
- Every press is re-checked on the server (in the use cases): the client must be visible
  to the actor, a referral is reached through its client, and an open referral listed for
  one client must belong to it. A refused look or change is audited with allowed=False
  (referral.create for a client the worker may not see, referral.view, referral.accept …).
- Status buttons carry the status the card showed (`rc:acc:<id>:sent`); the change is one
  conditional UPDATE that also names the statuses the rule lets it start from, so a stale
  card, a forged transition or two people pressing at once change nothing: the worker gets
  the card as it is now.
- Audit: referral.create, consent.record, referral.view, referral.accept / .decline /
  .complete / .withdraw (detail: from, to).
"""

from __future__ import annotations

import html
from datetime import date

from dateutil.relativedelta import relativedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import drafts
from conversations.common import conversation, text_expected, use_buttons
from conversations.pickers import (
    ClientRef,
    ask_client,
    client_from_args,
    client_step,
    day_step,
)
from conversations.referral_card import (
    DECLINE_REASON,
    OUTCOME,
    card_button,
    decline_reason_pressed,
    decline_reason_typed,
    outcome_typed,
    status_text_start,
)
from conversations.referral_draft import (
    DRAFT,
    PREFIX,
    ConsentRef,
    ReferralDraft,
    ResourceRef,
    Search,
)
from domain.results import Gone, Invalid, Refused, Stale
from domain.usecases import referrals as usecase
from domain.usecases import resources as directory
from domain.usecases.referrals import ClientReferrals, ReferralCard
from storage import clients, referrals
from storage.consents import SCOPE_MAX
from storage.resources import SEARCH_TEXT_MAX
from ui import privacy, texts
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext, zone_of
from ui.referral_views import CARD, referral_card
from ui.referral_views import day as _day
from ui.replies import answer, show
from ui.resource_views import category_rows, result_rows, results_text
from ui.views import View

RESUME, CLIENT, OPEN_LIST, CONSENT, SCOPE, RESOURCE, REASON, FOLLOW_UP, APPLIED, CONFIRM = range(10)
PAGE_SIZE = 6
FOLLOW_UPS = {
    "1w": relativedelta(weeks=1),
    "2w": relativedelta(weeks=2),
    "1m": relativedelta(months=1),
}


def _draft(context: CaselineContext) -> ReferralDraft:
    return ReferralDraft.from_json(context.user_data.get(DRAFT))


def _put(context: CaselineContext, draft: ReferralDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def _cancel_row() -> list[InlineKeyboardButton]:
    return [_button(texts.CANCEL, "cancel")]


def _today(context: CaselineContext) -> date:
    return context.services.clock.now().astimezone(zone_of(context)).date()


def _card(context: CaselineContext, card: ReferralCard) -> View:
    return referral_card(card.referral, card.client, card.resource, zone_of(context))


# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    context.require_actor()
    if context.args:
        return await _start_with(update, context, " ".join(context.args))
    kept = ReferralDraft.from_json(drafts.kept(context, DRAFT))
    if kept.client is not None:
        keyboard = InlineKeyboardMarkup(
            [[_button(texts.RESUME, "resume", "yes"), _button(texts.DISCARD, "resume", "no")]]
        )
        await update.effective_message.reply_text(
            texts.refer_draft_kept(kept.client.code, privacy.client_name(kept.client)),
            reply_markup=keyboard,
        )
        return RESUME
    _put(context, ReferralDraft())
    await ask_client(update, context, PREFIX, texts.REFER_ASK_CLIENT)
    return CLIENT


async def resume_chosen(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    kept = drafts.take(context, DRAFT)
    await answer(update)
    if choice == "yes" and kept:
        draft = ReferralDraft.from_json(kept)
        draft.extra.pop("kept_at", None)
        _put(context, draft)
        return await _next(update, context)
    _put(context, ReferralDraft())
    await update.callback_query.edit_message_text(texts.DRAFT_DISCARDED)
    await ask_client(update, context, PREFIX, texts.REFER_ASK_CLIENT)
    return CLIENT


async def _start_with(update: Update, context: CaselineContext, words: str) -> int:
    _put(context, ReferralDraft())
    client_id = clients.parse_code(words.split()[0])
    if client_id is not None:
        return await _client_by_id(update, context, client_id, refused=ConversationHandler.END)
    ref = await client_from_args(update, context, PREFIX, words, texts.REFER_ASK_CLIENT)
    return CLIENT if ref is None else await _client_chosen(update, context, ref)


async def start_from_client_card(update: Update, context: CaselineContext) -> int:
    """The client card's 📨 Refer button: `cf:refer:<client id>`."""
    context.require_actor()
    client_id = unpack(update.callback_query.data).int_arg()
    if client_id is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    _put(context, ReferralDraft())
    return await _client_by_id(
        update, context, client_id, refused=ConversationHandler.END, below=True
    )


async def _client_by_id(
    update: Update, context: CaselineContext, client_id: int, *, refused: int, below: bool = False
) -> int:
    """A client named by id (typed code or button): visible, or refused and audited."""
    chosen = await usecase.choose_client(context.services, context.require_actor(), client_id)
    if isinstance(chosen, Refused):
        refusal = texts.client_not_found(f"C-{client_id:04d}")
        if update.callback_query is not None:
            await answer(update, html.unescape(refusal), alert=True)
        else:
            await update.effective_message.reply_text(refusal)
        if refused == ConversationHandler.END:
            context.user_data.pop(DRAFT, None)
        return refused
    await answer(update)
    return await _listed(update, context, chosen.value, below=below)


async def _client_chosen(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    chosen = await usecase.choose_client(context.services, context.require_actor(), ref.id)
    if isinstance(chosen, Refused):
        return await _client_gone(update, context)
    return await _listed(update, context, chosen.value)


async def _listed(
    update: Update, context: CaselineContext, chosen: ClientReferrals, *, below: bool = False
) -> int:
    """The client's open referrals to open one, or on to a new one when there are none.
    `below`: answer under the pressed message (a client card) instead of editing it."""
    ref = ClientRef.of(chosen.client)
    _put(context, ReferralDraft(client=ref, below=below))
    if not chosen.open:
        return await _next(update, context)
    lines = [texts.refer_open_list(ref.code, privacy.client_name(ref), len(chosen.open))]
    rows = []
    for referral, resource in chosen.open:
        follow_up = _day(referral.follow_up_on) if referral.follow_up_on else None
        lines.append(texts.referral_line(referral.id, resource.name, referral.status, follow_up))
        label = texts.referral_button(referral.id, resource.name, referral.status)
        rows.append([_button(_short(label), "open", referral.id)])
    rows.append([_button(texts.NEW_REFERRAL, "new")])
    rows.append(_cancel_row())
    await _show(update, context, View("\n".join(lines), InlineKeyboardMarkup(rows)))
    return OPEN_LIST


async def _show(update: Update, context: CaselineContext, view: View) -> None:
    """The dialog's next message: edits the message whose button was pressed, except
    once after entering from a client card, which stays as it was."""
    draft = _draft(context)
    if draft.below and DRAFT in context.user_data:
        draft.below = False
        _put(context, draft)
        if update.callback_query is not None:
            await update.effective_message.reply_text(view.text, reply_markup=view.keyboard)
            return
    await show(update, view)


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


async def new_pressed(update: Update, context: CaselineContext) -> int:
    if _draft(context).client is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    await answer(update)
    return await _next(update, context)


async def open_pressed(update: Update, context: CaselineContext) -> int:
    """An open referral from the list: it must belong to the client of this dialog."""
    referral_id = unpack(update.callback_query.data).int_arg()
    client = _draft(context).client
    opened = await usecase.view_referral(
        context.services,
        context.require_actor(),
        referral_id,
        client_id=client.id if client else -1,
    )
    if isinstance(opened, Refused):
        await answer(update, texts.REFERRAL_GONE, alert=True)
        return OPEN_LIST
    if isinstance(opened, Stale):
        await answer(update, texts.STALE_BUTTON)
        return OPEN_LIST
    context.user_data.pop(DRAFT, None)
    await answer(update)
    await _show(update, context, _card(context, opened.value))
    return ConversationHandler.END


# ── the next missing step ──────────────────────────────────────────────────────


async def _next(update: Update, context: CaselineContext) -> int:
    """Ask for whatever the draft still lacks; confirm when nothing is missing."""
    draft = _draft(context)
    if draft.client is None:
        await ask_client(update, context, PREFIX, texts.REFER_ASK_CLIENT)
        return CLIENT
    if draft.consent is None:
        return await _check_consent(update, context, draft.client)
    if draft.resource is None:
        return await _ask_resource(update, context, draft.client)
    resource = draft.resource
    if draft.reason is None:
        view = View(texts.refer_ask_reason(resource.name), InlineKeyboardMarkup([_cancel_row()]))
        await _show(update, context, view)
        return REASON
    if draft.follow_up is None:
        rows = [[_button(label, "fu", code) for label, code in texts.FOLLOW_UP_CHOICES]]
        rows.append(_cancel_row())
        await _show(update, context, View(texts.refer_ask_follow_up(), InlineKeyboardMarkup(rows)))
        return FOLLOW_UP
    if resource.benefit and draft.applied is None:
        rows = [[_button(texts.APPLIED_TODAY, "app", "today")], _cancel_row()]
        view = View(texts.refer_ask_applied(resource.name), InlineKeyboardMarkup(rows))
        await _show(update, context, view)
        return APPLIED
    return await _confirm(update, context)


async def _check_consent(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    state = await usecase.consent_state(context.services, context.require_actor(), ref.id)
    if isinstance(state, Gone):
        return await _client_gone(update, context)
    if state.value.in_force is not None:
        consent = state.value.in_force
        draft = _draft(context)
        draft.consent = ConsentRef(consent.id, consent.scope)
        _put(context, draft)
        return await _next(update, context)
    refused = state.value.refused
    refused_on = _day(refused.recorded_at.astimezone(zone_of(context)).date()) if refused else None
    rows = [
        [
            _button(texts.CONSENT_GIVEN, "consent", "yes"),
            _button(texts.CONSENT_REFUSED, "consent", "no"),
        ],
        _cancel_row(),
    ]
    await _show(
        update,
        context,
        View(
            texts.no_consent(ref.code, privacy.client_name(ref), refused_on),
            InlineKeyboardMarkup(rows),
        ),
    )
    return CONSENT


async def _client_gone(update: Update, context: CaselineContext) -> int:
    context.user_data.pop(DRAFT, None)
    if update.callback_query is not None:
        await answer(update, texts.CLIENT_GONE, alert=True)
    else:
        await update.effective_message.reply_text(texts.CLIENT_GONE)
    return ConversationHandler.END


# ── consent ────────────────────────────────────────────────────────────────────


async def consent_answered(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    ref = _draft(context).client
    if ref is None or choice not in ("yes", "no"):
        await answer(update, texts.STALE_BUTTON)
        return CONSENT
    if choice == "yes":
        await answer(update)
        rows = [[_button(texts.CONSENT_STANDARD, "scope", "std")], _cancel_row()]
        await _show(
            update, context, View(texts.consent_ask_scope(ref.code), InlineKeyboardMarkup(rows))
        )
        return SCOPE
    recorded = await usecase.record_consent(
        context.services,
        context.require_actor(),
        ref.id,
        given=False,
        scope=texts.CONSENT_REFUSED_SCOPE,
    )
    if isinstance(recorded, Gone):
        return await _client_gone(update, context)
    context.user_data.pop(DRAFT, None)
    await answer(update)
    await _show(update, context, View(texts.consent_refused_recorded(ref.code)))
    return ConversationHandler.END


async def scope_pressed(update: Update, context: CaselineContext) -> int:
    # Answered by `_consent_given`: a client gone meanwhile must be said in the alert.
    return await _consent_given(update, context, texts.CONSENT_STANDARD)


async def scope_typed(update: Update, context: CaselineContext) -> int:
    scope = " ".join((update.effective_message.text or "").split())
    if not scope:
        await update.effective_message.reply_text(texts.CONSENT_SCOPE_EMPTY)
        return SCOPE
    return await _consent_given(update, context, scope[:SCOPE_MAX])


async def _consent_given(update: Update, context: CaselineContext, scope: str) -> int:
    ref = _draft(context).client
    if ref is None:
        return await _next(update, context)
    recorded = await usecase.record_consent(
        context.services, context.require_actor(), ref.id, given=True, scope=scope
    )
    if isinstance(recorded, Gone):
        return await _client_gone(update, context)
    await answer(update)
    draft = _draft(context)
    draft.consent = ConsentRef(recorded.value.id, scope)
    _put(context, draft)
    return await _next(update, context)


# ── the resource ───────────────────────────────────────────────────────────────


async def _ask_resource(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    categories = await directory.categories(context.services)
    if not categories:
        # Nothing to refer to: say so rather than wait for words that can find nothing.
        context.user_data.pop(DRAFT, None)
        await _show(update, context, View(texts.REFER_DIRECTORY_EMPTY))
        return ConversationHandler.END
    rows = category_rows(PREFIX, categories)
    rows.append(_cancel_row())
    consent = _draft(context).consent
    scope = consent.scope if consent else ""
    await _show(
        update,
        context,
        View(
            texts.refer_ask_resource(ref.code, privacy.client_name(ref), scope),
            InlineKeyboardMarkup(rows),
        ),
    )
    return RESOURCE


async def _show_results(update: Update, context: CaselineContext, page: int) -> int:
    search = _draft(context).search or Search()
    found = await directory.search(
        context.services,
        context.require_actor(),
        words=search.words,
        category=search.category,
        page=page,
        page_size=PAGE_SIZE,
        for_referral=True,
    )
    categories = [] if found.total else await directory.categories(context.services)
    rows = result_rows(
        found,
        lambda resource: pack(PREFIX, "res", resource.id),
        lambda number: pack(PREFIX, "pg", number),
    )
    rows += category_rows(PREFIX, categories)
    rows.append([_button(texts.CATEGORIES, "cats"), _button(texts.CANCEL, "cancel")])
    await _show(update, context, View(results_text(found), InlineKeyboardMarkup(rows)))
    return RESOURCE


async def resource_words(update: Update, context: CaselineContext) -> int:
    words = (update.effective_message.text or "").strip()[:SEARCH_TEXT_MAX]
    draft = _draft(context)
    draft.search = Search(words, None)
    _put(context, draft)
    return await _show_results(update, context, 0)


async def resource_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    draft = _draft(context)
    if draft.client is None or draft.consent is None:
        await answer(update, texts.STALE_BUTTON)
        return RESOURCE
    if pressed.action == "cats":
        await answer(update)
        return await _ask_resource(update, context, draft.client)
    if pressed.action == "cat":
        category = await directory.category_by_key(context.services, pressed.arg)
        if category is None:
            await answer(update, texts.STALE_BUTTON)
            return RESOURCE
        await answer(update)
        draft.search = Search("", category)
        _put(context, draft)
        return await _show_results(update, context, 0)
    if pressed.action == "pg":
        await answer(update)
        return await _show_results(update, context, pressed.int_arg() or 0)
    opened = await directory.open_resource(
        context.services, context.require_actor(), pressed.int_arg(), for_referral=True
    )
    if isinstance(opened, Gone):
        await answer(update, texts.RESOURCE_GONE, alert=True)
        return RESOURCE
    await answer(update)
    resource = opened.value
    draft.resource = ResourceRef(
        resource.id, resource.name, resource.category, resource.is_benefit_program
    )
    draft.search = None
    _put(context, draft)
    return await _next(update, context)


# ── reason, follow-up, application date ───────────────────────────────────────


async def reason_typed(update: Update, context: CaselineContext) -> int:
    reason = (update.effective_message.text or "").strip()
    if not reason:
        await update.effective_message.reply_text(texts.REFERRAL_REASON_EMPTY)
        return REASON
    if len(reason) > referrals.REASON_MAX:
        await update.effective_message.reply_text(texts.reason_too_long(referrals.REASON_MAX))
        return REASON
    draft = _draft(context)
    draft.reason = reason
    _put(context, draft)
    return await _next(update, context)


async def follow_up_pressed(update: Update, context: CaselineContext) -> int:
    step = FOLLOW_UPS.get(unpack(update.callback_query.data).arg)
    if step is None:
        await answer(update, texts.STALE_BUTTON)
        return FOLLOW_UP
    await answer(update)
    return await _follow_up_chosen(update, context, _today(context) + step)


async def _follow_up_chosen(update: Update, context: CaselineContext, day: date) -> int:
    """A follow-up day: a quick button (1 week …) or the date picker, which refused a
    day that has passed."""
    draft = _draft(context)
    draft.follow_up = day
    _put(context, draft)
    return await _next(update, context)


async def applied_today(update: Update, context: CaselineContext) -> int:
    await answer(update)
    return await _applied_chosen(update, context, _today(context))


async def _applied_chosen(update: Update, context: CaselineContext, day: date) -> int:
    """The application day: Today, or from the date picker (which refused a future day)."""
    draft = _draft(context)
    draft.applied = day
    _put(context, draft)
    return await _next(update, context)


# ── confirm and save ───────────────────────────────────────────────────────────


async def _confirm(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    assert draft.client and draft.resource and draft.reason and draft.follow_up
    applied = draft.applied if draft.resource.benefit else None
    text = texts.refer_confirm(
        draft.client.code,
        privacy.client_name(draft.client),
        draft.resource.name,
        draft.resource.category,
        draft.reason,
        _day(draft.follow_up),
        _day(applied) if applied else None,
    )
    rows = [[_button(texts.SEND_REFERRAL, "save")], _cancel_row()]
    await _show(update, context, View(text, InlineKeyboardMarkup(rows)))
    return CONFIRM


async def save(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    if not draft.ready():
        await answer(update, texts.REFERRAL_DRAFT_GONE)
        return await _next(update, context)
    assert draft.client and draft.resource and draft.reason and draft.follow_up
    made = await usecase.make_referral(
        context.services,
        context.require_actor(),
        client_id=draft.client.id,
        resource_id=draft.resource.id,
        reason=draft.reason,
        follow_up_on=draft.follow_up,
        application_date=draft.applied,
    )
    if isinstance(made, Refused):
        return await _client_gone(update, context)
    if isinstance(made, Invalid):
        if made.reason == usecase.NO_CONSENT:
            draft.consent = None
            toast = texts.CONSENT_GONE
        elif made.reason == usecase.NO_RESOURCE:
            draft.resource = None
            toast = texts.RESOURCE_GONE
        else:  # a benefit program now: ask the application date
            draft.resource = ResourceRef(
                draft.resource.id, draft.resource.name, draft.resource.category, True
            )
            toast = None
        _put(context, draft)
        await answer(update, toast, alert=toast is not None)
        return await _next(update, context)
    context.user_data.pop(DRAFT, None)
    await answer(update, texts.REFERRAL_SENT_TOAST)
    await show(update, _card(context, made.value))
    return ConversationHandler.END


# ── wiring ─────────────────────────────────────────────────────────────────────


def handler(timeout_minutes: int) -> ConversationHandler:
    """/refer, the client card's Refer button, and the card's Declined/Completed steps."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("refer", start),
            CallbackQueryHandler(start_from_client_card, pattern=pattern("cf") + "refer:"),
            CallbackQueryHandler(status_text_start, pattern=pattern(CARD) + "(decl|done):"),
        ],
        states={
            RESUME: [CallbackQueryHandler(resume_chosen, pattern=pattern(PREFIX) + "resume:")],
            CLIENT: client_step(PREFIX, CLIENT, _client_chosen, action="referral.create"),
            OPEN_LIST: [
                CallbackQueryHandler(new_pressed, pattern=pattern(PREFIX) + "new:"),
                CallbackQueryHandler(open_pressed, pattern=pattern(PREFIX) + "open:"),
                MessageHandler(other, use_buttons),
            ],
            CONSENT: [
                CallbackQueryHandler(consent_answered, pattern=pattern(PREFIX) + "consent:"),
                MessageHandler(other, use_buttons),
            ],
            SCOPE: [
                CallbackQueryHandler(scope_pressed, pattern=pattern(PREFIX) + "scope:"),
                MessageHandler(text, scope_typed),
                MessageHandler(other, text_expected),
            ],
            RESOURCE: [
                CallbackQueryHandler(
                    resource_pressed, pattern=pattern(PREFIX) + "(cat|cats|pg|res):"
                ),
                MessageHandler(text, resource_words),
                MessageHandler(other, text_expected),
            ],
            REASON: [MessageHandler(text, reason_typed), MessageHandler(other, text_expected)],
            FOLLOW_UP: [
                CallbackQueryHandler(follow_up_pressed, pattern=pattern(PREFIX) + "fu:"),
                *day_step(PREFIX, FOLLOW_UP, _follow_up_chosen, passed=texts.FOLLOW_UP_PAST),
            ],
            APPLIED: [
                CallbackQueryHandler(applied_today, pattern=pattern(PREFIX) + "app:"),
                *day_step(
                    PREFIX,
                    APPLIED,
                    _applied_chosen,
                    purpose="past",
                    ahead=texts.APPLIED_FUTURE,
                ),
            ],
            CONFIRM: [
                CallbackQueryHandler(save, pattern=pattern(PREFIX) + "save:"),
                MessageHandler(other, use_buttons),
            ],
            DECLINE_REASON: [
                CallbackQueryHandler(decline_reason_pressed, pattern=pattern(PREFIX) + "why:"),
                MessageHandler(text, decline_reason_typed),
                MessageHandler(other, text_expected),
            ],
            OUTCOME: [MessageHandler(text, outcome_typed), MessageHandler(other, text_expected)],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )


def button_handlers() -> list[BaseHandler]:
    """The referral card's one-step buttons (register after `handler`)."""
    return [CallbackQueryHandler(card_button, pattern=pattern(CARD) + "(o|acc|wd|wdy):")]
