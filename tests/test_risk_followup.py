"""Risk that is followed up (issue 18): a ⚠ Risk note sets the client's risk level, shown
on the card; a supervisor's ✅ Acknowledge is recorded, edits the alert and tells the
worker; an alert nobody acknowledged goes further after CASELINE_RISK_ESCALATE_MINUTES,
once; the digest lists open risks with who acknowledged them; lowering takes a note.
Both databases, through the fake Bot API; the clock is moved, never slept on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.settings import ConfigError, load_settings
from storage.kinds import RiskLevel, Role
from storage.machinery import AuditEvent
from storage.models import Client, Note
from tests.harness import button_data, buttons, running
from ui import texts
from ui.timefmt import day_label

WANDA, SUE, SAM, ADA, OTTO = 701, 710, 711, 720, 702


async def _team(harness):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    client_id = await harness.seed_client(WANDA)
    return wanda, sue, client_id


async def _flag(harness, wanda, reason: str = "Talked about ending it all") -> None:
    ask = await wanda.send("/note C-0001")
    await wanda.press(ask[-1], "Home visit")
    await wanda.send("Seen at home.")
    await wanda.press(wanda.last(), "Risk")
    await wanda.send(reason)
    await wanda.press(wanda.last(), "Save")
    await harness.settle()
    await harness.state.wait_for_events(0, chat_id=SUE, kinds=["send"], timeout=10)


async def _client(harness, client_id: int) -> Client:
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        return client


async def _actions(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


def _risk_alerts(person) -> list:
    return [m for m in person.messages() if "Risk" in (m.text or "") and "C-0001" in m.text]


async def test_a_risk_flag_sets_the_level_shown_at_the_top_of_the_card(harness, clock):
    wanda, _sue, client_id = await _team(harness)
    await _flag(harness, wanda, "Fell twice, lives alone")
    client = await _client(harness, client_id)
    assert client.risk_level == RiskLevel.HIGH and client.risk_reason == "Fell twice, lives alone"
    assert client.risk_since == clock.now() and client.risk_acknowledged_at is None
    [card] = await wanda.send("/client C-0001")
    title, second = card.text.splitlines()[:2]
    assert title.startswith("C-0001")
    assert second.startswith("⚠ Risk: Fell twice, lives alone · since ")
    assert button_data(card, texts.RISK_LOWER_BUTTON) == f"rk:lower:{client_id}"


async def test_acknowledge_edits_the_alert_tells_the_worker_and_is_audited(harness, clock):
    wanda, sue, client_id = await _team(harness)
    sam = await harness.seed_worker(SAM, "Sam Second", role=Role.SUPERVISOR, team="North")
    await _flag(harness, wanda)
    alert = sue.last()
    assert [label for label, _ in buttons(alert)] == [texts.ACKNOWLEDGE, texts.OPEN_CLIENT]
    clock.advance(timedelta(minutes=5))
    before = harness.state.last_seq
    [edited] = await sue.press(alert, "Acknowledge")
    assert edited.text.endswith("✅ Acknowledged by Sue Supervisor")
    assert buttons(edited) == [(texts.OPEN_CLIENT, f"cl:n:{client_id}")]
    await harness.state.wait_for_events(before, chat_id=WANDA, kinds=["send"], timeout=10)
    assert wanda.last().text == "✅ Sue Supervisor has seen your risk flag for C-0001."
    client = await _client(harness, client_id)
    assert client.risk_acknowledged_at == clock.now()
    [event] = await _actions(harness, "risk.acknowledge")
    assert event.allowed and event.client_id == client_id and event.actor_worker_id
    # The second supervisor's copy still has the button: pressed, it says who already did.
    [shown] = await sam.press(_risk_alerts(sam)[-1], "Acknowledge")
    assert "Already acknowledged by Sue Supervisor." in sam.toasts()
    assert shown.text.endswith("✅ Acknowledged by Sue Supervisor")
    # And Sue's second press too; still one acknowledgement, one worker told.
    await sue.press_data(alert.message_id, button_data(alert, "Acknowledge"))
    assert len(await _actions(harness, "risk.acknowledge")) == 1
    assert [m.text for m in wanda.messages()].count(wanda.last().text) == 1


async def test_a_forged_acknowledge_from_someone_who_may_not_see_the_client_is_refused(
    harness, clock
):
    wanda, sue, client_id = await _team(harness)
    otto = await harness.seed_worker(OTTO, "Otto Outreach", team="North")
    sam = await harness.seed_worker(SAM, "Sam South", role=Role.SUPERVISOR, team="South")
    await _flag(harness, wanda)
    data = button_data(sue.last(), "Acknowledge")
    for person in (otto, sam, wanda):
        [own] = (await person.send("/today"))[-1:]
        await person.press_data(own.message_id, data)
    client = await _client(harness, client_id)
    assert client.risk_acknowledged_by_id is None
    refused = await _actions(harness, "risk.acknowledge")
    assert [event.allowed for event in refused] == [False, False, False]


async def test_nobody_acknowledged_escalates_once_to_the_other_supervisor_and_the_admin(
    harness, clock
):
    wanda, sue, client_id = await _team(harness)
    await _flag(harness, wanda)
    # Joined after the flag: not alerted with it.
    sam = await harness.seed_worker(SAM, "Sam Second", role=Role.SUPERVISOR, team="North")
    ada = await harness.seed_worker(ADA, "Ada Admin", role=Role.ADMIN, team=None)
    clock.advance(timedelta(minutes=29))
    await harness.tick()
    assert _risk_alerts(sam) == [] and _risk_alerts(ada) == []
    clock.advance(timedelta(minutes=1))
    await harness.tick()
    [to_sam] = _risk_alerts(sam)
    [to_ada] = _risk_alerts(ada)
    assert "Risk not acknowledged yet" in to_sam.text and "Wanda Worker" in to_sam.text
    assert len(_risk_alerts(sue)) == 1  # Sue had it already
    clock.advance(timedelta(minutes=30))
    await harness.tick()
    assert len(_risk_alerts(sam)) == len(_risk_alerts(ada)) == 1
    # The admin, outside the team, was sent it: her ✅ Acknowledge counts.
    [edited] = await ada.press(to_ada, "Acknowledge")
    assert edited.text.endswith("✅ Acknowledged by Ada Admin")
    assert (await _client(harness, client_id)).risk_acknowledged_at is not None


async def test_an_acknowledged_alert_is_not_escalated(harness, clock):
    wanda, sue, _client_id = await _team(harness)
    await _flag(harness, wanda)
    sam = await harness.seed_worker(SAM, "Sam Second", role=Role.SUPERVISOR, team="North")
    ada = await harness.seed_worker(ADA, "Ada Admin", role=Role.ADMIN, team=None)
    await sue.press(sue.last(), "Acknowledge")
    clock.advance(timedelta(hours=2))
    await harness.tick()
    assert _risk_alerts(sam) == [] and _risk_alerts(ada) == []


async def test_the_escalation_waits_as_long_as_configured(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_RISK_ESCALATE_MINUTES="5") as harness:
        wanda, _sue, _client_id = await _team(harness)
        await _flag(harness, wanda)
        ada = await harness.seed_worker(ADA, "Ada Admin", role=Role.ADMIN, team=None)
        clock.advance(timedelta(minutes=4))
        await harness.tick()
        assert _risk_alerts(ada) == []
        clock.advance(timedelta(minutes=1))
        await harness.tick()
        assert len(_risk_alerts(ada)) == 1


async def test_lowering_the_risk_takes_a_note(harness, clock):
    wanda, _sue, client_id = await _team(harness)
    await _flag(harness, wanda)
    [card] = await wanda.send("/client C-0001")
    [ask] = await wanda.press(card, texts.RISK_LOWER_BUTTON)
    assert "Why is the risk for C-0001 lower now?" in ask.text
    await wanda.send("   ")
    assert wanda.last().text == texts.RISK_LOWER_EMPTY
    assert (await _client(harness, client_id)).risk_level == RiskLevel.HIGH
    await wanda.send("Moved in with her daughter; safety plan in place.")
    client = await _client(harness, client_id)
    assert client.risk_level == RiskLevel.NONE and client.risk_reason is None
    async with harness.db.session() as session:
        note = (await session.execute(select(Note).order_by(Note.id.desc()))).scalars().first()
    assert note.text == "Moved in with her daughter; safety plan in place."
    assert note.interaction_type == "other" and not note.risk_flag
    [event] = await _actions(harness, "risk.lower")
    assert event.detail == {"from": int(RiskLevel.HIGH), "note": note.id}
    card = wanda.last()
    assert "⚠ Risk:" not in card.text and texts.RISK_LOWER_BUTTON not in str(buttons(card))


async def test_lowering_after_a_home_visit_is_a_home_visit_note(harness, clock):
    wanda, _sue, client_id = await _team(harness)
    await _flag(harness, wanda)
    clock.advance(timedelta(days=2))
    [card] = await wanda.send("/client C-0001")
    [ask] = await wanda.press(card, texts.RISK_LOWER_BUTTON)
    assert "✓ Other" in str(buttons(ask))
    [ask] = await wanda.press(ask, "Home visit")
    assert "✓ Home visit" in str(buttons(ask)) and "✓ Other" not in str(buttons(ask))
    # A forged kind, or one a worker never chooses, changes nothing.
    await wanda.press_data(ask.message_id, "rk:kind:not_given")
    await wanda.press_data(ask.message_id, "rk:kind:bogus")
    await wanda.send("Seen at home: eating again, calmer.")
    async with harness.db.session() as session:
        note = (await session.execute(select(Note).order_by(Note.id.desc()))).scalars().first()
    assert note.interaction_type == "home_visit"
    client = await _client(harness, client_id)
    assert client.risk_level == RiskLevel.NONE
    assert client.last_contact_at == clock.now()


async def test_private_previews_keep_name_and_reason_out_of_every_pushed_alert(
    devserver, db, db_url, clock
):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda, sue, _client_id = await _team(harness)
        await _flag(harness, wanda, "Maria fell twice this week")
        ada = await harness.seed_worker(ADA, "Ada Admin", role=Role.ADMIN, team=None)
        clock.advance(timedelta(minutes=30))
        await harness.tick()
        pushed = [*_risk_alerts(sue), *_risk_alerts(ada)]
        assert len(pushed) == 2
        for alert in pushed:
            assert "C-0001 M.G." in alert.text
            assert "Maria" not in alert.text and "fell twice" not in alert.text
        # The card is an answer to the worker: it may show the reason.
        [card] = await wanda.send("/client C-0001")
        assert "Maria fell twice this week" in card.text


async def test_the_digest_lists_open_risks_with_who_acknowledged_them(harness, clock):
    wanda, sue, _client_id = await _team(harness)
    await harness.seed_client(WANDA, "Bruno Braun")
    await _flag(harness, wanda)
    await sue.press(sue.last(), "Acknowledge")
    ask = await wanda.send("/note C-0002")
    await wanda.press(ask[-1], "Phone")
    await wanda.send("Called.")
    await wanda.press(wanda.last(), "Risk")
    await wanda.send("No food at home")
    await wanda.press(wanda.last(), "Save")
    await harness.state.wait_for_events(0, chat_id=SUE, kinds=["send"], timeout=10)
    answered = await sue.send("/digest")
    shown = "\n".join(m.text or "" for m in answered if "team digest" in (m.text or ""))
    day = day_label(clock.now().date())
    assert "⚠ Open risks" in shown
    assert f"C-0001 (Wanda Worker) · since {day} · ✅ acknowledged by Sue Supervisor" in shown
    assert f"C-0002 (Wanda Worker) · since {day} · not acknowledged" in shown
    # No client name and no reason: the digest is pushed.
    assert "Maria" not in shown and "No food" not in shown and "ending" not in shown


@pytest.mark.parametrize("typed", ["0", "soon", "1441", "2.5"])
def test_a_bad_escalation_setting_is_one_line(typed):
    with pytest.raises(ConfigError, match="CASELINE_RISK_ESCALATE_MINUTES") as refused:
        load_settings({"CASELINE_RISK_ESCALATE_MINUTES": typed})
    assert "\n" not in str(refused.value)
    assert load_settings({}).risk_escalate_minutes == 30
