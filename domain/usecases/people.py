"""People admin: the team list and a person's card, deactivate and reactivate, move to
another team, change a role, and the unused invites (list, revoke). Covers are in
domain/usecases/covers.py.

Every use case takes `actor: Actor | None`: None is the operator at the shell (`caseline
worker …`), who may do everything; their events say via=cli. Who may do what is
domain/rules/roles.py: admins manage everyone, supervisors the workers (role worker) of
their own team, workers nobody; only admins change roles. Nobody deactivates, demotes or
changes the role of themselves (an admin asks another admin, or the operator), and the
last active admin is never switched off or demoted.

A person outside the actor's reach is `Gone("worker")`, exactly like one that does not
exist (the answer never tells which); someone within reach the actor may not manage is
`Refused("role")`. Both are audited. Every change is audited with its before and after.

A person leaving (deactivated) or moving to another team hands every client not
discharged to a colleague of the OLD team first (`clients_to`: a worker id, or
"supervisor" for the team's first active supervisor), through the one transfer
(domain/usecases/clients.hand_over), so no client is left with nobody and none follows a
person into another team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Gone, Invalid, Refused, Saved, Stale
from domain.rules import roles
from domain.usecases.clients import hand_over
from domain.work import Work
from storage import audit, bot_messages, people, workers
from storage.kinds import Role
from storage.models import Cover, Invite, Team, Worker
from storage.names import clean_name
from storage.people import PersonFacts
from storage.workers import Actor, get_or_create_team, names

NOT_FOUND = Gone("worker")
ROLE_REFUSED = Refused("role")
INVITE_NOT_FOUND = Gone("invite")

# Invalid reasons
CLIENTS_TO_NEEDED = "clients_to_needed"  # the person still holds clients: name a colleague
CLIENTS_TO_BAD = "clients_to"  # not an active worker or supervisor of the old team
NO_SUPERVISOR = "no_supervisor"  # clients_to="supervisor" and the team has none
LAST_ADMIN = "last_admin"
SELF = "self"
UNKNOWN_ROLE = "role"
UNKNOWN_TEAM = "unknown_team"  # a supervisor may only move people into existing teams
TEAM_NAME = "team_name"  # empty after cleaning
TEAM_NAME_MAX = 100

SUPERVISOR = "supervisor"
ClientsTo = int | Literal["supervisor"] | None

LIST = "people.list"
VIEW = "people.view"
DEACTIVATE = "worker.deactivate"
REACTIVATE = "worker.reactivate"
MOVE = "worker.move"
ROLE = "worker.role"
INVITE_LIST = "invite.list"
INVITE_REVOKE = "invite.revoke"
COVER_END = "cover.end"


class PersonStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    # Telegram answered 403 (they blocked the bot): access stays until someone decides.
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class CoverRow:
    """`covering_id` sees `covered_id`'s clients until `ends_at` (UTC)."""

    id: int
    covering_id: int
    covering_name: str
    covered_id: int
    covered_name: str
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Person:
    """One row of the team list, and a person's card."""

    id: int
    name: str
    role: str
    team_id: int | None
    team: str | None
    status: PersonStatus
    open_clients: int  # clients intake or active (Client.is_open)
    covering: tuple[CoverRow, ...] = ()  # colleagues whose caseload this person covers
    covered_by: tuple[CoverRow, ...] = ()  # colleagues covering this person's caseload
    deactivated_at: datetime | None = None
    unreachable_at: datetime | None = None
    # Where and how the person is spoken to: their chat's command menu follows their role.
    chat_id: int | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class PersonChanged:
    """A change made: the person as they are now; when clients were handed over, how
    many and to whom."""

    person: Person
    clients_moved: int = 0
    clients_to_id: int | None = None
    clients_to_name: str | None = None
    covers_ended: int = 0


@dataclass(frozen=True, slots=True)
class ClientsToNeeded(Invalid):
    """The person still holds `count` clients not discharged: say to whom they go."""

    count: int = 0


@dataclass(frozen=True, slots=True)
class Ambiguous(Invalid):
    """A name that fits several people: choose by id."""

    ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class InviteRow:
    """An unused invite. Never its code: only a hash of it is stored."""

    id: int
    role: str
    team: str | None
    name: str | None  # the name the invite gives its person, if any
    created_by: str | None
    created_at: datetime
    expires_at: datetime


# ---------------------------------------------------------------------------------------
# Shared by the people and cover use cases


def actor_id(actor: Actor | None) -> int | None:
    return actor.id if actor is not None else None


def with_via(actor: Actor | None, detail: dict[str, Any]) -> dict[str, Any]:
    """An event's detail, marked via=cli when the operator did it."""
    return detail if actor is not None else {**detail, "via": "cli"}


async def record(
    session: AsyncSession,
    action: str,
    actor: Actor | None,
    *,
    now: datetime,
    subject_type: str = "worker",
    subject_id: int | None,
    detail: dict[str, Any] | None = None,
) -> None:
    await audit.record(
        session,
        action,
        now=now,
        actor_id=actor_id(actor),
        subject_type=subject_type,
        subject_id=subject_id,
        detail=with_via(actor, detail or {}),
    )


async def refuse(
    session: AsyncSession,
    action: str,
    actor: Actor | None,
    *,
    now: datetime,
    subject_type: str = "worker",
    subject_id: int | None,
    **detail: Any,
) -> None:
    """A refused attempt, audited. (The operator is never refused.)"""
    if actor is not None:
        await audit.refused(
            session,
            action,
            now=now,
            actor_id=actor.id,
            subject_type=subject_type,
            subject_id=subject_id,
            **detail,
        )


def may_see_people(actor: Actor | None) -> bool:
    return actor is None or roles.may_see_people(actor.role)


def reaches(actor: Actor | None, team_id: int | None) -> bool:
    return actor is None or roles.within_reach(actor.role, actor.team_id, team_id)


async def reachable(
    session: AsyncSession,
    actor: Actor | None,
    worker_id: int | None,
    action: str,
    now: datetime,
) -> Worker | Gone | Refused:
    """The worker, if the actor may look at people at all (else Refused("role")) and this
    one is within reach (else Gone, also when there is no such worker); refusals audited."""
    if not may_see_people(actor):
        await refuse(session, action, actor, now=now, subject_id=worker_id)
        return ROLE_REFUSED
    worker = await session.get(Worker, worker_id) if worker_id else None
    if worker is None or not reaches(actor, worker.team_id):
        await refuse(session, action, actor, now=now, subject_id=worker_id)
        return NOT_FOUND
    return worker


def cover_row(cover: Cover, who: dict[int, str]) -> CoverRow:
    return CoverRow(
        id=cover.id,
        covering_id=cover.covering_worker_id,
        covering_name=who.get(cover.covering_worker_id, ""),
        covered_id=cover.covered_worker_id,
        covered_name=who.get(cover.covered_worker_id, ""),
        ends_at=cover.ends_at,
    )


async def end_covers_of(
    session: AsyncSession, actor: Actor | None, worker_id: int, *, now: datetime, reason: str
) -> int:
    """End every active cover held or given by the worker, each audited "cover.end"."""
    ended = 0
    for cover in await people.covers(session, [worker_id], now):
        if await people.end_cover(session, cover.id, now):
            ended += 1
            await record(
                session,
                COVER_END,
                actor,
                now=now,
                subject_type="cover",
                subject_id=cover.id,
                detail={
                    "covering": cover.covering_worker_id,
                    "covered": cover.covered_worker_id,
                    "reason": reason,
                },
            )
    return ended


# ---------------------------------------------------------------------------------------
# The team list and a person's card


def _status(worker: Worker) -> PersonStatus:
    if not worker.active:
        return PersonStatus.DEACTIVATED
    if worker.unreachable_at is not None:
        return PersonStatus.UNREACHABLE
    return PersonStatus.ACTIVE


async def _people(
    session: AsyncSession, facts: Sequence[PersonFacts], now: datetime
) -> list[Person]:
    ids = [fact.worker.id for fact in facts]
    covers = await people.covers(session, ids, now)
    involved = {cover.covering_worker_id for cover in covers}
    involved |= {cover.covered_worker_id for cover in covers}
    who = await names(session, involved)
    rows = [cover_row(cover, who) for cover in covers]
    return [
        Person(
            id=fact.worker.id,
            name=fact.worker.name,
            role=fact.worker.role,
            team_id=fact.worker.team_id,
            team=fact.team_name,
            status=_status(fact.worker),
            open_clients=fact.open_clients,
            covering=tuple(row for row in rows if row.covering_id == fact.worker.id),
            covered_by=tuple(row for row in rows if row.covered_id == fact.worker.id),
            deactivated_at=fact.worker.deactivated_at,
            unreachable_at=fact.worker.unreachable_at,
            chat_id=fact.worker.chat_id,
            language=fact.worker.language,
        )
        for fact in facts
    ]


async def _person(session: AsyncSession, worker_id: int, now: datetime) -> Person:
    [person] = await _people(session, await people.people(session, worker_id=worker_id), now)
    return person


# The person as they are now, for use cases of other modules that already checked reach.
person_now = _person


async def list_people(work: Work, actor: Actor | None) -> list[Person] | Refused:
    """Everyone (admins, the operator) or the supervisor's own team, by name; workers
    are refused. The look is audited ("people.list")."""
    now = work.clock.now()
    async with work.transaction() as session:
        if not may_see_people(actor):
            await refuse(session, LIST, actor, now=now, subject_id=None)
            return ROLE_REFUSED
        team_id = actor.team_id if actor is not None and actor.role == Role.SUPERVISOR else None
        if actor is not None and actor.role == Role.SUPERVISOR and team_id is None:
            facts: list[PersonFacts] = []
        else:
            facts = await people.people(session, team_id=team_id)
        await record(
            session, LIST, actor, now=now, subject_type="team", subject_id=team_id, detail={}
        )
        return await _people(session, facts, now)


async def look_person(
    work: Work, actor: Actor | None, worker_id: int | None
) -> Person | Gone | Refused:
    """One person's card; Gone when there is no such person or they are outside the
    actor's reach. The look is audited ("people.view")."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await looked_at(session, actor, worker_id, now)
        if not isinstance(found, Worker):
            return found
        return await _person(session, found.id, now)


async def looked_at(
    session: AsyncSession, actor: Actor | None, worker_id: int | None, now: datetime
) -> Worker | Gone | Refused:
    """The person `actor` opens, the look audited ("people.view"); Gone or Refused
    (audited) when out of reach."""
    found = await reachable(session, actor, worker_id, VIEW, now)
    if isinstance(found, Worker):
        await record(session, VIEW, actor, now=now, subject_id=found.id)
    return found


async def find_person(work: Work, actor: Actor | None, words: str) -> Person | Gone | Ambiguous:
    """The person an operator or a dialog names by id or by name (exactly, any case;
    else a part of it): one within reach, else Gone, or Ambiguous with the ids."""
    now = work.clock.now()
    async with work.transaction() as session:
        text = words.strip()
        if text.isdecimal():
            worker = await session.get(Worker, int(text))
            found = [worker] if worker is not None else []
        else:
            found = await people.named(session, text)
        found = [worker for worker in found if reaches(actor, worker.team_id)]
        if not found:
            return NOT_FOUND
        if len(found) > 1:
            return Ambiguous("ambiguous", tuple(worker.id for worker in found))
        return await _person(session, found[0].id, now)


# ---------------------------------------------------------------------------------------
# Deactivate, reactivate, move, change the role


async def _manageable(
    session: AsyncSession, actor: Actor | None, worker_id: int | None, action: str, now: datetime
) -> Worker | Gone | Refused:
    found = await reachable(session, actor, worker_id, action, now)
    if not isinstance(found, Worker):
        return found
    if actor is not None and not roles.may_manage(
        actor.role, actor.team_id, found.role, found.team_id
    ):
        await refuse(session, action, actor, now=now, subject_id=found.id)
        return ROLE_REFUSED
    return found


async def _caseload_target(
    session: AsyncSession, worker: Worker, clients_to: ClientsTo, expected: int | None = None
) -> tuple[list[Any], Worker | None] | Invalid:
    """The clients the worker still holds (not discharged) and the colleague of their
    current team who takes them; Invalid when one is needed and there is none, and
    ClientsToNeeded with the count now when the caller expected another count (the
    chat's question was answered on facts that have changed since)."""
    left = await people.caseload_left(session, worker.id)
    if expected is not None and expected != len(left):
        return ClientsToNeeded(CLIENTS_TO_NEEDED, len(left))
    if not left:
        return left, None
    if clients_to is None:
        return ClientsToNeeded(CLIENTS_TO_NEEDED, len(left))
    if clients_to == SUPERVISOR:
        target = await people.first_supervisor(session, worker.team_id, besides=worker.id)
        return (left, target) if target is not None else Invalid(NO_SUPERVISOR)
    target = await session.get(Worker, clients_to) if isinstance(clients_to, int) else None
    if (
        target is None
        or not target.active
        or target.id == worker.id
        or target.team_id != worker.team_id
        or target.role not in roles.TRANSFER_TARGET_ROLES
    ):
        return Invalid(CLIENTS_TO_BAD)
    return left, target


async def _hand_over_all(
    session: AsyncSession,
    actor: Actor | None,
    clients: Iterable[Any],
    target: Worker | None,
    *,
    now: datetime,
    because: str,
) -> int:
    """Hand every client to `target` (None: there are none to hand over); how many."""
    moved = 0
    for client in clients:
        assert target is not None, "clients to hand over need someone to take them"
        await hand_over(
            session,
            client,
            target,
            now=now,
            actor_id=actor_id(actor),
            detail=with_via(actor, {"because": because}),
        )
        moved += 1
    return moved


async def _is_last_admin(session: AsyncSession, worker: Worker) -> bool:
    return worker.role == Role.ADMIN and worker.active and await people.active_admins(session) <= 1


async def deactivate(
    work: Work,
    actor: Actor | None,
    worker_id: int | None,
    *,
    clients_to: ClientsTo = None,
    expected_clients: int | None = None,
) -> Saved[PersonChanged] | Stale[Person] | Gone | Refused | Invalid:
    """Switch a person off now: their clients go to `clients_to` first (required while
    they hold any: ClientsToNeeded with the count), their covers end, and the bot's
    deletable messages in their chat are queued for deletion. Their next update is
    refused at the gate. Stale when they are off already; Invalid("self"),
    Invalid("last_admin"), Invalid("clients_to"), Invalid("no_supervisor").
    `expected_clients`: how many clients the caller's question counted; another count
    now is ClientsToNeeded with the new count, and nothing changes."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _manageable(session, actor, worker_id, DEACTIVATE, now)
        if not isinstance(found, Worker):
            return found
        worker = found
        if actor is not None and actor.id == worker.id:
            return Invalid(SELF)
        if not worker.active:
            return Stale(await _person(session, worker.id, now))
        if await _is_last_admin(session, worker):
            return Invalid(LAST_ADMIN)
        handover = await _caseload_target(session, worker, clients_to, expected_clients)
        if isinstance(handover, Invalid):
            return handover
        left, target = handover
        moved = await _hand_over_all(session, actor, left, target, now=now, because=DEACTIVATE)
        worker.active = False
        worker.deactivated_at = now
        ended = await end_covers_of(session, actor, worker.id, now=now, reason="deactivated")
        await bot_messages.schedule_wipe(
            session, worker_id=worker.id, chat_id=worker.chat_id, now=now
        )
        changed = await _left(
            session,
            actor,
            worker,
            DEACTIVATE,
            ({"active": True}, {"active": False}),
            moved=moved,
            target=target,
            covers_ended=ended,
            now=now,
        )
    return Saved(changed)


async def reactivate(
    work: Work, actor: Actor | None, worker_id: int | None
) -> Saved[PersonChanged] | Stale[Person] | Gone | Refused:
    """Switch a person on again, in the same team and role, with no clients (theirs were
    handed over when they left). Stale when they are active."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _manageable(session, actor, worker_id, REACTIVATE, now)
        if not isinstance(found, Worker):
            return found
        worker = found
        if worker.active:
            return Stale(await _person(session, worker.id, now))
        # deactivated_at stays: the gate ends dialogs left open from before it.
        worker.active = True
        await session.flush()
        await record(
            session,
            REACTIVATE,
            actor,
            now=now,
            subject_id=worker.id,
            detail={"before": {"active": False}, "after": {"active": True}},
        )
        person = await _person(session, worker.id, now)
    return Saved(PersonChanged(person))


async def move(
    work: Work,
    actor: Actor | None,
    worker_id: int | None,
    team_name: str | int,
    *,
    clients_to: ClientsTo = None,
    expected_clients: int | None = None,
) -> Saved[PersonChanged] | Stale[Person] | Gone | Refused | Invalid:
    """Move a person to the team called `team_name` (created when an admin or the
    operator names a new one; a supervisor only names existing teams: Invalid
    ("unknown_team")), or to the team with that id (a button: never created, an unknown
    id is Invalid("unknown_team")). Their clients stay in the old team: `clients_to`
    names a colleague of the OLD team, as for deactivate (and `expected_clients`).
    Their covers end (a cover is within one team). Stale when they are in that team
    already."""
    now = work.clock.now()
    name = "" if isinstance(team_name, int) else clean_name(team_name, limit=TEAM_NAME_MAX)
    async with work.transaction() as session:
        found = await _manageable(session, actor, worker_id, MOVE, now)
        if not isinstance(found, Worker):
            return found
        worker = found
        if isinstance(team_name, int):
            team = await session.get(Team, team_name)
            if team is None:
                return Invalid(UNKNOWN_TEAM)
            name = team.name
        elif not name:
            return Invalid(TEAM_NAME)
        else:
            team = await workers.team_named(session, name)
        if team is None and actor is not None and actor.role != Role.ADMIN:
            return Invalid(UNKNOWN_TEAM)
        if team is not None and team.id == worker.team_id:
            return Stale(await _person(session, worker.id, now))
        handover = await _caseload_target(session, worker, clients_to, expected_clients)
        if isinstance(handover, Invalid):
            return handover
        left, target = handover
        moved = await _hand_over_all(session, actor, left, target, now=now, because=MOVE)
        if team is None:
            team = await get_or_create_team(session, name, now)
        before = await workers.team_name(session, worker.team_id)
        worker.team_id = team.id
        ended = await end_covers_of(session, actor, worker.id, now=now, reason="moved")
        changed = await _left(
            session,
            actor,
            worker,
            MOVE,
            ({"team": before}, {"team": team.name}),
            moved=moved,
            target=target,
            covers_ended=ended,
            now=now,
        )
    return Saved(changed)


async def _left(
    session: AsyncSession,
    actor: Actor | None,
    worker: Worker,
    action: str,
    change: tuple[dict[str, Any], dict[str, Any]],
    *,
    moved: int,
    target: Worker | None,
    covers_ended: int,
    now: datetime,
) -> PersonChanged:
    """Audit a person leaving (switched off, or moved out of their team) with before and
    after, who took their clients and how many covers ended; the person as they are now."""
    await session.flush()
    before, after = change
    await record(
        session,
        action,
        actor,
        now=now,
        subject_id=worker.id,
        detail={
            "before": before,
            "after": after,
            "clients": moved,
            "clients_to": target.id if target else None,
            "covers_ended": covers_ended,
        },
    )
    person = await _person(session, worker.id, now)
    return PersonChanged(
        person,
        moved,
        target.id if target else None,
        target.name if target else None,
        covers_ended,
    )


async def change_role(
    work: Work, actor: Actor | None, worker_id: int | None, role: str
) -> Saved[PersonChanged] | Stale[Person] | Gone | Refused | Invalid:
    """Admins (and the operator) only: give a person another role. Invalid("role") for
    a role that does not exist, Invalid("self") for one's own, Invalid("last_admin") for
    the last active admin. Stale when they have that role already."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await reachable(session, actor, worker_id, ROLE, now)
        if not isinstance(found, Worker):
            return found
        worker = found
        if actor is not None and not roles.may_change_role(actor.role):
            await refuse(session, ROLE, actor, now=now, subject_id=worker.id, role=role[:20])
            return ROLE_REFUSED
        if role not in tuple(Role):
            return Invalid(UNKNOWN_ROLE)
        if actor is not None and actor.id == worker.id:
            return Invalid(SELF)
        if worker.role == role:
            return Stale(await _person(session, worker.id, now))
        if await _is_last_admin(session, worker):
            return Invalid(LAST_ADMIN)
        before = worker.role
        worker.role = Role(role)
        await session.flush()
        await record(
            session,
            ROLE,
            actor,
            now=now,
            subject_id=worker.id,
            detail={"before": {"role": before}, "after": {"role": role}},
        )
        person = await _person(session, worker.id, now)
    return Saved(PersonChanged(person))


# ---------------------------------------------------------------------------------------
# Unused invites


def _invite_row(invite: Invite, team: str | None, created_by: str | None) -> InviteRow:
    return InviteRow(
        id=invite.id,
        role=invite.role,
        team=team,
        name=invite.name,
        created_by=created_by,
        created_at=invite.created_at,
        expires_at=invite.expires_at,
    )


def _may_revoke(actor: Actor | None, invite: Invite) -> bool:
    return actor is None or roles.may_manage(actor.role, actor.team_id, invite.role, invite.team_id)


async def list_invites(work: Work, actor: Actor | None) -> list[InviteRow] | Refused:
    """Invites not used, revoked or expired, newest first: all of them for admins and
    the operator, a supervisor's team's worker invites for a supervisor."""
    now = work.clock.now()
    async with work.transaction() as session:
        if not may_see_people(actor):
            await refuse(session, INVITE_LIST, actor, now=now, subject_id=None)
            return ROLE_REFUSED
        if actor is not None and actor.role == Role.SUPERVISOR and actor.team_id is None:
            rows = []
        else:
            team_id = actor.team_id if actor is not None and actor.role == Role.SUPERVISOR else None
            rows = await people.open_invites(session, now, team_id=team_id)
        await record(session, INVITE_LIST, actor, now=now, subject_type="invite", subject_id=None)
        return [_invite_row(*row) for row in rows if _may_revoke(actor, row[0])]


async def revoke_invite(
    work: Work, actor: Actor | None, invite_id: int | None
) -> Saved[InviteRow] | Stale[InviteRow] | Gone | Refused:
    """Withdraw an unused invite: whoever redeems it later is told it was withdrawn.
    Gone when there is no such invite or it is outside the actor's reach; Stale when it
    was used, revoked or has expired already."""
    now = work.clock.now()
    async with work.transaction() as session:
        if not may_see_people(actor):
            await refuse(
                session, INVITE_REVOKE, actor, now=now, subject_type="invite", subject_id=invite_id
            )
            return ROLE_REFUSED
        invite = await session.get(Invite, invite_id) if invite_id else None
        if invite is None or not _may_revoke(actor, invite):
            await refuse(
                session, INVITE_REVOKE, actor, now=now, subject_type="invite", subject_id=invite_id
            )
            return INVITE_NOT_FOUND
        team = await workers.team_name(session, invite.team_id)
        who = await names(session, {invite.created_by_id} if invite.created_by_id else set())
        created_by = who.get(invite.created_by_id or 0)
        if not await people.revoke_invite(session, invite.id, by=actor_id(actor), now=now):
            await session.refresh(invite)
            return Stale(_invite_row(invite, team, created_by))
        await record(
            session,
            INVITE_REVOKE,
            actor,
            now=now,
            subject_type="invite",
            subject_id=invite.id,
            detail={"role": invite.role, "before": {"revoked": False}, "after": {"revoked": True}},
        )
        await session.refresh(invite)
        return Saved(_invite_row(invite, team, created_by))
