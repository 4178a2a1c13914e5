"""The rules of a progress note, written once (no I/O).

- A note says what happened: its time is never in the future.
- A note holds something: text, a file, or the DAP parts (each at most as long as a text).
- A risk flag says why, in one line of at most RISK_REASON_MAX characters.
- Its author may withdraw it (↩ Undo) for a minute after saving it; after that it can
  only be amended, and an amendment never touches the original.
- A withdrawn note cannot be amended.
- A one-liner that names no kind of contact is saved with its kind "not given", which does
  not count as seeing the client; its author says the kind afterwards, whenever, with one
  tap. A kind read from a typo ("phne:") can be changed the same way within the undo minute.
- Who was there: the client is taken as present by default for the kinds that count as
  seeing them (home visit, office, phone, video), not for the others; the worker ticks
  the people around the client one tap each. Only the client's current people can be
  named (one whose relation ended is no longer offered).
- A collateral contact is with one of the client's people (a call with the daughter, a
  talk with the GP), or with someone not on the card; other kinds are with nobody.
- The same one-line note (author, client, kind, text) again within ten minutes is a
  resend of the first, kept once: a one-liner has no draft to recognise it by. Within ten
  minutes of when the first was sent or when it was stored: after an outage the two differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from storage.kinds import InteractionType
from storage.notes import CLIENT_CONTACT, TEXT_MAX

__all__ = [
    "CHOSEN_KINDS",
    "RESEND_WINDOW",
    "RISK_REASON_MAX",
    "TEXT_MAX",
    "UNDO_WINDOW",
    "amendable",
    "client_there_by_default",
    "happened",
    "kind_changeable",
    "undoable",
    "with_someone",
    "worth_saving",
]

UNDO_WINDOW = timedelta(seconds=60)
RESEND_WINDOW = timedelta(minutes=10)
# A risk flag's reason: one short line (the supervisor's alert quotes it).
RISK_REASON_MAX = 500


def happened(moment: datetime, now: datetime) -> bool:
    """Whether a note may say it happened at `moment`: not in the future."""
    return moment <= now


def worth_saving(text: str, attachments: Sequence[object], dap: Sequence[str] | None) -> bool:
    """A note needs text, a file or the DAP parts; an empty card offers no ✅ Save."""
    return bool(text or attachments or dap)


def undoable(created_at: datetime, retracted_at: datetime | None, now: datetime) -> bool:
    """Whether ↩ Undo still withdraws a note saved at `created_at`.

    From when it was stored, not when it happened: the minute is for the worker who has
    just seen the note saved. A one-liner handled after an outage happened hours ago (its
    message's date) but was saved, and shown with ↩ Undo, only now."""
    return retracted_at is None and now - created_at <= UNDO_WINDOW


# The kinds a worker chooses; "not given" only ever comes from a one-liner without one.
CHOSEN_KINDS = frozenset(InteractionType) - {InteractionType.NOT_GIVEN}


def kind_changeable(
    kind: str, created_at: datetime, retracted_at: datetime | None, now: datetime
) -> bool:
    """Whether the author may still say (or correct) what kind of contact a note was: while
    it is "not given", or within the undo minute (a kind read from a typo)."""
    if retracted_at is not None:
        return False
    return kind == InteractionType.NOT_GIVEN or now - created_at <= UNDO_WINDOW


def amendable(retracted_at: datetime | None) -> bool:
    """A withdrawn note takes no amendment."""
    return retracted_at is None


def client_there_by_default(kind: InteractionType) -> bool:
    """Whether "who was there" starts with the client ticked: for the kinds that count as
    seeing the client (a home visit, office, phone or video is with them)."""
    return kind in CLIENT_CONTACT


def with_someone(kind: InteractionType) -> bool:
    """Whether a note of this kind is with one of the client's people: a collateral
    contact only."""
    return kind == InteractionType.COLLATERAL
