"""One way to measure and split a message (ui/splitting.py): what Telegram counts, UTF-16
code units of the text after HTML parsing. Emoji outside the BMP count two there and one
under `len()`, so a plan written with them used to overflow Telegram's 4096 — the local
Bot API server refuses such a message exactly as Telegram does."""

from __future__ import annotations

from datetime import date, timedelta

from devserver.html_entities import parse_html, utf16_len
from storage.kinds import GoalStatus, PlanStatus
from storage.models import Goal, Plan
from tests.harness import buttons
from ui import texts
from ui.splitting import MESSAGE_LIMIT, html_pages, pack_blocks, split_plain, telegram_length

# Astral characters: one each under len(), two UTF-16 code units each for Telegram.
FACES = "😀🙂🌱🏠💊🚶"


def astral(count: int) -> str:
    return "".join(FACES[index % len(FACES)] for index in range(count))


def _telegram_counts(message_text: str) -> int:
    """The devserver stored the text as Telegram would: parsed, in UTF-16 units."""
    return utf16_len(message_text)


async def _seed_plan(harness, client_id: int, *, version: int, status: PlanStatus, goals):
    async with harness.db.session() as session:
        plan = Plan(
            client_id=client_id,
            version=version,
            status=status,
            interventions=astral(1200),
            review_interval_days=90,
            next_review_on=date(2026, 6, 1) if status == PlanStatus.ACTIVE else None,
            created_at=harness.clock.now() - timedelta(days=100 - version),
        )
        session.add(plan)
        await session.flush()
        for position, (description, measure, routine) in enumerate(goals, start=1):
            session.add(
                Goal(
                    plan_id=plan.id,
                    position=position,
                    description=description,
                    measure=measure,
                    routine=routine,
                    status=GoalStatus.IN_PROGRESS,
                )
            )
        return plan.id


async def test_a_plan_written_in_emoji_still_opens_within_telegrams_limit(harness, errors):
    """1,200 emoji of interventions and one goal of 3 × 500 emoji: 2,900 characters under
    len() (the full card "fitted" 3,800), 5,800 UTF-16 units for Telegram. The card now
    measures as Telegram does and shows its short form."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    goal = (astral(500), astral(500), astral(500))
    await _seed_plan(harness, client_id, version=1, status=PlanStatus.ACTIVE, goals=[goal])
    card = await wanda.send("/plan C-0001")
    assert errors.failed_updates() == 0
    assert card and "C-0001" in card[-1].text
    assert texts.PLAN_VERSIONS in [label for label, _ in buttons(card[-1])]
    assert _telegram_counts(card[-1].text) <= MESSAGE_LIMIT
    assert astral(40) in card[-1].text  # the goal is there, shortened


async def test_earlier_versions_written_in_emoji_are_paged_within_telegrams_limit(harness, errors):
    """Twenty goals of 500 emoji in an earlier version: 10,000 characters, 20,000 UTF-16
    units. Pages counted with len() came out at up to 7,600 units each and were refused."""
    wanda = await harness.seed_worker(701, "Wanda Worker")
    client_id = await harness.seed_client(701)
    old_goals = [(f"{number} " + astral(498), None, None) for number in range(1, 21)]
    await _seed_plan(harness, client_id, version=1, status=PlanStatus.SUPERSEDED, goals=old_goals)
    await _seed_plan(
        harness, client_id, version=2, status=PlanStatus.ACTIVE, goals=[("Walks daily", None, None)]
    )
    card = await wanda.send("/plan C-0001")
    shown = await wanda.press(card[-1], texts.PLAN_VERSIONS)
    assert errors.failed_updates() == 0
    pages = [message for message in shown if astral(20) in message.text]
    assert len(pages) >= 5
    assert all(_telegram_counts(page.text) <= MESSAGE_LIMIT for page in pages)
    joined = "\n".join(page.text for page in pages)
    for number in range(1, 21):  # every goal, none cut
        assert f"{number}. {number} {astral(498)}" in joined


def test_telegram_length_is_what_the_devserver_counts_after_parsing():
    samples = [
        "plain",
        "<b>bold</b> &amp; &lt;escaped&gt; 😀",
        f"<i>{astral(10)}</i>\n<b>C-0001 · Jörg</b> · &quot;x&quot;",
        '<a href="https://example.org">link</a> 🏠',
    ]
    for sample in samples:
        assert telegram_length(sample) == utf16_len(parse_html(sample).text), sample
    assert telegram_length(astral(5)) == 10 and len(astral(5)) == 5


def test_packing_counts_astral_characters_twice():
    """Blocks that fit 3,800 under len() but not under Telegram's count are paged."""
    blocks = [f"<b>{number}.</b> " + astral(300) for number in range(1, 13)]
    assert sum(len(block) for block in blocks) < 3800 < sum(map(telegram_length, blocks))
    pages = pack_blocks(blocks, lambda page, pages: f"<i>(page {page} of {pages})</i>")
    assert len(pages) == 2
    assert all(utf16_len(parse_html(page).text) <= MESSAGE_LIMIT for page in pages)
    assert pages[1].startswith("<i>(page 2 of 2)</i>\n\n")
    assert sum(page.count(astral(300)) for page in pages) == 12


def test_a_block_longer_than_a_message_is_kept_whole_as_plain_text():
    block = "<b>Summary:</b> " + " ".join(astral(7) for _ in range(700))  # ~10,500 units
    pages = pack_blocks(["<b>Title</b>", block], separator="\n", limit=3800)
    assert len(pages) >= 3
    assert all(telegram_length(page) <= 3800 for page in pages)
    words = " ".join(parse_html(page).text for page in pages).split()
    assert words == ["Title", "Summary:", *[astral(7)] * 700]


def test_a_long_note_with_an_emoji_name_in_its_header_fits():
    header = f"<b>Note · C-0001 · {astral(200)}</b>"
    body = " ".join(astral(9) for _ in range(1500))
    pages = html_pages(header, body)
    assert all(utf16_len(parse_html(page).text) <= MESSAGE_LIMIT for page in pages)
    pieces = split_plain(body)
    assert " ".join(pieces) == body
