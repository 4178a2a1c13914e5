"""/plan and /review on the shared dialog kit: the shared date picker reads a goal's
target date (asking back when a date could be a time), the shared client picker refuses
a forged press like every other dialog's, and drafts written before drafts were typed
(plain dicts in user_data) are still offered back and resumed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage import persistence_store
from storage import plans as plan_store
from storage.machinery import AuditEvent
from storage.models import Plan
from tests.harness import buttons
from ui import texts


async def _active_plan(harness, user_id: int, client_id: int, goals: list[str]) -> Plan:
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        plan = await plan_store.start_draft(
            session, client_id=client_id, created_by_id=worker_id, now=harness.clock.now()
        )
        for description in goals:
            await plan_store.add_goal(session, plan, description=description)
        await plan_store.activate(session, plan, today=date(2026, 3, 2))
        return plan


async def test_a_target_date_that_could_be_a_time_is_asked_back_with_buttons(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    card = await wanda.send("/plan C-0001")
    await wanda.press(card[-1], "Goal")
    await wanda.send("Walks to the shop")
    await wanda.press(wanda.last(), "Skip")
    asked = await wanda.send("1.12")
    assert "date or a time" in asked[0].text
    assert [label for label, _ in buttons(asked[0])] == ["Mon 2 Mar 13:12", "Tue 1 Dec"]
    prompt = await wanda.press(asked[0], "Tue 1 Dec")
    assert "🎯 Target: Tue 1 Dec 2026" in "\n".join(m.text for m in prompt)
    card = await wanda.press(prompt[-1], "Skip")
    assert "1. ⚪ Walks to the shop" in card[-1].text and "by Tue 1 Dec 2026" in card[-1].text
    async with harness.db.session() as session:
        [plan] = (await session.execute(select(Plan))).scalars().all()
        await session.refresh(plan, ["goals"])
    assert plan.goals[0].target_date == date(2026, 12, 1)


async def test_a_forged_press_on_the_plan_and_review_client_pickers_is_refused(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    sam = await harness.seed_worker(702, "Sam Southern", team="South")
    client_id = await harness.seed_client(701)
    await harness.seed_client(702, "Sid Other")
    for command, prefix in (("/plan", "pl"), ("/review", "rv")):
        ask = await sam.send(command)
        assert "Which client" in ask[0].text
        await sam.press_data(ask[0].message_id, f"{prefix}:client:{client_id}")
        assert sam.toasts()[-1] == texts.CLIENT_GONE
        picked = await sam.press(ask[0], "Sid Other")  # the picker still works after it
        assert "C-0002" in picked[-1].text
        await sam.send("/cancel")
    assert all("Maria" not in m.text for m in sam.messages())
    async with harness.db.session() as session:
        refused = (
            (await session.execute(select(AuditEvent).where(AuditEvent.allowed.is_(False))))
            .scalars()
            .all()
        )
    assert [(e.action, e.subject_id, e.detail) for e in refused] == [
        ("client.access", client_id, {"via": "pl"}),
        ("client.access", client_id, {"via": "rv"}),
    ]


async def test_drafts_kept_as_plain_dicts_are_offered_back_and_resumed(harness):
    """What a worker's user_data held before drafts were typed: it still loads."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    plan = await _active_plan(harness, 701, client_id, ["Eats two meals a day", "Takes meds"])
    first, second = plan.goals
    client = {"id": client_id, "code": "C-0001", "name": "Maria Gonzalez"}
    kept_at = harness.clock.now().isoformat()
    old = {
        "kept_drafts": {
            "plan": {
                "client": client,
                "live": 1,
                "goal": {"step": 4, "description": "Sees family weekly", "measure": "calls"},
                "touched": kept_at,
                "kept_at": kept_at,
            },
            "review": {
                "client": client,
                "plan": plan.id,
                "version": 1,
                "interval": 90,
                "goals": [
                    {
                        "id": goal.id,
                        "description": goal.description,
                        "measure": None,
                        "target": None,
                        "routine": None,
                        "status": "not_started",
                    }
                    for goal in (first, second)
                ],
                "answers": [
                    {"status": "achieved", "effect": 4, "comment": "fine"},
                    {"status": None, "effect": None, "comment": None},
                ],
                "index": 1,
                "step": "status",
                "summary": None,
                "touched": kept_at,
                "kept_at": kept_at,
            },
        }
    }
    await harness.stop()
    async with harness.db.session() as session:
        await persistence_store.save_data(session, "user", "701", old, harness.clock.now())
    await harness.start()

    offer = await wanda.send("/plan")
    assert "adding a goal" in offer[0].text and "Sees family weekly" in offer[0].text
    step = await wanda.press(offer[0], "Resume")
    assert "Target date" in step[-1].text and "Sees family weekly" in step[-1].text
    card = await wanda.send("15/6")
    card = await wanda.press(card[-1], "Skip")
    assert "3. ⚪ Sees family weekly" in card[-1].text and "📏 calls" in card[-1].text
    await wanda.press(card[-1], "Close")

    offer = await wanda.send("/review")
    assert "(1 of 2 goals done)" in offer[0].text
    goal = await wanda.press(offer[0], "Resume")
    assert "goal 2 of 2" in goal[-1].text and "Takes meds" in goal[-1].text
    step = await wanda.press(goal[-1], "In progress")
    step = await wanda.press(step[-1], "Skip")
    summary = await wanda.press(step[-1], "Skip")
    recap = await wanda.send("Going well.")
    assert "1. Eats two meals a day → ✅ Achieved · 4/5" in recap[-1].text
    saved = await wanda.press(recap[-1], "Save review")
    # Goal 2 carries on; so does goal 3, added on the card after the review was begun.
    assert "Plan v2 is now active with 2 goal(s)" in saved[-1].text
    assert summary[-1].message_id != recap[-1].message_id
