"""Issue 16, "names everywhere", the remaining places: `/plan`, `/review` and `/visit` take a
name or part of one as well as a code, like /appt. One match goes on with that client;
several are offered as buttons and pressing one carries the dialog on; none says that no
client of the worker's is called so (a code names the refusal instead). Nobody else's
client is found by name."""

from __future__ import annotations

from datetime import date

from storage import plans as plan_store
from tests.harness import buttons
from ui import texts


async def _team(harness):
    wanda = await harness.seed_worker(701, "Wanda Worker")
    await harness.seed_worker(702, "Will Worker", team="South")
    await harness.seed_client(701, "Maria Gonzalez")  # C-0001
    await harness.seed_client(701, "Mark Twain")  # C-0002
    await harness.seed_client(702, "Tomasz Nowak")  # C-0003, Will's
    await harness.seed_client(701, "Jamal Carter")  # C-0004
    return wanda


async def _active_plan(harness, client_id: int, goal: str) -> None:
    worker_id = await harness.worker_id(701)
    async with harness.db.session() as session:
        plan = await plan_store.start_draft(
            session, client_id=client_id, created_by_id=worker_id, now=harness.clock.now()
        )
        await plan_store.add_goal(session, plan, description=goal, measure="", routine="")
        await plan_store.activate(session, plan, today=date(2026, 3, 2))


def _labels(message) -> list[str]:
    return [label for label, _ in buttons(message)]


async def test_plan_by_name_one_several_none(harness):
    wanda = await _team(harness)
    [card] = await wanda.send("/plan gonz")
    assert "C-0001" in card.text and "Maria Gonzalez" in card.text
    await wanda.send("/cancel")

    [ask] = await wanda.send("/plan ma")
    assert ask.text == texts.SEVERAL_CLIENTS_MATCH
    assert _labels(ask) == ["C-0001 · Maria Gonzalez", "C-0002 · Mark Twain", texts.CANCEL]
    card = await wanda.press(ask, "Mark Twain")
    assert "C-0002" in card[-1].text and "Mark Twain" in card[-1].text
    assert texts.PLAN_ADD_GOAL in str(_labels(card[-1]))
    await wanda.send("/cancel")

    [ask] = await wanda.send("/plan tomasz")  # Will's client: not found by name
    assert ask.text.startswith(texts.nobody_called("tomasz"))
    assert texts.PLAN_ASK_CLIENT.split("</b>")[-1].strip() in ask.text
    assert "Tomasz" not in str(_labels(ask))
    # …and the dialog waits for the client: a typed name now picks one.
    card = await wanda.send("jamal")
    assert "C-0004" in card[-1].text and "Jamal Carter" in card[-1].text


async def test_review_by_name_one_several_none(harness):
    wanda = await _team(harness)
    await _active_plan(harness, 1, "Eats two meals a day")
    await _active_plan(harness, 2, "Walks to the shop")
    [goal] = await wanda.send("/review gonzalez")
    assert "Review v1 · C-0001 · goal 1 of 1" in goal.text
    await wanda.send("/cancel")

    [ask] = await wanda.send("/review ma")
    assert ask.text == texts.SEVERAL_CLIENTS_MATCH
    assert _labels(ask)[:2] == ["C-0001 · Maria Gonzalez", "C-0002 · Mark Twain"]
    goal = await wanda.press(ask, "Mark Twain")
    assert "Review v1 · C-0002 · goal 1 of 1" in goal[-1].text
    assert "Walks to the shop" in goal[-1].text
    await wanda.send("/cancel")

    [ask] = await wanda.send("/review nobody")
    assert ask.text.startswith(texts.nobody_called("nobody"))
    await wanda.send("/cancel")
    # A code stays a code: someone else's is refused and audited as before.
    [refusal] = await wanda.send("/review C-0003")
    assert refusal.text == texts.plan_not_found("C-0003")
    assert 3 in await harness.refused_subjects()


async def test_visit_by_name_or_code_one_several_none(harness):
    wanda = await _team(harness)
    [when] = await wanda.send("/visit maria")
    assert "Visit with C-0001 · Maria Gonzalez. When was it?" in when.text
    await wanda.send("/cancel")
    [when] = await wanda.send("/visit C-0004")
    assert "C-0004 · Jamal Carter" in when.text
    await wanda.send("/cancel")

    [ask] = await wanda.send("/visit ma")
    assert ask.text == texts.SEVERAL_CLIENTS_MATCH
    assert "Jamal" not in str(_labels(ask))
    when = await wanda.press(ask, "Mark Twain")
    assert "C-0002 · Mark Twain" in when[-1].text
    card = await wanda.press(when[-1], "2 h ago")
    assert "C-0002" in card[-1].text
    await wanda.send("/cancel")

    [ask] = await wanda.send("/visit tomasz")
    assert ask.text.startswith(texts.nobody_called("tomasz"))
    assert "Tomasz" not in str(_labels(ask))
    [ask] = await wanda.send("/cancel")
    [ask] = await wanda.send("/visit C-0003")  # Will's, by code: not among hers
    assert ask.text.startswith(texts.client_not_found("C-0003"))
    assert 3 in await harness.refused_subjects()


async def test_appt_with_a_name_that_fits_none_says_so_above_the_question(harness):
    wanda = await _team(harness)
    [ask] = await wanda.send("/appt zzz")
    assert ask.text.startswith(texts.nobody_called("zzz"))
    assert "which client?" in ask.text
