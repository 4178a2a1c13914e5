"""The command menu and /help, assembled from each feature's commands.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from storage.kinds import Role
from ui.i18n import N_, t
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.approvals import PENDING_COMMAND
from ui.texts.comments import COMMENT_COMMANDS
from ui.texts.common import LEAD_COMMANDS, ROLE_NAMES, WORKER_COMMANDS
from ui.texts.digest import DIGEST_COMMANDS
from ui.texts.plans import PLAN_COMMANDS
from ui.texts.record import HISTORY_COMMAND
from ui.texts.referrals import REFERRAL_COMMANDS
from ui.texts.trends import TREND_COMMANDS

# ── The command menu ─────────────────────────────────────────────────────────
# Assembled last: each section above defines its own commands.
MENU_COMMANDS = [
    *WORKER_COMMANDS[:5],
    ("intake", N_("Guided intake of a new client")),
    *PLAN_COMMANDS,
    *REFERRAL_COMMANDS,
    HISTORY_COMMAND,
    *WORKER_COMMANDS[5:-2],
    PENDING_COMMAND,
    *WORKER_COMMANDS[-2:],
]
LEAD_MENU_COMMANDS = LEAD_COMMANDS + DIGEST_COMMANDS + TREND_COMMANDS + COMMENT_COMMANDS


def help_text(role: str) -> str:
    lines = [_("<b>What I can do</b>")]
    commands = tr(MENU_COMMANDS) + (tr(LEAD_MENU_COMMANDS) if role != Role.WORKER else [])
    lines += [f"/{name} — {escape(description)}" for name, description in commands]
    return "\n".join(lines)


def welcome(name: str, role: str) -> str:
    return t(
        "Welcome to Caseline, <b>{name}</b>! You're signed in as {role_names}.\n\n",
        name=escape(name),
        role_names=tr(ROLE_NAMES)[role],
    ) + help_text(role)
