"""What of a client's record a message may carry: the one switch every renderer reads.

Under `CASELINE_PRIVACY=strict` (docs/DATA-PROTECTION.md) nothing the bot sends to Telegram
names a client or quotes the record: a client is their code (`C-0042`), a note is
`N-31 · Home visit · 10:35 · 240 characters` with 🗂 to read it in the Mini App, and every
free text (a plan's goals, a referral's notes, a safety plan, a comment, a risk's reason) is
left out or counted. Renderers ask here (`client_name`, `record_text`) instead of testing
the setting themselves, so a renderer written later gets strict mode by calling them.

The switch is set once per process from the settings (`bot/app.py`, `bot/cli.py`), in a
context variable so a test that builds a standard bot after a strict one starts clean.
"""

from __future__ import annotations

from contextvars import ContextVar
from html import escape
from typing import Protocol
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, WebAppInfo

from storage.history import Event
from storage.models import Note
from ui import texts

# What stands where strict mode leaves a text of the record out.
LOCKED = "🔒"
_strict: ContextVar[bool] = ContextVar("caseline_strict", default=False)
_webapp_url: ContextVar[str | None] = ContextVar("caseline_webapp_url", default=None)


def set_privacy(strict: bool, webapp_url: str | None) -> None:
    """The organisation's CASELINE_PRIVACY (and the Mini App that strict mode points to)."""
    _strict.set(strict)
    _webapp_url.set(webapp_url)


def strict() -> bool:
    return _strict.get()


class Named(Protocol):
    """A client as a result or a dialog's draft carries it (Client, ClientRef …)."""

    @property
    def name(self) -> str: ...


class Coded(Named, Protocol):
    @property
    def code(self) -> str: ...


class Listed(Coded, Protocol):
    """A client as a list's line shows them (Client, an agenda's AgendaClient): with
    whether a visit needs an interpreter, and in which language."""

    @property
    def interpreter(self) -> bool | None: ...

    @property
    def language(self) -> str | None: ...


def client_name(client: Named) -> str:
    """The client's name as a message may show it: "" in strict mode (the code stands
    alone)."""
    return "" if strict() else client.name


def client_label(client: Coded, private: bool) -> str:
    """`C-0042 Maria Gonzalez`; `C-0042 M.G.` when lock-screen previews must not show names
    (CASELINE_PRIVATE_PREVIEWS); `C-0042` alone in strict mode. HTML-escaped."""
    if strict():
        return client.code
    if private:
        initials = ".".join(part[0].upper() for part in client.name.split() if part[:1].isalpha())
        return f"{client.code} {initials}." if initials else client.code
    return f"{client.code} {escape(client.name)}"


def shown_html(text: str | None, empty: str = "—") -> str:
    """A free text of the record on a line of its own (a place, a reason): escaped; 🔒 in
    strict mode (there is one, read in the Mini App); `empty` when there is none."""
    if not text:
        return empty
    return LOCKED if strict() else escape(text)


def code_and_name_html(code: str, name: str) -> str:
    """`C-0042 Maria Gonzalez` (escaped) from a result that carries the two, or the code."""
    return code if strict() else f"{code} {escape(name)}"


def typed_back(typed: str) -> str:
    """What the worker typed to find a client (a name, perhaps), as an answer may repeat
    it: "" in strict mode."""
    return "" if strict() else typed


def record_text(text: str | None) -> str | None:
    """A free text of the record (a goal, a reason, a referral's note …) as a message may
    quote it: None in strict mode, so the caller leaves the line out or counts."""
    return None if strict() else text


def note_summary(note: Note, zone: ZoneInfo) -> str:
    """`N-31 · Home visit · 10:35 · 240 characters`: a note with nothing of its words."""
    return texts.note_summary(
        note.id,
        note.interaction_type,
        f"{note.occurred_at.astimezone(zone):%H:%M}",
        note_length(note),
    )


def note_length(note: Note) -> int:
    parts = (note.text, note.dap_data, note.dap_assessment, note.dap_plan)
    return sum(len(part) for part in parts if part)


def event_length(event: Event) -> int:
    """How many characters a note of /history holds (its text and its DAP's parts)."""
    dap = event.extra.get("dap") or ()
    return len(event.text or "") + sum(len(part) for part in dap if part)


def webapp_button(client_id: int | None = None) -> InlineKeyboardButton | None:
    """🗂 Open: the Mini App (at the client's record when given), where strict mode reads
    and writes what the chat may not carry; None without CASELINE_WEBAPP_URL."""
    url = _webapp_url.get()
    if url is None:
        return None
    address = f"{url}/?client={client_id}" if client_id is not None else f"{url}/"
    return InlineKeyboardButton(texts.CARD_OPEN, web_app=WebAppInfo(url=address))


def code_and_name(client: Coded) -> str:
    """`C-0042 · Maria Gonzalez` (plain text, for a button), or `C-0042` in strict mode."""
    return client.code if strict() else f"{client.code} · {client.name}"
