"""The plan and review use cases without Telegram: each owns its transaction, refuses
(and audits) what the actor may not do, keeps a closed case's plan as it was, and of two
saves of one review records exactly one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from domain.results import Gone, Invalid, Refused, Saved, Stale
from domain.usecases import plans as plan_cases
from domain.usecases.plans import PlanCard, ReviewSubject
from domain.work import Work
from storage import plans as plan_store
from storage.kinds import GoalStatus
from storage.machinery import AuditEvent
from storage.models import Client, Goal, Plan, Review, ReviewItem, Worker
from storage.workers import Actor


def _work(harness) -> Work:
    return harness.application.bot_data["services"]


async def _actor(harness, user_id: int) -> Actor:
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        return Actor.of(await session.get(Worker, worker_id))


async def _events(harness) -> list[tuple[str, bool, str | None, int | None]]:
    async with harness.db.session() as session:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        return [(e.action, e.allowed, e.subject_type, e.client_id) for e in rows]


async def _count(harness, model) -> int:
    async with harness.db.session() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_a_plan_is_made_goal_by_goal_and_activated_in_the_workers_calendar(harness):
    await harness.seed_worker(701, "Wanda Worker", timezone="Europe/Berlin")
    client_id = await harness.seed_client(701)
    work, wanda = _work(harness), await _actor(harness, 701)

    first = await plan_cases.add_goal(
        work, wanda, client_id, description="Eats two meals a day", target=date(2026, 6, 15)
    )
    assert isinstance(first, Saved)
    plan = first.value.plan
    assert plan is not None and (plan.version, plan.status) == (1, "draft")
    interval = await plan_cases.set_review_interval(work, wanda, client_id, plan.id, 30)
    assert isinstance(interval, Saved)
    assert await plan_cases.set_review_interval(work, wanda, client_id, plan.id, 31) == Invalid(
        plan_cases.BAD_INTERVAL
    )
    activated = await plan_cases.activate_plan(work, wanda, client_id, plan.id)
    assert isinstance(activated, Saved) and activated.value.plan is not None
    assert activated.value.plan.next_review_on == date(2026, 4, 1)  # 2 Mar + 30 days
    # Pressed again (a second phone): the card is out of date, nothing is written.
    again = await plan_cases.activate_plan(work, wanda, client_id, plan.id)
    assert isinstance(again, Stale) and again.current.plan.status == "active"
    assert [action for action, *_ in await _events(harness)] == [
        "plan.create",
        "plan.goal.add",
        "plan.interval",
        "plan.activate",
    ]


async def test_someone_who_cannot_see_the_client_is_refused_and_audited(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await harness.seed_client(701)
    work, sam = _work(harness), await _actor(harness, 702)

    assert await plan_cases.open_plan(work, sam, client_id) == Refused("client")
    assert await plan_cases.add_goal(work, sam, client_id, description="x") == Refused("client")
    assert await plan_cases.set_interventions(work, sam, client_id, 0, "x") == Refused("client")
    assert await plan_cases.start_review(work, sam, client_id) == Refused("client")
    assert await _events(harness) == [
        ("plan.view", False, "client", client_id),
        ("plan.goal.add", False, "client", client_id),
        ("plan.interventions", False, "client", client_id),
        ("plan.review", False, "client", client_id),
    ]
    assert await _count(harness, Plan) == 0


async def test_a_forged_goal_id_is_refused_and_a_closed_case_is_left_as_it_was(harness):
    await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    other_id = await harness.seed_client(701, "Otto Other")
    work, wanda = _work(harness), await _actor(harness, 701)
    other = await plan_cases.add_goal(work, wanda, other_id, description="Walks daily")
    assert isinstance(other, Saved) and other.value.plan is not None
    [other_goal] = other.value.plan.goals
    await plan_cases.add_goal(work, wanda, client_id, description="Eats two meals a day")

    status = GoalStatus.ACHIEVED
    forged = await plan_cases.set_goal_status(work, wanda, client_id, other_goal.id, status)
    assert forged == Refused("goal")
    async with harness.db.session() as session:
        (await session.get(Client, client_id)).status = "discharged"
    closed = await plan_cases.add_goal(work, wanda, client_id, description="One more")
    assert closed == Gone("case")
    looked = await plan_cases.look(work, wanda, client_id, "plan.view", change=False)
    assert isinstance(looked, PlanCard) and looked.closed
    assert looked.plan is not None and [g.description for g in looked.plan.goals] == [
        "Eats two meals a day"
    ]
    async with harness.db.session() as session:
        assert (await session.get(Goal, other_goal.id)).status == "not_started"
    refused = [event for event in await _events(harness) if not event[1]]
    assert refused == [("plan.goal.status", False, "goal", other_id)]


async def test_a_plan_without_goals_is_not_activated(harness):
    await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    work, wanda = _work(harness), await _actor(harness, 701)
    made = await plan_cases.set_interventions(work, wanda, client_id, 0, "Meals on wheels")
    assert isinstance(made, Saved) and made.value.plan is not None
    plan_id = made.value.plan.id
    assert await plan_cases.activate_plan(work, wanda, client_id, plan_id) == Invalid(
        plan_cases.NO_GOALS
    )
    review = await plan_cases.start_review(work, wanda, client_id)
    assert isinstance(review, ReviewSubject) and review.blocker == plan_cases.DRAFT_ONLY


async def test_two_saves_of_one_review_record_one(harness):
    """A double press or a second phone: the first save makes version 2, the second
    finds the plan reviewed and writes nothing (no review, no item, no audit event)."""
    await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    work, wanda = _work(harness), await _actor(harness, 701)
    made = await plan_cases.add_goal(work, wanda, client_id, description="Eats two meals a day")
    assert isinstance(made, Saved) and made.value.plan is not None
    plan = made.value.plan
    await plan_cases.activate_plan(work, wanda, client_id, plan.id)
    outcomes = [plan_store.Outcome(plan.goals[0].id, GoalStatus.IN_PROGRESS, 4, "ok")]

    first = await plan_cases.save_review(work, wanda, client_id, plan.id, outcomes, "fine")
    second = await plan_cases.save_review(work, wanda, client_id, plan.id, outcomes, "fine")
    assert isinstance(first, Saved)
    assert (first.value.plan.version, first.value.following.version) == (1, 2)
    assert second == Gone("plan")
    assert (await _count(harness, Review), await _count(harness, ReviewItem)) == (1, 1)
    reviews = [event for event in await _events(harness) if event[0] == "plan.review"]
    assert reviews == [("plan.review", True, "plan", client_id)]
    async with harness.db.session() as session:
        statement = select(Plan.version, Plan.status).where(Plan.client_id == client_id)
        versions = sorted((await session.execute(statement)).all())
    assert versions == [(1, "superseded"), (2, "active")]
