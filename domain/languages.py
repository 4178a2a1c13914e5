"""The languages Caseline speaks: a code each (a worker's `language`, CASELINE_LANGUAGE)
and its own name for itself, which is how /settings offers it. Each has a complete
catalog in ui/locale (tests/test_catalogs.py); ui.i18n translates into them."""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "fr": "Français",
}
