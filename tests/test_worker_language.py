"""Each worker's language and date order (issue 17), through the real stack: joining in
the language of one's Telegram app, choosing another in /settings, and everything pushed
to someone (reminders, agendas, risk alerts) worded in the recipient's language."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.results import Invalid
from domain.settings import ConfigError, load_settings
from domain.usecases.settings import SetDateOrder, SetLanguage, change_setting
from domain.work import Work
from storage.kinds import InteractionType, Role
from storage.machinery import AuditEvent
from storage.models import Worker
from storage.workers import Actor
from tests.harness import buttons, running
from ui import i18n, menu, texts

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def said(language: str, name: str) -> str:
    """A text constant as the catalog of `language` has it."""
    with i18n.speaking(language):
        return getattr(texts, name)


async def _stored(harness, user_id: int) -> Worker:
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        worker = await session.get(Worker, worker_id)
        assert worker is not None
        return worker


def _chat_menu(harness, chat_id: int) -> list[str]:
    """The descriptions of the command menu set for one chat."""
    scope = json.dumps({"type": "chat", "chat_id": chat_id}, sort_keys=True)
    return [command["description"] for command in harness.state.commands.get((scope, ""), [])]


def _menu_in(language: str, role: str = Role.WORKER) -> list[str]:
    with i18n.speaking(language):
        return [command.description for command in menu.commands_for(role)]


async def test_a_worker_whose_app_speaks_mexican_spanish_joins_and_is_answered_in_spanish(
    harness,
):
    harness.state.user(720, first_name="Lucía", language_code="es-MX")
    lucia = harness.person(720, "Lucía")
    code = await harness.invite_code()
    [welcome] = await lucia.send(f"/start {code}")
    with i18n.speaking("es"):
        assert welcome.text.startswith("Bienvenido") or "Caseline" in welcome.text
        assert "Qué puedo hacer" in welcome.text
    assert (await _stored(harness, 720)).language == "es"
    [help_] = await lucia.send("/help")
    assert "Qué puedo hacer" in help_.text
    [clients] = await lucia.send("/clients")
    assert clients.text == said("es", "CASELOAD_EMPTY")
    # Their chat's command menu is Spanish (Telegram's own scoping follows the app).
    assert _chat_menu(harness, 720) == _menu_in("es") != _menu_in("en")


async def test_an_app_language_caseline_does_not_speak_is_the_organisations(harness):
    harness.state.user(721, first_name="Ana", language_code="pt-BR")
    ana = harness.person(721, "Ana")
    [welcome] = await ana.send(f"/start {await harness.invite_code()}")
    assert "What I can do" in welcome.text
    assert (await _stored(harness, 721)).language is None


async def test_choosing_deutsch_in_settings_reshows_settings_in_german(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    card = await wanda.send("/settings")
    assert "🌐 Language: English (organisation default)" in card[-1].text
    assert "📅 Dates: 24/12 (organisation default)" in card[-1].text
    choices = await wanda.press(card[-1], "Language")
    assert [label for label, _ in buttons(choices[-1])] == [
        "English",
        "Español",
        "Deutsch",
        "Français",
        "Organisation default",
        texts.BACK,
    ]
    german = await wanda.press(choices[-1], "Deutsch")
    assert german[-1].text.startswith(said("de", "SETTINGS_TITLE"))
    assert f"🌐 {said('de', 'SETTINGS_LANGUAGE')}: Deutsch" in german[-1].text
    assert said("de", "SETTINGS_SAVED") in wanda.toasts()
    assert (await _stored(harness, 701)).language == "de"
    await wanda.press(german[-1], said("de", "DONE"))
    [clients] = await wanda.send("/clients")
    assert clients.text == said("de", "CASELOAD_EMPTY")
    assert _chat_menu(harness, 701) == _menu_in("de") != _menu_in("en")
    async with harness.db.session() as session:
        events = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "settings.change"))
        ).scalars()
        assert [e.detail for e in events] == [{"setting": "language", "value": "de"}]

    # Back to the organisation's: English again, and so is the menu.
    card = await wanda.send("/settings")
    choices = await wanda.press(card[-1], said("de", "SETTINGS_LANGUAGE"))
    english = await wanda.press(choices[-1], said("de", "SETTINGS_ORGANISATION_DEFAULT"))
    assert english[-1].text.startswith("Your settings")
    assert (await _stored(harness, 701)).language is None
    assert _chat_menu(harness, 701) == _menu_in("en")


async def test_a_supervisor_gets_the_lead_menu_in_their_language(harness):
    sue = await harness.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR)
    card = await sue.send("/settings")
    choices = await sue.press(card[-1], "Language")
    await sue.press(choices[-1], "Français")
    assert _chat_menu(harness, 710) == _menu_in("fr", Role.SUPERVISOR)
    assert len(_menu_in("fr", Role.SUPERVISOR)) > len(_menu_in("fr"))


async def test_a_french_supervisor_gets_a_spanish_workers_risk_alert_in_french(harness, clock):
    await harness.seed_worker(701, "Lucía Worker", team="North", language="es")
    lucia = harness.person(701, "Lucía")
    sue = await harness.seed_worker(
        710, "Sue Supervisor", role=Role.SUPERVISOR, team="North", language="fr"
    )
    await harness.seed_client(701)
    clock.set(berlin(2026, 3, 3, 10, 30))
    with i18n.speaking("es"):
        home_visit = texts.KIND_NAMES[InteractionType.HOME_VISIT]
        risk, save = texts.RISK_BUTTON, texts.SAVE
    ask = await lucia.send("/note C-0001")
    card = await lucia.press(ask[-1], home_visit)
    await lucia.press(card[-1], risk)
    await lucia.send("Habló de <terminar> con todo")
    await lucia.send("Plan de seguridad hecho.")
    saved = await lucia.press(lucia.last(), save)
    assert "Sue Supervisor" in saved[-1].text
    await harness.settle()
    await harness.state.wait_for_events(0, chat_id=710, kinds=["send"], timeout=10)
    alert = sue.last()
    with i18n.speaking("fr"):
        french = texts.risk_alert("Lucía Worker", "C-0001 Maria Gonzalez", "X")
    assert "Risque signalé" in french
    assert "Risque signalé" in alert.text and "Lucía Worker" in alert.text
    assert "Habló de <terminar> con todo" in alert.text  # as written
    assert [label for label, _ in buttons(alert)] == [
        said("fr", "ACKNOWLEDGE"),
        said("fr", "OPEN_CLIENT"),
    ]


async def test_the_morning_agenda_of_a_german_worker_is_german(harness, clock):
    greta = await harness.seed_worker(702, "Greta Worker", language="de")
    wanda = await harness.seed_worker(701, "Wanda Worker")
    clock.set(berlin(2026, 3, 3, 7, 0))
    for user_id in (701, 702):
        await harness.seed_client(user_id, "Ann Overdue", last_contact_at=berlin(2026, 2, 1))
    clock.set(berlin(2026, 3, 3, 8, 0))
    await harness.tick()
    [german] = greta.messages()
    [english] = wanda.messages()
    assert "Guten Morgen, Greta" in german.text
    assert "Good morning" in english.text
    assert [label for label, _ in buttons(german)] == [said("de", "OPEN_TODAY")]


async def test_an_appointment_reminder_to_a_german_worker_is_german(harness, clock):
    from tests.test_reminders import _appointment

    greta = await harness.seed_worker(702, "Greta Worker", language="de")
    client = await harness.seed_client(702, last_contact_at=berlin(2026, 3, 2))
    await _appointment(harness, 702, client, berlin(2026, 3, 3, 15, 0))
    clock.set(berlin(2026, 3, 3, 14, 0))
    await harness.tick()
    labels = [label for message in greta.messages() for label, _ in buttons(message)]
    assert said("de", "MARK_DONE") in labels and said("de", "SNOOZE_HOUR") in labels
    assert said("en", "MARK_DONE") not in labels


async def _appt(wanda, typed: str) -> str:
    ask = await wanda.send("/appt")
    await wanda.press(ask[-1], "C-0001")
    return (await wanda.send(typed))[-1].text


async def test_each_workers_date_order_reads_3_12(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701)
    assert "3 Dec" in await _appt(wanda, "3/12 10:00")  # the organisation's: DMY
    await wanda.send("/cancel")
    card = await wanda.send("/settings")
    choices = await wanda.press(card[-1], "Dates")
    changed = await wanda.press(choices[-1], "12/24")
    assert "📅 Dates: 12/24" in changed[-1].text
    assert (await _stored(harness, 701)).date_order == "MDY"
    await wanda.press(changed[-1], texts.DONE)
    assert "12 Mar" in await _appt(wanda, "3/12 10:00")


async def test_caseline_language_speaks_to_those_without_a_language_of_their_own(
    devserver, db, db_url, clock
):
    async with running(devserver, db, db_url, clock, CASELINE_LANGUAGE="de") as harness:
        harness.state.user(721, first_name="Ana", language_code="pt-BR")
        ana = harness.person(721, "Ana")
        [welcome] = await ana.send(f"/start {await harness.invite_code()}")
        assert "Was ich kann" in welcome.text
        assert _chat_menu(harness, 721) == _menu_in("de")
        # The menu everyone else sees is in the organisation's language too.
        default = json.dumps({"type": "default"}, sort_keys=True)
        described = [c["description"] for c in harness.state.commands[(default, "")]]
        assert described == _menu_in("de")[: len(described)]


async def test_a_stranger_is_refused_in_their_apps_language(harness):
    harness.state.user(730, first_name="Fanny", language_code="fr")
    fanny = harness.person(730, "Fanny")
    [refusal] = await fanny.send("/help")
    assert refusal.text == said("fr", "UNKNOWN_USER") != said("en", "UNKNOWN_USER")


@pytest.mark.parametrize("typed", ["klingon", "pt", "en_US"])
def test_a_language_caseline_does_not_ship_is_one_line(typed):
    with pytest.raises(ConfigError) as refused:
        load_settings({"CASELINE_LANGUAGE": typed})
    message = str(refused.value)
    assert "\n" not in message and "CASELINE_LANGUAGE" in message
    assert "en, es, de, fr" in message


def test_caseline_language_defaults_to_english():
    assert load_settings({}).language == "en"
    assert load_settings({"CASELINE_LANGUAGE": " DE "}).language == "de"


async def test_only_shipped_languages_and_the_two_date_orders_are_saved(harness):
    await harness.seed_worker(701, "Wanda Worker")
    worker = await _stored(harness, 701)
    actor = Actor.of(worker)
    work = Work(harness.db, harness.clock, harness.application.bot_data["services"].settings)
    assert await change_setting(work, actor, SetLanguage("xx")) == Invalid("language")
    assert await change_setting(work, actor, SetDateOrder("YMD")) == Invalid("date_order")
    saved = await change_setting(work, actor, SetDateOrder("MDY"))
    assert not isinstance(saved, Invalid) and saved.value.date_order == "MDY"


async def test_a_promoted_worker_gets_the_lead_menu_in_their_language(harness):
    ada = await harness.seed_worker(730, "Ada Admin", role=Role.ADMIN, team="North")
    await harness.seed_worker(731, "Will Worker", team="North", language="de")
    card = (await ada.press((await ada.send("/team"))[-1], "Will Worker"))[-1]
    question = (await ada.press(card, texts.TEAM_ROLE))[-1]
    confirm = (await ada.press(question, "Supervisor"))[-1]
    await ada.press(confirm, texts.TEAM_YES_ROLE)
    assert _chat_menu(harness, 731) == _menu_in("de", Role.SUPERVISOR)
