"""`caseline demo`: try Caseline in a browser, with no Telegram account and no token.

The real bot (`bot.app.build_application`) runs against the local Bot API server
(`devserver`) over a seeded SQLite database, and a chat page on
http://127.0.0.1:8080 plays the seeded people: Wanda and Will (workers) and Sam (their
supervisor). The page can move the bot's clock forward to watch reminders, the morning
agenda and the supervisor's digest arrive. `runner.py` starts the pieces, `seed.py` makes
the team, `web.py` serves the page (`static/`) and its JSON API.
"""

from bot.demo.command import DEFAULT_PORT, DemoError, add_arguments, main, run, run_command

__all__ = ["DEFAULT_PORT", "DemoError", "add_arguments", "main", "run", "run_command"]
