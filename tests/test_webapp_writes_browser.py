"""The Mini App's corrections in a real browser (issues 22/23), in strict mode, where the chat
refuses them: on a phone's 390×844 a worker amends a note on the History tab, corrects the
client's phone on the card, and downloads the case file as a PDF. Every button is a thumb's
size. With CASELINE_WEBAPP_SCREENSHOT=FILE it saves what the phone shows
(FILE-…-amend.png, FILE-…-details-form.png, FILE-…-details.png)."""

from __future__ import annotations

import os

from tests.test_webapp_api import WANDA, a_client_with_a_note
from tests.test_webapp_browser import STEP_MS, page_url
from tests.webapp_support import init_data, phone_page

CORRECTION = "She said <b>Tuesday</b>, not Monday."


async def _thumb_sized(page, selector: str) -> None:
    for button in await page.locator(selector).all():
        box = await button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390


async def test_a_worker_amends_a_note_edits_the_phone_and_downloads_the_pdf_on_a_phone(
    browser, strict_bot, db, clock
):
    client_id = await a_client_with_a_note(strict_bot, db, clock)
    page, errors = await phone_page(browser, STEP_MS)
    screenshot = os.environ.get("CASELINE_WEBAPP_SCREENSHOT")
    await page.goto(page_url(strict_bot, client_id, init_data(WANDA, clock.now())))

    # ✏️ Amend on the History tab: the correction under the note, inserted as text.
    await page.locator("#tabs button[data-tab=history]").click()
    await page.locator("#history button.action", has_text="✏️ Amend").click()
    await page.fill("#history form.edit textarea", CORRECTION)
    await _thumb_sized(page, "#history button.action:visible")
    if screenshot:
        await page.screenshot(path=screenshot.replace(".png", "-amend.png"))
    await page.locator("#history form.edit button[type=submit]").click()
    amended = page.locator("#history .amendment .text", has_text=CORRECTION)
    await amended.wait_for()
    assert await page.locator("#history .amendment b").count() == 0
    assert await page.locator("#history form.edit").count() == 0

    # ✏️ Edit on the card: the phone, read and written as the chat's ✏️ Edit does.
    await page.locator("#tabs button[data-tab=card]").click()
    await page.locator("#card button.action", has_text="✏️ Edit").click()
    await page.select_option("#card select.detail-choice", "phone")
    await page.fill("#card form.edit textarea", "+49 (30) 123-4567")
    if screenshot:
        await page.screenshot(path=screenshot.replace(".png", "-details-form.png"))
    await page.locator("#card form.edit button[type=submit]").click()
    await page.locator("#card a.call", has_text="+49 30 123 4567").wait_for()
    await _thumb_sized(page, "#card button.action:visible")

    # 📄 PDF: the case file arrives as a download, a PDF named by the client's code.
    async with page.expect_download() as downloading:
        await page.locator("#card button.action", has_text="📄 PDF").click()
    download = await downloading.value
    assert download.suggested_filename == f"C-{client_id:04d}.pdf"
    path = await download.path()
    assert path is not None and path.read_bytes().startswith(b"%PDF-")
    if screenshot:
        await page.locator("#card button.action", has_text="📄 PDF").scroll_into_view_if_needed()
        await page.screenshot(path=screenshot.replace(".png", "-details.png"))
    assert errors == []
