"""Approvals (issue 20): a team's setting makes a worker's plan activation or discharge
wait for a supervisor. The supervisor gets the request with its summary and ✅ Approve /
↩ Return (with a comment); approving applies the action as the direct one would; the
worker is told either way; everything is audited; /pending lists what waits. A
supervisor's own action goes through; another team's supervisor or a worker is refused.
Both databases, through the local Bot API server; the clock is injected, never slept on.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage import appointments
from storage import plans as plan_store
from storage.kinds import (
    AppointmentStatus,
    ApprovalStatus,
    ClientStatus,
    InteractionType,
    PlanStatus,
    Role,
)
from storage.machinery import AuditEvent
from storage.models import Appointment, Client, Plan, Team
from storage.supervision_tables import Approval
from tests.harness import button_data, buttons, running
from tests.test_cli import caseline
from ui import texts

WANDA, WILL, SUE, SAM, STAN, ADA = 701, 702, 710, 711, 720, 730
GOALS = ("Two hot meals a day", "Walks to the corner shop with her stick")
REASON = "Moved in with her daughter in Hamburg"
BERLIN = ZoneInfo("Europe/Berlin")


# ── the world ──────────────────────────────────────────────────────────────────


async def _team(harness, *, plans: bool = True, discharges: bool = True):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    client_id = await harness.seed_client(WANDA)
    await _approvals(harness, "North", plans=plans, discharges=discharges)
    return wanda, sue, client_id


async def _approvals(harness, team: str, *, plans: bool, discharges: bool) -> None:
    async with harness.db.session() as session:
        row = (await session.execute(select(Team).where(Team.name == team))).scalar_one()
        row.approve_plans, row.approve_discharges = plans, discharges


async def _draft(harness, client_id: int, user_id: int = WANDA) -> int:
    """A version-1 draft plan with two goals for the client: its id."""
    author = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        plan = await plan_store.start_draft(
            session, client_id=client_id, created_by_id=author, now=harness.clock.now()
        )
        for goal in GOALS:
            await plan_store.add_goal(session, plan, description=goal)
        return plan.id


async def _activate(person):
    card = (await person.send("/plan C-0001"))[-1]
    return (await person.press(card, texts.PLAN_ACTIVATE))[-1]


async def _card(person, code: str = "C-0001"):
    """The client card (a dialog left open adds a line under it)."""
    return (await person.send(f"/client {code}"))[0]


async def _discharge(person, reason: str = "Moved away"):
    card = await _card(person)
    [ask] = await person.press(card, texts.CARD_DISCHARGE)
    return (await person.press(ask, reason))[-1]


async def _history(person):
    """The first page of C-0001's history (a line about a draft left open may come first)."""
    shown = await person.send("/history C-0001")
    return next(message for message in shown if "history" in message.text)


async def _pushed(harness, person, before: int):
    """The message pushed to `person` after event `before` (the outbox drains at once)."""
    await harness.state.wait_for_events(before, chat_id=person.user_id, kinds=["send"])
    await harness.settle()
    return person.last()


async def _rows(harness, model, *where):
    async with harness.db.session() as session:
        statement = select(model).where(*where).order_by(model.id)
        return list((await session.execute(statement)).scalars())


async def _audit(harness, action: str) -> list[AuditEvent]:
    return await _rows(harness, AuditEvent, AuditEvent.action == action)


async def _client(harness, client_id: int) -> Client:
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        assert client is not None
        return client


async def _plan(harness, plan_id: int) -> Plan:
    async with harness.db.session() as session:
        plan = await session.get(Plan, plan_id)
        assert plan is not None
        return plan


# ── off by default: nothing changes ────────────────────────────────────────────


async def test_with_the_setting_off_a_worker_activates_and_discharges_directly(harness):
    _wanda, sue, client_id = await _team(harness, plans=False, discharges=False)
    wanda = harness.person(WANDA, "Wanda")
    plan_id = await _draft(harness, client_id)
    before = harness.state.last_seq
    await _activate(wanda)
    assert wanda.toasts()[-1].startswith("Plan v1 is active")
    assert (await _plan(harness, plan_id)).status == PlanStatus.ACTIVE
    await _discharge(wanda)
    assert (await _client(harness, client_id)).status == ClientStatus.DISCHARGED
    assert await _rows(harness, Approval) == [] and await _audit(harness, "approval.request") == []
    assert [e for e in harness.state.events(SUE) if e.seq > before] == []
    assert sue.messages() == []


# ── a plan activation, approved ────────────────────────────────────────────────


async def test_the_request_reaches_the_supervisor_in_her_language(harness):
    wanda, _sue, client_id = await _team(harness)
    await harness.speaks(SUE, "de")
    sue = harness.person(SUE, "Sue")
    await _draft(harness, client_id)
    before = harness.state.last_seq
    await _activate(wanda)
    assert wanda.toasts()[-1] == texts.APPROVAL_SENT  # Wanda's own: English
    push = await _pushed(harness, sue, before)
    assert push.text.startswith("⏳ Genehmigung angefragt: Planaktivierung")
    assert [label for label, _ in buttons(push)][:2] == ["✅ Genehmigen", "↩ Zurückgeben"]


async def test_a_worker_s_activation_waits_the_supervisor_approves_and_the_worker_is_told(
    harness, clock
):
    wanda, sue, client_id = await _team(harness)
    plan_id = await _draft(harness, client_id)
    before = harness.state.last_seq
    card = await _activate(wanda)
    assert wanda.toasts()[-1] == texts.APPROVAL_SENT
    assert texts.PLAN_ACTIVATION_WAITING in card.text
    assert (await _plan(harness, plan_id)).status == PlanStatus.DRAFT
    [request] = await _rows(harness, Approval)
    assert (request.kind, request.status, request.plan_id) == (
        "plan_activation",
        "pending",
        plan_id,
    )
    [asked] = await _audit(harness, "approval.request")
    assert asked.subject_id == request.id and asked.client_id == client_id
    assert asked.detail["to"] == [await harness.worker_id(SUE)]

    # The supervisor's push: who asks, for which client, the goals; Approve and Return.
    push = await _pushed(harness, sue, before)
    assert "Approval requested: Plan activation" in push.text
    assert "Wanda Worker asks to activate plan v1 for C-0001 Maria Gonzalez (2 goals)" in push.text
    assert all(goal in push.text for goal in GOALS)
    labels = [label for label, _ in buttons(push)]
    assert labels[:2] == [texts.APPROVE, texts.RETURN] and texts.OPEN_CLIENT in labels

    # Pressed again meanwhile: it already waits; nothing new, nobody pushed twice.
    await wanda.press(card, texts.PLAN_ACTIVATE)
    assert wanda.toasts()[-1].startswith("⏳ This already waits for approval (asked ")
    assert len(await _rows(harness, Approval)) == 1

    clock.advance(timedelta(hours=2))
    told_from = harness.state.last_seq
    [settled] = await sue.press(push, texts.APPROVE)
    assert sue.toasts()[-1].startswith("✅ Approved: plan v1 for C-0001 is active, next review ")
    assert "✅ Approved by Sue Supervisor" in settled.text
    assert not [data for _, data in buttons(settled) if data.startswith("av:")]
    plan = await _plan(harness, plan_id)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.next_review_on == (clock.now() + timedelta(days=90)).date()
    [approved] = await _rows(harness, Approval)
    assert (approved.status, approved.decided_by_id) == ("approved", await harness.worker_id(SUE))
    [activated] = await _audit(harness, "plan.activate")
    assert activated.actor_worker_id == await harness.worker_id(SUE)
    assert activated.detail["approval"] == approved.id
    assert activated.detail["requested_by"] == await harness.worker_id(WANDA)
    assert len(await _audit(harness, "approval.approve")) == 1

    told = await _pushed(harness, wanda, told_from)
    assert told.text == (
        "✅ Sue Supervisor approved the plan activation for C-0001: the plan is active now."
    )
    history = await _history(wanda)
    assert "Plan activation: approval requested" in history.text
    assert "Plan activation approved" in history.text


async def test_a_double_approve_and_a_second_supervisor_are_told_who_decided(harness):
    wanda, sue, client_id = await _team(harness)
    sid = await harness.seed_worker(SAM, "Sam Second", role=Role.SUPERVISOR, team="North")
    await _draft(harness, client_id)
    before = harness.state.last_seq
    await _activate(wanda)
    push = await _pushed(harness, sue, before)
    await harness.state.wait_for_events(before, chat_id=SAM, kinds=["send"])
    await harness.settle()
    sams = sid.last()
    data = button_data(push, texts.APPROVE)
    await sue.press(push, texts.APPROVE)
    await sue.press_data(push.message_id, data)
    assert sue.toasts()[-1] == "Already decided by Sue Supervisor (approved)."
    [shown] = await sid.press(sams, texts.APPROVE)
    assert sid.toasts()[-1] == "Already decided by Sue Supervisor (approved)."
    assert "✅ Approved by Sue Supervisor" in shown.text
    assert len(await _audit(harness, "approval.approve")) == 1
    assert len(await _audit(harness, "plan.activate")) == 1
    # Return after the approval changes nothing either.
    await sid.press_data(sams.message_id, button_data(sams, texts.RETURN))
    assert sid.toasts()[-1] == "Already decided by Sue Supervisor (approved)."
    assert (await _rows(harness, Approval))[0].status == "approved"


# ── a discharge, returned ──────────────────────────────────────────────────────


async def test_a_worker_s_discharge_is_returned_with_a_comment_and_the_case_stays_open(
    harness, clock
):
    wanda, sue, client_id = await _team(harness)
    now = clock.now()
    wanda_id = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        await appointments.schedule(
            session,
            client=client,
            worker_id=wanda_id,
            starts_at=now + timedelta(days=2),
            duration_minutes=30,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=now,
        )
    before = harness.state.last_seq
    card = await _discharge(wanda, "Moved away")
    assert wanda.toasts()[-1] == texts.APPROVAL_SENT
    assert texts.CARD_DISCHARGE_WAITING in card.text and "Discharged" not in card.text
    assert (await _client(harness, client_id)).status == ClientStatus.ACTIVE
    [request] = await _rows(harness, Approval)
    assert (request.kind, request.reason_code, request.reason) == (
        "discharge",
        "moved",
        "Moved away",
    )
    # 🚪 Discharge again: it says it waits, without asking the reason again.
    again = await _card(wanda)
    await wanda.press(again, texts.CARD_DISCHARGE)
    assert wanda.toasts()[-1].startswith("⏳ This already waits for approval")

    push = await _pushed(harness, sue, before)
    assert "Wanda Worker asks to discharge C-0001 Maria Gonzalez.\nReason: Moved away" in push.text
    [ask] = await sue.press(push, texts.RETURN)
    assert "↩ Return to Wanda Worker: what should change for C-0001?" in ask.text
    await sue.send_sticker()
    assert sue.last().text == texts.TEXT_EXPECTED
    await sue.send("x" * 501)
    assert sue.last().text == "That is too long: 500 characters at most, please."
    await sue.send("   ")
    assert sue.last().text == texts.APPROVAL_COMMENT_EMPTY
    assert (await _rows(harness, Approval))[0].status == "pending"
    told_from = harness.state.last_seq
    await sue.send("Please <b>check</b> the new address first & call her GP.")
    assert (
        sue.last().text == "↩ Returned to Wanda Worker with your comment; C-0001 stays as it was."
    )

    [returned] = await _rows(harness, Approval)
    assert returned.status == "returned"
    assert returned.comment == "Please <b>check</b> the new address first & call her GP."
    client = await _client(harness, client_id)
    assert client.status == ClientStatus.ACTIVE and client.discharged_at is None
    [visit] = await _rows(harness, Appointment)
    assert visit.status == AppointmentStatus.SCHEDULED
    [event] = await _audit(harness, "approval.return")
    assert event.detail == {"kind": "discharge", "characters": len(returned.comment)}
    assert "check" not in str(event.detail)

    told = await _pushed(harness, wanda, told_from)
    assert told.text.startswith(
        "↩ Sue Supervisor returned the discharge of C-0001; the case stays open."
    )
    assert "Comment: Please <b>check</b> the new address first & call her GP." in told.text
    card = await _card(wanda)
    assert texts.CARD_DISCHARGE_WAITING not in card.text
    history = await _history(wanda)
    assert "Discharge: approval requested" in history.text and "Discharge returned" in history.text
    # The pushed request's ✅ Approve after the return: already decided.
    await sue.press(push, texts.APPROVE)
    assert sue.toasts()[-1] == "Already decided by Sue Supervisor (returned)."


async def test_an_approved_discharge_cancels_the_appointments_as_a_direct_one_does(harness, clock):
    wanda, sue, client_id = await _team(harness)
    now = clock.now()
    wanda_id = await harness.worker_id(WANDA)
    async with harness.db.session() as session:
        client = await session.get(Client, client_id)
        await appointments.schedule(
            session,
            client=client,
            worker_id=wanda_id,
            starts_at=now + timedelta(days=3),
            duration_minutes=30,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=now,
        )
    before = harness.state.last_seq
    await _discharge(wanda, "Moved away")
    push = await _pushed(harness, sue, before)
    clock.advance(timedelta(days=1))
    await sue.press(push, texts.APPROVE)
    assert sue.toasts()[-1] == "✅ Approved: C-0001 is discharged; 1 appointment cancelled."
    client = await _client(harness, client_id)
    assert (client.status, client.discharged_at, client.discharge_reason) == (
        ClientStatus.DISCHARGED,
        clock.now(),
        "Moved away",
    )
    [visit] = await _rows(harness, Appointment)
    assert (visit.status, visit.cancel_reason) == (AppointmentStatus.CANCELLED, "discharged")
    [event] = await _audit(harness, "client.discharge")
    assert event.actor_worker_id == await harness.worker_id(SUE)
    assert event.detail["requested_by"] == await harness.worker_id(WANDA)
    history = await _history(wanda)
    assert "Discharge approved" in history.text and "Discharged" in history.text


async def test_a_supervisor_s_own_discharge_and_activation_go_through_directly(harness):
    _wanda, sue, client_id = await _team(harness)
    plan_id = await _draft(harness, client_id)
    await _activate(sue)
    assert (await _plan(harness, plan_id)).status == PlanStatus.ACTIVE
    await _discharge(sue, "Goals met")
    assert (await _client(harness, client_id)).status == ClientStatus.DISCHARGED
    assert await _rows(harness, Approval) == []


async def test_a_supervisor_s_direct_discharge_closes_the_worker_s_request(harness):
    wanda, sue, client_id = await _team(harness)
    before = harness.state.last_seq
    await _discharge(wanda, "Moved away")
    push = await _pushed(harness, sue, before)
    card = await _discharge(sue, "Goals met")
    assert texts.CARD_DISCHARGE_WAITING not in card.text
    assert (await _client(harness, client_id)).discharge_reason == "Goals met"
    [closed] = await _rows(harness, Approval)
    assert closed.status == "withdrawn" and closed.decided_by_id == await harness.worker_id(SUE)
    [event] = await _audit(harness, "approval.withdraw")
    assert event.detail == {"kind": "discharge", "superseded": True}
    assert (await sue.send("/pending"))[-1].text == texts.PENDING_NONE_TO_DECIDE
    await sue.press(push, texts.APPROVE)
    assert sue.toasts()[-1] == "Already decided by Sue Supervisor (withdrawn)."
    assert len(await _audit(harness, "client.discharge")) == 1


async def test_approving_a_plan_that_moved_on_applies_nothing(harness):
    wanda, sue, client_id = await _team(harness)
    plan_id = await _draft(harness, client_id)
    before = harness.state.last_seq
    await _activate(wanda)
    push = await _pushed(harness, sue, before)
    async with harness.db.session() as session:  # the draft gave way to another one
        (await session.get(Plan, plan_id)).status = PlanStatus.SUPERSEDED
    await _draft(harness, client_id)
    await sue.press(push, texts.APPROVE)
    assert sue.toasts()[-1] == texts.APPROVAL_NO_LONGER_APPLIES
    assert [p.status for p in await _rows(harness, Plan)] == ["superseded", "draft"]
    [closed] = await _rows(harness, Approval)
    assert closed.status == "withdrawn"
    assert await _audit(harness, "plan.activate") == []


# ── who may decide ─────────────────────────────────────────────────────────────


async def test_a_forged_approve_by_another_team_s_supervisor_or_a_worker_is_refused_and_audited(
    harness,
):
    wanda, sue, client_id = await _team(harness)
    plan_id = await _draft(harness, client_id)
    will = await harness.seed_worker(WILL, "Will Worker", team="North")
    stan = await harness.seed_worker(STAN, "Stan South", role=Role.SUPERVISOR, team="South")
    before = harness.state.last_seq
    await _activate(wanda)
    push = await _pushed(harness, sue, before)
    approve, give_back = button_data(push, texts.APPROVE), button_data(push, texts.RETURN)
    opened = approve.replace("av:ok:", "av:o:")
    for person in (stan, will, wanda):
        [own] = (await person.send("/help"))[-1:]
        # The worker who asked may open her own request, not decide it.
        for data in (approve, give_back) if person is wanda else (approve, give_back, opened):
            await person.press_data(own.message_id, data)
            assert person.toasts()[-1] == texts.NOT_ALLOWED, (person.first_name, data)
    assert (await _plan(harness, plan_id)).status == PlanStatus.DRAFT
    assert (await _rows(harness, Approval))[0].status == "pending"
    refused = await _rows(harness, AuditEvent, AuditEvent.allowed.is_(False))
    tried = [("approval.approve", "approval"), ("approval.return", "approval")]
    assert [(e.action, e.subject_type) for e in refused] == [
        *tried,
        ("approval.view", "approval"),
        *tried,
        ("approval.view", "approval"),
        *tried,
    ]
    assert {e.client_id for e in refused} == {client_id}
    # Withdrawing is the requester's alone.
    request_id = (await _rows(harness, Approval))[0].id
    await stan.press_data(stan.last().message_id, f"av:wd:{request_id}")
    assert stan.toasts()[-1] == texts.NOT_ALLOWED
    assert len(await _audit(harness, "approval.withdraw")) == 1  # refused, audited
    # Forged ids that are no request at all.
    for data in ("av:ok:99999", "av:ok:abc", "av:o:-1", "av:p:x"):
        await sue.press_data(push.message_id, data)
    assert (await _rows(harness, Approval))[0].status == "pending"


async def test_an_admin_decides_for_any_team(harness):
    wanda, _sue, client_id = await _team(harness)
    ada = await harness.seed_worker(ADA, "Ada Admin", role=Role.ADMIN, team="South")
    plan_id = await _draft(harness, client_id)
    await _activate(wanda)
    [listing] = await ada.send("/pending")
    assert "1 request waits for approval" in listing.text and "team North" in listing.text
    await ada.press(listing, "✅ 1")
    assert (await _plan(harness, plan_id)).status == PlanStatus.ACTIVE
    [approved] = await _rows(harness, Approval)
    assert approved.decided_by_id == await harness.worker_id(ADA)


# ── /pending ───────────────────────────────────────────────────────────────────


async def test_pending_lists_for_each_role_oldest_first_paged_under_telegram_s_limit(
    harness, clock
):
    wanda, sue, _first = await _team(harness)
    will = await harness.seed_worker(WILL, "Will Worker", team="North")
    stan = await harness.seed_worker(STAN, "Stan South", role=Role.SUPERVISOR, team="South")
    ada = await harness.seed_worker(ADA, "Ada Admin", role=Role.ADMIN, team="South")
    await harness.seed_worker(704, "Sven South", team="South")
    await _approvals(harness, "South", plans=True, discharges=True)
    # Seven discharges asked, a minute apart: five of Wanda's, two of Will's; one in South.
    codes = []
    for index in range(7):
        owner = WANDA if index < 5 else WILL
        client_id = await harness.seed_client(owner, name=f"Client {index}")
        codes.append(f"C-{client_id:04d}")
        person = wanda if owner == WANDA else will
        card = await _card(person, f"C-{client_id:04d}")
        [ask] = await person.press(card, texts.CARD_DISCHARGE)
        await person.press(ask, texts.DISCHARGE_OTHER)
        await person.send(("Long reason " * 60)[:490])
        clock.advance(timedelta(minutes=1))
    south = await harness.seed_client(704, name="Southern Client")
    sven = harness.person(704, "Sven")
    card = await _card(sven, f"C-{south:04d}")
    [ask] = await sven.press(card, texts.CARD_DISCHARGE)
    await sven.press(ask, "Moved away")

    [first] = await sue.send("/pending")
    assert first.text.startswith("⏳ 7 requests wait for approval · page 1 of 2")
    assert [code for code in codes if code in first.text] == codes[:5]
    assert len(first.text) < 4096
    rows = [[b["callback_data"] for b in row] for row in first.reply_markup["inline_keyboard"]]
    assert rows[0][0].startswith("av:ok:") and rows[0][1].startswith("av:ret:")
    [second] = await sue.press(first, texts.NEXT)
    assert [code for code in codes if code in second.text] == codes[5:]
    assert "Southern" not in first.text + second.text
    [souths] = await stan.send("/pending")
    assert "1 request waits" in souths.text and "Southern Client" in souths.text
    [everything] = await ada.send("/pending")
    assert everything.text.startswith("⏳ 8 requests wait for approval")

    [mine] = await will.send("/pending")
    assert mine.text.startswith("⏳ 2 requests of yours wait for approval")
    assert [code for code in codes if code in mine.text] == codes[5:]
    assert [label for label, _ in buttons(mine)][0] == f"{texts.WITHDRAW} 1"
    # ✖ Withdraw: it no longer waits; the supervisor's ✅ then says so.
    [after] = await will.press(mine, f"{texts.WITHDRAW} 1")
    assert will.toasts()[-1] == f"Withdrawn: the request for {codes[5]} no longer waits."
    assert f"{texts.WITHDRAW} 1" not in [label for label, _ in buttons(after)]
    [withdrawn] = await _rows(harness, Approval, Approval.status == ApprovalStatus.WITHDRAWN)
    await sue.press_data(second.message_id, f"av:ok:{withdrawn.id}")
    assert sue.toasts()[-1] == "Already decided by Will Worker (withdrawn)."
    assert (await _client(harness, withdrawn.client_id)).status == ClientStatus.ACTIVE
    [event] = await _audit(harness, "approval.withdraw")
    assert event.actor_worker_id == await harness.worker_id(WILL)

    [none] = await harness.person(WANDA, "Wanda").send("/cancel")
    assert none.text == texts.NOTHING_TO_CANCEL
    for who in (sue, will):
        await who.send("/pending")
    looks = await _audit(harness, "approval.list")
    assert all(look.allowed for look in looks) and looks[0].detail["clients"]


async def test_pending_says_so_when_nothing_waits(harness):
    wanda, sue, _client_id = await _team(harness)
    assert (await sue.send("/pending"))[0].text == texts.PENDING_NONE_TO_DECIDE
    assert (await wanda.send("/pending"))[0].text == texts.PENDING_NONE_OF_MINE


# ── private previews ───────────────────────────────────────────────────────────


async def test_private_previews_push_no_name_no_reason_no_comment(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda, sue, client_id = await _team(harness)
        await _draft(harness, client_id)
        before = harness.state.last_seq
        card = await _card(wanda)
        [ask] = await wanda.press(card, texts.CARD_DISCHARGE)
        await wanda.press(ask, texts.DISCHARGE_OTHER)
        await wanda.send(REASON)
        push = await _pushed(harness, sue, before)
        assert "C-0001 M.G." in push.text and "Wanda Worker" in push.text
        for secret in ("Maria", "Gonzalez", "Hamburg", "daughter"):
            assert secret not in push.text
        # 👁 Open: the summary as an answer, below the push.
        [opened] = await sue.press(push, texts.OPEN_REQUEST)
        assert opened.message_id != push.message_id
        assert "C-0001 Maria Gonzalez" in opened.text and REASON in opened.text
        assert [e.action for e in await _audit(harness, "approval.view")] == ["approval.view"]
        told_from = harness.state.last_seq
        [_ask] = await sue.press(opened, texts.RETURN)
        await sue.send("Maria's daughter must sign the form first")
        told = await _pushed(harness, wanda, told_from)
        assert "returned the discharge of C-0001" in told.text
        assert "daughter" not in told.text and texts.APPROVAL_COMMENT_BEHIND_OPEN in told.text
        [comment] = await wanda.press(told, texts.OPEN_REQUEST)
        assert "Comment: Maria's daughter must sign the form first" in comment.text
        # The plan's request: no goal on the lock screen either.
        before = harness.state.last_seq
        await _activate(wanda)
        push = await _pushed(harness, sue, before)
        assert not any(goal in push.text for goal in GOALS) and "Maria" not in push.text


# ── the setting: /settings and the CLI ─────────────────────────────────────────


async def test_a_supervisor_turns_approvals_on_in_settings_and_a_worker_cannot(harness):
    wanda, sue, client_id = await _team(harness, plans=False, discharges=False)
    [menu] = await sue.send("/settings")
    assert "✅ Approvals (team North): off" in menu.text
    [choices] = await sue.press(menu, texts.SETTINGS_APPROVALS)
    [choices] = await sue.press(choices, "☐ Discharge")
    assert "✅ Approvals (team North): Discharge" in choices.text
    assert "☑ Discharge" in [label for label, _ in buttons(choices)]
    async with harness.db.session() as session:
        team = (await session.execute(select(Team))).scalars().one()
        assert (team.approve_plans, team.approve_discharges) == (False, True)
    [event] = await _audit(harness, "team.approvals")
    assert event.detail == {"kind": "discharge", "on": True} and event.allowed
    await sue.send("/cancel")

    # A worker sees no such setting; a forged press changes nothing, audited.
    [own] = await wanda.send("/settings")
    assert "Approvals" not in own.text
    assert texts.SETTINGS_APPROVALS not in str(buttons(own))
    await wanda.press_data(own.message_id, "st:appr:plan_activation")
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    refused = await _rows(
        harness, AuditEvent, AuditEvent.action == "team.approvals", AuditEvent.allowed.is_(False)
    )
    assert len(refused) == 1
    await wanda.send("/cancel")
    # From now on Wanda's discharge waits.
    await _discharge(wanda)
    assert (await _client(harness, client_id)).status == ClientStatus.ACTIVE


async def test_the_cli_turns_approvals_on_and_names_a_wrong_team_in_one_line(tmp_path):
    env = {"CASELINE_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    assert (await caseline("db", "upgrade", env=env))[0] == 0
    assert (await caseline("admin", "create", "--name", "Ada", "--team", "North", env=env))[0] == 0
    both = ("--plans", "on", "--discharges", "on")
    code, out = await caseline("team", "approvals", "North", *both, env=env)
    assert code == 0 and out.strip() == "North: approvals plan activation, discharge"
    code, out = await caseline("team", "list", env=env)
    assert out.strip() == "North: approvals plan activation, discharge"
    code, out = await caseline("team", "approvals", "North", "--plans", "off", env=env)
    assert out.strip() == "North: approvals discharge"
    code, out = await caseline("team", "approvals", "Nowhere", "--plans", "on", env=env)
    assert code == 2 and "Traceback" not in out
    assert out.strip() == "caseline: there is no team 'Nowhere' (`caseline team list` shows them)"
    code, out = await caseline("team", "approvals", "North", "--plans", "maybe", env=env)
    assert code == 2 and "Traceback" not in out
    code, out = await caseline("audit", env=env)
    assert out.count("team.approvals") == 3
