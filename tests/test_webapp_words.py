"""The Mini App speaks the worker's language (issue 22): every text the page says is
declared in ui/webapp_words.py, so it is extracted and translated with the chat's texts,
and the page reads its catalog from the server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from tests.test_webapp_api import WANDA
from tests.test_webapp_browser import STEP_MS, page_url
from tests.webapp_support import init_data
from ui.webapp_words import CODE_NAMES, PAGE_COUNTS, PAGE_WORDS, page_words

STATIC = Path(__file__).resolve().parent.parent / "bot" / "webapp" / "static"
# say("…") and sayCount("…", "…", …) with double-quoted literals, as app.js writes them.
SAID = re.compile(r'\bsay\(\s*"((?:[^"\\]|\\.)*)"')
COUNTED = re.compile(r'\bsayCount\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"')
NAMED = re.compile(r'\bnamed\(\s*"([a-z_]+)"')
DATA_SAY = re.compile(r'data-say="([^"]*)"')


def literal(text: str) -> str:
    """A JavaScript double-quoted string's value (its escapes are JSON's here)."""
    return json.loads(f'"{text}"')


def page_source() -> tuple[str, str]:
    scripts = ("app.js", "pages.js", "plan_edit.js", "note_edit.js", "record_edit.js")
    script = "\n".join((STATIC / name).read_text() for name in scripts)
    return script, (STATIC / "index.html").read_text()


def test_every_text_the_page_says_is_declared_for_translation_and_every_declared_one_said():
    script, html = page_source()
    said = {literal(text) for text in SAID.findall(script)} | set(DATA_SAY.findall(html))
    counted = {(literal(one), literal(many)) for one, many in COUNTED.findall(script)}
    assert said, "the pattern finds the page's texts"
    assert said - set(PAGE_WORDS) == set()
    assert set(PAGE_WORDS) - said == set()
    assert counted == set(PAGE_COUNTS)
    assert set(NAMED.findall(script)) <= set(CODE_NAMES)


def test_the_catalog_is_the_chats_translation_and_codes_are_named_as_the_chat_names_them():
    german = page_words("de")
    assert german["language"] == "de"
    assert german["words"]["Recent notes"] != "Recent notes"
    assert german["counts"]["{count} entry"] == ["{count} Eintrag", "{count} Einträge"]
    english = page_words("en")
    assert english["words"]["Recent notes"] == "Recent notes"
    assert english["codes"]["kind"]["home_visit"] == "Home visit"
    assert english["codes"]["program"]["elderly"] == "Elderly at home"
    assert german["codes"]["kind"]["home_visit"] != "Home visit"
    # Every word is translated in each shipped language (a new one missing fails here).
    for language in ("de", "es", "fr"):
        catalog = page_words(language)
        untranslated = [text for text, word in catalog["words"].items() if word == text]
        # A few words are the same in another language (Team, Client): allowed, listed.
        same = {"Team", "Teams", "Client", "Intakes", "Plan v{version}", "Note", "Notes"}
        same |= {"Plan", "Plan: {plan}", "Status", "Version {version}", "Interventions"}
        same |= {
            "Name",
            "📄 PDF",
            "📊 CSV",
            "📤 Export",
            "🏢 Organisation",
            "Service",
            "Relation",
            "🚫 No",
            "🗒 Notes",
            "Routine (optional)",
        }
        assert set(untranslated) <= same, (language, untranslated)


async def test_the_server_gives_the_page_its_words_without_sign_in_and_the_orgs_for_unknown(
    webapp_bot,
):
    base = f"http://127.0.0.1:{webapp_bot.webapp_port}/api/words"
    async with httpx.AsyncClient() as client:
        spanish = await client.get(f"{base}/es-MX")
        unknown = await client.get(f"{base}/xx")
    assert spanish.status_code == 200
    assert spanish.json()["language"] == "es"
    assert spanish.json()["words"]["Save note"] == "Guardar nota"
    assert spanish.headers["cache-control"] == "no-store"
    assert unknown.json()["language"] == "en"


async def test_a_german_speaking_worker_reads_the_page_in_german(browser, webapp_bot, db, clock):
    await webapp_bot.seed_worker(WANDA, "Wanda Worker", team="North", language="de")
    client_id = await webapp_bot.seed_client(WANDA, "Maria Gonzalez")
    german = page_words("de")
    page = await browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
    page.set_default_timeout(STEP_MS)
    await page.goto(page_url(webapp_bot, client_id, init_data(WANDA, clock.now())))
    # The worker's choice in Caseline, not the phone's English.
    await page.locator("#card h2", has_text=german["words"]["Client"]).wait_for()
    await page.locator("#tabs button[data-tab=history]", has_text="Verlauf").wait_for()
    await page.locator("#composer button#save", has_text="Notiz speichern").wait_for()
    meta = await page.locator("#meta").text_content()
    assert german["codes"]["status"]["active"] in (meta or "") or german["codes"]["status"][
        "intake"
    ] in (meta or "")
    kind = await page.locator("#kind option[value=home_visit]").text_content()
    assert kind == german["codes"]["kind"]["home_visit"] != "Home visit"
