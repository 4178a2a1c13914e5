"""Joining with an invite, refusing strangers, and re-checking every button press."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.kinds import Role
from storage.machinery import AuditEvent, PersistedData
from storage.models import Worker
from tests.harness import buttons
from ui import texts


async def test_a_new_worker_joins_with_an_invite_and_it_works_only_once(harness):
    code = await harness.invite_code(Role.WORKER, team="North")
    maria = harness.person(501, "Maria")
    reply = await maria.send(f"/start {code}")
    assert len(reply) == 1 and "Welcome to Caseline" in reply[0].text
    assert "/clients" in reply[0].text

    async with harness.db.session() as session:
        worker = (await session.execute(select(Worker))).scalar_one()
        assert (worker.telegram_user_id, worker.chat_id, worker.role) == (501, 501, "worker")
        assert worker.name == "Maria"

    again = await maria.send(f"/start {code}")
    assert "already signed in" in again[0].text
    thief = harness.person(502, "Eve")
    stolen = await thief.send(f"/start {code}")
    assert stolen[0].text == texts.INVITE_USED


async def test_wrong_and_expired_invites_get_a_clear_answer(harness, clock):
    old = await harness.invite_code(at=clock.now() - timedelta(days=7, minutes=1))
    person = harness.person(600, "Pat")
    assert (await person.send(f"/start {old}"))[0].text == texts.INVITE_EXPIRED
    assert (await person.send("/start not-a-real-code"))[0].text == texts.INVITE_UNKNOWN
    async with harness.db.session() as session:
        assert (await session.execute(select(Worker))).first() is None


async def test_join_attempts_pause_after_five_failures_an_hour(harness, clock):
    """Pat mistypes her code five times: each gets its answer, the sixth "too many", later
    tries nothing, not even the right code. The failures are one audit event. An hour after
    her first failure the right code works (audited as always) and the count is gone."""
    code = await harness.invite_code(Role.WORKER, team="North")
    pat = harness.person(601, "Pat")
    for attempt in range(5):
        assert [m.text for m in await pat.send(f"/start wrong-{attempt}")] == [texts.INVITE_UNKNOWN]
        clock.advance(timedelta(minutes=5))
    assert [m.text for m in await pat.send("/start wrong-5")] == [texts.JOIN_TOO_MANY]
    assert await pat.send(f"/start {code}") == []
    assert await pat.send("/start wrong-6") == []
    async with harness.db.session() as session:
        assert (await session.execute(select(Worker))).first() is None
        events = (await session.execute(select(AuditEvent))).scalars().all()
    assert [(e.action, e.actor_telegram_id, e.allowed, e.detail) for e in events] == [
        ("invite.redeem", 601, False, {"result": "unknown"})
    ]
    # Someone else is not held up by Pat's tries.
    assert [m.text for m in await harness.person(602, "Quinn").send("/start nope")] == [
        texts.INVITE_UNKNOWN
    ]

    clock.advance(timedelta(minutes=35))  # an hour after her first failure
    assert "Welcome" in (await pat.send(f"/start {code}"))[0].text
    async with harness.db.session() as session:
        joined = (
            await session.execute(select(AuditEvent).where(AuditEvent.allowed.is_(True)))
        ).scalar_one()
        stored = (
            (
                await session.execute(
                    select(PersistedData).where(PersistedData.scope == "join_attempts")
                )
            )
            .scalars()
            .all()
        )
    assert (joined.action, joined.actor_telegram_id) == ("invite.redeem", 601)
    assert [row.key for row in stored] == ["602"]  # Pat's count went with her join


async def test_an_unknown_user_gets_one_polite_answer_and_nothing_is_stored(harness, clock):
    stranger = harness.person(999, "Stranger")
    first = await stranger.send("hello")
    assert [m.text for m in first] == [texts.UNKNOWN_USER]
    assert await stranger.send("/clients") == []
    assert await stranger.send_sticker() == []
    clock.advance(timedelta(hours=1, seconds=1))
    assert [m.text for m in await stranger.send("anyone?")] == [texts.UNKNOWN_USER]

    async with harness.db.session() as session:
        events = (await session.execute(select(AuditEvent))).scalars().all()
        stored = (await session.execute(select(PersistedData))).scalars().all()
    assert [(e.action, e.actor_telegram_id, e.allowed) for e in events] == [
        ("access.refused", 999, False),
        ("access.refused", 999, False),
    ]
    assert stored == []


async def test_a_stranger_pressing_a_button_is_refused(harness):
    stranger = harness.person(998, "Mallory")
    refusal = await stranger.send("hi")
    await stranger.press_data(refusal[0].message_id, "cl:o:1")
    assert stranger.toasts() == [texts.UNKNOWN_USER]


async def test_a_deactivated_worker_is_turned_away(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    async with harness.db.session() as session:
        worker = (await session.execute(select(Worker))).scalar_one()
        worker.active = False
    reply = await wanda.send("/clients")
    assert [m.text for m in reply] == [texts.DEACTIVATED_USER]


async def test_a_forged_button_for_another_workers_client_is_refused_and_audited(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    sams_client = await harness.seed_client(702, "Sam's Client")
    listing = await wanda.send("/clients")
    await wanda.press_data(listing[0].message_id, f"cl:o:{sams_client}")
    assert "can't find C-" in wanda.toasts()[-1]
    assert "Sam's Client" not in "".join(m.text for m in wanda.messages())
    reply = await wanda.send(f"/client C-{sams_client:04d}")
    assert "can't find" in reply[0].text and "Sam" not in reply[0].text

    async with harness.db.session() as session:
        denied = (
            (await session.execute(select(AuditEvent).where(AuditEvent.allowed.is_(False))))
            .scalars()
            .all()
        )
    assert [(e.action, e.client_id) for e in denied] == [("client.view", sams_client)] * 2


async def test_a_supervisor_sees_their_teams_clients_but_not_other_teams(harness):
    await harness.seed_worker(701, "Wanda Worker", team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    sue = await harness.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    north = await harness.seed_client(701, "Nora North")
    south = await harness.seed_client(702, "Stan South")
    card = await sue.send(f"/client C-{north:04d}")
    assert "Nora North" in card[0].text and "Worker: Wanda Worker" in card[0].text
    refused = await sue.send(f"/client C-{south:04d}")
    assert "can't find" in refused[0].text


async def test_malformed_and_stale_buttons_answer_without_crashing(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    listing = await wanda.send("/clients")
    forged = ["cl:o:not-a-number", "cl:o:99999999999999", "cl:zz:1", "nc:prog:elderly", "💥"]
    for data in [*forged, "x" * 64]:
        await wanda.press_data(listing[0].message_id, data)
    assert len(wanda.toasts()) == 6
    assert all(t for t in wanda.toasts())


async def test_invites_made_in_chat_respect_roles(harness):
    sue = await harness.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    assert (await wanda.send("/invite"))[0].text == texts.NOT_ALLOWED

    prompt = await sue.send("/invite")
    assert [label for label, _ in buttons(prompt[0])] == ["Case worker"]
    await sue.press_data(prompt[0].message_id, "inv:admin:")
    assert texts.NOT_ALLOWED in sue.toasts()
    created = await sue.press(prompt[0], "Case worker")
    link = created[0].text.split("\n")[-1]
    code = link.rsplit("start=", 1)[-1]
    assert link.startswith("https://t.me/") and len(code) >= 32

    newcomer = harness.person(720, "Nina")
    assert "Welcome" in (await newcomer.send(f"/start {code}"))[0].text
    async with harness.db.session() as session:
        by_user = {w.telegram_user_id: w for w in (await session.execute(select(Worker))).scalars()}
    nina, sue_row = by_user[720], by_user[710]
    assert (nina.role, nina.team_id) == ("worker", sue_row.team_id)


async def test_commands_are_registered_with_telegram(harness):
    registered = harness.state.commands[('{"type": "default"}', "")]
    assert {"clients", "newclient", "help", "cancel"} <= {c["command"] for c in registered}


async def test_ids_in_other_scripts_digits_or_outside_the_calendar_are_refused(harness):
    # "²".isdigit() is True but int("²") raises: every id parser must refuse it quietly.
    wanda = await harness.seed_worker(701, "Wanda Worker")
    listing = await wanda.send("/clients")
    forged = ["cl:o:²", "cl:p:¹²", "cf:note:²", "ac:open:²", "rm:snz:²:h", "nu:undo:²"]
    for data in forged:
        await wanda.press_data(listing[0].message_id, data)
    assert len(wanda.toasts()) == len(forged)
    await wanda.send("/note")
    assert (await wanda.send("/cancel"))[0].text == texts.CANCELLED
