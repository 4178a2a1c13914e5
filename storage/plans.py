"""Treatment and recovery plans: versions, goals, activation and reviews.

A client has at most one plan being worked on: a draft (version 1 before it is
activated, or one an intake made) or the active version. Both can be edited (goals
added, a goal's status changed, interventions, the review interval); everything a
worker changes is audited by the caller.

A review closes the active version and makes the next one, in the caller's single
transaction: the old version becomes `superseded`, the next one is `active` with the
goals that are still open (not achieved, not discontinued) copied with their new
status, and its next review is the review day + the interval. Superseded versions,
their goals and their reviews are never changed again, so the history stays as it
was; a review's outcome per goal lives in its `ReviewItem`s.

Dates (`target_date`, `next_review_on`, `today`) are calendar dates in the worker's
local calendar; the caller works them out in the worker's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.kinds import GoalStatus, PlanStatus
from storage.models import Goal, Plan, Review, ReviewItem, Worker

DEFAULT_INTERVAL_DAYS = 90
REVIEW_INTERVALS = (30, 60, 90, 180)
INTERVAL_RANGE = range(1, 731)
OPEN_STATUSES = (GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS)
EFFECTIVENESS = range(1, 6)
MAX_GOALS = 20
GOAL_TEXT_MAX = 500
INTERVENTIONS_MAX = 2000
COMMENT_MAX = 500
SUMMARY_MAX = 2000


class PlanChanged(Exception):
    """The plan is no longer what the caller saw: activated, reviewed or superseded
    meanwhile (by another device, a colleague, or a double press). Nothing was written."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a review says about one goal."""

    goal_id: int
    status: GoalStatus
    effectiveness: int | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Version:
    """An earlier (superseded) version with the review that closed it."""

    plan: Plan
    review: Review | None
    reviewer: str | None
    items: dict[int, ReviewItem] = field(default_factory=dict)


async def active_goals(session: AsyncSession, client_id: int) -> list[Goal]:
    """Open goals of the client's active plan, in plan order."""
    statement = (
        select(Goal)
        .join(Plan, Plan.id == Goal.plan_id)
        .where(
            Plan.client_id == client_id,
            Plan.is_active,
            Goal.status.in_(OPEN_STATUSES),
        )
        .order_by(Goal.position, Goal.id)
    )
    return list((await session.execute(statement)).scalars())


# ── reading ────────────────────────────────────────────────────────────────────


async def current_plan(session: AsyncSession, client_id: int) -> Plan | None:
    """The version being worked on (a draft or the active one), goals loaded; the newest
    if an intake left a draft beside an active version."""
    statement = (
        select(Plan)
        .where(Plan.client_id == client_id, Plan.status.in_([PlanStatus.DRAFT, PlanStatus.ACTIVE]))
        .order_by(Plan.version.desc())
        .limit(1)
        .options(selectinload(Plan.goals))
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def active_plan(
    session: AsyncSession, client_id: int, *, with_goals: bool = False
) -> Plan | None:
    """The version in effect (`Plan.is_active`: what the card, the export, reviews and
    review reminders read), with its goals loaded when asked. Queries that join plans use
    `Plan.is_active` itself."""
    statement = (
        select(Plan)
        .where(Plan.client_id == client_id, Plan.is_active)
        .order_by(Plan.version.desc())
        .limit(1)
    )
    if with_goals:
        statement = statement.options(selectinload(Plan.goals))
    return (await session.execute(statement)).scalar_one_or_none()


async def get_plan(session: AsyncSession, plan_id: int) -> Plan | None:
    statement = select(Plan).where(Plan.id == plan_id).options(selectinload(Plan.goals))
    return (await session.execute(statement)).scalar_one_or_none()


def goal_in(plan: Plan | None, goal_id: int | None) -> Goal | None:
    """The goal if it belongs to `plan` — how a button's goal id is checked."""
    if plan is None or goal_id is None:
        return None
    return next((goal for goal in plan.goals if goal.id == goal_id), None)


async def client_of_plan(session: AsyncSession, plan_id: int) -> int | None:
    """Whose plan an id names (for the audit trail of a refused press)."""
    return (
        await session.execute(select(Plan.client_id).where(Plan.id == plan_id))
    ).scalar_one_or_none()


async def client_of_goal(session: AsyncSession, goal_id: int) -> int | None:
    statement = select(Plan.client_id).join(Goal, Goal.plan_id == Plan.id).where(Goal.id == goal_id)
    return (await session.execute(statement)).scalar_one_or_none()


async def history(session: AsyncSession, client_id: int) -> list[Version]:
    """Earlier versions, oldest first, each with its goals as they were and its review."""
    plans = list(
        (
            await session.execute(
                select(Plan)
                .where(Plan.client_id == client_id, Plan.status == PlanStatus.SUPERSEDED)
                .order_by(Plan.version)
                .options(selectinload(Plan.goals))
            )
        ).scalars()
    )
    if not plans:
        return []
    rows = (
        await session.execute(
            select(Review, Worker.name)
            .outerjoin(Worker, Worker.id == Review.reviewer_id)
            .where(Review.plan_id.in_([plan.id for plan in plans]))
            .order_by(Review.id)
        )
    ).all()
    reviews = {review.plan_id: (review, name) for review, name in rows}
    items: dict[int, dict[int, ReviewItem]] = {}
    if reviews:
        review_ids = [review.id for review, _ in reviews.values()]
        for item in (
            await session.execute(select(ReviewItem).where(ReviewItem.review_id.in_(review_ids)))
        ).scalars():
            items.setdefault(item.review_id, {})[item.goal_id] = item
    versions = []
    for plan in plans:
        review, name = reviews.get(plan.id, (None, None))
        versions.append(
            Version(
                plan=plan,
                review=review,
                reviewer=name,
                items=items.get(review.id, {}) if review else {},
            )
        )
    return versions


# ── changing a draft or the active version ────────────────────────────────────


def _clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text[:limit] or None


async def start_draft(
    session: AsyncSession, *, client_id: int, created_by_id: int, now: datetime
) -> Plan:
    """A new draft version (1 for a client without plans)."""
    latest = (
        await session.execute(select(func.max(Plan.version)).where(Plan.client_id == client_id))
    ).scalar_one_or_none()
    plan = Plan(
        client_id=client_id,
        version=(latest or 0) + 1,
        status=PlanStatus.DRAFT,
        review_interval_days=DEFAULT_INTERVAL_DAYS,
        created_at=now,
        created_by_id=created_by_id,
        goals=[],
    )
    session.add(plan)
    await session.flush()
    return plan


def _editable(plan: Plan) -> None:
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.ACTIVE):
        raise PlanChanged(f"plan {plan.id} is {plan.status}")


async def add_goal(
    session: AsyncSession,
    plan: Plan,
    *,
    description: str,
    measure: str | None = None,
    target_date: date | None = None,
    routine: str | None = None,
) -> Goal:
    _editable(plan)
    if len(plan.goals) >= MAX_GOALS:
        raise ValueError(f"a plan holds at most {MAX_GOALS} goals")
    text = _clip(description, GOAL_TEXT_MAX)
    if not text:
        raise ValueError("a goal needs a description")
    goal = Goal(
        plan_id=plan.id,
        position=max((goal.position for goal in plan.goals), default=0) + 1,
        description=text,
        measure=_clip(measure, GOAL_TEXT_MAX),
        target_date=target_date,
        routine=_clip(routine, GOAL_TEXT_MAX),
        status=GoalStatus.NOT_STARTED,
    )
    plan.goals.append(goal)
    await session.flush()
    return goal


def set_goal_status(plan: Plan, goal: Goal, status: GoalStatus) -> None:
    _editable(plan)
    goal.status = GoalStatus(status)


def set_interventions(plan: Plan, text: str | None) -> None:
    _editable(plan)
    plan.interventions = _clip(text, INTERVENTIONS_MAX)


def set_review_interval(plan: Plan, days: int) -> None:
    """A new interval; an active version's next review moves with it, counted from the
    day it was activated or last reviewed."""
    _editable(plan)
    if days not in INTERVAL_RANGE:
        raise ValueError("review interval must be 1 to 730 days")
    if plan.status == PlanStatus.ACTIVE and plan.next_review_on is not None:
        since = plan.next_review_on - timedelta(days=plan.review_interval_days)
        plan.next_review_on = since + timedelta(days=days)
    plan.review_interval_days = days


async def activate(session: AsyncSession, plan: Plan, *, today: date) -> None:
    """Draft → active; the next review is `today` + the interval. Any other active
    version of the client is superseded, so a client has at most one active plan."""
    if plan.status != PlanStatus.DRAFT:
        raise PlanChanged(f"plan {plan.id} is {plan.status}")
    if not plan.goals:
        raise ValueError("a plan needs at least one goal to be activated")
    claimed = await session.execute(
        update(Plan)
        .where(Plan.id == plan.id, Plan.status == PlanStatus.DRAFT)
        .values(
            status=PlanStatus.ACTIVE,
            next_review_on=today + timedelta(days=plan.review_interval_days),
        )
    )
    if cast("CursorResult[Any]", claimed).rowcount != 1:
        raise PlanChanged(f"plan {plan.id} was activated meanwhile")
    await session.execute(
        update(Plan)
        .where(
            Plan.client_id == plan.client_id,
            Plan.status == PlanStatus.ACTIVE,
            Plan.id != plan.id,
        )
        .values(status=PlanStatus.SUPERSEDED)
    )
    await session.refresh(plan, ["status", "next_review_on"])


# ── reviews ────────────────────────────────────────────────────────────────────


async def record_review(
    session: AsyncSession,
    *,
    plan: Plan,
    reviewer_id: int,
    outcomes: Sequence[Outcome],
    summary: str,
    today: date,
    now: datetime,
) -> tuple[Review, Plan]:
    """The review of the active `plan` and the next version it makes.

    The old version is claimed first with a conditional UPDATE, so of two reviews of
    one plan (two phones, a double press) exactly one is recorded; the other raises
    PlanChanged and the caller's transaction writes nothing. Goals without an outcome
    (added by a colleague while the review was under way) carry over as they are.
    """
    goals = {goal.id: goal for goal in plan.goals}
    for outcome in outcomes:
        if outcome.goal_id not in goals:
            raise ValueError(f"goal {outcome.goal_id} is not in plan {plan.id}")
        GoalStatus(outcome.status)
        if outcome.effectiveness is not None and outcome.effectiveness not in EFFECTIVENESS:
            raise ValueError("effectiveness must be 1 to 5")
    newer = (
        await session.execute(
            select(func.count())
            .select_from(Plan)
            .where(Plan.client_id == plan.client_id, Plan.version > plan.version)
        )
    ).scalar_one()
    if newer:  # e.g. an intake left a draft meanwhile: the worker should see it first
        raise PlanChanged(f"plan {plan.id} has a newer version")
    claimed = await session.execute(
        update(Plan)
        .where(Plan.id == plan.id, Plan.status == PlanStatus.ACTIVE)
        .values(status=PlanStatus.SUPERSEDED)
    )
    if cast("CursorResult[Any]", claimed).rowcount != 1:
        raise PlanChanged(f"plan {plan.id} is no longer active")
    following = Plan(
        client_id=plan.client_id,
        version=plan.version + 1,
        status=PlanStatus.ACTIVE,
        interventions=plan.interventions,
        review_interval_days=plan.review_interval_days,
        next_review_on=today + timedelta(days=plan.review_interval_days),
        created_at=now,
        created_by_id=reviewer_id,
        goals=[],
    )
    session.add(following)
    await session.flush()
    review = Review(
        plan_id=plan.id,
        reviewer_id=reviewer_id,
        created_at=now,
        summary=_clip(summary, SUMMARY_MAX),
        next_plan_id=following.id,
    )
    session.add(review)
    await session.flush()
    by_goal = {outcome.goal_id: outcome for outcome in outcomes}
    for goal in plan.goals:
        given = by_goal.get(goal.id)
        status = GoalStatus(given.status if given else goal.status)
        if given is not None:
            session.add(
                ReviewItem(
                    review_id=review.id,
                    goal_id=goal.id,
                    status=status,
                    effectiveness=given.effectiveness,
                    comment=_clip(given.comment, COMMENT_MAX),
                )
            )
        if status in OPEN_STATUSES:
            following.goals.append(
                Goal(
                    position=len(following.goals) + 1,
                    description=goal.description,
                    measure=goal.measure,
                    target_date=goal.target_date,
                    routine=goal.routine,
                    status=status,
                )
            )
    await session.flush()
    return review, following
