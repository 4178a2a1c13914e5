"""The translation catalogs are complete and in step with the source.

- ui/locale/caseline.pot holds exactly the texts marked in the source (`N_`, `t`, `tn`, `_`);
- every shipped language (ui.i18n.LANGUAGES) has a catalog translating every one of them,
  nothing fuzzy, with the same named placeholders and the same HTML tags as the English
  (a missing `{name}` would crash `.format`, a lost `</b>` makes Telegram refuse the message);
- the compiled `.mo` beside each `.po` is what `pybabel compile` makes of it today.

Each failure says which command of README "Adding a language" brings it back in step.
"""

from __future__ import annotations

import re
import string
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ui import i18n

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
KEYWORDS = {**DEFAULT_KEYWORDS, "t": None, "tn": (1, 2), "N_": None}
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]
TAG = re.compile(r"</?[a-z]+[^>]*>")


def _source_ids() -> set[str | tuple[str, ...]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message)
    return found


def _catalog(path: Path) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle)


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {message.id for message in catalog if message.id}


def _placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(
        (name, spec or "")
        for _literal, name, spec, _conversion in string.Formatter().parse(text)
        if name is not None
    )


def _po(code: str) -> Path:
    return i18n.LOCALE_DIR / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def test_the_template_holds_exactly_the_marked_texts() -> None:
    extracted = _source_ids()
    template = _ids(_catalog(TEMPLATE))
    missing = extracted - template
    stale = template - extracted
    assert not missing and not stale, (
        f"ui/locale/caseline.pot is out of step ({len(missing)} new, {len(stale)} gone, e.g. "
        f"{sorted(map(str, missing | stale))[:3]}): run `pybabel extract` (README)"
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_text_is_translated(code: str) -> None:
    assert _po(code).is_file(), f"no catalog for {code}: run `pybabel init` (README)"
    catalog = _catalog(_po(code))
    template = _catalog(TEMPLATE)
    untranslated = []
    for source in template:
        if not source.id:
            continue
        message = catalog.get(source.id)
        strings = (
            []
            if message is None
            else (list(message.string) if isinstance(message.string, tuple) else [message.string])
        )
        if message is None or message.fuzzy or not strings or not all(strings):
            untranslated.append(source.id)
    assert not untranslated, (
        f"{code}: {len(untranslated)} texts untranslated or fuzzy, e.g. {untranslated[:3]}: "
        "run `pybabel update` and translate them (README)"
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_placeholders_and_tags(code: str) -> None:
    wrong = []
    for message in _catalog(_po(code)):
        if not message.id or not message.string:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = _placeholders(sources[-1])
        wanted_tags = sorted(TAG.findall(sources[-1]))
        for translation in strings:
            if not translation:
                continue
            # A singular may leave {count} out ("one visit"), never add or lose another name.
            names = set(_placeholders(translation))
            allowed = set(_placeholders(sources[0])) | set(wanted)
            needed = set(wanted) - {("count", "")}
            if not needed <= names or not names <= allowed:
                wrong.append((sources[0], translation))
            elif sorted(TAG.findall(translation)) != wanted_tags:
                wrong.append((sources[0], translation))
    assert not wrong, f"{code}: placeholders or HTML tags differ from the English: {wrong[:3]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalog_is_current(code: str) -> None:
    compiled = BytesIO()
    write_mo(compiled, _catalog(_po(code)))
    mo = _po(code).with_suffix(".mo")
    assert mo.is_file() and mo.read_bytes() == compiled.getvalue(), (
        f"{mo.relative_to(ROOT)} is not compiled from its .po: run `pybabel compile` (README)"
    )
