"""Details of a client that can be corrected from the card (✏️ Edit): name, date of birth,
address, phone, program, contact frequency, the usual place of visits, and the status
(active, or on hold with a reason until a day).

Each change owns its transaction: the actor must be one who may see the client (the rule
of the language edit: storage/access.py), the detail is checked, written, kept as a
`ClientChange` row (before, after, who, when: /history and the export show it) and
audited "client.edit" naming the field, never the value. A refusal is audited the same
way, and the answer never tells whether the client exists.

An on-hold ends by itself: the reminder tick calls `resume_ended_holds`, which makes a
client active again once its end day has come. Done there rather than read as over on
every read, because "on hold" is a status that dozens of queries (caseload, reminders,
digest figures) test in SQL; one writer keeps them all right, and the change is kept in
the client's history like any other.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from domain.results import Invalid, Refused, Saved, Stale
from domain.rules import roles
from domain.rules.phones import international
from domain.usecases.clients import card_menu_look
from domain.work import Work
from storage import audit, caseload, client_changes, clients
from storage.kinds import ClientStatus, Program
from storage.models import Client
from storage.workers import Actor

EDIT = "client.edit"
NOT_VISIBLE = Refused("client")
NAME_MIN = 2
ADDRESS_MAX = 300
PLACE_MAX = 300  # as an appointment's place (conversations/pickers.PLACE_MAX)
HOLD_REASON_MAX = roles.DISCHARGE_REASON_MAX
HOLD_YEARS_MAX = 2
MAX_AGE = 120


class Detail(StrEnum):
    """What ✏️ Edit corrects; the value names the field in buttons and in client_changes."""

    NAME = "name"
    BIRTH = "born"
    ADDRESS = "address"
    PHONE = "phone"
    PROGRAM = "program"
    FREQUENCY = "frequency"
    PLACE = "place"
    STATUS = "status"


# Optional details: ✏️ Edit can clear them (a wrong phone is better gone than kept). A
# name, program, contact frequency and status always have a value.
CLEARABLE = frozenset({Detail.BIRTH, Detail.ADDRESS, Detail.PHONE, Detail.PLACE})

COLUMNS = {
    Detail.NAME: "name",
    Detail.BIRTH: "date_of_birth",
    Detail.ADDRESS: "address",
    Detail.PHONE: "phone",
    Detail.PROGRAM: "program",
    Detail.FREQUENCY: "contact_frequency_days",
    Detail.PLACE: "usual_place",
    Detail.STATUS: "status",
}

# Invalid reasons
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
EMPTY = "empty"
PHONE_PLUS = "phone_plus"
NOT_PAST = "not_past"
TOO_OLD = "too_old"
NOT_FUTURE = "not_future"
TOO_FAR = "too_far"
UNKNOWN = "unknown"
STATUS_CLOSED = "status_closed"
STATUS_INTAKE = "status_intake"


async def details_choice(
    work: Work, actor: Actor, client_id: int | None
) -> Saved[Client] | Refused:
    """The client whose details the menu lists: an allowed look is audited like any other
    ("client.view", via=details.menu), a refused one as the change it was for."""
    return await card_menu_look(work, actor, client_id, "details.menu", EDIT)


def _one_line(text: str) -> str:
    return " ".join(clients.CONTROL_CHARACTERS.sub(" ", text).split())


def _checked(
    detail: Detail, value: object, *, today: date, country_code: str | None
) -> object | Invalid:
    """The value as stored, or why it cannot be."""
    if detail in (Detail.NAME, Detail.ADDRESS, Detail.PLACE, Detail.PHONE):
        text = _one_line(value) if isinstance(value, str) else ""
        if not text:
            return Invalid(EMPTY)
        limit = {Detail.NAME: clients.NAME_MAX, Detail.ADDRESS: ADDRESS_MAX}.get(detail, PLACE_MAX)
        if detail == Detail.NAME and len(text) < NAME_MIN:
            return Invalid(TOO_SHORT)
        if len(text) > limit:
            return Invalid(TOO_LONG)
        if detail == Detail.PHONE:
            phone = international(text, country_code)
            return Invalid(PHONE_PLUS) if phone is None else phone
        return text
    if detail == Detail.BIRTH:
        if not isinstance(value, date):
            return Invalid(UNKNOWN)
        if value > today:
            return Invalid(NOT_PAST)
        if value <= today - relativedelta(years=MAX_AGE + 1):
            return Invalid(TOO_OLD)
        return value
    if detail == Detail.PROGRAM:
        return (
            Program(value) if isinstance(value, str) and value in set(Program) else Invalid(UNKNOWN)
        )
    if detail == Detail.FREQUENCY:
        ok = isinstance(value, int) and value in clients.FREQUENCY_RANGE
        return value if ok else Invalid(UNKNOWN)
    return Invalid(UNKNOWN)


async def edit_client_detail(
    work: Work, actor: Actor, client_id: int | None, detail: Detail, value: object
) -> Saved[Client] | Stale[Client] | Refused | Invalid:
    """Set one detail (not the status: `set_client_status`); `value` None clears a
    CLEARABLE one. A name, address or place is one line; a phone is written
    "+<country> …" (a number typed without + is read in the organisation's
    CASELINE_COUNTRY_CODE, else Invalid(PHONE_PLUS)); a date of birth is not in the future
    nor more than MAX_AGE years back. Stale when it is already so."""
    zone = work.zone_for(actor.timezone)
    now = work.clock.now()
    today = now.astimezone(zone).date()
    stored: object
    if value is None:
        stored = None if detail in CLEARABLE else Invalid(EMPTY)
    elif detail == Detail.STATUS:
        stored = Invalid(UNKNOWN)
    else:
        stored = _checked(detail, value, today=today, country_code=work.settings.country_code)
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        if client is None:
            await caseload.refuse(
                session, actor, client_id, EDIT, now=now, detail={"field": detail}
            )
            return NOT_VISIBLE
        if isinstance(stored, Invalid):
            return stored
        column = COLUMNS[detail]
        before = getattr(client, column)
        if before == stored:
            return Stale(client)
        setattr(client, column, stored)
        client.updated_at = now
        client_changes.record(session, client, detail, before, stored, worker_id=actor.id, now=now)
        await audit.record_client(
            session, EDIT, now=now, actor_id=actor.id, client_id=client.id, detail={"field": detail}
        )
    return Saved(client)


def check_hold(reason: str | None, until: date | None, today: date) -> tuple[str, date] | Invalid:
    """An on-hold's reason (one line, at most HOLD_REASON_MAX) and end day (after today,
    at most HOLD_YEARS_MAX years ahead)."""
    text = _one_line(reason or "")
    if not text:
        return Invalid(EMPTY)
    if len(text) > HOLD_REASON_MAX:
        return Invalid(TOO_LONG)
    if until is None:
        return Invalid(UNKNOWN)
    if until <= today:
        return Invalid(NOT_FUTURE)
    if until > today + relativedelta(years=HOLD_YEARS_MAX):
        return Invalid(TOO_FAR)
    return text, until


def hold_days(today: date) -> tuple[date, date]:
    """The first and last day an on-hold may end on."""
    return today + timedelta(days=1), today + relativedelta(years=HOLD_YEARS_MAX)


async def set_client_status(
    work: Work,
    actor: Actor,
    client_id: int | None,
    *,
    hold_reason: str | None = None,
    hold_until: date | None = None,
) -> Saved[Client] | Stale[Client] | Refused | Invalid:
    """On hold (with `hold_reason` and `hold_until`, the day it is active again), or back
    to active when both are None. Only between active and on hold: a case in intake
    finishes its intake (Invalid(STATUS_INTAKE)), a closed one is reopened with ↩ Reopen
    (Invalid(STATUS_CLOSED)). Stale when active already (on hold again: a new reason and
    end day replace the old)."""
    zone = work.zone_for(actor.timezone)
    now = work.clock.now()
    hold = hold_reason is not None or hold_until is not None
    checked = check_hold(hold_reason, hold_until, now.astimezone(zone).date()) if hold else None
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        if client is None:
            await caseload.refuse(
                session, actor, client_id, EDIT, now=now, detail={"field": Detail.STATUS}
            )
            return NOT_VISIBLE
        if isinstance(checked, Invalid):
            return checked
        if client.status == ClientStatus.DISCHARGED:
            return Invalid(STATUS_CLOSED)
        if client.status == ClientStatus.INTAKE:
            return Invalid(STATUS_INTAKE)
        if checked is None and client.status == ClientStatus.ACTIVE:
            return Stale(client)
        before = client.status
        after = ClientStatus.ON_HOLD if checked is not None else ClientStatus.ACTIVE
        client.status = after
        client.hold_reason, client.hold_until = checked if checked is not None else (None, None)
        client.updated_at = now
        client_changes.record(
            session,
            client,
            Detail.STATUS,
            before,
            after,
            worker_id=actor.id,
            now=now,
            reason=client.hold_reason,
            until=client.hold_until,
        )
        await audit.record_client(
            session,
            EDIT,
            now=now,
            actor_id=actor.id,
            client_id=client.id,
            detail={"field": Detail.STATUS},
        )
    return Saved(client)


async def resume_ended_holds(work: Work) -> int:
    """Make active again every client on hold whose end day has come (in the
    organisation's zone: the day was typed as a calendar day), kept in their history as
    a change by nobody and audited "client.edit" with via=hold_ended. How many."""
    now = work.clock.now()
    today = now.astimezone(work.zone_for(None)).date()
    async with work.transaction() as session:
        ended = await client_changes.holds_ended(session, today)
        for client in ended:
            client.status = ClientStatus.ACTIVE
            client.hold_reason = client.hold_until = None
            client.updated_at = now
            client_changes.record(
                session,
                client,
                Detail.STATUS,
                ClientStatus.ON_HOLD,
                ClientStatus.ACTIVE,
                worker_id=None,
                now=now,
            )
            await audit.record(
                session,
                EDIT,
                now=now,
                subject_type="client",
                subject_id=client.id,
                client_id=client.id,
                detail={"field": Detail.STATUS, "via": "hold_ended"},
            )
    return len(ended)
