"""Issue 16: /newclient checks for a client of the worker's by the same name before adding
a second one ("C-0001 Maria Gonzalez already exists — open it / add anyway"), among the
clients the worker may see only."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Client
from tests.harness import buttons
from ui import texts


async def _names(harness) -> list[str]:
    async with harness.db.session() as session:
        return list((await session.execute(select(Client.name).order_by(Client.id))).scalars())


async def test_a_name_already_on_the_caseload_offers_that_card(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    [ask] = await wanda.send("/newclient maria  GONZALEZ")
    assert ask.text.startswith("C-0001 · Maria Gonzalez is already one of your clients.")
    assert [label for label, _ in buttons(ask)] == [
        texts.newclient_open("C-0001"),
        texts.NEWCLIENT_ADD_ANYWAY,
        texts.CANCEL,
    ]
    [card] = await wanda.press(ask, "Open C-0001")
    assert "C-0001 · Maria Gonzalez" in card.text
    assert await _names(harness) == ["Maria Gonzalez"]
    # The dialog is over: a text now is not taken for a name.
    reply = await wanda.send("Rosa Parks")
    assert "Which program?" not in reply[-1].text


async def test_add_anyway_adds_a_second_client_by_that_name(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_client(701, "Maria Gonzalez")
    await wanda.send("/newclient")
    [ask] = await wanda.send("Maria Gonzalez")
    [programs] = await wanda.press(ask, "Add a new one anyway")
    assert programs.text == "Client: Maria Gonzalez\nWhich program?"
    [frequency] = await wanda.press(programs, "Hospice")
    [confirm] = await wanda.press(frequency, "14 d")
    await wanda.press(confirm, "Save")
    assert await _names(harness) == ["Maria Gonzalez", "Maria Gonzalez"]


async def test_someone_elses_client_by_that_name_is_never_mentioned(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_worker(702, "Will Worker", team="South")
    will_client = await harness.seed_client(702, "Tomasz Nowak")
    await harness.seed_client(701, "Tomasz Nowakowski")  # contains it, is not it
    [programs] = await wanda.send("/newclient Tomasz Nowak")
    assert programs.text == "Client: Tomasz Nowak\nWhich program?"
    assert "C-000" not in programs.text + str(buttons(programs))

    # A forged "open" in that step, naming Will's client: refused and audited.
    await wanda.send("/cancel")
    await harness.seed_client(701, "Maria Gonzalez")
    [ask] = await wanda.send("/newclient Maria Gonzalez")
    seen = len(wanda.messages())
    await wanda.press_data(ask.message_id, f"nc:open:{will_client}")
    assert "Tomasz" not in str([m.text for m in wanda.messages()[seen:]])
    assert wanda.toasts()[-1] == texts.client_not_found(f"C-{will_client:04d}")
    assert await harness.refused_subjects() == [will_client]
