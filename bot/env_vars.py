"""Every environment variable Caseline reads: its name, its default and what it means.

One list: `caseline --help` prints it (bot/cli.py), and tests/test_help.py checks that each
CASELINE_ name the code reads is here and in the README's Configuration table (which says
more about each), and that nothing else is. domain/settings.py reads them.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EnvVar:
    name: str
    default: str
    meaning: str


ENV_VARS: tuple[EnvVar, ...] = (
    EnvVar(
        "CASELINE_BOT_TOKEN",
        "none; run, scheduler and remind need it",
        "the bot token from BotFather; never logged",
    ),
    EnvVar(
        "CASELINE_DATABASE_URL",
        "sqlite:///./caseline.db",
        "sqlite:///FILE or postgresql://USER@HOST/DB",
    ),
    EnvVar(
        "CASELINE_BOT_API_URL",
        "https://api.telegram.org/bot",
        "the Bot API, the token appended: Telegram's, or the devserver's "
        "(http://127.0.0.1:8081/bot)",
    ),
    EnvVar(
        "CASELINE_BOT_FILE_API_URL",
        "CASELINE_BOT_API_URL's …/file/bot",
        "where files are downloaded from",
    ),
    EnvVar(
        "CASELINE_TIMEZONE",
        "UTC; the demo: this machine's",
        "the organisation's time zone, e.g. Europe/Berlin; each worker may set their own",
    ),
    EnvVar(
        "CASELINE_WEBHOOK_URL",
        "none: long polling",
        "a public HTTPS URL for Telegram to call; set, `run` takes updates by webhook",
    ),
    EnvVar("CASELINE_WEBHOOK_LISTEN", "127.0.0.1", "the address the webhook server listens on"),
    EnvVar("CASELINE_WEBHOOK_PORT", "8443", "the port the webhook server listens on"),
    EnvVar(
        "CASELINE_WEBHOOK_SECRET",
        "random per start",
        "the secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token",
    ),
    EnvVar(
        "CASELINE_CONVERSATION_TIMEOUT",
        "30",
        "minutes a half-finished conversation waits, 1–1440",
    ),
    EnvVar(
        "CASELINE_DATE_ORDER",
        "DMY",
        "how 12/3 is read: DMY or MDY; each worker may choose their own",
    ),
    EnvVar(
        "CASELINE_COUNTRY_CODE",
        "none: the worker is asked for the +",
        "the calling code (e.g. 49) a phone number typed without + is read in",
    ),
    EnvVar(
        "CASELINE_LANGUAGE",
        "en",
        "the organisation's language: en, es, de or fr; each worker may choose their own",
    ),
    EnvVar(
        "CASELINE_PRIVATE_PREVIEWS",
        "0",
        "1: pushed messages name clients by code and initials only (1/0, true/false, "
        "yes/no, on/off)",
    ),
    EnvVar(
        "CASELINE_PRIVACY",
        "standard",
        "standard or strict: strict sends clients by code only, keeps note texts in the Mini "
        "App, implies CASELINE_PRIVATE_PREVIEWS and needs CASELINE_WEBAPP_URL "
        "(docs/DATA-PROTECTION.md)",
    ),
    EnvVar(
        "CASELINE_RETENTION",
        "none: nothing is anonymised by itself",
        "per client status, the minimum keep and the anonymise-after periods, e.g. "
        "discharged:keep=10y,anonymise=10y (counted from the last activity)",
    ),
    EnvVar(
        "CASELINE_DELETE_AFTER_HOURS",
        "none: they stay",
        "delete the bot's cards and confirmations from the chat this many hours after "
        "they were sent, 1–47 (the record stays in Caseline)",
    ),
    EnvVar(
        "CASELINE_EVV_RADIUS_METERS",
        "300",
        "how far from the client's home a check-in or check-out still verifies a visit, 10–100000",
    ),
    EnvVar(
        "CASELINE_EVV_CHECKOUT_GRACE_MINUTES",
        "60",
        "minutes after a check-in's visit length before a missing check-out is reminded "
        "and the visit marked unverified, 0–1440",
    ),
    EnvVar(
        "CASELINE_RISK_ESCALATE_MINUTES",
        "30",
        "minutes a risk alert waits for a supervisor's ✅ Acknowledge before it goes to the "
        "team's other supervisors and the admins, 1–1440",
    ),
    EnvVar(
        "CASELINE_BULK_EXPORT_LIMIT",
        "20",
        "one person exporting more case files than this in one of the organisation's days "
        "alerts the admins, once that day, 1–10000",
    ),
    EnvVar(
        "CASELINE_REMINDER_TICK_SECONDS",
        "60",
        "how often the reminder job looks for what is due, 1–3600",
    ),
    EnvVar(
        "CASELINE_SEND_TIMEOUT_SECONDS",
        "20",
        "how long a reminder's send waits for Telegram before it is tried again, 1–120",
    ),
    EnvVar(
        "CASELINE_SEND_RATE",
        "30; run --no-scheduler 20; scheduler and remind 10",
        "messages a second this process may send, 1–30 (all processes on one token: 30)",
    ),
    EnvVar(
        "CASELINE_METRICS_PORT",
        "none: off",
        "serve /healthz and /metrics on this port (off when unset)",
    ),
    EnvVar(
        "CASELINE_METRICS_LISTEN",
        "127.0.0.1",
        "the address for /healthz and /metrics",
    ),
    EnvVar(
        "CASELINE_WEBAPP_URL",
        "none: no Mini App",
        "the Mini App's public https URL, which the client card's 🗂 Open button opens "
        "(http only for 127.0.0.1 or localhost)",
    ),
    EnvVar("CASELINE_WEBAPP_LISTEN", "127.0.0.1", "the address the Mini App is served on"),
    EnvVar("CASELINE_WEBAPP_PORT", "8090", "the port the Mini App is served on"),
    EnvVar(
        "CASELINE_WEBAPP_MAX_AGE_MINUTES",
        "5",
        "how old the Mini App's signed init data may be, 1–1440 minutes",
    ),
    EnvVar(
        "CASELINE_LOG_FORMAT",
        "text",
        "text, or json: one JSON object a line",
    ),
)

NAMES = frozenset(variable.name for variable in ENV_VARS)


def help_epilog(width: int = 80) -> str:
    """The environment variables as `caseline --help` ends: name and default, then the
    meaning indented below."""
    lines = ["environment variables [default]:"]
    for variable in ENV_VARS:
        lines.append(f"  {variable.name} [{variable.default}]")
        lines.extend(
            textwrap.wrap(
                variable.meaning, width, initial_indent="      ", subsequent_indent="      "
            )
        )
    lines.append("")
    lines.append("The README's Configuration section says more about each.")
    return "\n".join(lines)
