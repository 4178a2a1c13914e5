"""Logging that never leaks the bot token.

httpx logs every request URL at INFO, and Telegram URLs carry the token
(`/bot<token>/sendMessage`). We silence httpx below WARNING and, as a second line of
defence, redact the token from every record that reaches a handler. With
CASELINE_LOG_FORMAT=json each line is one JSON object (`JsonFormatter`) for a log shipper;
the same filter has redacted the record before it is formatted either way.
"""

from __future__ import annotations

import json as json_module
import logging
from datetime import UTC, datetime
from urllib.parse import quote

REDACTED = "<token>"


class RedactTokenFilter(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        # Also as it would appear inside a URL-encoded string (the token's colon as %3A).
        self.secrets = [
            form for secret in secrets if secret for form in dict.fromkeys((secret, quote(secret)))
        ]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, REDACTED)
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            # Exceptions from httpx name the URL; render and redact them here.
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, REDACTED)
            record.exc_info, record.exc_text = None, text
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (ISO 8601, UTC), level, logger, message, and the
    exception's text when there is one (already redacted by RedactTokenFilter)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json_module.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(
    level: int = logging.INFO, secrets: list[str] | None = None, *, json: bool = False
) -> None:
    """Logging for a `caseline` command: text lines, or JSON lines with `json`."""
    logging.basicConfig(level=level, format=TEXT_FORMAT, force=True)
    if json:
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # fpdf2's font subsetting lists every glyph a PDF uses (what a client's record spells).
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    # PTB logs request parameters (message texts: client names) at DEBUG.
    logging.getLogger("telegram").setLevel(max(level, logging.INFO))
    redact = RedactTokenFilter(secrets or [])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
