"""Settings from environment variables: the one place that reads them.

Every problem is reported as one `ConfigError` line that says what to fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.languages import LANGUAGES
from domain.rules.retention import RetentionRule, RetentionRuleError, parse_rules
from storage.db import DatabaseURLError, async_url

DEFAULT_BOT_API_URL = "https://api.telegram.org/bot"
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
COUNTRY_CODE = re.compile(r"^[1-9][0-9]{0,2}$")
# How a typed all-numbers date is read: 4/12 is 4 December (DMY) or April 12 (MDY).
DateOrder = Literal["DMY", "MDY"]
_DATE_ORDERS: dict[str, DateOrder] = {"DMY": "DMY", "MDY": "MDY"}
# How log lines are written: text for a person, json (one object a line) for a log shipper.
LogFormat = Literal["text", "json"]
_LOG_FORMATS: dict[str, LogFormat] = {"text": "text", "json": "json"}
# What may cross Telegram (docs/DATA-PROTECTION.md): standard sends the record to the worker's
# chat; strict sends clients by code only and keeps every free text in the Mini App.
Privacy = Literal["standard", "strict"]
_PRIVACIES: dict[str, Privacy] = {"standard": "standard", "strict": "strict"}
# Telegram's flood limit per bot token: messages in any second, for all processes together.
TELEGRAM_SEND_RATE = 30


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None
    database_url: str
    bot_api_url: str
    bot_file_api_url: str
    timezone: str
    webhook_url: str | None
    webhook_listen: str
    webhook_port: int
    webhook_secret: str | None
    conversation_timeout_minutes: int
    date_order: DateOrder
    private_previews: bool
    reminder_tick_seconds: int
    send_timeout_seconds: int = 20
    # CASELINE_SEND_RATE: this process's share of TELEGRAM_SEND_RATE; None = by what it sends.
    send_rate: int | None = None
    # CASELINE_LANGUAGE: what Caseline speaks to a worker who chose none (domain/languages.py).
    language: str = "en"
    # CASELINE_RISK_ESCALATE_MINUTES: a risk alert nobody acknowledged in this time goes to
    # the team's other supervisors and the admins (bot/reminders/planning.py), once.
    risk_escalate_minutes: int = 30
    # CASELINE_BULK_EXPORT_LIMIT: one person exporting more case files than this in one of
    # the organisation's days alerts the admins, once (domain/usecases/bulk_exports.py).
    bulk_export_limit: int = 20
    # CASELINE_COUNTRY_CODE: the calling code ("49") a phone typed without + is read in;
    # None: such a number is asked again with its +.
    country_code: str | None = None
    # CASELINE_EVV_RADIUS_METERS: a check-in or check-out within this distance of the
    # client's home is verified (domain/rules/evv.py); farther is recorded with a reason.
    evv_radius_meters: int = 300
    # CASELINE_EVV_CHECKOUT_GRACE_MINUTES: a check-in with no check-out after the
    # appointment's duration plus this reminds the worker once and marks it unverified.
    evv_checkout_grace_minutes: int = 60
    # CASELINE_METRICS_PORT: where /healthz and /metrics are served (bot/health_server.py);
    # None: not at all. `run` and `scheduler` take --metrics-port instead.
    metrics_port: int | None = None
    # CASELINE_METRICS_LISTEN: the address they listen on.
    metrics_listen: str = "127.0.0.1"
    # CASELINE_LOG_FORMAT (bot/logging_setup.py).
    log_format: LogFormat = "text"
    # CASELINE_WEBAPP_URL: the public address of the Mini App (bot/webapp/), which the
    # client card's 🗂 Open button opens; None: no Mini App is served and no button shown.
    webapp_url: str | None = None
    # CASELINE_WEBAPP_LISTEN / CASELINE_WEBAPP_PORT: where the bot's process serves it,
    # behind the reverse proxy.
    webapp_listen: str = "127.0.0.1"
    webapp_port: int = 8090
    # CASELINE_WEBAPP_MAX_AGE_MINUTES: how old the Mini App's signed init data may be.
    webapp_max_age_minutes: int = 5
    # CASELINE_PRIVACY: "strict" names clients by code only in everything sent to Telegram
    # and implies private previews (load_settings sets both).
    privacy: Privacy = "standard"
    # CASELINE_RETENTION: per client status, how long a record is kept and when it is
    # anonymised (domain/rules/retention.py); empty: nothing is anonymised by itself.
    retention: tuple[RetentionRule, ...] = ()
    # CASELINE_DELETE_AFTER_HOURS: the bot's own messages are deleted from the chat this
    # many hours after they were sent (bot/reminders/rendering.py); None: they stay. At
    # most 47: Telegram lets a bot delete its messages for 48 hours.
    delete_after_hours: int | None = None

    @property
    def strict(self) -> bool:
        return self.privacy == "strict"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def send_rate_for(self, *, answers: bool, reminders: bool) -> int:
        """Messages a second this process may send (bot/pacing.py). Every process on one token
        shares Telegram's 30: `caseline run` with its scheduler takes all of it; beside a
        `caseline scheduler` (or `remind --once`) the bot takes 20 and the scheduler 10.
        CASELINE_SEND_RATE overrides it, e.g. to split among several schedulers."""
        if self.send_rate is not None:
            return self.send_rate
        if answers and reminders:
            return TELEGRAM_SEND_RATE
        return 20 if answers else TELEGRAM_SEND_RATE - 20

    def require_token(self) -> str:
        if not self.bot_token:
            raise ConfigError(
                "CASELINE_BOT_TOKEN is not set: put the token BotFather gave you in it"
            )
        return self.bot_token


def _http_url(name: str, value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{name} is not an http(s) URL: {value!r}")
    return value


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _webapp_url(env: Mapping[str, str]) -> str | None:
    """The Mini App's public address: HTTPS, since Telegram opens only HTTPS pages and the
    page carries client records; plain http only for a loopback host (the demo, tests)."""
    value = env.get("CASELINE_WEBAPP_URL", "").strip()
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"CASELINE_WEBAPP_URL is not an https URL: {value!r}")
    if parsed.scheme == "http" and parsed.hostname not in _LOOPBACK_HOSTS:
        raise ConfigError(
            "CASELINE_WEBAPP_URL must be https:// (plain http only for 127.0.0.1 or "
            f"localhost), not {value!r}"
        )
    if parsed.query or parsed.fragment:
        raise ConfigError(f"CASELINE_WEBAPP_URL must not carry a query or a #fragment: {value!r}")
    return value.rstrip("/")


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
    return value


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    """The one reader of an on/off setting: 1/0, true/false, yes/no, on/off in any case.

    Anything else is refused: a typo such as `ture` must not silently mean "off" (for
    CASELINE_PRIVATE_PREVIEWS that would leave full names on the lock screen)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    word = raw.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off, not {raw!r}")


def file_api_url_for(bot_api_url: str) -> str:
    """Telegram serves files at /file/bot<token>/… beside /bot<token>/…."""
    if bot_api_url.endswith("/bot"):
        return bot_api_url[: -len("/bot")] + "/file/bot"
    return bot_api_url.rstrip("/") + "/file/bot"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    token = env.get("CASELINE_BOT_TOKEN", "").strip() or None
    if token is not None and not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "CASELINE_BOT_TOKEN does not look like a bot token (digits, a colon, then letters)"
        )
    database_url = env.get("CASELINE_DATABASE_URL", "").strip() or (
        f"sqlite:///{Path.cwd() / 'caseline.db'}"
    )
    try:
        async_url(database_url)
    except DatabaseURLError as exc:
        raise ConfigError(f"CASELINE_DATABASE_URL: {exc}") from None
    bot_api_url = _http_url(
        "CASELINE_BOT_API_URL", env.get("CASELINE_BOT_API_URL", "").strip() or DEFAULT_BOT_API_URL
    )
    file_url = env.get("CASELINE_BOT_FILE_API_URL", "").strip() or file_api_url_for(bot_api_url)
    timezone = env.get("CASELINE_TIMEZONE", "").strip() or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"CASELINE_TIMEZONE {timezone!r} is not a time zone name such as Europe/Berlin"
        ) from None
    webhook_url = env.get("CASELINE_WEBHOOK_URL", "").strip() or None
    if webhook_url:
        _http_url("CASELINE_WEBHOOK_URL", webhook_url)
    order_text = env.get("CASELINE_DATE_ORDER", "DMY").strip().upper()
    date_order = _DATE_ORDERS.get(order_text)
    if date_order is None:
        raise ConfigError(f"CASELINE_DATE_ORDER must be DMY or MDY, not {order_text!r}")
    language = env.get("CASELINE_LANGUAGE", "").strip().lower() or "en"
    if language not in LANGUAGES:
        raise ConfigError(
            f"CASELINE_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {language!r}"
        )
    log_text = env.get("CASELINE_LOG_FORMAT", "").strip().lower() or "text"
    log_format = _LOG_FORMATS.get(log_text)
    if log_format is None:
        raise ConfigError(f"CASELINE_LOG_FORMAT must be text or json, not {log_text!r}")
    privacy_text = env.get("CASELINE_PRIVACY", "").strip().lower() or "standard"
    privacy = _PRIVACIES.get(privacy_text)
    if privacy is None:
        raise ConfigError(f"CASELINE_PRIVACY must be standard or strict, not {privacy_text!r}")
    webapp_url = _webapp_url(env)
    if privacy == "strict" and webapp_url is None:
        # Strict sends notes as "N-31 · home visit · 240 characters": without the Mini App
        # nobody could read or write one.
        raise ConfigError(
            "CASELINE_PRIVACY=strict needs CASELINE_WEBAPP_URL: notes are read and written "
            "in the Mini App"
        )
    try:
        retention = parse_rules(env.get("CASELINE_RETENTION", ""))
    except RetentionRuleError as exc:
        raise ConfigError(f"CASELINE_RETENTION: {exc}") from None
    country_code = env.get("CASELINE_COUNTRY_CODE", "").strip().lstrip("+") or None
    if country_code is not None and not COUNTRY_CODE.match(country_code):
        raise ConfigError(
            f"CASELINE_COUNTRY_CODE must be a calling code such as 49 or +1, not {country_code!r}"
        )
    return Settings(
        bot_token=token,
        database_url=database_url,
        bot_api_url=bot_api_url,
        bot_file_api_url=_http_url("CASELINE_BOT_FILE_API_URL", file_url),
        timezone=timezone,
        webhook_url=webhook_url,
        webhook_listen=env.get("CASELINE_WEBHOOK_LISTEN", "127.0.0.1").strip(),
        webhook_port=_int(env, "CASELINE_WEBHOOK_PORT", 8443, 1, 65535),
        webhook_secret=env.get("CASELINE_WEBHOOK_SECRET", "").strip() or None,
        conversation_timeout_minutes=_int(env, "CASELINE_CONVERSATION_TIMEOUT", 30, 1, 1440),
        date_order=date_order,
        # Strict mode keeps names out of every message, pushes (on a lock screen) included.
        private_previews=privacy == "strict" or _bool(env, "CASELINE_PRIVATE_PREVIEWS", False),
        reminder_tick_seconds=_int(env, "CASELINE_REMINDER_TICK_SECONDS", 60, 1, 3600),
        send_timeout_seconds=_int(env, "CASELINE_SEND_TIMEOUT_SECONDS", 20, 1, 120),
        send_rate=_int(env, "CASELINE_SEND_RATE", 0, 1, TELEGRAM_SEND_RATE) or None,
        language=language,
        risk_escalate_minutes=_int(env, "CASELINE_RISK_ESCALATE_MINUTES", 30, 1, 1440),
        bulk_export_limit=_int(env, "CASELINE_BULK_EXPORT_LIMIT", 20, 1, 10000),
        country_code=country_code,
        evv_radius_meters=_int(env, "CASELINE_EVV_RADIUS_METERS", 300, 10, 100_000),
        evv_checkout_grace_minutes=_int(env, "CASELINE_EVV_CHECKOUT_GRACE_MINUTES", 60, 0, 1440),
        metrics_port=_int(env, "CASELINE_METRICS_PORT", 0, 1, 65535) or None,
        metrics_listen=env.get("CASELINE_METRICS_LISTEN", "").strip() or "127.0.0.1",
        log_format=log_format,
        webapp_url=webapp_url,
        webapp_listen=env.get("CASELINE_WEBAPP_LISTEN", "").strip() or "127.0.0.1",
        webapp_port=_int(env, "CASELINE_WEBAPP_PORT", 8090, 0, 65535),
        webapp_max_age_minutes=_int(env, "CASELINE_WEBAPP_MAX_AGE_MINUTES", 5, 1, 1440),
        privacy=privacy,
        retention=retention,
        delete_after_hours=_int(env, "CASELINE_DELETE_AFTER_HOURS", 0, 1, 47) or None,
    )
