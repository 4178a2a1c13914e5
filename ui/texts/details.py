"""Texts of ✏️ Edit on the client card: the details that can be corrected, their
questions and answers, and how a change reads in /history and the export.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from datetime import date
from html import escape

from ui.i18n import N_, t
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.common import PROGRAM_NAMES, STATUS_NAMES, every_days
from ui.texts.naming import nameless
from ui.timefmt import day_with_year

CARD_EDIT = N_("✏️ Edit")

# The details, as the menu's buttons and the history name them (keys: client_details.Detail).
DETAIL_NAMES = {
    "name": N_("Name"),
    "born": N_("Date of birth"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "program": N_("Program"),
    "frequency": N_("Contact frequency"),
    "place": N_("Usual place of visits"),
    "status": N_("Status"),
}
DETAIL_ACTIVE = N_("▶ Active")
DETAIL_ON_HOLD = N_("⏸ On hold…")
DETAIL_SAVED_TOAST = N_("Saved.")
DETAIL_UNCHANGED_TOAST = N_("That is what it says already.")
DETAIL_EMPTY = N_("Please type it as text (or /cancel).")
DETAIL_PHONE_PLUS = N_(
    "Please type the number with + and the country code, e.g. +49 30 1234567 (or /cancel)."
)
DETAIL_FREQUENCY_NUMBER = N_("Please type a number of days from 1 to 365 (or /cancel).")
DETAIL_STATUS_CLOSED = N_("This case is closed: reopen it with ↩ Reopen on the card.")
DETAIL_STATUS_INTAKE = N_("This client is still in intake: finish the intake first.")
HOLD_NOT_FUTURE = N_("The hold must end after today. Please type a later day (or /cancel).")
HOLD_TOO_FAR = N_("A hold can last two years at most. Please type an earlier day (or /cancel).")
HOLD_REASON_TOO_LONG = N_("Please keep the reason under 500 characters.")


def detail_value(detail: str, stored: object) -> str:
    """A detail's value as a person reads it (plain); `stored` as the client or a change
    keeps it (a date or its ISO text, a code, a number or its digits)."""
    if stored is None or stored == "":
        return "—"
    if detail == "born":
        day = stored if isinstance(stored, date) else date.fromisoformat(str(stored))
        return day_with_year(day)
    if detail == "program":
        return tr(PROGRAM_NAMES).get(str(stored), str(stored))
    if detail == "status":
        return tr(STATUS_NAMES).get(str(stored), str(stored))
    if detail == "frequency":
        return every_days(int(str(stored))) if str(stored).isdecimal() else str(stored)
    return str(stored)


@nameless
def details_menu(code: str, name: str, rows: list[tuple[str, str]]) -> str:
    """`rows`: (detail, its value as detail_value shows it)."""
    lines = [t("<b>✏️ Details · {code} · {name}</b>", code=code, name=escape(name))]
    names = tr(DETAIL_NAMES)
    lines += [f"{names[detail]}: {escape(value)}" for detail, value in rows]
    lines.append(_("Which detail needs correcting?"))
    return "\n".join(lines)


def detail_ask(code: str, detail: str, current: str, hint: str = "") -> str:
    """The question for a typed detail; `current` as detail_value shows it; `hint` how
    to type it when the caller knows better (a date in the worker's order)."""
    label = tr(DETAIL_NAMES)[detail]
    hint = hint or {
        "phone": _("With + and the country code, e.g. +49 30 1234567."),
        "frequency": _("Every how many days should the client be visited? A number, 1 to 365."),
        "place": _("New appointments start with this place; it can still be changed."),
    }.get(detail, "")
    lines = [t("<b>{label} · {code}</b>", label=label, code=code)]
    lines.append(t("Now: {current}", current=escape(current)))
    if hint:
        lines.append(hint)
    lines.append(_("Type the new value. (/cancel to stop)"))
    return "\n".join(lines)


def detail_choose(code: str, detail: str, current: str) -> str:
    """The question for a detail chosen with buttons (program, status)."""
    label = tr(DETAIL_NAMES)[detail]
    return t(
        "<b>{label} · {code}</b>\nNow: {current}", label=label, code=code, current=escape(current)
    )


def hold_ask_reason(code: str) -> str:
    return t("Why is the case of {code} on hold? Type the reason. (/cancel to stop)", code=code)


def hold_ask_until(code: str, example: str) -> str:
    return t(
        "Until when is {code} on hold? Type the day the case is active again, e.g. {example}. "
        "(/cancel to stop)",
        code=code,
        example=example,
    )


def card_on_hold(until: date, reason: str | None) -> str:
    """The card's line for a case on hold (`reason` escaped here)."""
    if reason:
        return t("⏸ On hold until {day}: {reason}", day=day_with_year(until), reason=escape(reason))
    return t("⏸ On hold until {day}", day=day_with_year(until))


def card_usual_place(place: str) -> str:
    return t("📍 Visits usually at: {place}", place=escape(place))


def changed_title(
    detail: str, before: str | None, after: str | None, until: date | None, author: str | None
) -> str:
    """A change as /history and the export title it (plain); no `author`: the system
    made it (an on-hold that ended)."""
    label = tr(DETAIL_NAMES).get(detail, detail)
    shown_after = detail_value(detail, after)
    if detail == "status" and until is not None:
        shown_after = t("{status} until {day}", status=shown_after, day=day_with_year(until))
    if author is None:
        return t(
            "{label} changed automatically: {before} → {after}",
            label=label,
            before=detail_value(detail, before),
            after=shown_after,
        )
    return t(
        "{label} changed by {author}: {before} → {after}",
        label=label,
        author=author,
        before=detail_value(detail, before),
        after=shown_after,
    )
