"""The Mini App (issue 22): the client record as a page inside Telegram, served by the bot's
own process (bot/webapp/server.py) when CASELINE_WEBAPP_URL is set."""
