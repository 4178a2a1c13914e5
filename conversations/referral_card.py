"""The referral card's moves: accept, withdraw (asked once more), decline with a reason,
complete with an outcome.

    card (rc): sent ─► ✅ Accepted │ 🚫 Declined │ ↩ Withdraw (asks once more)
               accepted ─► 🏁 Completed │ ↩ Withdraw
        🚫 Declined ─► DECLINE_REASON ─(tap a reason │ typed)─► card, END
        🏁 Completed ─► OUTCOME ─(typed)─► card, END

Accept and withdraw are one-step buttons (`card_button`); Declined and Completed open
the /refer conversation at DECLINE_REASON or OUTCOME (`status_text_start`), so the
steps are wired in conversations/referral.py. Every move goes through
`domain.usecases.referrals` (check_move before asking, move_referral to move): a button
carries the status the card showed, and a stale or forged one changes nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from conversations.referral_draft import DRAFT, PREFIX, ReferralDraft
from domain.results import Refused, Saved, Stale
from domain.rules import referrals as rule
from domain.usecases import referrals as usecase
from domain.usecases.referrals import ReferralCard
from storage import referrals
from storage.kinds import ReferralStatus
from ui import texts
from ui.callbacks import pack, read_id, unpack
from ui.context import CaselineContext, zone_of
from ui.referral_views import MOVES, referral_card, withdraw_view
from ui.replies import answer, show
from ui.views import View

# The /refer conversation's states for a move's words (after its own ten).
DECLINE_REASON, OUTCOME = 10, 11


def _id_and_status(arg: str) -> tuple[int | None, str | None]:
    """`<referral id>:<status>` from a card button; None for anything forged."""
    raw_id, _, status = arg.partition(":")
    referral_id = read_id(raw_id)
    return referral_id, status if status in set(ReferralStatus) else None


def _cancel_row() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(texts.CANCEL, callback_data=pack(PREFIX, "cancel", ""))]


def _card(context: CaselineContext, card: ReferralCard) -> View:
    return referral_card(card.referral, card.client, card.resource, zone_of(context))


async def _refused_or_stale(
    update: Update, context: CaselineContext, result: Refused | Stale[ReferralCard]
) -> None:
    if isinstance(result, Refused):
        await answer(update, texts.REFERRAL_GONE, alert=True)
        return
    await answer(update, texts.REFERRAL_CHANGED, alert=True)
    await show(update, _card(context, result.current))


async def card_button(update: Update, context: CaselineContext) -> None:
    """Open a card (`rc:o:<id>`), accept (`rc:acc:<id>:<from>`), withdraw (`rc:wd` asks,
    `rc:wdy` does it). Declined and Completed need text: see `status_text_start`."""
    actor = context.require_actor()
    pressed = unpack(update.callback_query.data)
    if pressed.action == "o":
        opened = await usecase.view_referral(context.services, actor, pressed.int_arg())
        if isinstance(opened, Saved):
            await answer(update)
            await show(update, _card(context, opened.value))
        else:
            await answer(update, texts.REFERRAL_GONE, alert=True)
        return
    to = MOVES.get(pressed.action)
    if to is None:
        await answer(update, texts.STALE_BUTTON)
        return
    referral_id, expected = _id_and_status(pressed.arg)
    if pressed.action == "wd":
        checked = await usecase.check_move(
            context.services, actor, referral_id, expected=expected, to=to
        )
        if not isinstance(checked, Saved):
            await _refused_or_stale(update, context, checked)
            return
        await answer(update)
        card = checked.value
        await show(
            update, withdraw_view(card.referral, card.client, card.resource, zone_of(context))
        )
        return
    moved = await usecase.move_referral(
        context.services, actor, referral_id, expected=expected, to=to
    )
    await _moved(update, context, moved, to)


async def _moved(
    update: Update,
    context: CaselineContext,
    moved: Saved[ReferralCard] | Refused | Stale[ReferralCard],
    to: str,
) -> None:
    if not isinstance(moved, Saved):
        await _refused_or_stale(update, context, moved)
        return
    await answer(update, texts.STATUS_TOASTS[ReferralStatus(to)])
    await show(update, _card(context, moved.value))


async def status_text_start(update: Update, context: CaselineContext) -> int:
    """🚫 Declined / 🏁 Completed on a card: ask the reason or the outcome."""
    pressed = unpack(update.callback_query.data)
    to = MOVES[pressed.action]
    referral_id, expected = _id_and_status(pressed.arg)
    checked = await usecase.check_move(
        context.services, context.require_actor(), referral_id, expected=expected, to=to
    )
    if not isinstance(checked, Saved):
        await _refused_or_stale(update, context, checked)
        return ConversationHandler.END
    await answer(update)
    waiting = ReferralDraft(referral=checked.value.referral.id, expected=expected, to=to)
    context.user_data[DRAFT] = waiting.to_json()
    if to == ReferralStatus.DECLINED:
        rows = [
            [InlineKeyboardButton(label, callback_data=pack(PREFIX, "why", code))]
            for code, label in texts.DECLINE_REASONS.items()
        ]
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
    draft = ReferralDraft.from_json(context.user_data.pop(DRAFT, None))
    to = draft.to
    if to not in rule.NEEDS_TEXT:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    moved = await usecase.move_referral(
        context.services,
        context.require_actor(),
        draft.referral,
        expected=draft.expected,
        to=to,
        decline_reason=text if to == ReferralStatus.DECLINED else None,
        outcome=text if to == ReferralStatus.COMPLETED else None,
    )
    await _moved(update, context, moved, to)
    return ConversationHandler.END
