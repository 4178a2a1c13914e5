"""Local Telegram Bot API server ("dev server") for Caseline's tests, benchmarks and demo.

It speaks the part of the Bot API that python-telegram-bot uses, enforces Telegram's rules
(HTML entity parsing, length limits, keyboards, flood control, callback answers), and lets tests
play the users and inspect what every chat received. See ``server.py`` for the HTTP layout.
"""

from .client import DevServerClient, DevServerError
from .errors import ApiError, UserActionError
from .models import CallRecord, ChatMessage, Event
from .server import BotApiServer
from .state import BotState
from .users import FakeUser

__all__ = [
    "ApiError",
    "BotApiServer",
    "BotState",
    "CallRecord",
    "ChatMessage",
    "DevServerClient",
    "DevServerError",
    "Event",
    "FakeUser",
    "UserActionError",
]
