"""Texts of a supervisor's comments on notes and co-signs: the note's page, 💬 Comment,
✍️ Co-sign, /comment, the author's notice, and the lines under a note on the card, in
/history and in the exports.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, t, tn
from ui.i18n import translated as tr
from ui.texts.common import KIND_NAMES

COMMENT_COMMANDS = [("comment", N_("Comment on a note: /comment N-12 and the text"))]
COMMENT_BUTTON = N_("💬 Comment")
COSIGN_BUTTON = N_("✍️ Co-sign")
OPEN_NOTE = N_("👁 Open")
COMMENT_ONLY_LEADS = N_("Only supervisors and admins can comment on notes and co-sign them.")
COMMENT_USAGE = N_(
    "Which note? Send <code>/comment N-12</code> to open it, or <code>/comment N-12</code> "
    "and your comment to add it at once. The note numbers are in /history."
)
COMMENT_EMPTY = N_("That comment is empty. Type it, please (or /cancel).")
COSIGNED_TOAST = N_("✍️ Co-signed.")
COMMENT_TEXT_BEHIND_OPEN = N_("👁 Open shows it.")
# Fixed English in the CSV's type column, like the other event types.
CSV_COMMENT = N_("Note comment")
CSV_COSIGN = N_("Note co-sign")


def note_not_found(note_id: int | None) -> str:
    """Plain (an alert): a note the reader may not see reads as one that is not there."""
    if note_id is None:
        return t("That note is not one you can see.")
    return t("Note N-{note_id} is not one you can see.", note_id=note_id)


def note_button(day: str, kind: str) -> str:
    """The card's button opening one of its recent notes (as the note's line begins)."""
    return t("💬 {day} · {kind}", day=day, kind=tr(KIND_NAMES).get(kind, kind))


def note_ref_button(note_id: int) -> str:
    """/history's button opening a note, by the number its title shows."""
    return f"💬 N-{note_id}"


def note_page_title(note_id: int, client: str) -> str:
    """`client` is already HTML-safe (a code and an escaped name, or initials)."""
    return t("📝 <b>Note N-{note_id}</b> · {client}", note_id=note_id, client=client)


def note_page_meta(when: str, kind: str, author: str, risk: bool) -> str:
    line = t(
        "{when} · {kind} · by {author}",
        when=when,
        kind=tr(KIND_NAMES).get(kind, kind),
        author=escape(author),
    )
    return line + (" · ⚠" if risk else "")


def cosign_line(author: str | None, day: str) -> str:
    """Plain: ✍️ co-signed by Sam, 3 Mar."""
    return t("✍️ co-signed by {author}, {day}", author=author or "?", day=day)


def comment_ask(note_id: int, code: str) -> str:
    return t(
        "💬 Your comment on note N-{note_id} for {code}? Type it (1000 characters at "
        "most). The note stays as it is, and its author is told.",
        note_id=note_id,
        code=code,
    )


def comment_too_long(limit: int, length: int) -> str:
    return t(
        "A comment holds {limit} characters at most; this one has {length}. Shorten it "
        "and send it again (or /cancel).",
        limit=limit,
        length=length,
    )


def comment_saved(note_id: int) -> str:
    return t("💬 Your comment on N-{note_id} is saved.", note_id=note_id)


def already_cosigned(day: str) -> str:
    """Plain (a toast)."""
    return t("You co-signed this note on {day}.", day=day)


# The note's author told (a push)
def comment_told(by: str, note_id: int, client: str, when: str) -> str:
    """`client` is already HTML-safe."""
    return t(
        "💬 <b>{by}</b> commented on your note N-{note_id} ({client}, {when}):",
        by=escape(by),
        note_id=note_id,
        client=client,
        when=when,
    )


def cosign_told(by: str, note_id: int, client: str, when: str) -> str:
    return t(
        "✍️ <b>{by}</b> co-signed your note N-{note_id} ({client}, {when}).",
        by=escape(by),
        note_id=note_id,
        client=client,
        when=when,
    )


# Under a note on the card
def card_comment(author: str | None, text: str) -> str:
    return t("    💬 {author}: {text}", author=escape(author or "?"), text=escape(text))


def card_cosign(author: str | None, day: str) -> str:
    return "    " + escape(cosign_line(author, day))


def card_more_comments(count: int) -> str:
    return tn("    … and {count} more comment", "    … and {count} more comments", count)


# /history and the exports
def history_more_comments(count: int) -> str:
    """Plain."""
    return tn("… and {count} more comment", "… and {count} more comments", count)


def record_comment(author: str | None, when: str) -> str:
    """Plain."""
    return t("— Comment by {author}, {when}:", author=author or "?", when=when)


def csv_comment_summary(note_id: int | None) -> str:
    return t("Comment on N-{note_id}", note_id=note_id)


def csv_cosign_summary(note_id: int | None) -> str:
    return t("N-{note_id} co-signed", note_id=note_id)
