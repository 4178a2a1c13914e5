"""The supervisor's team view in the Mini App (issue 22): the digest's figures, from the very
use case /digest calls, through the running bot's API on a real database (SQLite and
PostgreSQL). The team is tests/test_digest.py's North and South at its Monday 18:00 in
Berlin: what the page answers must be what /digest says, figure by figure."""

from __future__ import annotations

import dataclasses
import os
import re
from datetime import UTC, date, datetime
from html import unescape
from urllib.parse import quote

import httpx
from sqlalchemy import select

from bot import digest
from bot.digest import worker_block
from storage.digest import WorkerFigures
from storage.kinds import Role
from storage.machinery import AuditEvent
from tests.test_digest import ADA, NOW, SAM, SUE, WANDA, seed_teams
from tests.test_webapp_browser import STEP_MS
from tests.webapp_support import WEBAPP_URL, api, init_data
from ui.digest_views import figure_lines, share


async def team_api(webapp_bot, telegram_id: int | None, query: str = "") -> httpx.Response:
    signed = None if telegram_id is None else f"tma {init_data(telegram_id, NOW)}"
    return await api(webapp_bot, f"/api/team{query}", signed)


async def digest_views(db) -> list[AuditEvent]:
    async with db.session() as session:
        found = await session.execute(
            select(AuditEvent).where(AuditEvent.action == "digest.view").order_by(AuditEvent.id)
        )
        return list(found.scalars())


def as_figures(row: dict) -> WorkerFigures:
    """A row of the page's answer back as the digest's row, to render it as the chat does."""
    fields = {key: value for key, value in row.items() if key != "desk_work"}
    if fields["last_active_on"] is not None:
        fields["last_active_on"] = date.fromisoformat(fields["last_active_on"])
    return WorkerFigures(**fields)


def as_shown(html: str) -> str:
    """A block of the digest's HTML as the worker reads it (Telegram shows no tags)."""
    return unescape(re.sub(r"</?[a-z]+>", "", html))


async def test_the_team_view_shows_the_digests_figures(webapp_bot, db, clock):
    clock.set(NOW)
    await seed_teams(db)
    sue = webapp_bot.person(SUE, "Sue")
    chat = "\n".join(message.text for message in await sue.send("/digest") if message.text)

    response = await team_api(webapp_bot, SUE)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["team"]["name"] == "North" and body["team"]["day"] == "2026-03-02"
    totals = body["totals"]
    # tests/test_digest.py's numbers: the team's Monday.
    figures = ("visits_completed", "notes_written", "no_shows", "appointments_tomorrow")
    assert [totals[name] for name in figures] == [2, 4, 1, 2]
    assert (totals["clients_overdue"], totals["reviews_overdue"], totals["risk_flags"]) == (1, 1, 2)
    assert (totals["clients_seen"], totals["open_clients"], totals["rag"]) == (6, 7, "green")
    # Rendered by the chat's own renderer, the page's figures are /digest's lines, each one.
    team = as_figures(totals)
    assert f"🟢 {share(team)}" in chat
    for line in figure_lines(team):
        assert line in chat, line
    assert "✅ 2 visits" in chat
    # One row per worker, in the digest's order (red first), each the chat's block.
    names = [row["name"] for row in body["workers"]]
    assert names[0] == "Wanda Worker" and "Dora Gone" not in names and len(names) == 6
    for row in body["workers"]:
        assert as_shown(worker_block(as_figures(row))) in chat, row["name"]
    assert [
        chat.index(as_shown(worker_block(as_figures(row)))) for row in body["workers"]
    ] == sorted(chat.index(as_shown(worker_block(as_figures(row)))) for row in body["workers"])
    quinn = next(row for row in body["workers"] if row["name"] == "Quinn Quiet")
    assert quinn["quiet"] is True
    assert {risk["client_code"] for risk in body["open_risks"]} <= set(chat.split())
    assert body["reader"] == {"zone": "Europe/Berlin", "language": "en", "today": "2026-03-02"}

    # Audited as the chat's look is, by the same use case.
    views = await digest_views(db)
    assert [(view.allowed, view.detail) for view in views] == [
        (True, {"via": "digest"}),
        (True, {"via": "webapp"}),
    ]
    assert views[0].subject_id == views[1].subject_id == body["team"]["id"]


async def test_a_worker_is_refused_the_team_view_as_the_chat_refuses_digest(webapp_bot, db, clock):
    clock.set(NOW)
    await seed_teams(db)
    response = await team_api(webapp_bot, WANDA)
    assert (response.status_code, response.json()) == (403, {"error": "only_supervisors"})
    assert "Wanda" not in response.text
    await webapp_bot.person(WANDA, "Wanda").send("/digest")
    wanda_id = await webapp_bot.worker_id(WANDA)
    views = await digest_views(db)
    assert [(v.actor_worker_id, v.allowed, v.detail["via"]) for v in views] == [
        (wanda_id, False, "webapp"),
        (wanda_id, False, "digest"),
    ]
    # Unsigned: 401 before any look.
    assert (await team_api(webapp_bot, None)).status_code == 401
    assert len(await digest_views(db)) == 2


async def test_another_teams_supervisor_sees_only_their_own_team(webapp_bot, db, clock):
    clock.set(NOW)
    await seed_teams(db)
    for query in ("", "?team=North"):  # a supervisor cannot name another team
        body = (await team_api(webapp_bot, SAM, query)).json()
        assert body["team"]["name"] == "South"
        assert [row["name"] for row in body["workers"]] == ["Sven South"]
        north = ["Wanda", "Otto", "Quinn", "Pia", "Nina", "Sue", "North"]
        assert not [name for name in north if name in str(body)]


async def test_the_card_says_who_may_open_the_team_view(webapp_bot, db, clock):
    clock.set(NOW)
    seed = await seed_teams(db)
    maria = seed.ids["Maria Gonzalez"]
    cards = {}
    for who in (SUE, WANDA):
        signed = f"tma {init_data(who, NOW)}"
        cards[who] = (await api(webapp_bot, f"/api/clients/{maria}", signed)).json()
    assert cards[SUE]["may_see_team"] is True
    assert cards[WANDA]["may_see_team"] is False


# -- the page, in a real browser ---------------------------------------------------------------


def team_page_url(webapp_bot, telegram_id: int, query: str = "?view=team") -> str:
    fragment = f"tgWebAppData={quote(init_data(telegram_id, NOW), safe='')}&tgWebAppVersion=8.0"
    return f"http://127.0.0.1:{webapp_bot.webapp_port}/{query}#{fragment}"


async def test_a_supervisor_opens_the_team_view_on_a_phone(browser, webapp_bot, db, clock):
    clock.set(NOW)
    await seed_teams(db)
    page = await browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, timezone_id="Asia/Tokyo"
    )
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    await page.goto(team_page_url(webapp_bot, SUE))
    await page.locator("h1", has_text="North").wait_for()
    # Monday in Berlin (the supervisor's zone), though the phone is already on Tuesday.
    assert await page.locator("#meta").text_content() == "team digest · Mar 2, 2026"
    shown = await page.locator("#team").inner_text()
    assert "🟢 6/7 seen within frequency (85 %)" in shown
    figures = {
        key: await page.locator(f"#team .figure[data-figure={key}] .value").text_content()
        for key in ("visits_completed", "no_shows", "notes_written", "appointments_tomorrow")
    }
    assert figures == {
        "visits_completed": "2",
        "no_shows": "1",
        "notes_written": "4",
        "appointments_tomorrow": "2",
    }
    assert await page.locator("#team .figure.concern[data-figure=clients_overdue]").count() == 1
    assert "Quinn Quiet" in await page.locator("#team .row", has_text="Quiet for").inner_text()
    wanda = await page.locator("#team .row[data-worker='Wanda Worker']").inner_text()
    assert "🔴 Wanda Worker" in wanda and "2/3 seen within frequency (66 %)" in wanda
    assert "✅ 1 · 🚫 1 · 📝 3 · 📅 2" in wanda
    first = await page.locator("#team .row[data-worker]").first.get_attribute("data-worker")
    assert first == "Wanda Worker"  # red first, as the digest
    assert not await page.locator("#tabs").is_visible()  # no client: no card or history
    screenshot = os.environ.get("CASELINE_WEBAPP_SCREENSHOT")
    if screenshot:
        await page.screenshot(path=screenshot.replace(".png", "-team.png"))
        await page.screenshot(path=screenshot.replace(".png", "-team-full.png"), full_page=True)
    assert errors == []


async def test_a_worker_opening_the_team_view_sees_no_team(browser, webapp_bot, db, clock):
    clock.set(NOW)
    await seed_teams(db)
    page = await browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(STEP_MS)
    await page.goto(team_page_url(webapp_bot, WANDA))
    await page.locator("#status", has_text="Only supervisors").wait_for()
    assert "Otto" not in await page.content()


async def test_a_supervisor_on_a_card_finds_the_team_tab_and_a_worker_does_not(
    browser, webapp_bot, db, clock
):
    clock.set(NOW)
    seed = await seed_teams(db)
    query = f"?client={seed.ids['Maria Gonzalez']}"
    for who, offered in ((SUE, True), (WANDA, False)):
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        page.set_default_timeout(STEP_MS)
        await page.goto(team_page_url(webapp_bot, who, query))
        await page.locator("h1", has_text="Maria Gonzalez").wait_for()
        team_tab = page.locator("#tabs button[data-tab=team]")
        assert await team_tab.is_visible() is offered
        if offered:
            await team_tab.click()
            await page.locator("h1", has_text="North").wait_for()
            await page.locator("#team .row[data-worker='Otto Outreach']").wait_for()
            await page.locator("#tabs button[data-tab=card]").click()
            await page.locator("h1", has_text="Maria Gonzalez").wait_for()
        await page.close()


# -- 🗂 Team under the digest ---------------------------------------------------------------------


def web_apps(message) -> list[tuple[str, str]]:
    markup = message.reply_markup or {}
    return [
        (button["text"], button["web_app"]["url"])
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "web_app" in button
    ]


async def test_the_digest_opens_the_team_view(webapp_bot, db, clock):
    clock.set(NOW)
    await seed_teams(db)
    replies = await webapp_bot.person(SUE, "Sue").send("/digest")
    summary, *rest = [message for message in replies if message.text]
    assert summary.text.startswith("North · team digest")
    assert web_apps(summary) == [("🗂 Team", f"{WEBAPP_URL}/?view=team&team=North")]
    assert [web_apps(message) for message in rest] == [[] for _ in rest]
    # Still the figures' buttons beside it.
    assert any("callback_data" in b for row in summary.reply_markup["inline_keyboard"] for b in row)


async def test_without_the_mini_app_the_digest_has_no_team_button(harness, db, clock):
    clock.set(NOW)
    await seed_teams(db)
    replies = await harness.person(SUE, "Sue").send("/digest")
    assert any(message.text and "team digest" in message.text for message in replies)
    assert [web_apps(message) for message in replies] == [[] for _ in replies]


def test_a_big_team_s_digest_with_the_team_button_fits_telegram():
    from tests.test_digest import _big_team

    big = _big_team(60)
    team = dataclasses.replace(
        big,
        team_name="Nord & Süd / Ost",
        team_id=7,
        workers=[dataclasses.replace(row, worker_id=row.worker_id + 1) for row in big.workers],
    )
    pages = digest.render_digest(team, private=False)
    keyboards = digest.digest_keyboards(team, pages, "https://bot.example.org/app")
    first = keyboards[0]
    assert first is not None
    (button,) = [b for row in first.inline_keyboard for b in row if b.web_app is not None]
    assert (
        button.web_app.url
        == "https://bot.example.org/app/?view=team&team=Nord%20%26%20S%C3%BCd%20%2F%20Ost"
    )
    for keyboard in keyboards:
        assert keyboard is not None
        assert sum(len(row) for row in keyboard.inline_keyboard) <= 100
        for row in keyboard.inline_keyboard:
            for found in row:
                assert (found.web_app is None) != (found.callback_data is None)
                assert found.callback_data is None or len(found.callback_data.encode()) <= 64
    assert [k for k in keyboards[1:] if any(b.web_app for r in k.inline_keyboard for b in r)] == []
    # Without the setting, the same keyboards but the button.
    without = digest.digest_keyboards(team, pages)
    assert [b.text for r in without[0].inline_keyboard for b in r] == [
        b.text for r in first.inline_keyboard for b in r if b.web_app is None
    ]


async def test_the_scheduled_digest_opens_the_team_view_too(webapp_bot, clock):
    await webapp_bot.seed_worker(701, "Wanda Worker", team="North")
    sue = await webapp_bot.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await webapp_bot.seed_client(701)
    clock.set(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))  # 18:00 in Berlin: the digest's time
    await webapp_bot.tick()
    sent = [message for message in sue.messages() if message.text]
    assert any("Wanda Worker" in message.text for message in sent)
    assert [found for message in sent for found in web_apps(message)] == [
        ("🗂 Team", f"{WEBAPP_URL}/?view=team&team=North")
    ]


async def test_an_admin_outside_any_team_picks_one_as_on_the_chat(webapp_bot, db, clock):
    from storage.workers import create_worker

    clock.set(NOW)
    await seed_teams(db)
    async with db.session() as session:
        admin = await create_worker(session, name="Ada Admin", role=Role.ADMIN, now=NOW)
        admin.telegram_user_id = admin.chat_id = ADA
    choice = await team_api(webapp_bot, ADA)
    assert choice.status_code == 409
    assert (choice.json()["error"], choice.json()["teams"]) == ("pick_team", ["North", "South"])
    south = (await team_api(webapp_bot, ADA, "?team=south")).json()
    assert south["team"]["name"] == "South" and "Wanda" not in str(south)
    views = await digest_views(db)
    assert [(view.allowed, view.detail["via"]) for view in views] == [
        (False, "webapp"),
        (True, "webapp"),
    ]
