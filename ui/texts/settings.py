"""Texts of /settings.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, t
from ui.i18n import gettext as _

# /settings
SETTINGS_TITLE = N_("Your settings")
SETTINGS_ZONE = N_("Time zone")
SETTINGS_LEAD = N_("Reminder before visits")
SETTINGS_START = N_("Start of day")
SETTINGS_QUIET = N_("Quiet hours")
SETTINGS_DAYS_OFF = N_("Days off")
SETTINGS_KINDS = N_("Reminders")
SETTINGS_DIGEST = N_("Team digest at")
SETTINGS_NONE = N_("none")
SETTINGS_NO_QUIET = N_("none")
SETTINGS_SAVED = N_("Saved.")
SETTINGS_TYPE_TIME = N_("⌨️ Type a time")
SETTINGS_ASK_ZONE = N_("Type your time zone, e.g. Europe/Berlin, America/New_York or UTC.")
SETTINGS_ASK_TIME = N_("Type the time, e.g. 07:30 or 7:30am.")
# Examples keep to one line: a non-breaking hyphen (U+2011) and spaces, which the reader takes.
SETTINGS_ASK_QUIET = N_("Type your quiet hours, e.g. 21:00\u201107:00, 10pm\u20116am or 22\u20117.")
SETTINGS_BAD_TIME = N_("Please type a time like 07:30 or 7:30am.")
SETTINGS_BAD_QUIET = N_(
    "Please type quiet hours from when to when, like 21:00\u201107:00, "
    "7pm\u00a0to\u00a07:30am or 22\u20117."
)
SETTINGS_QUIET_WHICH = N_("Which quiet hours do you mean?")
SETTINGS_LANGUAGE = N_("Language")
SETTINGS_DATES = N_("Dates")
# A choice of language (or date order) that follows the organisation's.
SETTINGS_ORGANISATION_DEFAULT = N_("Organisation default")
# How the worker types all-numbers dates: 24/12 is the 24th of December either way.
SETTINGS_DAY_MONTH = N_("day/month")
SETTINGS_MONTH_DAY = N_("month/day")
REMINDER_KIND_NAMES = {
    "appt": N_("before visits"),
    "agenda": N_("morning agenda"),
    "digest": N_("team digest"),
}


def settings_quiet_covers(kind: str, meant_for: str, moved_to: str | None) -> str:
    """/settings' warning when quiet hours cover the start of day (or the digest)."""
    what = _("start of day") if kind == "agenda" else _("team digest time")
    message = _("morning agenda") if kind == "agenda" else _("team digest")
    if moved_to is None:
        return t(
            "⚠ Your quiet hours cover your {what} ({meant_for}) and last past the end of "
            "the day: you get no {message}.",
            what=what,
            meant_for=meant_for,
            message=message,
        )
    return t(
        "⚠ Your quiet hours cover your {what} ({meant_for}): your {message} comes at "
        "{moved_to}, when they end, and reminders due before then wait for it.",
        what=what,
        meant_for=meant_for,
        message=message,
        moved_to=moved_to,
    )


def settings_bad_zone(typed: str) -> str:
    return t(
        "I don't know the time zone “{typed}”. Type it like Europe/Berlin, "
        "America/New_York or UTC.",
        typed=escape(typed),
    )


def settings_organisation_default(value: str) -> str:
    """/settings' line for a language or date order the worker left to the organisation."""
    return t("{value} (organisation default)", value=value)
