"""The supervisor's digest: which team an actor may see, and the look at it (audited).

Who sees what: a supervisor their own team; an admin the team they belong to, or any team
by name, and without a team and a name the list of teams to choose from — never every team
at once. A worker may not see a digest. Every look, refused or not, is an audit event
`digest.view`; the digest holds counts and worker names only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Confirm, Invalid, Refused, Saved
from domain.rules import roles
from domain.work import Work
from storage import audit
from storage.digest import TeamDigest, team_digest, team_names
from storage.kinds import Role
from storage.models import Worker
from storage.workers import Actor

VIEW = "digest.view"
NO_TEAM = Invalid("no_team")
NO_TEAMS = Invalid("no_teams")
PICK_TEAM = "pick_team"


@dataclass(frozen=True, slots=True)
class TeamList:
    """The teams an admin may choose from, and the name typed that matched none."""

    names: list[str]
    asked: str


async def view_digest(
    work: Work, actor: Actor, *, asked: str, via: str, zone: ZoneInfo
) -> Saved[TeamDigest] | Refused | Invalid | Confirm[TeamList]:
    """Today's digest of the team `actor` may see with `asked` (a team name, admins only):
    `Refused("role")` for a worker, `Invalid` when there is no team to show,
    `Confirm(PICK_TEAM, …)` when an admin must name one. All but `Saved` are audited as
    refused looks."""
    choice = await chosen_team(work, actor, asked, looking_at=VIEW, via=via)
    if not isinstance(choice, int):
        return choice
    return Saved(await _look(work, choice, actor.id, zone, via, work.clock.now()))


async def chosen_team(
    work: Work, actor: Actor, asked: str, *, looking_at: str, via: str
) -> int | Refused | Invalid | Confirm[TeamList]:
    """`team_choice`, with anything but a team audited as a refused look (`looking_at`:
    the look's audit action, e.g. the digest's or the trend's)."""
    async with work.transaction() as session:
        choice = await team_choice(session, actor, asked)
        if not isinstance(choice, int):
            await audit.refused(
                session,
                looking_at,
                now=work.clock.now(),
                actor_id=actor.id,
                subject_type="team",
                via=via,
            )
        return choice


async def team_choice(
    session: AsyncSession, actor: Actor, asked: str
) -> int | Refused | Invalid | Confirm[TeamList]:
    """The team whose figures `actor` may see with `asked` (a team name, admins only):
    a supervisor their own, an admin theirs or any by name; the refusal or what to ask
    otherwise (shared by the digest, /team and /trend)."""
    if not roles.may_see_team(actor.role):
        return Refused("role")
    if actor.role == Role.SUPERVISOR or (actor.team_id is not None and not asked):
        return actor.team_id if actor.team_id is not None else NO_TEAM
    teams = await team_names(session)
    by_name = {name.casefold(): team_id for team_id, name in teams}
    if not teams:
        return NO_TEAMS
    if asked.casefold() in by_name:
        return by_name[asked.casefold()]
    return Confirm(PICK_TEAM, TeamList([name for _, name in teams], asked))


async def scheduled_digest(work: Work, supervisor: Worker | Actor) -> TeamDigest | None:
    """The digest the scheduler sends a supervisor, in their zone (else the organisation's);
    None for someone who leads no team."""
    if supervisor.role == Role.WORKER or supervisor.team_id is None:
        return None
    zone = work.zone_for(supervisor.timezone)
    return await _look(work, supervisor.team_id, supervisor.id, zone, "schedule", work.clock.now())


async def _look(
    work: Work, team_id: int, viewer_id: int, zone: ZoneInfo, via: str, now: datetime
) -> TeamDigest:
    """Compute a digest and audit the look at it in the same unit of work."""
    async with work.transaction() as session:
        digest = await team_digest(session, team_id=team_id, now=now, zone=zone)
        await audit.record(
            session,
            VIEW,
            now=now,
            actor_id=viewer_id,
            subject_type="team",
            subject_id=team_id,
            detail={"via": via},
        )
    return digest
