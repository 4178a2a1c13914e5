"""Choosing a client, a day or a moment: written once, used by every conversation.

A conversation calls `ask_client` and gives its choose-client state the handlers of
`client_step` (a button press re-authorised on the server, audited as the dialog's action
when refused; a typed name or code; anything else asked again). A day is chosen with
`day_step` (or, for the intake's table of pure readers, `read_day`); a moment with the
moment pickers (/appt, /visit, /note). Every typed date is read by ui.dates.parse_when;
a dialog's own rule (a day not in the past, a birth date up to 120 years back) is a
parameter, never a second reader.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from domain.results import Refused
from domain.usecases.clients import CLIENT_ACCESS, choose_client, find_clients, recent_clients
from storage.clients import parse_code
from storage.models import Client
from ui import privacy, texts
from ui.callbacks import pack, unpack
from ui.context import CaselineContext, date_order_of, zone_of
from ui.dates import (
    MAX_YEARS_AWAY,
    Ambiguous,
    DateOrder,
    Invalid,
    Parsed,
    Purpose,
    combine,
    format_choice,
    parse_when,
    quick_days,
    quick_times,
)
from ui.replies import answer, remove_keyboard
from ui.timefmt import short_datetime, short_day
from ui.views import client_button

# Buttons offer dates within days or weeks; anything beyond ten years is forged.
MAX_DAYS_AWAY = 3660


@dataclass(frozen=True, slots=True)
class ClientRef:
    """What a draft keeps of a client: enough to show, never trusted for access."""

    id: int
    code: str
    name: str
    # Where visits usually happen: a new appointment's place starts as this.
    place: str | None = None

    @classmethod
    def of(cls, client: Client) -> ClientRef:
        return cls(client.id, client.code, client.name, client.usual_place or None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.place is None:
            del data["place"]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClientRef:
        place = data.get("place")
        return cls(
            int(data["id"]),
            str(data["code"]),
            str(data["name"]),
            place if isinstance(place, str) and place else None,
        )


def _button(prefix: str, client: Client) -> list[InlineKeyboardButton]:
    return [client_button(client, pack(prefix, "client", client.id))]


def _keyboard(prefix: str, found: list[Client]) -> InlineKeyboardMarkup:
    rows = [_button(prefix, client) for client in found]
    rows.append([InlineKeyboardButton(texts.CANCEL, callback_data=pack(prefix, "cancel", ""))])
    return InlineKeyboardMarkup(rows)


async def ask_client(
    update: Update, context: CaselineContext, prefix: str, question: str, *, lead: str = ""
) -> None:
    """The dialog's question with the recent clients as buttons; `lead` goes above it
    (why it is asked again: no client is called what the command named)."""
    found = await recent_clients(context.services, context.require_actor())
    text = (
        f"{question}\n{texts.PICK_CLIENT_HINT}"
        if found
        else f"{question}\n{texts.PICK_CLIENT_TYPE}"
    )
    if lead:
        text = f"{lead}\n\n{text}"
    await update.effective_message.reply_text(text, reply_markup=_keyboard(prefix, found))


async def client_from_press(
    update: Update, context: CaselineContext, action: str = CLIENT_ACCESS
) -> ClientRef | None:
    """The client a picker's button names, re-authorised; a refusal is audited as
    `action` (the dialog's own, e.g. "referral.create") and told in an alert."""
    pressed = unpack(update.callback_query.data)
    client = await choose_client(
        context.services,
        context.require_actor(),
        pressed.int_arg(),
        via=pressed.prefix,
        action=action,
    )
    if isinstance(client, Refused):
        await answer(update, texts.CLIENT_GONE, alert=True)
        return None
    await answer(update)
    return ClientRef.of(client)


async def search_typed(context: CaselineContext, words: str) -> list[Client]:
    """The worker's clients matching what they typed (see find_clients)."""
    return await find_clients(context.services, context.require_actor(), words)


async def client_from_text(
    update: Update, context: CaselineContext, prefix: str
) -> ClientRef | None:
    typed = update.effective_message.text or ""
    found = await search_typed(context, typed)
    if len(found) == 1:
        return ClientRef.of(found[0])
    if not found:
        await update.effective_message.reply_text(
            texts.no_client_matches(privacy.typed_back(typed[:40]))
        )
        return None
    await offer_clients(update, prefix, found)
    return None


async def client_from_args(
    update: Update, context: CaselineContext, prefix: str, words: str, question: str
) -> ClientRef | None:
    """The client a command's arguments name (`/appt maria`, `/visit C-0042`): the one
    match, else the matches to choose from, else the usual question with the recent
    clients, under a line saying that none of the worker's clients is called so (or, for
    a code, that it is not among theirs). None unless one matched: the dialog waits for
    the choice."""
    found = await search_typed(context, words)
    if len(found) == 1:
        return ClientRef.of(found[0])
    if found:
        await offer_clients(update, prefix, found)
    else:
        first = words.split()[0] if words.split() else ""
        lead = (
            texts.client_not_found(first)
            if parse_code(first) is not None
            else texts.nobody_called(privacy.typed_back(words))
        )
        await ask_client(update, context, prefix, question, lead=lead)
    return None


async def open_from_args(
    update: Update,
    context: CaselineContext,
    prefix: str,
    words: str,
    question: str,
    open_client: Callable[[Update, CaselineContext, int], Awaitable[int | None]],
    waiting: int,
) -> int:
    """`/plan C-0042` or `/review maria`: a code is opened as typed (a refusal audited as
    the dialog's own look), a name as `client_from_args` finds it; `waiting` is the state
    that takes the choice when there is one to make. `open_client` returns None when
    refused: the dialog ends."""
    code = parse_code(words)
    if code is None:
        ref = await client_from_args(update, context, prefix, words, question)
        if ref is None:
            return waiting
        code = ref.id
    return await open_client(update, context, code) or ConversationHandler.END


async def offer_clients(update: Update, prefix: str, found: list[Client]) -> None:
    """What was typed fits several clients: they are the buttons to choose from."""
    await update.effective_message.reply_text(
        texts.SEVERAL_CLIENTS_MATCH, reply_markup=_keyboard(prefix, found)
    )


async def not_a_client(update: Update, context: CaselineContext) -> None:
    """A sticker, photo or the like where a client was expected."""
    await update.effective_message.reply_text(texts.PICK_CLIENT_TYPE)


# ── choosing a date and time (scheduling) ─────────────────────────────────────


def day_keyboard(
    prefix: str, context: CaselineContext, *, back: InlineKeyboardButton | None = None
) -> InlineKeyboardMarkup:
    """The next seven days (ui.dates.quick_days) as buttons, any weekday: Today and
    Tomorrow by name, the others as `Wed 11 Mar` (with the year when it is another);
    `back` (a way back to a card) goes beside ✖ Cancel."""
    now = context.services.clock.now()
    zone = zone_of(context)
    today = now.astimezone(zone).date()
    names = {today: texts.TODAY, today + timedelta(days=1): texts.TOMORROW}
    row = [
        InlineKeyboardButton(
            names.get(day) or short_day(day, today),
            callback_data=pack(prefix, "day", day.isoformat()),
        )
        for day in quick_days(now, zone)
    ]
    # Two to a row: three would cut “Wed 11 Mar” on a phone.
    rows = [row[index : index + 2] for index in range(0, len(row), 2)]
    return InlineKeyboardMarkup([*rows, _last_row(prefix, back)])


def _last_row(prefix: str, back: InlineKeyboardButton | None) -> list[InlineKeyboardButton]:
    cancel = InlineKeyboardButton(texts.CANCEL, callback_data=pack(prefix, "cancel", ""))
    return [back, cancel] if back is not None else [cancel]


def time_keyboard(prefix: str, *, back: InlineKeyboardButton | None = None) -> InlineKeyboardMarkup:
    """The quick times (08:00 … 18:00) four to a row; `back` as in `day_keyboard`."""
    times = quick_times()
    rows = [
        [
            InlineKeyboardButton(f"{at:%H:%M}", callback_data=pack(prefix, "time", f"{at:%H%M}"))
            for at in times[index : index + 4]
        ]
        for index in range(0, len(times), 4)
    ]
    rows.append(_last_row(prefix, back))
    return InlineKeyboardMarkup(rows)


def options_keyboard(
    prefix: str,
    options: list[Parsed],
    zone,
    now: datetime | None = None,
    *,
    day_action: str | None = None,
) -> InlineKeyboardMarkup:
    """One button per option of the reader's question, `<prefix>:at:<stamp>`. An option
    without a time ("next week": which day?) is labelled with its day only; given
    `day_action`, it presses `<prefix>:<day_action>:<YYYY-MM-DD>`, so a dialog that needs a
    time asks for it rather than taking the day's 00:00."""

    def button(option: Parsed) -> InlineKeyboardButton:
        if option.has_time:
            return InlineKeyboardButton(
                short_datetime(option.moment, zone, now),
                callback_data=pack(prefix, "at", int(option.moment.timestamp())),
            )
        label = format_choice(option, now=now)
        if day_action is not None:
            day = option.local.date().isoformat()
            return InlineKeyboardButton(label, callback_data=pack(prefix, day_action, day))
        return InlineKeyboardButton(
            label, callback_data=pack(prefix, "at", int(option.moment.timestamp()))
        )

    if len(options) > 3:  # "next week": seven days, two to a row (three cut "Wed 11 Mar")
        return InlineKeyboardMarkup(
            [[button(option) for option in options[i : i + 2]] for i in range(0, len(options), 2)]
        )
    return InlineKeyboardMarkup([[button(option)] for option in options])


async def moment_from_text(
    update: Update,
    context: CaselineContext,
    prefix: str,
    purpose: Purpose,
    *,
    hint: str = "",
    day_action: str | None = None,
) -> Parsed | None:
    """Typed date/time → Parsed; asks back (and returns None) when unclear. `hint` follows
    the reason when the text could not be read (what else the step takes); `day_action`:
    see `options_keyboard` (a dialog that asks the time of a day pressed)."""
    result = parse_when(
        update.effective_message.text or "",
        now=context.services.clock.now(),
        zone=zone_of(context),
        order=date_order_of(context),
        purpose=purpose,
    )
    if isinstance(result, Invalid):
        await update.effective_message.reply_text(
            "\n".join(part for part in (escape(result.reason), hint) if part)
        )
        return None
    if isinstance(result, Ambiguous):
        await update.effective_message.reply_text(
            escape(result.question),
            reply_markup=options_keyboard(
                prefix,
                result.options,
                zone_of(context),
                context.services.clock.now(),
                day_action=day_action,
            ),
        )
        return None
    return result


async def moment_from_buttons(
    update: Update, context: CaselineContext, day_iso: str, hhmm: str
) -> Parsed | Ambiguous | Invalid | None:
    now = context.services.clock.now()
    if len(hhmm) != 4 or not hhmm.isdecimal():
        return None  # forged: our buttons carry exactly HHMM
    try:
        day = date.fromisoformat(day_iso)
        at = time(int(hhmm[:2]), int(hhmm[2:]))
    except (ValueError, OverflowError):
        return None
    if abs((day - now.date()).days) > MAX_DAYS_AWAY:
        return None  # only a forged button names a day that far away
    return combine(day, at, zone_of(context), now=now)


def moment_from_stamp(update: Update, context: CaselineContext) -> datetime | None:
    stamp = unpack(update.callback_query.data).int_arg()
    if stamp is None:
        return None
    try:
        moment = datetime.fromtimestamp(stamp, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None  # forged: no button carries a moment outside the calendar
    now = context.services.clock.now()
    return moment if abs((moment - now).days) <= MAX_DAYS_AWAY else None


# ── choosing a calendar day (a goal's target date, a follow-up, a birth date …) ──

FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")


def outside(
    day: date,
    *,
    earliest: date | None = None,
    too_early: str = "",
    latest: date | None = None,
    too_late: str = "",
) -> str | None:
    """A dialog's own range for a day, said in its own words (None: the day is fine)."""
    if earliest is not None and day < earliest:
        return too_early
    if latest is not None and day > latest:
        return too_late
    return None


def read_day(
    text: str,
    *,
    today: date,
    order: DateOrder,
    purpose: Purpose = "any",
    years_back: int = MAX_YEARS_AWAY,
    years_ahead: int = MAX_YEARS_AWAY,
    earliest: date | None = None,
    too_early: str = "",
    latest: date | None = None,
    too_late: str = "",
    year_needed: str | None = None,
    no_such_day: str | None = None,
) -> date | str:
    """A typed calendar day by the one reading rule (ui.dates.parse_when), for a dialog
    that keeps its questions in a table of pure readers (the intake): the day, or what to
    answer. The dialog's rules are parameters: its range (`earliest`/`latest` with its
    words), how far back or ahead a typed year is read, a year in four digits
    (`year_needed`: the answer when it is missing; a day named without a year is never
    guessed then), and its own words for a day that doesn't exist. An unclear text is
    answered with the reader's question (with a four-digit year a typed date is never
    unclear, so the intake needs no option buttons)."""
    if year_needed is not None and not FOUR_DIGIT_YEAR.search(text):
        return year_needed
    result = parse_when(
        text,
        now=datetime.combine(today, time(12), tzinfo=UTC),
        zone=ZoneInfo("UTC"),
        order=order,
        purpose=purpose,
        years_back=years_back,
        years_ahead=years_ahead,
    )
    if isinstance(result, Invalid):
        return no_such_day if result.no_such_day and no_such_day else escape(result.reason)
    if isinstance(result, Ambiguous):
        return escape(result.question)
    day = result.local.date()
    return (
        outside(day, earliest=earliest, too_early=too_early, latest=latest, too_late=too_late)
        or day
    )


DayChosen = Callable[[Update, CaselineContext, date], Awaitable[int]]


def day_step(
    prefix: str,
    state: int,
    chosen: DayChosen,
    *,
    purpose: Purpose = "future",
    passed: str | None = None,
    ahead: str | None = None,
) -> list[BaseHandler]:
    """The one way a dialog asks for a calendar day (a goal's target date, a referral's
    follow-up or application date): the handlers of its state. A typed date is read by
    ui/dates' `parse_when` for `purpose` (an unclear one is asked back with buttons,
    `<prefix>:at:<stamp>`; a wrong one gets parse_when's reason), a pressed choice is
    re-read from its stamp, anything else is asked again as text. The dialog's own rule
    is a parameter, not a second reader: a day before today (the worker's calendar) is
    refused with `passed` when given, a day after today with `ahead`. `chosen` runs with
    the day. A dialog adds its own quick buttons (1 week, Today …) as handlers before
    these."""

    async def day_read(update: Update, context: CaselineContext, day: date) -> int:
        today = context.services.clock.now().astimezone(zone_of(context)).date()
        refusal = outside(
            day,
            earliest=today if passed is not None else None,
            too_early=passed or "",
            latest=today if ahead is not None else None,
            too_late=ahead or "",
        )
        if refusal is not None:
            await update.effective_message.reply_text(refusal)
            return state
        return await chosen(update, context, day)

    async def typed(update: Update, context: CaselineContext) -> int:
        parsed = await moment_from_text(update, context, prefix, purpose)
        if parsed is None:
            return state
        return await day_read(update, context, parsed.local.date())

    async def pressed(update: Update, context: CaselineContext) -> int:
        moment = moment_from_stamp(update, context)
        if moment is None:
            await answer(update, texts.STALE_BUTTON)
            return state
        await answer(update)
        return await day_read(update, context, moment.astimezone(zone_of(context)).date())

    async def not_text(update: Update, context: CaselineContext) -> None:
        await update.effective_message.reply_text(texts.TEXT_EXPECTED)

    return [
        CallbackQueryHandler(pressed, pattern=rf"^{prefix}:at:"),
        MessageHandler(filters.TEXT & ~filters.COMMAND, typed),
        MessageHandler(~filters.COMMAND, not_text),
    ]


DURATIONS = (15, 30, 45, 60, 90, 120)


# How long a typed place may be (an address and a floor, or "the café by the station").
PLACE_MAX = 300


def typed_place(update: Update) -> str | None:
    """The place typed for an appointment or a visit: one line, spaces collapsed, at most
    PLACE_MAX characters; None when nothing is left."""
    return " ".join((update.effective_message.text or "").split())[:PLACE_MAX] or None


def duration_keyboard(prefix: str) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton(texts.minutes(minutes), callback_data=pack(prefix, "dur", minutes))
        for minutes in DURATIONS
    ]
    return InlineKeyboardMarkup([row[:3], row[3:]])


def kind_keyboard(prefix: str, kinds) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            texts.INTERACTION_NAMES[kind], callback_data=pack(prefix, "kind", kind)
        )
        for kind in kinds
    ]
    return InlineKeyboardMarkup([buttons[index : index + 2] for index in range(0, len(buttons), 2)])


def card_pattern(flow: str) -> str:
    """Callback pattern of a client card's button (`cf:<flow>:<client id>`) that starts
    `flow` for that client; `client_from_press` reads and re-checks the id."""
    return rf"^cf:{flow}:"


Chosen = Callable[[Update, CaselineContext, ClientRef], Awaitable[int]]


def client_step(
    prefix: str, state: int, chosen: Chosen, *, action: str = CLIENT_ACCESS
) -> list[BaseHandler]:
    """The handlers of a choose-a-client state: a tapped button, a typed name or code,
    or anything else (asked again). `chosen` runs once a visible client is picked. A
    press naming a client the worker may not see is audited as `action`: "client.access",
    or what the dialog was about to do (/refer: "referral.create")."""

    async def pressed(update: Update, context: CaselineContext) -> int:
        ref = await client_from_press(update, context, action)
        if ref is None:
            return state
        await remove_keyboard(update)  # the picker has done its job
        return await chosen(update, context, ref)

    async def typed(update: Update, context: CaselineContext) -> int:
        ref = await client_from_text(update, context, prefix)
        return state if ref is None else await chosen(update, context, ref)

    return [
        CallbackQueryHandler(pressed, pattern=rf"^{prefix}:client:"),
        MessageHandler(filters.TEXT & ~filters.COMMAND, typed),
        MessageHandler(~filters.COMMAND, not_a_client),
    ]
