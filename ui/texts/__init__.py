"""Every text a user reads, one module per feature (English source strings), translated
into the reader's language when read.

`from ui import texts` then `texts.NAME`: this package gathers every feature's texts. A
text constant (`N_("…")`) or a table of them is handed out translated into the language of
whoever is being answered (ui/i18n.py), so `texts.NAME` must be read when the answer is
made, never copied into a module-level value at import; text functions translate
themselves (`t(…)`, `tn(…)`).

Texts are HTML (the bot's default parse mode). Anything a user typed must pass through
`html.escape` before it is put into one of these; helpers that take user text do it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ui import i18n

if TYPE_CHECKING:
    from ui.texts.appointments import *  # noqa: F403
    from ui.texts.approvals import *  # noqa: F403
    from ui.texts.comments import *  # noqa: F403
    from ui.texts.common import *  # noqa: F403
    from ui.texts.details import *  # noqa: F403
    from ui.texts.digest import *  # noqa: F403
    from ui.texts.drill import *  # noqa: F403
    from ui.texts.evv import *  # noqa: F403
    from ui.texts.intake import *  # noqa: F403
    from ui.texts.menu import *  # noqa: F403
    from ui.texts.notes import *  # noqa: F403
    from ui.texts.people import *  # noqa: F403
    from ui.texts.plans import *  # noqa: F403
    from ui.texts.privacy import *  # noqa: F403
    from ui.texts.record import *  # noqa: F403
    from ui.texts.referrals import *  # noqa: F403
    from ui.texts.reminders import *  # noqa: F403
    from ui.texts.risks import *  # noqa: F403
    from ui.texts.safety_plans import *  # noqa: F403
    from ui.texts.settings import *  # noqa: F403
    from ui.texts.team import *  # noqa: F403
    from ui.texts.trends import *  # noqa: F403
else:
    from importlib import import_module

    _SOURCES: dict[str, Any] = {}
    for _module_name in (
        "ui.texts.appointments",
        "ui.texts.approvals",
        "ui.texts.comments",
        "ui.texts.common",
        "ui.texts.details",
        "ui.texts.digest",
        "ui.texts.drill",
        "ui.texts.evv",
        "ui.texts.intake",
        "ui.texts.menu",
        "ui.texts.notes",
        "ui.texts.people",
        "ui.texts.plans",
        "ui.texts.privacy",
        "ui.texts.record",
        "ui.texts.referrals",
        "ui.texts.reminders",
        "ui.texts.risks",
        "ui.texts.safety_plans",
        "ui.texts.settings",
        "ui.texts.team",
        "ui.texts.trends",
    ):
        _module = import_module(_module_name)
        _SOURCES.update(
            (name, value) for name, value in vars(_module).items() if not name.startswith("_")
        )

    _translated: dict[tuple[str, str], Any] = {}

    def __getattr__(name: str) -> Any:
        try:
            source = _SOURCES[name]
        except KeyError:
            raise AttributeError(f"ui.texts has no text {name!r}") from None
        if callable(source):
            return source
        key = (i18n.current_language(), name)
        value = _translated.get(key)
        if value is None:
            value = _translated[key] = i18n.translated(source)
        return value

    def forget_translations() -> None:
        """After catalogs are reloaded (tests compiling one)."""
        _translated.clear()
