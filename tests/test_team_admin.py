"""People admin in the chat, through the real bot: the buttons under /team.

North: Sue supervises Wanda and Will; Ada is the admin; South: Sam supervises Otto. A
supervisor switches Wanda off and hands her clients to Will; an admin changes a role; a
supervisor revokes an invite; a cover shows Wanda's client to Will until its date; a
worker's forged press and another team's supervisor get nothing, and are audited.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.kinds import Role
from storage.machinery import AuditEvent
from storage.models import Client, Worker
from tests.harness import buttons
from ui import texts
from ui.callbacks import pack

SUE, WANDA, WILL, ADA, SAM, OTTO = 801, 802, 803, 804, 805, 806


async def _north(harness):
    people = {
        "sue": await harness.seed_worker(SUE, "Sue Supervisor", Role.SUPERVISOR),
        "wanda": await harness.seed_worker(WANDA, "Wanda Worker"),
        "will": await harness.seed_worker(WILL, "Will Worker"),
        "ada": await harness.seed_worker(ADA, "Ada Admin", Role.ADMIN),
        "sam": await harness.seed_worker(SAM, "Sam South", Role.SUPERVISOR, team="South"),
        "otto": await harness.seed_worker(OTTO, "Otto South", team="South"),
    }
    return people


def _rows(messages):
    """The /team message with the people rows."""
    [rows] = [m for m in messages if any(data.startswith("tm:p:") for _, data in buttons(m))]
    return rows


async def _events(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


async def test_a_supervisor_switches_off_a_worker_handing_her_clients_to_a_colleague(harness):
    team = await _north(harness)
    first = await harness.seed_client(WANDA, "Maria Gonzalez")
    second = await harness.seed_client(WANDA, "Jon Doe")
    sue = team["sue"]

    # What Wanda's phone shows before: the bot's answers name her clients.
    shown = await team["wanda"].send("/clients")
    assert any("Maria Gonzalez" in label for m in shown for label, _ in buttons(m))

    rows = _rows(await sue.send("/team"))
    labels = [label for label, _ in buttons(rows)]
    assert "Wanda Worker · worker · 2 open" in labels
    assert not any("Otto" in label or "Sam" in label for label in labels)  # North only
    assert not any("Maria" in label for label in labels)

    [card] = await sue.press(rows, "Wanda Worker")
    assert "Wanda Worker" in card.text and "Open clients: 2" in card.text
    [question] = await sue.press(card, texts.TEAM_SWITCH_OFF)
    assert question.text == "Who takes Wanda Worker's 2 clients?"
    assert any("Will Worker" in label for label, _ in buttons(question))
    assert any(texts.TEAM_TO_SUPERVISOR in label for label, _ in buttons(question))
    [confirm] = await sue.press(question, "Will Worker")
    assert confirm.text == "Switch off Wanda Worker and hand 2 clients to Will Worker?"
    [done] = await sue.press(confirm, texts.TEAM_YES_SWITCH_OFF)
    assert "Wanda Worker is switched off" in done.text and "2 clients went to Will" in done.text

    will_id = await harness.worker_id(WILL)
    async with harness.db.session() as session:
        for client_id in (first, second):
            assert (await session.get(Client, client_id)).worker_id == will_id
        wanda = (
            await session.execute(select(Worker).where(Worker.name == "Wanda Worker"))
        ).scalar_one()
        assert not wanda.active
    [event] = await _events(harness, "worker.deactivate")
    assert event.actor_worker_id == await harness.worker_id(SUE)
    assert event.detail["before"] == {"active": True}
    assert event.detail["after"] == {"active": False}
    assert event.detail["clients"] == 2 and event.detail["clients_to"] == will_id

    # Her next message is refused.
    assert [m.text for m in await team["wanda"].send("/clients")] == [texts.DEACTIVATED_USER]
    # The row shows her switched off.
    rows = _rows(await sue.send("/team"))
    assert any(label.startswith("⏸ Wanda Worker") for label, _ in buttons(rows))
    # The next tick deletes what the bot sent her (Telegram still allows it): the caseload
    # that named her clients is gone from her phone; what she typed stays.
    await harness.tick()
    chat = {m.message_id: m for m in harness.state.transcript(WANDA)}
    assert all(chat[m.message_id].deleted for m in shown)
    assert all(not m.deleted for m in chat.values() if not m.from_bot)


async def test_a_yes_on_a_question_whose_client_count_changed_acts_on_nothing(harness):
    team = await _north(harness)
    await harness.seed_client(WANDA, "Maria Gonzalez")
    sue = team["sue"]
    card = (await sue.press(_rows(await sue.send("/team")), "Wanda Worker"))[0]
    question = (await sue.press(card, texts.TEAM_SWITCH_OFF))[0]
    confirm = (await sue.press(question, "Will Worker"))[0]
    await harness.seed_client(WANDA, "Jon Doe")  # meanwhile, a second client
    [answer] = await sue.press(confirm, texts.TEAM_YES_SWITCH_OFF)
    assert "2 clients now" in answer.text and "Nothing was changed" in answer.text
    async with harness.db.session() as session:
        wanda = (
            await session.execute(select(Worker).where(Worker.name == "Wanda Worker"))
        ).scalar_one()
        assert wanda.active
    assert await _events(harness, "worker.deactivate") == []


async def test_an_admin_changes_a_role(harness):
    team = await _north(harness)
    ada = team["ada"]
    rows = _rows(await ada.send("/team"))
    labels = [label for label, _ in buttons(rows)]
    assert "— North —" in labels and "— South —" in labels  # every team, grouped
    [card] = await ada.press(rows, "Will Worker")
    [question] = await ada.press(card, texts.TEAM_ROLE)
    [confirm] = await ada.press(question, "Supervisor")
    assert confirm.text == "Make Will Worker supervisor?"
    [done] = await ada.press(confirm, texts.TEAM_YES_ROLE)
    assert done.text == "👤 Will Worker is now supervisor."
    will_id = await harness.worker_id(WILL)
    async with harness.db.session() as session:
        will = await session.get(Worker, will_id)
        assert will.role == Role.SUPERVISOR
    [event] = await _events(harness, "worker.role")
    assert event.detail == {"before": {"role": "worker"}, "after": {"role": "supervisor"}}

    # A supervisor's card has no role button, and a forged role press is refused.
    card = (await team["sue"].press(_rows(await team["sue"].send("/team")), "Wanda"))[0]
    assert not any(texts.TEAM_ROLE in label for label, _ in buttons(card))
    wanda_id = await harness.worker_id(WANDA)
    await team["sue"].press_data(card.message_id, pack("tm", "rlok", wanda_id, "a"))
    assert texts.NOT_ALLOWED in team["sue"].toasts()
    async with harness.db.session() as session:
        assert (await session.get(Worker, wanda_id)).role == Role.WORKER


async def test_a_supervisor_revokes_an_invite_and_its_code_no_longer_works(harness):
    team = await _north(harness)
    code = await harness.invite_code(Role.WORKER, team="North")
    sue = team["sue"]
    rows = _rows(await sue.send("/team"))
    [listing] = await sue.press(rows, texts.TEAM_INVITES_BUTTON)
    assert "Unused invites · 1" in listing.text and code not in listing.text
    [confirm] = await sue.press(listing, "Revoke #")
    assert "Whoever has its code can't join" in confirm.text
    [done] = await sue.press(confirm, texts.TEAM_YES_REVOKE)
    assert "is revoked" in done.text
    [event] = await _events(harness, "invite.revoke")
    assert event.allowed and event.actor_worker_id == await harness.worker_id(SUE)

    newcomer = harness.person(899, "Nina")
    [answer] = await newcomer.send(f"/start {code}")
    assert answer.text == texts.INVITE_REVOKED


async def test_a_cover_shows_the_covered_client_until_its_date(harness):
    team = await _north(harness)
    client = await harness.seed_client(WANDA, "Maria Gonzalez")
    sue, will = team["sue"], team["will"]
    [card] = await will.send(f"/client C-{client:04d}")
    assert "can't find" in card.text

    card = (await sue.press(_rows(await sue.send("/team")), "Wanda Worker"))[0]
    [who] = await sue.press(card, texts.TEAM_COVER)
    assert who.text == "Who covers Wanda Worker's clients?"
    [until] = await sue.press(who, "Will Worker")
    week = [label for label, _ in buttons(until) if label.startswith("1 week")]
    assert week, buttons(until)
    [confirm] = await sue.press(until, "1 week")
    assert "Let Will Worker see and work on Wanda Worker's clients" in confirm.text
    [done] = await sue.press(confirm, texts.TEAM_YES_COVER)
    assert "Will Worker covers Wanda Worker until" in done.text
    [event] = await _events(harness, "cover.grant")
    assert event.actor_worker_id == await harness.worker_id(SUE)

    [card] = await will.send(f"/client C-{client:04d}")
    assert "Maria Gonzalez" in card.text
    rows = _rows(await sue.send("/team"))
    assert any(label.startswith("🛟 Will Worker") for label, _ in buttons(rows))

    harness.clock.advance(timedelta(days=9))
    await harness.tick()
    [card] = await will.send(f"/client C-{client:04d}")
    assert "can't find" in card.text and "Maria" not in card.text
    ended = await _events(harness, "cover.end")
    assert [e.detail["reason"] for e in ended] == ["expired"]


async def test_a_worker_pressing_a_forged_team_button_is_refused_and_audited(harness):
    team = await _north(harness)
    wanda = team["wanda"]
    [refusal] = await wanda.send("/team")
    assert refusal.text == texts.DIGEST_ONLY_SUPERVISORS
    assert not buttons(refusal)
    will_id = await harness.worker_id(WILL)
    for data in (
        pack("tm", "p", will_id),
        pack("tm", "offok", will_id, "0", 0),
        pack("tm", "ls", 0),
        pack("tm", "iv"),
    ):
        await wanda.press_data(refusal.message_id, data)
    assert wanda.toasts().count(texts.NOT_ALLOWED) == 4
    refused = [
        event
        for action in ("people.view", "worker.deactivate", "people.list", "invite.list")
        for event in await _events(harness, action)
    ]
    assert len(refused) == 4
    wanda_id = await harness.worker_id(WANDA)
    assert all(not e.allowed and e.actor_worker_id == wanda_id for e in refused)
    async with harness.db.session() as session:
        assert (await session.get(Worker, will_id)).active


async def test_a_supervisor_of_another_team_gets_nothing(harness):
    team = await _north(harness)
    await harness.seed_client(WANDA, "Maria Gonzalez")
    sam = team["sam"]
    rows = _rows(await sam.send("/team"))
    assert not any("Wanda" in label for label, _ in buttons(rows))
    wanda_id = await harness.worker_id(WANDA)
    will_id = await harness.worker_id(WILL)
    before = len(sam.messages())
    for data in (
        pack("tm", "p", wanda_id),
        pack("tm", "off", wanda_id),
        pack("tm", "offok", wanda_id, will_id, 1),
        pack("tm", "cvok", wanda_id, will_id, "20300101"),
    ):
        answered = await sam.press_data(rows.message_id, data)
        assert all("Wanda" not in m.text and "Maria" not in m.text for m in answered)
    assert sam.toasts().count(texts.TEAM_NOT_FOUND) == 4
    assert len(sam.messages()) == before
    async with harness.db.session() as session:
        assert (await session.get(Worker, wanda_id)).active
    refused = await _events(harness, "people.view")
    assert [e.allowed for e in refused if e.subject_id == wanda_id] == [False, False]
