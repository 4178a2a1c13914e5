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

Decisions:
- The dialog asks only for what its draft still lacks (`_next`), so a kept draft resumes at
  the right step and a consent that disappears before saving sends the worker back to it.
- Consent: `storage.consents.may_share` on the worker's local today. Without one the worker
  may record it on the spot (given → its scope, typed or the standard one; refused → the
  refusal is recorded and the dialog ends: no referral may share the client's data). The
  consent is checked again when the referral is saved, and its id is stored with it.
- Follow-up: a calendar day; 1 week / 2 weeks / 1 month (calendar month) or typed (ui.dates,
  purpose "future"; a past day is refused). Benefit programs also ask the application date
  (Today, or typed with purpose "past").
- The referral's worker is the one who made it: the morning agenda reminds them of the
  follow-up (bot/reminders/planning.py).
- Every press is re-checked on the server: the client must be visible to the actor
  (`storage.clients.get_visible`), a referral is reached through its client
  (`storage.referrals.get_visible`), and an open referral listed for one client must belong
  to it. A refused look or change is audited with allowed=False (referral.create for a
  client the worker may not see, referral.view, referral.accept …).
- Status buttons carry the status the card showed (`rc:acc:<id>:sent`); the change is a
  compare-and-set in storage, so a stale card, a forged transition or two people pressing
  at once change nothing: the worker gets the card as it is now.
- Audit: referral.create, consent.record, referral.view, referral.accept / .decline /
  .complete / .withdraw (detail: from, to).
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.resources import category_rows, result_rows, results_text
from conversations import drafts
from conversations.common import conversation, text_expected, use_buttons
from conversations.pickers import (
    ClientRef,
    ask_client,
    client_from_text,
    moment_from_stamp,
    moment_from_text,
    not_a_client,
)
from storage import audit, caseload, clients, consents, referrals
from storage import resources as directory
from storage.consents import SCOPE_MAX
from storage.models import Client, Referral, ReferralStatus, Resource
from ui import texts
from ui.callbacks import pack, pattern, read_id, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show
from ui.views import View

(
    RESUME,
    CLIENT,
    OPEN_LIST,
    CONSENT,
    SCOPE,
    RESOURCE,
    REASON,
    FOLLOW_UP,
    APPLIED,
    CONFIRM,
    DECLINE_REASON,
    OUTCOME,
) = range(12)
PREFIX = "rf"
CARD = "rc"
# The draft key doubles as the command named in "send /refer to pick it up again".
DRAFT = "refer"
PAGE_SIZE = 6
FOLLOW_UPS = {
    "1w": relativedelta(weeks=1),
    "2w": relativedelta(weeks=2),
    "1m": relativedelta(months=1),
}
# Card buttons: action → the status it moves to.
MOVES = {
    "acc": ReferralStatus.ACCEPTED,
    "decl": ReferralStatus.DECLINED,
    "done": ReferralStatus.COMPLETED,
    "wd": ReferralStatus.WITHDRAWN,
    "wdy": ReferralStatus.WITHDRAWN,
}
ACTION_OF = {
    ReferralStatus.ACCEPTED: "acc",
    ReferralStatus.DECLINED: "decl",
    ReferralStatus.COMPLETED: "done",
    ReferralStatus.WITHDRAWN: "wd",
}
AUDIT_OF = {
    ReferralStatus.ACCEPTED: "referral.accept",
    ReferralStatus.DECLINED: "referral.decline",
    ReferralStatus.COMPLETED: "referral.complete",
    ReferralStatus.WITHDRAWN: "referral.withdraw",
}


def _draft(context: CaselineContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def _cancel_row() -> list[InlineKeyboardButton]:
    return [_button(texts.CANCEL, "cancel")]


def _today(context: CaselineContext) -> date:
    return context.services.clock.now().astimezone(zone_of(context)).date()


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _id_and_status(arg: str) -> tuple[int | None, str | None]:
    """`<referral id>:<status>` from a card button; None for anything forged."""
    raw_id, _, status = arg.partition(":")
    referral_id = read_id(raw_id)
    return referral_id, status if status in set(ReferralStatus) else None


# ── the referral card ──────────────────────────────────────────────────────────


def referral_card(referral: Referral, client: Client, resource: Resource, zone) -> View:
    """A referral as its worker sees it, with buttons for the allowed next steps only."""
    lines = [
        texts.referral_title(referral.id, client.code, client.name),
        f"→ {html.escape(resource.name)} ({html.escape(resource.category)})",
        f"{texts.REASON}: {html.escape(referral.reason)}",
        f"{texts.REFERRAL_STATUS_NAMES.get(referral.status, referral.status)} · "
        f"{_day(referral.created_at.astimezone(zone).date())}",
    ]
    if referral.follow_up_on and referral.status in referrals.OPEN:
        lines.append(f"{texts.FOLLOW_UP}: {_day(referral.follow_up_on)}")
    if referral.application_date:
        lines.append(f"{texts.APPLICATION_MADE}: {_day(referral.application_date)}")
    if referral.decline_reason:
        lines.append(f"{texts.DECLINED_BECAUSE}: {html.escape(referral.decline_reason)}")
    if referral.outcome:
        lines.append(f"{texts.OUTCOME}: {html.escape(referral.outcome)}")
    moves = [
        InlineKeyboardButton(
            texts.STATUS_BUTTONS[to],
            callback_data=pack(CARD, ACTION_OF[to], f"{referral.id}:{referral.status}"),
        )
        for to in referrals.NEXT.get(referral.status, ())
    ]
    rows = [moves] if moves else []
    rows.append([InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "o", client.id))])
    return View("\n".join(lines), InlineKeyboardMarkup(rows))


# ── entry ──────────────────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    context.require_actor()
    if context.args:
        return await _start_with(update, context, " ".join(context.args))
    kept = drafts.kept(context, DRAFT)
    if kept and "client" in kept:
        ref = ClientRef.from_json(kept["client"])
        keyboard = InlineKeyboardMarkup(
            [[_button(texts.RESUME, "resume", "yes"), _button(texts.DISCARD, "resume", "no")]]
        )
        await update.effective_message.reply_text(
            texts.refer_draft_kept(ref.code, ref.name), reply_markup=keyboard
        )
        return RESUME
    context.user_data[DRAFT] = {}
    await ask_client(update, context, PREFIX, texts.REFER_ASK_CLIENT)
    return CLIENT


async def resume_chosen(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data).arg
    kept = drafts.take(context, DRAFT)
    await answer(update)
    if choice == "yes" and kept:
        kept.pop("kept_at", None)
        context.user_data[DRAFT] = kept
        return await _next(update, context)
    context.user_data[DRAFT] = {}
    await update.callback_query.edit_message_text(texts.DRAFT_DISCARDED)
    await ask_client(update, context, PREFIX, texts.REFER_ASK_CLIENT)
    return CLIENT


async def _start_with(update: Update, context: CaselineContext, words: str) -> int:
    actor = context.require_actor()
    context.user_data[DRAFT] = {}
    client_id = clients.parse_code(words.split()[0])
    if client_id is not None:
        return await _client_by_id(update, context, client_id, refused=ConversationHandler.END)
    async with context.services.db.session() as session:
        found = await clients.search(session, actor, words)
    if len(found) == 1:
        return await _client_chosen(update, context, ClientRef.of(found[0]))
    await ask_client(update, context, PREFIX, texts.REFER_ASK_CLIENT)
    return CLIENT


async def start_from_client_card(update: Update, context: CaselineContext) -> int:
    """The client card's 📨 Refer button: `cf:refer:<client id>`."""
    context.require_actor()
    client_id = unpack(update.callback_query.data).int_arg()
    if client_id is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    return await _client_by_id(
        update, context, client_id, refused=ConversationHandler.END, below=True
    )


async def _client_by_id(
    update: Update, context: CaselineContext, client_id: int, *, refused: int, below: bool = False
) -> int:
    """A client named by id (typed code or button): visible, or refused and audited."""
    actor = context.require_actor()
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await caseload.refuse(session, actor, client_id, "referral.create", now=now)
    if client is None:
        refusal = texts.client_not_found(f"C-{client_id:04d}")
        if update.callback_query is not None:
            await answer(update, html.unescape(refusal), alert=True)
        else:
            await update.effective_message.reply_text(refusal)
        if refused == ConversationHandler.END:
            context.user_data.pop(DRAFT, None)
        return refused
    await answer(update)
    return await _client_chosen(update, context, ClientRef.of(client), below=below)


async def client_pressed(update: Update, context: CaselineContext) -> int:
    client_id = unpack(update.callback_query.data).int_arg()
    if client_id is None:
        await answer(update, texts.STALE_BUTTON)
        return CLIENT
    return await _client_by_id(update, context, client_id, refused=CLIENT)


async def client_typed(update: Update, context: CaselineContext) -> int:
    ref = await client_from_text(update, context, PREFIX)
    return CLIENT if ref is None else await _client_chosen(update, context, ref)


async def _client_chosen(
    update: Update, context: CaselineContext, ref: ClientRef, *, below: bool = False
) -> int:
    """`below`: answer under the pressed message (a client card) instead of editing it."""
    context.user_data[DRAFT] = {"client": ref.to_json()} | ({"below": True} if below else {})
    async with context.services.db.session() as session:
        listed = await referrals.open_for_client(session, ref.id)
    if not listed:
        return await _next(update, context)
    lines = [texts.refer_open_list(ref.code, ref.name, len(listed))]
    rows = []
    for referral, resource in listed:
        follow_up = _day(referral.follow_up_on) if referral.follow_up_on else None
        lines.append(texts.referral_line(referral.id, resource.name, referral.status, follow_up))
        rows.append(
            [
                _button(
                    _short(texts.referral_button(referral.id, resource.name, referral.status)),
                    "open",
                    referral.id,
                )
            ]
        )
    rows.append([_button(texts.NEW_REFERRAL, "new")])
    rows.append(_cancel_row())
    await _show(update, context, View("\n".join(lines), InlineKeyboardMarkup(rows)))
    return OPEN_LIST


async def _show(update: Update, context: CaselineContext, view: View) -> None:
    """The dialog's next message: edits the message whose button was pressed, except
    once after entering from a client card, which stays as it was."""
    below = (context.user_data.get(DRAFT) or {}).pop("below", False)
    if below and update.callback_query is not None:
        await update.effective_message.reply_text(view.text, reply_markup=view.keyboard)
        return
    await show(update, view)


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


async def new_pressed(update: Update, context: CaselineContext) -> int:
    if "client" not in _draft(context):
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    await answer(update)
    return await _next(update, context)


async def open_pressed(update: Update, context: CaselineContext) -> int:
    """An open referral from the list: it must belong to the client of this dialog."""
    referral_id = unpack(update.callback_query.data).int_arg()
    client = _draft(context).get("client")
    client_id = ClientRef.from_json(client).id if client else None
    found = await _visible_referral(update, context, referral_id, "referral.view")
    if found is None:
        return OPEN_LIST
    referral, owner, resource = found
    if owner.id != client_id:
        await answer(update, texts.STALE_BUTTON)
        return OPEN_LIST
    context.user_data.pop(DRAFT, None)
    await answer(update)
    await _show(update, context, referral_card(referral, owner, resource, zone_of(context)))
    return ConversationHandler.END


# ── the next missing step ──────────────────────────────────────────────────────


async def _next(update: Update, context: CaselineContext) -> int:
    """Ask for whatever the draft still lacks; confirm when nothing is missing."""
    draft = _draft(context)
    if "client" not in draft:
        await ask_client(update, context, PREFIX, texts.REFER_ASK_CLIENT)
        return CLIENT
    ref = ClientRef.from_json(draft["client"])
    if "consent" not in draft:
        return await _check_consent(update, context, ref)
    if "resource" not in draft:
        return await _ask_resource(update, context, ref)
    resource = draft["resource"]
    if "reason" not in draft:
        await _show(
            update,
            context,
            View(texts.refer_ask_reason(resource["name"]), InlineKeyboardMarkup([_cancel_row()])),
        )
        return REASON
    if "follow_up" not in draft:
        rows = [[_button(label, "fu", code) for label, code in texts.FOLLOW_UP_CHOICES]]
        rows.append(_cancel_row())
        await _show(update, context, View(texts.refer_ask_follow_up(), InlineKeyboardMarkup(rows)))
        return FOLLOW_UP
    if resource.get("benefit") and "applied" not in draft:
        rows = [[_button(texts.APPLIED_TODAY, "app", "today")], _cancel_row()]
        await _show(
            update,
            context,
            View(texts.refer_ask_applied(resource["name"]), InlineKeyboardMarkup(rows)),
        )
        return APPLIED
    return await _confirm(update, context)


async def _check_consent(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    actor = context.require_actor()
    today = _today(context)
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id)
        consent = await consents.may_share(session, ref.id, today) if client else None
        latest = await consents.current(session, ref.id, today) if client and not consent else None
    if client is None:
        return await _client_gone(update, context)
    draft = _draft(context)
    if consent is not None:
        draft["consent"] = {"id": consent.id, "scope": consent.scope}
        return await _next(update, context)
    refused_on = (
        _day(latest.recorded_at.astimezone(zone_of(context)).date())
        if latest is not None and not latest.given
        else None
    )
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
        View(texts.no_consent(ref.code, ref.name, refused_on), InlineKeyboardMarkup(rows)),
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
    draft = _draft(context)
    if "client" not in draft or choice not in ("yes", "no"):
        await answer(update, texts.STALE_BUTTON)
        return CONSENT
    ref = ClientRef.from_json(draft["client"])
    if choice == "yes":
        await answer(update)
        rows = [[_button(texts.CONSENT_STANDARD, "scope", "std")], _cancel_row()]
        await _show(
            update, context, View(texts.consent_ask_scope(ref.code), InlineKeyboardMarkup(rows))
        )
        return SCOPE
    if not await _record_consent(
        update, context, ref, given=False, scope=texts.CONSENT_REFUSED_SCOPE
    ):
        return await _client_gone(update, context)
    context.user_data.pop(DRAFT, None)
    await answer(update)
    await _show(update, context, View(texts.consent_refused_recorded(ref.code)))
    return ConversationHandler.END


async def scope_pressed(update: Update, context: CaselineContext) -> int:
    await answer(update)
    return await _consent_given(update, context, texts.CONSENT_STANDARD)


async def scope_typed(update: Update, context: CaselineContext) -> int:
    scope = " ".join((update.effective_message.text or "").split())
    if not scope:
        await update.effective_message.reply_text(texts.CONSENT_SCOPE_EMPTY)
        return SCOPE
    return await _consent_given(update, context, scope[:SCOPE_MAX])


async def _consent_given(update: Update, context: CaselineContext, scope: str) -> int:
    draft = _draft(context)
    if "client" not in draft:
        return await _next(update, context)
    ref = ClientRef.from_json(draft["client"])
    consent_id = await _record_consent(update, context, ref, given=True, scope=scope)
    if consent_id is None:
        return await _client_gone(update, context)
    draft["consent"] = {"id": consent_id, "scope": scope}
    return await _next(update, context)


async def _record_consent(
    update: Update, context: CaselineContext, ref: ClientRef, *, given: bool, scope: str
) -> int | None:
    """Record the decision for a client the actor may see; its id, or None if refused."""
    actor = context.require_actor()
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id)
        if client is None:
            return None
        consent = await consents.record(
            session, client_id=client.id, given=given, scope=scope, recorded_by_id=actor.id, now=now
        )
        await audit.record(
            session,
            "consent.record",
            now=now,
            actor_id=actor.id,
            subject_type="consent",
            subject_id=consent.id,
            client_id=client.id,
            detail={"given": given, "via": "referral"},
        )
        return consent.id


# ── the resource ───────────────────────────────────────────────────────────────


async def _ask_resource(update: Update, context: CaselineContext, ref: ClientRef) -> int:
    async with context.services.db.session() as session:
        categories = await directory.categories(session)
    if not categories:
        # Nothing to refer to: say so rather than wait for words that can find nothing.
        context.user_data.pop(DRAFT, None)
        await _show(update, context, View(texts.REFER_DIRECTORY_EMPTY))
        return ConversationHandler.END
    rows = category_rows(PREFIX, categories)
    rows.append(_cancel_row())
    consent = _draft(context)["consent"]["scope"]
    await _show(
        update,
        context,
        View(texts.refer_ask_resource(ref.code, ref.name, consent), InlineKeyboardMarkup(rows)),
    )
    return RESOURCE


async def _show_results(update: Update, context: CaselineContext, page: int) -> int:
    search = _draft(context).get("search") or {"w": "", "c": None}
    async with context.services.db.session() as session:
        found = await directory.search(
            session, words=search["w"], category=search["c"], page=page, page_size=PAGE_SIZE
        )
        categories = [] if found.total else await directory.categories(session)
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
    words = (update.effective_message.text or "").strip()[: directory.SEARCH_TEXT_MAX]
    _draft(context)["search"] = {"w": words, "c": None}
    return await _show_results(update, context, 0)


async def resource_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    draft = _draft(context)
    if "client" not in draft or "consent" not in draft:
        await answer(update, texts.STALE_BUTTON)
        return RESOURCE
    if pressed.action == "cats":
        await answer(update)
        return await _ask_resource(update, context, ClientRef.from_json(draft["client"]))
    if pressed.action == "cat":
        async with context.services.db.session() as session:
            category = await directory.category_by_key(session, pressed.arg)
        if category is None:
            await answer(update, texts.STALE_BUTTON)
            return RESOURCE
        await answer(update)
        draft["search"] = {"w": "", "c": category}
        return await _show_results(update, context, 0)
    if pressed.action == "pg":
        await answer(update)
        return await _show_results(update, context, pressed.int_arg() or 0)
    resource_id = pressed.int_arg()
    async with context.services.db.session() as session:
        resource = await directory.get(session, resource_id) if resource_id else None
    if resource is None or not resource.active:
        await answer(update, texts.RESOURCE_GONE, alert=True)
        return RESOURCE
    await answer(update)
    draft["resource"] = {
        "id": resource.id,
        "name": resource.name,
        "category": resource.category,
        "benefit": resource.is_benefit_program,
    }
    draft.pop("search", None)
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
    _draft(context)["reason"] = reason
    return await _next(update, context)


async def follow_up_pressed(update: Update, context: CaselineContext) -> int:
    step = FOLLOW_UPS.get(unpack(update.callback_query.data).arg)
    if step is None:
        await answer(update, texts.STALE_BUTTON)
        return FOLLOW_UP
    await answer(update)
    return await _follow_up_chosen(update, context, _today(context) + step)


async def follow_up_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "future")
    if parsed is None:
        return FOLLOW_UP
    return await _follow_up_chosen(update, context, parsed.local.date())


async def follow_up_option(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None:
        return FOLLOW_UP
    return await _follow_up_chosen(update, context, moment.astimezone(zone_of(context)).date())


async def _follow_up_chosen(update: Update, context: CaselineContext, day: date) -> int:
    if day < _today(context):
        await update.effective_message.reply_text(texts.FOLLOW_UP_PAST)
        return FOLLOW_UP
    _draft(context)["follow_up"] = day.isoformat()
    return await _next(update, context)


async def applied_today(update: Update, context: CaselineContext) -> int:
    await answer(update)
    return await _applied_chosen(update, context, _today(context))


async def applied_typed(update: Update, context: CaselineContext) -> int:
    parsed = await moment_from_text(update, context, PREFIX, "past")
    if parsed is None:
        return APPLIED
    return await _applied_chosen(update, context, parsed.local.date())


async def applied_option(update: Update, context: CaselineContext) -> int:
    moment = moment_from_stamp(update, context)
    await answer(update)
    if moment is None:
        return APPLIED
    return await _applied_chosen(update, context, moment.astimezone(zone_of(context)).date())


async def _applied_chosen(update: Update, context: CaselineContext, day: date) -> int:
    if day > _today(context):
        await update.effective_message.reply_text(texts.APPLIED_FUTURE)
        return APPLIED
    _draft(context)["applied"] = day.isoformat()
    return await _next(update, context)


# ── confirm and save ───────────────────────────────────────────────────────────


async def _confirm(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    ref = ClientRef.from_json(draft["client"])
    resource = draft["resource"]
    applied = draft.get("applied") if resource.get("benefit") else None
    text = texts.refer_confirm(
        ref.code,
        ref.name,
        resource["name"],
        resource["category"],
        draft["reason"],
        _day(date.fromisoformat(draft["follow_up"])),
        _day(date.fromisoformat(applied)) if applied else None,
    )
    rows = [[_button(texts.SEND_REFERRAL, "save")], _cancel_row()]
    await _show(update, context, View(text, InlineKeyboardMarkup(rows)))
    return CONFIRM


async def save(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = dict(_draft(context))
    if not {"client", "consent", "resource", "reason", "follow_up"} <= draft.keys():
        await answer(update, texts.REFERRAL_DRAFT_GONE)
        return await _next(update, context)
    ref = ClientRef.from_json(draft["client"])
    now = context.services.clock.now()
    today = _today(context)
    problem: str | None = None
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id)
        resource = await directory.get(session, draft["resource"]["id"])
        consent = await consents.may_share(session, ref.id, today) if client else None
        if client is None:
            await caseload.refuse(session, actor, ref.id, "referral.create", now=now)
            problem = "client"
        elif consent is None:
            problem = "consent"
        elif resource is None or not resource.active:
            problem = "resource"
        else:
            applied = draft.get("applied") if resource.is_benefit_program else None
            if resource.is_benefit_program and applied is None:
                problem = "applied"
            else:
                referral = await referrals.create(
                    session,
                    client=client,
                    resource=resource,
                    worker_id=actor.id,
                    consent=consent,
                    reason=draft["reason"],
                    now=now,
                    follow_up_on=date.fromisoformat(draft["follow_up"]),
                    application_date=date.fromisoformat(applied) if applied else None,
                )
                await audit.record(
                    session,
                    "referral.create",
                    now=now,
                    actor_id=actor.id,
                    subject_type="referral",
                    subject_id=referral.id,
                    client_id=client.id,
                    detail={
                        "resource_id": resource.id,
                        "consent_id": consent.id,
                        "benefit": resource.is_benefit_program,
                    },
                )
    live = _draft(context)
    if problem == "client":
        return await _client_gone(update, context)
    if problem == "consent":
        live.pop("consent", None)
        await answer(update, texts.CONSENT_GONE, alert=True)
        return await _next(update, context)
    if problem == "resource":
        live.pop("resource", None)
        await answer(update, texts.RESOURCE_GONE, alert=True)
        return await _next(update, context)
    if problem == "applied":
        live["resource"]["benefit"] = True
        await answer(update)
        return await _next(update, context)
    context.user_data.pop(DRAFT, None)
    await answer(update, texts.REFERRAL_SENT_TOAST)
    await show(update, referral_card(referral, client, resource, zone_of(context)))
    return ConversationHandler.END


# ── status changes from the card ───────────────────────────────────────────────


async def _visible_referral(
    update: Update, context: CaselineContext, referral_id: int | None, action: str
) -> tuple[Referral, Client, Resource] | None:
    """The referral if the actor may see its client; else refused, audited and None."""
    actor = context.require_actor()
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        found = await referrals.get_visible(session, actor, referral_id) if referral_id else None
        if found is None:
            owner = await referrals.client_of(session, referral_id) if referral_id else None
            await audit.refused(
                session,
                action,
                now=now,
                actor_id=actor.id,
                subject_type="referral",
                subject_id=referral_id,
                client_id=owner,
            )
        elif action == "referral.view":
            await audit.record(
                session,
                action,
                now=now,
                actor_id=actor.id,
                subject_type="referral",
                subject_id=found[0].id,
                client_id=found[1].id,
            )
    if found is None:
        await answer(update, texts.REFERRAL_GONE, alert=True)
    return found


async def _refuse_stale(
    update: Update,
    context: CaselineContext,
    found: tuple[Referral, Client, Resource],
    *,
    expected: str | None,
    to: str,
) -> None:
    """A press that no longer fits the referral: audited, and the card shown as it is."""
    actor = context.require_actor()
    referral, client, resource = found
    async with context.services.db.session() as session:
        await audit.refused(
            session,
            AUDIT_OF[to],
            now=context.services.clock.now(),
            actor_id=actor.id,
            subject_type="referral",
            subject_id=referral.id,
            client_id=client.id,
            # "from" is a Python keyword, hence the dict: the same detail as an allowed move.
            **{"from": expected, "to": to, "status": referral.status, "reason": "stale"},
        )
    await answer(update, texts.REFERRAL_CHANGED, alert=True)
    await show(update, referral_card(referral, client, resource, zone_of(context)))


async def card_button(update: Update, context: CaselineContext) -> None:
    """Open a card (`rc:o:<id>`), accept (`rc:acc:<id>:<from>`), withdraw (`rc:wd` asks,
    `rc:wdy` does it). Declined and Completed need text: see `status_text_start`."""
    pressed = unpack(update.callback_query.data)
    if pressed.action == "o":
        found = await _visible_referral(update, context, pressed.int_arg(), "referral.view")
        if found is not None:
            await answer(update)
            await show(update, referral_card(*found, zone_of(context)))
        return
    to = MOVES.get(pressed.action)
    if to is None:
        await answer(update, texts.STALE_BUTTON)
        return
    referral_id, expected = _id_and_status(pressed.arg)
    found = await _visible_referral(update, context, referral_id, AUDIT_OF[to])
    if found is None:
        return
    referral, client, resource = found
    if expected is None or referral.status != expected or not referrals.allowed(expected, to):
        await _refuse_stale(update, context, found, expected=expected, to=to)
        return
    if pressed.action == "wd":
        await answer(update)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.WITHDRAW_CONFIRM,
                        callback_data=pack(CARD, "wdy", f"{referral.id}:{referral.status}"),
                    ),
                    InlineKeyboardButton(texts.BACK, callback_data=pack(CARD, "o", referral.id)),
                ]
            ]
        )
        await update.callback_query.edit_message_text(
            referral_card(*found, zone_of(context)).text
            + "\n\n"
            + texts.withdraw_question(referral.id),
            reply_markup=keyboard,
        )
        return
    await _change(update, context, found, expected=expected, to=to)


async def _change(
    update: Update,
    context: CaselineContext,
    found: tuple[Referral, Client, Resource],
    *,
    expected: str,
    to: str,
    decline_reason: str | None = None,
    outcome: str | None = None,
) -> bool:
    actor = context.require_actor()
    referral, client, resource = found
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        changed = await referrals.change_status(
            session,
            referral.id,
            expected=expected,
            to=to,
            now=now,
            decline_reason=decline_reason,
            outcome=outcome,
        )
        await audit.record(
            session,
            AUDIT_OF[to],
            now=now,
            actor_id=actor.id,
            subject_type="referral",
            subject_id=referral.id,
            client_id=client.id,
            allowed=changed,
            detail={"from": expected, "to": to} | ({} if changed else {"reason": "stale"}),
        )
        current = await referrals.get_visible(session, actor, referral.id)
    view = referral_card(*(current or found), zone_of(context))
    await answer(
        update, texts.STATUS_TOASTS[to] if changed else texts.REFERRAL_CHANGED, alert=not changed
    )
    await show(update, view)
    return changed


async def status_text_start(update: Update, context: CaselineContext) -> int:
    """🚫 Declined / 🏁 Completed on a card: ask the reason or the outcome."""
    pressed = unpack(update.callback_query.data)
    to = MOVES[pressed.action]
    referral_id, expected = _id_and_status(pressed.arg)
    found = await _visible_referral(update, context, referral_id, AUDIT_OF[to])
    if found is None:
        return ConversationHandler.END
    referral = found[0]
    if expected is None or referral.status != expected or not referrals.allowed(expected, to):
        await _refuse_stale(update, context, found, expected=expected, to=to)
        return ConversationHandler.END
    await answer(update)
    context.user_data[DRAFT] = {"referral": referral.id, "expected": expected, "to": to}
    if to == ReferralStatus.DECLINED:
        rows = [[_button(label, "why", code)] for code, label in texts.DECLINE_REASONS.items()]
        rows.append(_cancel_row())
        await update.effective_message.reply_text(
            texts.ASK_DECLINE_REASON, reply_markup=InlineKeyboardMarkup(rows)
        )
        return DECLINE_REASON
    await update.effective_message.reply_text(
        texts.ASK_OUTCOME, reply_markup=InlineKeyboardMarkup([_cancel_row()])
    )
    return OUTCOME


async def decline_reason_pressed(update: Update, context: CaselineContext) -> int:
    reason = texts.DECLINE_REASONS.get(unpack(update.callback_query.data).arg)
    if reason is None:
        await answer(update, texts.STALE_BUTTON)
        return DECLINE_REASON
    return await _finish_status(update, context, reason)


async def decline_reason_typed(update: Update, context: CaselineContext) -> int:
    reason = " ".join((update.effective_message.text or "").split())
    if not reason:
        await update.effective_message.reply_text(texts.DECLINE_REASON_EMPTY)
        return DECLINE_REASON
    return await _finish_status(update, context, reason[: referrals.REASON_MAX])


async def outcome_typed(update: Update, context: CaselineContext) -> int:
    outcome = (update.effective_message.text or "").strip()
    if not outcome:
        await update.effective_message.reply_text(texts.OUTCOME_EMPTY)
        return OUTCOME
    return await _finish_status(update, context, outcome[: referrals.OUTCOME_MAX])


async def _finish_status(update: Update, context: CaselineContext, text: str) -> int:
    draft = context.user_data.pop(DRAFT, None) or {}
    to = draft.get("to")
    if to not in (ReferralStatus.DECLINED, ReferralStatus.COMPLETED):
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    found = await _visible_referral(update, context, draft.get("referral"), AUDIT_OF[to])
    if found is None:
        return ConversationHandler.END
    await _change(
        update,
        context,
        found,
        expected=draft["expected"],
        to=to,
        decline_reason=text if to == ReferralStatus.DECLINED else None,
        outcome=text if to == ReferralStatus.COMPLETED else None,
    )
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
            CLIENT: [
                CallbackQueryHandler(client_pressed, pattern=pattern(PREFIX) + "client:"),
                MessageHandler(text, client_typed),
                MessageHandler(other, not_a_client),
            ],
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
                CallbackQueryHandler(follow_up_option, pattern=pattern(PREFIX) + "at:"),
                MessageHandler(text, follow_up_typed),
                MessageHandler(other, text_expected),
            ],
            APPLIED: [
                CallbackQueryHandler(applied_today, pattern=pattern(PREFIX) + "app:"),
                CallbackQueryHandler(applied_option, pattern=pattern(PREFIX) + "at:"),
                MessageHandler(text, applied_typed),
                MessageHandler(other, text_expected),
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


def button_handlers() -> list:
    """The referral card's one-step buttons (register after `handler`)."""
    return [CallbackQueryHandler(card_button, pattern=pattern(CARD) + "(o|acc|wd|wdy):")]
