"""Texts of /note, ✏️ Amend and the date reader's answers.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from domain.usecases.notes import NotePerson
from storage.kinds import InteractionType
from ui.i18n import N_, number, t, tn
from ui.texts.naming import nameless
from ui.texts.people import person_button

# /note
NOTE_ASK_CLIENT = N_("<b>New note.</b> Which client?")
NOTE_DRAFT = N_("Note draft")
NOW = N_("now")
RISK = N_("Risk")
NOTE_TYPE_IT = N_(
    "Type the note — one or several messages. A voice note or photo works too. Then tap ✅ Save."
)
NOTE_WHAT_WORKS = N_("I can take text, a voice note, a photo or a document for a note.")
# A file Caseline could not keep (bot/attachments.py): the draft stays as it was.
FILE_TOO_LARGE = N_(
    "That file is over 20 MB, more than Telegram lets me fetch, so I can't keep it. "
    "Send a smaller one; your note is as it was."
)
FILE_NOT_KEPT = N_(
    "I couldn't keep that file just now (Telegram did not hand it over). "
    "Please send it again; your note is as it was."
)
TEXT_EXPECTED = N_("Please answer with text (or /cancel).")
WHEN = N_("🕒 When")
RISK_BUTTON = N_("⚠ Risk")
GOALS = N_("🎯 Goals")
DAP = N_("DAP")
REPLACE_TEXT = N_("✏️ Replace")
BACK = N_("◀ Back")
DONE = N_("✅ Done")
WHEN_CHOICES = [
    (N_("Now"), 0),
    (N_("1 h ago"), 60),
    (N_("2 h ago"), 120),
    (N_("Yesterday"), 24 * 60),
]
NOTE_ASK_WHEN = N_(
    "When did it happen? Tap, or type e.g. “2h ago”, “yesterday 14:00”, “today 9:30”."
)
NOTE_WHEN_FUTURE = N_("That's in the future. A note records something that happened — when was it?")
NOTE_ASK_RISK = N_("What is the risk? A short reason (the supervisor is alerted).")
NOTE_ASK_REPLACE = N_("Type the new text; it replaces everything typed so far.")
NOTE_ASK_GOALS = N_("Which plan goals does this note touch?")
NO_ACTIVE_GOALS = N_("This client has no active plan goals yet.")
DAP_DATA = N_("Data")
DAP_ASSESSMENT = N_("Assessment")
DAP_PLAN = N_("Plan")
DAP_ASK_DATA = N_("<b>DAP note.</b> Data: what did you see and hear?")
DAP_ASK_ASSESSMENT = N_("Assessment: what does it mean?")
DAP_ASK_PLAN = N_("Plan: what happens next?")
NOTE_SAVED_TOAST = N_("Note saved.")
CARD_OUTDATED = N_(
    "That card was out of date. The draft as it stands is shown now: check it, then save."
)
NOTE_NOTHING_TO_SAVE = N_("Nothing to save yet: type the note, or send a voice note or photo.")
AMEND = N_("✏️ Amend")
OPEN_CLIENT = N_("👤 Client")
UNDO = N_("↩ Undo")
# The words that open a one-liner ("/note C-0042 phone: …") and name the kind of contact,
# lower case, as a worker of the language types them (English ones are read as well).
ONE_LINER_KIND_WORDS = [
    (N_("home visit"), InteractionType.HOME_VISIT),
    (N_("visit"), InteractionType.HOME_VISIT),
    (N_("office"), InteractionType.OFFICE),
    (N_("phone"), InteractionType.PHONE),
    (N_("call"), InteractionType.PHONE),
    (N_("video"), InteractionType.VIDEO),
    (N_("collateral"), InteractionType.COLLATERAL),
    (N_("supervision"), InteractionType.SUPERVISION),
]


# Who was there, and with whom (a collateral contact)
NOTE_WHO = N_("👥 Who was there")
NOTE_WITH_WHOM = N_("🗣 With whom")
NOTE_ASK_WHO = N_("<b>Who was there?</b> Tap each one, then ✅ Done.")
NOTE_ASK_WITH = N_(
    "<b>With whom was it?</b> Tap the person, or “Someone not on the card”. Or just type the note."
)
NOTE_NOT_ON_CARD = N_("👤 Someone not on the card")
NOTE_NOBODY_LISTED = N_("Nobody is listed under 👥 People for this client yet.")


def who_client_button(name: str, ticked: bool) -> str:
    """Plain: the client in "who was there"."""
    return ("✓ " if ticked else "") + f"👤 {name}"


def who_person_button(name: str, relation: str, ticked: bool) -> str:
    """Plain: one of the client's people in "who was there"."""
    return ("✓ " if ticked else "") + person_button(name, relation)


def note_people_lines(
    client_name: str | None, present: Sequence[NotePerson], about: NotePerson | None
) -> list[str]:
    """A note's "👥 Maria Gonzalez, Ana López (Family)" (`client_name` when the client was
    there) and "🗣 With Ana López (Family)", as HTML lines; none when nothing was said."""
    lines = []
    names = ([client_name] if client_name else []) + [
        person_button(person.name, person.relation) for person in present
    ]
    if names:
        lines.append("👥 " + escape(", ".join(names)))
    if about is not None:
        person = person_button(about.name, about.relation)
        lines.append(t("🗣 With {person}", person=escape(person)))
    return lines


def risk_told(names: tuple[str, ...]) -> str:
    who = ", ".join(escape(name) for name in names)
    return t("🔔 Told at once: {who}.", who=who)


LOOSE_OFFER = N_("📝 Make it a note? For which client?")
LOOSE_NOT_A_NOTE = N_("✖ Not a note")
LOOSE_DROPPED = N_("Not kept.")
NOTE_KIND_ASK = N_("👇 What kind of contact was it? Tap it below.")
NOTE_KIND_TOO_LATE = N_(
    "The kind can be changed for a minute only. Use ✏️ Amend to add a correction."
)


def note_kind_read(typed: str, kind: str) -> str:
    return t(
        "Read “{typed}” as {kind}; another kind is a tap below.",
        typed=escape(typed[:20]),
        kind=kind,
    )


def note_kind_set(kind: str) -> str:
    return t("Kind: {kind}.", kind=kind)


UNDO_TOO_LATE = N_("Too late to undo (1 minute). Use ✏️ Amend to add a correction.")
NOTE_UNDONE_TOAST = N_("Note withdrawn.")


@nameless
def note_ask_kind(code: str, name: str) -> str:
    return t("Note for <b>{code} · {name}</b>. What kind of contact?", code=code, name=escape(name))


@nameless
def note_draft_kept(code: str, name: str, characters_count: int) -> str:
    return t(
        "You have an unsaved note for <b>{code} · {name}</b> ({characters}). Pick it up again?",
        code=code,
        name=escape(name),
        characters=characters(characters_count),
    )


def note_too_long(limit: int) -> str:
    return t(
        "A note can hold {limit} characters; this would go over. Save it and start another.",
        limit=number(limit),
    )


def goals_count(count: int) -> str:
    return tn("{count} goal", "{count} goals", count)


def attachments_count(count: int) -> str:
    return tn("{count} attachment", "{count} attachments", count)


def characters(count: int) -> str:
    return t("{count} characters", count=number(count))


@nameless
def note_saved(note_id: int, code: str, name: str, kind: str, when: str) -> str:
    return t(
        "✅ <b>Note N-{note_id} saved</b> · {code} · {name}\n{kind} · {when}",
        note_id=note_id,
        code=code,
        name=escape(name),
        kind=kind,
        when=when,
    )


@nameless
def note_already_saved(note_id: int, code: str, name: str, kind: str, when: str) -> str:
    return t(
        "☑️ <b>Already saved as N-{note_id}</b> · {code} · {name}\n{kind} · "
        "{when}\nThe same note arrived twice, so it is kept once. To save it again, "
        "change a word.",
        note_id=note_id,
        code=code,
        name=escape(name),
        kind=kind,
        when=when,
    )


def note_undone(code: str) -> str:
    return t("↩ The note for {code} was withdrawn. It is kept in the audit trail only.", code=code)


# ✏️ Amend
def amend_ask(note_id: int, code: str) -> str:
    return t(
        "Amending note N-{note_id} for {code}. Type the correction; the original "
        "stays as it was. (/cancel to stop)",
        note_id=note_id,
        code=code,
    )


def note_with_amendments_header(note_id: int, code: str, when: str, author: str) -> str:
    return t(
        "<b>Note N-{note_id}</b> · {code} · {when} · {author}",
        note_id=note_id,
        code=code,
        when=when,
        author=escape(author),
    )


def amendment_line(author: str, when: str) -> str:
    """Plain text (it is escaped with the note body)."""
    return t("— Amendment by {author}, {when}:", author=author, when=when)


# Dates
TODAY = N_("Today")
TOMORROW = N_("Tomorrow")
