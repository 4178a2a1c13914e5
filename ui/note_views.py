"""A note as the chat shows it: its block in /history, its own page (💬 Comment, ✍️
Co-sign), and the author's notice of a comment. The words are in ui/texts/; no database
here.

    cm:v:<note>   open the note's page (anyone who may see the client)
    cm:c:<note>   💬 Comment: the dialog asking for the text (conversations/note_comments.py)
    cm:s:<note>   ✍️ Co-sign

A comment is HTML-escaped wherever it is shown. Under CASELINE_PRIVATE_PREVIEWS the
author's notice names the client by code and initials and leaves the comment behind
👁 Open.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.usecases.note_comments import NotePage, Told
from storage.history import Event, EventKind
from storage.models import Note
from storage.note_comments import Comment
from ui import privacy, texts
from ui.callbacks import pack
from ui.splitting import telegram_length
from ui.timefmt import day_label, short_datetime
from ui.views import View, client_label, rows_that_fit

PREFIX = "cm"
# (note text, amendment and comment text, amendments and comments shown): tried in turn
# until a block fits a page.
_BLOCK_SIZES = ((1200, 400, 3), (500, 150, 1), (150, 60, 0))
BLOCK_MAX = 3000
# What the card shows of a note's comments: the latest two, cut.
CARD_COMMENTS = 2
CARD_COMMENT_MAX = 80
# The told comment, in the author's notice.
TOLD_MAX = 1000


def _clip(text: str, limit: int) -> str:
    """`text` escaped, cut to about `limit` characters with a note when cut."""
    if len(text) <= limit:
        return html.escape(text)
    cut = text[:limit].rstrip()
    return f"{html.escape(cut)}\n<i>{html.escape(texts.HISTORY_SHORTENED)}</i>"


def _remarks(event: Event, zone: ZoneInfo, limit: int, shown: int) -> tuple[list[str], int, int]:
    """The first `shown` amendments and the latest `shown` comments (co-signs are one
    line each, always there), oldest first, and how many of each were left out."""
    amendments = event.amendments[:shown]
    written = [comment for comment in event.comments if not comment.cosign]
    comments = written[-shown:] if shown else []
    parts = []
    for amendment in amendments:
        when = texts.record_moment(amendment.at, zone)
        parts.append(
            f"<i>{html.escape(texts.record_amendment(amendment.author, when))}</i>\n"
            + _clip(amendment.text, limit)
        )
    for comment in event.comments:
        if comment.cosign:
            line = texts.cosign_line(comment.author, texts.record_day(comment.at, zone))
            parts.append(f"<i>{html.escape(line)}</i>")
        elif comment in comments:
            when = texts.record_moment(comment.at, zone)
            parts.append(
                f"<i>{html.escape(texts.record_comment(comment.author, when))}</i>\n"
                + _clip(comment.text, limit)
            )
    return parts, len(event.amendments) - len(amendments), len(written) - len(comments)


def history_block(event: Event, zone: ZoneInfo) -> str:
    """One event as HTML, short enough to share a page with others: a note with its
    amendments, comments and co-signs; in strict mode what happened, when and by whom,
    and how much was written, never the words (ui/privacy.py)."""
    if privacy.strict():
        return _strict_block(event, zone)
    t = texts
    head = (
        f"<b>{t.record_moment(event.at, zone)}</b> · {t.RECORD_EVENT_MARKS.get(event.kind, '')} "
        f"{html.escape(t.record_event_title(event))}"
    )
    if event.author:
        head += f" · <i>{html.escape(event.author)}</i>"
    body = t.record_event_body(event)
    block = head
    for text_max, remark_max, shown in _BLOCK_SIZES:
        parts = [head]
        if body:
            parts.append(_clip(body, text_max))
        remarks, hidden_amendments, hidden_comments = _remarks(event, zone, remark_max, shown)
        parts += remarks
        if hidden_amendments:
            parts.append(f"<i>{html.escape(t.history_more_amendments(hidden_amendments))}</i>")
        if hidden_comments:
            parts.append(f"<i>{html.escape(t.history_more_comments(hidden_comments))}</i>")
        block = "\n".join(parts)
        if telegram_length(block) <= BLOCK_MAX:
            break
    return block


def _strict_block(event: Event, zone: ZoneInfo) -> str:
    t = texts
    if event.kind == EventKind.NOTE:
        title = texts.note_summary(
            event.ref or 0,
            event.label or "",
            f"{event.at.astimezone(zone):%H:%M}",
            privacy.event_length(event),
        )
        if event.extra.get("risk"):
            title += " ⚠"
    elif event.kind == EventKind.CHANGED:
        title = t.changed_strict(event.label or "", event.author)
    elif event.kind in (EventKind.PERSON_ADDED, EventKind.PERSON_ENDED):
        title = t.person_event_strict(event.kind == EventKind.PERSON_ADDED)
    else:
        title = t.record_event_title(event)
    head = f"<b>{t.record_moment(event.at, zone)}</b> · {t.RECORD_EVENT_MARKS.get(event.kind, '')} "
    head += html.escape(title)
    if event.author:
        head += f" · <i>{html.escape(event.author)}</i>"
    counts = []
    if event.amendments:
        counts.append(t.amendments_count(len(event.amendments)))
    written = [comment for comment in event.comments if not comment.cosign]
    if written:
        counts.append(t.comments_count(len(written)))
    counts += [
        t.cosign_line(comment.author, t.record_day(comment.at, zone))
        for comment in event.comments
        if comment.cosign
    ]
    return "\n".join([head, *(f"<i>{html.escape(line)}</i>" for line in counts)])


def open_button(note_id: int, label: str | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(label or texts.OPEN_NOTE, callback_data=pack(PREFIX, "v", note_id))


def note_page_view(page: NotePage, zone: ZoneInfo) -> View:
    """The note's page: the client, then the note as /history shows it (with who was
    there, amendments, comments and co-signs); 💬 Comment and ✍️ Co-sign for who may,
    👤 Client back to the card."""
    title = texts.note_page_title(
        page.id, privacy.code_and_name_html(page.client_code, page.client_name)
    )
    buttons = []
    if page.may_comment:
        buttons.append(
            InlineKeyboardButton(texts.COMMENT_BUTTON, callback_data=pack(PREFIX, "c", page.id))
        )
        if not page.cosigned:
            buttons.append(
                InlineKeyboardButton(texts.COSIGN_BUTTON, callback_data=pack(PREFIX, "s", page.id))
            )
    buttons.append(
        InlineKeyboardButton(texts.CARD_BACK, callback_data=pack("cf", "card", page.client_id))
    )
    # Strict mode: the note's words are read in the Mini App.
    opened = privacy.webapp_button(page.client_id) if privacy.strict() else None
    if opened is not None:
        buttons.insert(0, opened)
    text = f"{title}\n\n{history_block(page.event, zone)}"
    return View(text, InlineKeyboardMarkup(rows_that_fit(buttons)))


def told_view(told: Told, zone: ZoneInfo, now: datetime, *, private: bool) -> View:
    """The note's author told of a comment (the text, unless private previews keep it
    behind 👁 Open) or of a co-sign."""
    comment = told.comment
    label = client_label(told.client, private)
    when = short_datetime(told.note_at, zone, now)
    by = comment.author or "?"
    buttons = [open_button(told.note_id)]
    if comment.cosign:
        text = texts.cosign_told(by, told.note_id, label, when)
    else:
        text = texts.comment_told(by, told.note_id, label, when)
        if private:
            text += "\n" + texts.COMMENT_TEXT_BEHIND_OPEN
        else:
            text += "\n" + _clip(comment.text, TOLD_MAX)
    if not private:
        buttons.append(
            InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", told.client.id))
        )
    return View(text, InlineKeyboardMarkup(rows_that_fit(buttons)))


def card_comment_lines(comments: Sequence[Comment], zone: ZoneInfo) -> list[str]:
    """Under a note on the card: its latest comments (cut) and every co-sign."""
    written = [comment for comment in comments if not comment.cosign]
    # Strict mode counts the comments: their words are read in the Mini App.
    latest = [] if privacy.strict() else written[-CARD_COMMENTS:]
    lines = []
    if len(written) > len(latest):
        lines.append(texts.card_more_comments(len(written) - len(latest)))
    for comment in comments:
        if comment.cosign:
            lines.append(
                texts.card_cosign(comment.author, day_label(comment.at.astimezone(zone).date()))
            )
        elif comment in latest:
            first = " ".join(comment.text.split())
            if len(first) > CARD_COMMENT_MAX:
                first = first[: CARD_COMMENT_MAX - 1] + "…"
            lines.append(texts.card_comment(comment.author, first))
    return lines


def card_note_buttons(notes: Sequence[Note], zone: ZoneInfo) -> list[list[InlineKeyboardButton]]:
    """A supervisor's card: one button per recent note, labelled as its line begins,
    opening its page (where 💬 Comment and ✍️ Co-sign are)."""
    buttons = [
        open_button(
            note.id,
            texts.note_button(texts.record_day(note.occurred_at, zone), note.interaction_type),
        )
        for note in notes
    ]
    return rows_that_fit(buttons)
