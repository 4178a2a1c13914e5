"""The client card's open risk: a line at the top (the reason is the worker's own words,
shown to them in an answer, never pushed) and ⚠ Risk → Lower (conversations/risk.py)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from storage.kinds import RiskLevel
from storage.models import Client
from ui import privacy, texts
from ui.callbacks import pack
from ui.views import View

RISK_PREFIX = "rk"


def with_risk(view: View, client: Client, zone: ZoneInfo) -> View:
    """`view` (the card) with the open risk under its title and the button to lower it
    above its last row (back to the caseload); as it was when there is none."""
    if client.risk_level == RiskLevel.NONE:
        return view
    since = texts.record_day(client.risk_since, zone) if client.risk_since else "?"
    title, _, rest = view.text.partition("\n")
    reason = privacy.record_text(client.risk_reason)
    text = "\n".join([title, texts.card_risk(reason, since), rest])
    lower = InlineKeyboardButton(
        texts.RISK_LOWER_BUTTON, callback_data=pack(RISK_PREFIX, "lower", client.id)
    )
    rows = [list(row) for row in view.keyboard.inline_keyboard] if view.keyboard else []
    rows.insert(max(len(rows) - 1, 0), [lower])
    return View(text, InlineKeyboardMarkup(rows))
