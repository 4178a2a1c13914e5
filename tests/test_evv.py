"""Issue 19, visit verification (EVV): a worker checks in to a home visit with the phone's
location (Telegram's request-location button), is told at once whether the visit is
verified, checks out, and logs the visit in the same flow; a check-out that never comes
reminds once and leaves the visit unverified; the client's home location is set once and
changed only with a reason; the supervisor's digest lists the exceptions. Only the
appointment's own worker checks in; everyone else is refused and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.rules import evv as rules
from storage import appointments as appointment_store
from storage import clients as client_store
from storage.kinds import InteractionType, Role
from storage.machinery import AuditEvent, OutboxMessage
from storage.models import Appointment, Client, ClientHomeLocation
from storage.workers import Actor
from tests.harness import button_data, buttons, running
from ui import texts

BERLIN = ZoneInfo("Europe/Berlin")
HOME = (52.52000, 13.40500)
NEAR = (52.52050, 13.40520)  # about 57 m from the home
FAR = (52.53800, 13.40500)  # about 2 km north
WANDA, WILL, SAM = 701, 702, 703


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


async def _visit(
    harness,
    *,
    home: tuple[float, float] | None = HOME,
    starts_at: datetime | None = None,
    place: str | None = None,
):
    """Wanda, Maria (her home on record, unless `home` is None) and a home visit on
    Monday 2 March at 10:00 for an hour: Wanda, Maria's id, the appointment's id."""
    wanda = await harness.seed_worker(WANDA, "Wanda Worker")
    fields = {"home_latitude": home[0], "home_longitude": home[1]} if home else {}
    client_id = await harness.seed_client(WANDA, **fields)
    worker_id = await harness.worker_id(WANDA)
    actor = Actor(id=worker_id, name="", role="worker", team_id=None, timezone=None, chat_id=None)
    async with harness.db.session() as session:
        client = await client_store.get_visible(session, actor, client_id)
        appointment = await appointment_store.schedule(
            session,
            client=client,
            worker_id=worker_id,
            starts_at=starts_at or berlin(2026, 3, 2, 10, 0),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=BERLIN,
            now=harness.clock.now(),
            place=place,
        )
        return wanda, client_id, appointment.id


async def _card(person, label: str = "C-0001"):
    """The appointment card, opened from /today."""
    first, *_ = await person.send("/today")
    [card] = await person.press(first, label)
    return card


async def _check_in(harness, person, at: tuple[float, float] | None = NEAR):
    """📍 Check in on the card, then the location (None: No location)."""
    card = await _card(person)
    [ask] = await person.press(card, texts.CHECK_IN)
    assert "Check in to <b>C-0001 · Maria Gonzalez</b>" in ask.html
    answers = await (person.send(texts.NO_LOCATION) if at is None else person.share_location(*at))
    # What was said; the card itself is redrawn too.
    return card, [m for m in answers if m.message_id != card.message_id]


async def _appointment(harness, appointment_id: int) -> Appointment:
    async with harness.db.session() as session:
        return await session.get(Appointment, appointment_id)


async def _client(harness, client_id: int) -> Client:
    async with harness.db.session() as session:
        return await session.get(Client, client_id)


async def _audits(harness, action: str) -> list[AuditEvent]:
    async with harness.db.session() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action)
        return list((await session.execute(statement.order_by(AuditEvent.id))).scalars())


def _shown(person, message_id: int):
    return next(m for m in person.messages() if m.message_id == message_id)


def test_the_distance_is_the_great_circle_one():
    assert rules.distance_m(HOME, HOME) == 0
    assert 55 < rules.distance_m(HOME, NEAR) < 60
    assert 2000 < rules.distance_m(HOME, FAR) < 2003
    # Berlin to Paris, about 878 km.
    assert 876_000 < rules.distance_m((52.5200, 13.4050), (48.8566, 2.3522)) < 880_000
    assert rules.place(None, HOME, 300).exceptions == {rules.EvvException.NO_LOCATION}
    assert rules.late_start(berlin(2026, 3, 2, 10), berlin(2026, 3, 2, 10, 15)) is False
    assert rules.late_start(berlin(2026, 3, 2, 10), berlin(2026, 3, 2, 10, 16)) is True


async def test_a_check_in_within_the_radius_is_verified(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 2))
    wanda, _, appointment_id = await _visit(harness)
    card = await _card(wanda)
    assert texts.CHECK_IN in [label for label, _ in buttons(card)]
    [ask] = await wanda.press(card, texts.CHECK_IN)
    keyboard = wanda.reply_keyboard()
    assert keyboard["keyboard"][0] == [{"text": texts.SEND_LOCATION, "request_location": True}]
    assert [button["text"] for button in keyboard["keyboard"][1]] == [
        texts.NO_LOCATION,
        texts.CANCEL,
    ]

    redrawn, said = await wanda.share_location(*NEAR, accuracy=8.5)
    assert redrawn.message_id == card.message_id
    assert said.text.splitlines() == [
        "📍 Checked in at 10:02 · C-0001.",
        "✅ Verified: 57 m from the client's home.",
    ]
    assert wanda.reply_keyboard() is None  # the keyboard is gone
    visit = await _appointment(harness, appointment_id)
    assert visit.check_in_at == berlin(2026, 3, 2, 10, 2)
    assert (visit.check_in_latitude, visit.check_in_longitude) == NEAR
    assert (visit.check_in_accuracy, visit.check_in_distance) == (8.5, 57)
    assert (visit.evv_status, visit.evv_exceptions) == ("verified", frozenset())
    [audited] = await _audits(harness, "visit.check_in")
    assert audited.allowed and audited.subject_id == appointment_id
    assert audited.detail == {"status": "verified", "exceptions": [], "position": True}
    assert "52.52" not in str(audited.detail)  # a position is never in the audit trail

    # The card it started from now says so, and checks out next.
    assert "📍 Checked in 10:02" in redrawn.text
    labels = [label for label, _ in buttons(redrawn)]
    assert texts.CHECK_OUT in labels and texts.CHECK_IN not in labels


async def test_outside_the_radius_the_distance_is_kept_with_a_reason(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 5))
    wanda, _, appointment_id = await _visit(harness)
    _, [said, why] = await _check_in(harness, wanda, FAR)
    assert said.text.splitlines()[1] == "⚠ Unverified: outside the radius."
    assert why.text == "2 km from the client's home (more than 300 m). Why?"
    assert [label for label, _ in buttons(why)] == list(texts.EVV_REASONS.values())
    [answered] = await wanda.press(why, "GPS poor")
    assert wanda.toasts()[-1] == texts.REASON_SAVED
    assert answered.text.endswith("→ GPS poor") and not buttons(answered)
    visit = await _appointment(harness, appointment_id)
    assert (visit.check_in_distance, visit.check_in_reason) == (2002, "gps_poor")
    assert visit.evv_exceptions == {"outside_radius"}
    [reason] = await _audits(harness, "visit.evv_reason")
    assert reason.detail["reason"] == "gps_poor" and reason.detail["moment"] == "in"
    # A forged reason changes nothing.
    await wanda.press_data(why.message_id, f"ev:why:{appointment_id}:in:bogus")
    assert wanda.toasts()[-1] == texts.STALE_BUTTON


async def test_with_no_home_yet_the_check_in_can_set_it(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 0))
    wanda, client_id, appointment_id = await _visit(harness, home=None)
    _, [said, question] = await _check_in(harness, wanda, NEAR)
    assert said.text.splitlines()[1] == "⚠ Unverified: no home location yet."
    assert (
        question.text == "No home location is on record for C-0001 yet. Is this the client's home?"
    )
    [answered] = await wanda.press(question, "Yes, set it")
    assert answered.text.splitlines() == [
        "🏠 Home location of C-0001 set from this check-in.",
        "✅ Verified: 0 m from the client's home.",
    ]
    client = await _client(harness, client_id)
    assert (client.home_latitude, client.home_longitude) == NEAR
    assert client.home_set_by_id == await harness.worker_id(WANDA)
    visit = await _appointment(harness, appointment_id)
    assert (visit.evv_status, visit.check_in_distance) == ("verified", 0)
    async with harness.db.session() as session:
        [kept] = (await session.execute(select(ClientHomeLocation))).scalars().all()
    assert (kept.source, kept.appointment_id, kept.reason) == ("check_in", appointment_id, None)
    [audited] = await _audits(harness, "client.home_location.set")
    assert audited.detail == {"source": "check_in", "appointment": appointment_id}
    # Pressed again: it is set already.
    await wanda.press_data(question.message_id, f"ev:home:{appointment_id}")
    assert wanda.toasts()[-1] == texts.HOME_ALREADY_SET


async def test_not_now_leaves_the_home_unset(harness, clock):
    wanda, client_id, _ = await _visit(harness, home=None)
    _, [_, question] = await _check_in(harness, wanda, NEAR)
    [answered] = await wanda.press(question, "Not now")
    assert answered.text == texts.HOME_LEFT
    assert (await _client(harness, client_id)).home_latitude is None


async def test_the_home_is_set_from_the_card_and_changed_only_with_a_reason(harness, clock):
    wanda = await harness.seed_worker(WANDA, "Wanda Worker")
    client_id = await harness.seed_client(WANDA)
    [card] = await wanda.send("/client C-0001")
    [ask] = await wanda.press(card, texts.CARD_HOME)
    assert "Home location of <b>C-0001 · Maria Gonzalez</b>" in ask.html
    assert [button["text"] for button in wanda.reply_keyboard()["keyboard"][1]] == [texts.CANCEL]
    [saved] = await wanda.share_location(*HOME)
    assert saved.text == "🏠 Home location of C-0001 saved." and wanda.reply_keyboard() is None

    clock.advance(timedelta(days=2))
    [ask] = await wanda.press(card, texts.CARD_HOME)
    assert (
        "On record since Mon 2 Mar 2026, set by Wanda Worker. A change needs a reason." in ask.text
    )
    [why] = await wanda.send_location(*FAR)  # a pin placed on the new home
    assert why.text == texts.HOME_ASK_REASON
    assert (await _client(harness, client_id)).home_latitude == HOME[0]  # not yet
    [too_long] = await wanda.send("x" * 501)
    assert too_long.text == texts.HOME_REASON_TOO_LONG
    [changed] = await wanda.send("Moved in with her daughter")
    assert changed.text.startswith("🏠 Home location of C-0001 changed.")
    client = await _client(harness, client_id)
    assert (client.home_latitude, client.home_longitude) == FAR
    async with harness.db.session() as session:
        kept = await session.execute(select(ClientHomeLocation).order_by(ClientHomeLocation.id))
        first, second = kept.scalars().all()
    assert (first.latitude, first.reason, first.source) == (HOME[0], None, "pin")
    assert (second.latitude, second.reason) == (FAR[0], "Moved in with her daughter")
    [made] = await _audits(harness, "client.home_location.set")
    [change] = await _audits(harness, "client.home_location.change")
    assert change.subject_id == client_id and change.detail == {"source": "pin"}
    assert "daughter" not in str(change.detail) and made.allowed


async def test_only_a_fresh_location_checks_in(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 0))
    wanda, _, appointment_id = await _visit(harness)
    card = await _card(wanda)
    await wanda.press(card, texts.CHECK_IN)
    [forwarded] = await wanda.forward_location(*NEAR)
    assert forwarded.html == texts.FORWARDED_REFUSED
    assert wanda.reply_keyboard() is not None  # asked again, with the keyboard
    [venue] = await wanda.send_venue(*NEAR)
    assert venue.html == texts.VENUE_REFUSED
    [live] = await wanda.send_location(*NEAR, live_period=900)
    assert live.html == texts.LIVE_REFUSED
    # The live location moving: not followed, not answered.
    [update_sent] = [m for m in harness.state.transcript(WANDA) if "location" in m.extra][-1:]
    assert await wanda.move_live_location(update_sent.message_id, *FAR) == []
    [sticker] = await wanda.send_sticker()
    assert sticker.html == texts.LOCATION_EXPECTED
    [typed] = await wanda.send("I'm here")
    assert typed.html == texts.LOCATION_EXPECTED
    assert (await _appointment(harness, appointment_id)).check_in_at is None
    # ✖ Cancel from the keyboard: nothing written, the keyboard gone.
    [cancelled] = await wanda.send(texts.CANCEL)
    assert cancelled.text == texts.CANCELLED and wanda.reply_keyboard() is None
    assert (await _appointment(harness, appointment_id)).check_in_at is None
    assert await _audits(harness, "visit.check_in") == []


async def test_no_location_checks_in_unverified(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 0))
    wanda, _, appointment_id = await _visit(harness)
    _, [said] = await _check_in(harness, wanda, None)
    assert said.text.splitlines() == [
        "📍 Checked in at 10:00 · C-0001.",
        "⚠ Unverified: no location.",
    ]
    visit = await _appointment(harness, appointment_id)
    assert visit.check_in_latitude is None and visit.evv_exceptions == {"no_location"}


async def test_a_check_in_more_than_two_hours_early_is_refused(harness, clock):
    clock.set(berlin(2026, 3, 2, 7, 59))
    wanda, _, appointment_id = await _visit(harness)
    card = await _card(wanda)
    await wanda.press(card, texts.CHECK_IN)
    assert wanda.toasts()[-1] == texts.CHECK_IN_NOT_YET and wanda.reply_keyboard() is None
    clock.set(berlin(2026, 3, 2, 8, 0))
    await wanda.press(card, texts.CHECK_IN)
    *_, said = await wanda.share_location(*NEAR)  # (the card is redrawn too)
    assert said.text.splitlines()[1].startswith("✅ Verified")


async def test_a_late_start_is_an_exception(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 16))
    wanda, _, appointment_id = await _visit(harness)
    _, [said] = await _check_in(harness, wanda, NEAR)
    assert said.text.splitlines()[1] == "⚠ Unverified: late start."
    assert (await _appointment(harness, appointment_id)).evv_exceptions == {"late_start"}


async def test_check_out_opens_the_visit_log_and_the_visit_has_start_end_and_length(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 2))
    wanda, client_id, appointment_id = await _visit(harness, place="Lindenstraße 12")
    card, _ = await _check_in(harness, wanda, NEAR)
    clock.set(berlin(2026, 3, 2, 11, 5))
    [ask] = await wanda.press(_shown(wanda, card.message_id), texts.CHECK_OUT)
    assert "checked in at 10:02" in ask.text and wanda.reply_keyboard() is not None
    said, log = await wanda.share_location(*HOME)
    assert said.text.splitlines() == [
        "🏁 Checked out at 11:05 · C-0001 · 10:02–11:05, 63 min.",
        "✅ Verified: 0 m from the client's home.",
    ]
    assert wanda.reply_keyboard() is None
    assert "Visit · C-0001 · Maria Gonzalez" in log.text
    assert "Mon 2 Mar 10:02 · 63 min · Home visit" in log.text
    assert "📍 10:02–11:05, from your check-in and check-out" in log.text
    answers = await wanda.press(log, "Save")
    [saved] = [m for m in answers if m.message_id == log.message_id]
    assert saved.text.startswith("✅ Visit logged · C-0001")
    assert "Mon 2 Mar 10:02 · 63 min" in saved.text
    visit = await _appointment(harness, appointment_id)
    assert visit.status == "completed"
    assert visit.starts_at == berlin(2026, 3, 2, 10, 2)
    assert visit.check_out_at == berlin(2026, 3, 2, 11, 5)
    assert visit.duration_minutes == 63
    assert (visit.evv_status, visit.check_out_distance) == ("verified", 0)
    [out] = await _audits(harness, "visit.check_out")
    assert out.detail["status"] == "verified"
    [logged] = await _audits(harness, "visit.log")
    assert logged.detail["evv"] == "verified" and logged.detail["time_edited"] is False
    assert (await _client(harness, client_id)).last_contact_at == berlin(2026, 3, 2, 10, 2)
    # The card the visit began on says how it ended.
    ended = _shown(wanda, card.message_id)
    assert "🏁 Checked out 11:05" in ended.text and "✅ Verified" in ended.text
    assert not {texts.CHECK_IN, texts.CHECK_OUT} & {label for label, _ in buttons(ended)}


async def test_times_changed_on_the_visit_log_need_a_reason(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 2))
    wanda, _, appointment_id = await _visit(harness)
    card, _ = await _check_in(harness, wanda, NEAR)
    clock.set(berlin(2026, 3, 2, 11, 5))
    await wanda.press(_shown(wanda, card.message_id), texts.CHECK_OUT)
    _, log = await wanda.share_location(*NEAR)
    [menu] = await wanda.press(log, texts.DURATION)
    [log] = await wanda.press(menu, "45 min")
    [why] = await wanda.press(log, "Save")
    assert why.text == texts.TIME_EDIT_ASK
    assert (await _appointment(harness, appointment_id)).status == "scheduled"
    [log] = await wanda.send("Forgot to check out at the door")
    assert "✏️ Forgot to check out at the door" in log.text
    await wanda.press(log, "Save")
    visit = await _appointment(harness, appointment_id)
    assert (visit.status, visit.duration_minutes) == ("completed", 45)
    assert visit.time_edit_reason == "Forgot to check out at the door"
    assert (visit.evv_status, visit.evv_exceptions) == ("unverified", {"time_edited"})
    [logged] = await _audits(harness, "visit.log")
    assert logged.detail["time_edited"] is True


async def test_an_early_check_in_is_not_missing_its_check_out_before_the_visit_could_end(
    harness, clock
):
    # At the door 80 minutes early for the 10:00 visit: the hour and the grace run from 10:00.
    clock.set(berlin(2026, 3, 2, 8, 40))
    wanda, _, appointment_id = await _visit(harness)
    await _check_in(harness, wanda, NEAR)
    clock.set(berlin(2026, 3, 2, 11, 59))
    await harness.tick()
    assert (await _appointment(harness, appointment_id)).check_out_missed_at is None
    assert not [m for m in wanda.messages() if m.text.startswith("🏁 C-0001")]
    clock.set(berlin(2026, 3, 2, 12, 0))
    await harness.tick()
    assert (await _appointment(harness, appointment_id)).check_out_missed_at == clock.now()


async def test_a_missing_check_out_reminds_once_then_the_visit_is_unverified(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 2))
    wanda, _, appointment_id = await _visit(harness, place="Lindenstraße 12")
    await _check_in(harness, wanda, NEAR)
    clock.set(berlin(2026, 3, 2, 12, 1))  # 60 min visit + 60 min grace: due at 12:02
    await harness.tick()
    assert (await _appointment(harness, appointment_id)).check_out_missed_at is None
    clock.set(berlin(2026, 3, 2, 12, 2))
    await harness.tick()
    reminders = [m for m in wanda.messages() if m.text.startswith("🏁 C-0001")]
    [reminder] = reminders
    assert reminder.text.startswith(
        "🏁 C-0001 Maria Gonzalez: checked in at 10:02, no check-out yet. "
        "The visit is marked unverified (missing check-out)."
    )
    assert "Lindenstraße" not in reminder.text
    labels = [label for label, _ in buttons(reminder)]
    assert labels == [texts.CHECK_OUT, texts.MARK_DONE, texts.OPEN_CLIENT]
    visit = await _appointment(harness, appointment_id)
    assert visit.check_out_missed_at == berlin(2026, 3, 2, 12, 2)
    assert (visit.evv_status, visit.evv_exceptions) == ("unverified", {"missing_checkout"})
    [missed] = await _audits(harness, "visit.check_out_missed")
    assert missed.actor_worker_id is None and missed.subject_id == appointment_id

    # Later ticks, a restart: never a second reminder.
    clock.set(berlin(2026, 3, 2, 13, 0))
    await harness.tick()
    await harness.restart()
    await harness.tick()
    assert len([m for m in wanda.messages() if m.text.startswith("🏁 C-0001")]) == 1
    async with harness.db.session() as session:
        rows = await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "checkout"))
        assert len(rows.scalars().all()) == 1

    # Checking out after it: the end is recorded, the exception stays.
    await wanda.press(reminder, texts.CHECK_OUT)
    said, log = await wanda.share_location(*NEAR)
    assert said.text.splitlines()[1] == "⚠ Unverified: missing check-out."
    visit = await _appointment(harness, appointment_id)
    assert visit.check_out_at == berlin(2026, 3, 2, 13, 0)


async def test_a_check_in_logged_without_check_out_is_missing_it(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 2))
    wanda, _, appointment_id = await _visit(harness)
    card, _ = await _check_in(harness, wanda, NEAR)
    clock.set(berlin(2026, 3, 2, 10, 50))
    [log] = await wanda.press(_shown(wanda, card.message_id), texts.MARK_DONE)
    assert "Mon 2 Mar 10:02 · 60 min" in log.text  # the check-in's start, the plan's length
    await wanda.press(log, "Save")
    visit = await _appointment(harness, appointment_id)
    assert (visit.status, visit.evv_exceptions) == ("completed", {"missing_checkout"})
    clock.set(berlin(2026, 3, 2, 13, 0))
    await harness.tick()  # logged: nothing left to remind about
    assert not [m for m in wanda.messages() if m.text.startswith("🏁 C-0001")]


@pytest.fixture
async def team(devserver, db, db_url, clock):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        yield harness


async def test_the_digest_lists_exceptions_and_nothing_private_is_pushed(team, clock):
    harness = team
    clock.set(berlin(2026, 3, 2, 10, 20))
    wanda, _, appointment_id = await _visit(harness, place="Lindenstraße 12")
    sam = await harness.seed_worker(SAM, "Sam Supervisor", role=Role.SUPERVISOR)
    await _check_in(harness, wanda, FAR)
    clock.set(berlin(2026, 3, 2, 12, 20))
    await harness.tick()
    [reminder] = [m for m in wanda.messages() if m.text.startswith("🏁 C-0001")]
    assert reminder.text.startswith("🏁 C-0001 M.G.: checked in at 10:20")
    assert "Maria" not in reminder.text and "Lindenstraße" not in reminder.text

    shown = "\n".join(m.text or m.caption or "" for m in await sam.send("/digest"))
    assert "📍 Visit exceptions (last 24 h):" in shown
    assert (
        "C-0001 · Wanda Worker · Mon 10:20 · outside the radius, late start, missing check-out"
        in shown
    )
    assert "⚠ 1 visit with exceptions" in shown
    assert "Maria" not in shown and "Lindenstraße" not in shown and "52.5" not in shown
    # The scheduled digest too, with private previews on.
    clock.set(berlin(2026, 3, 2, 18, 0))
    await harness.tick()
    pushed = "\n".join(m.text or m.caption or "" for m in sam.messages())
    assert pushed.count("📍 Visit exceptions") == 2
    assert "Maria" not in pushed and "Lindenstraße" not in pushed


async def test_only_the_appointments_worker_checks_in(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 0))
    wanda, _, appointment_id = await _visit(harness)
    will = await harness.seed_worker(WILL, "Will Worker")
    sam = await harness.seed_worker(SAM, "Sam Supervisor", role=Role.SUPERVISOR)
    # Sam may see Maria (his team's client) and opens the card, but it is not his visit.
    [client_card] = await sam.send("/client C-0001")
    [card] = await sam.press(client_card, "Mon 2 Mar 10:00")
    await sam.press(card, texts.CHECK_IN)
    assert sam.toasts()[-1] == texts.ONLY_ASSIGNED and sam.reply_keyboard() is None
    # Will may not even see it: a forged press is refused alike; so are forged ids.
    [help_message] = await will.send("/help")
    for data in (
        f"ev:in:{appointment_id}",
        f"ev:out:{appointment_id}",
        f"ev:why:{appointment_id}:in:other",
        f"ev:home:{appointment_id}",
        "ev:in:999999",
    ):
        await will.press_data(help_message.message_id, data)
        assert will.toasts()[-1] == texts.ONLY_ASSIGNED, data
    await will.press_data(help_message.message_id, "ev:in:abc")
    refused = [event for event in await _audits(harness, "visit.check_in") if not event.allowed]
    assert [event.actor_worker_id for event in refused] == [
        await harness.worker_id(SAM),
        await harness.worker_id(WILL),
        await harness.worker_id(WILL),
        await harness.worker_id(WILL),
    ]
    assert [event.subject_id for event in refused] == [
        appointment_id,
        appointment_id,
        999999,
        None,
    ]
    assert (await _appointment(harness, appointment_id)).check_in_at is None
    assert "ev:in" in button_data(card, texts.CHECK_IN)
    # Nor may Will set the home of a client he may not see (a forged card button).
    await will.press_data(help_message.message_id, "cf:home:1")
    assert "C-0001" in will.toasts()[-1] and will.reply_keyboard() is None
    refused_home = await _audits(harness, "client.home_location.set")
    assert [event.subject_type for event in refused_home] == ["appointment", "client"]
    home_refused = refused_home[-1]
    assert (home_refused.allowed, home_refused.subject_id) == (False, 1)


async def test_a_check_in_left_waiting_times_out_and_says_where_to_start_again(harness, clock):
    clock.set(berlin(2026, 3, 2, 10, 0))
    wanda, _, appointment_id = await _visit(harness)
    card = await _card(wanda)
    await wanda.press(card, texts.CHECK_IN)
    clock.advance(timedelta(minutes=31))
    [said] = await wanda.share_location(*NEAR)
    assert said.text == "That timed out. Send /today to start again."
    assert (await _appointment(harness, appointment_id)).check_in_at is None
    # A location sent now, outside any check-in, is not kept either.
    [said] = await wanda.send_location(*NEAR)
    assert said.html == texts.LOCATION_ON_ITS_OWN and wanda.reply_keyboard() is None
