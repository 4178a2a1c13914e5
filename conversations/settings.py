"""/settings — a worker's own language, date order (is 3/12 day/month or month/day), time
zone, reminder lead, start of day, quiet hours, days off, digest time, the weekly trend's
day (supervisors) and which reminders they get. Each change is saved at once; a new
language re-shows the card in it and sets the chat's command menu in it (ui/menu.py).

    /settings ─► MENU ─(a setting's button)─► its choices (buttons) ─► MENU
                   └─ 🌍 Time zone / typed times ─► TYPED ─(text)─► MENU
                   └─ ✅ Done ─► END

Typed times (start of day, digest time, quiet hours "22:00-07:00", "7pm to 7:30am", "22-7")
are read by ui.dates' routine readers (read_clock, read_hours): the same time reader as
/appt, but as written on a 24-hour clock — a routine is not a moment, and the daytime rule
that makes an appointment's "6:30" 18:30 would be wrong for the end of quiet hours. A quiet
start typed 1–12 without am/pm ("10-6") is asked with two buttons (22:00–06:00 or
10:00–06:00), never guessed.
"""

from __future__ import annotations

from datetime import time
from html import escape
from zoneinfo import available_timezones

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations.common import conversation, text_expected
from domain.results import Saved
from domain.rules.routine import OPTIONAL_KINDS, ReminderKind
from domain.rules.trends import TREND_DAYS
from domain.settings import Settings
from domain.usecases.settings import (
    MySettings,
    SetDateOrder,
    SetDigestTime,
    SetLanguage,
    SetLead,
    SetQuietHours,
    SetStartOfDay,
    SettingChange,
    SetTrendDay,
    SetZone,
    ToggleApproval,
    ToggleDayOff,
    ToggleMuted,
    change_setting,
    my_settings,
)
from storage.kinds import ApprovalKind
from ui import i18n, menu, texts
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext
from ui.dates import Hours, read_clock, read_hours
from ui.replies import answer
from ui.timefmt import weekday_names
from ui.views import rows_that_fit

MENU, TYPED = range(2)
PREFIX = "st"
DRAFT = "settings"
LEADS = (15, 30, 60, 120)
STARTS = ("07:00", "07:30", "08:00", "08:30", "09:00")
DIGESTS = ("16:00", "17:00", "18:00", "19:00")
QUIET = {
    "2008": ("20:00", "08:00"),
    "2107": ("21:00", "07:00"),
    "2207": ("22:00", "07:00"),
    "none": ("00:00", "00:00"),
}
# 24 December as each date order writes it.
DATE_SAMPLES = {"DMY": "24/12", "MDY": "12/24"}
# The button that leaves a language or date order to the organisation.
DEFAULT = "org"
_ZONES = {name.lower(): name for name in available_timezones()}


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def _language_line(worker: MySettings) -> str:
    if worker.language in i18n.LANGUAGES:
        return i18n.LANGUAGES[worker.language]
    return texts.settings_organisation_default(i18n.LANGUAGES[i18n.default_language()])


def _dates_line(worker: MySettings, default_order: str) -> str:
    if worker.date_order in DATE_SAMPLES:
        return DATE_SAMPLES[worker.date_order]
    return texts.settings_organisation_default(DATE_SAMPLES[default_order])


def _menu(worker: MySettings, organisation: Settings) -> tuple[str, InlineKeyboardMarkup]:
    default_zone = organisation.timezone
    muted = worker.muted_reminder_kinds
    days_off = worker.days_off
    quiet = (
        f"{worker.quiet_start:%H:%M}–{worker.quiet_end:%H:%M}"
        if worker.has_quiet_hours
        else texts.SETTINGS_NO_QUIET
    )
    lines = [
        f"<b>{texts.SETTINGS_TITLE}</b>",
        f"🌐 {texts.SETTINGS_LANGUAGE}: {_language_line(worker)}",
        f"📅 {texts.SETTINGS_DATES}: {_dates_line(worker, organisation.date_order)}",
        f"🌍 {texts.SETTINGS_ZONE}: {escape(worker.timezone or default_zone)}",
        f"⏰ {texts.SETTINGS_LEAD}: {texts.minutes(worker.reminder_lead_minutes)}",
        f"☀️ {texts.SETTINGS_START}: {worker.start_of_day:%H:%M}",
        f"🌙 {texts.SETTINGS_QUIET}: {quiet}",
        f"📆 {texts.SETTINGS_DAYS_OFF}: "
        + (", ".join(weekday_names()[day - 1] for day in sorted(days_off)) or texts.SETTINGS_NONE),
        f"🔔 {texts.SETTINGS_KINDS}: "
        + ", ".join(
            texts.REMINDER_KIND_NAMES[kind]
            for kind in OPTIONAL_KINDS
            if kind not in muted and (kind != ReminderKind.DIGEST or worker.is_supervisor)
        ),
    ]
    if worker.is_supervisor:
        lines.append(f"📊 {texts.SETTINGS_DIGEST}: {worker.digest_time:%H:%M}")
        day = worker.trend_weekday
        trend_on = weekday_names()[day - 1] if day else texts.TREND_OFF
        lines.append(f"📈 {texts.SETTINGS_TREND}: {trend_on}")
    team = worker.approvals
    if team is not None:
        on = [kind for kind in ApprovalKind if team.needs(kind)]
        lines.append(texts.settings_approvals_line(team.team, on))
    for warning in worker.warnings:
        moved_to = f"{warning.moved_to:%H:%M}" if warning.moved_to else None
        lines.append(
            texts.settings_quiet_covers(warning.kind, f"{warning.meant_for:%H:%M}", moved_to)
        )
    choices = [
        _button("🌐 " + texts.SETTINGS_LANGUAGE, "menu", "language"),
        _button("📅 " + texts.SETTINGS_DATES, "menu", "dates"),
        _button("🌍 " + texts.SETTINGS_ZONE, "zone"),
        _button("⏰ " + texts.SETTINGS_LEAD, "menu", "lead"),
        _button("☀️ " + texts.SETTINGS_START, "menu", "start"),
        _button("🌙 " + texts.SETTINGS_QUIET, "menu", "quiet"),
        _button("📆 " + texts.SETTINGS_DAYS_OFF, "menu", "days"),
        _button("🔔 " + texts.SETTINGS_KINDS, "menu", "kinds"),
    ]
    if worker.is_supervisor:
        choices.append(_button("📊 " + texts.SETTINGS_DIGEST, "menu", "digest"))
        choices.append(_button("📈 " + texts.SETTINGS_TREND, "menu", "trend"))
    if worker.approvals is not None:
        choices.append(_button("✅ " + texts.SETTINGS_APPROVALS, "menu", "approvals"))
    rows = [*rows_that_fit(choices, most=2), [_button(texts.DONE, "done")]]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _choices(worker: MySettings, which: str) -> InlineKeyboardMarkup | None:
    back = [_button(texts.BACK, "back")]
    if which == "language":
        languages = [_button(name, "lang", code) for code, name in i18n.LANGUAGES.items()]
        return InlineKeyboardMarkup(
            [
                languages[:2],
                languages[2:],
                [_button(texts.SETTINGS_ORGANISATION_DEFAULT, "lang", DEFAULT)],
                back,
            ]
        )
    if which == "dates":
        return InlineKeyboardMarkup(
            [
                [
                    _button(f"{DATE_SAMPLES['DMY']} ({texts.SETTINGS_DAY_MONTH})", "dates", "DMY"),
                    _button(f"{DATE_SAMPLES['MDY']} ({texts.SETTINGS_MONTH_DAY})", "dates", "MDY"),
                ],
                [_button(texts.SETTINGS_ORGANISATION_DEFAULT, "dates", DEFAULT)],
                back,
            ]
        )
    if which == "lead":
        return InlineKeyboardMarkup([[_button(texts.minutes(m), "lead", m) for m in LEADS], back])
    if which == "start":
        return InlineKeyboardMarkup(
            [
                [_button(t, "start", t.replace(":", "")) for t in STARTS],
                [_button(texts.SETTINGS_TYPE_TIME, "type", "start")],
                back,
            ]
        )
    if which == "digest":
        return InlineKeyboardMarkup(
            [
                [_button(t, "digest", t.replace(":", "")) for t in DIGESTS],
                [_button(texts.SETTINGS_TYPE_TIME, "type", "digest")],
                back,
            ]
        )
    if which == "trend" and worker.is_supervisor:
        days = [
            _button(
                ("☑ " if worker.trend_weekday == n else "") + weekday_names()[n - 1], "trend", n
            )
            for n in TREND_DAYS
        ]
        no_trend = _button(
            ("☑ " if worker.trend_weekday is None else "") + texts.TREND_OFF, "trend", "off"
        )
        return InlineKeyboardMarkup([*rows_that_fit(days), [no_trend], back])
    if which == "quiet":
        labels = [
            _button(f"{a}–{b}" if code != "none" else texts.SETTINGS_NO_QUIET, "quiet", code)
            for code, (a, b) in QUIET.items()
        ]
        return InlineKeyboardMarkup(
            [labels[:2], labels[2:], [_button(texts.SETTINGS_TYPE_TIME, "type", "quiet")], back]
        )
    if which == "days":
        off = worker.days_off
        row = [
            _button(("☑ " if n in off else "☐ ") + name, "day", n)
            for n, name in enumerate(weekday_names(), 1)
        ]
        return InlineKeyboardMarkup([row[:4], row[4:], back])
    if which == "approvals" and worker.approvals is not None:
        team = worker.approvals
        return InlineKeyboardMarkup(
            [
                [
                    _button(
                        ("☑ " if team.needs(kind) else "☐ ") + texts.approval_kind(kind),
                        "appr",
                        kind,
                    )
                ]
                for kind in ApprovalKind
            ]
            + [back]
        )
    if which == "kinds":
        muted = worker.muted_reminder_kinds
        kinds = [k for k in OPTIONAL_KINDS if k != ReminderKind.DIGEST or worker.is_supervisor]
        return InlineKeyboardMarkup(
            [
                [
                    _button(
                        ("🔕 " if k in muted else "🔔 ") + texts.REMINDER_KIND_NAMES[k], "kind", k
                    )
                ]
                for k in kinds
            ]
            + [back]
        )
    return None


async def start(update: Update, context: CaselineContext) -> int:
    context.user_data[DRAFT] = {}
    mine = await my_settings(context.services, context.require_actor())
    text, keyboard = _menu(mine, context.services.settings)
    await update.effective_message.reply_text(text, reply_markup=keyboard)
    return MENU


async def pressed(update: Update, context: CaselineContext) -> int:
    choice = unpack(update.callback_query.data)
    if choice.action == "done":
        await answer(update)
        await update.callback_query.edit_message_reply_markup(reply_markup=None)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    if choice.action in ("zone", "type"):
        await answer(update)
        context.user_data[DRAFT] = {"typing": choice.arg or "zone"}
        prompt = {"zone": texts.SETTINGS_ASK_ZONE, "quiet": texts.SETTINGS_ASK_QUIET}.get(
            choice.arg or "zone", texts.SETTINGS_ASK_TIME
        )
        await update.effective_message.reply_text(prompt)
        return TYPED
    actor = context.require_actor()
    if choice.action == "back":  # from a setting's choices to the card's buttons
        await answer(update)
        _, buttons = _menu(await my_settings(context.services, actor), context.services.settings)
        await update.callback_query.edit_message_reply_markup(reply_markup=buttons)
        return MENU
    if choice.action == "menu":
        keyboard = _choices(await my_settings(context.services, actor), choice.arg)
        await answer(update)
        if keyboard is not None:
            await update.callback_query.edit_message_reply_markup(reply_markup=keyboard)
        return MENU
    change = _change(choice.action, choice.arg)
    result = await change_setting(context.services, actor, change) if change else None
    if not isinstance(result, Saved):
        await answer(update, texts.STALE_BUTTON)  # not one of the choices offered
        return MENU
    if isinstance(change, SetLanguage):
        # The card, the toast and the chat's command menu in the language just chosen.
        i18n.use_language(result.value.language)
        await menu.set_chat_menu(
            context.bot, update.effective_chat.id, actor.role, result.value.language
        )
    text, keyboard = _menu(result.value, context.services.settings)
    if choice.action in ("day", "kind", "appr"):
        which = {"day": "days", "kind": "kinds", "appr": "approvals"}[choice.action]
        keyboard = _choices(result.value, which) or keyboard
    await answer(update, texts.SETTINGS_SAVED)
    await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    return MENU


def _change(action: str, arg: str) -> SettingChange | None:
    """The change a button asks for; None when the button is not a choice offered."""
    if action == "lead" and arg.isdecimal() and int(arg) in LEADS:
        return SetLead(int(arg))
    if action in ("start", "digest") and f"{arg[:2]}:{arg[2:]}" in (
        STARTS if action == "start" else DIGESTS
    ):
        at = time(int(arg[:2]), int(arg[2:]))
        return SetStartOfDay(at) if action == "start" else SetDigestTime(at)
    if action == "quiet" and arg in QUIET:
        begin, end = (time.fromisoformat(value) for value in QUIET[arg])
        return SetQuietHours(begin, end)
    if action == "quiet" and len(arg) == 8 and arg.isdecimal():  # a typed span, asked back
        try:
            return SetQuietHours(
                time(int(arg[:2]), int(arg[2:4])), time(int(arg[4:6]), int(arg[6:]))
            )
        except ValueError:
            return None
    if action == "day" and arg.isdecimal() and 1 <= int(arg) <= 7:
        return ToggleDayOff(int(arg))
    if action == "kind" and arg in OPTIONAL_KINDS:
        return ToggleMuted(ReminderKind(arg))
    if action == "lang" and (arg in i18n.LANGUAGES or arg == DEFAULT):
        return SetLanguage(None if arg == DEFAULT else arg)
    if action == "dates" and (arg in DATE_SAMPLES or arg == DEFAULT):
        return SetDateOrder(None if arg == DEFAULT else arg)
    if action == "appr" and arg in {kind.value for kind in ApprovalKind}:
        return ToggleApproval(arg)
    if action == "trend" and (arg == "off" or (arg.isdecimal() and int(arg) in TREND_DAYS)):
        return SetTrendDay(None if arg == "off" else int(arg))
    return None


async def typed(update: Update, context: CaselineContext) -> int:
    what = (context.user_data.get(DRAFT) or {}).get("typing", "zone")
    text = (update.effective_message.text or "").strip()
    change = _typed_change(what, text)
    if isinstance(change, str):
        await update.effective_message.reply_text(change)
        return TYPED
    if isinstance(change, list):  # "10-6": 22:00–06:00 or 10:00–06:00? Asked, not guessed.
        spans = [
            [_button(f"{h.start:%H:%M}–{h.end:%H:%M}", "quiet", f"{h.start:%H%M}{h.end:%H%M}")]
            for h in change
        ]
        await update.effective_message.reply_text(
            texts.SETTINGS_QUIET_WHICH, reply_markup=InlineKeyboardMarkup(spans)
        )
        return TYPED
    result = await change_setting(context.services, context.require_actor(), change)
    if not isinstance(result, Saved):  # a zone name the system no longer knows
        await update.effective_message.reply_text(texts.settings_bad_zone(text[:40]))
        return TYPED
    context.user_data[DRAFT] = {}
    card, keyboard = _menu(result.value, context.services.settings)
    await update.effective_message.reply_text(card, reply_markup=keyboard)
    return MENU


def _typed_change(what: str, text: str) -> SettingChange | list[Hours] | str:
    """The change typed input asks for, the quiet hours to ask between, or the error text."""
    if what == "zone":
        name = _ZONES.get(text.lower().replace(" ", "_"))
        return SetZone(name) if name else texts.settings_bad_zone(text[:40])
    if what == "quiet":
        hours = read_hours(text)
        if hours is None:
            return texts.SETTINGS_BAD_QUIET
        return hours if isinstance(hours, list) else SetQuietHours(hours.start, hours.end)
    moment = read_clock(text)
    if moment is None:
        return texts.SETTINGS_BAD_TIME
    return SetDigestTime(moment) if what == "digest" else SetStartOfDay(moment)


def handler(timeout_minutes: int) -> ConversationHandler:
    return conversation(
        PREFIX,
        entry_points=[CommandHandler("settings", start)],
        states={
            MENU: [CallbackQueryHandler(pressed, pattern=pattern(PREFIX))],
            TYPED: [
                CallbackQueryHandler(pressed, pattern=pattern(PREFIX)),
                MessageHandler(filters.TEXT & ~filters.COMMAND, typed),
                MessageHandler(~filters.COMMAND, text_expected),
            ],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
