"""Visit verification on screen: the reply keyboard that asks for the phone's location,
the one line that says how a visit stands, and the buttons that follow a check-in or a
check-out. No database here; the appointment card (ui/views.py) and the dialogs
(conversations/evv.py, conversations/visit.py) use these.

    ev:in:<appointment>                 📍 Check in (conversations/evv.py)
    ev:out:<appointment>                🏁 Check out (conversations/visit.py)
    ev:why:<appointment>:<in|out>:<reason>   why a position lay outside the radius
    ev:home:<appointment>               "Is this the client's home?" ✅ Yes, set it
    ev:nohome:<appointment>             … Not now
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from domain.rules import evv as rules
from domain.rules.appointments import is_scheduled
from domain.rules.evv import EvvException, Moment
from storage.kinds import EvvStatus
from storage.models import Appointment
from ui import texts
from ui.callbacks import pack

PREFIX = "ev"


def location_keyboard(*, no_location: bool = True) -> ReplyKeyboardMarkup:
    """📍 Send my location (Telegram asks the phone for its position and the worker
    confirms: two taps), and No location / ✖ Cancel. Gone once answered."""
    second = [KeyboardButton(texts.NO_LOCATION)] if no_location else []
    second.append(KeyboardButton(texts.CANCEL))
    return ReplyKeyboardMarkup(
        [[KeyboardButton(texts.SEND_LOCATION, request_location=True)], second],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def _time(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"


def status_line(visit: Appointment) -> str | None:
    """`✅ Verified: 80 m from the client's home.` or `⚠ Unverified: late start, …` — the
    one line the worker sees at once; None before a check-in."""
    if visit.evv_status is None:
        return None
    if visit.evv_status == EvvStatus.VERIFIED:
        latest = visit.check_out_distance if visit.check_out_at else visit.check_in_distance
        return texts.evv_verified(latest)
    return texts.evv_unverified(list(rules.ordered(visit.evv_exceptions or ())))


def outside(visit: Appointment, moment: Moment, radius: int) -> int | None:
    """The distance to ask a reason for: `moment`'s position lay outside the radius."""
    distance = visit.check_in_distance if moment == Moment.CHECK_IN else visit.check_out_distance
    return distance if distance is not None and distance > radius else None


def reason_keyboard(appointment_id: int, moment: Moment) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=pack(PREFIX, "why", f"{appointment_id}:{moment}:{code}")
                )
            ]
            for code, label in texts.EVV_REASONS.items()
        ]
    )


def home_keyboard(appointment_id: int) -> InlineKeyboardMarkup:
    """One per row: side by side, a phone cuts a translated label short."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.HOME_YES, callback_data=pack(PREFIX, "home", appointment_id)
                )
            ],
            [
                InlineKeyboardButton(
                    texts.HOME_NOT_NOW, callback_data=pack(PREFIX, "nohome", appointment_id)
                )
            ],
        ]
    )


def asks_home(visit: Appointment) -> bool:
    """After a check-in with a position and no home on record: "Is this the home?"."""
    return EvvException.NO_HOME in (visit.evv_exceptions or ()) and (
        visit.check_in_latitude is not None
    )


def card_lines(visit: Appointment, zone: ZoneInfo) -> list[str]:
    """What the appointment card says of its check-in and check-out, and how it stands."""
    lines = []
    if visit.check_in_at is not None:
        lines.append(texts.card_checked_in(_time(visit.check_in_at, zone)))
    if visit.check_out_at is not None:
        lines.append(texts.card_checked_out(_time(visit.check_out_at, zone)))
    status = status_line(visit)
    if status:
        lines.append(status)
    return lines


def card_button(visit: Appointment) -> InlineKeyboardButton | None:
    """📍 Check in on a scheduled home visit, 🏁 Check out once checked in; None after."""
    if not is_scheduled(visit.status) or not rules.verifiable(visit.kind):
        return None
    if visit.check_in_at is None:
        return InlineKeyboardButton(texts.CHECK_IN, callback_data=pack(PREFIX, "in", visit.id))
    if visit.check_out_at is None:
        return InlineKeyboardButton(texts.CHECK_OUT, callback_data=pack(PREFIX, "out", visit.id))
    return None


def stale_text(visit: Appointment, moment: Moment) -> str:
    """Why a visit cannot be checked in (or out of) now."""
    if not is_scheduled(visit.status):
        return texts.APPOINTMENT_NOT_SCHEDULED
    if not rules.verifiable(visit.kind):
        return texts.NOT_A_HOME_VISIT
    if moment == Moment.CHECK_IN:
        return texts.ALREADY_CHECKED_IN if visit.check_in_at else texts.CHECK_IN_NOT_YET
    return texts.NOT_CHECKED_IN if visit.check_in_at is None else texts.ALREADY_CHECKED_OUT
