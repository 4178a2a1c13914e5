"""The Mini App's note composer through its API (issue 22): the note the chat's /note
writes, by the same use case — DAP parts, a risk flag that alerts the supervisor in the
devserver's chat, the plan's goals it worked on, who was there and with whom a collateral
contact was. Every field is checked on the server: a forged value is 400, a goal or a
person that is not the client's is 422 with nothing saved and the attempt audited. Real
HTTP to the bot's own server, a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage import plans as plan_store
from storage.kinds import Role
from storage.models import Note, NoteAttendee, NoteGoal
from tests.test_note_attendees import _person
from tests.test_webapp_api import NOTE_TOKEN, WANDA, audit_events, post_note
from tests.webapp_support import api, init_data

SUE, OTTO = 510, 511
OTHER_TOKEN = "fedcba9876543210fedcba9876543210"


async def _goals(webapp_bot, client_id: int, worker: int, descriptions: list[str]) -> list[int]:
    async with webapp_bot.db.session() as session:
        plan = await plan_store.start_draft(
            session, client_id=client_id, created_by_id=worker, now=webapp_bot.clock.now()
        )
        goals = [
            await plan_store.add_goal(session, plan, description=text, measure="", routine="")
            for text in descriptions
        ]
        await plan_store.activate(session, plan, today=date(2026, 3, 2))
        await session.flush()
        return [goal.id for goal in goals]


async def composer_world(webapp_bot) -> dict:
    """Wanda (North, with Sue her supervisor), her client Maria with a plan of two goals,
    Ana (family), Dr. Weber (GP) and a neighbour whose relation ended; Otto's client, in
    another team, with a goal and a person of his own."""
    await webapp_bot.seed_worker(WANDA, "Wanda Worker", team="North")
    await webapp_bot.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await webapp_bot.seed_worker(OTTO, "Otto Other", team="South")
    maria = await webapp_bot.seed_client(WANDA, "Maria Gonzalez")
    theirs = await webapp_bot.seed_client(OTTO, "Tomasz Nowak")
    wanda_id = await webapp_bot.worker_id(WANDA)
    return {
        "client": maria,
        "goals": await _goals(webapp_bot, maria, wanda_id, ["Eat two meals a day", "See the GP"]),
        "ana": await _person(webapp_bot, maria, "family", "Ana López"),
        "weber": await _person(webapp_bot, maria, "gp", "Dr. Weber"),
        "gone": await _person(webapp_bot, maria, "neighbour", "Herr Schmidt", ended=True),
        "their_goal": (
            await _goals(webapp_bot, theirs, await webapp_bot.worker_id(OTTO), ["Their goal"])
        )[0],
        "their_person": await _person(webapp_bot, theirs, "family", "Sofia Nowak"),
    }


async def _signed_in(webapp_bot, clock) -> tuple[dict, str]:
    """The world, and Wanda's Authorization header."""
    return await composer_world(webapp_bot), f"tma {init_data(WANDA, clock.now())}"


def _note(kind: str, text: str, **fields) -> dict:
    """A note's body as the page sends it."""
    return {"kind": kind, "text": text, "token": NOTE_TOKEN, **fields}


async def _notes(webapp_bot) -> list[Note]:
    async with webapp_bot.db.session() as session:
        return list((await session.execute(select(Note).order_by(Note.id))).scalars())


async def _rows(webapp_bot, table) -> list:
    async with webapp_bot.db.session() as session:
        return list((await session.execute(select(table))).scalars())


async def test_the_composer_reads_the_goals_and_people_a_note_may_name(webapp_bot, clock):
    world, signed = await _signed_in(webapp_bot, clock)
    card = (await api(webapp_bot, f"/api/clients/{world['client']}", signed)).json()
    assert [(goal["id"], goal["description"]) for goal in card["open_goals"]] == [
        (world["goals"][0], "Eat two meals a day"),
        (world["goals"][1], "See the GP"),
    ]
    people = await api(webapp_bot, f"/api/clients/{world['client']}/notes/people", signed)
    assert people.status_code == 200
    assert people.headers["cache-control"] == "no-store"
    body = people.json()
    # The ended relation is not offered, another client's person never.
    assert body["people"] == [
        {"id": world["ana"], "name": "Ana López", "relation": "family"},
        {"id": world["weber"], "name": "Dr. Weber", "relation": "gp"},
    ]
    assert body["client_there"] == ["home_visit", "office", "phone", "video"]
    # A look at the client's people, audited as the chat's 👥 Who was there.
    (look,) = await audit_events(db=webapp_bot.db, action="client.people.view")
    assert (look.client_id, look.allowed, look.detail["via"]) == (
        world["client"],
        True,
        "note.present",
    )
    # Another team's worker: 404, as the card.
    otto = f"tma {init_data(OTTO, clock.now())}"
    refused = await api(webapp_bot, f"/api/clients/{world['client']}/notes/people", otto)
    assert (refused.status_code, refused.json()) == (404, {"error": "not_found"})
    assert "Ana" not in refused.text


async def test_a_note_with_every_field_is_the_chats_note_in_history(webapp_bot, clock):
    world, signed = await _signed_in(webapp_bot, clock)
    note = _note(
        "home_visit",
        "Seen at home with Ana.",
        dap=[" Fridge nearly empty ", "Food insecurity", "Refer to the food bank"],
        risk="  Fell last week,\n lives alone ",
        goals=[world["goals"][1]],
        client_present=True,
        present=[world["ana"]],
    )
    first = await post_note(webapp_bot, world["client"], signed, note)
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["risk_reason"] == "Fell last week, lives alone"  # one line, as the chat's
    assert answer["told"] == ["Sue Supervisor"]
    assert answer["client_present"] is True
    assert [person["name"] for person in answer["present"]] == ["Ana López"]
    # Sent again (a lost answer): the note it became, and no second alert.
    again = await post_note(webapp_bot, world["client"], signed, note)
    assert (again.status_code, again.json()["id"]) == (200, answer["id"])

    (saved,) = await _notes(webapp_bot)
    assert (saved.dap_data, saved.dap_assessment, saved.dap_plan) == (
        "Fridge nearly empty",
        "Food insecurity",
        "Refer to the food bank",
    )
    assert saved.risk_flag and saved.risk_reason == "Fell last week, lives alone"
    assert [row.goal_id for row in await _rows(webapp_bot, NoteGoal)] == [world["goals"][1]]
    attendees = {(row.contact_id, row.is_client) for row in await _rows(webapp_bot, NoteAttendee)}
    assert attendees == {(None, True), (world["ana"], False)}
    # The risk flag alerts Sue in the chat, once, as the chat's flag does.
    await webapp_bot.settle()
    await webapp_bot.state.wait_for_events(0, chat_id=SUE, kinds=["send"], timeout=10)
    sue = webapp_bot.person(SUE, "Sue")
    alerts = [m for m in sue.messages() if "Risk" in (m.text or "")]
    assert len(alerts) == 1
    assert "Fell last week, lives alone" in alerts[0].text
    # The chat's own /history shows it with its DAP parts, risk and who was there.
    wanda = webapp_bot.person(WANDA, "Wanda")
    shown = "\n".join(m.text for m in await wanda.send(f"/history C-{world['client']:04d}"))
    for part in (
        "Seen at home with Ana.",
        "Data: Fridge nearly empty",
        "Assessment: Food insecurity",
        "Plan: Refer to the food bank",
        "Risk: Fell last week, lives alone",
        "Present: Maria Gonzalez, Ana López",
        "Goals worked on: See the GP",
    ):
        assert part in shown, part
    # On the page's card and timeline too.
    card = (await api(webapp_bot, f"/api/clients/{world['client']}", signed)).json()
    (recent,) = card["recent_notes"]
    assert recent["risk"] is True and recent["dap"][2] == "Refer to the food bank"
    history = (await api(webapp_bot, f"/api/clients/{world['client']}/history", signed)).json()
    event = next(event for event in history["events"] if event["kind"] == "note")
    assert event["extra"]["present"] == [["Maria Gonzalez", None], ["Ana López", "family"]]
    assert event["extra"]["risk_reason"] == "Fell last week, lives alone"
    assert event["extra"]["goals"] == ["See the GP"]


async def test_a_collateral_note_is_with_one_of_the_clients_people(webapp_bot, clock):
    world, signed = await _signed_in(webapp_bot, clock)
    note = _note("collateral", "Called the GP about the prescription.")
    note["with"] = world["weber"]
    saved = await post_note(webapp_bot, world["client"], signed, note)
    assert saved.status_code == 201, saved.text
    assert saved.json()["with"] == {"id": world["weber"], "name": "Dr. Weber", "relation": "gp"}
    (row,) = await _notes(webapp_bot)
    assert row.about_contact_id == world["weber"] and not row.risk_flag
    # A DAP-only note is a note, as the chat's (all parts empty: nothing to save).
    dap_only = {"kind": "office", "text": "", "token": OTHER_TOKEN, "dap": ["D", "", ""]}
    assert (await post_note(webapp_bot, world["client"], signed, dap_only)).status_code == 201
    empty = {**dap_only, "token": "1" * 32, "dap": [" ", "", ""]}
    answer = await post_note(webapp_bot, world["client"], signed, empty)
    assert (answer.status_code, answer.json()) == (422, {"error": "empty"})


async def test_forged_fields_are_refused_and_nothing_is_saved(webapp_bot, clock):
    world, signed = await _signed_in(webapp_bot, clock)
    note = {"kind": "home_visit", "text": "Seen at home.", "token": NOTE_TOKEN}
    # Not a note's field: 400.
    for forged in (
        {"dap": ["only two", "parts"]},
        {"dap": "Data"},
        {"dap": [1, 2, 3]},
        {"risk": ""},
        {"risk": "   "},
        {"risk": "x" * 501},
        {"risk": True},
        {"goals": "1"},
        {"goals": [True]},
        {"goals": ["1"]},
        {"goals": [1.5]},
        {"present": [None]},
        {"present": list(range(101))},
        {"client_present": "yes"},
        {"with": world["ana"]},  # a home visit is with nobody: only a collateral contact
        {"kind": "collateral", "with": "Ana"},
        {"kind": "collateral", "with": True},
    ):
        answer = await post_note(webapp_bot, world["client"], signed, {**note, **forged})
        assert (answer.status_code, answer.json()) == (400, {"error": "bad_request"}), forged
    # Not this client's to name: 422, refused in the audit trail, nothing saved.
    for forged, reason in (
        ({"goals": [world["goals"][0], world["their_goal"]]}, "goal"),
        ({"goals": [999_999]}, "goal"),
        ({"present": [world["ana"], world["their_person"]]}, "person"),
        ({"present": [world["gone"]]}, "person"),
        ({"kind": "collateral", "with": world["their_person"]}, "person"),
        ({"risk": "Fell", "goals": [world["their_goal"]]}, "goal"),
    ):
        answer = await post_note(webapp_bot, world["client"], signed, {**note, **forged})
        assert (answer.status_code, answer.json()) == (422, {"error": reason}), forged
    assert await _notes(webapp_bot) == []
    assert await _rows(webapp_bot, NoteGoal) == []
    assert await _rows(webapp_bot, NoteAttendee) == []
    refusals = await audit_events(webapp_bot.db, "note.create")
    assert [(event.allowed, event.subject_type) for event in refusals] == [
        (False, "goal"),
        (False, "goal"),
        (False, "person"),
        (False, "person"),
        (False, "person"),
        (False, "goal"),
    ]
    assert refusals[0].subject_id == world["their_goal"]
    # No risk alert was queued for the refused flag.
    await webapp_bot.settle()
    assert [m for m in webapp_bot.person(SUE, "Sue").messages() if "Risk" in (m.text or "")] == []
    # The same token afterwards, with what is hers: saved, once.
    fine = {**note, "goals": [world["goals"][0]], "present": [world["weber"]]}
    assert (await post_note(webapp_bot, world["client"], signed, fine)).status_code == 201
    assert len(await _notes(webapp_bot)) == 1
