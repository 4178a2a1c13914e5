"""Caseline exactly as `caseline run` builds it, minus the overall answer cap.

`caseline run` sends through its sending budget (bot/pacing.py: Telegram's ~30 messages/s
per bot), so past 30 answers/s it queues by design. This runner lifts that one cap, to measure
what Caseline's own work per update costs next to the bare echo bot. Not for production.

``CASELINE_BOT_TOKEN=... CASELINE_BOT_API_URL=... CASELINE_DATABASE_URL=... \\
python -m bench.caseline_uncapped``
"""

from __future__ import annotations

from bot.app import build_application
from bot.cli import settle_heap
from bot.inbox import run_polling
from domain.settings import load_settings
from storage.db import Database


def main() -> None:
    settings = load_settings()
    db = Database(settings.database_url)
    application = build_application(settings, db, rate_limiter=False, dispose_db=True)
    settle_heap()
    # The same polling loop as `caseline run` (one inbox INSERT per fetched batch), not
    # PTB's Updater, whose queue stores each update on its own.
    run_polling(application, db, application.bot_data["services"].clock)


if __name__ == "__main__":
    main()
