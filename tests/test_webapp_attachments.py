"""A note's stored files, readable on the Mini App (issue 23): the bytes Caseline kept,
for a worker who may see the note's client, audited as a look; anyone else a 404."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import NoteAttachment
from tests.test_webapp_api import audit_events
from tests.webapp_support import api, init_data

WANDA, SAM = 501, 502
PHOTO = b"\x89PNG\r\n\x1a\n" + b"kitchen" * 300


async def _a_note_with_a_photo(webapp_bot) -> tuple[int, int]:
    wanda = await webapp_bot.seed_worker(WANDA, "Wanda Worker", team="North")
    client_id = await webapp_bot.seed_client(WANDA, "Maria Gonzalez")
    ask = await wanda.send("/note maria")
    await wanda.press(ask[-1], "Home visit")
    card = await webapp_bot.exchange(WANDA, lambda: wanda.fake.send_photo(PHOTO))
    await wanda.press(card[-1], "Save")
    async with webapp_bot.db.session() as session:
        [attachment_id] = (await session.scalars(select(NoteAttachment.id))).all()
    return client_id, attachment_id


async def test_a_worker_reads_a_notes_photo_as_caseline_stored_it(webapp_bot, db, clock):
    client_id, attachment_id = await _a_note_with_a_photo(webapp_bot)
    signed = f"tma {init_data(WANDA, clock.now())}"
    response = await api(webapp_bot, f"/api/attachments/{attachment_id}", signed)
    assert response.status_code == 200
    assert response.content == PHOTO
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "no-store"
    history = await api(webapp_bot, f"/api/clients/{client_id}/history", signed)
    [note] = [event for event in history.json()["events"] if event["kind"] == "note"]
    assert note["extra"]["files"] == [{"id": attachment_id, "kind": "photo"}]
    (look,) = await audit_events(db, "attachment.view")
    assert (look.client_id, look.allowed, look.detail) == (
        client_id,
        True,
        {"attachment": attachment_id},
    )


async def test_another_teams_worker_and_a_missing_file_get_404(webapp_bot, db, clock):
    _, attachment_id = await _a_note_with_a_photo(webapp_bot)
    await webapp_bot.seed_worker(SAM, "Sam South", team="South")
    sam = f"tma {init_data(SAM, clock.now())}"
    refused = await api(webapp_bot, f"/api/attachments/{attachment_id}", sam)
    assert refused.status_code == 404 and refused.json() == {"error": "not_found"}
    wanda = f"tma {init_data(WANDA, clock.now())}"
    missing = await api(webapp_bot, f"/api/attachments/{attachment_id + 1}", wanda)
    assert missing.status_code == 404
    unsigned = await api(webapp_bot, f"/api/attachments/{attachment_id}", None)
    assert unsigned.status_code == 401
    assert [event.allowed for event in await audit_events(db, "attachment.view")] == [
        False,
        False,
    ]


def _png() -> bytes:
    """A real 2×2 picture, so the browser can draw it."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def test_the_page_shows_a_notes_photo_when_tapped(browser, webapp_bot, db, clock):
    from tests.test_webapp_browser import STEP_MS, page_url

    wanda = await webapp_bot.seed_worker(WANDA, "Wanda Worker", team="North")
    client_id = await webapp_bot.seed_client(WANDA, "Maria Gonzalez")
    ask = await wanda.send("/note maria")
    await wanda.press(ask[-1], "Home visit")
    card = await webapp_bot.exchange(WANDA, lambda: wanda.fake.send_photo(_png()))
    await wanda.press(card[-1], "Save")

    page = await browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(STEP_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(page_url(webapp_bot, client_id, init_data(WANDA, clock.now())))
    await page.locator("#tabs button[data-tab=history]").click()
    await page.locator("#history button.file", has_text="photo").click()
    picture = page.locator("#history img.file")
    await picture.wait_for()
    await page.wait_for_function("document.querySelector('#history img.file').naturalWidth > 0")
    assert errors == []
