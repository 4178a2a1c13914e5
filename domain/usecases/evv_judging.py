"""A visit's verification judged again, written once for the two use-case modules that
change a checked-in visit: domain/usecases/evv.py (check-in, check-out, a home set, a
missing check-out) and domain/usecases/appointments.py (the visit logged). It imports
neither, so both can import it.
"""

from __future__ import annotations

from datetime import datetime

from domain.rules import evv as rules
from domain.rules.evv import EvvException
from domain.work import Work
from storage import evv as store
from storage.kinds import AppointmentStatus
from storage.models import Appointment, Client


def judge(
    visit: Appointment, client: Client, work: Work, now: datetime, extra: set[str] | None = None
) -> None:
    """The visit judged again from what it recorded and the home as known now, with the
    `extra` exceptions added; written with when its verification changed."""
    verdict = rules.judged(
        visit, store.home_of(client), work.settings.evv_radius_meters, extra=extra or ()
    )
    store.judge(
        visit,
        exceptions=verdict.exceptions,
        status=verdict.status,
        check_in_distance=verdict.check_in_distance,
        check_out_distance=verdict.check_out_distance,
        now=now,
    )


def logged(
    visit: Appointment, client: Client, work: Work, now: datetime, edit_reason: str | None
) -> dict[str, object]:
    """A checked-in visit logged on the visit log (domain/usecases/appointments.log_visit,
    in its transaction): a check-out never made is missing, checked-in times changed on
    the card are an edit with its reason. What to add to the "visit.log" audit line."""
    if visit.check_in_at is None or visit.status != AppointmentStatus.COMPLETED:
        return {}
    extra: set[str] = set()
    if visit.check_out_at is None and visit.check_out_missed_at is None:
        visit.check_out_missed_at = now
        extra.add(EvvException.MISSING_CHECKOUT)
    if edit_reason:
        visit.time_edit_reason = edit_reason
        extra.add(EvvException.TIME_EDITED)
    if extra:
        judge(visit, client, work, now, extra)
    return {"evv": visit.evv_status, "time_edited": bool(edit_reason)}
