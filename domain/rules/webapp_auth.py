"""Telegram's signed init data, which every Mini App request carries (bot/webapp/).

Telegram hands the Mini App page a query string (`window.Telegram.WebApp.initData`) signed
with a key derived from the bot token; the page sends it back with each request and the
server checks it here, by Telegram's rule: the data-check-string is every field but `hash`
as `key=value`, sorted, joined by line feeds; the secret key is HMAC-SHA256 of the bot token
keyed by the constant "WebAppData"; the hash is the hex HMAC-SHA256 of the data-check-string
under that key. Only the bot (which knows the token) and Telegram can sign it, so a valid
hash says Telegram vouched for the `user` field. `auth_date` bounds how long a copied init
data string can be replayed. Pure: the clock is passed in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from urllib.parse import parse_qsl, quote, urlencode

# Telegram's own constant, the key of the HMAC that derives the secret from the token.
_WEB_APP_DATA = b"WebAppData"
# An auth_date this far ahead of the clock is a clock skew, not a forgery; farther is refused.
_FUTURE_SKEW = timedelta(minutes=1)


class Refusal(Enum):
    """Why init data was refused. Never says more: the page only learns it must reopen."""

    MALFORMED = "malformed"  # not a query string with hash, auth_date and a user id
    FORGED = "forged"  # the hash does not match: not signed with this bot's token
    STALE = "stale"  # signed, but older than the allowed age (or from the future)


@dataclass(frozen=True, slots=True)
class Verified:
    telegram_user_id: int
    auth_date: datetime


def secret_key(bot_token: str) -> bytes:
    return hmac.new(_WEB_APP_DATA, bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram puts beside `fields` (the devserver signs init data with it)."""
    message = data_check_string(fields).encode()
    return hmac.new(secret_key(bot_token), message, hashlib.sha256).hexdigest()


def opened_as_telegram_opens(
    url: str, *, user_id: int, first_name: str, bot_token: str, now: datetime
) -> str:
    """`url` with the init data Telegram would give the page for this user now, in the
    address's fragment as Telegram passes it: for the demo and the devserver's shell, which
    know the token and so can open a 🗂 button's page in an ordinary browser."""
    fields = {
        "user": json.dumps({"id": user_id, "first_name": first_name}),
        "auth_date": str(int(now.timestamp())),
    }
    fields["hash"] = sign(fields, bot_token)
    return f"{url}#tgWebAppData={quote(urlencode(fields), safe='')}&tgWebAppPlatform=web"


def verify(
    init_data: str, bot_token: str, *, now: datetime, max_age: timedelta
) -> Verified | Refusal:
    """The Telegram user the init data vouches for, or why it does not. `now` is aware."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return Refusal.MALFORMED
    fields = dict(pairs)
    if len(fields) != len(pairs) or "hash" not in fields:
        return Refusal.MALFORMED  # a repeated field would make the signed text ambiguous
    expected = sign(fields, bot_token)
    if not hmac.compare_digest(expected.encode(), fields["hash"].encode()):
        return Refusal.FORGED
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), tz=UTC)
        user = json.loads(fields["user"])
        user_id = user["id"]
    except (KeyError, ValueError, TypeError, OverflowError, OSError):
        return Refusal.MALFORMED
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        return Refusal.MALFORMED
    if now - auth_date > max_age or auth_date - now > _FUTURE_SKEW:
        return Refusal.STALE
    return Verified(telegram_user_id=user_id, auth_date=auth_date)
