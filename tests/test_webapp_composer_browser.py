"""The Mini App's note composer in a real browser (issue 22): on a phone's 390×844 a worker
writes a DAP note, ticks a goal, a person who was there and the risk flag with its reason,
saves, and finds it on the card and in History; the supervisor is alerted in the chat.
Every choice is a row a thumb can hit. With CASELINE_WEBAPP_SCREENSHOT=FILE it saves what
the phone shows (FILE, FILE-…-composer.png, …)."""

from __future__ import annotations

import os

from sqlalchemy import select

from storage.models import Note, NoteAttendee, NoteGoal
from tests.test_webapp_api import WANDA
from tests.test_webapp_browser import STEP_MS, page_url
from tests.test_webapp_composer import SUE, composer_world
from tests.webapp_support import init_data

TEXT = "Seen at home with <b>Ana</b> & the cat"


async def test_a_worker_writes_a_full_note_on_a_phone(browser, webapp_bot, clock):
    world = await composer_world(webapp_bot)
    page = await browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="en-US"
    )
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    screenshot = os.environ.get("CASELINE_WEBAPP_SCREENSHOT")

    await page.goto(page_url(webapp_bot, world["client"], init_data(WANDA, clock.now())))
    await page.locator("#note-goals label", has_text="See the GP").wait_for()
    await page.locator("#note-present label", has_text="Ana López (Family)").wait_for()
    # A home visit: the client is ticked as the chat's "who was there" starts.
    assert await page.is_checked("#client-present")
    assert not await page.locator("#with-part").is_visible()
    assert not await page.locator("#dap").is_visible()

    await page.select_option("#kind", "home_visit")
    await page.fill("#note-text", TEXT)
    await page.locator("label.check", has_text="Data, assessment, plan (DAP)").click()
    await page.fill("#dap-data", "Fridge nearly empty")
    await page.fill("#dap-assessment", "Food insecurity")
    await page.fill("#dap-plan", "Refer to the food bank")
    await page.locator("#note-goals label", has_text="See the GP").click()
    await page.locator("#note-present label", has_text="Ana López").click()
    await page.locator("label.check", has_text="⚠ Risk").click()
    await page.fill("#risk-reason", "Fell last week, lives alone")
    # Every choice is a row a thumb can hit, within the phone's width.
    for row in await page.locator("#composer label.check:visible").all():
        box = await row.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390
    if screenshot:
        await page.locator("#note-present").scroll_into_view_if_needed()
        await page.screenshot(path=screenshot.replace(".png", "-composer.png"))
        await page.screenshot(path=screenshot.replace(".png", "-composer-full.png"), full_page=True)

    await page.locator("#save").click()
    await page.locator("#saved", has_text="Told at once: Sue Supervisor").wait_for()
    # On the card at once, with its DAP parts and risk; the composer is empty again.
    note = page.locator("#card .text.risk", has_text=TEXT)
    await note.wait_for()
    shown = await note.text_content() or ""
    assert "Data: Fridge nearly empty" in shown and "Risk: Fell last week, lives alone" in shown
    assert await page.input_value("#note-text") == ""
    assert not await page.is_checked("#risk-on")
    assert not await page.locator("#dap").is_visible()
    if screenshot:
        await page.locator("#saved").scroll_into_view_if_needed()
        await page.screenshot(path=screenshot.replace(".png", "-composer-saved.png"))

    await page.locator("#tabs button[data-tab=history]").click()
    entry = page.locator("#history .text", has_text=TEXT)
    await entry.wait_for()
    shown = await entry.text_content() or ""
    assert "Present: Maria Gonzalez, Ana López (Family)" in shown
    assert "Plan: Refer to the food bank" in shown
    assert "Goals worked on: See the GP" in shown
    if screenshot:
        await page.screenshot(path=screenshot.replace(".png", "-composer-history.png"))

    async with webapp_bot.db.session() as session:
        (saved,) = (await session.execute(select(Note))).scalars()
        goals = [row.goal_id for row in (await session.execute(select(NoteGoal))).scalars()]
        people = {row.contact_id for row in (await session.execute(select(NoteAttendee))).scalars()}
    assert saved.text == TEXT and saved.risk_reason == "Fell last week, lives alone"
    assert goals == [world["goals"][1]] and people == {None, world["ana"]}
    await webapp_bot.settle()
    await webapp_bot.state.wait_for_events(0, chat_id=SUE, kinds=["send"], timeout=10)
    assert errors == []


async def test_a_collateral_note_asks_with_whom(browser, webapp_bot, clock):
    world = await composer_world(webapp_bot)
    page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
    page.set_default_timeout(STEP_MS)
    await page.goto(page_url(webapp_bot, world["client"], init_data(WANDA, clock.now())))
    await page.locator("#note-present label", has_text="Dr. Weber").wait_for()
    await page.select_option("#kind", "collateral")
    await page.locator("#with-part").wait_for()
    assert not await page.is_checked("#client-present")  # a call with the GP is not a visit
    await page.locator("#note-with label", has_text="Dr. Weber").click()
    screenshot = os.environ.get("CASELINE_WEBAPP_SCREENSHOT")
    if screenshot:
        await page.locator("#save").scroll_into_view_if_needed()
        await page.screenshot(path=screenshot.replace(".png", "-composer-with.png"))
    await page.fill("#note-text", "Called the GP about the prescription.")
    await page.locator("#save").click()
    await page.locator("#saved", has_text="Saved.").wait_for()
    async with webapp_bot.db.session() as session:
        (saved,) = (await session.execute(select(Note))).scalars()
    assert saved.about_contact_id == world["weber"] and not saved.risk_flag
