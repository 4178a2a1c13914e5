"""The note use cases without Telegram: a Save once per draft, a risk alert queued as
facts in the note's own transaction, who may withdraw or amend, and what each refusal
leaves in the audit trail. Run on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.clock import FixedClock
from domain.results import AlreadySaved, Gone, Invalid, Refused, Saved
from domain.settings import load_settings
from domain.usecases import notes as usecases
from domain.usecases.notes import NewNote
from domain.work import Work
from storage.clients import create_client
from storage.db import Database
from storage.kinds import InteractionType, Program, Role
from storage.machinery import AuditEvent, OutboxMessage
from storage.models import Client, Goal, Note, NoteGoal, Plan
from storage.workers import Actor, create_worker, get_or_create_team

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def work(db: Database, clock: FixedClock) -> Work:
    return Work(db, clock, load_settings({}))


async def _people(work: Work) -> tuple[Actor, Actor, Actor, int]:
    """Wanda (worker, North), Sue (her supervisor), Sam (worker, South); Wanda's client."""
    now = work.clock.now()
    async with work.db.session() as session:
        north = await get_or_create_team(session, "North", now)
        south = await get_or_create_team(session, "South", now)
        wanda = await create_worker(
            session, name="Wanda Worker", role=Role.WORKER, now=now, team=north
        )
        sue = await create_worker(
            session, name="Sue Supervisor", role=Role.SUPERVISOR, now=now, team=north
        )
        sam = await create_worker(
            session, name="Sam Southern", role=Role.WORKER, now=now, team=south
        )
        client = await create_client(
            session,
            name="Maria Gonzalez",
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=wanda.id,
            now=now,
        )
        return Actor.of(wanda), Actor.of(sue), Actor.of(sam), client.id


async def _all(work: Work, model: type) -> list:
    async with work.db.session() as session:
        return list((await session.execute(select(model))).scalars())


async def test_a_save_pressed_again_with_the_same_draft_saves_and_alerts_once(work):
    wanda, sue, _, client_id = await _people(work)
    new = NewNote(
        client_id=client_id,
        kind=InteractionType.HOME_VISIT,
        text="Fell in the bathroom",
        risk_reason="Fell twice, lives alone",
    )
    first = await usecases.save_note(work, wanda, new, token="draft-1")
    again = await usecases.save_note(work, wanda, new, token="draft-1")
    assert isinstance(first, Saved) and first.value.alerts == 1
    assert isinstance(again, AlreadySaved) and again.value.id == first.value.id
    assert again.value.alerts == 0  # its alert went out with the first save
    assert len(await _all(work, Note)) == 1
    [alert] = await _all(work, OutboxMessage)
    # The facts, not words: the words (and privacy mode) are the sender's business.
    assert (alert.kind, alert.worker_id, alert.client_id) == ("risk", sue.id, client_id)
    assert alert.payload == {
        "author": "Wanda Worker",
        "author_id": wanda.id,
        "client_id": client_id,
        "reason": "Fell twice, lives alone",
    }
    created = [e for e in await _all(work, AuditEvent) if e.action == "note.create"]
    assert [(e.allowed, e.detail) for e in created] == [(True, {"risk": True})]


async def test_a_contact_moves_last_contact_and_a_collateral_call_does_not(work, clock):
    wanda, _, _, client_id = await _people(work)
    earlier = clock.now() - timedelta(hours=3)
    saved = await usecases.save_note(
        work,
        wanda,
        NewNote(client_id, InteractionType.COLLATERAL, "Talked with her daughter"),
        token=None,
    )
    assert isinstance(saved, Saved)
    async with work.db.session() as session:
        assert (await session.get(Client, client_id)).last_contact_at is None
    await usecases.save_note(
        work,
        wanda,
        NewNote(client_id, InteractionType.PHONE, "Called her", occurred_at=earlier),
        token=None,
    )
    async with work.db.session() as session:
        assert (await session.get(Client, client_id)).last_contact_at == earlier


async def test_a_note_for_the_future_or_with_nothing_in_it_is_invalid(work, clock):
    wanda, _, _, client_id = await _people(work)
    future = NewNote(
        client_id, InteractionType.PHONE, "Will call", occurred_at=clock.now() + timedelta(hours=1)
    )
    empty = NewNote(client_id, InteractionType.PHONE, "")
    assert await usecases.save_note(work, wanda, future, token=None) == Invalid("future")
    assert await usecases.save_note(work, wanda, empty, token=None) == Invalid("empty")
    assert await _all(work, Note) == []


async def test_only_goals_of_the_clients_active_plan_are_linked(work, clock):
    wanda, _, _, client_id = await _people(work)
    async with work.db.session() as session:
        other = await create_client(
            session,
            name="Otto Other",
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=wanda.id,
            now=clock.now(),
        )
        goals = []
        for owner in (client_id, other.id):
            plan = Plan(client_id=owner, version=1, created_at=clock.now())
            session.add(plan)
            await session.flush()
            goal = Goal(plan_id=plan.id, position=1, description="Eat two meals a day")
            session.add(goal)
            await session.flush()
            goals.append(goal.id)
    choices = await usecases.goals_to_choose(work, wanda, client_id)
    assert [choice.id for choice in choices] == [goals[0]]
    new = NewNote(client_id, InteractionType.HOME_VISIT, "Ate well", goal_ids=tuple(goals))
    assert isinstance(await usecases.save_note(work, wanda, new, token=None), Saved)
    assert [link.goal_id for link in await _all(work, NoteGoal)] == [goals[0]]


async def test_another_teams_worker_is_refused_every_note_change_and_each_is_audited(work):
    wanda, _, sam, client_id = await _people(work)
    saved = await usecases.record_one_liner(work, wanda, client_id, InteractionType.PHONE, "Hi")
    assert isinstance(saved, Saved)
    note_id = saved.value.id
    new = NewNote(client_id, InteractionType.PHONE, "Not my client")
    assert await usecases.save_note(work, sam, new, token=None) == Gone()
    assert await usecases.record_one_liner(work, sam, client_id, InteractionType.PHONE, "x") == (
        Refused()
    )
    assert await usecases.undo_note(work, sam, note_id) == Refused("note")
    assert await usecases.note_to_amend(work, sam, note_id) == Refused("note")
    assert await usecases.amend_note(work, sam, note_id, "x", token=None) == Refused("note")
    assert await usecases.goals_to_choose(work, sam, client_id) == Gone()
    refused = [e for e in await _all(work, AuditEvent) if not e.allowed]
    assert [(e.action, e.actor_worker_id) for e in refused] == [
        ("note.create", sam.id),
        ("note.create", sam.id),
        ("note.retract", sam.id),
        ("note.amend", sam.id),
        ("note.amend", sam.id),
        ("client.access", sam.id),
    ]
    assert [note.text for note in await _all(work, Note)] == ["Hi"]


async def test_only_the_author_withdraws_and_only_within_a_minute(work, clock):
    wanda, sue, _, client_id = await _people(work)
    first = await usecases.record_one_liner(work, wanda, client_id, InteractionType.PHONE, "A")
    second = await usecases.record_one_liner(work, wanda, client_id, InteractionType.PHONE, "B")
    assert isinstance(first, Saved) and isinstance(second, Saved)
    # Sue sees the note (her team's client) but did not write it.
    assert await usecases.undo_note(work, sue, first.value.id) == Refused("note")
    undone = await usecases.undo_note(work, wanda, first.value.id)
    assert isinstance(undone, Saved) and undone.value.client_code == "C-0001"
    assert await usecases.undo_note(work, wanda, first.value.id) == Invalid("too_late")
    clock.advance(timedelta(seconds=61))
    assert await usecases.undo_note(work, wanda, second.value.id) == Invalid("too_late")
    # A withdrawn note takes no amendment; the kept one does, once per draft.
    assert await usecases.note_to_amend(work, wanda, first.value.id) == Refused("note")
    amended = await usecases.amend_note(work, wanda, second.value.id, "B, not A", token="t")
    again = await usecases.amend_note(work, wanda, second.value.id, "B, not A", token="t")
    assert isinstance(amended, Saved) and isinstance(again, AlreadySaved)
    assert [(a.author, a.text) for a in again.value.amendments] == [("Wanda Worker", "B, not A")]


async def test_the_same_one_liner_within_ten_minutes_is_already_saved(work, clock):
    wanda, _, _, client_id = await _people(work)
    first = await usecases.record_one_liner(work, wanda, client_id, InteractionType.PHONE, "x")
    clock.advance(timedelta(minutes=9))
    again = await usecases.record_one_liner(work, wanda, client_id, InteractionType.PHONE, "x")
    assert isinstance(first, Saved) and isinstance(again, AlreadySaved)
    assert again.value.id == first.value.id and not again.value.undoable(clock.now())
    clock.advance(timedelta(minutes=2))
    later = await usecases.record_one_liner(work, wanda, client_id, InteractionType.PHONE, "x")
    assert isinstance(later, Saved) and later.value.id != first.value.id


async def test_a_one_liner_moves_last_contact_forward_only_and_a_collateral_one_not(work, clock):
    wanda, _, _, client_id = await _people(work)
    now = clock.now()

    async def one_liner(kind: InteractionType, hours_ago: float) -> None:
        sent = now - timedelta(hours=hours_ago)
        saved = await usecases.record_one_liner(
            work, wanda, client_id, kind, f"{kind} {hours_ago}", occurred_at=sent
        )
        assert isinstance(saved, Saved)

    async def last_contact() -> tuple:
        async with work.db.session() as session:
            client = await session.get(Client, client_id)
            return client.last_contact_at, client.updated_at

    await one_liner(InteractionType.COLLATERAL, 1)
    assert await last_contact() == (None, now)
    await one_liner(InteractionType.PHONE, 3)
    assert await last_contact() == (now - timedelta(hours=3), now)
    await one_liner(InteractionType.HOME_VISIT, 5)  # arrived out of order: not moved back
    assert (await last_contact())[0] == now - timedelta(hours=3)
    await one_liner(InteractionType.SUPERVISION, 0)
    await one_liner(InteractionType.VIDEO, 2)
    assert (await last_contact())[0] == now - timedelta(hours=2)


async def test_a_covering_worker_s_one_liner_is_saved_once_for_the_covered_caseload(work, clock):
    """Someone covering a colleague reads by a list of colleagues (storage.access): the
    statement takes another road there, to the same note and the same resend check."""
    wanda, sue, _, client_id = await _people(work)
    will = replace(wanda, id=sue.id, role=Role.WORKER, covering=frozenset({wanda.id}))
    first = await usecases.record_one_liner(work, will, client_id, InteractionType.PHONE, "x")
    again = await usecases.record_one_liner(work, will, client_id, InteractionType.PHONE, "x")
    assert isinstance(first, Saved) and first.value.client_name == "Maria Gonzalez"
    assert isinstance(again, AlreadySaved) and again.value.id == first.value.id
    uncovered = replace(will, covering=frozenset())
    refused = await usecases.record_one_liner(
        work, uncovered, client_id, InteractionType.PHONE, "y"
    )
    assert refused == Refused()
    notes = await _all(work, Note)
    assert [(note.author_id, note.text) for note in notes] == [(sue.id, "x")]


async def test_a_one_liner_handled_late_happened_when_sent_and_its_resends_are_one(work, clock):
    """The handler passes when the message was sent (its Telegram date, after an outage)."""
    wanda, _, _, client_id = await _people(work)
    sent = clock.now() - timedelta(hours=2)
    first = await usecases.record_one_liner(
        work, wanda, client_id, InteractionType.PHONE, "x", occurred_at=sent
    )
    assert isinstance(first, Saved)
    assert (first.value.occurred_at, first.value.created_at) == (sent, clock.now())
    # Sent again four minutes after it, also held back by the outage: the same note.
    resent = await usecases.record_one_liner(
        work, wanda, client_id, InteractionType.PHONE, "x", occurred_at=sent + timedelta(minutes=4)
    )
    assert isinstance(resent, AlreadySaved) and resent.value.id == first.value.id
    # Sent again as the bot came back, hours after the first was sent but minutes after it
    # was stored (its answer had not arrived yet): the same note too.
    clock.advance(timedelta(minutes=3))
    again = await usecases.record_one_liner(work, wanda, client_id, InteractionType.PHONE, "x")
    assert isinstance(again, AlreadySaved) and again.value.id == first.value.id
    future = clock.now() + timedelta(minutes=5)
    assert await usecases.record_one_liner(
        work, wanda, client_id, InteractionType.PHONE, "y", occurred_at=future
    ) == Invalid("future")


def _imported_by(module: str) -> set[str]:
    """The top-level packages of ours that importing `module` loads, in a fresh interpreter."""
    code = (
        f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split()) & {"bot", "conversations", "ui", "domain", "storage", "telegram"}


def test_the_note_use_cases_know_no_telegram_and_the_note_dialogs_no_bot():
    from bot.reminders import planning

    assert usecases.RISK_ALERT == planning.RISK  # one outbox kind, named in two layers
    assert _imported_by("domain.usecases.notes") == {"domain", "storage"}
    for dialog in ("conversations.note", "conversations.amend"):
        assert "bot" not in _imported_by(dialog), f"{dialog} imports bot/"
