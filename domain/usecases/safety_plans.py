"""A client's safety plan (the card's 🛟 Safety plan): look at it, save a draft as the next
version, record a review with no changes, read earlier versions.

Exactly those who may see the client see and change the plan (storage/access.py through
`caseload.look`). Every look and every change is an audit event naming the client and
the version, never a line of the plan: client.safety_plan.view (the plan, a version, the
list of versions), .save (with the sections changed, by key), .review; a refusal is
audited as what it was for. A version number that is not the client's (a forged or stale
button) is refused like a client the actor may not see.

Nothing is overwritten: a save and a review each add a version (storage/safety_plans.py).
A draft names the version it was written over; when another save came first, nothing is
written and the plan as it now stands is returned (Stale) for the worker to check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Invalid, Refused, Saved, Stale
from domain.rules import safety_plans as rules
from domain.usecases.plans import local_today
from domain.work import Work
from storage import audit, caseload, workers
from storage import safety_plans as store
from storage.models import Client, SafetyPlan
from storage.workers import Actor

VIEW = "client.safety_plan.view"
SAVE = "client.safety_plan.save"
REVIEW = "client.safety_plan.review"

NOT_VISIBLE = Refused("client")
VERSION_REFUSED = Refused("version")

# Invalid reasons
EMPTY = "empty"  # nothing in any section
UNCHANGED = "unchanged"  # the draft is the plan as it stands
BROKEN = "broken"  # a section or line the rules refuse (a forged or damaged draft)
INTERVAL = "interval"  # not one of rules.REVIEW_INTERVALS
NO_PLAN = "no_plan"  # ✅ Reviewed on a client without a plan


@dataclass(frozen=True, slots=True)
class SafetyPage:
    """The client and their plan as it stands (None: none yet), who saved that version,
    and how many versions there are."""

    client: Client
    plan: SafetyPlan | None
    author: str | None = None
    versions: int = 0


@dataclass(frozen=True, slots=True)
class VersionPage:
    client: Client
    plan: SafetyPlan
    author: str | None


@dataclass(frozen=True, slots=True)
class VersionList:
    """A page of the versions, newest first, each with who saved it."""

    client: Client
    versions: list[tuple[SafetyPlan, str | None]]
    page: int
    more: bool


@dataclass(frozen=True, slots=True)
class Draft:
    """What the worker changed: `base`, the version the draft was written over (0: no
    plan yet); the sections edited, each whole; a review interval picked, if any."""

    base: int
    sections: Mapping[str, Sequence[str]] = field(default_factory=dict)
    interval_days: int | None = None


async def look_at_plan(
    work: Work, actor: Actor, client_id: int | None, *, via: str | None = None
) -> SafetyPage | Refused:
    """The plan as it stands; the look is audited naming the version (a refusal too).
    `via` names what the look was for ("edit": a section about to be typed; refused, it
    is audited as the save it was for)."""
    async with work.transaction() as session:
        client = await caseload.visible(
            session, actor, client_id, SAVE if via == "edit" else VIEW, now=work.clock.now()
        )
        if client is None:
            return NOT_VISIBLE
        page = await _page(session, client)
        await _audit(session, work, actor, VIEW, client, page.plan, via=via)
    return page


async def save_plan(
    work: Work, actor: Actor, client_id: int | None, draft: Draft
) -> Saved[SafetyPage] | Stale[SafetyPage] | Refused | Invalid:
    """The draft's sections over the plan as it stands, saved as the next version; the
    next review is today (the actor's calendar) + the interval. Stale, nothing written,
    when a version other than the draft's base is in effect now."""
    interval = draft.interval_days
    if interval is not None and interval not in rules.REVIEW_INTERVALS:
        return Invalid(INTERVAL)
    edited = rules.valid_sections(draft.sections)
    if edited is None:
        return Invalid(BROKEN)
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, SAVE, now=work.clock.now())
        if client is None:
            return NOT_VISIBLE
        await store.lock(session, client)
        before = await store.current(session, client.id)
        if (before.version if before is not None else 0) != draft.base:
            return Stale(await _page(session, client))
        old = {key: before.lines(key) if before else [] for key in rules.SECTIONS}
        new = {key: edited[key] if key in draft.sections else old[key] for key in rules.SECTIONS}
        if rules.empty(new):
            return Invalid(EMPTY)
        days = interval or (before.review_interval_days if before else 0)
        days = days or rules.DEFAULT_INTERVAL_DAYS
        # What v2 onwards changed from the version before (v1 is the whole plan).
        changed = rules.changed(old, new) if before is not None else []
        if before is not None and days != before.review_interval_days:
            changed.append(rules.INTERVAL)
        if before is not None and not changed:
            return Invalid(UNCHANGED)
        row = await store.add_version(
            session,
            client,
            kind=store.SAVED,
            sections=new,
            changed=changed,
            interval_days=days,
            next_review_on=rules.next_review(local_today(work, actor), days),
            by=actor.id,
            now=now,
        )
        await _audit(session, work, actor, SAVE, client, row, changed=store.changed_keys(row))
        return Saved(await _page(session, client))


async def review_plan(
    work: Work, actor: Actor, client_id: int | None, version: int | None
) -> Saved[SafetyPage] | Stale[SafetyPage] | Refused | Invalid:
    """ "✅ Reviewed, no changes" on version `version`: the next version, with the same
    lines, and the next review moved to today + the interval. Stale when another version
    is in effect now (a second press, someone else's save)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, REVIEW, now=work.clock.now())
        if client is None:
            return NOT_VISIBLE
        await store.lock(session, client)
        before = await store.current(session, client.id)
        if before is None:
            return Invalid(NO_PLAN)
        if before.version != version:
            return Stale(await _page(session, client))
        row = await store.add_version(
            session,
            client,
            kind=store.REVIEWED,
            sections=dict(before.sections),
            changed=[],
            interval_days=before.review_interval_days,
            next_review_on=rules.next_review(local_today(work, actor), before.review_interval_days),
            by=actor.id,
            now=now,
        )
        await _audit(session, work, actor, REVIEW, client, row)
        return Saved(await _page(session, client))


async def plan_versions(
    work: Work, actor: Actor, client_id: int | None, page: int, size: int
) -> VersionList | Refused:
    """A page of the versions, newest first; the look is audited (with the page)."""
    now = work.clock.now()
    page = max(page, 0)
    async with work.transaction() as session:
        client = await caseload.look(
            session, actor, client_id, VIEW, now=now, detail={"versions": page}
        )
        if client is None:
            return NOT_VISIBLE
        rows = await store.versions(session, client.id, offset=page * size, limit=size + 1)
        who = await workers.names(session, {r.created_by_id for r in rows if r.created_by_id})
    shown = [(row, who.get(row.created_by_id) if row.created_by_id else None) for row in rows]
    return VersionList(client, shown[:size], page, len(rows) > size)


async def look_at_version(
    work: Work, actor: Actor, client_id: int | None, number: int | None
) -> VersionPage | Refused:
    """One version, earlier or current; audited naming it. A number that is not one of
    the client's versions is refused (audited)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, VIEW, now=work.clock.now())
        if client is None:
            return NOT_VISIBLE
        row = await store.version(session, client.id, number) if number else None
        if row is None:
            await audit.refused(
                session,
                VIEW,
                now=now,
                actor_id=actor.id,
                subject_type="safety_plan_version",
                subject_id=number,
                client_id=client.id,
            )
            return VERSION_REFUSED
        await _audit(session, work, actor, VIEW, client, row)
        return VersionPage(client, row, await _author(session, row))


async def missing(session: AsyncSession, client: Client) -> bool:
    """Whether the client has no safety plan (a risk flagged now suggests writing one)."""
    return await store.current(session, client.id) is None


async def _page(session: AsyncSession, client: Client) -> SafetyPage:
    plan = await store.current(session, client.id)
    if plan is None:
        return SafetyPage(client, None)
    return SafetyPage(client, plan, await _author(session, plan), plan.version)


async def _author(session: AsyncSession, row: SafetyPlan) -> str | None:
    if row.created_by_id is None:
        return None
    return (await workers.names(session, {row.created_by_id})).get(row.created_by_id)


async def _audit(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    action: str,
    client: Client,
    row: SafetyPlan | None,
    **detail: object,
) -> None:
    """One event naming the client and the version (None: no plan yet); never a line."""
    shown = {key: value for key, value in detail.items() if value is not None}
    await audit.record_client(
        session,
        action,
        now=work.clock.now(),
        actor_id=actor.id,
        client_id=client.id,
        detail={"version": row.version if row is not None else None, **shown},
    )
