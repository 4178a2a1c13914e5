"""The authorization matrix, widened (issue 14): the world of tests/test_authorization.py
tried by a supervisor and an admin of another team; forged ids inside every dialog;
reads after access ended (switched off, moved away, a cover run out); and every allowed
look at a record written to the audit trail with its actor and its client.

An admin administers people in every team but reads client records only of their own
team (like a supervisor): another team's records are for the operator's shell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from telegram.ext import CallbackQueryHandler, ConversationHandler

from domain.results import Saved
from domain.settings import load_settings
from domain.usecases import covers, people
from domain.work import Work
from storage import plans as plan_store
from storage.kinds import Role
from storage.machinery import AuditEvent
from storage.models import Cover, Goal, Invite, Resource, Worker
from tests.harness import button_data, settings_for
from tests.test_authorization import (
    CLIENT_NAME,
    SAM,
    SECRETS_OF_THE_RECORD,
    SUE,
    WANDA,
    WILL,
    Seen,
    _changes,
    _refusals,
    _report,
    _snapshot,
    _try_all,
    _world,
)
from tests.test_referrals import add_client, give_consent
from ui import texts
from ui.team_views import day_arg

SOUTH_LEAD, SOUTH_ADMIN = 711, 712


async def _southerner(world, user_id: int, role: Role):
    person = await world.harness.seed_worker(user_id, "Stan Southern", role=role, team="South")
    await person.send("/help")  # a message of the bot's to press buttons on
    world.people[user_id] = person
    return person


# ── 1. a supervisor and an admin of another team ───────────────────────────────


@pytest.mark.parametrize(
    "user_id, role", [(SOUTH_LEAD, Role.SUPERVISOR), (SOUTH_ADMIN, Role.ADMIN)]
)
async def test_a_supervisor_and_an_admin_of_another_team_are_refused_every_record(
    harness, user_id, role
):
    world = await _world(harness)
    await _southerner(world, user_id, role)
    # Invite buttons are about the presser's own role (both may invite): not a record.
    attempts = [(kind, value) for kind, value in world.attempts() if not value.startswith("inv:")]
    before = await _snapshot(harness)
    seen = await _try_all(world, user_id, attempts)
    changed = _changes(before, await _snapshot(harness))
    problems = [s for s in seen if s.leaked or not s.answered or not s.audited]
    assert not problems and not changed, (
        f"refused attempts changed {changed}; not refused cleanly or not audited:\n"
        + _report(problems)
    )
    assert (await world.people[user_id].send("/cancel"))[0].text == texts.NOTHING_TO_CANCEL


async def test_an_admin_of_another_team_reads_north_s_digest_without_a_client_in_it(harness):
    """The digest is people admin, not a client record: an admin of South may read
    North's, and it holds counts and worker names only."""
    world = await _world(harness)
    admin = await _southerner(world, SOUTH_ADMIN, Role.ADMIN)
    shown = await admin.send("/digest North")
    text = " ".join(m.text or m.caption or "" for m in shown)
    assert "Wanda" in text
    leaked = [word for word in (*SECRETS_OF_THE_RECORD, "C-0001", "M.G.") if word in text]
    assert not leaked, text
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == "digest.view")
        [look] = (await session.execute(statement)).scalars()
    assert look.allowed and look.actor_worker_id == await harness.worker_id(SOUTH_ADMIN)


# ── 2. forged ids inside every dialog ──────────────────────────────────────────

GOAL = "Two meals a day"  # Maria's goal: no other client's dialog may show or touch it


@dataclass
class Forgery:
    """Sam (South) opens a dialog on his own client, then presses `data` naming Maria's
    record (or a resource he may not have): `toast` answers it; `audited` when the use
    case audits the refusal (a stale or unknown id is simply not offered)."""

    opening: str
    data: str
    toast: str
    audited: bool


def _forgeries(maria: int, goal: int, archived: int) -> list[Forgery]:
    pickers = [
        Forgery(command, f"{prefix}:client:{maria}", texts.CLIENT_GONE, True)
        for command, prefix in (
            ("/note", "nt"),
            ("/appt", "ap"),
            ("/visit", "vs"),
            ("/plan", "pl"),
            ("/review", "rv"),
            ("/refer", "rf"),
        )
    ]
    return [
        *pickers,
        Forgery("/plan C-0002", f"pl:edit:{goal}", texts.NOT_ALLOWED, True),
        Forgery("/review C-0002", f"rv:st:{goal}:achieved", texts.NOT_ALLOWED, True),
        Forgery("/review C-0002", f"rv:keep:{goal}", texts.STALE_BUTTON, False),
        Forgery("note goals", f"nt:goal:{goal}", texts.STALE_BUTTON, False),
        Forgery("/refer C-0002", "rf:res:99999", texts.RESOURCE_GONE, False),
        Forgery("/refer C-0002", f"rf:res:{archived}", texts.RESOURCE_GONE, False),
        Forgery("/resources", "rs:arch:1:0:0", texts.ADMINS_ONLY, True),
        Forgery("/resources", f"rs:rest:{archived}:0:0", texts.ADMINS_ONLY, True),
        Forgery("/resources", "rs:add:", texts.ADMINS_ONLY, True),
        Forgery("/resources", "rs:edit:1", texts.ADMINS_ONLY, True),
    ]


async def _sams_own_case(world) -> tuple[int, int]:
    """Sid, Sam's client (C-0002) with consent and an active plan; an archived resource.
    Returns Maria's goal id and the archived resource's id."""
    harness = world.harness
    sid = await add_client(harness, SAM, "Sid Southern")
    await give_consent(harness, sid)
    sam_id = await harness.worker_id(SAM)
    async with harness.db.session() as session:
        plan = await plan_store.start_draft(
            session,
            client_id=sid,
            created_by_id=sam_id,
            now=harness.clock.now(),
        )
        await plan_store.add_goal(session, plan, description="Sid walks to the shop")
        await plan_store.activate(session, plan, today=date(2026, 3, 2))
        goal = (await session.execute(select(Goal.id).where(Goal.description == GOAL))).scalar_one()
        archived = Resource(name="Old Shelter", category="Housing", active=False)
        session.add(archived)
        await session.flush()
        return goal, archived.id


async def _open(sam, opening: str) -> object:
    if opening == "note goals":
        kinds = await sam.send("/note C-0002")
        await sam.press(kinds[-1], "Home visit")
        card = await sam.send("Saw Sid at home")
        return (await sam.press(card[-1], "Goals"))[-1]
    return (await sam.send(opening))[-1]


async def _resources(harness) -> list[tuple]:
    async with harness.db.session() as session:
        statement = select(Resource.id, Resource.name, Resource.active).order_by(Resource.id)
        return [tuple(row) for row in (await session.execute(statement)).all()]


async def test_forged_ids_inside_every_dialog_are_refused_and_change_nothing(harness):
    world = await _world(harness)
    goal, archived = await _sams_own_case(world)
    sam = world.people[SAM]
    sam_id = await harness.worker_id(SAM)
    forgeries = _forgeries(world.client, goal, archived)
    before = (await _snapshot(harness), await _resources(harness))
    problems = []
    for forgery in forgeries:
        message = await _open(sam, forgery.opening)
        refusals = len(await _refusals(harness, SAM, sam_id))
        from_seq = harness.state.last_seq
        await sam.press_data(message.message_id, forgery.data)
        shown = [
            event.params.get("text") or event.params.get("caption") or ""
            for event in harness.state.events(SAM)
            if event.seq > from_seq
        ]
        leaked = [w for w in (*SECRETS_OF_THE_RECORD, GOAL) if any(w in s for s in shown)]
        audited = len(await _refusals(harness, SAM, sam_id)) > refusals
        if sam.toasts()[-1] != forgery.toast or leaked or audited != forgery.audited:
            problems.append((forgery.data, sam.toasts()[-1], leaked, audited))
        await sam.send("/cancel")
    after = (await _snapshot(harness), await _resources(harness))
    assert not problems and after == before, problems
    async with harness.db.session() as session:
        events = (await session.execute(select(AuditEvent))).scalars().all()
    assert not [
        e
        for e in events
        if e.allowed and e.client_id == world.client and e.actor_worker_id == sam_id
    ]


# ── 4. reads after access ended ────────────────────────────────────────────────


def _work(harness) -> Work:
    settings = settings_for(harness.server, harness.db_url)
    return Work(db=harness.db, clock=harness.clock, settings=settings or load_settings({}))


async def _kept_note_draft(person) -> object:
    """A note on Maria typed up to its card, kept open: the card with 🎯 Goals on it."""
    kinds = await person.send("/note C-0001")
    await person.press(kinds[-1], "Home visit")
    return (await person.send("Brought the shopping"))[-1]


async def _goals_of_kept_draft(world, user_id: int, card) -> Seen:
    seen = await _try_all(world, user_id, [("press", button_data(card, "Goals"))])
    return seen[0]


def _old_buttons(world) -> list[tuple[str, str]]:
    """What a worker once had on screen for Maria; her own agenda and role are not Maria's."""
    skip = ("rm:today", "inv:", "tr:", "cf:transfer")
    return [(kind, value) for kind, value in world.attempts() if not value.startswith(skip)]


async def test_a_worker_switched_off_sees_nothing_of_the_record_again(harness):
    world = await _world(harness)
    wanda = world.people[WANDA]
    assert CLIENT_NAME in (await wanda.send("/client C-0001"))[0].text
    card = await _kept_note_draft(wanda)
    gone = await people.deactivate(
        _work(harness), None, await harness.worker_id(WANDA), clients_to=world.will_id
    )
    assert isinstance(gone, Saved)
    before = await _snapshot(harness)
    seen = [await _goals_of_kept_draft(world, WANDA, card)]
    seen += await _try_all(world, WANDA, _old_buttons(world))
    assert await _snapshot(harness) == before
    assert not [s for s in seen if s.leaked or GOAL in str(s)], _report(seen)
    presses = [s for s in seen if not s.attempt.startswith("/")]
    assert all(s.answered for s in presses), _report(seen)


async def test_a_worker_moved_to_another_team_sees_nothing_of_her_old_team_s_record(harness):
    world = await _world(harness)
    wanda = world.people[WANDA]
    card = await _kept_note_draft(wanda)
    moved = await people.move(
        _work(harness), None, await harness.worker_id(WANDA), "South", clients_to=world.will_id
    )
    assert isinstance(moved, Saved)
    before = await _snapshot(harness)
    goals = await _goals_of_kept_draft(world, WANDA, card)
    seen = [goals, *await _try_all(world, WANDA, _old_buttons(world))]
    changed = _changes(before, await _snapshot(harness))
    problems = [s for s in seen if s.leaked or not s.answered or not s.audited]
    assert not problems and not changed, f"changed {changed}:\n" + _report(problems)


async def test_a_cover_that_ended_shows_nothing_of_the_covered_caseload(harness):
    """Will covers Wanda until the end of today; a few minutes after it ended (his note
    draft not yet idle) his old buttons and his kept draft on Maria find nothing."""
    world = await _world(harness)
    will = world.people[WILL]
    granted = await covers.grant_cover(
        _work(harness),
        None,
        world.will_id,
        await harness.worker_id(WANDA),
        harness.clock.now().date(),
    )
    assert isinstance(granted, Saved)
    async with harness.db.session() as session:
        ends_at = (await session.execute(select(Cover.ends_at))).scalar_one()
    harness.clock.set(ends_at - timedelta(minutes=15))
    assert CLIENT_NAME in (await will.send("/client C-0001"))[0].text  # the cover works
    card = await _kept_note_draft(will)
    assert CLIENT_NAME in card.text
    harness.clock.set(ends_at + timedelta(minutes=5))
    await harness.tick()  # the cover is marked ended
    before = await _snapshot(harness)
    goals = await _goals_of_kept_draft(world, WILL, card)
    seen = [goals, *await _try_all(world, WILL, _old_buttons(world))]
    changed = _changes(before, await _snapshot(harness))
    problems = [s for s in seen if s.leaked or not s.answered or not s.audited]
    assert not problems and not changed, f"changed {changed}:\n" + _report(problems)


# ── 5. every allowed look is audited with its actor and its client ─────────────


async def test_every_allowed_look_is_audited_with_the_actor_and_the_client(harness):
    world = await _world(harness)
    wanda, sue = world.people[WANDA], world.people[SUE]
    wanda_id, c = await harness.worker_id(WANDA), world.client
    looks = [
        ("send", "/client C-0001", "client.view"),
        ("press", f"cl:o:{c}", "client.view"),
        ("send", "/history C-0001", "client.history"),
        ("press", f"hi:p:{c}:0", "client.history"),
        ("press", f"ac:open:{world.appointment}", "appointment.view"),
        ("press", f"ag:up:{c}:0", "client.appointments"),
        ("press", f"rc:o:{world.referral}", "referral.view"),
        ("press", f"cf:export:{c}", "client.view"),
        ("press", f"ex:csv:{c}", "client.export"),
        ("press", f"ex:pdf:{c}", "client.export"),
        ("send", "/plan C-0001", "plan.view"),
        ("press", f"cf:safety:{c}", "client.safety_plan.view"),
        ("press", f"cm:v:{world.note}", "note.view"),
    ]
    missing = []
    for kind, value, action in looks:
        seen = await _allowed(harness, action)
        if kind == "send":
            shown = await wanda.send(value)
        else:
            shown = await wanda.press_data(wanda.messages()[-1].message_id, value)
        assert shown or wanda.messages(), value
        new = (await _allowed(harness, action))[len(seen) :]
        if [(e.actor_worker_id, e.client_id) for e in new] != [(wanda_id, c)]:
            missing.append((value, action, [(e.actor_worker_id, e.client_id) for e in new]))
        await wanda.send("/cancel")
    assert not missing, missing
    # The agenda names several clients: they are in the event's detail.
    await wanda.send("/today")
    [agenda] = await _allowed(harness, "agenda.view")
    assert (agenda.actor_worker_id, agenda.detail["clients"]) == (wanda_id, [c])
    # The digest holds no client: its look names the supervisor and the team.
    await sue.send("/digest")
    [digest] = await _allowed(harness, "digest.view")
    assert (digest.actor_worker_id, digest.subject_type) == (await harness.worker_id(SUE), "team")
    assert digest.client_id is None


async def _allowed(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.allowed.is_(True)
        )
        return list((await session.execute(statement.order_by(AuditEvent.id))).scalars())


# ── every button prefix the bot answers is in the matrix ───────────────────────

# Where each prefix's record-naming presses are tried; "no record" for those that name none.
COVERED = {
    "cl": "World.attempts",
    "cf": "World.attempts",
    "hi": "World.attempts",
    "ex": "World.attempts",
    "dc": "World.attempts",
    "lg": "World.attempts",
    "cd": "World.attempts",
    "pp": "tests/test_people.py: test_another_team_s_worker_is_refused_and_audited",
    "sp": "tests/test_safety_plan.py: test_another_team_s_worker_is_refused_and_audited",
    "rk": "tests/test_risk_followup.py: test_a_forged_acknowledge_from_someone_who_may_not_see_"
    "the_client_is_refused",
    "tr": "World.attempts",
    "ac": "World.attempts",
    "ev": "World.attempts (check in and out, a reason, the home); the appointment's own "
    "worker only: tests/test_evv.py: test_only_the_appointments_worker_checks_in",
    "eh": "no record: the 🏠 Home location dialog's ✖ Cancel (it starts from cf:home, in "
    "World.attempts)",
    "ag": "World.attempts (a client's upcoming list; /week's pages name no record)",
    "nu": "World.attempts",
    "vu": "World.attempts",
    "am": "World.attempts",
    "cm": "World.attempts (a note's page, 💬 Comment, ✍️ Co-sign); a worker who may see the "
    "client: tests/test_note_comments.py: test_a_worker_and_another_team_s_supervisor_are_"
    "refused_and_audited",
    "rm": "World.attempts",
    "rc": "World.attempts",
    "inv": "World.attempts (role, not record)",
    "nt": "_forgeries (picker, goal)",
    "ap": "_forgeries (picker)",
    "vs": "_forgeries (picker)",
    "pl": "_forgeries (picker, goal)",
    "rv": "_forgeries (picker, goal)",
    "rf": "_forgeries (picker, resource)",
    "rs": "_forgeries (directory admin)",
    "in": "no record: the intake's own new client, re-checked by its use case",
    "nc": "a new client's program and frequency; its 👤 Open names a record: "
    "test_someone_elses_client_by_that_name_is_never_mentioned",
    "st": "no record: the worker's own settings",
    "tm": "test_team_buttons_about_another_team_s_people_change_nobody",
    "av": "tests/test_approvals.py: test_a_forged_approve_by_another_team_s_supervisor_or_a_"
    "worker_is_refused_and_audited",
    "dd": "tests/test_digest_drill.py: test_a_supervisor_drills_only_into_their_own_team, "
    "test_a_worker_pressing_a_forged_drill_button_is_refused_and_audited",
    "dv": "tests/test_digest_drill.py: test_bad_and_stale_presses_are_answered_kindly",
}


def _prefixes(handlers) -> set[str]:
    found: set[str] = set()
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            inner = [*handler.entry_points, *handler.fallbacks]
            inner += [h for state in handler.states.values() for h in state]
            found |= _prefixes(inner)
        elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
            source = getattr(handler.pattern, "pattern", handler.pattern)
            match = re.match(r"\^\(?(\w+)", str(source))
            if match:
                found.add(match.group(1))
    return found


async def test_every_button_prefix_the_bot_answers_is_tried_by_the_matrix(harness):
    registered = _prefixes(h for group in harness.application.handlers.values() for h in group)
    assert {"cl", "nt", "rs", "rv"} <= registered, registered
    assert registered <= set(COVERED), f"not in the matrix: {registered - set(COVERED)}"


# ── people admin buttons naming another team's people ─────────────────────────


async def _people_facts(harness) -> dict[str, object]:
    async with harness.db.session() as session:
        return {
            "workers": (
                await session.execute(
                    select(Worker.id, Worker.active, Worker.role, Worker.team_id).order_by(
                        Worker.id
                    )
                )
            ).all(),
            "covers": (await session.execute(select(Cover.id, Cover.ended_at))).all(),
            "invites": (await session.execute(select(Invite.id, Invite.revoked_at))).all(),
        }


@pytest.mark.parametrize("role", [Role.WORKER, Role.SUPERVISOR])
async def test_team_buttons_about_another_team_s_people_change_nobody(harness, role):
    """/team's buttons carry worker, cover and invite ids: pressed with North's ids by a
    worker or a supervisor of South, each is refused, audited, and changes nobody."""
    world = await _world(harness)
    await _southerner(world, SOUTH_LEAD, role)
    wanda, will = await harness.worker_id(WANDA), await harness.worker_id(WILL)
    await harness.invite_code(Role.WORKER, team="North")
    async with harness.db.session() as session:
        invite = (await session.execute(select(Invite.id))).scalars().first()
        cover = Cover(
            covering_worker_id=will,
            covered_worker_id=wanda,
            created_at=harness.clock.now(),
            ends_at=harness.clock.now() + timedelta(days=7),
        )
        session.add(cover)
        await session.flush()
        cover_id = cover.id
    day = day_arg(harness.clock.now().date() + timedelta(days=7))
    attempts = [
        ("press", f"tm:{action}")
        for action in (
            f"p:{wanda}",
            f"off:{wanda}",
            f"offok:{wanda}:{will}:0",
            f"offok:{wanda}:s:0",
            f"on:{wanda}",
            f"mvok:{wanda}:1:s:0",
            f"rlok:{wanda}:a",
            f"cvok:{wanda}:{will}:{day}",
            f"ce:{cover_id}:{wanda}",
            f"irok:{invite}",
        )
    ]
    before = await _people_facts(harness)
    seen = await _try_all(world, SOUTH_LEAD, attempts)
    assert await _people_facts(harness) == before
    problems = [s for s in seen if s.leaked or not s.answered or not s.audited]
    assert not problems, _report(problems)
