"""Visit verification taken out: the EVV export of a period (`caseline evv export`) and a
client's paper visit sheet for a month (`caseline evv sheet`), both run by the operator
at the shell (no actor: the operator may read every team's visits).

Which visits: every visit checked in during the period, and every completed or no-show
home visit nobody checked in to (domain/rules/evv.UNCHECKED_EXPORTED), by the day it
began in the organisation's zone (CASELINE_TIMEZONE), both ends of the period included.
Each is reported verified or unverified with its exception codes (rules.reported).

Audited with no actor: "evv.export" (the period, the team's id, the number of visits)
and "evv.sheet" (the client, the month, the number of visits), via=cli. Rendering is the
caller's (bot/evv_export.py); these gather, in the transaction that records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Gone, Invalid
from domain.rules import evv as rules
from domain.work import Work
from storage import audit
from storage import evv_export as store
from storage.evv_export import VisitRow
from storage.kinds import EvvStatus
from storage.localtime import day_end, day_start
from storage.models import Client, client_code
from storage.names import clean_name
from storage.workers import names, team_named

EXPORT = "evv.export"
SHEET = "evv.sheet"
REVERSED_PERIOD = "reversed_period"


@dataclass(frozen=True, slots=True)
class ExportedVisit:
    """A visit as the export and the sheet report it; `minutes` from its check-in to its
    check-out (None without both)."""

    visit: VisitRow
    status: EvvStatus
    exceptions: list[str]
    minutes: int | None


@dataclass(frozen=True, slots=True)
class VisitExport:
    first_day: date
    last_day: date
    zone: ZoneInfo
    team: str | None
    visits: list[ExportedVisit]


@dataclass(frozen=True, slots=True)
class VisitSheet:
    """One client's visits in one month; `workers` who made them (or, with none, the
    client's worker), for the signature lines."""

    code: str
    client_name: str
    month: date  # its first day
    last_day: date
    zone: ZoneInfo
    workers: list[str]
    visits: list[ExportedVisit]


def _reported(row: VisitRow) -> ExportedVisit:
    verdict = rules.reported(row.check_in_at, row.check_out_at, row.exceptions)
    minutes = (
        rules.elapsed_minutes(row.check_in_at, row.check_out_at)
        if row.check_in_at is not None and row.check_out_at is not None
        else None
    )
    return ExportedVisit(row, verdict.status, verdict.exceptions, minutes)


async def _visits(
    session: AsyncSession,
    zone: ZoneInfo,
    first_day: date,
    last_day: date,
    *,
    team_id: int | None = None,
    client_id: int | None = None,
) -> list[ExportedVisit]:
    rows = await store.visits(
        session,
        start=day_start(first_day, zone),
        end=day_end(last_day, zone),
        unchecked_kind=rules.VERIFIED_KIND,
        unchecked_statuses=rules.UNCHECKED_EXPORTED,
        team_id=team_id,
        client_id=client_id,
    )
    return [_reported(row) for row in rows]


async def export_visits(
    work: Work, first_day: date, last_day: date, team: str | None = None
) -> VisitExport | Gone | Invalid:
    """The visits from `first_day` to `last_day` (local days, both included), of the
    workers of `team` when named. Gone("team") for a team that does not exist;
    Invalid(REVERSED_PERIOD) when the period ends before it starts."""
    if last_day < first_day:
        return Invalid(REVERSED_PERIOD)
    zone = work.settings.zone
    async with work.transaction() as session:
        team_id = None
        if team is not None:
            found = await team_named(session, clean_name(team, limit=100))
            if found is None:
                return Gone("team")
            team, team_id = found.name, found.id
        visits = await _visits(session, zone, first_day, last_day, team_id=team_id)
        await audit.record(
            session,
            EXPORT,
            now=work.clock.now(),
            subject_type="team" if team_id is not None else None,
            subject_id=team_id,
            detail={
                "from": first_day.isoformat(),
                "to": last_day.isoformat(),
                "team": team_id,
                "rows": len(visits),
                "via": "cli",
            },
        )
    return VisitExport(first_day, last_day, zone, team, visits)


def month_days(month: date) -> tuple[date, date]:
    """The first and the last day of `month`'s month."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


async def visit_sheet(work: Work, client_id: int, month: date) -> VisitSheet | Gone:
    """One client's visits in `month` (local days) for a paper sheet. Gone when there is
    no such client."""
    zone = work.settings.zone
    first_day, last_day = month_days(month)
    async with work.transaction() as session:
        client = await session.get(Client, client_id)
        if client is None:
            return Gone("client")
        visits = await _visits(session, zone, first_day, last_day, client_id=client.id)
        workers = list(dict.fromkeys(visit.visit.worker_name for visit in visits))
        if not workers and client.worker_id is not None:
            workers = list((await names(session, {client.worker_id})).values())
        await audit.record(
            session,
            SHEET,
            now=work.clock.now(),
            subject_type="client",
            subject_id=client.id,
            client_id=client.id,
            detail={
                "from": first_day.isoformat(),
                "to": last_day.isoformat(),
                "rows": len(visits),
                "via": "cli",
            },
        )
        return VisitSheet(
            code=client_code(client.id),
            client_name=client.name,
            month=first_day,
            last_day=last_day,
            zone=zone,
            workers=workers,
            visits=visits,
        )
