"""Every text a user reads, one module per feature (English), so wording and translation are easy.

`from ui import texts` then `texts.NAME`: this package gathers every feature's texts.

Texts are HTML (the bot's default parse mode). Anything a user typed must pass through
`html.escape` before it is put into one of these; helpers that take user text do it.
"""

from __future__ import annotations

from ui.texts.appointments import *  # noqa: F403
from ui.texts.common import *  # noqa: F403
from ui.texts.digest import *  # noqa: F403
from ui.texts.intake import *  # noqa: F403
from ui.texts.menu import *  # noqa: F403
from ui.texts.notes import *  # noqa: F403
from ui.texts.plans import *  # noqa: F403
from ui.texts.record import *  # noqa: F403
from ui.texts.referrals import *  # noqa: F403
from ui.texts.reminders import *  # noqa: F403
from ui.texts.settings import *  # noqa: F403
from ui.texts.team import *  # noqa: F403
