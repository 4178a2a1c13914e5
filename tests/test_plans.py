"""Plans and reviews from a phone: a plan with goals made and activated, its review
falling due in the morning agenda, a review making version 2, the versions kept
readable, a restart mid-review, forged ids refused and audited, clear answers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from storage import agenda as agenda_store
from storage import plans as plan_store
from storage.kinds import GoalStatus
from storage.machinery import AuditEvent
from storage.models import Client, Goal, Plan, Review, ReviewItem
from tests.harness import buttons
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


# ── helpers ────────────────────────────────────────────────────────────────────


async def _active_plan(harness, user_id: int, client_id: int, goals: list[str]) -> int:
    """An active version 1, made through storage (for stories about what comes after)."""
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        plan = await plan_store.start_draft(
            session, client_id=client_id, created_by_id=worker_id, now=harness.clock.now()
        )
        for description in goals:
            await plan_store.add_goal(
                session, plan, description=description, measure="weekly check", routine="daily"
            )
        await plan_store.activate(session, plan, today=date(2026, 3, 2))
        return plan.id


async def _plans(harness, client_id: int) -> list[Plan]:
    async with harness.db.session() as session:
        statement = select(Plan).where(Plan.client_id == client_id).order_by(Plan.version)
        found = list((await session.execute(statement)).scalars())
        for plan in found:
            await session.refresh(plan, ["goals"])
        return found


async def _events(harness, *, allowed: bool | None = None) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).order_by(AuditEvent.id)
        if allowed is not None:
            statement = statement.where(AuditEvent.allowed.is_(allowed))
        return list((await session.execute(statement)).scalars())


def _texts(messages) -> str:
    return "\n".join(message.text for message in messages)


def _labels(message) -> list[str]:
    return [label for label, _ in buttons(message)]


async def _agenda(harness, user_id: int, day: date):
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        return await agenda_store.agenda(session, worker_id, day, BERLIN)


# ── stories ────────────────────────────────────────────────────────────────────


async def test_a_plan_with_three_goals_is_activated_and_its_review_falls_due(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    ask = await wanda.send("/plan")
    card = await wanda.press(ask[-1], "C-0001")
    assert texts.PLAN_NOTHING_YET in card[-1].text
    assert "Activate" not in " ".join(_labels(card[-1]))

    # Goal 1: what, how measured, a typed target date ("15/6" is day/month), routine.
    prompt = await wanda.press(card[-1], "Goal")
    assert "What is the goal" in prompt[-1].text
    prompt = await wanda.send("Eats two warm meals a day")
    assert "How is it measured" in prompt[-1].text
    prompt = await wanda.send("Meals logged by the carer, 5 of 7 days")
    prompt = await wanda.send("15/6")
    assert "🎯 Target: Mon 15 Jun 2026" in _texts(prompt)
    card = await wanda.send("Lunch delivery Mon–Fri")
    assert "Plan v1 · C-0001 · Maria Gonzalez" in card[-1].text
    assert "📝 Draft" in card[-1].text and "1. ⚪ Eats two warm meals a day" in card[-1].text
    assert "by Mon 15 Jun 2026" in card[-1].text and "Lunch delivery Mon–Fri" in card[-1].text

    # Goal 2 with user text that must not break the HTML; everything optional skipped.
    prompt = await wanda.press(card[-1], "Goal")
    prompt = await wanda.send("Takes <b>meds</b> & vitamins")
    prompt = await wanda.press(prompt[-1], "Skip")
    prompt = await wanda.press(prompt[-1], "Skip")
    card = await wanda.press(prompt[-1], "Skip")
    assert "2. ⚪ Takes <b>meds</b> & vitamins" in card[-1].text

    # Goal 3, with ◀ Back from the measure to the description.
    prompt = await wanda.press(card[-1], "Goal")
    await wanda.send("Attend GP")
    prompt = await wanda.press(wanda.last(), "Back")
    assert "What is the goal" in prompt[-1].text
    await wanda.send("Attends the GP appointment every 3 months")
    prompt = await wanda.press(wanda.last(), "Skip")
    prompt = await wanda.send("in 3 months")
    card = await wanda.press(wanda.last(), "Skip")
    assert "3. ⚪ Attends the GP appointment every 3 months" in card[-1].text

    prompt = await wanda.press(card[-1], "Interventions")
    card = await wanda.send("Meals on wheels; weekly home visit; GP liaison")
    assert "Meals on wheels; weekly home visit; GP liaison" in card[-1].text
    # Only the newest card keeps buttons.
    with_buttons = [m for m in wanda.messages() if buttons(m)]
    assert with_buttons[-1].message_id == card[-1].message_id
    assert not any("Goal" in " ".join(_labels(m)) for m in with_buttons[:-1])

    card = await wanda.press(card[-1], "Activate")
    assert wanda.toasts()[-1] == "Plan v1 is active. Next review Sun 31 May 2026."
    assert "✅ Active · review every 90 days" in card[-1].text
    assert "Next review: Sun 31 May 2026" in card[-1].text
    assert "Review" in " ".join(_labels(card[-1]))

    [plan] = await _plans(harness, client_id)
    assert (plan.version, plan.status, plan.review_interval_days) == (1, "active", 90)
    assert plan.next_review_on == date(2026, 5, 31)  # today (2 Mar) + 90 days
    assert plan.interventions == "Meals on wheels; weekly home visit; GP liaison"
    assert [(g.position, g.description, g.status) for g in plan.goals] == [
        (1, "Eats two warm meals a day", "not_started"),
        (2, "Takes <b>meds</b> & vitamins", "not_started"),
        (3, "Attends the GP appointment every 3 months", "not_started"),
    ]
    first, second, third = plan.goals
    assert (first.measure, first.target_date, first.routine) == (
        "Meals logged by the carer, 5 of 7 days",
        date(2026, 6, 15),
        "Lunch delivery Mon–Fri",
    )
    assert (second.measure, second.target_date, second.routine) == (None, None, None)
    assert third.target_date == date(2026, 6, 2)
    actions = [(e.action, e.allowed) for e in await _events(harness)]
    assert actions.count(("plan.goal.add", True)) == 3
    assert ("plan.create", True) in actions and ("plan.interventions", True) in actions
    assert actions[-1] == ("plan.activate", True)

    # 🔎 Review on the card hands over to the review dialog.
    offer = await wanda.press(card[-1], "🔎 Review")
    assert "Review plan v1 of C-0001 · Maria Gonzalez? It is due Sun 31 May 2026" in offer[-1].text
    goal = await wanda.press(offer[-1], "Start review")
    assert "Review v1 · C-0001 · goal 1 of 3" in goal[-1].text
    assert (await wanda.send("/cancel"))[0].text == texts.CANCELLED

    # The morning agenda lists the review from three days before it is due.
    assert (await _agenda(harness, 701, date(2026, 5, 27))).reviews == []
    [due] = (await _agenda(harness, 701, date(2026, 5, 28))).reviews
    assert (due.client.id, due.due_on, due.overdue) == (client_id, plan.next_review_on, False)
    clock.set(berlin(2026, 5, 27, 8, 0))
    await harness.tick()
    clock.set(berlin(2026, 5, 28, 8, 0))
    await harness.tick()
    agendas = [m.text for m in wanda.messages() if "Good morning" in m.text]
    assert len(agendas) == 2
    assert texts.AGENDA_REVIEWS not in agendas[0]
    assert f"{texts.AGENDA_REVIEWS} (1)" in agendas[1]
    assert "C-0001 Maria Gonzalez · due in 3 d" in agendas[1]


async def test_a_review_makes_version_2_and_the_versions_stay_readable(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    old_id = await _active_plan(
        harness, 701, client_id, ["Eats two meals a day", "Takes meds", "Joins a lunch club"]
    )
    clock.set(berlin(2026, 5, 28, 10, 0))

    goal = await wanda.send("/review C-0001")
    assert "Review v1 · C-0001 · goal 1 of 3" in goal[-1].text
    assert "Eats two meals a day" in goal[-1].text
    step = await wanda.press(goal[-1], "Achieved")
    assert "How effective" in step[-1].text
    step = await wanda.press(step[-1], "5")
    assert "comment" in step[-1].text
    # ◀ Back keeps what was answered: effectiveness again, then on to the comment.
    step = await wanda.press(step[-1], "Back")
    assert "• 5" in _labels(step[-1])
    step = await wanda.press(step[-1], "5")
    goal = await wanda.send("Eats lunch <and> dinner & more")
    assert "goal 2 of 3" in goal[-1].text

    step = await wanda.press(goal[-1], "In progress")
    step = await wanda.press(step[-1], "3")
    goal = await wanda.press(step[-1], "Skip")
    assert "goal 3 of 3" in goal[-1].text
    # Back from goal 3 reaches goal 2's comment; a comment typed there is kept.
    step = await wanda.press(goal[-1], "Back")
    assert "goal 2 of 3" in step[-1].text and "comment" in step[-1].text
    goal = await wanda.send("Needs a pill box")
    assert "goal 3 of 3" in goal[-1].text

    step = await wanda.press(goal[-1], "Discontinued")
    step = await wanda.press(step[-1], "Skip")  # no effectiveness
    summary = await wanda.press(step[-1], "Skip")  # no comment
    assert "summary" in summary[-1].text
    assert (await wanda.send_sticker())[0].text == texts.TEXT_EXPECTED
    recap = await wanda.send("Meals sorted; <meds> next; lunch club declined.")
    text = recap[-1].text
    assert "Review of plan v1 · C-0001 · Maria Gonzalez" in text
    assert "1. Eats two meals a day → ✅ Achieved · 5/5" in text
    assert "“Eats lunch <and> dinner & more”" in text
    assert "2. Takes meds → 🔵 In progress · 3/5" in text
    assert "3. Joins a lunch club → ⛔ Discontinued · —" in text
    assert "version 2 with 1 open goal(s)" in text and "next review Wed 26 Aug 2026" in text
    assert (await wanda.send("hello"))[0].text == texts.USE_BUTTONS_OR_CANCEL

    saved = await wanda.press(recap[-1], "Save review")
    assert wanda.toasts()[-1] == texts.REVIEW_SAVED_TOAST
    assert "Review of v1 saved" in saved[-1].text
    assert "Plan v2 is now active with 1 goal(s). Next review Wed 26 Aug 2026." in saved[-1].text

    old, new = await _plans(harness, client_id)
    assert (old.id, old.version, old.status) == (old_id, 1, "superseded")
    assert (new.version, new.status, new.next_review_on) == (2, "active", date(2026, 8, 26))
    # The achieved and the discontinued goal are not copied; the open one is, with its
    # new status and everything it said.
    [carried] = new.goals
    assert (carried.description, carried.status, carried.measure, carried.routine) == (
        "Takes meds",
        "in_progress",
        "weekly check",
        "daily",
    )
    # The old version stays as it was.
    assert [g.status for g in old.goals] == ["not_started"] * 3
    async with harness.db.session() as session:
        [review] = (await session.execute(select(Review))).scalars().all()
        items = (
            (await session.execute(select(ReviewItem).order_by(ReviewItem.goal_id))).scalars().all()
        )
    assert (review.plan_id, review.next_plan_id, review.summary) == (
        old.id,
        new.id,
        "Meals sorted; <meds> next; lunch club declined.",
    )
    assert [(i.goal_id, i.status, i.effectiveness, i.comment) for i in items] == [
        (old.goals[0].id, "achieved", 5, "Eats lunch <and> dinner & more"),
        (old.goals[1].id, "in_progress", 3, "Needs a pill box"),
        (old.goals[2].id, "discontinued", None, None),
    ]
    [event] = [e for e in await _events(harness) if e.action == "plan.review"]
    assert (event.subject_id, event.client_id, event.detail["next_plan"]) == (
        old.id,
        client_id,
        new.id,
    )
    # The agenda now waits for the new date.
    assert (await _agenda(harness, 701, date(2026, 5, 28))).reviews == []
    assert len((await _agenda(harness, 701, date(2026, 8, 24))).reviews) == 1

    # 📋 Plan on the saved review opens version 2; 📜 Versions shows version 1 and its review.
    card = await wanda.press(saved[-1], "Plan")
    assert "Plan v2 · C-0001" in card[-1].text and "1. 🔵 Takes meds" in card[-1].text
    shown = await wanda.press(card[-1], "Versions")
    history = "\n".join(m.text for m in shown if "Earlier plan versions" in m.text)
    assert "Version 1 · from Mon 2 Mar 2026 → reviewed Thu 28 May 2026 by Wanda Worker" in history
    assert "Eats two meals a day → ✅ Achieved · 5/5 · “Eats lunch <and> dinner & more”" in history
    assert "Joins a lunch club → ⛔ Discontinued" in history
    assert "Summary: Meals sorted; <meds> next; lunch club declined." in history
    assert "Plan v2" in shown[-1].text and "Versions" in " ".join(_labels(shown[-1]))

    # Another dialog puts the open card aside (nothing written on it: nothing kept), and
    # the next review is of version 2.
    again = await wanda.send("/review C-0001")
    assert not any("set aside" in m.text for m in again)
    assert "Review v2 · C-0001 · goal 1 of 1" in again[-1].text


async def test_a_restart_mid_review_resumes_at_the_same_goal(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    await _active_plan(harness, 701, client_id, ["Eats two meals a day", "Takes meds"])
    card = await wanda.send("/client C-0001")
    goal = await wanda.press_data(card[0].message_id, f"cf:review:{client_id}")
    assert "goal 1 of 2" in goal[-1].text
    step = await wanda.press(goal[-1], "In progress")

    await harness.restart()
    step = await wanda.press(step[-1], "4")
    assert "goal 1 of 2" in step[-1].text and "effectiveness 4/5" in step[-1].text
    goal = await wanda.send("Better since the meal delivery")
    assert "goal 2 of 2" in goal[-1].text

    await harness.restart()
    step = await wanda.press(goal[-1], "Achieved")
    step = await wanda.press(step[-1], "Skip")
    summary = await wanda.press(step[-1], "Skip")
    recap = await wanda.send("Steady.")
    await wanda.press(recap[-1], "Save review")
    async with harness.db.session() as session:
        items = (await session.execute(select(ReviewItem).order_by(ReviewItem.id))).scalars().all()
    assert [(i.status, i.effectiveness, i.comment) for i in items] == [
        ("in_progress", 4, "Better since the meal delivery"),
        ("achieved", None, None),
    ]
    assert summary[-1].message_id != recap[-1].message_id


async def test_an_idle_review_is_kept_and_offered_back(harness, clock):
    from datetime import timedelta

    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    await _active_plan(harness, 701, client_id, ["Eats two meals a day", "Takes meds"])
    goal = await wanda.send("/review C-0001")
    step = await wanda.press(goal[-1], "Achieved")
    step = await wanda.press(step[-1], "2")
    goal = await wanda.send("Almost there")
    clock.advance(timedelta(minutes=31))
    await harness.restart()
    kept = await wanda.press(goal[-1], "Achieved")
    assert "kept what you wrote as a draft" in kept[-1].text
    offer = await wanda.send("/review")
    assert "unfinished review for C-0001 · Maria Gonzalez (1 of 2 goals done)" in offer[0].text
    goal = await wanda.press(offer[0], "Resume")
    assert "goal 2 of 2" in goal[-1].text


async def test_forged_plan_and_goal_ids_are_refused_and_audited(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    wanda_client = await harness.seed_client(701)
    wanda_plan = await _active_plan(harness, 701, wanda_client, ["Eats two meals a day"])
    [wanda_goal] = (await _plans(harness, wanda_client))[0].goals
    sam_client = await harness.seed_client(702, "Sid Other")
    await _active_plan(harness, 702, sam_client, ["Walks daily"])

    reply = await sam.send("/plan C-0001")
    assert "can't find C-0001" in reply[0].text
    hello = await sam.send("/help")
    await sam.press_data(hello[0].message_id, f"cf:plan:{wanda_client}")
    await sam.press_data(hello[0].message_id, f"cf:review:{wanda_client}")
    await sam.press_data(hello[0].message_id, f"rv:start:{wanda_client}")
    assert sam.toasts()[-3:] == [texts.CLIENT_GONE] * 3

    card = await sam.send("/plan C-0002")
    assert "Sid Other" in card[-1].text
    at = card[-1].message_id
    await sam.press_data(at, f"pl:edit:{wanda_goal.id}")
    await sam.press_data(at, f"pl:gs:{wanda_goal.id}:achieved")
    await sam.press_data(at, f"pl:act:{wanda_plan}")
    await sam.press_data(at, f"pl:rev:{wanda_plan}")
    await sam.press_data(at, "pl:gs:DROP TABLE:achieved")
    await sam.press_data(at, "pl:edit:99999999999")
    assert sam.toasts()[-6:] == [texts.NOT_ALLOWED] * 6
    await sam.send("/cancel")

    goal = await sam.send("/review C-0002")
    await sam.press_data(goal[-1].message_id, f"rv:st:{wanda_goal.id}:achieved")
    assert sam.toasts()[-1] == texts.NOT_ALLOWED
    assert "goal 1 of 1" in sam.last().text  # still on his own goal
    await sam.send("/cancel")

    [plan] = await _plans(harness, wanda_client)
    assert (plan.status, plan.goals[0].status) == ("active", "not_started")
    assert all("Maria" not in m.text for m in sam.messages())
    refused = await _events(harness, allowed=False)
    assert {e.actor_worker_id for e in refused} == {await harness.worker_id(702)}
    assert [(e.action, e.subject_type, e.subject_id, e.client_id) for e in refused] == [
        ("plan.view", "client", wanda_client, wanda_client),
        ("plan.view", "client", wanda_client, wanda_client),
        ("plan.review", "client", wanda_client, wanda_client),
        ("plan.review", "client", wanda_client, wanda_client),
        ("plan.goal.status", "goal", wanda_goal.id, wanda_client),
        ("plan.goal.status", "goal", wanda_goal.id, wanda_client),
        ("plan.activate", "plan", wanda_plan, wanda_client),
        ("plan.review", "plan", wanda_plan, wanda_client),
        ("plan.goal.status", "goal", None, None),
        ("plan.goal.status", "goal", None, None),
        ("plan.review", "goal", wanda_goal.id, wanda_client),
    ]
    async with harness.db.session() as session:
        assert (await session.get(Goal, wanda_goal.id)).status == "not_started"
    assert wanda.messages() == []  # nothing reached the owner's chat


async def test_an_intake_draft_is_finished_on_the_card(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    # What /intake leaves behind: a version-1 draft with goals.
    async with harness.db.session() as session:
        plan = Plan(client_id=client_id, version=1, status="draft", created_at=clock.now())
        session.add(plan)
        await session.flush()
        session.add_all(
            [
                Goal(plan_id=plan.id, position=1, description="Safe at home"),
                Goal(plan_id=plan.id, position=2, description="Sees family weekly"),
            ]
        )
    card = await wanda.send("/plan maria")
    assert "Plan v1" in card[-1].text and "📝 Draft" in card[-1].text
    assert "Review" not in " ".join(_labels(card[-1])).replace("Review interval", "")
    assert "2. ⚪ Sees family weekly" in card[-1].text
    menu = await wanda.press(card[-1], "✏️ 2")
    assert "Goal 2:" in menu[-1].text
    card = await wanda.press(menu[-1], "In progress")
    assert "2. 🔵 Sees family weekly" in card[-1].text
    menu = await wanda.press(card[-1], "Review interval")
    card = await wanda.press(menu[-1], "30 days")
    assert "review every 30 days" in card[-1].text
    card = await wanda.press(card[-1], "Activate")
    [plan] = await _plans(harness, client_id)
    assert (plan.status, plan.next_review_on) == ("active", date(2026, 4, 1))
    # On an active plan the next review moves with the interval.
    menu = await wanda.press(card[-1], "Review interval")
    card = await wanda.press(menu[-1], "60 days")
    [plan] = await _plans(harness, client_id)
    assert plan.next_review_on == date(2026, 5, 1)
    assert "Next review: Fri 1 May 2026" in card[-1].text
    await wanda.press(card[-1], "Close")
    assert not buttons(wanda.last())
    assert not any("still open" in m.text for m in await wanda.send("/clients"))
    statuses = [e.detail for e in await _events(harness) if e.action == "plan.goal.status"]
    assert statuses == [{"from": "not_started", "to": "in_progress"}]


async def test_wrong_input_gets_a_clear_answer(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await wanda.send("/plan C-0001")
    assert (await wanda.send("add a goal"))[0].text == texts.USE_BUTTONS_OR_CANCEL
    assert (await wanda.send_sticker())[0].text == texts.USE_BUTTONS_OR_CANCEL
    await wanda.press(card[-1], "Goal")
    assert (await wanda.send_sticker())[0].text == texts.TEXT_EXPECTED
    too_long = await wanda.send("x" * 600)
    assert too_long[0].text == texts.plan_too_long("a goal", 500, 600)
    await wanda.send("Walks to the shop")
    await wanda.press(wanda.last(), "Skip")
    assert "no 31 February" in (await wanda.send("31/2"))[0].text
    assert (await wanda.send("1/1/2026"))[0].text == texts.GOAL_TARGET_PASSED
    today = await wanda.send("/today")  # answered; the plan dialog carries on
    assert today[-1].text == texts.still_open("plan", "C-0001")
    assert (await wanda.send("/cancel"))[0].text == texts.CANCELLED
    assert await _plans(harness, 1) == []
    review = await wanda.send("/review C-0001")
    assert review[0].text == texts.review_no_plan("C-0001")
    assert not any("still open" in m.text for m in await wanda.send("/clients"))


async def test_two_reviews_of_one_plan_record_exactly_one(harness):
    """Two phones (or a double press) saving a review of the same version: the first
    makes version 2, the second changes nothing at all — one transaction each."""
    await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    plan_id = await _active_plan(harness, 701, client_id, ["Eats two meals a day"])
    worker_id = await harness.worker_id(701)
    async with harness.db.session() as session:
        seen_by_second = await plan_store.get_plan(session, plan_id)

    async def review(plan):
        async with harness.db.session() as session:
            plan = plan or await plan_store.get_plan(session, plan_id)
            session.add(plan)
            [goal] = plan.goals
            await plan_store.record_review(
                session,
                plan=plan,
                reviewer_id=worker_id,
                outcomes=[plan_store.Outcome(goal.id, GoalStatus.IN_PROGRESS, 4, "ok")],
                summary="fine",
                today=date(2026, 5, 28),
                now=harness.clock.now(),
            )

    await review(None)
    with pytest.raises(plan_store.PlanChanged):
        await review(seen_by_second)
    versions = await _plans(harness, client_id)
    assert [(p.version, p.status) for p in versions] == [(1, "superseded"), (2, "active")]
    async with harness.db.session() as session:
        assert len((await session.execute(select(Review))).scalars().all()) == 1
        assert len((await session.execute(select(ReviewItem))).scalars().all()) == 1


async def test_a_closed_case_keeps_its_plan_read_only(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    plan_id = await _active_plan(harness, 701, client_id, ["Eats two meals a day"])
    async with harness.db.session() as session:
        (await session.get(Client, client_id)).status = "discharged"
    card = await wanda.send("/plan C-0001")
    assert texts.PLAN_CASE_CLOSED in card[-1].text
    assert _labels(card[-1]) == [texts.PLAN_VERSIONS, texts.PLAN_CLOSE]
    await wanda.press_data(card[-1].message_id, f"pl:add:{plan_id}")
    assert wanda.toasts()[-1] == texts.PLAN_CASE_CLOSED_TOAST
    await wanda.send("/cancel")
    assert (await wanda.send("/review C-0001"))[0].text == texts.review_case_closed("C-0001")
    [plan] = await _plans(harness, client_id)
    assert (plan.status, len(plan.goals)) == ("active", 1)


async def test_an_intake_draft_beside_an_active_version_replaces_it_when_activated(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    await _active_plan(harness, 701, client_id, ["Eats two meals a day"])
    async with harness.db.session() as session:
        draft = Plan(client_id=client_id, version=2, status="draft", created_at=harness.clock.now())
        session.add(draft)
        await session.flush()
        session.add(Goal(plan_id=draft.id, position=1, description="Moves to sheltered housing"))
    assert (await wanda.send("/review C-0001"))[0].text == texts.review_draft_only("C-0001", 2)
    card = await wanda.send("/plan C-0001")
    assert "Plan v2" in card[-1].text and texts.plan_draft_beside(1) in card[-1].text
    card = await wanda.press(card[-1], "Activate")
    assert [(p.version, p.status) for p in await _plans(harness, client_id)] == [
        (1, "superseded"),
        (2, "active"),
    ]
    assert texts.plan_draft_beside(1) not in card[-1].text
