"""/settings — a worker's own time zone, reminder lead, start of day, quiet hours,
days off, digest time and which reminders they get. Each change is saved at once.

    /settings ─► MENU ─(a setting's button)─► its choices (buttons) ─► MENU
                   └─ 🌍 Time zone / typed times ─► TYPED ─(text)─► MENU
                   └─ ✅ Done ─► END
"""

from __future__ import annotations

import re
from datetime import time
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.reminders.planning import OPTIONAL_KINDS
from conversations.common import conversation, text_expected
from storage import audit
from storage.models import Role, Worker
from ui import texts
from ui.callbacks import pack, pattern, unpack
from ui.context import CaselineContext
from ui.replies import answer

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
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TIME_PATTERN = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")
QUIET_PATTERN = re.compile(r"^\s*(\d{1,2}[:.]\d{2})\s*[-–to ]+\s*(\d{1,2}[:.]\d{2})\s*$")
_ZONES = {name.lower(): name for name in available_timezones()}


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def _parse_time(text: str) -> time | None:
    match = TIME_PATTERN.match(text)
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _menu(worker: Worker, default_zone: str) -> tuple[str, InlineKeyboardMarkup]:
    muted = {kind for kind in worker.muted_reminder_kinds.split(",") if kind}
    days_off = {int(day) for day in worker.days_off.split(",") if day.isdecimal()}
    quiet = (
        texts.SETTINGS_NO_QUIET
        if worker.quiet_start == worker.quiet_end
        else f"{worker.quiet_start:%H:%M}–{worker.quiet_end:%H:%M}"
    )
    lines = [
        f"<b>{texts.SETTINGS_TITLE}</b>",
        f"🌍 {texts.SETTINGS_ZONE}: {escape(worker.timezone or default_zone)}",
        f"⏰ {texts.SETTINGS_LEAD}: {worker.reminder_lead_minutes} min",
        f"☀️ {texts.SETTINGS_START}: {worker.start_of_day:%H:%M}",
        f"🌙 {texts.SETTINGS_QUIET}: {quiet}",
        f"📆 {texts.SETTINGS_DAYS_OFF}: "
        + (", ".join(WEEKDAYS[day - 1] for day in sorted(days_off)) or texts.SETTINGS_NONE),
        f"🔔 {texts.SETTINGS_KINDS}: "
        + ", ".join(
            texts.REMINDER_KIND_NAMES[kind]
            for kind in OPTIONAL_KINDS
            if kind not in muted and (kind != "digest" or worker.role == Role.SUPERVISOR)
        ),
    ]
    if worker.role == Role.SUPERVISOR:
        lines.append(f"📊 {texts.SETTINGS_DIGEST}: {worker.digest_time:%H:%M}")
    rows = [
        [
            _button("🌍 " + texts.SETTINGS_ZONE, "zone"),
            _button("⏰ " + texts.SETTINGS_LEAD, "menu", "lead"),
        ],
        [
            _button("☀️ " + texts.SETTINGS_START, "menu", "start"),
            _button("🌙 " + texts.SETTINGS_QUIET, "menu", "quiet"),
        ],
        [
            _button("📆 " + texts.SETTINGS_DAYS_OFF, "menu", "days"),
            _button("🔔 " + texts.SETTINGS_KINDS, "menu", "kinds"),
        ],
    ]
    if worker.role == Role.SUPERVISOR:
        rows.append([_button("📊 " + texts.SETTINGS_DIGEST, "menu", "digest")])
    rows.append([_button(texts.DONE, "done")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _choices(worker: Worker, which: str) -> InlineKeyboardMarkup | None:
    back = [_button(texts.BACK, "back")]
    if which == "lead":
        return InlineKeyboardMarkup([[_button(f"{m} min", "lead", m) for m in LEADS], back])
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
    if which == "quiet":
        labels = [
            _button(f"{a}–{b}" if code != "none" else texts.SETTINGS_NO_QUIET, "quiet", code)
            for code, (a, b) in QUIET.items()
        ]
        return InlineKeyboardMarkup(
            [labels[:2], labels[2:], [_button(texts.SETTINGS_TYPE_TIME, "type", "quiet")], back]
        )
    if which == "days":
        off = {int(day) for day in worker.days_off.split(",") if day.isdecimal()}
        row = [
            _button(("☑ " if n in off else "☐ ") + name, "day", n)
            for n, name in enumerate(WEEKDAYS, 1)
        ]
        return InlineKeyboardMarkup([row[:4], row[4:], back])
    if which == "kinds":
        muted = {kind for kind in worker.muted_reminder_kinds.split(",") if kind}
        kinds = [k for k in OPTIONAL_KINDS if k != "digest" or worker.role == Role.SUPERVISOR]
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


async def _worker(context: CaselineContext, session) -> Worker:
    worker = await session.get(Worker, context.require_actor().id)
    assert worker is not None
    return worker


async def start(update: Update, context: CaselineContext) -> int:
    context.user_data[DRAFT] = {}
    async with context.services.db.session() as session:
        text, keyboard = _menu(await _worker(context, session), context.services.settings.timezone)
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
        prompt = texts.SETTINGS_ASK_ZONE if choice.action == "zone" else texts.SETTINGS_ASK_TIME
        await update.effective_message.reply_text(prompt)
        return TYPED
    now = context.services.clock.now()
    # Telegram is answered after the transaction, never inside it (see Database.session).
    async with context.services.db.session() as session:
        worker = await _worker(context, session)
        if choice.action == "menu":
            keyboard = _choices(worker, choice.arg)
            changed = False
        else:
            changed = _apply(worker, choice.action, choice.arg)
            if changed:
                await audit.record(
                    session,
                    "settings.change",
                    now=now,
                    actor_id=worker.id,
                    detail={"setting": choice.action},
                )
            text, keyboard = _menu(worker, context.services.settings.timezone)
            if choice.action in ("day", "kind") and changed:
                submenu = "days" if choice.action == "day" else "kinds"
                keyboard = _choices(worker, submenu) or keyboard
    if choice.action == "menu":
        await answer(update)
        if keyboard is not None:
            await update.callback_query.edit_message_reply_markup(reply_markup=keyboard)
        return MENU
    if not changed:
        await answer(update, texts.STALE_BUTTON)  # not one of the choices offered
        return MENU
    await answer(update, texts.SETTINGS_SAVED)
    await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    return MENU


def _apply(worker: Worker, action: str, arg: str) -> bool:
    """Change one setting from a button; False when the button is not a valid choice."""
    if action == "lead" and arg.isdecimal() and int(arg) in LEADS:
        worker.reminder_lead_minutes = int(arg)
    elif action in ("start", "digest") and f"{arg[:2]}:{arg[2:]}" in (
        STARTS if action == "start" else DIGESTS
    ):
        setattr(
            worker,
            "start_of_day" if action == "start" else "digest_time",
            time(int(arg[:2]), int(arg[2:])),
        )
    elif action == "quiet" and arg in QUIET:
        start, end = (time.fromisoformat(value) for value in QUIET[arg])
        worker.quiet_start, worker.quiet_end = start, end
    elif action == "day" and arg.isdecimal() and 1 <= int(arg) <= 7:
        off = {int(day) for day in worker.days_off.split(",") if day.isdecimal()} ^ {int(arg)}
        worker.days_off = ",".join(str(day) for day in sorted(off))
    elif action == "kind" and arg in OPTIONAL_KINDS:
        muted = {kind for kind in worker.muted_reminder_kinds.split(",") if kind} ^ {arg}
        worker.muted_reminder_kinds = ",".join(sorted(muted))
    else:
        return False
    return True


async def typed(update: Update, context: CaselineContext) -> int:
    what = (context.user_data.get(DRAFT) or {}).get("typing", "zone")
    text = (update.effective_message.text or "").strip()
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        worker = await _worker(context, session)
        error = _apply_typed(worker, what, text)
        if not error:
            await audit.record(
                session, "settings.change", now=now, actor_id=worker.id, detail={"setting": what}
            )
            menu, keyboard = _menu(worker, context.services.settings.timezone)
    if error:
        await update.effective_message.reply_text(error)
        return TYPED
    context.user_data[DRAFT] = {}
    await update.effective_message.reply_text(menu, reply_markup=keyboard)
    return MENU


def _apply_typed(worker: Worker, what: str, text: str) -> str | None:
    """Apply typed input; the error text to show, or None when saved."""
    if what == "zone":
        name = _ZONES.get(text.lower().replace(" ", "_"))
        try:
            ZoneInfo(name or "")
        except (ZoneInfoNotFoundError, ValueError):
            return texts.settings_bad_zone(text[:40])
        worker.timezone = name
        return None
    if what == "quiet":
        match = QUIET_PATTERN.match(text)
        times = [_parse_time(part) for part in match.groups()] if match else []
        if len(times) != 2 or None in times:
            return texts.SETTINGS_BAD_QUIET
        worker.quiet_start, worker.quiet_end = times
        return None
    moment = _parse_time(text)
    if moment is None:
        return texts.SETTINGS_BAD_TIME
    if what == "digest":
        worker.digest_time = moment
    else:
        worker.start_of_day = moment
    return None


def handler(timeout_minutes: int) -> ConversationHandler:
    return conversation(
        PREFIX,
        entry_points=[CommandHandler("settings", start)],
        states={
            MENU: [CallbackQueryHandler(pressed, pattern=pattern(PREFIX))],
            TYPED: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, typed),
                MessageHandler(~filters.COMMAND, text_expected),
            ],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
