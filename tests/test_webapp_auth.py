"""The Mini App's init data check (domain/rules/webapp_auth.py), against init data signed
here by Telegram's published rule, written out again so a mistake in the rule's module
cannot sign and accept its own mistake."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from domain.rules.webapp_auth import Refusal, Verified, verify

TOKEN = "123456:ABC-telegram-test-token"
NOW = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)


def signed(token: str = TOKEN, *, auth_date: datetime = NOW, **fields: str) -> str:
    """Init data as Telegram builds it: fields, then hash over the sorted key=value lines."""
    values = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": 279058397, "first_name": "Wanda", "language_code": "en"}),
        "auth_date": str(int(auth_date.timestamp())),
        **fields,
    }
    check = "\n".join(f"{key}={values[key]}" for key in sorted(values))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    values["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(values)


def check(init_data: str, now: datetime = NOW) -> Verified | Refusal:
    return verify(init_data, TOKEN, now=now, max_age=FIVE_MINUTES)


def test_init_data_signed_with_the_bots_token_names_the_telegram_user():
    verified = check(signed())
    assert verified == Verified(telegram_user_id=279058397, auth_date=NOW)


def test_fields_telegram_adds_later_are_signed_too_and_accepted():
    assert isinstance(check(signed(chat_type="sender", signature="abc_-")), Verified)


def test_init_data_signed_with_another_token_is_forged():
    assert check(signed("654321:another-bots-token")) is Refusal.FORGED


def test_a_changed_user_is_forged():
    other = json.dumps({"id": 1, "first_name": "Mallory"})
    tampered = signed().replace("279058397", "1")
    assert check(tampered) is Refusal.FORGED
    assert check(signed(user=other)) == Verified(telegram_user_id=1, auth_date=NOW)


def test_a_changed_hash_is_forged():
    init_data = signed()
    last = init_data[-1]
    assert check(init_data[:-1] + ("0" if last != "0" else "1")) is Refusal.FORGED


def test_init_data_older_than_the_allowed_age_is_stale():
    assert isinstance(check(signed(auth_date=NOW - FIVE_MINUTES)), Verified)
    assert check(signed(auth_date=NOW - FIVE_MINUTES - timedelta(seconds=1))) is Refusal.STALE


def test_init_data_from_the_future_beyond_a_clock_skew_is_stale():
    assert isinstance(check(signed(auth_date=NOW + timedelta(seconds=30))), Verified)
    assert check(signed(auth_date=NOW + timedelta(hours=1))) is Refusal.STALE


@pytest.mark.parametrize(
    "init_data",
    [
        "",
        "not a query string",
        urlencode({"user": "{}", "auth_date": "1"}),  # no hash
        signed() + "&auth_date=1",  # a repeated field
    ],
)
def test_what_is_not_init_data_is_malformed(init_data):
    assert check(init_data) is Refusal.MALFORMED


@pytest.mark.parametrize(
    "user", ["not json", json.dumps({"first_name": "no id"}), json.dumps({"id": "7"}), "[]"]
)
def test_a_signed_user_without_a_numeric_id_is_malformed(user):
    assert check(signed(user=user)) is Refusal.MALFORMED


def test_signed_init_data_without_auth_date_is_malformed():
    # Signed without auth_date: the signature is right, the age cannot be known.
    values = {"user": json.dumps({"id": 5})}
    check_string = f"user={values['user']}"
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    values["hash"] = hmac.new(secret, check_string.encode(), hashlib.sha256).hexdigest()
    assert check(urlencode(values)) is Refusal.MALFORMED
