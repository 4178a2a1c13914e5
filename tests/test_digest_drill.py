"""Issue 20, the supervisor's side: from the digest to the case in two taps, and work that
counts beside visits and notes.

The North team of tests/test_digest.py (Monday 2 March 2026, 18:00 in Berlin): Sue leads
it; Wanda has Maria (seen today), Bruno (overdue, his plan review overdue, a no-show and a
risk flag today), Hilde (on hold) and Ida (intake); Otto made a visit and flagged a risk
last night; Quinn has logged nothing since Wednesday. Sam leads South (Sven).

Every figure of the digest is a button that lists what it counted, grouped by worker,
each client a button to the card; a worker's name opens their day and caseload. A
supervisor drills only into their own team, an admin into any (another team's clients by
code only); every look is audited `digest.drill`, every refusal too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from storage.digest import team_digest
from storage.kinds import InteractionType, ReferralStatus, RiskLevel, Role
from storage.machinery import AuditEvent
from storage.models import Client, Note, Plan, Referral, Resource, Review, Team
from storage.workers import create_worker
from tests.harness import buttons, running
from tests.test_digest import (
    ADA,
    BERLIN,
    CLIENT_NAMES,
    NOW,
    SAM,
    SUE,
    WANDA,
    berlin,
    seed_teams,
    with_digest_commands,
)
from ui import texts

MESSAGE_LIMIT = 4096


@pytest.fixture
async def bot(harness, clock):
    clock.set(NOW)
    with_digest_commands(harness.application)
    harness.seed = await seed_teams(harness.db)
    return harness


@pytest.fixture
async def private_bot(devserver, db, db_url, clock):
    clock.set(NOW)
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        with_digest_commands(harness.application)
        harness.seed = await seed_teams(db)
        yield harness


def _code(harness, name: str) -> str:
    return f"C-{harness.seed.ids[name]:04d}"


def _c(harness, name: str) -> str:
    """How a list line starts: the client's code and name."""
    return f"{_code(harness, name)} {name}"


async def _team_id(harness, name: str) -> int:
    async with harness.db.session() as session:
        return (await session.execute(select(Team.id).where(Team.name == name))).scalar_one()


async def _drills(harness) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == "digest.drill")
        return list((await session.execute(statement.order_by(AuditEvent.id))).scalars())


def _labels(message) -> list[str]:
    return [label for label, _ in buttons(message)]


def _data_all_fit(message) -> None:
    assert len(message.text) <= MESSAGE_LIMIT
    assert all(len(data.encode()) <= 64 for _, data in buttons(message))


async def _summary(person):
    """/digest: the chart, then the summary with the team's figures as buttons."""
    _photo, summary, *_ = await person.send("/digest")
    return summary


async def _press(person, message, label: str):
    [shown] = await person.press(message, label)
    _data_all_fit(shown)
    return shown


async def test_each_figure_lists_what_it_counted_and_a_client_opens_the_card(bot):
    sue = bot.person(SUE, "Sue")
    summary = await _summary(sue)
    labels = _labels(summary)
    for label in ("✅ 2 visits", "🚫 1 no-show", "📝 4 notes", "📅 2 tomorrow", "⏰ 1 overdue"):
        assert label in labels
    assert "📋 1 review due" in labels and "⚠ 2 risk flags" in labels
    # Worker rows too (red first), names only: the digest push carries no client.
    assert "🔴 Wanda Worker" in labels
    assert not [name for name in CLIENT_NAMES if any(name in label for label in labels)]

    overdue = await _press(sue, summary, "⏰ 1 overdue")
    assert overdue.message_id != summary.message_id  # below: the digest stays
    lines = overdue.text.splitlines()
    assert lines[0] == "⏰ Clients overdue for a visit"
    assert lines[1] == "North · Mon 2 Mar"
    assert "Wanda Worker" in lines and f"{_c(bot, 'Bruno Braun')} · due Tue 24 Feb" in lines
    assert _labels(overdue) == [f"{_code(bot, 'Bruno Braun')} · Bruno Braun", texts.DRILL_BACK_TEAM]

    # Two taps from the digest to the case.
    [card] = await sue.press(overdue, f"{_code(bot, 'Bruno Braun')} · Bruno Braun")
    assert "Bruno Braun" in card.text and card.message_id != overdue.message_id

    visits = await _press(sue, summary, "✅ 2 visits")
    assert f"{_c(bot, 'Maria Gonzalez')} · Mon 10:00 · Home visit" in visits.text
    assert f"{_c(bot, 'Olga Ostrova')} · Mon 08:00 · Home visit" in visits.text
    # Grouped by worker, in the digest's order of names.
    assert visits.text.index("Otto Outreach") < visits.text.index("Wanda Worker")
    no_show = await _press(sue, summary, "🚫 1 no-show")
    assert f"{_c(bot, 'Bruno Braun')} · Mon 14:00" in no_show.text
    notes = await _press(sue, summary, "📝 4 notes")
    assert "4 in all" in notes.text and notes.text.count(f"{_c(bot, 'Maria Gonzalez')}") == 2
    tomorrow = await _press(sue, summary, "📅 2 tomorrow")
    assert f"{_c(bot, 'Maria Gonzalez')} · Tue 09:00" in tomorrow.text
    reviews = await _press(sue, summary, "📋 1 review due")
    assert f"{_c(bot, 'Bruno Braun')} · due Fri 20 Feb" in reviews.text
    flags = await _press(sue, summary, "⚠ 2 risk flags")
    assert f"{_c(bot, 'Bruno Braun')}" in flags.text and f"{_c(bot, 'Oskar Olsen')}" in flags.text

    drills = await _drills(bot)
    assert [event.detail["list"] for event in drills] == ["ov", "vi", "ns", "no", "tm", "rv", "rf"]
    sue_id = await bot.worker_id(SUE)
    north = await _team_id(bot, "North")
    assert all(
        (e.actor_worker_id, e.allowed, e.subject_type, e.subject_id)
        == (sue_id, True, "team", north)
        for e in drills
    )
    assert drills[0].detail == {"list": "ov", "page": 0, "clients": [bot.seed.ids["Bruno Braun"]]}


async def test_open_risks_and_a_worker_row_open_the_day_and_the_caseload(bot):
    async with bot.db.session() as session:
        await session.execute(
            update(Client)
            .where(Client.id == bot.seed.ids["Bruno Braun"])
            .values(risk_level=RiskLevel.HIGH, risk_since=NOW - timedelta(hours=3))
        )
    sue = bot.person(SUE, "Sue")
    summary = await _summary(sue)
    risks = await _press(sue, summary, "❗ 1 open risk")
    assert f"{_c(bot, 'Bruno Braun')} · since Mon 2 Mar · not acknowledged" in risks.text

    day = await _press(sue, summary, "🔴 Wanda Worker")
    lines = day.text.splitlines()
    assert lines[0] == "Wanda Worker · Mon 2 Mar"
    assert lines[1] == "🔴 2/3 seen within frequency (66 %) · 3 open clients"
    assert "Today" in lines
    assert f"10:00 · {_c(bot, 'Maria Gonzalez')} · Home visit, 60 min ✅" in lines
    assert any(line.startswith(f"14:00 · {_c(bot, 'Bruno Braun')}") for line in lines)
    labels = _labels(day)
    assert "⏰ 1 overdue" in labels and "❗ 1 open risk" in labels
    assert texts.DRILL_BACK_TEAM in labels and texts.DRILL_MANAGE in labels

    # Her list, in place; back to her day, then to the team.
    overdue = await _press(sue, day, "⏰ 1 overdue")
    assert overdue.message_id == day.message_id
    assert overdue.text.splitlines()[1] == "Wanda Worker · Mon 2 Mar"
    [card] = await sue.press(overdue, f"{_code(bot, 'Bruno Braun')} · Bruno Braun")
    assert "Bruno Braun" in card.text
    back = await _press(sue, overdue, texts.BACK)
    assert back.text.startswith("Wanda Worker · Mon 2 Mar")
    team = await _press(sue, back, texts.DRILL_BACK_TEAM)
    assert team.text.startswith("North · team digest · Mon 2 Mar")
    assert "🔴 Wanda Worker" in _labels(team) and "⏰ 1 overdue" in _labels(team)

    wanda_id = await bot.worker_id(WANDA)
    assert [(e.detail["list"], e.detail.get("worker")) for e in await _drills(bot)] == [
        ("rk", None),
        ("worker", wanda_id),
        ("ov", wanda_id),
        ("worker", wanda_id),
        ("team", None),
    ]


async def test_team_figures_and_rows_are_buttons_too(bot):
    sue = bot.person(SUE, "Sue")
    [listing, _people] = await sue.send("/team")
    labels = _labels(listing)
    assert "⏰ 1 overdue" in labels and "🟢 Quinn Quiet" in labels
    day = await _press(sue, listing, "🟢 Quinn Quiet")
    assert "💤 No work logged since Wed 25 Feb" in day.text


async def test_a_supervisor_drills_only_into_their_own_team(bot):
    north = await _team_id(bot, "North")
    south = await _team_id(bot, "South")
    wanda_id = await bot.worker_id(WANDA)
    sam = bot.person(SAM, "Sam")
    summary = await _summary(sam)  # South's digest, with its own buttons
    assert f"dd:vi:{south}:0:0" in [data for _, data in buttons(summary)]
    # Forged presses naming North, or a North worker under South.
    for data in (f"dd:ov:{north}:0:0", f"dd:w:{north}:{wanda_id}:0", f"dd:w:{south}:{wanda_id}:0"):
        shown = await sam.press_data(summary.message_id, data)
        assert shown == []  # nothing drawn
    assert sam.toasts()[-3:] == [texts.DRILL_NOT_YOURS] * 3
    everything = "\n".join(m.text or "" for m in sam.messages())
    assert "Wanda" not in everything and "Bruno" not in everything
    refused = [event for event in await _drills(bot) if not event.allowed]
    assert [(e.subject_id, e.detail["list"]) for e in refused] == [
        (north, "ov"),
        (north, "worker"),
        (south, "worker"),
    ]


async def test_a_worker_pressing_a_forged_drill_button_is_refused_and_audited(bot):
    north = await _team_id(bot, "North")
    wanda = bot.person(WANDA, "Wanda")
    [reply] = await wanda.send("/digest")  # refused as ever: something to press on
    for data in (f"dd:ov:{north}:0:0", f"dv:w:{north}:0:0", f"dd:t:{north}:0:0"):
        assert await wanda.press_data(reply.message_id, data) == []
    assert wanda.toasts()[-3:] == [texts.DRILL_NOT_YOURS] * 3
    refused = await _drills(bot)
    assert [(e.allowed, e.detail["list"]) for e in refused] == [
        (False, "ov"),
        (False, "worker"),
        (False, "team"),
    ]
    assert not any("Bruno" in (m.text or "") for m in wanda.messages())


async def test_an_admin_drills_into_any_team_clients_of_another_team_by_code(bot):
    async with bot.db.session() as session:
        admin = await create_worker(session, name="Ada Admin", role=Role.ADMIN, now=NOW)
        admin.telegram_user_id = admin.chat_id = ADA
    ada = bot.person(ADA, "Ada")
    _photo, summary, *_ = await ada.send("/digest North")
    overdue = await _press(ada, summary, "⏰ 1 overdue")
    assert (
        f"{_code(bot, 'Bruno Braun')} · due Tue 24 Feb" in overdue.text
        and "Bruno" not in overdue.text
    )
    assert texts.DRILL_RECORDS_HIDDEN in overdue.text
    assert _labels(overdue) == [texts.DRILL_BACK_TEAM]  # no card to open
    day = await _press(ada, summary, "🔴 Wanda Worker")
    assert texts.DRILL_RECORDS_HIDDEN in day.text and "Maria" not in day.text
    [event, _day] = await _drills(bot)
    assert event.allowed and event.detail["list"] == "ov"


async def test_an_admin_of_the_team_sees_its_clients(bot):
    async with bot.db.session() as session:
        north = (await session.execute(select(Team).where(Team.name == "North"))).scalar_one()
        admin = await create_worker(session, name="Ada Admin", role=Role.ADMIN, now=NOW, team=north)
        admin.telegram_user_id = admin.chat_id = ADA
    ada = bot.person(ADA, "Ada")
    overdue = await _press(ada, await _summary(ada), "⏰ 1 overdue")
    assert f"{_c(bot, 'Bruno Braun')}" in overdue.text


async def test_a_long_list_pages_in_place(bot):
    seed = bot.seed
    for number in range(19):
        await seed.client(
            "Otto Outreach", f"Late Client {number:02d}", last_contact=NOW - timedelta(days=40)
        )
    sue = bot.person(SUE, "Sue")
    summary = await _summary(sue)
    first = await _press(sue, summary, "⏰ 20 overdue")
    assert "20 in all · page 1 of 3" in first.text
    assert _labels(first)[-2:] == [texts.NEXT, texts.DRILL_BACK_TEAM]
    assert len([label for label in _labels(first) if label.startswith("C-")]) == 8
    second = await _press(sue, first, texts.NEXT)
    assert second.message_id == first.message_id and "page 2 of 3" in second.text
    assert _labels(second)[-3:] == [texts.PREVIOUS, texts.NEXT, texts.DRILL_BACK_TEAM]
    third = await _press(sue, second, texts.NEXT)
    assert "page 3 of 3" in third.text and "Bruno Braun" in third.text
    shown = [first.text, second.text, third.text]
    for number in range(19):
        assert sum(f"Late Client {number:02d}" in text for text in shown) == 1
    assert [e.detail["page"] for e in await _drills(bot)] == [0, 1, 2]


async def test_bad_and_stale_presses_are_answered_kindly(bot):
    north = await _team_id(bot, "North")
    sue = bot.person(SUE, "Sue")
    summary = await _summary(sue)
    for data in (
        f"dd:zz:{north}:0:0",  # no such list
        "dd:ov:abc",  # unreadable
        f"dv:ov:{north}:2147483647:0",  # no such worker
        f"dd:ov:{2**40}:0:0",  # an id no column holds
        "dd:ov:999999:0:0",  # no such team
    ):
        assert await sue.press_data(summary.message_id, data) == []
    assert sue.toasts()[-5:] == [texts.DRILL_NOT_YOURS] * 5
    assert [event.allowed for event in await _drills(bot)] == [False] * 5
    # A page past the end shows the last one.
    [last] = await sue.press_data(summary.message_id, f"dv:ov:{north}:0:7")
    assert f"{_c(bot, 'Bruno Braun')}" in last.text
    # A figure that changed since: the list says how it stands now.
    async with bot.db.session() as session:
        await session.execute(
            update(Client)
            .where(Client.id == bot.seed.ids["Bruno Braun"])
            .values(last_contact_at=NOW)
        )
    emptied = await _press(sue, summary, "⏰ 1 overdue")
    assert texts.DRILL_EMPTY in emptied.text


async def test_with_private_previews_the_push_names_nobody_and_the_lists_answer_as_cards_do(
    private_bot, clock
):
    harness = private_bot
    sue = harness.person(SUE, "Sue")
    # The scheduled digest, through the outbox: buttons on its messages, no client name.
    await harness.tick()
    pushed = [m for m in sue.messages() if m.text or m.caption]
    shown = "\n".join((m.text or m.caption or "") + str(buttons(m)) for m in pushed)
    assert "team digest" in shown and "⏰ 1 overdue" in shown
    assert not [name for name in CLIENT_NAMES if name.split()[0] in shown]
    summary = next(m for m in pushed if m.text and m.text.startswith("North · team digest"))
    # A press is answered like any card: the client by name.
    overdue = await _press(sue, summary, "⏰ 1 overdue")
    assert _c(harness, "Bruno Braun") in overdue.text


# -- work that counts --------------------------------------------------------------------------


async def _desk_work(seed, worker: str, client: str, when) -> None:
    """An intake, a plan review, a referral and a collateral call, all at `when`."""
    async with seed.db.session() as session:
        added = Client(
            name="Nora New",
            status="intake",
            worker_id=seed.ids[worker],
            added_by_id=seed.ids[worker],
            needs={},
            created_at=when,
            updated_at=when,
        )
        session.add(added)
        plan = Plan(client_id=seed.ids[client], version=9, status="superseded", created_at=when)
        resource = Resource(name="Food bank", category="food")
        session.add_all([plan, resource])
        await session.flush()
        session.add(Review(plan_id=plan.id, reviewer_id=seed.ids[worker], created_at=when))
        session.add(
            Referral(
                client_id=seed.ids[client],
                resource_id=resource.id,
                worker_id=seed.ids[worker],
                reason="parcel",
                status=ReferralStatus.SENT,
                created_at=when,
            )
        )
        await session.flush()
        seed.ids["Nora New"] = added.id
        session.add(
            Note(
                client_id=seed.ids[client],
                author_id=seed.ids[worker],
                interaction_type=InteractionType.COLLATERAL,
                occurred_at=when,
                created_at=when,
                text="called the daughter",
            )
        )


async def test_desk_work_counts_and_opens_its_lists(bot):
    await _desk_work(bot.seed, "Quinn Quiet", "Quentin Quast", berlin(3, 2, 11))
    north = await _team_id(bot, "North")
    async with bot.db.session() as session:
        digest = await team_digest(session, team_id=north, now=NOW, zone=BERLIN)
    quinn = next(row for row in digest.workers if row.name == "Quinn Quiet")
    assert (quinn.intakes, quinn.plans_reviewed, quinn.referrals, quinn.collateral) == (1, 1, 1, 1)
    assert quinn.notes_written == 1 and not quinn.quiet
    assert (digest.team.intakes, digest.team.referrals) == (1, 1)

    sue = bot.person(SUE, "Sue")
    summary = await _summary(sue)
    assert "🆕 1 intake · 🔄 1 plan reviewed · ↗ 1 referral · 👥 1 collateral contact" in (
        summary.text
    )
    assert "Quiet for 2 working days" not in summary.text
    intakes = await _press(sue, summary, "🆕 1 intake")
    nora = bot.seed.ids["Nora New"]
    assert f"C-{nora:04d} Nora New · 11:00" in intakes.text
    reviewed = await _press(sue, summary, "🔄 1 reviewed")
    assert f"{_c(bot, 'Quentin Quast')} · 11:00" in reviewed.text
    referrals = await _press(sue, summary, "↗ 1 referral")
    assert f"{_c(bot, 'Quentin Quast')} · 11:00" in referrals.text
    collateral = await _press(sue, summary, "👥 1 collateral")
    assert f"{_c(bot, 'Quentin Quast')} · Mon 11:00 · Collateral" in collateral.text


async def test_desk_work_alone_keeps_a_worker_from_being_quiet(bot):
    # Quinn's only work since Wednesday: a referral on Friday (no note, no visit).
    async with bot.db.session() as session:
        resource = Resource(name="Day centre", category="day")
        session.add(resource)
        await session.flush()
        session.add(
            Referral(
                client_id=bot.seed.ids["Quentin Quast"],
                resource_id=resource.id,
                worker_id=bot.seed.ids["Quinn Quiet"],
                reason="day care",
                status=ReferralStatus.SENT,
                created_at=berlin(2, 27, 15),
            )
        )
    north = await _team_id(bot, "North")
    async with bot.db.session() as session:
        digest = await team_digest(session, team_id=north, now=NOW, zone=BERLIN)
    quinn = next(row for row in digest.workers if row.name == "Quinn Quiet")
    assert not quinn.quiet and quinn.referrals == 0  # Friday's, not today's


async def test_an_idle_worker_is_named_with_the_day_of_their_last_work(bot):
    sue = bot.person(SUE, "Sue")
    summary = await _summary(sue)
    assert "Quiet for 2 working days: Quinn Quiet" in summary.text
    shown = "\n".join(m.text or "" for m in sue.messages())
    assert "💤 No work logged since Wed 25 Feb" in shown


async def test_an_intake_started_in_the_chat_counts_for_whoever_took_it(bot):
    wanda = bot.person(WANDA, "Wanda")
    await wanda.send("/intake Nils Neumann")
    async with bot.db.session() as session:
        added = (
            await session.execute(select(Client).where(Client.name == "Nils Neumann"))
        ).scalar_one()
    assert added.added_by_id == await bot.worker_id(WANDA)
    north = await _team_id(bot, "North")
    async with bot.db.session() as session:
        digest = await team_digest(session, team_id=north, now=NOW, zone=BERLIN)
    assert next(row for row in digest.workers if row.name == "Wanda Worker").intakes == 1


# -- what Telegram allows ----------------------------------------------------------------------


def test_a_big_team_s_digest_and_team_buttons_fit_telegram():
    from bot import digest
    from tests.test_digest import _big_team

    big = _big_team(60)
    team = replace(
        big,
        team_id=7,
        workers=[replace(row, worker_id=row.worker_id + 1) for row in big.workers],
    )
    digest_pages = digest.render_digest(team, private=False)
    team_pages = digest.render_team(team)
    for pages, keyboards in (
        (digest_pages, digest.digest_keyboards(team, digest_pages)),
        (team_pages, digest.team_keyboards(team, team_pages)),
    ):
        assert len(keyboards) == len(pages)
        datas = [
            button.callback_data
            for keyboard in keyboards
            if keyboard is not None
            for row in keyboard.inline_keyboard
            for button in row
        ]
        assert all(len(data.encode()) <= 64 for data in datas)
        assert all(
            sum(len(row) for row in keyboard.inline_keyboard) <= 100
            for keyboard in keyboards
            if keyboard is not None
        )
        workers = sorted(data for data in datas if data.startswith("dd:w:"))
        assert workers == sorted(f"dd:w:7:{row.worker_id}:0" for row in team.workers)


def test_a_worker_s_long_day_stays_one_message():
    from domain.usecases.digest_drill import Scope, WorkerDay
    from storage.models import Appointment
    from tests.test_digest import _row
    from ui.digest_views import worker_view
    from ui.splitting import telegram_length

    day = []
    for number in range(40):
        client = Client(id=number + 1, name=f"{number} " + "Ö" * 199, interpreter=None)
        visit = Appointment(
            client_id=client.id,
            starts_at=NOW - timedelta(hours=1),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            status="scheduled",
        )
        day.append((visit, client))
    found = WorkerDay(Scope(7, "North", records=True), _row(3, worker_id=3), day, NOW.date())
    view = worker_view(found, BERLIN, may_manage=True)
    assert telegram_length(view.text) <= MESSAGE_LIMIT
    assert "… and" in view.text


async def test_overdue_safety_plan_reviews_are_a_figure_with_their_list(bot):
    """The digest's 🛟 figure lists the clients whose current safety plan is past its review
    (storage/drill.py DrillList.SAFETY, the same query shape as the plan reviews')."""
    from datetime import date

    from storage import safety_plans

    async with bot.db.session() as session:
        bruno = await session.get(Client, bot.seed.ids["Bruno Braun"])
        await safety_plans.add_version(
            session,
            bruno,
            kind=safety_plans.SAVED,
            sections={"warning_signs": ["not answering the phone"]},
            changed=["warning_signs"],
            interval_days=30,
            next_review_on=date(2026, 2, 25),
            by=None,
            now=NOW - timedelta(days=35),
        )
    sue = bot.person(SUE, "Sue")
    summary = await _summary(sue)
    assert "🛟 1 safety review" in _labels(summary)
    safety = await _press(sue, summary, "🛟 1 safety review")
    assert safety.text.splitlines()[0] == "🛟 Safety plan reviews overdue"
    assert f"{_c(bot, 'Bruno Braun')} · due Wed 25 Feb" in safety.text
    assert "Maria Gonzalez" not in safety.text
    [drill] = await _drills(bot)
    assert drill.detail == {"list": "sr", "page": 0, "clients": [bot.seed.ids["Bruno Braun"]]}
