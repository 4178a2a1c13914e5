"""The framework floor: a bare python-telegram-bot echo bot with default settings.

``CASELINE_BOT_TOKEN=... CASELINE_BOT_API_URL=http://127.0.0.1:PORT/bot python -m bench.echo_bot``
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


def main() -> None:
    app = (
        ApplicationBuilder()
        .token(os.environ["CASELINE_BOT_TOKEN"])
        .base_url(os.environ["CASELINE_BOT_API_URL"])
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling()


if __name__ == "__main__":
    main()
