"""The reader's language: gettext catalogs, chosen per message, never a global.

Texts are English source strings in `ui/texts/`, marked for extraction:
- `N_("…")` marks a module-level text; it is a `Msg` (a `str`) and is translated when
  `ui.texts` hands it out (`texts.NAME`), in the language of whoever is being answered.
- `t("… {name} …", name=value)` translates a text with named placeholders at call time.
- `tn("{count} note", "{count} notes", count)` picks the plural form of the reader's
  language (`count` is a placeholder too).

Whose language it is lives in a context variable: the gate sets it for each update from the
worker's row, the reminder sender and the digest set it per recipient (`speaking(...)`).
Anything sent outside those reads the organisation's default, `CASELINE_LANGUAGE`.

Catalogs are `ui/locale/<language>/LC_MESSAGES/caseline.mo`, compiled from the `.po` files
beside them by `pybabel compile` and shipped in the package (README, "Adding a language").
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.numbers import format_decimal

from domain.languages import LANGUAGES as _LANGUAGES

DOMAIN = "caseline"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
# The languages a worker can choose; each has a complete catalog (tests/test_catalogs.py).
# Listed in the domain, which checks CASELINE_LANGUAGE and a worker's choice against it.
LANGUAGES = _LANGUAGES

_default_language: str = SOURCE_LANGUAGE
_current: ContextVar[str | None] = ContextVar("caseline_language", default=None)


class Msg(str):
    """A source text marked for translation; `ui.texts` translates it when it is read."""

    __slots__ = ()


def N_(text: str) -> str:
    """Typed as `str` on purpose: a marked text is used wherever a text is."""
    return Msg(text)


def supported(code: str | None) -> str | None:
    """The shipped language for a code such as Telegram's `language_code` (`es-MX` → `es`),
    or None when we do not speak it."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].strip().lower()
    return base if base in LANGUAGES or base in _extra_languages() else None


def set_default_language(code: str) -> None:
    """The organisation's language (`CASELINE_LANGUAGE`), used when no reader is known."""
    global _default_language
    _default_language = supported(code) or SOURCE_LANGUAGE


def default_language() -> str:
    return _default_language


def current_language() -> str:
    return _current.get() or _default_language


def use_language(code: str | None) -> None:
    """Speak `code` for the rest of this task (an update's handling); None means the
    organisation's default."""
    _current.set(supported(code))


@contextmanager
def speaking(code: str | None) -> Iterator[None]:
    """Speak `code` inside the block only: one recipient of a reminder or digest."""
    token = _current.set(supported(code))
    try:
        yield
    finally:
        _current.reset(token)


@cache
def _extra_languages() -> frozenset[str]:
    """Languages present as catalogs but not offered to workers (the test pseudo-locale)."""
    if not LOCALE_DIR.is_dir():
        return frozenset()
    return frozenset(
        path.name
        for path in LOCALE_DIR.iterdir()
        if (path / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file() and path.name not in LANGUAGES
    )


@cache
def catalog(code: str) -> _gettext.NullTranslations:
    if code == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code], fallback=True)


def forget_catalogs() -> None:
    """Reload catalogs from disk on next use (tests that compile a catalog)."""
    catalog.cache_clear()
    _extra_languages.cache_clear()


def gettext(text: str) -> str:
    return catalog(current_language()).gettext(text)


def t(template: str, /, **values: Any) -> str:
    return catalog(current_language()).gettext(template).format(**values)


def tn(singular: str, plural: str, count: int, /, **values: Any) -> str:
    chosen = catalog(current_language()).ngettext(singular, plural, count)
    return chosen.format(count=count, **values)


def translated(value: Any) -> Any:
    """`value` with every `Msg` in it translated: a text, or the labels of a table of texts
    (dict values, list and tuple items). Codes and other plain strings stay as they are."""
    if isinstance(value, Msg):
        return gettext(value)
    if isinstance(value, dict):
        return {key: translated(item) for key, item in value.items()}
    if isinstance(value, list):
        return [translated(item) for item in value]
    if isinstance(value, tuple):
        return tuple(translated(item) for item in value)
    return value


# Languages that write nouns with a capital letter inside a sentence.
_CAPITAL_NOUNS = frozenset({"de"})


def in_sentence(word: str) -> str:
    """A label (`Medical`, `Home visit`) as it reads inside a sentence of the reader's
    language: lower-cased first letter, except where nouns keep theirs (German)."""
    if current_language() in _CAPITAL_NOUNS or word[:2].isupper():  # "GP" stays "GP"
        return word
    return word[:1].lower() + word[1:]


def sentence_start(text: str) -> str:
    """`text` with a capital first letter and the rest as it is (`str.capitalize` would
    lower the rest: a German "3 Klienten" must not become "3 klienten")."""
    return text[:1].upper() + text[1:]


@cache
def locale_data(code: str) -> Locale:
    """Babel's locale data (weekday and month names, number formats) for a language; a
    language without its own (a test pseudo-locale) reads as English does."""
    return Locale.parse(code if code in LANGUAGES else SOURCE_LANGUAGE)


def number(value: int) -> str:
    """`4,000` in English, `4.000` in German, `4 000` in French: Babel's locale data."""
    return format_decimal(value, locale=locale_data(current_language()))
