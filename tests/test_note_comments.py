"""Comments on notes (issue 20): a supervisor (or an admin) of the client's team opens a
note from the card, /history or `/comment N-12`, adds a comment or co-signs it; the note
never changes; the comment and the co-sign show under the note on the card, in /history
and in both exports; the note's author is told in her language (under private previews
by code and initials, the comment behind 👁 Open). A worker, another team's supervisor
or admin, a forged button: refused and audited. Both databases, through the local Bot
API server; the clock is injected, never slept on.
"""

from __future__ import annotations

import csv
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from domain.results import Invalid
from domain.usecases import note_comments as usecases
from storage.kinds import Role
from storage.machinery import AuditEvent
from storage.models import Note, Worker
from storage.supervision_tables import NoteComment
from storage.workers import Actor
from tests.harness import button_data, buttons, running
from ui import texts

WANDA, WILL, SUE, STAN, ADA, OTTO = 801, 802, 810, 820, 830, 840
NOTE_TEXT = "Pantry nearly empty, missed lunch twice"


# ── the world ──────────────────────────────────────────────────────────────────


async def _world(harness):
    """Wanda (North) wrote a note about Maria; Sue leads North, Will works in North, Stan
    leads South, Ada is North's admin, Otto an admin of South."""
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    sue = await harness.seed_worker(SUE, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await harness.seed_client(WANDA)
    await wanda.send(f"/note C-0001 phone: {NOTE_TEXT}")
    return wanda, sue


async def _card(person, code: str = "C-0001"):
    """The client card (a push that arrived meanwhile may be among the messages)."""
    shown = await person.send(f"/client {code}")
    return next(m for m in shown if any(d.startswith("cf:") for _, d in buttons(m)))


async def _page(person):
    """The note's page, opened from the card's button of its recent note."""
    card = await _card(person)
    data = next(data for _, data in buttons(card) if data.startswith("cm:v:"))
    [page] = await person.press_data(card.message_id, data)
    assert page.message_id != card.message_id  # below: the card stays
    return page


async def _pushed(harness, person, before: int):
    await harness.state.wait_for_events(before, chat_id=person.user_id, kinds=["send"])
    await harness.settle()
    return person.last()


async def _rows(harness, model, *where):
    async with harness.db.session() as session:
        statement = select(model).where(*where).order_by(model.id)
        return list((await session.execute(statement)).scalars())


async def _audit(harness, action: str, *, allowed: bool | None = None) -> list[AuditEvent]:
    where = [AuditEvent.action == action]
    if allowed is not None:
        where.append(AuditEvent.allowed.is_(allowed))
    return await _rows(harness, AuditEvent, *where)


async def _actor(harness, user_id: int) -> Actor:
    worker_id = await harness.worker_id(user_id)
    async with harness.db.session() as session:
        worker = await session.get(Worker, worker_id)
        assert worker is not None
        return Actor.of(worker)


async def _export(person, fmt: str, harness) -> bytes:
    card = await _card(person)
    [menu] = await person.press(card, texts.CARD_EXPORT)
    sent = await person.press(menu, fmt.upper())
    [document] = [message for message in sent if message.document]
    return harness.state.file_bytes(document.file_id)


# ── a comment ──────────────────────────────────────────────────────────────────


async def test_a_supervisor_comments_from_the_card_and_the_author_is_told(harness):
    wanda, sue = await _world(harness)
    card = await _card(sue)
    # A supervisor's card: a button for each recent note, labelled as its line begins.
    assert "💬 Mon 2 Mar 2026 · Phone" in [label for label, _ in buttons(card)]
    assert not [data for _, data in buttons(await _card(wanda)) if data.startswith("cm:")]
    page = await _page(sue)
    assert "📝 Note N-1 · C-0001 Maria Gonzalez" in page.text and NOTE_TEXT in page.text
    assert [label for label, _ in buttons(page)][:2] == [texts.COMMENT_BUTTON, texts.COSIGN_BUTTON]
    [ask] = await sue.press(page, texts.COMMENT_BUTTON)
    assert ask.text == texts.comment_ask(1, "C-0001")

    before = harness.state.last_seq
    saved, shown = await sue.send("Please call the <food bank> & the GP today")
    assert saved.text == texts.comment_saved(1)
    assert "💬 Sue Supervisor, Mon 2 Mar 09:00:" in shown.text or "Sue Supervisor" in shown.text
    assert "Please call the <food bank> & the GP today" in shown.text  # escaped, shown whole

    [comment] = await _rows(harness, NoteComment)
    assert (comment.note_id, comment.cosign) == (1, False)
    assert comment.text == "Please call the <food bank> & the GP today"
    [note] = await _rows(harness, Note)
    assert note.text == NOTE_TEXT  # the note is never touched
    [audited] = await _audit(harness, "note.comment")
    assert (audited.actor_worker_id, audited.subject_id, audited.client_id) == (
        await harness.worker_id(SUE),
        1,
        1,
    )
    assert audited.detail == {"comment": comment.id}  # by ids, never the words

    # Wanda is told, with the comment and 👁 Open.
    told = await _pushed(harness, wanda, before)
    assert told.text.startswith("💬 Sue Supervisor commented on your note N-1 (C-0001 Maria")
    assert "Please call the <food bank> & the GP today" in told.text
    assert [label for label, _ in buttons(told)] == [texts.OPEN_NOTE, texts.OPEN_CLIENT]
    [opened] = await wanda.press(told, texts.OPEN_NOTE)
    assert opened.message_id != told.message_id and "food bank" in opened.text
    # A worker reads the page; comment and co-sign are not hers to press.
    assert texts.COMMENT_BUTTON not in [label for label, _ in buttons(opened)]
    assert await _audit(harness, "note.view", allowed=True)


async def test_the_author_is_told_in_her_language(harness):
    wanda, sue = await _world(harness)
    await harness.speaks(WANDA, "de")
    before = harness.state.last_seq
    await sue.send("/comment N-1 Bitte den Hausarzt anrufen")
    told = await _pushed(harness, wanda, before)
    assert told.text.startswith(
        "💬 Sue Supervisor hat Ihre Notiz N-1 kommentiert (C-0001 Maria Gonzalez, Mo. 2. März"
    )
    assert "Bitte den Hausarzt anrufen" in told.text
    assert [label for label, _ in buttons(told)][0] == "👁 Öffnen"


async def test_a_supervisor_commenting_on_her_own_note_tells_nobody(harness):
    _wanda, sue = await _world(harness)
    await harness.seed_client(SUE, "Hans Meier")
    await sue.send("/note C-0002 phone: Called, all well")
    before = harness.state.last_seq
    [saved, _page_shown] = await sue.send("/comment N-2 Follow up next week")
    assert saved.text == texts.comment_saved(2)
    await harness.settle()
    assert not [e for e in harness.state.events() if e.seq > before and e.kind == "send"][2:]


# ── co-sign, and what shows where ──────────────────────────────────────────────


async def test_a_cosign_once_and_a_comment_show_on_the_card_in_history_and_the_exports(harness):
    wanda, sue = await _world(harness)
    page = await _page(sue)
    before = harness.state.last_seq
    [signed] = await sue.press(page, texts.COSIGN_BUTTON)
    assert sue.toasts()[-1] == texts.COSIGNED_TOAST
    assert signed.message_id == page.message_id  # redrawn in place
    assert "✍️ co-signed by Sue Supervisor, Mon 2 Mar 2026" in signed.text
    assert texts.COSIGN_BUTTON not in [label for label, _ in buttons(signed)]
    told = await _pushed(harness, wanda, before)
    assert told.text.startswith("✍️ Sue Supervisor co-signed your note N-1 (C-0001 Maria")

    # Pressed again (an old page, a double tap): once only, and she is told when.
    await sue.press_data(page.message_id, "cm:s:1")
    assert sue.toasts()[-1] == texts.already_cosigned("Mon 2 Mar")
    assert len(await _rows(harness, NoteComment, NoteComment.cosign.is_(True))) == 1
    assert len(await _audit(harness, "note.cosign")) == 1

    await sue.send("/comment N-1 Good catch — book the meals service")
    card = await _card(wanda)
    assert "💬 Sue Supervisor: Good catch — book the meals service" in card.text
    assert "✍️ co-signed by Sue Supervisor, Mon 2 Mar" in card.text
    history = next(m for m in await wanda.send("/history C-0001") if "history" in m.text)
    assert "— Comment by Sue Supervisor, Mon 2 Mar 2026 09:00:" in history.text
    assert "Good catch — book the meals service" in history.text
    assert "✍️ co-signed by Sue Supervisor, Mon 2 Mar 2026" in history.text

    raw = (await _export(wanda, "csv", harness)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert ["Note co-sign", "Sue Supervisor", "N-1 co-signed", ""] == rows[-2][1:]
    assert ["Note comment", "Sue Supervisor", "Comment on N-1"] == rows[-1][1:4]
    assert rows[-1][4] == "Good catch — book the meals service"
    reader = PdfReader(io.BytesIO(await _export(wanda, "pdf", harness)))
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Comment by Sue Supervisor" in pdf_text and "book the meals service" in pdf_text
    assert "co-signed by Sue Supervisor" in pdf_text


async def test_history_offers_a_supervisor_each_note_on_the_page(harness):
    wanda, sue = await _world(harness)
    history = next(m for m in await sue.send("/history C-0001") if "history" in m.text)
    assert "Note N-1" in history.text
    [page] = await sue.press(history, "💬 N-1")
    assert page.message_id != history.message_id and NOTE_TEXT in page.text
    mine = next(m for m in await wanda.send("/history C-0001") if "history" in m.text)
    assert not [data for _, data in buttons(mine) if data.startswith("cm:")]


async def test_an_admin_of_the_team_comments_and_co_signs(harness):
    wanda, _sue = await _world(harness)
    ada = await harness.seed_worker(ADA, "Ada Admin", role=Role.ADMIN, team="North")
    before = harness.state.last_seq
    [saved, page] = await ada.send("/comment N-1 Checked for the audit")
    assert saved.text == texts.comment_saved(1)
    [signed] = await ada.press(page, texts.COSIGN_BUTTON)
    assert "co-signed by Ada Admin" in signed.text
    await _pushed(harness, wanda, before)
    assert len(await _rows(harness, NoteComment)) == 2


# ── who may not ────────────────────────────────────────────────────────────────


async def test_a_worker_and_another_team_s_supervisor_are_refused_and_audited(harness):
    wanda, _sue = await _world(harness)
    will = await harness.seed_worker(WILL, "Will Colleague", team="North")
    stan = await harness.seed_worker(STAN, "Stan South", role=Role.SUPERVISOR, team="South")
    otto = await harness.seed_worker(OTTO, "Otto Admin", role=Role.ADMIN, team="South")
    wanda_id = await harness.worker_id(WANDA)

    # The author herself: she may read the page, not comment or co-sign (forged buttons).
    shown = await wanda.send("/comment N-1")
    assert NOTE_TEXT in shown[-1].text
    for data in ("cm:c:1", "cm:s:1"):
        await wanda.press_data(shown[-1].message_id, data)
        assert wanda.toasts()[-1] == texts.COMMENT_ONLY_LEADS
    [answer] = await wanda.send("/comment N-1 I agree with myself")
    assert answer.text == texts.COMMENT_ONLY_LEADS
    refused = [
        (e.action, e.subject_id, e.client_id)
        for e in await _rows(harness, AuditEvent, AuditEvent.actor_worker_id == wanda_id)
        if not e.allowed
    ]
    assert refused == [("note.comment", 1, 1), ("note.cosign", 1, 1), ("note.comment", 1, 1)]

    # A colleague, another team's supervisor and admin: the note is not one they can see.
    for person in (will, stan, otto):
        await person.send("/help")
        before = len(await _audit(harness, "note.view", allowed=False))
        for data in ("cm:v:1", "cm:c:1", "cm:s:1"):
            await person.press_data(person.last().message_id, data)
            assert person.toasts()[-1] == texts.note_not_found(1)
        [answer] = await person.send("/comment N-1 Nice")
        assert answer.text == texts.note_not_found(1)
        [answer] = await person.send("/comment N-1")
        assert answer.text == texts.note_not_found(1)
        assert len(await _audit(harness, "note.view", allowed=False)) == before + 2
        said = " ".join((m.text or "") for m in person.messages()) + " ".join(person.toasts())
        assert "Maria" not in said and "Pantry" not in said
    assert len(await _audit(harness, "note.comment", allowed=False)) == 2 + 2 * 3
    assert len(await _audit(harness, "note.cosign", allowed=False)) == 1 + 3
    assert await _rows(harness, NoteComment) == []


async def test_a_withdrawn_note_takes_no_comment(harness):
    wanda, sue = await _world(harness)
    [saved] = await wanda.send("/note C-0001 phone: Wrong client, sorry")
    await wanda.press(saved, texts.UNDO)
    [answer] = await sue.send("/comment N-2 What was this?")
    assert answer.text == texts.note_not_found(2)
    [refused] = await _audit(harness, "note.comment", allowed=False)
    assert refused.subject_id == 2


# ── what a supervisor may type ─────────────────────────────────────────────────


async def test_too_long_empty_sticker_and_unknown_notes(harness):
    wanda, sue = await _world(harness)
    page = await _page(sue)
    await sue.press(page, texts.COMMENT_BUTTON)
    [answer] = await sue.send_sticker()
    assert answer.text == texts.TEXT_EXPECTED
    [answer] = await sue.send("x" * 1001)
    assert answer.text == texts.comment_too_long(1000, 1001)
    assert await _rows(harness, NoteComment) == []
    # Still asked: the next text is the comment.
    saved, _shown = await sue.send("y" * 1000)
    assert saved.text == texts.comment_saved(1)
    [comment] = await _rows(harness, NoteComment)
    assert len(comment.text) == 1000

    usage = re.sub(r"<[^>]+>", "", texts.COMMENT_USAGE)
    [answer] = await sue.send("/comment")
    assert answer.text == usage
    [answer] = await sue.send("/comment hello there")
    assert answer.text == usage
    [answer] = await sue.send("/comment N-99 Hello")
    assert answer.text == texts.note_not_found(99)
    assert [e.subject_id for e in await _audit(harness, "note.comment", allowed=False)] == [99]
    [answer] = await sue.send(f"/comment N-1 {'z' * 1001}")
    assert answer.text == texts.comment_too_long(1000, 1001)
    assert len(await _rows(harness, NoteComment)) == 1
    # Telegram delivers no empty message; the use case refuses blank text all the same.
    sue_actor = await _actor(harness, SUE)
    services = harness.application.bot_data["services"]
    blank = await usecases.comment_on_note(services, sue_actor, 1, " \n\t ")
    assert blank == Invalid("empty") and len(await _rows(harness, NoteComment)) == 1


# ── private previews ───────────────────────────────────────────────────────────


async def test_private_previews_name_no_client_and_keep_the_comment_behind_open(
    devserver, db, db_url, clock
):
    async with running(devserver, db, db_url, clock, CASELINE_PRIVATE_PREVIEWS="1") as harness:
        wanda, sue = await _world(harness)
        before = harness.state.last_seq
        await sue.send("/comment N-1 Maria seems low, call her daughter Ana")
        told = await _pushed(harness, wanda, before)
        assert "C-0001 M.G." in told.text and "Sue Supervisor" in told.text
        assert texts.COMMENT_TEXT_BEHIND_OPEN in told.text
        for secret in ("Maria", "Gonzalez", "daughter", "Ana"):
            assert secret not in told.text
        assert [label for label, _ in buttons(told)] == [texts.OPEN_NOTE]
        [opened] = await wanda.press(told, texts.OPEN_NOTE)
        assert "call her daughter Ana" in opened.text  # an answer, not a push
        before = harness.state.last_seq
        page = (await sue.send("/comment N-1"))[-1]
        await sue.press_data(page.message_id, button_data(page, texts.COSIGN_BUTTON))
        signed = await _pushed(harness, wanda, before)
        assert "C-0001 M.G." in signed.text and "Maria" not in signed.text
