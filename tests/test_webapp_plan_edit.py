"""The Mini App's Plan tab writes (issue 23): a goal, its status, the interventions, the
review interval and the activation, each by the use case /plan's button calls, so the chat's
/plan shows it and the audit trail says it as the chat's. A forged value is 400 or 422 with
nothing saved, another team's client 404 with the refusal audited; in strict mode too, where
the chat types no plan. Real HTTP to the bot's own server, a real database (SQLite and
PostgreSQL)."""

from __future__ import annotations

import os

import httpx
from sqlalchemy import select

from storage.kinds import ClientStatus, Role
from storage.models import Client, Goal, Plan
from tests.test_approvals import _approvals
from tests.test_webapp_api import WANDA, audit_events
from tests.test_webapp_browser import STEP_MS, page_url
from tests.webapp_support import api, api_post, init_data, phone_page

SUE, OTTO = 510, 511


async def _post(harness, client_id: int, path: str, signed: str, body) -> httpx.Response:
    return await api_post(harness, f"/api/clients/{client_id}/plan/{path}", signed, body)


async def _world(harness, clock) -> tuple[int, int, str]:
    """Wanda (North, Sue her supervisor) and her client Maria, without a plan yet; Otto's
    client in South. Maria's id, Otto's client's id, Wanda's Authorization."""
    await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await harness.seed_worker(OTTO, "Otto Other", team="South")
    maria = await harness.seed_client(WANDA, "Maria Gonzalez")
    theirs = await harness.seed_client(OTTO, "Tomasz Nowak")
    return maria, theirs, f"tma {init_data(WANDA, clock.now())}"


async def _goals(harness) -> list[Goal]:
    async with harness.db.session() as session:
        return list((await session.execute(select(Goal).order_by(Goal.id))).scalars())


async def _chat_plan(harness, client_id: int) -> str:
    wanda = harness.person(WANDA, "Wanda")
    return "\n".join(m.text for m in await wanda.send(f"/plan C-{client_id:04d}"))


async def _write_a_plan(harness, maria: int, signed: str) -> dict:
    """A goal, its status, interventions, an interval and the activation, through the API,
    each answered with the card as it now stands."""
    goal = {"description": "  Eat two\nmeals a day ", "measure": "meals a day",
            "target_date": "2026-06-30", "routine": None}  # fmt: skip
    added = await _post(harness, maria, "goals", signed, goal)
    assert added.status_code == 200, added.text
    plan = added.json()["plan"]
    assert (plan["status"], plan["version"]) == ("draft", 1)
    (first,) = plan["goals"]
    assert (first["description"], first["measure"], first["target_date"]) == (
        "Eat two meals a day",  # one line, as the chat keeps a goal's text
        "meals a day",
        "2026-06-30",
    )
    status = await _post(
        harness, maria, f"goals/{first['id']}/status", signed, {"status": "in_progress"}
    )
    assert status.json()["plan"]["goals"][0]["status"] == "in_progress"
    text = {"plan": plan["id"], "text": "Weekly calls; food bank referral"}
    said = await _post(harness, maria, "interventions", signed, text)
    assert said.json()["plan"]["interventions"] == "Weekly calls; food bank referral"
    every = await _post(harness, maria, "interval", signed, {"plan": plan["id"], "days": 60})
    assert every.json()["plan"]["review_interval_days"] == 60
    return plan


async def test_what_the_page_writes_is_the_chats_plan_and_audited_as_the_chats(webapp_bot, clock):
    maria, _, signed = await _world(webapp_bot, clock)
    plan = await _write_a_plan(webapp_bot, maria, signed)
    active = await _post(webapp_bot, maria, "activate", signed, {"plan": plan["id"]})
    assert active.status_code == 200, active.text
    assert active.json()["plan"]["status"] == "active"
    assert active.json()["plan"]["next_review_on"] == "2026-05-01"  # today + 60 days
    shown = await _chat_plan(webapp_bot, maria)
    for part in ("🔵 Eat two meals a day", "Weekly calls; food bank referral", "every 60 days"):
        assert part in shown, (part, shown)
    wanda_id = await webapp_bot.worker_id(WANDA)
    for action in (
        "plan.create",
        "plan.goal.add",
        "plan.goal.status",
        "plan.interventions",
        "plan.interval",
        "plan.activate",
    ):
        (event,) = await audit_events(webapp_bot.db, action)
        assert (event.actor_worker_id, event.client_id, event.allowed) == (wanda_id, maria, True)
    # The page's GET reads the card it wrote, with the plan's id for the next change.
    read = await api(webapp_bot, f"/api/clients/{maria}/plan", signed)
    assert read.json()["plan"]["id"] == plan["id"]


async def test_an_activation_the_team_wants_approved_waits_for_the_supervisor(webapp_bot, clock):
    maria, _, signed = await _world(webapp_bot, clock)
    await _approvals(webapp_bot, "North", plans=True, discharges=False)
    plan = await _write_a_plan(webapp_bot, maria, signed)
    asked = await _post(webapp_bot, maria, "activate", signed, {"plan": plan["id"]})
    assert (asked.status_code, asked.json()["waiting"]) == (202, True)
    async with webapp_bot.db.session() as session:
        assert (await session.get(Plan, plan["id"])).status == "draft"
    (request,) = await audit_events(webapp_bot.db, "approval.request")
    assert request.client_id == maria
    # Sue is asked in the chat, as the chat's ✅ Activate asks her.
    await webapp_bot.settle()
    await webapp_bot.state.wait_for_events(0, chat_id=SUE, kinds=["send"], timeout=10)
    assert webapp_bot.person(SUE, "Sue").messages()


async def test_forged_values_and_another_teams_client_save_nothing(webapp_bot, clock):
    maria, theirs, signed = await _world(webapp_bot, clock)
    for path, body in (
        ("goals", b"not json"),
        ("goals", ["a list"]),
        ("goals", {"description": 5}),
        ("goals", {"description": "x", "target_date": "June"}),
        ("goals", {"description": "x", "owner": 1}),
        ("goals/1/status", {"status": "done"}),
        ("interventions", {"plan": "1", "text": "x"}),
        ("interval", {"plan": 0, "days": True}),
        ("activate", {}),
    ):
        answer = await _post(webapp_bot, maria, path, signed, body)
        assert (answer.status_code, answer.json()) == (400, {"error": "bad_request"}), body
    for body, reason in (
        ({"description": "  "}, "empty"),
        ({"description": "x" * 501}, "too_long"),
    ):
        answer = await _post(webapp_bot, maria, "goals", signed, body)
        assert (answer.status_code, answer.json()) == (422, {"error": reason})
    interval = await _post(webapp_bot, maria, "interval", signed, {"plan": 0, "days": 45})
    assert (interval.status_code, interval.json()) == (422, {"error": "bad_interval"})
    assert await _goals(webapp_bot) == []
    # A draft without goals is not activated (the use case's rule).
    await _post(webapp_bot, maria, "interventions", signed, {"plan": 0, "text": "Calls"})
    async with webapp_bot.db.session() as session:
        (draft,) = (await session.execute(select(Plan))).scalars()
    empty = await _post(webapp_bot, maria, "activate", signed, {"plan": draft.id})
    assert (empty.status_code, empty.json()) == (422, {"error": "no_goals"})
    # A page that read the client before the draft existed: the card as it stands, unchanged.
    stale = await _post(webapp_bot, maria, "interventions", signed, {"plan": 0, "text": "Old"})
    assert stale.status_code == 409
    assert (stale.json()["error"], stale.json()["plan"]["interventions"]) == ("stale", "Calls")

    # Another team's client: 404, as the card, the refusal audited as the chat's.
    otto_goal = {"description": "Their goal"}
    refused = await _post(webapp_bot, theirs, "goals", signed, otto_goal)
    assert (refused.status_code, refused.json()) == (404, {"error": "not_found"})
    (refusal,) = await audit_events(webapp_bot.db, "plan.goal.add")
    assert (refusal.client_id, refusal.allowed) == (theirs, False)
    # Otto's goal named on Maria's plan (a forged id): 404, audited, nothing changed.
    otto = f"tma {init_data(OTTO, clock.now())}"
    theirs_added = await _post(webapp_bot, theirs, "goals", otto, otto_goal)
    (their_goal,) = theirs_added.json()["plan"]["goals"]
    forged = await _post(
        webapp_bot, maria, f"goals/{their_goal['id']}/status", signed, {"status": "achieved"}
    )
    assert forged.status_code == 404
    (kept,) = await _goals(webapp_bot)
    assert kept.status == "not_started"
    refusals = [e for e in await audit_events(webapp_bot.db, "plan.goal.status") if not e.allowed]
    assert [(e.subject_type, e.subject_id) for e in refusals] == [("goal", their_goal["id"])]
    # No init data: 401, as every request of the page; a closed case's plan stays as it was.
    unsigned = await _post(webapp_bot, maria, "goals", "tma nothing", {"description": "x"})
    assert unsigned.status_code == 401
    async with webapp_bot.db.session() as session:
        (await session.get(Client, maria)).status = ClientStatus.DISCHARGED
    closed = await _post(webapp_bot, maria, "goals", signed, {"description": "After closing"})
    assert (closed.status_code, closed.json()) == (409, {"error": "case_closed"})
    assert len(await _goals(webapp_bot)) == 1


async def test_in_strict_mode_the_page_is_where_a_plan_is_written(strict_bot, clock):
    maria, _, signed = await _world(strict_bot, clock)
    plan = await _write_a_plan(strict_bot, maria, signed)
    active = await _post(strict_bot, maria, "activate", signed, {"plan": plan["id"]})
    assert active.json()["plan"]["status"] == "active"
    (goal,) = await _goals(strict_bot)
    assert (goal.description, goal.status) == ("Eat two meals a day", "in_progress")
    # The chat still refuses /plan: it points at the page.
    shown = await _chat_plan(strict_bot, maria)
    assert "Eat two meals" not in shown
    # And the safety plan, which the chat's 🛟 does not take typed in strict mode.
    draft = {"base": 0, "sections": {"help": ["daughter Ana"]}}
    saved = await _safety(strict_bot, maria, "save", signed, draft)
    assert saved.json()["plan"]["sections"][3]["lines"] == ["daughter Ana"]
    (event,) = await audit_events(strict_bot.db, "client.safety_plan.save")
    assert (event.client_id, event.allowed) == (maria, True)


async def _plan_tab(browser, webapp_bot, clock, client_id: int):
    """Wanda's phone on the client's Plan tab, and the page's script errors (a list)."""
    page, errors = await phone_page(browser, STEP_MS)
    await page.goto(page_url(webapp_bot, client_id, init_data(WANDA, clock.now())))
    await page.locator("h1", has_text="Maria Gonzalez").wait_for()
    await page.locator("#tabs button[data-tab=plan]").click()
    return page, errors


async def _fits(page, name: str) -> None:
    """Nothing wider than the phone; a screenshot when CASELINE_WEBAPP_SCREENSHOT asks."""
    assert await page.evaluate("document.querySelector('main').scrollWidth") <= 390
    screenshot = os.environ.get("CASELINE_WEBAPP_SCREENSHOT")
    if screenshot:
        await page.screenshot(path=screenshot.replace(".png", f"{name}.png"), full_page=True)


async def test_a_worker_adds_a_goal_and_marks_it_achieved_on_a_phone(browser, webapp_bot, clock):
    maria, _, _ = await _world(webapp_bot, clock)
    page, errors = await _plan_tab(browser, webapp_bot, clock, maria)
    # The forms are folded under their titles: the plan itself stays a short read.
    assert not await page.locator("#goal-description").is_visible()
    await page.locator("#plan summary", has_text="➕ Goal").click()
    await page.locator("#goal-description").fill("See the GP about the prescription")
    add = page.locator("#add-goal")
    box = await add.bounding_box()
    assert box is not None and box["height"] >= 44
    await add.click()
    goal = page.locator("#plan .row[data-goal]", has_text="See the GP about the prescription")
    await goal.wait_for()
    await page.locator("#plan .plan-said", has_text="Saved.").wait_for()
    status = goal.locator("select.goal-status")
    assert (await status.bounding_box() or {"height": 0})["height"] >= 44
    await status.select_option("achieved")
    await page.locator("#plan .row[data-goal] .label", has_text="Achieved").wait_for()
    await _fits(page, "-plan-edit")
    (saved,) = await _goals(webapp_bot)
    assert (saved.description, saved.status) == ("See the GP about the prescription", "achieved")
    assert "✅ See the GP about the prescription" in await _chat_plan(webapp_bot, maria)
    assert errors == []


async def test_a_review_written_on_the_page_makes_the_next_version_as_the_chats(webapp_bot, clock):
    maria, theirs, signed = await _world(webapp_bot, clock)
    plan = await _write_a_plan(webapp_bot, maria, signed)
    await _post(webapp_bot, maria, "goals", signed, {"description": "See the GP"})
    active = (await _post(webapp_bot, maria, "activate", signed, {"plan": plan["id"]})).json()
    first, second = active["plan"]["goals"]
    said = [
        {"goal": first["id"], "status": "achieved", "effectiveness": 4, "comment": " Eats well "},
        {"goal": second["id"], "status": "in_progress", "effectiveness": None},
    ]
    review = {"plan": plan["id"], "goals": said, "summary": "Good progress."}
    # Forged: an effectiveness the walk does not offer, no summary, a goal of another client.
    bad = {**review, "goals": [{**said[0], "effectiveness": 6}]}
    assert (await _post(webapp_bot, maria, "review", signed, bad)).status_code == 400
    unsaid = await _post(webapp_bot, maria, "review", signed, {**review, "summary": " "})
    assert (unsaid.status_code, unsaid.json()) == (422, {"error": "empty"})
    otto = f"tma {init_data(OTTO, clock.now())}"
    (their_goal,) = (
        await _post(webapp_bot, theirs, "goals", otto, {"description": "Theirs"})
    ).json()["plan"]["goals"]
    forged = {**review, "goals": [*said, {"goal": their_goal["id"], "status": "achieved"}]}
    assert (await _post(webapp_bot, maria, "review", signed, forged)).status_code == 404
    (refusal,) = await audit_events(webapp_bot.db, "plan.review")
    assert (refusal.allowed, refusal.subject_id) == (False, their_goal["id"])

    saved = await _post(webapp_bot, maria, "review", signed, review)
    assert saved.status_code == 201, saved.text
    assert saved.json()["reviewed"] == {"version": 2, "next_review_on": "2026-05-01"}
    again = await _post(webapp_bot, maria, "review", signed, review)
    assert (again.status_code, again.json()) == (409, {"error": "plan_changed"})
    # The chat's /plan: version 2, the achieved goal done, the other carried over.
    shown = await _chat_plan(webapp_bot, maria)
    assert "Plan v2" in shown and "🔵 See the GP" in shown and "Eat two" not in shown
    read = await api(webapp_bot, f"/api/clients/{maria}/plan", signed)
    (earlier,) = read.json()["earlier"]
    assert earlier["review"]["summary"] == "Good progress."
    assert [(g["status"], g["effectiveness"], g["comment"]) for g in earlier["goals"]] == [
        ("achieved", 4, "Eats well"),
        ("in_progress", None, None),
    ]
    reviews = [e for e in await audit_events(webapp_bot.db, "plan.review") if e.allowed]
    assert [(e.actor_worker_id, e.client_id) for e in reviews] == [
        (await webapp_bot.worker_id(WANDA), maria)
    ]


async def test_a_worker_reviews_the_plan_on_a_phone(browser, webapp_bot, clock):
    maria, _, signed = await _world(webapp_bot, clock)
    plan = await _write_a_plan(webapp_bot, maria, signed)
    await _post(webapp_bot, maria, "activate", signed, {"plan": plan["id"]})
    page, errors = await _plan_tab(browser, webapp_bot, clock, maria)
    await page.locator("#plan summary", has_text="🔎 Review").click()
    review = page.locator("#plan .plan-edit", has_text="Eat two meals a day").last
    await review.locator("select").nth(0).select_option("achieved")
    await review.locator("select").nth(1).select_option("5")
    await review.locator("input").first.fill("Eats three meals now")
    await page.locator("#review-summary").fill("Goal met; keep the calls.")
    await _fits(page, "-plan-review")  # the review filled in, before it is saved
    await page.locator("#save-review").click()
    await page.locator("#plan h2", has_text="Plan v2").wait_for()
    await page.locator("#plan .detail", has_text="Eats three meals now").wait_for()
    (done,) = [e for e in await audit_events(webapp_bot.db, "plan.review") if e.allowed]
    assert done.client_id == maria
    assert errors == []


async def _safety(harness, client_id: int, action: str, signed: str, body) -> httpx.Response:
    return await api_post(harness, f"/api/clients/{client_id}/safety_plan/{action}", signed, body)


async def test_the_safety_plan_is_saved_and_reviewed_on_the_page_as_the_chats(webapp_bot, clock):
    maria, theirs, signed = await _world(webapp_bot, clock)
    draft = {
        "base": 0,
        "sections": {"warning_signs": [" stops eating ", "", "says she is a burden"]},
        "interval_days": 14,
    }
    for forged in (
        {**draft, "sections": {"warning_signs": "stops eating"}},
        {**draft, "base": -1},
        {"sections": {}},
    ):
        answer = await _safety(webapp_bot, maria, "save", signed, forged)
        assert answer.status_code == 400, forged
    for forged, reason in (
        ({**draft, "sections": {"diary": ["x"]}}, "broken"),
        ({**draft, "sections": {"warning_signs": ["x" * 501]}}, "broken"),
        ({**draft, "interval_days": 45}, "interval"),
        ({**draft, "sections": {"coping": ["  "]}}, "empty"),
    ):
        answer = await _safety(webapp_bot, maria, "save", signed, forged)
        assert (answer.status_code, answer.json()) == (422, {"error": reason}), forged
    refused = await _safety(webapp_bot, theirs, "save", signed, draft)
    assert (refused.status_code, refused.json()) == (404, {"error": "not_found"})

    saved = await _safety(webapp_bot, maria, "save", signed, draft)
    assert saved.status_code == 200, saved.text
    plan = saved.json()["plan"]
    assert (plan["version"], plan["review_interval_days"]) == (1, 14)
    assert plan["sections"][0]["lines"] == ["stops eating", "says she is a burden"]
    # A page that read no plan yet: the plan as it stands, nothing written over it.
    stale = await _safety(webapp_bot, maria, "save", signed, draft)
    assert (stale.status_code, stale.json()["error"]) == (409, "stale")
    reviewed = await _safety(webapp_bot, maria, "review", signed, {"version": 1})
    assert reviewed.json()["plan"]["version"] == 2
    # The chat's 🛟 shows what the page saved.
    wanda = webapp_bot.person(WANDA, "Wanda")
    [card] = await wanda.send(f"/client C-{maria:04d}")
    [page] = await wanda.press(card, "🛟")
    assert "stops eating" in page.text and "says she is a burden" in page.text
    saves = await audit_events(webapp_bot.db, "client.safety_plan.save")
    assert [(e.client_id, e.allowed) for e in saves] == [(theirs, False), (maria, True)]
    (review,) = await audit_events(webapp_bot.db, "client.safety_plan.review")
    assert review.detail["version"] == 2


async def test_a_worker_writes_the_safety_plan_on_a_phone(browser, webapp_bot, clock):
    maria, _, _ = await _world(webapp_bot, clock)
    page, errors = await _plan_tab(browser, webapp_bot, clock, maria)
    await page.locator("#plan summary", has_text="Write a safety plan").click()
    await page.locator("textarea[data-section=warning_signs]").fill("stops eating\nwithdraws")
    await page.locator("#save-safety-plan").click()
    await page.locator("#plan .label", has_text="Version 1").wait_for()
    await page.locator("#plan .safety_plan-said", has_text="Saved.").wait_for()
    await page.locator("#plan .text", has_text="stops eating\nwithdraws").wait_for()
    await _fits(page, "-safety-edit")
    (saved,) = await audit_events(webapp_bot.db, "client.safety_plan.save")
    assert (saved.client_id, saved.allowed) == (maria, True)
    assert errors == []
