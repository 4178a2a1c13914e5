"""The Mini App's pages of a client beyond the card (issue 22): the plan with its goals,
reviews and earlier versions, the safety plan, the referrals, and the people around the
client — each from the one use case the chat calls for it, so what a worker may see and
what the audit trail says is the chat's. Real HTTP to the bot's server, a real database."""

from __future__ import annotations

import os
from datetime import date, timedelta

from storage import client_people, consents, referrals, safety_plans
from storage import plans as plan_store
from storage import resources as directory
from storage.kinds import GoalStatus, ReferralStatus
from storage.models import Client
from tests.test_webapp_api import SAM, WANDA, audit_events
from tests.test_webapp_browser import STEP_MS, page_url
from tests.webapp_support import api, init_data, phone_page, wanda_and_maria

GOAL = "Eats two meals a day"
SECOND_GOAL = "Walks to the shop"
REVIEW_SUMMARY = "Eating well; the walks wait for spring."
RESOURCE = "Food Bank Mitte"
PERSON = "Ana Gonzalez"
DOCTOR = "Dr Weber"
WARNING_SIGN = "stops eating"


async def a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock) -> int:
    """Maria, Wanda's client: plan v1 reviewed into v2, a safety plan, a referral sent and
    one completed, her daughter, her GP and a neighbour who moved away."""
    wanda_id, client_id = await wanda_and_maria(webapp_bot)
    now = clock.now()
    async with db.session() as session:
        client = await session.get(Client, client_id)
        plan = await plan_store.start_draft(
            session, client_id=client_id, created_by_id=wanda_id, now=now - timedelta(days=90)
        )
        for description in (GOAL, SECOND_GOAL):
            await plan_store.add_goal(session, plan, description=description, measure="weekly")
        await plan_store.activate(session, plan, today=date(2025, 12, 1))
        first, second = plan.goals
        await plan_store.record_review(
            session,
            plan=plan,
            reviewer_id=wanda_id,
            outcomes=[
                plan_store.Outcome(first.id, GoalStatus.IN_PROGRESS, 4, "two meals most days"),
                plan_store.Outcome(second.id, GoalStatus.NOT_STARTED),
            ],
            summary=REVIEW_SUMMARY,
            today=date(2026, 3, 1),
            now=now - timedelta(days=1),
        )
        await safety_plans.add_version(
            session,
            client,
            kind=safety_plans.SAVED,
            sections={
                "warning_signs": [WARNING_SIGN],
                "coping": [],
                "distraction": [],
                "help": ["daughter Ana"],
                "professionals": ["Crisis line 0800 111 0 111"],
                "environment": [],
            },
            changed=[],
            interval_days=30,
            next_review_on=date(2026, 4, 1),
            by=wanda_id,
            now=now - timedelta(days=2),
        )
        consent = await consents.record(
            session, client_id=client_id, given=True, scope="all", recorded_by_id=None, now=now
        )
        pantry = await directory.create(
            session, directory.ResourceData(name=RESOURCE, category="Food", phone="+49 30 555")
        )
        club = await directory.create(
            session, directory.ResourceData(name="Lunch Club", category="Social")
        )
        await referrals.create(
            session,
            client=client,
            resource=pantry,
            worker_id=wanda_id,
            consent=consent,
            reason="Pantry empty",
            now=now,
            follow_up_on=date(2026, 3, 9),
        )
        done = await referrals.create(
            session,
            client=client,
            resource=club,
            worker_id=wanda_id,
            consent=consent,
            reason="Lonely at lunch",
            now=now - timedelta(days=20),
        )
        done.status = ReferralStatus.COMPLETED
        done.completed_at = now - timedelta(days=3)
        done.outcome = "Goes on Tuesdays"
        for relation, name, phone, consent_to_share in (
            ("family", PERSON, "+49 30 1234567", True),
            ("gp", DOCTOR, "+49 30 7654321", None),
            ("neighbour", "Olga Nachbar", None, False),
        ):
            person = await client_people.add_person(
                session,
                client,
                relation=relation,
                name=name,
                phone=phone,
                organisation="Praxis Weber" if relation == "gp" else None,
                consent=consent_to_share,
                now=now - timedelta(days=30),
            )
            if relation == "neighbour":
                person.ended_at = now - timedelta(days=5)
    return client_id


async def wanda_reads(webapp_bot, clock, client_id: int, page: str) -> dict:
    """The page's answer to Wanda (allowed, and kept by no cache)."""
    signed = f"tma {init_data(WANDA, clock.now())}"
    response = await api(webapp_bot, f"/api/clients/{client_id}/{page}", signed)
    assert response.status_code == 200, page
    assert response.headers["cache-control"] == "no-store"
    return response.json()


async def test_the_plan_page_is_the_plan_card_and_its_versions(webapp_bot, db, clock):
    client_id = await a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock)
    body = await wanda_reads(webapp_bot, clock, client_id, "plan")
    assert body["reader"] == {"zone": "Europe/Berlin", "language": "en", "today": "2026-03-02"}
    plan = body["plan"]
    # The review made version 2, in effect, its goals carried over with the review's status.
    assert (plan["version"], plan["status"]) == (2, "active")
    assert [(goal["description"], goal["status"]) for goal in plan["goals"]] == [
        (GOAL, "in_progress"),
        (SECOND_GOAL, "not_started"),
    ]
    assert plan["next_review_on"] is not None
    assert body["in_effect"] is None and body["waiting"] is False and body["closed"] is False
    (earlier,) = body["earlier"]
    assert earlier["version"] == 1
    assert earlier["review"]["reviewer"] == "Wanda Worker"
    assert earlier["review"]["summary"] == REVIEW_SUMMARY
    assert earlier["review"]["at"].startswith("2026-03-01T08:00")
    assert [
        (g["description"], g["status"], g["effectiveness"], g["comment"]) for g in earlier["goals"]
    ] == [
        (GOAL, "in_progress", 4, "two meals most days"),
        (SECOND_GOAL, "not_started", None, None),
    ]

    shown = (await wanda_reads(webapp_bot, clock, client_id, "safety_plan"))["plan"]
    assert (shown["version"], shown["author"]) == (1, "Wanda Worker")
    assert [section["key"] for section in shown["sections"]][:2] == ["warning_signs", "coping"]
    assert shown["sections"][0]["lines"] == [WARNING_SIGN]

    # Audited as the chat's 📜 Versions and 🛟 looks are.
    wanda_id = await webapp_bot.worker_id(WANDA)
    for action in ("plan.history", "client.safety_plan.view"):
        (look,) = await audit_events(db, action)
        assert (look.actor_worker_id, look.client_id, look.allowed) == (wanda_id, client_id, True)


async def test_the_referrals_page_lists_each_referral_as_its_card_says_it(webapp_bot, db, clock):
    client_id = await a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock)
    listed = (await wanda_reads(webapp_bot, clock, client_id, "referrals"))["referrals"]
    # The open one first, then the closed one.
    assert [(r["resource"]["name"], r["status"]) for r in listed] == [
        (RESOURCE, "sent"),
        ("Lunch Club", "completed"),
    ]
    sent, completed = listed
    assert sent["reason"] == "Pantry empty"
    assert sent["follow_up_on"] == "2026-03-09"
    assert sent["resource"]["phone"] == "+49 30 555"
    assert completed["outcome"] == "Goes on Tuesdays"
    assert completed["completed_at"].startswith("2026-02-27T08:00")
    (look,) = await audit_events(db, "referral.list")
    assert (look.client_id, look.allowed) == (client_id, True)


async def test_the_people_page_groups_them_as_the_chat_does(webapp_bot, db, clock):
    client_id = await a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock)
    body = await wanda_reads(webapp_bot, clock, client_id, "people")
    (daughter,) = body["around"]
    assert (daughter["name"], daughter["relation"], daughter["phone"], daughter["consent"]) == (
        PERSON,
        "family",
        "+49 30 1234567",
        True,
    )
    (doctor,) = body["care_team"]
    assert (doctor["name"], doctor["relation"], doctor["organisation"]) == (
        DOCTOR,
        "gp",
        "Praxis Weber",
    )
    (neighbour,) = body["earlier"]
    assert neighbour["name"] == "Olga Nachbar" and neighbour["ended_at"] is not None
    (look,) = await audit_events(db, "client.people.view")
    assert (look.client_id, look.allowed) == (client_id, True)


async def test_a_new_client_has_empty_pages_not_errors(webapp_bot, clock):
    _wanda_id, client_id = await wanda_and_maria(webapp_bot)
    plan = await wanda_reads(webapp_bot, clock, client_id, "plan")
    assert (plan["plan"], plan["in_effect"], plan["earlier"]) == (None, None, [])
    assert (await wanda_reads(webapp_bot, clock, client_id, "safety_plan"))["plan"] is None
    assert (await wanda_reads(webapp_bot, clock, client_id, "referrals"))["referrals"] == []
    people = await wanda_reads(webapp_bot, clock, client_id, "people")
    assert (people["around"], people["care_team"], people["earlier"]) == ([], [], [])


async def test_another_teams_client_has_no_pages_and_each_refusal_is_audited(webapp_bot, db, clock):
    client_id = await a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock)
    await webapp_bot.seed_worker(SAM, "Sam Southern", team="South")
    sam_id = await webapp_bot.worker_id(SAM)
    signed = f"tma {init_data(SAM, clock.now())}"
    pages = {
        "plan": "plan.history",
        "safety_plan": "client.safety_plan.view",
        "referrals": "referral.list",
        "people": "client.people.view",
    }
    for page, action in pages.items():
        for asked in (client_id, client_id + 1000):  # no such client: the same answer
            response = await api(webapp_bot, f"/api/clients/{asked}/{page}", signed)
            assert response.status_code == 404, page
            assert response.json() == {"error": "not_found"}
            assert "Maria" not in response.text
        refusals = [
            (event.client_id, event.allowed)
            for event in await audit_events(db, action)
            if event.actor_worker_id == sam_id
        ]
        assert refusals == [(client_id, False), (None, False)], page


async def test_a_worker_reads_the_plan_the_referrals_and_the_people_on_a_phone(
    browser, webapp_bot, db, clock
):
    client_id = await a_client_with_a_plan_referrals_and_people(webapp_bot, db, clock)
    page, errors = await phone_page(browser, STEP_MS)
    await page.goto(page_url(webapp_bot, client_id, init_data(WANDA, clock.now())))
    await page.locator("h1", has_text="Maria Gonzalez").wait_for()
    screenshot = os.environ.get("CASELINE_WEBAPP_SCREENSHOT")

    # All six tabs are in reach of a thumb: the bar scrolls sideways when they do not fit.
    for tab, finds in (
        ("plan", ["#plan .row[data-goal] .text", GOAL]),
        ("referrals", ["#referrals .row[data-referral] .text", RESOURCE]),
        ("people", ["#people .row[data-person] .text", PERSON]),
    ):
        button = page.locator(f"#tabs button[data-tab={tab}]")
        await button.scroll_into_view_if_needed()
        await button.click()
        await page.locator(finds[0], has_text=finds[1]).first.wait_for()
        box = await button.bounding_box()
        assert box is not None and box["height"] >= 44
        assert await page.locator(f"#{tab}").is_visible()
        assert not await page.locator("#card").is_visible()
        # Nothing wider than the phone but the tab bar, which scrolls.
        width = await page.evaluate("document.querySelector('main').scrollWidth")
        assert width <= 390
        if screenshot:
            await page.screenshot(path=screenshot.replace(".png", f"-{tab}.png"), full_page=True)

    await page.locator("#tabs button[data-tab=plan]").click()
    # The review of version 1, what it said of the goal; the safety plan as the chat shows it.
    await page.locator("#plan .detail", has_text="two meals most days").wait_for()
    await page.locator("#plan .text", has_text="reviewed Mar 1, 2026 by Wanda Worker").wait_for()
    await page.locator("#plan .text", has_text=WARNING_SIGN).wait_for()
    await page.locator("#tabs button[data-tab=people]").click()
    call = page.locator("#people a.call", has_text="+49 30 1234567")
    assert await call.get_attribute("href") == "tel:+49301234567"
    call_box = await call.bounding_box()
    assert call_box is not None and call_box["height"] >= 44
    await page.locator("#people .label", has_text="Family").first.wait_for()
    await page.locator("#people .label", has_text="consent to share: yes").wait_for()
    assert errors == []
