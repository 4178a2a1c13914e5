"""Strict mode's own texts (CASELINE_PRIVACY=strict, ui/privacy.py): what stands in the chat
where the record's words would, and the answers that send the worker to the Mini App."""

from __future__ import annotations

from ui.i18n import N_, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.common import KIND_NAMES
from ui.texts.details import DETAIL_NAMES


def characters(count: int) -> str:
    return tn("{count} character", "{count} characters", count)


def note_summary(note_id: int, kind: str, time: str, length: int) -> str:
    """`N-31 · Home visit · 10:35 · 240 characters`: a note with nothing of its words."""
    named = tr(KIND_NAMES).get(kind, kind)
    return f"N-{note_id} · {named} · {time} · {characters(length)}"


def changed_strict(detail: str, author: str | None) -> str:
    """A change of the client's details in strict mode: which detail, by whom, never the
    values (a name, a phone, an address)."""
    label = tr(DETAIL_NAMES).get(detail, detail)
    if author is None:
        return t("{label} changed automatically", label=label)
    return t("{label} changed by {author}", label=label, author=author)


def person_event_strict(added: bool) -> str:
    return _("Person added") if added else _("Relation with a person ended")


def comments_count(count: int) -> str:
    return tn("{count} comment", "{count} comments", count)


def amendments_count(count: int) -> str:
    return tn("{count} amendment", "{count} amendments", count)


STRICT_NOTE_IN_MINI_APP = N_(
    "🔒 Notes are written in the Mini App here, so their words never sit in this chat. Tap 🗂 Open."
)
STRICT_WRITE_IN_MINI_APP = N_(
    "🔒 In strict mode this is not typed in the chat, so what a client's record says never "
    "sits on Telegram's servers. The Mini App has it: tap 🗂 Open."
)
STRICT_NO_MINI_APP_PAGE = N_(
    "🔒 In strict mode client details, plans, referrals and safety plans are not typed in "
    "the chat: an admin enters them (caseline clients import), or the Mini App does."
)
STRICT_EXPORT_REFUSED = N_(
    "🔒 In strict mode the case file is not sent in the chat. An admin exports it with "
    "<code>caseline export</code>."
)
STRICT_HISTORY_IN_MINI_APP = N_("🔒 What was written is read in the Mini App: tap 🗂 Open.")
STRICT_REASON_IN_MINI_APP = N_("The reason is in the note: tap 🗂 Open.")
