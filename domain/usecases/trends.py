"""A team's weekly trend: the snapshot the reminder tick keeps each week, and the look at
the last eight weeks (audited).

Who sees what is the digest's rule (domain/usecases/digests.team_choice): a supervisor
their own team, an admin theirs or any team by name; a worker none. Every look, refused
or not, is an audit event `trend.view` naming the team; a trend holds worker names and
counts, never a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from domain.results import Confirm, Invalid, Refused, Saved
from domain.rules import trends as rules
from domain.usecases.digests import TeamList, chosen_team
from domain.work import Work
from storage import audit, trends
from storage.kinds import Role
from storage.models import Worker
from storage.trends import Line, TeamTrend
from storage.workers import Actor

VIEW = "trend.view"


@dataclass(frozen=True, slots=True)
class Trend:
    """A team's weeks, and the workers a chart draws (`shown`: at most LINES_MAX of the
    `listed` ones)."""

    figures: TeamTrend
    shown: list[Line]

    @property
    def listed(self) -> int:
        return len(self.figures.workers)


async def keep_last_week(work: Work) -> int:
    """The reminder tick's weekly job: keep the week that ended (in the organisation's
    zone) for every listed worker, once — the rows this call wrote (0 once kept: every
    later tick of the week only looks)."""
    now = work.clock.now()
    zone = ZoneInfo(work.settings.timezone)
    week = rules.week_to_keep(now.astimezone(zone).date())
    async with work.transaction() as session:
        if await trends.week_taken(session, week):
            return 0
        return await trends.take_week(session, week, zone, now)


async def view_trend(
    work: Work, actor: Actor, *, asked: str, via: str
) -> Saved[Trend] | Refused | Invalid | Confirm[TeamList]:
    """The last eight weeks of the team `actor` may see with `asked` (a team name, admins
    only); anything but `Saved` is audited as a refused look."""
    choice = await chosen_team(work, actor, asked, looking_at=VIEW, via=via)
    if not isinstance(choice, int):
        return choice
    return Saved(await _look(work, choice, actor.id, via, work.clock.now()))


async def scheduled_trend(work: Work, supervisor: Worker | Actor) -> Trend | None:
    """The weekly trend the scheduler sends a supervisor; None for someone who leads no
    team."""
    if supervisor.role == Role.WORKER or supervisor.team_id is None:
        return None
    return await _look(work, supervisor.team_id, supervisor.id, "schedule", work.clock.now())


async def _look(work: Work, team_id: int, viewer_id: int, via: str, now: datetime) -> Trend:
    """Read the weeks and audit the look in the same unit of work."""
    zone = ZoneInfo(work.settings.timezone)
    weeks = rules.last_weeks(now.astimezone(zone).date())
    async with work.transaction() as session:
        figures = await trends.team_trend(session, team_id=team_id, weeks=weeks, zone=zone)
        await audit.record(
            session,
            VIEW,
            now=now,
            actor_id=viewer_id,
            subject_type="team",
            subject_id=team_id,
            detail={"via": via},
        )
    return Trend(figures, rules.shown(figures.workers))
