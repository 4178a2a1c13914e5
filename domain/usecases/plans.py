"""Plans and reviews: every change a worker makes to a client's plan, and the review that
makes its next version.

Each function here owns its transaction (`work.transaction()`), re-checks on the server
what a button named (the client must be visible to the actor; a plan or goal id must be
the client's current plan or one of its goals), checks the plan's rules, writes, audits
(refusals too) and returns one value of domain/results.py:

- `Refused("client")`: the client is not visible to the actor (audited; the answer must
  not say whether it exists). `Refused("plan")` / `Refused("goal")`: an id that is not
  this client's (a forged button, audited).
- `Stale(card)`: the card the worker pressed on is out of date (an id of this client's
  that is no longer current); `card` is the plan as it stands, to show.
- `Gone("case")`: the case was closed (discharged); its plan stays as it was.
- `Invalid(reason)`: the change breaks a rule of the plan (`PLAN_FULL`, `NO_GOALS`,
  `BAD_INTERVAL`).
- `Saved(card)`: committed; `card` shows the plan after the change.

A client has at most one plan being worked on (storage/plans.py says how versions move).
Days count in the actor's own calendar (their zone, else the organisation's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import Gone, Invalid, Pending, Refused, Saved, Stale
from domain.usecases import approval_requests
from domain.usecases.approval_requests import ApprovalRequest
from domain.work import Work
from storage import approvals as approval_store
from storage import audit, caseload, clients, plans
from storage.kinds import ApprovalKind, ClientStatus
from storage.kinds import GoalStatus as GoalStatus
from storage.kinds import PlanStatus as PlanStatus
from storage.models import Client, Goal, Plan, Review
from storage.plans import COMMENT_MAX as COMMENT_MAX
from storage.plans import DEFAULT_INTERVAL_DAYS as DEFAULT_INTERVAL_DAYS
from storage.plans import EFFECTIVENESS as EFFECTIVENESS
from storage.plans import GOAL_TEXT_MAX as GOAL_TEXT_MAX
from storage.plans import INTERVENTIONS_MAX as INTERVENTIONS_MAX
from storage.plans import MAX_GOALS as MAX_GOALS
from storage.plans import OPEN_STATUSES as OPEN_STATUSES
from storage.plans import REVIEW_INTERVALS as REVIEW_INTERVALS
from storage.plans import SUMMARY_MAX as SUMMARY_MAX
from storage.plans import Outcome as Outcome
from storage.workers import Actor

# Above, `X as X`: the plan's limits, enums and Outcome, re-exported for the dialogs
# (which import domain, not storage).
NO_PLAN = 0  # the plan id a button carries while the client has no plan yet

# Reasons of Invalid.
PLAN_FULL = "plan_full"
NO_GOALS = "no_goals"
BAD_INTERVAL = "bad_interval"

# Why a client's plan cannot be reviewed now (ReviewSubject.blocker).
CASE_CLOSED = "case_closed"
NO_PLAN_YET = "no_plan"
DRAFT_ONLY = "draft_only"


def case_closed(client: Client) -> bool:
    """A discharged client's plan is kept as it was: read-only, never reviewed."""
    return client.status == ClientStatus.DISCHARGED


def local_today(work: Work, actor: Actor) -> date:
    """Today in the actor's own calendar (plans count days there)."""
    return work.clock.now().astimezone(work.zone_for(actor.timezone)).date()


@dataclass(slots=True)
class PlanCard:
    """What the plan card shows: the client, the version being worked on (a draft or the
    active one, or none yet) and, when a press named one, the goal."""

    client: Client
    plan: Plan | None
    goal: Goal | None = None
    # The version still in effect while `plan` is a newer draft (an intake made one).
    beside: Plan | None = None
    # Its activation waits for a supervisor's approval (domain/usecases/approvals.py).
    waiting: bool = False

    @property
    def closed(self) -> bool:
        return case_closed(self.client)

    @property
    def goal_number(self) -> int:
        """The named goal's number on the card (1-based)."""
        assert self.plan is not None and self.goal is not None
        return self.plan.goals.index(self.goal) + 1


@dataclass(frozen=True, slots=True)
class Versions:
    """The earlier versions of a client's plan, with the card to show after them."""

    card: PlanCard
    versions: list[plans.Version]


Look = PlanCard | Refused | Stale[PlanCard] | Gone
Change = Saved[PlanCard] | Refused | Stale[PlanCard] | Gone | Invalid


# ── the check every press goes through ─────────────────────────────────────────


async def _card_of(session: AsyncSession, client: Client) -> PlanCard:
    plan = await plans.current_plan(session, client.id)
    beside = None
    waiting = False
    if plan is not None and plan.status == PlanStatus.DRAFT:
        beside = await plans.active_plan(session, client.id)
        waiting = (
            await approval_store.pending_for(session, client.id, ApprovalKind.PLAN_ACTIVATION)
            is not None
        )
    return PlanCard(client, plan, beside=beside, waiting=waiting)


async def _refuse_id(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    action: str,
    card: PlanCard,
    kind: str,
    subject_id: int,
    owner: int | None,
    stale: bool,
) -> Refused | Stale[PlanCard]:
    """A plan or goal id that is not the client's current one: audited either way; an
    out-of-date card of this client is shown afresh, anything else is refused."""
    await audit.refused(
        session,
        action,
        now=work.clock.now(),
        actor_id=actor.id,
        subject_type=kind,
        subject_id=subject_id if subject_id > 0 else None,
        client_id=owner,
        reason="out of date" if stale else "not this client's",
    )
    if stale:
        return Stale(card)
    return Refused(kind)


async def _audit(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    action: str,
    card: PlanCard,
    *,
    subject_type: str = "plan",
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    if subject_id is None and card.plan is not None:
        subject_id = card.plan.id
    await audit.record(
        session,
        action,
        now=work.clock.now(),
        actor_id=actor.id,
        subject_type=subject_type,
        subject_id=subject_id,
        client_id=card.client.id,
        detail=detail,
    )


async def _editable_plan(session: AsyncSession, work: Work, actor: Actor, card: PlanCard) -> Plan:
    """The plan to change: the current one, or a new version-1 draft for a client who
    has none yet (made on the first change, not on merely looking)."""
    if card.plan is None:
        card.plan = await plans.start_draft(
            session, client_id=card.client.id, created_by_id=actor.id, now=work.clock.now()
        )
        await _audit(
            session, work, actor, "plan.create", card, detail={"version": card.plan.version}
        )
    return card.plan


# ── looking ────────────────────────────────────────────────────────────────────


async def open_plan(work: Work, actor: Actor, client_id: int) -> PlanCard | Refused:
    """The client's plan card, if the actor may see the client; audited either way."""
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await caseload.refuse(session, actor, client_id, "plan.view", now=work.clock.now())
            return Refused("client")
        card = await _card_of(session, client)
        await _audit(session, work, actor, "plan.view", card)
        return card


async def look(
    work: Work,
    actor: Actor,
    client_id: int,
    action: str,
    *,
    plan_id: int | None = None,
    goal_id: int | None = None,
    change: bool = True,
) -> Look:
    """The card as it stands — the client, if visible, with its current plan; and, when the
    press named them, the plan id and goal id proven to be that plan's — checked for a press
    that is about to ask for a `change` (a closed case is refused one: its plan stays as it
    was) or, with change=False, only to show it. Refusals are audited as `action`. The use
    cases below call it inside their own transaction, which it joins."""
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await caseload.refuse(session, actor, client_id, action, now=work.clock.now())
            return Refused("client")
        card = await _card_of(session, client)
        plan = card.plan
        if plan_id is not None and plan_id != (plan.id if plan else NO_PLAN):
            owner = await plans.client_of_plan(session, plan_id) if plan_id > 0 else None
            stale = owner == client.id or plan_id == NO_PLAN
            return await _refuse_id(
                session, work, actor, action, card, "plan", plan_id, owner, stale
            )
        if goal_id is not None:
            card.goal = plans.goal_in(plan, goal_id)
            if card.goal is None:
                owner = await plans.client_of_goal(session, goal_id) if goal_id > 0 else None
                stale = owner == client.id
                return await _refuse_id(
                    session, work, actor, action, card, "goal", goal_id, owner, stale
                )
        if change and card.closed:
            return Gone("case")
        return card


async def plan_versions(work: Work, actor: Actor, client_id: int) -> Versions | Refused:
    """The earlier versions and their reviews (audited as plan.history)."""
    async with work.transaction() as session:
        card = await look(work, actor, client_id, "plan.history", change=False)
        if not isinstance(card, PlanCard):
            return Refused("client")
        versions = await plans.history(session, client_id)
        await _audit(session, work, actor, "plan.history", card, detail={"versions": len(versions)})
        return Versions(card, versions)


# ── changing the plan ──────────────────────────────────────────────────────────


async def add_goal(
    work: Work,
    actor: Actor,
    client_id: int,
    *,
    description: str,
    measure: str | None = None,
    target: date | None = None,
    routine: str | None = None,
) -> Change:
    """A goal at the end of the current plan (a new draft's first one for a client
    without a plan)."""
    async with work.transaction() as session:
        card = await look(work, actor, client_id, "plan.goal.add")
        if not isinstance(card, PlanCard):
            return card
        plan = await _editable_plan(session, work, actor, card)
        if len(plan.goals) >= plans.MAX_GOALS:
            return Invalid(PLAN_FULL)
        added = await plans.add_goal(
            session,
            plan,
            description=description,
            measure=measure,
            target_date=target,
            routine=routine,
        )
        await _audit(
            session,
            work,
            actor,
            "plan.goal.add",
            card,
            subject_type="goal",
            subject_id=added.id,
            detail={"plan": plan.id, "version": plan.version},
        )
        return Saved(card)


async def set_goal_status(
    work: Work, actor: Actor, client_id: int, goal_id: int, status: GoalStatus
) -> Change:
    """A goal's status; pressing the status it already has changes (and audits) nothing."""
    async with work.transaction() as session:
        card = await look(work, actor, client_id, "plan.goal.status", goal_id=goal_id)
        if not isinstance(card, PlanCard):
            return card
        assert card.plan is not None and card.goal is not None
        before = card.goal.status
        if before != status:
            plans.set_goal_status(card.plan, card.goal, status)
            await _audit(
                session,
                work,
                actor,
                "plan.goal.status",
                card,
                subject_type="goal",
                subject_id=card.goal.id,
                detail={"from": before, "to": status.value},
            )
        return Saved(card)


async def set_interventions(
    work: Work, actor: Actor, client_id: int, plan_id: int, text: str | None
) -> Change:
    async with work.transaction() as session:
        card = await look(work, actor, client_id, "plan.interventions", plan_id=plan_id)
        if not isinstance(card, PlanCard):
            return card
        plan = await _editable_plan(session, work, actor, card)
        plans.set_interventions(plan, text)
        await _audit(
            session,
            work,
            actor,
            "plan.interventions",
            card,
            detail={"characters": len(text or "")},
        )
        return Saved(card)


async def set_review_interval(
    work: Work, actor: Actor, client_id: int, plan_id: int, days: int
) -> Change:
    """A new interval; an active version's next review moves with it."""
    if days not in plans.REVIEW_INTERVALS:
        return Invalid(BAD_INTERVAL)
    async with work.transaction() as session:
        card = await look(work, actor, client_id, "plan.interval", plan_id=plan_id)
        if not isinstance(card, PlanCard):
            return card
        plan = await _editable_plan(session, work, actor, card)
        before = plan.review_interval_days
        plans.set_review_interval(plan, days)
        await _audit(
            session,
            work,
            actor,
            "plan.interval",
            card,
            detail={
                "from": before,
                "to": days,
                "next_review_on": plan.next_review_on.isoformat() if plan.next_review_on else None,
            },
        )
        return Saved(card)


async def activate_plan(
    work: Work, actor: Actor, client_id: int, plan_id: int
) -> Change | Pending[ApprovalRequest]:
    """Draft → active, the next review today + the interval; a version still in effect
    beside the draft is superseded. When the actor's team wants a worker's activation
    approved, nothing is applied: the request waits for a supervisor (Pending; pressed
    again, the one already waiting)."""
    async with work.transaction() as session:
        card = await look(work, actor, client_id, "plan.activate", plan_id=plan_id)
        if not isinstance(card, PlanCard):
            return card
        plan = card.plan
        if plan is None or plan.status != PlanStatus.DRAFT:
            return Stale(card)
        if not plan.goals:
            return Invalid(NO_GOALS)
        if await approval_requests.needs_approval(session, actor, ApprovalKind.PLAN_ACTIVATION):
            return await approval_requests.ask(
                session, work, actor, card.client, ApprovalKind.PLAN_ACTIVATION, plan_id=plan.id
            )
        done = await apply_activation(session, work, actor, card)
        if isinstance(done, Saved):
            await approval_requests.close_superseded(
                session, work, actor, card.client.id, ApprovalKind.PLAN_ACTIVATION
            )
        return done


async def apply_activation(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    card: PlanCard,
    detail: dict[str, Any] | None = None,
) -> Saved[PlanCard] | Stale[PlanCard] | Invalid:
    """The activation itself, once authorised (by the actor's own press, or by a
    supervisor's approval: `detail` then names the request and who asked), as of now and
    in `actor`'s calendar; audited as plan.activate by `actor`."""
    plan = card.plan
    if plan is None or plan.status != PlanStatus.DRAFT:
        return Stale(card)
    if not plan.goals:
        return Invalid(NO_GOALS)
    try:
        await plans.activate(session, plan, today=local_today(work, actor))
    except plans.PlanChanged:
        # Activated meanwhile (another device): its conditional UPDATE wrote nothing.
        await session.refresh(plan)
        return Stale(await _card_of(session, card.client))
    assert plan.next_review_on is not None
    await _audit(
        session,
        work,
        actor,
        "plan.activate",
        card,
        detail={
            "version": plan.version,
            "next_review_on": plan.next_review_on.isoformat(),
            "supersedes": card.beside.id if card.beside else None,
            **(detail or {}),
        },
    )
    card.beside = None
    card.waiting = False
    return Saved(card)


async def card_for(session: AsyncSession, client: Client) -> PlanCard:
    """The plan card of a client already authorised by the caller."""
    return await _card_of(session, client)


# ── reviews ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class ReviewSubject:
    """A client and its current plan, as a review would start from them."""

    client: Client
    plan: Plan | None

    @property
    def blocker(self) -> str | None:
        """Why there is nothing to review now, or None: a closed case, no plan yet, or
        a newer draft (an intake's) that must be activated first."""
        if case_closed(self.client):
            return CASE_CLOSED
        if self.plan is None:
            return NO_PLAN_YET
        if self.plan.status != PlanStatus.ACTIVE:
            return DRAFT_ONLY
        return None


@dataclass(frozen=True, slots=True)
class ReviewSaved:
    """A saved review: the version it closed, the review, and the version it made."""

    plan: Plan
    review: Review
    following: Plan


async def start_review(work: Work, actor: Actor, client_id: int) -> ReviewSubject | Refused:
    """What a review of the client would walk; a client out of reach is refused and
    audited (plan.review)."""
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None:
            await caseload.refuse(session, actor, client_id, "plan.review", now=work.clock.now())
            return Refused("client")
        return ReviewSubject(client, await plans.current_plan(session, client.id))


async def _review_check(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    client_id: int,
    plan_id: int,
    *,
    goal_id: int | None = None,
    current_goal_id: int | None = None,
) -> Plan | Refused | Gone | Stale[int]:
    """The plan under review, if the walk may go on: the client still visible and open,
    the plan still its active version, and a pressed goal the one being reviewed now."""
    client = await clients.get_visible(session, actor, client_id)
    if client is None:
        await caseload.refuse(session, actor, client_id, "plan.review", now=work.clock.now())
        return Refused("client")
    if case_closed(client):
        return Gone("case")
    plan = await plans.get_plan(session, plan_id)
    if plan is None or plan.client_id != client.id or plan.status != PlanStatus.ACTIVE:
        return Gone("plan")
    if goal_id is None or goal_id == current_goal_id:
        return plan
    if plans.goal_in(plan, goal_id) is not None:
        return Stale(goal_id)  # one of this plan's goals, but not the one asked about now
    return await _refuse_review_goal(session, work, actor, plan, goal_id)


async def _refuse_review_goal(
    session: AsyncSession, work: Work, actor: Actor, plan: Plan, goal_id: int
) -> Refused:
    """A goal named in a review that is not the plan's (forged): audited, refused."""
    owner = await plans.client_of_goal(session, goal_id) if goal_id > 0 else None
    await audit.refused(
        session,
        "plan.review",
        now=work.clock.now(),
        actor_id=actor.id,
        subject_type="goal",
        subject_id=goal_id if goal_id > 0 else None,
        client_id=owner,
        reason="not this plan's goal",
        plan=plan.id,
    )
    return Refused("goal")


async def check_review(
    work: Work,
    actor: Actor,
    client_id: int,
    plan_id: int,
    *,
    goal_id: int | None = None,
    current_goal_id: int | None = None,
) -> None | Refused | Gone | Stale[int]:
    """None when a step of the review walk may go ahead (see `_review_check`)."""
    async with work.transaction() as session:
        found = await _review_check(
            session,
            work,
            actor,
            client_id,
            plan_id,
            goal_id=goal_id,
            current_goal_id=current_goal_id,
        )
    return None if isinstance(found, Plan) else found


async def save_review(
    work: Work,
    actor: Actor,
    client_id: int,
    plan_id: int,
    outcomes: Sequence[plans.Outcome],
    summary: str,
) -> Saved[ReviewSaved] | Refused | Gone | Stale[int]:
    """The review of the active plan and, in the same transaction, the next version.

    Of two saves of one review (two phones, a double press) exactly one is recorded;
    the other finds the plan no longer active and returns Gone("plan"), writing nothing.
    """
    today = local_today(work, actor)
    now = work.clock.now()
    async with work.transaction() as session:
        plan = await _review_check(session, work, actor, client_id, plan_id)
        if not isinstance(plan, Plan):
            return plan
        # The chat's walk names only the plan's goals; a page's body could name any.
        for outcome in outcomes:
            if plans.goal_in(plan, outcome.goal_id) is None:
                return await _refuse_review_goal(session, work, actor, plan, outcome.goal_id)
        try:
            review, following = await plans.record_review(
                session,
                plan=plan,
                reviewer_id=actor.id,
                outcomes=outcomes,
                summary=summary,
                today=today,
                now=now,
            )
        except (plans.PlanChanged, ValueError):
            # Raised before anything is written: the claim on the old version failed.
            return Gone("plan")
        assert following.next_review_on is not None
        await audit.record(
            session,
            "plan.review",
            now=now,
            actor_id=actor.id,
            subject_type="plan",
            subject_id=plan.id,
            client_id=plan.client_id,
            detail={
                "review": review.id,
                "version": plan.version,
                "next_plan": following.id,
                "next_review_on": following.next_review_on.isoformat(),
            },
        )
        return Saved(ReviewSaved(plan, review, following))
