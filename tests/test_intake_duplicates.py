"""Issue 16: /intake checks for a client of the worker's by the same name before it makes
the record, as /newclient does (one domain rule, domain.usecases.clients.clients_called,
and one offer, ui.views.same_name_offer): "C-0001 · Maria Gonzalez, born 24 Dec 1950, is
already one of your clients — open it / add a new one anyway". Only the clients the
worker may see are ever mentioned."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import Client
from tests.harness import buttons
from ui import texts


async def _clients(harness) -> list[tuple[str, str]]:
    async with harness.db.session() as session:
        rows = await session.execute(select(Client.name, Client.status).order_by(Client.id))
        return [(name, str(status)) for name, status in rows]


async def test_a_name_on_the_caseload_offers_its_card_instead_of_a_new_record(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez", date_of_birth=date(1950, 12, 24))
    await wanda.send("/intake")
    offer = (await wanda.send("maria  gonzalez"))[-1]
    assert "C-0001 · Maria Gonzalez, born 24 Dec 1950, is already one of your clients" in (
        offer.text
    )
    assert [label for label, _ in buttons(offer)] == [
        texts.newclient_open("C-0001"),
        texts.NEWCLIENT_ADD_ANYWAY,
        texts.CANCEL,
    ]
    assert await _clients(harness) == [("Maria Gonzalez", "active")]  # nothing made yet
    [card] = await wanda.press(offer, "Open C-0001")
    assert "C-0001 · Maria Gonzalez" in card.text
    # The intake is over: a text now is not taken for an answer.
    reply = await wanda.send("24/12/1950")
    assert "Date of birth" not in reply[-1].text
    assert await _clients(harness) == [("Maria Gonzalez", "active")]


async def test_add_anyway_starts_the_intake_of_a_second_client_by_that_name(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    [offer] = await wanda.send("/intake Maria Gonzalez")
    assert offer.text.startswith(f"{texts.NEW_INTAKE.replace('<b>', '').replace('</b>', '')}")
    assert "born" not in offer.text  # the record has no birth date to compare
    [question] = await wanda.press(offer, "Add a new one anyway")
    assert question.message_id == offer.message_id
    assert "saved as C-0002" in question.text and "Date of birth" in question.text
    assert await _clients(harness) == [("Maria Gonzalez", "active"), ("Maria Gonzalez", "intake")]
    # …and goes on as any intake does.
    reply = await wanda.send("3/4/1962")
    assert "Phone" in reply[-1].text


async def test_a_typed_answer_while_asked_needs_the_buttons_and_the_offer_comes_back(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await wanda.send("/intake Maria Gonzalez")
    [reply] = await wanda.send("Rosa Parks")
    assert reply.text == texts.USE_BUTTONS
    again = await wanda.send("/intake")  # the current screen again, at the bottom
    assert texts.NEWCLIENT_ADD_ANYWAY in str(buttons(again[-1]))
    await wanda.press(again[-1], "Cancel")
    assert await _clients(harness) == [("Maria Gonzalez", "active")]


async def test_someone_elses_client_by_that_name_is_never_mentioned(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_worker(702, "Will Worker", team="South")
    will_client = await harness.seed_client(702, "Tomasz Nowak")
    await harness.seed_client(701, "Tomasz Nowakowski")  # contains it, is not it
    [question] = await wanda.send("/intake Tomasz Nowak")
    assert "saved as C-0003" in question.text
    assert "C-0001" not in question.text + str(buttons(question))

    # A forged "open" naming Will's client in the offer: refused and audited.
    await wanda.send("/cancel")
    await harness.seed_client(701, "Maria Gonzalez")
    await wanda.send("/intake")
    offered = await wanda.press(wanda.last(), "Start a new one")
    offer = (await wanda.send("Maria Gonzalez"))[-1]
    assert offered and "already one of your clients" in offer.text
    seen = len(wanda.messages())
    await wanda.press_data(offer.message_id, f"in:open:{will_client}")
    assert "Tomasz" not in str([m.text for m in wanda.messages()[seen:]])
    assert wanda.toasts()[-1] == texts.client_not_found(f"C-{will_client:04d}")
    assert will_client in await harness.refused_subjects()
