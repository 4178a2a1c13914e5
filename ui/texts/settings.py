"""Texts of /settings.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

# /settings
SETTINGS_TITLE = "Your settings"
SETTINGS_ZONE = "Time zone"
SETTINGS_LEAD = "Reminder before visits"
SETTINGS_START = "Start of day"
SETTINGS_QUIET = "Quiet hours"
SETTINGS_DAYS_OFF = "Days off"
SETTINGS_KINDS = "Reminders"
SETTINGS_DIGEST = "Team digest at"
SETTINGS_NONE = "none"
SETTINGS_NO_QUIET = "none"
SETTINGS_SAVED = "Saved."
SETTINGS_TYPE_TIME = "⌨️ Type a time"
SETTINGS_ASK_ZONE = "Type your time zone, e.g. Europe/Berlin, America/New_York or UTC."
SETTINGS_ASK_TIME = "Type the time, e.g. 07:30 or 7:30am."
# Examples keep to one line: a non-breaking hyphen (U+2011) and spaces, which the reader takes.
SETTINGS_ASK_QUIET = "Type your quiet hours, e.g. 21:00\u201107:00, 10pm\u20116am or 22\u20117."
SETTINGS_BAD_TIME = "Please type a time like 07:30 or 7:30am."
SETTINGS_BAD_QUIET = (
    "Please type quiet hours from when to when, like 21:00\u201107:00, "
    "7pm\u00a0to\u00a07:30am or 22\u20117."
)
SETTINGS_QUIET_WHICH = "Which quiet hours do you mean?"
REMINDER_KIND_NAMES = {
    "appt": "before visits",
    "agenda": "morning agenda",
    "digest": "team digest",
}


def settings_quiet_covers(kind: str, meant_for: str, moved_to: str | None) -> str:
    """/settings' warning when quiet hours cover the start of day (or the digest)."""
    what = "start of day" if kind == "agenda" else "team digest time"
    message = "morning agenda" if kind == "agenda" else "team digest"
    if moved_to is None:
        return (
            f"⚠ Your quiet hours cover your {what} ({meant_for}) and last past the end of "
            f"the day: you get no {message}."
        )
    return (
        f"⚠ Your quiet hours cover your {what} ({meant_for}): your {message} comes at "
        f"{moved_to}, when they end, and reminders due before then wait for it."
    )


def settings_bad_zone(typed: str) -> str:
    return (
        f"I don't know the time zone “{escape(typed)}”. "
        "Type it like Europe/Berlin, America/New_York or UTC."
    )
