"""Logging that never leaks the bot token.

httpx logs every request URL at INFO, and Telegram URLs carry the token
(`/bot<token>/sendMessage`). We silence httpx below WARNING and, as a second line of
defence, redact the token from every record that reaches a handler.
"""

from __future__ import annotations

import logging
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


def configure(level: int = logging.INFO, secrets: list[str] | None = None) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
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
