"""Texts of visit verification (EVV): checking in and out with the phone's location, the
client's home location, the missing check-out reminder, the digest's exceptions and the
paper visit sheet (`caseline evv sheet`; plain text, no HTML).

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from babel.numbers import format_decimal

from ui.i18n import N_, current_language, locale_data, number, t, tn
from ui.i18n import translated as tr
from ui.texts.naming import nameless

# Buttons
CHECK_IN = N_("📍 Check in")
CHECK_OUT = N_("🏁 Check out")
CARD_HOME = N_("🏠 Home location")
# The reply keyboard under a request for the location (Telegram's own location button).
SEND_LOCATION = N_("📍 Send my location")
NO_LOCATION = N_("No location")
HOME_YES = N_("✅ Yes, set it")
HOME_NOT_NOW = N_("Not now")
# domain/rules/evv.Reason: why a position lay outside the radius.
EVV_REASONS = {
    "elsewhere": N_("Client met elsewhere"),
    "gps_poor": N_("GPS poor"),
    "other": N_("Other"),
}
# domain/rules/evv.EvvException, as the worker and the digest read them.
EVV_EXCEPTION_NAMES = {
    "no_location": N_("no location"),
    "no_home": N_("no home location yet"),
    "outside_radius": N_("outside the radius"),
    "late_start": N_("late start"),
    "missing_checkout": N_("missing check-out"),
    "time_edited": N_("times edited"),
    # Only in the export and the visit sheet (domain/rules/evv.NO_CHECK_IN, NO_CHECK_OUT).
    "no_check_in": N_("no check-in"),
    "no_check_out": N_("not checked out"),
}


def evv_distance(metres: int) -> str:
    """`80 m`, `1.2 km` (`1,2 km` in German and French)."""
    if metres < 1000:
        return t("{metres} m", metres=number(metres))
    km = format_decimal(round(metres / 1000, 1), locale=locale_data(current_language()))
    return t("{km} km", km=km)


def evv_exception_list(codes: list[str]) -> str:
    """`late start, outside the radius`."""
    names = tr(EVV_EXCEPTION_NAMES)
    return ", ".join(names.get(code, code) for code in codes)


# Asking for the location
@nameless
def check_in_ask(code: str, name: str, at: str) -> str:
    return t(
        "📍 Check in to <b>{code} · {name}</b> ({at}): tap <b>📍 Send my location</b> "
        "below. Your phone shares where it is once, now; it is kept with this visit only.",
        code=code,
        name=escape(name),
        at=at,
    )


@nameless
def check_out_ask(code: str, name: str, since: str) -> str:
    return t(
        "🏁 Check out of <b>{code} · {name}</b> (checked in at {since}): tap "
        "<b>📍 Send my location</b> below. The visit log opens next.",
        code=code,
        name=escape(name),
        since=since,
    )


LOCATION_EXPECTED = N_(
    "Tap <b>📍 Send my location</b> below, or <b>No location</b>, or /cancel to stop."
)
FORWARDED_REFUSED = N_(
    "That location was forwarded: checking in takes where you are now. "
    "Tap <b>📍 Send my location</b> below."
)
VENUE_REFUSED = N_(
    "That is a place picked from a list, not where your phone is. "
    "Tap <b>📍 Send my location</b> below."
)
LIVE_REFUSED = N_(
    "Caseline does not follow live locations. Stop sharing it, then tap "
    "<b>📍 Send my location</b> below to share where you are, once."
)
BAD_POSITION = N_("That location could not be read. Tap <b>📍 Send my location</b> below.")
LOCATION_ON_ITS_OWN = N_(
    "A location on its own is not kept. To check in, tap <b>📍 Check in</b> on the "
    "appointment's card (/today)."
)

# What happened
ALREADY_CHECKED_IN = N_("You have already checked in to this visit.")
CHECK_IN_NOT_YET = N_("This visit starts more than two hours from now: check in when you arrive.")
NOT_CHECKED_IN = N_("Check in first: 📍 Check in on the appointment's card.")
ALREADY_CHECKED_OUT = N_("You have already checked out of this visit.")
NOT_A_HOME_VISIT = N_("Only home visits are checked in and out.")
ONLY_ASSIGNED = N_("Only the worker this appointment is assigned to can check in and out.")


def checked_in(code: str, at: str) -> str:
    return t("📍 Checked in at {at} · {code}.", at=at, code=code)


def checked_out(code: str, start: str, end: str, minutes: int) -> str:
    return t(
        "🏁 Checked out at {end} · {code} · {start}–{end}, {minutes} min.",
        code=code,
        start=start,
        end=end,
        minutes=minutes,
    )


def evv_verified(metres: int | None) -> str:
    if metres is None:
        return tr(EVV_VERIFIED)
    return t("✅ Verified: {distance} from the client's home.", distance=evv_distance(metres))


EVV_VERIFIED = N_("✅ Verified.")


def evv_unverified(codes: list[str]) -> str:
    """The one line that says at once what keeps a visit from being verified."""
    return t("⚠ Unverified: {exceptions}.", exceptions=evv_exception_list(codes))


def evv_far(metres: int, radius: int) -> str:
    return t(
        "{distance} from the client's home (more than {radius}). Why?",
        distance=evv_distance(metres),
        radius=evv_distance(radius),
    )


REASON_SAVED = N_("Reason kept with the visit.")


def ask_home(code: str) -> str:
    return t("No home location is on record for {code} yet. Is this the client's home?", code=code)


def home_set_from_check_in(code: str) -> str:
    return t("🏠 Home location of {code} set from this check-in.", code=code)


HOME_LEFT = N_(
    "Left as it is: set the home location later from the client card (🏠 Home location)."
)
HOME_ALREADY_SET = N_("A home location is on record already.")


# 🏠 Home location, from the client card
@nameless
def home_ask(code: str, name: str) -> str:
    return t(
        "🏠 Home location of <b>{code} · {name}</b>: at the home, tap "
        "<b>📍 Send my location</b> below; elsewhere, send a pin placed on the home "
        "(📎 → Location).",
        code=code,
        name=escape(name),
    )


def home_on_record(day: str, by: str | None) -> str:
    if by:
        return t(
            "On record since {day}, set by {name}. A change needs a reason.",
            day=day,
            name=escape(by),
        )
    return t("On record since {day}. A change needs a reason.", day=day)


HOME_ASK_REASON = N_(
    "A home location is on record already. Why does it change? Type the reason "
    "(for example: moved in with her daughter)."
)
HOME_REASON_TOO_LONG = N_("Please keep the reason under 500 characters.")


def home_saved(code: str) -> str:
    return t("🏠 Home location of {code} saved.", code=code)


def home_changed(code: str) -> str:
    return t(
        "🏠 Home location of {code} changed. The earlier one is kept, with your reason.",
        code=code,
    )


# The appointment card
def card_checked_in(at: str) -> str:
    return t("📍 Checked in {at}", at=at)


def card_checked_out(at: str) -> str:
    return t("🏁 Checked out {at}", at=at)


# The visit log opened by 🏁 Check out
def visit_checked(start: str, end: str) -> str:
    return t("📍 {start}–{end}, from your check-in and check-out", start=start, end=end)


TIME_EDIT_ASK = N_(
    "You changed the times your check-in and check-out recorded. Why? "
    "Type one line; it is kept with the visit."
)


# The reminder when the check-out is missing
def check_out_missing(client: str, at: str) -> str:
    return t(
        "🏁 {client}: checked in at {at}, no check-out yet. The visit is marked unverified "
        "(missing check-out). Check out now if you are still there, or log the visit.",
        client=client,
        at=at,
    )


# The supervisor's digest
def digest_visit_exceptions(count: int) -> str:
    return tn("⚠ {count} visit with exceptions", "⚠ {count} visits with exceptions", count)


DIGEST_EXCEPTIONS_TITLE = N_("📍 <b>Visit exceptions</b> (last 24 h):")


def digest_exception(code: str, worker: str, when: str, codes: list[str]) -> str:
    return t(
        "{code} · {worker} · {when} · {exceptions}",
        code=code,
        worker=escape(worker),
        when=when,
        exceptions=evv_exception_list(codes),
    )


# The paper visit sheet of one client for one month (bot/evv_export.py): plain text.
def sheet_title(month: str) -> str:
    """Plain; `month` like `March 2026`."""
    return t("Visit sheet · {month}", month=month)


def sheet_client(code: str, name: str) -> str:
    """Plain."""
    return t("Client: {code} · {name}", code=code, name=name)


def sheet_workers(names: list[str]) -> str:
    """Plain."""
    return tn("Worker: {names}", "Workers: {names}", len(names), names=", ".join(names))


def sheet_period(first: str, last: str, zone: str) -> str:
    """Plain."""
    return t("Visits from {first} to {last}; times in {zone}.", first=first, last=last, zone=zone)


SHEET_COLUMNS = (
    N_("Date"),
    N_("Visit"),
    N_("In"),
    N_("Out"),
    N_("Minutes"),
    N_("Verification"),
    N_("Exceptions"),
)
EVV_STATUS_NAMES = {"verified": N_("Verified"), "unverified": N_("Unverified")}
SHEET_NO_VISITS = N_("No visits recorded this month.")


def sheet_totals(count: int, verified: int) -> str:
    """Plain."""
    return tn(
        "{count} visit, {verified} verified.",
        "{count} visits, {verified} verified.",
        count,
        verified=verified,
    )


SHEET_SIGN_CLIENT = N_("Client signature")
SHEET_SIGN_DATE = N_("Date")


def sheet_sign_worker(name: str) -> str:
    """Plain."""
    return t("Worker signature ({name})", name=name)


SHEET_NOTE = N_(
    "Check-in and check-out times and positions are what the worker's phone reported. "
    "Caseline is not a state-certified EVV system."
)
