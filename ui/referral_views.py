"""A referral as its worker sees it: the card, with buttons for the allowed moves only."""

from __future__ import annotations

import html
from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.rules import referrals as rule
from storage.kinds import ReferralStatus
from storage.models import Client, Referral, Resource
from ui import privacy, texts
from ui.callbacks import pack
from ui.timefmt import day_with_year
from ui.views import View

CARD = "rc"
# Card buttons: action → the status it moves to (`wd` asks first, `wdy` withdraws).
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


def day(value: date) -> str:
    return day_with_year(value)


def referral_card(referral: Referral, client: Client, resource: Resource, zone: ZoneInfo) -> View:
    """A referral as its worker sees it, with buttons for the allowed next steps only."""
    lines = [
        texts.referral_title(referral.id, client.code, privacy.client_name(client)),
        f"→ {html.escape(resource.name)} ({html.escape(resource.category)})",
        f"{texts.REASON}: {html.escape(referral.reason)}",
        f"{texts.REFERRAL_STATUS_NAMES.get(referral.status, referral.status)} · "
        f"{day(referral.created_at.astimezone(zone).date())}",
    ]
    if referral.follow_up_on and rule.is_open(referral.status):
        lines.append(f"{texts.FOLLOW_UP}: {day(referral.follow_up_on)}")
    if referral.application_date:
        lines.append(f"{texts.APPLICATION_MADE}: {day(referral.application_date)}")
    if referral.decline_reason:
        lines.append(f"{texts.DECLINED_BECAUSE}: {html.escape(referral.decline_reason)}")
    if referral.outcome:
        lines.append(f"{texts.OUTCOME}: {html.escape(referral.outcome)}")
    moves = [
        InlineKeyboardButton(
            texts.STATUS_BUTTONS[to],
            callback_data=pack(CARD, ACTION_OF[to], f"{referral.id}:{referral.status}"),
        )
        for to in rule.next_moves(referral.status)
    ]
    rows = [moves] if moves else []
    rows.append([InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "o", client.id))])
    return View("\n".join(lines), InlineKeyboardMarkup(rows))


def withdraw_view(referral: Referral, client: Client, resource: Resource, zone: ZoneInfo) -> View:
    """The card once more, asking whether to withdraw."""
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
    text = referral_card(referral, client, resource, zone).text
    return View(text + "\n\n" + texts.withdraw_question(referral.id), keyboard)
