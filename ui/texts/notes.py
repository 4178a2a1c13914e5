"""Texts of /note, ✏️ Amend and the date reader's answers.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

# /note
NOTE_ASK_CLIENT = "<b>New note.</b> Which client?"
NOTE_DRAFT = "Note draft"
NOW = "now"
RISK = "Risk"
NOTE_TYPE_IT = (
    "Type the note — one or several messages. A voice note or photo works too. Then tap ✅ Save."
)
NOTE_WHAT_WORKS = "I can take text, a voice note, a photo or a document for a note."
TEXT_EXPECTED = "Please answer with text (or /cancel)."
WHEN = "🕒 When"
RISK_BUTTON = "⚠ Risk"
GOALS = "🎯 Goals"
DAP = "DAP"
REPLACE_TEXT = "✏️ Replace"
BACK = "◀ Back"
DONE = "✅ Done"
WHEN_CHOICES = [("Now", 0), ("1 h ago", 60), ("2 h ago", 120), ("Yesterday", 24 * 60)]
NOTE_ASK_WHEN = "When did it happen? Tap, or type e.g. “2h ago”, “yesterday 14:00”, “today 9:30”."
NOTE_WHEN_FUTURE = "That's in the future. A note records something that happened — when was it?"
NOTE_ASK_RISK = "What is the risk? A short reason (the supervisor is alerted)."
NOTE_ASK_REPLACE = "Type the new text; it replaces everything typed so far."
NOTE_ASK_GOALS = "Which plan goals does this note touch?"
NO_ACTIVE_GOALS = "This client has no active plan goals yet."
DAP_DATA = "Data"
DAP_ASSESSMENT = "Assessment"
DAP_PLAN = "Plan"
DAP_ASK_DATA = "<b>DAP note.</b> Data: what did you see and hear?"
DAP_ASK_ASSESSMENT = "Assessment: what does it mean?"
DAP_ASK_PLAN = "Plan: what happens next?"
NOTE_SAVED_TOAST = "Note saved."
CARD_OUTDATED = (
    "That card was out of date. The draft as it stands is shown now: check it, then save."
)
NOTE_NOTHING_TO_SAVE = "Nothing to save yet: type the note, or send a voice note or photo."
AMEND = "✏️ Amend"
OPEN_CLIENT = "👤 Client"
UNDO = "↩ Undo"


def risk_told(names: tuple[str, ...]) -> str:
    who = ", ".join(escape(name) for name in names)
    return f"🔔 Told at once: {who}."


LOOSE_OFFER = "📝 Make it a note? For which client?"
LOOSE_NOT_A_NOTE = "✖ Not a note"
LOOSE_DROPPED = "Not kept."
NOTE_KIND_ASK = "👇 What kind of contact was it? Tap it below."
NOTE_KIND_TOO_LATE = "The kind can be changed for a minute only. Use ✏️ Amend to add a correction."


def note_kind_read(typed: str, kind: str) -> str:
    return f"Read “{escape(typed[:20])}” as {kind}; another kind is a tap below."


def note_kind_set(kind: str) -> str:
    return f"Kind: {kind}."


UNDO_TOO_LATE = "Too late to undo (1 minute). Use ✏️ Amend to add a correction."
NOTE_UNDONE_TOAST = "Note withdrawn."


def note_ask_kind(code: str, name: str) -> str:
    return f"Note for <b>{code} · {escape(name)}</b>. What kind of contact?"


def note_draft_kept(code: str, name: str, characters_count: int) -> str:
    return (
        f"You have an unsaved note for <b>{code} · {escape(name)}</b> "
        f"({characters(characters_count)}). Pick it up again?"
    )


def note_too_long(limit: int) -> str:
    return f"A note can hold {limit:,} characters; this would go over. Save it and start another."


def goals_count(count: int) -> str:
    return "1 goal" if count == 1 else f"{count} goals"


def attachments_count(count: int) -> str:
    return "1 attachment" if count == 1 else f"{count} attachments"


def characters(count: int) -> str:
    return f"{count:,} characters"


def note_saved(note_id: int, code: str, name: str, kind: str, when: str) -> str:
    return f"✅ <b>Note N-{note_id} saved</b> · {code} · {escape(name)}\n{kind} · {when}"


def note_already_saved(note_id: int, code: str, name: str, kind: str, when: str) -> str:
    return (
        f"☑️ <b>Already saved as N-{note_id}</b> · {code} · {escape(name)}\n{kind} · {when}\n"
        "The same note arrived twice, so it is kept once. To save it again, change a word."
    )


def note_undone(code: str) -> str:
    return f"↩ The note for {code} was withdrawn. It is kept in the audit trail only."


# ✏️ Amend
def amend_ask(note_id: int, code: str) -> str:
    return (
        f"Amending note N-{note_id} for {code}. Type the correction; "
        "the original stays as it was. (/cancel to stop)"
    )


def note_with_amendments_header(note_id: int, code: str, when: str, author: str) -> str:
    return f"<b>Note N-{note_id}</b> · {code} · {when} · {escape(author)}"


def amendment_line(author: str, when: str) -> str:
    """Plain text (it is escaped with the note body)."""
    return f"— Amendment by {author}, {when}:"


# Dates
TODAY = "Today"
TOMORROW = "Tomorrow"
