"""An appointment's life, and when a logged visit is that appointment: the one place.

    scheduled ──complete──► completed      (needs start ≤ now: a contact is never in
        │  ▲                                the future; before the start, ask first)
        │  └─reschedule─┘                   (still scheduled, moved)
        ├──no_show────► no_show ──undo (1 min)──► scheduled
        └──cancel─────► cancelled

Only a scheduled appointment changes; completed, no-show and cancelled are final — but
for ↩ Undo: for `UNDO_WINDOW` (one minute, a note's too) after a no-show or a visit was
recorded, its worker may take it back (`undoable`). A no-show goes back to scheduled; a
logged visit that completed (or ended) an appointment puts it back as it was planned; a
visit logged on its own is withdrawn (kept for the audit trail, counted nowhere). After
the minute a visit is corrected with ✏️ Amend (`amendable`): its duration, or a
correction added to its note. A press on a card that shows an appointment as scheduled
after it moved on is answered with the appointment as it stands (domain.results.Stale),
never acted on.

✅ Done before the appointment's start (decided for issue 13): the use case does not
refuse and does not log a future contact; it asks "This visit is planned for Fri 09:30.
Log it as happened now?". Yes moves the visit's start to the moment of the answer, so
the completed visit is today's contact; No leaves the appointment scheduled.

A visit logged with /visit for a client who has a scheduled appointment starting within
`MATCH_WINDOW` (90 minutes, either side) of the visit's time is offered as that
appointment ("Is this the 14:00 visit?"): yes completes the appointment instead of
adding a second record, no logs a separate visit. Never merged silently. A completed
appointment keeps its planned start, unless that is still in the future (`completed_start`).

Pure functions: no I/O, no Telegram. storage/appointments.py queries the candidates,
domain/usecases/appointments.py decides with these rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.rules.notes import UNDO_WINDOW
from storage.kinds import AppointmentStatus, InteractionType

MATCH_WINDOW = timedelta(minutes=90)
# What a visit or appointment card starts with until the worker changes it.
DEFAULT_MINUTES = 60
DEFAULT_KIND = InteractionType.HOME_VISIT


class Change(StrEnum):
    """What a worker can do to an appointment."""

    COMPLETE = "complete"
    NO_SHOW = "no_show"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"


class Verdict(StrEnum):
    """The rule's answer to "may this change happen now?"."""

    ALLOWED = "allowed"
    NOT_SCHEDULED = "not_scheduled"  # it moved on: done, no-show or cancelled
    NOT_STARTED = "not_started"  # completing before the start: ask "log it as happened now?"


def is_scheduled(status: str) -> bool:
    """Whether the appointment is still ahead of its worker (the only state that moves)."""
    return status == AppointmentStatus.SCHEDULED


def check(change: Change, *, status: str, starts_at: datetime, now: datetime) -> Verdict:
    """May `change` happen to an appointment in `status` starting at `starts_at`, now?"""
    if not is_scheduled(status):
        return Verdict.NOT_SCHEDULED
    if change == Change.COMPLETE and not has_started(starts_at, now):
        return Verdict.NOT_STARTED
    return Verdict.ALLOWED


# How a visit may have ended (done, missed, cancelled): what ↩ Undo takes back and
# ✏️ Amend corrects. Scheduled is not ended; withdrawn is gone.
ENDED = frozenset(
    {AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED}
)


def undoable(status: str, recorded_at: datetime | None, now: datetime) -> bool:
    """Whether ↩ Undo still takes back how an appointment or visit ended (a no-show, or a
    visit logged done, missed or cancelled), recorded at `recorded_at` (its completed_at).
    From when it was recorded, as a note's undo: the minute is for the worker who has just
    seen it saved. A card cancelled with ✖ Cancel visit records no such moment: not this."""
    return status in ENDED and recorded_at is not None and now - recorded_at <= UNDO_WINDOW


def amendable(status: str) -> bool:
    """Whether a logged visit takes a correction (✏️ Amend): once it has ended, and as long
    as it was not taken back. The original stays on record: its note is never touched
    (an amendment is added), and a corrected duration keeps the first in the audit line."""
    return status in ENDED


def has_started(starts_at: datetime, now: datetime) -> bool:
    return starts_at <= now


def contact_time_ok(moment: datetime, now: datetime) -> bool:
    """A visit that happened happened at or before now: never a future contact."""
    return moment <= now


def completed_start(
    planned: datetime, logged: datetime, now: datetime, *, corrected: bool = False
) -> datetime:
    """When a completed appointment happened: as the worker set it on the visit card
    (`corrected`), else as planned, unless the plan is still in the future (✅ Done early,
    or a visit logged before the appointment it matched), then when the worker logged it
    — never a future contact (the caller checks `logged` with contact_time_ok)."""
    if corrected:
        return logged
    return planned if has_started(planned, now) else logged


def outcome_of_visit(outcome: str) -> Change:
    """The change a visit card's outcome makes to the appointment it completes."""
    return {
        AppointmentStatus.COMPLETED: Change.COMPLETE,
        AppointmentStatus.NO_SHOW: Change.NO_SHOW,
        AppointmentStatus.CANCELLED: Change.CANCEL,
    }[AppointmentStatus(outcome)]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scheduled appointment that a logged visit could be."""

    id: int
    starts_at: datetime


def matches(appointment_start: datetime, visit_start: datetime) -> bool:
    """Whether a visit at `visit_start` may be the appointment at `appointment_start`."""
    return abs(appointment_start - visit_start) <= MATCH_WINDOW


def match_window(visit_start: datetime) -> tuple[datetime, datetime]:
    """The starts a storage query must look between (inclusive) for `matches`."""
    return visit_start - MATCH_WINDOW, visit_start + MATCH_WINDOW


def best_match(
    candidates: Iterable[Candidate], visit_start: datetime, *, declined: Iterable[int] = ()
) -> Candidate | None:
    """The scheduled appointment nearest to the visit's time within the window, leaving
    out those the worker already said it was not; None when there is none."""
    skip = set(declined)
    fitting = [c for c in candidates if c.id not in skip and matches(c.starts_at, visit_start)]
    if not fitting:
        return None
    return min(fitting, key=lambda c: (abs(c.starts_at - visit_start), c.id))
