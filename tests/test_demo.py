"""`caseline demo` without a browser: the seeded team, and the page's JSON API driving the
real bot — a note, a reminder after "+1 hour", the supervisor's digest at 18:00, files."""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from bot.demo import DemoError, add_arguments, main, run_command
from bot.demo.runner import DemoRunner, jump_label, jump_target
from bot.demo.seed import LUCIA, SAM, WANDA, WILL
from bot.demo.web import STATIC
from storage.kinds import AppointmentStatus, PlanStatus, Role
from storage.models import Appointment, Client, ClientContact, Goal, Note, Plan, SafetyPlan, Worker

BERLIN = ZoneInfo("Europe/Berlin")
# A Tuesday morning in Berlin.
START = datetime(2026, 3, 3, 9, 10, tzinfo=BERLIN)
WAIT = 15.0


@pytest.fixture
async def demo() -> AsyncIterator[DemoRunner]:
    async with DemoRunner(0, timezone="Europe/Berlin", start=START) as runner:
        yield runner


@pytest.fixture
async def web(demo: DemoRunner) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=demo.url, timeout=WAIT + 30) as client:
        yield client


async def chat_until(
    web: httpx.AsyncClient, user: int, predicate: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    """Long-poll one person's chat, as the page does, until `predicate(chat)` holds."""
    chat = (await web.get(f"/api/chat/{user}")).json()
    async with asyncio.timeout(WAIT):
        while not predicate(chat):
            chat = (
                await web.get(f"/api/chat/{user}", params={"after": chat["cursor"], "wait": 1})
            ).json()
    return chat


def texts_of(chat: dict[str, Any]) -> list[str]:
    return [m["text"] or m["caption"] or "" for m in chat["messages"]]


def button(chat: dict[str, Any], label: str) -> tuple[int, str]:
    for message in reversed(chat["messages"]):
        for row in message.get("inline_keyboard", []):
            for key in row:
                if label in key["text"]:
                    return message["id"], key["data"]
    raise AssertionError(f"no button {label!r} in {texts_of(chat)}")


async def send(web: httpx.AsyncClient, user: int, text: str) -> dict[str, Any]:
    reply = await web.post("/api/send", json={"user": user, "text": text})
    assert reply.status_code == 200, reply.text
    return reply.json()


async def press(web: httpx.AsyncClient, user: int, chat: dict[str, Any], label: str) -> None:
    message_id, data = button(chat, label)
    reply = await web.post(
        "/api/press", json={"user": user, "message_id": message_id, "data": data}
    )
    assert reply.status_code == 200, reply.text


# -- the seeded team --------------------------------------------------------------------------


async def test_the_demo_team_is_seeded_through_alembic(demo: DemoRunner):
    report = demo.seed_report
    assert report is not None
    assert (report.clients, report.plans) == (12, 12)
    async with demo.db.session() as session:
        people = (await session.execute(select(Worker).order_by(Worker.id))).scalars().all()
        assert [(w.name, w.role, w.telegram_user_id) for w in people] == [
            ("Wanda Worker", Role.WORKER, WANDA.user_id),
            ("Will Worker", Role.WORKER, WILL.user_id),
            ("Sam Supervisor", Role.SUPERVISOR, SAM.user_id),
            ("Lucía Fernández", Role.WORKER, LUCIA.user_id),
        ]
        assert [w.language for w in people] == [None, None, None, "es"]
        assert all(w.quiet_start == w.quiet_end and w.days_off == frozenset() for w in people)
        assert len({w.team_id for w in people}) == 1
        clients = (await session.execute(select(Client))).scalars().all()
        assert len(clients) == 12 and len({c.program for c in clients}) >= 5
        assert {c.worker_id for c in clients} == {people[0].id, people[1].id, people[3].id}
        now = demo.now()
        overdue = [
            c
            for c in clients
            if c.last_contact_at is not None
            and c.last_contact_at + timedelta(days=c.contact_frequency_days) < now
        ]
        assert len(overdue) >= 3
        plans = (await session.execute(select(Plan))).scalars().all()
        assert all(p.status == PlanStatus.ACTIVE for p in plans)
        assert sum(p.next_review_on < now.date() for p in plans) >= 2
        assert (await session.execute(select(func.count()).select_from(Goal))).scalar_one() >= 12
        risky = (await session.execute(select(Note).where(Note.risk_flag.is_(True)))).scalars()
        assert len(risky.all()) == 1
        # Maria's family, neighbour and care team are behind her card's 👥 People.
        maria = next(c for c in clients if c.name == "Maria Gonzalez")
        around = (
            await session.execute(select(ClientContact).where(ClientContact.client_id == maria.id))
        ).scalars()
        assert sorted(person.relation for person in around) == [
            "family",
            "gp",
            "neighbour",
            "pharmacist",
        ]
        # A call with her daughter, on the daughter's page.
        with_someone = select(Note).where(Note.about_contact_id.is_not(None))
        [call] = (await session.execute(with_someone)).scalars().all()
        assert (call.client_id, call.interaction_type) == (maria.id, "collateral")
        # And a safety plan: written (v1), then gone through with her (v2), due in two days.
        versions = (
            await session.execute(
                select(SafetyPlan)
                .where(SafetyPlan.client_id == maria.id)
                .order_by(SafetyPlan.version)
            )
        ).scalars()
        first, second = versions
        assert (first.kind, second.kind, second.superseded_at) == ("saved", "reviewed", None)
        assert (
            second.sections == first.sections
            and "stops eating" in " ".join(second.sections["warning_signs"]).lower()
        )
        assert second.next_review_on == now.astimezone(BERLIN).date() + timedelta(days=2)
        soon = await session.get(Appointment, report.soon_appointment_id)
        assert soon.status == AppointmentStatus.SCHEDULED
        assert timedelta(minutes=60) < soon.starts_at - now <= timedelta(minutes=120)
        tomorrow = (now + timedelta(days=1)).astimezone(BERLIN).date()
        upcoming = (
            await session.execute(
                select(Appointment).where(Appointment.status == AppointmentStatus.SCHEDULED)
            )
        ).scalars()
        days = {a.starts_at.astimezone(BERLIN).date() for a in upcoming}
        assert {now.astimezone(BERLIN).date(), tomorrow} <= days


async def test_the_page_and_its_people(demo: DemoRunner, web: httpx.AsyncClient):
    page = await web.get("/")
    assert page.status_code == 200 and '<script src="/static/app.js"' in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    script = await web.get("/static/app.js")
    assert script.status_code == 200 and "innerHTML" not in script.text
    people = (await web.get("/api/people")).json()
    assert [p["name"] for p in people["people"]] == [
        "Wanda Worker",
        "Will Worker",
        "Sam Supervisor",
        "Lucía Fernández",
    ]
    assert [p["language"] for p in people["people"]] == ["", "", "", "es"]
    assert [language["code"] for language in people["languages"]] == ["", "en", "es", "de", "fr"]
    assert {"note", "today", "help"} <= {c["command"] for c in people["commands"]}
    clock = people["clock"]
    assert clock["label"] == "Tue 3 Mar · 09:10" and clock["zone"] == "Europe/Berlin"
    assert [j["label"] for j in clock["jumps"]] == ["+1 hour", "Tomorrow 08:00", "Today 18:00"]
    # Started after 08:00: the morning agenda is already there.
    chat = await chat_until(web, WANDA.user_id, lambda c: c["messages"])
    assert "Good morning, Wanda" in texts_of(chat)[0]


# -- the bot, through the page's API ---------------------------------------------------------


async def test_a_note_through_the_json_api(demo: DemoRunner, web: httpx.AsyncClient):
    wanda = WANDA.user_id
    await send(web, wanda, "/note")
    chat = await chat_until(web, wanda, lambda c: any("New note" in t for t in texts_of(c)))
    [mine] = [m for m in chat["messages"] if not m["from_bot"]]
    assert mine["text"] == "/note" and mine["entities"][0]["type"] == "bot_command"
    await press(web, wanda, chat, "Maria Gonzalez")
    chat = await chat_until(web, wanda, lambda c: "Home visit" in json.dumps(c["messages"][-1]))
    await press(web, wanda, chat, "Home visit")
    chat = await chat_until(web, wanda, lambda c: "Note draft" in texts_of(c)[-1])
    await send(web, wanda, "Pantry <b>empty</b> & fridge broken")
    chat = await chat_until(
        web, wanda, lambda c: "fridge broken" in texts_of(c)[-1] and c["messages"][-1]["from_bot"]
    )
    await press(web, wanda, chat, "Save")
    chat = await chat_until(web, wanda, lambda c: any("saved" in t for t in texts_of(c)))
    saved = next(m for m in chat["messages"] if "saved" in (m["text"] or ""))
    # HTML travels as text + entities; the worker's own "<b>" stays literal text.
    assert "Pantry <b>empty</b> & fridge broken" in saved["text"]
    assert any(e["type"] == "bold" for e in saved["entities"])
    assert saved["edited"] is True
    async with demo.db.session() as session:
        note = (await session.execute(select(Note).order_by(Note.id.desc()).limit(1))).scalar_one()
    assert note.text == "Pantry <b>empty</b> & fridge broken"
    assert note.occurred_at == demo.now()


async def test_plus_one_hour_brings_the_reminder_and_done_opens_the_visit_log(
    demo: DemoRunner, web: httpx.AsyncClient
):
    wanda = WANDA.user_id
    moved = (await web.post("/api/clock", json={"jump": "hour"})).json()
    assert moved["clock"]["label"] == "Tue 3 Mar · 10:10"
    assert moved["due"]["appointments"] == 1
    chat = await chat_until(web, wanda, lambda c: any("⏰" in t for t in texts_of(c)))
    reminder = next(m for m in chat["messages"] if "⏰" in (m["text"] or ""))
    assert "C-0001 Maria Gonzalez" in reminder["text"] and reminder["time"] == "10:10"
    await press(web, wanda, chat, "Done")
    chat = await chat_until(web, wanda, lambda c: "Tue 3 Mar 10:30" in texts_of(c)[-1])
    assert "60 min · Home visit" in texts_of(chat)[-1]


async def test_a_note_left_an_hour_on_the_demo_clock_is_kept_with_its_time(
    demo: DemoRunner, web: httpx.AsyncClient
):
    """Issue 16: the idle timeout runs on the demo's clock, and the kept note keeps the
    time it was written."""
    wanda = WANDA.user_id
    written = demo.now()
    await send(web, wanda, "/note C-0002")
    chat = await chat_until(web, wanda, lambda c: "Home visit" in json.dumps(c["messages"][-1]))
    await press(web, wanda, chat, "Phone")
    chat = await chat_until(web, wanda, lambda c: "Note draft" in texts_of(c)[-1])
    await send(web, wanda, "No answer, try again later")
    await chat_until(
        web,
        wanda,
        lambda c: "try again later" in texts_of(c)[-1] and c["messages"][-1]["from_bot"],
    )
    await web.post("/api/clock", json={"jump": "hour"})
    await send(web, wanda, "/today")
    chat = await chat_until(
        web, wanda, lambda c: any("kept what you wrote" in t for t in texts_of(c))
    )
    await send(web, wanda, "/note")
    chat = await chat_until(web, wanda, lambda c: "unsaved note" in texts_of(c)[-1])
    await press(web, wanda, chat, "Resume")
    chat = await chat_until(web, wanda, lambda c: "Note draft" in texts_of(c)[-1])
    assert "Tue 3 Mar 09:10" in texts_of(chat)[-1]  # written then, not at 10:10
    await press(web, wanda, chat, "Save")
    await chat_until(web, wanda, lambda c: "saved" in texts_of(c)[-1])
    async with demo.db.session() as session:
        note = (
            await session.execute(select(Note).where(Note.text == "No answer, try again later"))
        ).scalar_one()
    assert note.occurred_at == written


async def test_18_00_brings_sam_the_digest_with_its_chart(demo: DemoRunner, web: httpx.AsyncClient):
    moved = (await web.post("/api/clock", json={"jump": "evening"})).json()
    assert moved["clock"]["label"] == "Tue 3 Mar · 18:00" and moved["due"]["digests"] == 1
    # From 18:00 on, the evening button goes to tomorrow's 18:00 and says so.
    labels = [jump["label"] for jump in moved["clock"]["jumps"]]
    assert labels == ["+1 hour", "Tomorrow 08:00", "Tomorrow 18:00"]
    chat = await chat_until(web, SAM.user_id, lambda c: any("photo" in m for m in c["messages"]))
    photo = next(m for m in chat["messages"] if "photo" in m)
    assert "North" in photo["caption"] and photo["time"] == "18:00"
    assert any("team digest" in t for t in texts_of(chat))
    image = await web.get(f"/api/file/{photo['photo']['file_id']}")
    assert image.headers["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")
    # Unread badges: the others' chats grew too (their agendas are older).
    assert chat["counts"][str(SAM.user_id)] >= 2


async def test_sam_drills_from_the_digest_to_a_case(demo: DemoRunner, web: httpx.AsyncClient):
    """Issue 20: the digest's figures are buttons; two taps reach a client's card."""
    await web.post("/api/clock", json={"jump": "evening"})
    sam = SAM.user_id
    chat = await chat_until(web, sam, lambda c: any("team digest" in t for t in texts_of(c)))
    await press(web, sam, chat, "left open")
    chat = await chat_until(web, sam, lambda c: "Appointments left open" in texts_of(c)[-1])
    assert "Rosa Ferreira" in texts_of(chat)[-1] and "Will Worker" in texts_of(chat)[-1]
    listed = len(chat["messages"])
    await press(web, sam, chat, "Rosa Ferreira")
    chat = await chat_until(web, sam, lambda c: len(c["messages"]) > listed)
    card = texts_of(chat)[-1]
    assert "Rosa Ferreira" in card and "Appointments left open" not in card
    await press(web, sam, chat, "overdue")
    chat = await chat_until(web, sam, lambda c: "overdue for a visit" in texts_of(c)[-1])
    assert "Peter Müller" in texts_of(chat)[-1] and "Jamal Carter" in texts_of(chat)[-1]


async def test_uploads_become_attachments_of_the_note(demo: DemoRunner, web: httpx.AsyncClient):
    wanda = WANDA.user_id
    await send(web, wanda, "/note maria")
    chat = await chat_until(web, wanda, lambda c: "Home visit" in json.dumps(c["messages"][-1]))
    await press(web, wanda, chat, "Phone")
    await chat_until(web, wanda, lambda c: "Note draft" in texts_of(c)[-1])
    files = {"file": ("fridge.png", b"\x89PNG\r\n\x1a\nfake", "image/png")}
    photo = await web.post("/api/upload", data={"user": str(wanda)}, files=files)
    assert photo.status_code == 200 and photo.json()["kind"] == "photo"
    files = {"file": ("memo.ogg", b"OggS-voice", "audio/ogg")}
    voice = await web.post("/api/upload", data={"user": str(wanda), "duration": "4"}, files=files)
    assert voice.json()["kind"] == "voice"
    chat = await chat_until(web, wanda, lambda c: "2 attachments" in texts_of(c)[-1])
    mine = [m for m in chat["messages"] if not m["from_bot"]]
    assert mine[-1]["voice"]["duration"] == 4 and "photo" in mine[-2]
    served = await web.get(f"/api/file/{mine[-2]['photo']['file_id']}")
    assert served.headers["Content-Type"] == "image/png"


async def test_a_document_the_bot_sends_downloads_with_its_name(
    demo: DemoRunner, web: httpx.AsyncClient
):
    pdf = b"%PDF-1.4\n% a client record\n%%EOF\n"
    await demo.application.bot.send_document(
        WANDA.user_id, pdf, filename="C-0001 export.pdf", caption="Export of <b>C-0001</b>"
    )
    chat = await chat_until(web, WANDA.user_id, lambda c: "document" in c["messages"][-1])
    document = chat["messages"][-1]["document"]
    assert document["file_name"] == "C-0001 export.pdf"
    served = await web.get(f"/api/file/{document['file_id']}", params={"download": 1})
    assert served.content == pdf
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith(
        'attachment; filename="C-0001 export.pdf"'
    )


async def test_reply_keyboards_edits_and_button_toasts_reach_the_page(
    demo: DemoRunner, web: httpx.AsyncClient
):
    bot, will = demo.application.bot, WILL.user_id
    from telegram import ReplyKeyboardMarkup, ReplyKeyboardRemove

    keyboard = ReplyKeyboardMarkup([["Yes", "No"], ["Later"]], one_time_keyboard=True)
    asked = await bot.send_message(will, "Visit went well?", reply_markup=keyboard)
    chat = await chat_until(web, will, lambda c: c["reply_keyboard"])
    assert chat["reply_keyboard"]["rows"] == [["Yes", "No"], ["Later"]]
    await send(web, will, "Yes")
    chat = await chat_until(web, will, lambda c: c["reply_keyboard"] is None)
    await bot.edit_message_text(
        "Visit went <i>well</i>.", chat_id=will, message_id=asked.message_id
    )
    chat = await chat_until(web, will, lambda c: any(m["edited"] for m in c["messages"]))
    edited = next(m for m in chat["messages"] if m["id"] == asked.message_id)
    assert edited["text"] == "Visit went well." and edited["entities"][0]["type"] == "italic"
    await bot.send_message(will, "Bye", reply_markup=ReplyKeyboardRemove())
    # A stale button: the bot answers with a toast the page shows.
    cursor = chat["cursor"]
    await web.post(
        "/api/press", json={"user": will, "message_id": asked.message_id, "data": "rm:snz:999:h"}
    )
    async with asyncio.timeout(WAIT):
        toasts: list[Any] = []
        while not toasts:
            polled = await web.get(f"/api/chat/{will}", params={"after": cursor, "wait": 1})
            toasts += polled.json()["toasts"]
            cursor = polled.json()["cursor"]
    assert toasts[0]["text"]


async def test_whenever_it_starts_plus_one_hour_brings_a_reminder():
    now = datetime.now(UTC)
    for start, zone in ((now, None), (datetime(2026, 7, 4, 23, 50, tzinfo=UTC), "UTC")):
        async with DemoRunner(0, start=start, timezone=zone) as demo:
            result = await demo.jump("hour")
            assert result.appointments >= 1
            reminders = [m for m in demo.state.chat_log(WANDA.user_id) if "⏰" in (m.text or "")]
            assert len(reminders) == 1 and "Maria Gonzalez" in reminders[0].text


# -- refusals ---------------------------------------------------------------------------------


async def test_only_this_page_on_loopback_may_drive_the_demo(
    demo: DemoRunner, web: httpx.AsyncClient
):
    rebound = await web.get("/api/people", headers={"Host": f"evil.example:{demo.port}"})
    assert rebound.status_code == 403
    cross = await web.post(
        "/api/send",
        json={"user": WANDA.user_id, "text": "/help"},
        headers={"Origin": "http://evil.example"},
    )
    assert cross.status_code == 403
    form = await web.post(
        "/api/send", content=b"user=1&text=hi", headers={"Content-Type": "text/plain"}
    )
    assert form.status_code == 415
    stranger = await web.post("/api/send", json={"user": 42, "text": "hi"})
    assert stranger.status_code == 404
    missing = await web.get("/api/file/nope")
    assert missing.status_code == 404
    bad_jump = await web.post("/api/clock", json={"jump": "yesterday"})
    assert bad_jump.status_code == 400 and "hour" in bad_jump.json()["error"]


# -- the clock and the command ----------------------------------------------------------------


def test_jumps_land_on_the_next_morning_and_evening():
    at = datetime(2026, 3, 28, 19, 30, tzinfo=BERLIN)  # the night the clocks go forward
    assert jump_target(at, "morning", BERLIN) == datetime(2026, 3, 29, 8, 0, tzinfo=BERLIN)
    assert jump_target(at, "evening", BERLIN) == datetime(2026, 3, 29, 18, 0, tzinfo=BERLIN)
    assert jump_label(at, "evening", BERLIN) == "Tomorrow 18:00"
    early = datetime(2026, 3, 3, 6, 0, tzinfo=BERLIN)
    assert jump_label(early, "morning", BERLIN) == "Today 08:00"
    assert jump_target(early, "hour", BERLIN) == datetime(2026, 3, 3, 7, 0, tzinfo=BERLIN)
    with pytest.raises(ValueError):
        jump_target(early, "noon", BERLIN)


async def test_a_busy_port_is_one_line_to_fix(demo: DemoRunner):
    with pytest.raises(DemoError, match="--port"):
        async with DemoRunner(demo.port, timezone="UTC"):
            pass


async def test_a_kept_database_is_reused_without_seeding_twice(tmp_path: Path):
    path = tmp_path / "demo.db"
    async with DemoRunner(0, database=path, timezone="UTC") as first:
        assert first.seed_report is not None
        await first.jump("hour")
    async with DemoRunner(0, database=path, timezone="UTC") as second:
        assert second.seed_report is None
        async with second.db.session() as session:
            count = await session.execute(select(func.count()).select_from(Client))
            assert count.scalar_one() == 12
        # Update ids start at 1 again on the new server; the bot still answers.
        before = second.state.last_seq
        second.state.user(WANDA.user_id).send_text("/help")
        [reply] = await second.state.wait_for_events(
            before, chat_id=WANDA.user_id, kinds="send", timeout=WAIT
        )
        assert "What I can do" in reply.params["text"]


async def test_a_real_database_is_never_used(tmp_path: Path):
    from storage import migrate
    from storage.db import Database
    from storage.workers import create_worker

    path = tmp_path / "caseline.db"
    url = f"sqlite:///{path}"
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(url)
    async with db.session() as session:
        await create_worker(session, name="Real Admin", role=Role.ADMIN, now=datetime.now(UTC))
    await db.dispose()
    with pytest.raises(DemoError, match="did not make"):
        async with DemoRunner(0, database=path, timezone="UTC"):
            pass


def test_the_command_refuses_a_bad_port(capsys):
    assert main(["--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
    # As `caseline demo …` wires it: a subcommand with the demo's arguments.
    parser = argparse.ArgumentParser(prog="caseline")
    add_arguments(parser.add_subparsers(dest="command").add_parser("demo"))
    args = parser.parse_args(["demo", "--port", "-1", "--database", "demo.db"])
    assert (args.port, args.database) == (-1, Path("demo.db"))
    assert run_command(args) == 2


def test_the_cli_can_import_the_command_without_starting_anything():
    code = "import sys, bot.demo; sys.exit('bot.app' in sys.modules or 'tornado' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_page_ships_with_the_package():
    assert {"index.html", "app.js", "app.css"} <= {p.name for p in STATIC.iterdir()}


async def test_each_demo_person_speaks_the_language_chosen_on_the_page(
    demo: DemoRunner, web: httpx.AsyncClient
):
    from ui import i18n, texts

    # Lucía is seeded Spanish: her chat's menu and answers are Spanish.
    chat = await send(web, LUCIA.user_id, "/clients")
    chat = await chat_until(web, LUCIA.user_id, lambda c: len(c["messages"]) >= 2)
    with i18n.speaking("es"):
        spanish_menu = [description for _, description in texts.MENU_COMMANDS]
    assert [c["description"] for c in chat["commands"]] == spanish_menu
    # Wanda switched to German on the page: saved as /settings saves it, menu and all.
    reply = await web.post("/api/language", json={"user": WANDA.user_id, "language": "de"})
    assert reply.status_code == 200, reply.text
    async with demo.db.session() as session:
        wanda = (
            await session.execute(select(Worker).where(Worker.telegram_user_id == WANDA.user_id))
        ).scalar_one()
        assert wanda.language == "de"
    await send(web, WANDA.user_id, "/help")
    chat = await chat_until(web, WANDA.user_id, lambda c: "Was ich kann" in texts_of(c)[-1])
    with i18n.speaking("de"):
        german_menu = [description for _, description in texts.MENU_COMMANDS]
    assert [c["description"] for c in chat["commands"]] == german_menu
    assert (await web.get("/api/people")).json()["people"][0]["language"] == "de"
    # Back to the organisation's language; a language Caseline does not ship is refused.
    reply = await web.post("/api/language", json={"user": WANDA.user_id, "language": ""})
    assert reply.status_code == 200
    reply = await web.post("/api/language", json={"user": WANDA.user_id, "language": "xx"})
    assert reply.status_code == 400


async def test_a_visit_is_checked_in_from_the_page(demo: DemoRunner, web: httpx.AsyncClient):
    """Issue 19: the bot asks for the location with Telegram's request-location button; the
    page's 📍 Share location offers the client's seeded home, or a point 2 km away."""
    wanda = WANDA.user_id
    chat = await send(web, wanda, "/today")
    chat = await chat_until(web, wanda, lambda c: any("C-0001" in t for t in texts_of(c)[-1:]))
    await press(web, wanda, chat, "C-0001")
    chat = await chat_until(web, wanda, lambda c: "Appointment · C-0001" in texts_of(c)[-1])
    await press(web, wanda, chat, "📍 Check in")
    chat = await chat_until(web, wanda, lambda c: c["reply_keyboard"])
    assert chat["reply_keyboard"]["location"] == "📍 Send my location"
    home, away = chat["location_choices"]
    assert home["label"] == "🏠 At C-0001's home" and away["label"] == "📍 2 km away"
    assert (home["latitude"], home["longitude"]) == demo.homes["C-0001"]
    assert away["latitude"] == pytest.approx(home["latitude"] + 0.018)
    reply = await web.post("/api/location", json={"user": wanda, **home})
    assert reply.status_code == 200, reply.text
    chat = await chat_until(web, wanda, lambda c: any("Checked in" in t for t in texts_of(c)))
    said = next(t for t in texts_of(chat) if "Checked in" in t)
    assert "✅ Verified: 0 m from the client's home." in said
    chat = await chat_until(web, wanda, lambda c: c["reply_keyboard"] is None)
    assert chat["location_choices"] == []
    # Without the bot's location button on screen, the page cannot send one.
    refused = await web.post("/api/location", json={"user": wanda, **away})
    assert refused.status_code == 400
