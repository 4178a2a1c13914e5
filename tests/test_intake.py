"""/intake from a phone: a guided interview that creates a client in status intake, saves
every answer at once, skips and comes back, goes back, survives restarts and idling,
records consent, people and needs, and ends with a summary and a draft plan.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from conversations import intake
from storage import clients as client_store
from storage import consents
from storage.kinds import Program
from storage.machinery import AuditEvent
from storage.models import Client, ClientContact, Consent, Goal, Plan
from tests.harness import buttons
from ui import texts


def live(person):
    """The one bot message whose buttons still work: the current question."""
    return [message for message in person.messages() if buttons(message)][-1]


def labels(message) -> list[str]:
    return [label for label, _ in buttons(message)]


async def tap(person, label: str):
    return await person.press(live(person), label)


async def _client(harness, client_id: int = 1) -> Client:
    async with harness.db.session() as session:
        return await session.get(Client, client_id)


async def _rows(harness, model, *order):
    async with harness.db.session() as session:
        statement = select(model).order_by(*(order or (model.id,)))
        return (await session.execute(statement)).scalars().all()


async def _skip_to(person, title: str) -> None:
    for _ in range(len(intake.STEPS)):
        if f"· {title}" in live(person).text:
            return
        await tap(person, "Skip")
    raise AssertionError(f"never reached {title!r}")


async def test_a_full_intake_with_a_skip_answered_at_the_end(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    first = await wanda.send("/intake")
    assert texts.ASK_NAME in first[-1].text
    assert labels(first[-1]) == [texts.CANCEL]  # the name is required; nothing to go back to
    reply = await wanda.send("Maria Gonzalez")
    assert "saved as C-0001" in reply[-1].text and "2/18 · Date of birth" in reply[-1].text
    client = await _client(harness)
    assert (client.name, client.status, client.worker_id) == (
        "Maria Gonzalez",
        "intake",
        await harness.worker_id(701),
    )

    await wanda.send("24/12/1950")
    await tap(wanda, "Skip")  # phone: comes back at the end
    assert wanda.toasts()[-1] == texts.SKIPPED_TOAST
    await wanda.send("Hauptstraße 5, 10115 Berlin")
    await wanda.send("Ana Gonzalez, daughter, +49 170 1234567")
    assert "6/18 · Language" in live(wanda).text
    await tap(wanda, "Arabic")
    assert texts.ASK_INTERPRETER in live(wanda).text and "Saved: 🗣 Arabic" in live(wanda).text
    await tap(wanda, "Yes")
    await tap(wanda, "Elderly at home")
    await tap(wanda, "Alone")
    await tap(wanda, "Some need")  # medical
    assert "note on the <b>medical</b> need" in live(wanda).html
    await wanda.send("Diabetes, insulin twice a day")
    await tap(wanda, "No need")  # psycho-social
    await tap(wanda, "No need")  # psychiatric
    await tap(wanda, "Urgent")  # housing
    await tap(wanda, "No note")
    await tap(wanda, "Some need")  # income
    await tap(wanda, "No note")
    await tap(wanda, "No need")  # substance use
    await tap(wanda, "Urgent")  # safety
    await wanda.send("Fell twice this month")
    await tap(wanda, "No need")  # daily living

    await tap(wanda, "Family")
    await wanda.send("Ana Gonzalez")
    people = await wanda.send("+49 170 1234567")
    assert "Family · Ana Gonzalez · +49 170 1234567" in people[-1].text
    await tap(wanda, "Provider")
    await wanda.send("Dr. Weiss (GP)")
    await tap(wanda, "No phone")
    await tap(wanda, "Done")

    await tap(wanda, "Given")
    await tap(wanda, "referral agencies")
    offer = await tap(wanda, "1 year")
    assert texts.skipped_offer(1) in offer[-1].text and "Phone" in offer[-1].text
    question = await tap(wanda, "Answer them now")
    assert "skipped 1/1 · Phone" in question[-1].text
    summary = await wanda.send("+49 30 1234567")
    card = summary[-1].text
    assert "Intake summary · C-0001 · Maria Gonzalez" in card
    for seen in (
        "24 Dec 1950 (75 years)",
        "+49 30 1234567",
        "Elderly at home",
        "Language: 🗣 Arabic · interpreter needed",
        "Living situation: Alone",
        "🔴 Housing",
        "🔴 Safety and risk — Fell twice this month",
        "🟡 Medical — Diabetes, insulin twice a day",
        "🟡 Income and benefits",
        "⚪ No need: Psycho-social, Psychiatric, Substance use, Daily living",
        "Provider · Dr. Weiss (GP)",
        "✅ Given · Share with referral agencies",
        "until 2 Mar 2027",
    ):
        assert seen in card, seen
    assert "Not answered yet" not in card

    done = await wanda.press(summary[-1], "Finish intake")
    assert texts.finished("C-0001").replace("<b>", "").replace("</b>", "") in done[-1].text
    goals = done[-1]
    # Numbered buttons, the whole of each goal in the message (issue 16: they were cut).
    assert labels(goals)[:4] == [
        "☑ 1. Secure stable housing",
        "☑ 2. Make a safety plan and reduce t…",
        "☐ 3. Get medical care in place and k…",
        "☐ 4. Secure income and the benefits …",
    ]
    for number, need in enumerate(["housing", "safety", "medical", "income"], 1):
        assert f"{number}. {texts.GOAL_FOR_NEED[need]}" in goals.text
    goals = (await wanda.press(goals, "medical care"))[-1]
    goals = (await wanda.press(goals, "safety plan"))[-1]  # untick
    saved = await wanda.press(goals, "Save as draft plan")
    assert "Draft plan saved for C-0001" in saved[-1].text

    client = await _client(harness)
    assert client.status == "active"
    assert (client.date_of_birth, client.phone, client.program, client.living_situation) == (
        date(1950, 12, 24),
        "+49 30 1234567",
        Program.ELDERLY,
        "alone",
    )
    assert client.address == "Hauptstraße 5, 10115 Berlin"
    assert client.emergency_contact == "Ana Gonzalez, daughter, +49 170 1234567"
    assert client.needs["medical"] == {"level": "some", "note": "Diabetes, insulin twice a day"}
    assert client.needs["housing"] == {"level": "urgent", "note": ""}
    assert client.needs["psychiatric"]["level"] == "none"
    assert sorted(client.needs) == sorted(intake.store.NEED_DOMAINS)
    contacts = await _rows(harness, ClientContact)
    assert [(c.relation, c.name, c.phone) for c in contacts] == [
        ("family", "Ana Gonzalez", "+49 170 1234567"),
        ("provider", "Dr. Weiss (GP)", None),
    ]
    [consent] = await _rows(harness, Consent)
    assert (consent.given, consent.scope, consent.recorded_at, consent.expires_on) == (
        True,
        "Share with referral agencies",
        clock.now(),
        date(2027, 3, 2),
    )
    [plan] = await _rows(harness, Plan)
    assert (plan.client_id, plan.status, plan.version) == (1, "draft", 1)
    assert [goal.description for goal in await _rows(harness, Goal, Goal.position)] == [
        texts.GOAL_FOR_NEED["housing"],
        texts.GOAL_FOR_NEED["medical"],
    ]

    events = await _rows(harness, AuditEvent)
    actions = [event.action for event in events]
    assert actions[0] == "intake.start" and actions[-2:] == ["intake.finish", "plan.create"]
    steps = {event.detail.get("step") for event in events if event.action == "intake.answer"}
    assert steps == set(intake.STEPS) - {"name"}
    # The trail says which step changed, never what was answered.
    trail = json.dumps([event.detail for event in events])
    for secret in ("Diabetes", "Gonzalez", "1234567", "Hauptstra", "Fell twice"):
        assert secret not in trail


async def test_back_corrects_an_answer(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake")
    await wanda.send("Maria Gonzalez")
    await wanda.send("24/12/1950")
    await wanda.send("030 1234")
    back = await tap(wanda, "Back")  # from the address to the phone
    assert "3/18 · Phone" in back[-1].text and "Saved: 030 1234" in back[-1].text
    await wanda.send("030 9999")
    assert (await _client(harness)).phone == "030 9999"
    await tap(wanda, "Skip")  # the address stays open
    await tap(wanda, "Skip")  # the emergency contact too
    await tap(wanda, "Skip")  # the language
    await tap(wanda, "Hospice")
    again = await tap(wanda, "Back")
    assert "Saved: Hospice" in again[-1].text
    await tap(wanda, "Disability")
    assert (await _client(harness)).program == "disability"
    # Back inside a step goes to its start; a second Back to the step before.
    await tap(wanda, "With family")
    await tap(wanda, "Urgent")
    level = await tap(wanda, "Back")
    assert "<b>Medical</b> needs?" in level[-1].html
    assert "Saved: 🔴 Urgent" in level[-1].text
    await tap(wanda, "Some need")
    assert (await _client(harness)).needs["medical"]["level"] == "some"
    living = await tap(wanda, "Back")
    living = await wanda.press(living[-1], "Back")
    assert "8/18 · Living situation" in living[-1].text
    assert "Saved: With family" in living[-1].text
    # Going back and skipping keeps what was saved.
    kept = await tap(wanda, "Skip")
    assert wanda.toasts()[-1] == texts.KEPT_TOAST and "9/18 · Medical" in kept[-1].text
    client = await _client(harness)
    assert (client.living_situation, client.needs["medical"]["level"]) == ("family", "some")
    events = await _rows(harness, AuditEvent)
    phone_answers = [e for e in events if e.detail.get("step") == "phone"]
    assert len(phone_answers) == 2


async def test_a_restart_in_the_middle_resumes_at_the_same_step(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake")
    await wanda.send("Maria Gonzalez")
    await tap(wanda, "Skip")
    await wanda.send("+49 30 1234567")
    await harness.restart()
    reply = await wanda.send("Hauptstraße 5")
    assert "5/18 · Emergency contact" in reply[-1].text
    await harness.restart()
    await tap(wanda, "Skip")  # the emergency contact
    reply = await tap(wanda, "Skip")  # the language
    assert "7/18 · Program" in reply[-1].text
    await tap(wanda, "Chronic illness")
    client = await _client(harness)
    assert (client.phone, client.address, client.program) == (
        "+49 30 1234567",
        "Hauptstraße 5",
        "chronic",
    )


async def test_an_idle_intake_is_offered_back_by_intake_even_after_a_restart(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake")
    await wanda.send("Maria Gonzalez")
    await wanda.send("24/12/1950")
    await wanda.send("+49 30 1234567")
    clock.advance(timedelta(minutes=31))
    await harness.restart()
    kept = await wanda.send("Hauptstraße 5")
    assert "kept what you wrote as a draft" in kept[0].text and "/intake" in kept[0].text
    assert "My caseload" in (await wanda.send("/clients"))[0].text
    offer = await wanda.send("/intake")
    assert "Resume the intake for C-0001 · Maria Gonzalez?" in offer[0].text
    assert labels(offer[0]) == ["▶ C-0001 · Maria Gonzalez", texts.START_NEW, texts.CANCEL]
    question = await wanda.press(offer[0], "C-0001")
    assert "4/18 · Address" in question[-1].text
    # What was typed as the draft was kept is offered back on the question it answered.
    used = await tap(wanda, "Use “Hauptstraße 5”")
    assert "5/18 · Emergency contact" in used[-1].text
    client = await _client(harness)
    assert (client.address, client.status) == ("Hauptstraße 5", "intake")
    audit_actions = [e.action for e in await _rows(harness, AuditEvent)]
    assert "intake.resume" in audit_actions


async def test_consent_refused_and_given_are_recorded_with_scope_and_time(harness, clock):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake")
    await wanda.send("Maria Gonzalez")
    await _skip_to(wanda, "Consent")
    scope = await tap(wanda, "Refused")
    assert texts.ASK_SCOPE_REFUSED in scope[-1].text
    await wanda.send("Share anything with the housing office")
    offer = live(wanda)
    assert texts.skipped_offer(16) in offer.text
    [refused] = await _rows(harness, Consent)
    worker_id = await harness.worker_id(701)
    assert (refused.given, refused.scope, refused.recorded_at, refused.recorded_by_id) == (
        False,
        "Share anything with the housing office",
        clock.now(),
        worker_id,
    )
    assert refused.expires_on is None

    clock.advance(timedelta(minutes=5))
    back = await wanda.press(offer, "Back")
    assert "🚫 Refused · Share anything with the housing office" in back[-1].text
    await tap(wanda, "Given")
    expiry = await tap(wanda, "referral agencies")
    assert "Until when" in expiry[-1].text
    assert "The consent must be valid beyond today" in (await wanda.send("01/03/2026"))[-1].text
    assert "can't read that as a date" in (await wanda.send("next year"))[-1].text
    await wanda.send("31/12/2026")
    refused, given = await _rows(harness, Consent)
    assert (given.given, given.scope, given.recorded_at, given.expires_on) == (
        True,
        "Share with referral agencies",
        clock.now(),
        date(2026, 12, 31),
    )
    async with harness.db.session() as session:
        assert (await consents.may_share(session, 1, date(2026, 6, 1))).id == given.id
        assert await consents.may_share(session, 1, date(2027, 1, 1)) is None

    # "Later" records nothing: the question stays open.
    await tap(wanda, "Back")
    await tap(wanda, "Later")
    assert len(await _rows(harness, Consent)) == 2
    consent_events = [
        e.detail for e in await _rows(harness, AuditEvent) if e.detail.get("step") == "consent"
    ]
    assert consent_events == [
        {"step": "consent", "given": False},
        {"step": "consent", "given": True},
    ]


async def test_people_around_the_client_are_saved_as_contacts(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake")
    await wanda.send("Maria Gonzalez")
    await _skip_to(wanda, "People around the client")
    assert texts.ASK_CONTACT_RELATION in live(wanda).text
    await tap(wanda, "Caregiver")
    await wanda.send("Olga <Care> & Co")
    assert (await wanda.send("call Olga"))[-1].text == texts.NOT_A_PHONE
    listed = await wanda.send("0170 555 1234")
    assert "Caregiver · Olga <Care> & Co · 0170 555 1234" in listed[-1].text
    await tap(wanda, "Family")
    back = await tap(wanda, "Back")  # no name typed: nothing added
    assert texts.ASK_CONTACT_RELATION in back[-1].text
    await tap(wanda, "Other")
    await wanda.send("Neighbour Tom")
    await tap(wanda, "No phone")
    consent = await tap(wanda, "Done")
    assert "Consent" in consent[-1].text
    contacts = await _rows(harness, ClientContact)
    assert [(c.client_id, c.relation, c.name, c.phone) for c in contacts] == [
        (1, "caregiver", "Olga <Care> & Co", "0170 555 1234"),
        (1, "other", "Neighbour Tom", None),
    ]


async def test_stickers_html_and_over_long_input_get_clear_answers(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake")
    assert (await wanda.send_sticker())[-1].text == texts.TYPE_ANSWER
    assert (await wanda.send("x"))[-1].text == texts.NAME_TOO_SHORT
    named = await wanda.send("<b>Bob</b> & <i>Co")
    assert "Intake · C-0001 · <b>Bob</b> & <i>Co" in named[-1].text
    assert (await _client(harness)).name == "<b>Bob</b> & <i>Co"
    assert (await wanda.send("31/02/1950"))[-1].text == texts.NO_SUCH_DATE
    assert (await wanda.send("24/12/2030"))[-1].text == texts.BIRTH_IN_FUTURE
    assert (await wanda.send("01/01/1890"))[-1].text == texts.TOO_OLD
    assert "four digits" in (await wanda.send("24/12/50"))[-1].text
    assert "2/18 · Date of birth" in live(wanda).text  # still asking
    await wanda.send("1950-12-24")
    assert (await _client(harness)).date_of_birth == date(1950, 12, 24)
    too_long = await wanda.send("1" * 40)
    assert "this answer can hold 30" in too_long[-1].text
    await wanda.send("+49 30 1234567")
    too_long = await wanda.send("Hauptstraße " * 60)
    assert "this answer can hold 500" in too_long[-1].text
    assert (await _client(harness)).address is None
    await wanda.send("<Hauptstraße> 5 & 7")
    await tap(wanda, "Skip")
    await tap(wanda, "Skip")  # the language
    # Buttons expected: text and stickers are told so.
    assert (await wanda.send("elderly"))[-1].text == texts.USE_BUTTONS
    assert (await wanda.send_sticker())[-1].text == texts.USE_BUTTONS
    assert (await wanda.send("/help"))[-1].text == texts.still_open("intake", "C-0001")
    question = live(wanda)
    await wanda.press_data(question.message_id, "in:v:bogus")
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    old = [m for m in wanda.messages() if "Date of birth" in m.text][0]
    await wanda.press_data(old.message_id, "in:v:elderly")
    assert wanda.toasts()[-1] == texts.STALE_BUTTON
    assert (await _client(harness)).program == "other"
    # /intake mid-way shows the current question again, at the bottom.
    again = await wanda.send("/intake")
    assert "7/18 · Program" in again[-1].text and buttons(again[-1])
    # /cancel keeps what was saved, and /intake resumes it where it stopped.
    cancelled = await wanda.send("/cancel")
    assert cancelled[-1].text == texts.cancelled_kept("C-0001")
    client = await _client(harness)
    assert (client.status, client.address) == ("intake", "<Hauptstraße> 5 & 7")
    offer = await wanda.send("/intake")
    resumed = await wanda.press(offer[-1], "C-0001")
    assert "7/18 · Program" in resumed[-1].text


async def test_another_worker_cannot_resume_someone_elses_intake(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker", team="North")
    walt = await harness.seed_worker(703, "Walt Colleague", team="North")
    await wanda.send("/intake")
    await wanda.send("Maria Gonzalez")
    await wanda.send("/cancel")

    hello = await walt.send("/help")
    await walt.press_data(hello[0].message_id, "cf:intake:1")
    assert walt.toasts()[-1] == texts.CLIENT_GONE
    assert all("Maria" not in message.text for message in walt.messages())
    own = await walt.send("/intake")  # nothing of Wanda's is offered to Walt
    assert texts.ASK_NAME in own[-1].text
    await walt.press_data(own[-1].message_id, "in:resume:1")
    await walt.send("/cancel")
    assert all("Maria" not in message.text for message in walt.messages())
    refused = [
        (e.action, e.actor_worker_id, e.client_id)
        for e in await _rows(harness, AuditEvent)
        if not e.allowed
    ]
    assert refused == [("intake.resume", await harness.worker_id(703), 1)]

    # Wanda herself resumes from the client card; a finished intake is not reopened.
    card = await wanda.send("/client C-0001")
    question = await wanda.press_data(card[0].message_id, "cf:intake:1")
    assert "2/18 · Date of birth" in question[-1].text
    await wanda.send("/cancel")
    async with harness.db.session() as session:
        (await session.get(Client, 1)).status = "active"
    await wanda.press_data(card[0].message_id, "cf:intake:1")
    assert wanda.toasts()[-1] == texts.not_in_intake("C-0001")
    assert texts.ASK_NAME in (await wanda.send("/intake"))[-1].text


async def test_several_intakes_in_progress_are_offered_and_rebuilt_from_the_record(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake")
    await wanda.send("Maria Gonzalez")
    await wanda.send("24/12/1950")
    await wanda.send("+49 30 1234567")
    await wanda.send("/cancel")
    offer = await wanda.send("/intake")
    fresh = await wanda.press(offer[-1], "Start a new one")
    assert texts.ASK_NAME in fresh[-1].text
    await wanda.send("Bob Brown")
    await wanda.send("/cancel")
    offer = await wanda.send("/intake")
    assert labels(offer[-1])[:2] == ["▶ C-0002 · Bob Brown", "▶ C-0001 · Maria Gonzalez"]
    # Maria's place was not kept (Bob's draft took the slot): it is rebuilt from her record.
    resumed = await wanda.press(offer[-1], "Maria")
    assert "4/18 · Address" in resumed[-1].text
    # A client added by /newclient is not an intake and is never offered.
    wanda_id = await harness.worker_id(701)
    async with harness.db.session() as session:
        await client_store.create_client(
            session,
            name="Active Person",
            program=Program.OTHER,
            contact_frequency_days=30,
            worker_id=wanda_id,
            now=harness.clock.now(),
        )
    await wanda.send("/cancel")
    offer = await wanda.send("/intake")
    assert all("Active Person" not in label for label in labels(offer[-1]))


def test_dates_are_read_day_first_or_month_first_with_a_four_digit_year():
    today = date(2026, 3, 2)
    assert intake.read_birth_date("24/12/1950", "DMY", today) == date(1950, 12, 24)
    assert intake.read_birth_date("12/24/1950", "MDY", today) == date(1950, 12, 24)
    assert intake.read_birth_date("24.12.1950", "DMY", today) == date(1950, 12, 24)
    assert intake.read_birth_date("1950-12-24", "MDY", today) == date(1950, 12, 24)
    assert intake.read_birth_date("2/3/2026", "DMY", today) == date(2026, 3, 2)
    assert intake.read_birth_date("3/3/2026", "DMY", today) == texts.BIRTH_IN_FUTURE
    assert intake.read_birth_date("3/3/1905", "DMY", today) == date(1905, 3, 3)  # 120 today
    assert intake.read_birth_date("2/3/1905", "DMY", today) == texts.TOO_OLD  # 121 today
    assert intake.read_expiry("2/3/2036", "DMY", today) == date(2036, 3, 2)
    assert intake.read_expiry("3/3/2036", "DMY", today) == texts.EXPIRY_TOO_FAR
    assert intake.read_phone("+49 (30) 123-45/67") == "+49 (30) 123-45/67"
    assert intake.read_phone("12") is None and intake.read_phone("call me") is None


async def test_finishing_with_questions_still_open_and_no_needs_marked(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await wanda.send("/intake Maria Gonzalez")
    for _ in range(len(intake.STEPS) - 1):
        await tap(wanda, "Skip")
    offer = live(wanda)
    assert texts.skipped_offer(17) in offer.text
    summary = await wanda.press(offer, "Go to the summary")
    assert "Not answered yet: Date of birth, Phone" in summary[-1].text
    assert texts.CONSENT_NONE in summary[-1].text
    assert "Answer them now (17)" in labels(summary[-1])[1]
    done = await wanda.press(summary[-1], "Finish intake")
    assert "Intake for C-0001 finished" in done[-1].text and not buttons(done[-1])
    assert (await _client(harness)).status == "active"
    assert await _rows(harness, Plan) == []
    assert not any("still open" in m.text for m in await wanda.send("/clients"))


async def test_chosen_goals_join_a_draft_plan_that_already_exists(db, clock):
    now = clock.now()
    async with db.session() as session:
        client = await intake.store.start(session, name="Maria Gonzalez", worker_id=None, now=now)
        first = await intake.store.create_draft_plan(
            session,
            client_id=client.id,
            goals=["Secure stable housing"],
            created_by_id=None,
            now=now,
        )
        again = await intake.store.create_draft_plan(
            session,
            client_id=client.id,
            goals=["Connect with mental health care"],
            created_by_id=None,
            now=now,
        )
        assert again.id == first.id and (first.version, first.status) == (1, "draft")
        goals = (
            await session.execute(select(Goal.position, Goal.description).order_by(Goal.id))
        ).all()
    assert goals == [(1, "Secure stable housing"), (2, "Connect with mental health care")]
