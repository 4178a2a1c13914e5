"""Cover: a colleague sees (and acts on, as the owner would) a worker's clients until a
date — leave, sickness — without a transfer.

A supervisor grants covers between people of their own team, an admin (or the operator,
`actor=None`) between anyone. The cover lasts until the end of the day named, in the
granting person's zone, at most `roles.COVER_MAX_DAYS` ahead. Access follows the
cover's end by itself (storage/workers.actor_by_telegram_id only counts covers that hold now);
`end_expired_covers`, called from the reminder tick, marks the ended ones and audits
"cover.end" once per cover.
"""

from __future__ import annotations

from datetime import date

from domain.results import Gone, Invalid, Refused, Saved, Stale
from domain.rules import roles
from domain.usecases.people import (
    COVER_END,
    NOT_FOUND,
    ROLE_REFUSED,
    CoverRow,
    cover_row,
    may_see_people,
    record,
    refuse,
)
from domain.work import Work
from storage import audit, people
from storage.models import Cover, Worker
from storage.workers import Actor, names

GRANT = "cover.grant"
COVER_NOT_FOUND = Gone("cover")

# Invalid reasons
SAME_WORKER = "same_worker"
INACTIVE = "inactive"
# roles.cover_ends_at's: "until_past", "until_too_far"


def _may_cover(actor: Actor | None, covering: Worker, covered: Worker) -> bool:
    return actor is None or roles.may_cover(
        actor.role, actor.team_id, covering.team_id, covered.team_id
    )


async def grant_cover(
    work: Work, actor: Actor | None, covering_id: int | None, covered_id: int | None, until: date
) -> Saved[CoverRow] | Gone | Refused | Invalid:
    """Let `covering_id` see `covered_id`'s clients until the end of `until` (in the
    actor's zone; stored UTC). Gone when either person is unknown or outside the actor's
    reach; Invalid("same_worker" | "inactive" | "until_past" | "until_too_far")."""
    now = work.clock.now()
    async with work.transaction() as session:
        if not may_see_people(actor):
            await refuse(session, GRANT, actor, now=now, subject_type="cover", subject_id=None)
            return ROLE_REFUSED
        covering = await session.get(Worker, covering_id) if covering_id else None
        covered = await session.get(Worker, covered_id) if covered_id else None
        if covering is None or covered is None or not _may_cover(actor, covering, covered):
            await refuse(
                session,
                GRANT,
                actor,
                now=now,
                subject_type="cover",
                subject_id=None,
                covering=covering_id,
                covered=covered_id,
            )
            return NOT_FOUND
        if covering.id == covered.id:
            return Invalid(SAME_WORKER)
        if not (covering.active and covered.active):
            return Invalid(INACTIVE)
        ends_at = roles.cover_ends_at(until, work.zone_for(actor.timezone if actor else None), now)
        if isinstance(ends_at, str):
            return Invalid(ends_at)
        cover = Cover(
            covering_worker_id=covering.id,
            covered_worker_id=covered.id,
            granted_by_id=actor.id if actor else None,
            created_at=now,
            ends_at=ends_at,
        )
        session.add(cover)
        await session.flush()
        await record(
            session,
            GRANT,
            actor,
            now=now,
            subject_type="cover",
            subject_id=cover.id,
            detail={
                "covering": covering.id,
                "covered": covered.id,
                "ends_at": ends_at.isoformat(),
            },
        )
        return Saved(cover_row(cover, {covering.id: covering.name, covered.id: covered.name}))


async def end_cover(
    work: Work, actor: Actor | None, cover_id: int | None
) -> Saved[CoverRow] | Stale[CoverRow] | Gone | Refused:
    """End a cover now. Gone when there is no such cover or it is outside the actor's
    reach; Stale when it has ended already."""
    now = work.clock.now()
    async with work.transaction() as session:
        if not may_see_people(actor):
            await refuse(
                session, COVER_END, actor, now=now, subject_type="cover", subject_id=cover_id
            )
            return ROLE_REFUSED
        cover = await session.get(Cover, cover_id) if cover_id else None
        covering = await session.get(Worker, cover.covering_worker_id) if cover else None
        covered = await session.get(Worker, cover.covered_worker_id) if cover else None
        if (
            cover is None
            or covering is None
            or covered is None
            or not _may_cover(actor, covering, covered)
        ):
            await refuse(
                session, COVER_END, actor, now=now, subject_type="cover", subject_id=cover_id
            )
            return COVER_NOT_FOUND
        row = cover_row(cover, {covering.id: covering.name, covered.id: covered.name})
        if cover.ends_at <= now or not await people.end_cover(session, cover.id, now):
            return Stale(row)
        await record(
            session,
            COVER_END,
            actor,
            now=now,
            subject_type="cover",
            subject_id=cover.id,
            detail={"covering": covering.id, "covered": covered.id, "reason": "ended"},
        )
        return Saved(row)


async def end_expired_covers(work: Work) -> list[CoverRow]:
    """Mark the covers past their end as ended (at their end) and audit "cover.end" once
    per cover, even when two ticks race; the covers this call ended."""
    now = work.clock.now()
    ended: list[CoverRow] = []
    async with work.transaction() as session:
        expired = await people.expired_covers(session, now)
        if not expired:
            return ended
        who = await names(
            session,
            {cover.covering_worker_id for cover in expired}
            | {cover.covered_worker_id for cover in expired},
        )
        for cover in expired:
            if not await people.end_cover(session, cover.id, cover.ends_at):
                continue
            await audit.record(
                session,
                COVER_END,
                now=now,
                subject_type="cover",
                subject_id=cover.id,
                detail={
                    "covering": cover.covering_worker_id,
                    "covered": cover.covered_worker_id,
                    "reason": "expired",
                    "via": "tick",
                },
            )
            ended.append(cover_row(cover, who))
    return ended
