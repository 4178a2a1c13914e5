"""Authorization, invites, secrets and privacy.

Every button and command that names a record — a client, an appointment, a note, a
referral, a reminder, an invite role — is tried by four people who may not act on it:
a worker of another team, a deactivated supervisor who could once see it, a stranger,
and the record's own worker pressing her old buttons again after the client was
transferred away from her. Each attempt must be refused without a word about the
client, change nothing, and be audited. tests/test_authorization_widened.py tries the
same world with a supervisor and an admin of another team, forged ids inside every
dialog, reads after access ended, and checks that allowed looks are audited.

Invite codes cannot be guessed or reused; the bot token never reaches a log; client
names never reach a log; with CASELINE_PRIVATE_PREVIEWS every push names clients by
code and initials only.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from storage import appointments as appointment_store
from storage import clients as client_store
from storage import invites, migrate
from storage.db import Database
from storage.invites import RedeemStatus
from storage.kinds import InteractionType, Program, Role
from storage.machinery import AuditEvent, OutboxMessage
from storage.models import (
    Appointment,
    Client,
    Consent,
    Goal,
    Invite,
    Note,
    NoteAmendment,
    Plan,
    Referral,
    Resource,
    Worker,
)
from storage.workers import create_worker, get_or_create_team
from tests.databases import fresh_database_url
from tests.harness import TOKEN, BotHarness, buttons, running
from tests.test_restart import BotProcess
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")
CLIENT_NAME = "Maria Gonzalez"
# Nothing of the record may reach someone refused: name, note text, place, referral reason.
SECRETS_OF_THE_RECORD = ("Maria", "Gonzalez", "called about meds", "Baker", "food bank")
WANDA, SAM, DEE, WILL, SUE, STRANGER = 701, 702, 703, 704, 710, 999


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


# ── the world: one client with a bit of everything ─────────────────────────────


@dataclass
class World:
    harness: BotHarness
    client: int
    appointment: int
    note: int
    referral: int
    reminder_row: int
    agenda_row: int
    people: dict[int, object] = field(default_factory=dict)

    def attempts(self) -> list[tuple[str, str]]:
        """Every record-naming press (`press`, data) and command (`send`, text)."""
        c, a, n, r = self.client, self.appointment, self.note, self.referral
        code = f"C-{c:04d}"
        return [
            ("press", f"cl:o:{c}"),
            ("press", f"cl:n:{c}"),
            ("send", f"/client {code}"),
            ("send", f"/history {code}"),
            *[
                ("press", f"cf:{flow}:{c}")
                for flow in (
                    "card note visit appt plan review refer intake history export lang "
                    "transfer discharge reopen edit safety home"
                ).split()
            ],
            ("press", f"hi:p:{c}:0"),
            ("press", f"ex:pdf:{c}"),
            ("press", f"ex:csv:{c}"),
            ("press", f"dc:r:{c}:moved"),
            ("press", f"dc:other:{c}"),
            ("press", f"lg:l:{c}:Arabic"),
            ("press", f"lg:i:{c}:y"),
            ("press", f"lg:f:{c}"),
            ("press", f"lg:other:{c}"),
            ("press", f"cd:ask:{c}:phone"),
            ("press", f"cd:prog:{c}"),
            ("press", f"cd:p:{c}:hospice"),
            ("press", f"cd:st:{c}"),
            ("press", f"cd:act:{c}"),
            ("press", f"cd:hold:{c}"),
            ("press", f"tr:to:{c}:{self.will_id}"),
            *[
                ("press", f"ac:{action}:{a}")
                for action in ("open", "show", "done", "noshow", "undo", "move", "cancel")
            ],
            ("press", f"ev:in:{a}"),
            ("press", f"ev:out:{a}"),
            ("press", f"ev:why:{a}:in:other"),
            ("press", f"ev:home:{a}"),
            ("press", f"vu:undo:{a}"),
            ("press", f"vu:amend:{a}"),
            ("press", f"vu:dur:{a}:45"),
            ("press", f"ac:cr:{a}:unwell"),
            ("press", f"ac:crs:{a}:client"),
            ("press", f"ag:up:{c}:0"),
            ("press", f"ag:pg:{c}:1"),
            ("press", f"nu:undo:{n}"),
            ("press", f"nu:kind:{n}:phone"),
            ("press", f"am:start:{n}"),
            ("press", f"cm:v:{n}"),
            ("press", f"cm:c:{n}"),
            ("press", f"cm:s:{n}"),
            ("press", f"rm:snz:{self.reminder_row}:h"),
            ("press", f"rm:today:{self.agenda_row}"),
            ("press", f"rc:o:{r}"),
            ("press", f"rc:acc:{r}:sent"),
            ("press", f"rc:wd:{r}:sent"),
            ("press", f"rc:wdy:{r}:sent"),
            ("press", f"rc:decl:{r}:sent"),
            ("press", f"rc:done:{r}:sent"),
            ("press", "inv:worker:"),
            ("press", "inv:admin:"),
            ("send", f"/note {code} visited, all fine"),
            ("send", f"/note {code}"),
            ("send", f"/appt {code}"),
            ("send", f"/plan {code}"),
            ("send", f"/refer {code}"),
            ("send", f"/comment N-{n}"),
            ("send", f"/comment N-{n} Please call the GP"),
        ]

    will_id: int = 0


async def _world(harness: BotHarness) -> World:
    """Wanda (North) looks after Maria: an appointment today 10:00 with a reminder, a
    note, a plan, a referral. Sam works in South; Dee supervised North; Will is Wanda's
    colleague; Sue leads North."""
    clock = harness.clock
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    will = await harness.seed_worker(WILL, "Will Colleague", team="North")
    sam = await harness.seed_worker(SAM, "Sam Southern", team="South")
    dee = await harness.seed_worker(DEE, "Dee Former", role=Role.SUPERVISOR, team="North")
    stranger = harness.person(STRANGER, "Mallory")
    wanda_id = await harness.worker_id(WANDA)
    now = clock.now()
    async with harness.db.session() as session:
        client = await client_store.create_client(
            session,
            name=CLIENT_NAME,
            program=Program.ELDERLY,
            contact_frequency_days=14,
            worker_id=wanda_id,
            now=now - timedelta(days=30),
        )
        appointment = await appointment_store.schedule(
            session,
            client=client,
            worker_id=wanda_id,
            starts_at=berlin(2026, 3, 2, 10, 0),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=now,
            place="12 Baker Street",
            recurrence=appointment_store.Recurrence("weekly"),
        )
        plan = Plan(client_id=client.id, version=1, created_at=now, next_review_on=date(2026, 5, 1))
        session.add(plan)
        await session.flush()
        session.add(Goal(plan_id=plan.id, position=1, description="Two meals a day"))
        consent = Consent(
            client_id=client.id,
            given=True,
            scope="GP and food bank",
            recorded_at=now,
            recorded_by_id=wanda_id,
        )
        resource = Resource(name="City Food Bank", category="Food")
        session.add_all([consent, resource])
        await session.flush()
        referral = Referral(
            client_id=client.id,
            resource_id=resource.id,
            worker_id=wanda_id,
            consent_id=consent.id,
            reason="needs the food bank",
            created_at=now,
        )
        session.add(referral)
        await session.flush()
        ids = (client.id, appointment.id, referral.id)
    # Wanda's own screen: a one-line note (Undo, Amend), a reminder and an agenda.
    saved = await wanda.send(f"/note C-{ids[0]:04d} phone: called about meds")
    assert "saved" in saved[0].text
    await harness.tick()
    async with harness.db.session() as session:
        rows = {
            row.kind: row.id for row in (await session.execute(select(OutboxMessage))).scalars()
        }
        note_id = (await session.execute(select(Note.id))).scalar_one()
    for person in (sam, dee, sue, will):
        await person.send("/help")  # a message of the bot's to press buttons on
    await stranger.send("hello")
    world = World(
        harness=harness,
        client=ids[0],
        appointment=ids[1],
        note=note_id,
        referral=ids[2],
        reminder_row=rows["appt"],
        agenda_row=rows["agenda"],
        people={WANDA: wanda, SUE: sue, WILL: will, SAM: sam, DEE: dee, STRANGER: stranger},
    )
    world.will_id = await harness.worker_id(WILL)
    return world


# ── trying every attempt ───────────────────────────────────────────────────────


@dataclass
class Seen:
    attempt: str
    answered: bool
    leaked: list[str]
    audited: bool
    names_record: bool


async def _snapshot(harness: BotHarness) -> dict[str, object]:
    """The facts a refused attempt must not change."""
    async with harness.db.session() as session:
        client = await session.get(Client, 1)

        async def count(model) -> int:
            return (await session.execute(select(func.count()).select_from(model))).scalar_one()

        appointments = (
            await session.execute(
                select(Appointment.id, Appointment.status, Appointment.starts_at).order_by(
                    Appointment.id
                )
            )
        ).all()
        return {
            "client": (client.status, client.discharged_at),
            "appointments": [tuple(row) for row in appointments],
            "notes": (await session.execute(select(Note.id, Note.retracted_at))).all(),
            "amendments": await count(NoteAmendment),
            "referrals": (await session.execute(select(Referral.status))).scalars().all(),
            "invites": await count(Invite),
            "outbox": await count(OutboxMessage),
        }


async def _refusals(harness: BotHarness, user_id: int, worker_id: int | None) -> list[AuditEvent]:
    async with harness.db.session() as session:
        who = (
            AuditEvent.actor_worker_id == worker_id
            if worker_id is not None
            else AuditEvent.actor_telegram_id == user_id
        )
        statement = select(AuditEvent).where(AuditEvent.allowed.is_(False), who)
        return list((await session.execute(statement.order_by(AuditEvent.id))).scalars())


async def _try_all(world: World, user_id: int, attempts=None) -> list[Seen]:
    harness = world.harness
    person = world.people[user_id]
    worker = await _worker(harness, user_id)
    worker_id = worker.id if worker is not None and worker.active else None
    seen = []
    for kind, value in attempts or world.attempts():
        before_seq = harness.state.last_seq
        before_audit = len(await _refusals(harness, user_id, worker_id))
        if kind == "press":
            await person.press_data(person.messages()[-1].message_id, value)
        else:
            await person.send(value)
        shown = [
            event.params.get("text") or event.params.get("caption") or ""
            for event in harness.state.events(user_id)
            if event.seq > before_seq
        ]
        events = await _refusals(harness, user_id, worker_id)
        new = events[before_audit:]
        seen.append(
            Seen(
                attempt=value,
                answered=bool(shown),
                leaked=[word for word in SECRETS_OF_THE_RECORD if any(word in s for s in shown)],
                audited=bool(new),
                names_record=any(e.client_id or e.subject_id for e in new),
            )
        )
        if worker_id is not None:
            await person.send("/cancel")  # in case a refused attempt opened a dialog anyway
    return seen


async def _worker(harness: BotHarness, user_id: int) -> Worker | None:
    async with harness.db.session() as session:
        statement = select(Worker).where(Worker.telegram_user_id == user_id)
        return (await session.execute(statement)).scalar_one_or_none()


def _report(seen: list[Seen]) -> str:
    return "\n".join(
        f"  {s.attempt:28} answered={s.answered!s:5} audited={s.audited!s:5} "
        f"names_record={s.names_record!s:5} leaked={s.leaked}"
        for s in seen
    )


# ── the four who may not ───────────────────────────────────────────────────────


async def test_a_worker_of_another_team_is_refused_everything_and_each_try_audited(harness):
    world = await _world(harness)
    before = await _snapshot(harness)
    seen = await _try_all(world, SAM)
    changed = _changes(before, await _snapshot(harness))
    problems = [s for s in seen if s.leaked or not s.answered or not s.audited]
    assert not problems and not changed, (
        f"refused attempts changed {changed}; not refused cleanly or not audited:\n"
        + _report(problems)
    )
    assert (await world.people[SAM].send("/cancel"))[0].text == texts.NOTHING_TO_CANCEL


async def test_a_deactivated_supervisor_is_turned_away_at_the_door(harness):
    world = await _world(harness)
    async with harness.db.session() as session:
        await session.execute(
            update(Worker).where(Worker.telegram_user_id == DEE).values(active=False)
        )
    before = await _snapshot(harness)
    seen = await _try_all(world, DEE)
    assert await _snapshot(harness) == before
    assert not [s for s in seen if s.leaked], _report(seen)
    presses = [s for s in seen if ":" in s.attempt and not s.attempt.startswith("/")]
    assert all(s.answered for s in presses), "every press gets the polite refusal:\n" + _report(
        seen
    )
    # The door records a refusal at most once an hour per person (so the bot cannot be
    # used to flood the trail), without the record: only the first try shows up.
    refusals = await _refusals(harness, DEE, None)
    assert [(e.action, e.allowed) for e in refusals] == [("access.refused", False)]
    assert refusals[0].detail == {"reason": "deactivated"}


async def test_a_stranger_is_turned_away_at_the_door_and_nothing_of_theirs_is_kept(harness):
    world = await _world(harness)
    before = await _snapshot(harness)
    seen = await _try_all(world, STRANGER)
    assert await _snapshot(harness) == before
    assert not [s for s in seen if s.leaked], _report(seen)
    presses = [s for s in seen if not s.attempt.startswith("/")]
    assert all(s.answered for s in presses), _report(seen)
    refusals = await _refusals(harness, STRANGER, None)
    assert [e.action for e in refusals] == ["access.refused"]


async def test_old_buttons_pressed_again_after_the_client_moved_on_are_refused_and_audited(
    harness,
):
    """Sue transfers Maria from Wanda to Will; Wanda presses what is still on her screen."""
    world = await _world(harness)
    wanda, sue = world.people[WANDA], world.people[SUE]
    # Wanda's screen: the card, the appointment card, the referral card.
    card = (await wanda.send("/client C-0001"))[0]
    on_screen = {data for message in wanda.messages() for _, data in buttons(message)}
    await wanda.press_data(card.message_id, f"ac:open:{world.appointment}")
    await wanda.press_data(card.message_id, f"rc:o:{world.referral}")
    on_screen |= {data for message in wanda.messages() for _, data in buttons(message)}

    lead_card = (await sue.send("/client C-0001"))[0]
    moved = await sue.press_data(lead_card.message_id, f"tr:to:1:{world.will_id}")
    assert moved and "Will" in sue.toasts()[-1]
    async with harness.db.session() as session:
        assert (await session.get(Client, 1)).worker_id == world.will_id

    replayable = [
        (kind, value)
        for kind, value in world.attempts()
        # Her own agenda stays hers; invites are about her role, tried below.
        if not value.startswith(("rm:today", "inv:", "tr:", "cf:transfer"))
    ]
    real = [value for kind, value in replayable if kind == "press" and value in on_screen]
    assert len(real) >= 12, "most of these are the very buttons still on her screen"
    before = await _snapshot(harness)
    seen = await _try_all(world, WANDA, replayable)
    changed = _changes(before, await _snapshot(harness))
    problems = [s for s in seen if s.leaked or not s.answered or not s.audited]
    assert not problems and not changed, (
        f"replays changed {changed}; not refused cleanly or not audited:\n" + _report(problems)
    )


async def test_an_invite_button_pressed_after_losing_the_role_is_refused_and_audited(harness):
    await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    sue = harness.person(SUE, "Sue")
    prompt = await sue.send("/invite")
    async with harness.db.session() as session:
        await session.execute(
            update(Worker).where(Worker.telegram_user_id == SUE).values(role=Role.WORKER)
        )
    await sue.press(prompt[0], "Case worker")
    assert sue.toasts()[-1] == texts.NOT_ALLOWED
    async with harness.db.session() as session:
        made = (await session.execute(select(func.count()).select_from(Invite))).scalar_one()
    assert made == 0
    refusals = await _refusals(harness, SUE, await harness.worker_id(SUE))
    assert [e.action for e in refusals] == ["invite.create"]


def _changes(before: dict, after: dict) -> dict:
    return {key: (before[key], after[key]) for key in before if before[key] != after[key]}


# ── invite codes ───────────────────────────────────────────────────────────────


def _near_misses(code: str) -> list[str]:
    """The real code with one character changed, dropped, added; its case flipped; its
    hash; its prefix. None of them may open the door."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    misses = []
    for index in range(len(code)):
        other = alphabet[(alphabet.index(code[index]) + 1) % len(alphabet)]
        misses.append(code[:index] + other + code[index + 1 :])
    misses += [code[:-1], code + "A", code[1:], code.swapcase(), code.upper(), code.lower()]
    misses += [invites.hash_code(code), code[:16], code + "\u200b", code.replace("-", "_")]
    return [miss for miss in misses if miss != code]


async def test_a_thousand_guessed_invite_codes_bind_no_one(harness, db, clock):
    async with db.session() as session:
        code = await invites.create_invite(session, role=Role.ADMIN, now=clock.now())
    guesses = _near_misses(code)
    guesses += [secrets.token_urlsafe(invites.CODE_BYTES) for _ in range(1000 - len(guesses))]
    assert len(guesses) == 1000
    results = []
    for number, guess in enumerate(guesses):
        async with db.session() as session:
            redeemed = await invites.redeem(
                session,
                guess,
                telegram_user_id=50_000 + number,
                chat_id=50_000 + number,
                display_name="Guesser",
                now=clock.now(),
            )
        results.append(redeemed.status)
    assert set(results) == {RedeemStatus.UNKNOWN}
    # And through the chat, as an attacker would: five tries answered, then one "too many",
    # then silence; the real code among the later tries is not even checked. One audit event.
    guesser = harness.person(60_000, "Guesser")
    answers = [
        [m.text for m in await guesser.send(f"/start {guess}")]
        for guess in guesses[:5] + [guesses[5], code] + guesses[6:25]
    ]
    assert answers == [[texts.INVITE_UNKNOWN]] * 5 + [[texts.JOIN_TOO_MANY]] + [[]] * 20
    async with db.session() as session:
        bound = (await session.execute(select(func.count()).select_from(Worker))).scalar_one()
        unused = (await session.execute(select(Invite.used_at))).scalar_one()
        audited = (
            await session.execute(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "invite.redeem", AuditEvent.allowed.is_(False))
            )
        ).scalar_one()
    assert (bound, unused, audited) == (0, None, 1)


async def test_a_used_invite_code_never_binds_anyone_again(harness):
    code = await harness.invite_code(Role.WORKER, team="North")
    nina = harness.person(720, "Nina")
    assert "Welcome" in (await nina.send(f"/start {code}"))[0].text
    eve = harness.person(721, "Eve")
    assert (await eve.send(f"/start {code}"))[0].text == texts.INVITE_USED
    # Nina leaves; her old code must not let her (or anyone) back in.
    async with harness.db.session() as session:
        await session.execute(
            update(Worker).where(Worker.telegram_user_id == 720).values(active=False)
        )
    assert (await nina.send(f"/start {code}"))[0].text == texts.INVITE_USED
    assert (await eve.send(f"/start {code}"))[0].text == texts.INVITE_USED
    async with harness.db.session() as session:
        workers = (await session.execute(select(Worker))).scalars().all()
    assert [(w.telegram_user_id, w.active) for w in workers] == [(720, False)]
    # A fresh invite brings her back, and only once.
    again = await harness.invite_code(Role.WORKER, team="North")
    assert "Welcome" in (await nina.send(f"/start {again}"))[0].text
    assert (await eve.send(f"/start {again}"))[0].text == texts.INVITE_USED


async def test_invite_codes_are_32_random_characters_kept_only_as_a_hash(db, clock):
    codes = []
    async with db.session() as session:
        for _ in range(200):
            codes.append(await invites.create_invite(session, role=Role.WORKER, now=clock.now()))
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", code) for code in codes)
    assert len(set(codes)) == 200
    async with db.session() as session:
        rows = (await session.execute(select(Invite))).scalars().all()
    stored = [
        str(value)
        for row in rows
        for value in (getattr(row, column.key) for column in Invite.__table__.columns)
        if value is not None
    ]
    for code in codes:
        assert not any(code in value for value in stored)
    assert {row.code_hash for row in rows} == {
        hashlib.sha256(code.encode()).hexdigest() for code in codes
    }
    # Someone who can read the table cannot log in with what it holds.
    async with db.session() as session:
        stolen = await invites.redeem(
            session,
            rows[0].code_hash,
            telegram_user_id=1,
            chat_id=1,
            display_name="Thief",
            now=clock.now(),
        )
    assert stolen.status == RedeemStatus.UNKNOWN


# ── secrets and privacy ────────────────────────────────────────────────────────


async def _seed_for_process(url: str) -> None:
    db = Database(url)
    try:
        now = datetime.now(UTC)
        async with db.session() as session:
            north = await get_or_create_team(session, "North", now)
            wanda = await create_worker(
                session, name="Wanda Worker", role=Role.WORKER, now=now, team=north
            )
            sue = await create_worker(
                session, name="Sue Supervisor", role=Role.SUPERVISOR, now=now, team=north
            )
            wanda.telegram_user_id = wanda.chat_id = WANDA
            sue.telegram_user_id = sue.chat_id = SUE
            await session.flush()
            await client_store.create_client(
                session,
                name=CLIENT_NAME,
                program=Program.ELDERLY,
                contact_frequency_days=14,
                worker_id=wanda.id,
                now=now,
            )
    finally:
        await db.dispose()


async def _say(state, user, act, *, wait: bool = True) -> list:
    before = state.last_seq
    act()
    if not wait:
        await asyncio.sleep(0.5)
        return []
    events = await state.wait_for_events(
        before, count=1, chat_id=user.id, kinds=["send", "edit", "answer_callback"], timeout=30
    )
    ids = {event.message_id for event in events if event.kind != "answer_callback"}
    return [m for m in state.chat_log(user.id) if m.message_id in ids]


async def test_the_token_and_client_names_never_reach_the_log(devserver, backend, tmp_path):
    """A real `caseline run` through a day with failures in it: 500s and a dropped
    connection from Telegram, a failed poll, a crashing forged button. The log says
    that things failed — and never the token, a client's name or a note's words."""
    if backend != "sqlite":
        pytest.skip("logging does not depend on the database; one real process is enough")
    async with fresh_database_url(backend, tmp_path) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        await _seed_for_process(url)
        state = devserver.bot(TOKEN)
        wanda = state.user(WANDA, first_name="Wanda")
        bot = BotProcess(devserver, url, tmp_path / "bot.log")
        try:
            await bot.start()
            card = await _say(state, wanda, lambda: wanda.send_text("/client C-0001"))
            assert CLIENT_NAME in card[0].text
            state.inject_fault("sendMessage", count=1, status=500)
            await _say(
                state, wanda, lambda: wanda.send_text("/note C-0001 phone: Maria Gonzalez ok")
            )
            await _say(state, wanda, lambda: wanda.send_text("/newclient Rosa Parks"))
            state.inject_fault("editMessageText", count=1, drop_connection=True)
            await _say(
                state,
                wanda,
                lambda: wanda.press(wanda.chat_log()[-1].message_id, "nc:prog:elderly"),
            )
            state.inject_fault("getUpdates", count=2, status=502)
            await _say(state, wanda, lambda: wanda.send_text("/cancel"))
            await _say(state, wanda, lambda: wanda.press(card[0].message_id, "cl:o:²"))
            await _say(state, wanda, lambda: wanda.send_text("/note C-0001"))
            await _say(state, wanda, lambda: wanda.send_text("Maria Gonzalez said <b>hello</b>"))
            await _say(state, wanda, lambda: wanda.send_text("/cancel"))
            # The token in a message is the user's business; it must still not be logged.
            await _say(state, wanda, lambda: wanda.send_text(TOKEN))
        finally:
            await bot.terminate()
        log = (tmp_path / "bot.log").read_text()
        assert "failed once" in log, "the failure path was exercised and logged"
        for secret in (TOKEN, TOKEN.split(":")[1], CLIENT_NAME, "Maria", "Gonzalez", "Rosa"):
            assert secret not in log, f"{secret!r} is in the log"
        shown = " ".join(m.text or "" for m in state.chat_log(WANDA))
        assert TOKEN.split(":")[1] not in shown.replace(TOKEN, "")


async def test_private_previews_keep_client_names_out_of_every_push(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
        sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
        bob = await harness.seed_worker(705, "Bob Blocked", team="North")
        wanda_id = await harness.worker_id(WANDA)
        bob_id = await harness.worker_id(705)
        clock.set(berlin(2026, 3, 3, 7, 0))
        async with db.session() as session:
            maria = await client_store.create_client(
                session,
                name=CLIENT_NAME,
                program=Program.ELDERLY,
                contact_frequency_days=14,
                worker_id=wanda_id,
                now=berlin(2026, 1, 1, 9, 0),
            )
            await client_store.create_client(
                session,
                name="Ölaf Ünder-Street",
                program=Program.OTHER,
                contact_frequency_days=7,
                worker_id=bob_id,
                now=berlin(2026, 1, 1, 9, 0),
            )
            await appointment_store.schedule(
                session,
                client=maria,
                worker_id=wanda_id,
                starts_at=berlin(2026, 3, 3, 10, 0),
                duration_minutes=60,
                kind=InteractionType.HOME_VISIT,
                zone=BERLIN,
                now=clock.now(),
                place="12 Baker Street",
            )
            plan = Plan(
                client_id=maria.id,
                version=1,
                created_at=clock.now(),
                next_review_on=date(2026, 3, 3),
            )
            consent = Consent(client_id=maria.id, given=True, scope="all", recorded_at=clock.now())
            resource = Resource(name="City Food Bank", category="Food")
            session.add_all([plan, consent, resource])
            await session.flush()
            session.add(
                Referral(
                    client_id=maria.id,
                    resource_id=resource.id,
                    worker_id=wanda_id,
                    consent_id=consent.id,
                    reason="food",
                    created_at=clock.now(),
                    follow_up_on=date(2026, 3, 3),
                )
            )
        bob.fake.block()
        pushed_from = harness.state.last_seq
        clock.set(berlin(2026, 3, 3, 9, 0))
        await harness.tick()  # the agenda (appointment, visit, review, referral) and reminder
        reminder = next(m for m in wanda.messages() if m.text.startswith("⏰"))
        await wanda.press(reminder, "1 h")
        clock.set(berlin(2026, 3, 3, 10, 0))
        await harness.tick()  # the snoozed reminder
        ask = await wanda.send("/note C-0001")
        await wanda.press(ask[-1], "Home visit")
        await wanda.send("Seen at home.")
        await wanda.press(wanda.last(), "Risk")
        await wanda.send("Maria fell twice this week")  # free text that names her
        await wanda.press(wanda.last(), "Save")
        await harness.state.wait_for_events(0, chat_id=SUE, kinds=["send"], timeout=10)
        clock.set(berlin(2026, 3, 3, 18, 0))
        await harness.tick()  # Sue's digest, Bob's blocked notice
        async with db.session() as session:
            kinds = set((await session.execute(select(OutboxMessage.kind))).scalars())
            sent = (
                (await session.execute(select(OutboxMessage).where(OutboxMessage.status == "sent")))
                .scalars()
                .all()
            )
        assert {"appt", "agenda", "snoozed", "risk", "digest", "blocked"} <= kinds
        by_chat = {WANDA: wanda, SUE: sue}
        worker_chat = {wanda_id: WANDA, await harness.worker_id(SUE): SUE}
        outbox_messages = []
        for row in sent:
            chat = worker_chat[row.worker_id]
            [message] = [
                m for m in by_chat[chat].messages() if m.message_id == row.telegram_message_id
            ]
            outbox_messages.append((row.kind, message))
        assert {kind for kind, _ in outbox_messages} >= {"appt", "agenda", "snoozed", "risk"}
        # Every push: what the outbox sent, the digest's chart and pages, to anyone.
        from_outbox = {(m.chat_id, m.message_id) for _, m in outbox_messages}
        everything_pushed = [
            e.params.get("text") or e.params.get("caption") or ""
            for e in harness.state.events()
            if e.seq > pushed_from
            and e.kind == "send"
            and (
                e.chat_id == SUE
                or e.method == "sendPhoto"
                or (e.chat_id, e.message_id) in from_outbox
            )
        ]
        assert len(everything_pushed) >= 6
        for text in everything_pushed:
            for secret in ("Maria", "Gonzalez", "Baker", "Ölaf", "Ünder"):
                assert secret not in text, f"{secret!r} pushed in: {text[:120]!r}"
        # Named by code and initials instead (the digest and the notice name no client).
        named = [m.text for kind, m in outbox_messages if kind in ("appt", "agenda", "risk")]
        assert named and all("C-0001 M.G." in text for text in named)


async def test_a_worker_let_go_mid_dialog_can_rejoin_with_a_new_invite(harness):
    """Dee was half-way through /newclient when she was deactivated. Weeks later she is
    invited again: her /start CODE must reach the join, not her old dialog."""
    dee = await harness.seed_worker(DEE, "Dee Former", team="North")
    await dee.send("/newclient")
    async with harness.db.session() as session:
        await session.execute(
            update(Worker).where(Worker.telegram_user_id == DEE).values(active=False)
        )
    code = await harness.invite_code(Role.WORKER, team="North")
    reply = await dee.send(f"/start {code}")
    assert reply and "Welcome" in reply[0].text, [m.text for m in reply]
    assert (await dee.send("/help"))[0].text.startswith("What I can do")
