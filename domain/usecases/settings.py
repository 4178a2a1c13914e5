"""/settings: a worker reads and changes their own reminder routine.

Each change is one small typed value (`SetLead(30)`, `ToggleDayOff(6)` …) passed to
`change_setting`, which saves it in its own transaction with its audit event and
returns the settings as they now stand. Which choices a button offers is the dialog's
business; what a value may be (a real time zone, a weekday, a kind that can be muted)
is checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.languages import LANGUAGES
from domain.results import Invalid, Saved
from domain.rules import trends as trend_rules
from domain.rules.routine import OPTIONAL_KINDS, QuietWarning, ReminderKind, Routine
from domain.usecases import approvals
from domain.work import Work
from storage import audit
from storage.approvals import TeamApprovals
from storage.kinds import Role
from storage.models import Worker
from storage.workers import Actor

MAX_LEAD_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class MySettings:
    """A worker's settings as they stand, and what /settings should warn about."""

    role: str
    timezone: str | None
    reminder_lead_minutes: int
    start_of_day: time
    quiet_start: time
    quiet_end: time
    days_off: frozenset[int]
    muted_reminder_kinds: frozenset[str]
    digest_time: time
    warnings: tuple[QuietWarning, ...]
    # None: the organisation's (CASELINE_LANGUAGE, CASELINE_DATE_ORDER).
    language: str | None = None
    date_order: str | None = None
    # The team's approvals (supervisors and admins of a team may turn them on or off).
    approvals: TeamApprovals | None = None
    # A supervisor's weekly trend: the ISO weekday it comes on (None: off).
    trend_weekday: int | None = None

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_start != self.quiet_end


@dataclass(frozen=True, slots=True)
class SetZone:
    name: ClassVar[str] = "zone"
    zone: str


@dataclass(frozen=True, slots=True)
class SetLead:
    name: ClassVar[str] = "lead"
    minutes: int


@dataclass(frozen=True, slots=True)
class SetStartOfDay:
    name: ClassVar[str] = "start"
    at: time


@dataclass(frozen=True, slots=True)
class SetDigestTime:
    name: ClassVar[str] = "digest"
    at: time


@dataclass(frozen=True, slots=True)
class SetQuietHours:
    name: ClassVar[str] = "quiet"
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class ToggleDayOff:
    name: ClassVar[str] = "day"
    weekday: int  # ISO: 1 = Monday


@dataclass(frozen=True, slots=True)
class ToggleMuted:
    name: ClassVar[str] = "kind"
    kind: ReminderKind


@dataclass(frozen=True, slots=True)
class SetLanguage:
    """The language Caseline speaks to the worker; None: the organisation's."""

    name: ClassVar[str] = "language"
    language: str | None


@dataclass(frozen=True, slots=True)
class SetDateOrder:
    """How the worker types all-numbers dates (3/12); None: the organisation's."""

    name: ClassVar[str] = "date_order"
    order: str | None


@dataclass(frozen=True, slots=True)
class ToggleApproval:
    """The actor's team: a worker's `kind` of action (storage.kinds.ApprovalKind) waits
    for a supervisor's approval, or no longer does."""

    name: ClassVar[str] = "approval"
    kind: str


@dataclass(frozen=True, slots=True)
class SetTrendDay:
    """The weekday a supervisor's weekly trend comes on (ISO, Monday to Friday); None:
    off."""

    name: ClassVar[str] = "trend_day"
    weekday: int | None


DATE_ORDERS = ("DMY", "MDY")

SettingChange = (
    SetZone
    | SetLead
    | SetStartOfDay
    | SetDigestTime
    | SetQuietHours
    | ToggleDayOff
    | ToggleMuted
    | SetLanguage
    | SetDateOrder
    | ToggleApproval
    | SetTrendDay
)


async def my_settings(work: Work, actor: Actor) -> MySettings:
    """The actor's settings as they stand."""
    async with work.transaction() as session:
        worker = await session.get(Worker, actor.id)
        assert worker is not None  # the gate let this actor in
        return _view(worker, work.settings.timezone, await approvals.team_setting(work, actor))


async def change_setting(
    work: Work, actor: Actor, change: SettingChange
) -> Saved[MySettings] | Invalid:
    """Save one change to the actor's own settings; Invalid("zone" | "lead" | "day" |
    "kind" | "language" | "date_order" | "trend_day") when the value is not one a setting
    can take (the weekly trend: supervisors only, Monday to Friday or off).
    Audited as settings.change (a language or date order with its new value)."""
    if isinstance(change, ToggleApproval):
        return await _toggle_approval(work, actor, change.kind)
    now = work.clock.now()
    async with work.transaction() as session:
        worker = await session.get(Worker, actor.id)
        assert worker is not None  # the gate let this actor in
        problem = _apply(worker, change)
        if problem is not None:
            return problem
        detail: dict[str, object] = {"setting": change.name}
        if isinstance(change, SetLanguage | SetDateOrder):
            detail["value"] = (
                worker.language if isinstance(change, SetLanguage) else worker.date_order
            )
        if isinstance(change, SetTrendDay):
            detail["value"] = worker.trend_weekday
        await audit.record(session, "settings.change", now=now, actor_id=worker.id, detail=detail)
        team = await approvals.team_setting(work, actor)
        return Saved(_view(worker, work.settings.timezone, team))


async def _toggle_approval(work: Work, actor: Actor, kind: str) -> Saved[MySettings] | Invalid:
    """The team's approval of `kind` switched (audited team.approvals by the use case of
    domain/usecases/approvals.py; a worker's forged press refused there, audited too)."""
    async with work.transaction() as session:
        current = await approvals.team_setting(work, actor)
        wanted = current is None or not current.needs(kind)
        changed = await approvals.set_team_approval(work, actor, actor.team_id, kind, wanted)
        if not isinstance(changed, Saved):
            return Invalid("approval")
        worker = await session.get(Worker, actor.id)
        assert worker is not None
        return Saved(_view(worker, work.settings.timezone, changed.value))


def _apply(worker: Worker, change: SettingChange) -> Invalid | None:
    match change:
        case SetZone(zone):
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                return Invalid("zone")
            worker.timezone = zone
        case SetLead(minutes):
            if not 0 < minutes <= MAX_LEAD_MINUTES:
                return Invalid("lead")
            worker.reminder_lead_minutes = minutes
        case SetStartOfDay(at):
            worker.start_of_day = at
        case SetDigestTime(at):
            worker.digest_time = at
        case SetQuietHours(start, end):
            worker.quiet_start, worker.quiet_end = start, end
        case ToggleDayOff(weekday):
            if not 1 <= weekday <= 7:
                return Invalid("day")
            worker.days_off = worker.days_off ^ {weekday}
        case ToggleMuted(kind):
            if kind not in OPTIONAL_KINDS:
                return Invalid("kind")
            worker.muted_reminder_kinds = worker.muted_reminder_kinds ^ {str(kind)}
        case SetLanguage(language):
            if language is not None and language not in LANGUAGES:
                return Invalid("language")
            worker.language = language
        case SetDateOrder(order):
            if order is not None and order not in DATE_ORDERS:
                return Invalid("date_order")
            worker.date_order = order
        case SetTrendDay(weekday):
            if worker.role != Role.SUPERVISOR or (
                weekday is not None and weekday not in trend_rules.TREND_DAYS
            ):
                return Invalid("trend_day")
            worker.trend_weekday = weekday
    return None


def _view(worker: Worker, default_zone: str, team: TeamApprovals | None = None) -> MySettings:
    routine = Routine.of(worker, default_zone)
    return MySettings(
        role=worker.role,
        timezone=worker.timezone,
        reminder_lead_minutes=worker.reminder_lead_minutes,
        start_of_day=worker.start_of_day,
        quiet_start=worker.quiet_start,
        quiet_end=worker.quiet_end,
        days_off=frozenset(worker.days_off),
        muted_reminder_kinds=frozenset(worker.muted_reminder_kinds),
        digest_time=worker.digest_time,
        warnings=routine.quiet_warnings(),
        language=worker.language,
        date_order=worker.date_order,
        approvals=team,
        trend_weekday=worker.trend_weekday,
    )
