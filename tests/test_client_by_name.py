"""Issue 16, "names everywhere", first step: `/client` and `/history` take a name or part of
one as well as a code. One match opens it; several ask which (buttons); none says that no
client of theirs is called so (not the refusal a code gets); nobody else's client is found
by name or leaks through the choices."""

from __future__ import annotations

from sqlalchemy import select

from storage.machinery import AuditEvent
from tests.harness import buttons
from ui import texts


async def _team(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    will = await harness.seed_worker(702, "Will Worker", team="South")
    await harness.seed_client(701, "Maria Gonzalez")  # C-0001
    await harness.seed_client(701, "Mark Twain")  # C-0002
    await harness.seed_client(702, "Tomasz Nowak")  # C-0003, Will's
    await harness.seed_client(701, "Jamal Carter")  # C-0004
    return wanda, will


async def test_a_name_that_fits_one_client_opens_the_card(harness):
    wanda, _ = await _team(harness)
    [card] = await wanda.send("/client maria")
    assert "C-0001 · Maria Gonzalez" in card.text
    [history] = await wanda.send("/history gonz")
    assert "Maria Gonzalez" in history.text
    async with harness.db.session() as session:
        looks = (await session.execute(select(AuditEvent.action, AuditEvent.client_id))).all()
    assert ("client.view", 1) in looks and ("client.history", 1) in looks


async def test_a_name_that_fits_several_asks_which_then_opens_the_chosen(harness):
    wanda, _ = await _team(harness)
    # "ma" starts Maria and Mark; Jamal only has it inside a word, so he is not offered.
    [ask] = await wanda.send("/client ma")
    assert ask.text == texts.clients_called("ma")
    assert [label for label, _ in buttons(ask)] == [
        "C-0001 · Maria Gonzalez",
        "C-0002 · Mark Twain",
    ]
    [card] = await wanda.press(ask, "Mark Twain")
    assert "C-0002 · Mark Twain" in card.text

    [ask] = await wanda.send("/history MAR")
    [history] = await wanda.press(ask, "Maria")
    assert "Maria Gonzalez" in history.text


async def test_a_name_that_fits_none_says_so_and_is_not_a_refusal(harness):
    wanda, _ = await _team(harness)
    [reply] = await wanda.send("/client tomasz")  # Will's client, in another team
    assert reply.text == texts.no_client_called("tomasz")
    assert "Tomasz" not in str(buttons(reply))
    [reply] = await wanda.send("/history nobody at all")
    assert reply.text == texts.no_client_called("nobody at all")

    # A code stays a code: someone else's is refused (and audited) as before.
    [refusal] = await wanda.send("/client C-0003")
    assert refusal.text == texts.client_not_found("C-0003")
    assert await harness.refused_subjects() == [3]


async def test_the_choices_never_include_someone_elses_client(harness):
    wanda, will = await _team(harness)
    await harness.seed_client(702, "Maria Lopez")  # Will's
    [card] = await wanda.send("/client maria")  # only Wanda's Maria fits
    assert "C-0001 · Maria Gonzalez" in card.text
    [ask] = await will.send("/client a")  # one letter: too short to search by
    assert ask.text == texts.no_client_called("a")
    [card] = await wanda.send("/client mal")  # inside a word only: still found
    assert "C-0004 · Jamal Carter" in card.text


def test_names_that_start_with_what_was_typed_win():
    from domain.rules.typed_names import best_matches
    from storage.models import Client

    clients = [Client(name=name) for name in ("Jamal Carter", "Maria Gonzalez", "Ana Maria Ruiz")]
    assert [c.name for c in best_matches("ma", clients)] == ["Maria Gonzalez", "Ana Maria Ruiz"]
    assert [c.name for c in best_matches("MARIA R", clients)] == ["Ana Maria Ruiz"]
    # What the search found for "mal" (names containing it): none starts a word, all stay.
    assert [c.name for c in best_matches("mal", clients[:1])] == ["Jamal Carter"]
    assert [c.name for c in best_matches("  ", clients)] == [c.name for c in clients]


async def _notes(harness) -> list[tuple[int, str, str]]:
    from storage.models import Note

    async with harness.db.session() as session:
        rows = await session.execute(
            select(Note.client_id, Note.interaction_type, Note.text).order_by(Note.id)
        )
    return [(client, str(kind), text) for client, kind, text in rows]


async def test_a_one_liner_takes_a_name_instead_of_the_code(harness):
    wanda, _ = await _team(harness)
    [saved] = await wanda.send("/note maria phone: left voicemail")
    assert "Note N-1 saved" in saved.text and "Maria Gonzalez" in saved.text
    [saved] = await wanda.send("/note Mark Twain office: brought the forms")
    assert "Note N-2 saved" in saved.text and "Mark Twain" in saved.text
    assert await _notes(harness) == [
        (1, "phone", "left voicemail"),
        (2, "office", "brought the forms"),
    ]


async def test_a_one_liner_whose_name_fits_several_keeps_its_text_while_asking(harness):
    wanda, _ = await _team(harness)
    [ask] = await wanda.send("/note ma phone: called back, all well")
    assert ask.text == texts.SEVERAL_CLIENTS_MATCH
    assert [label for label, _ in buttons(ask)][:2] == [
        "C-0001 · Maria Gonzalez",
        "C-0002 · Mark Twain",
    ]
    kinds = await wanda.press(ask, "Mark Twain")
    card = await wanda.press(kinds[-1], "Phone")
    assert "called back, all well" in card[-1].text
    await wanda.press(card[-1], "Save")
    assert await _notes(harness) == [(2, "phone", "called back, all well")]


async def test_a_one_liner_never_finds_someone_elses_client_by_name(harness):
    wanda, _ = await _team(harness)
    reply = await wanda.send("/note tomasz phone: left voicemail")  # Will's client
    assert "saved" not in reply[-1].text
    assert "Tomasz" not in reply[-1].text + str(buttons(reply[-1]))
    assert await _notes(harness) == []


async def test_a_dialog_started_with_a_name_that_fits_several_offers_them(harness):
    wanda, _ = await _team(harness)
    [ask] = await wanda.send("/appt ma")
    assert ask.text == texts.SEVERAL_CLIENTS_MATCH
    assert [label for label, _ in buttons(ask)][:2] == [
        "C-0001 · Maria Gonzalez",
        "C-0002 · Mark Twain",
    ]
    days = await wanda.press(ask, "Mark Twain")
    assert "C-0002" in days[-1].text
    await wanda.send("/cancel")
    [ask] = await wanda.send("/note ma")
    assert ask.text == texts.SEVERAL_CLIENTS_MATCH
    await wanda.send("/cancel")
    [ask] = await wanda.send("/refer ma")
    assert ask.text == texts.SEVERAL_CLIENTS_MATCH
    assert "Jamal" not in str(buttons(ask))
