"""Locations on the dev server (issue 19): a reply keyboard with Telegram's request-location
button, the location a user shares with it, and the kinds a check-in must tell apart — a
venue, a forwarded location, a live location and its moves (edits)."""

from __future__ import annotations

import pytest
from telegram import Bot, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import BadRequest

from devserver import BotState, FakeUser, UserActionError

pytestmark = [
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
    # A raw sendMessage: PTB's KeyboardButton would not let a test build a broken one.
    pytest.mark.filterwarnings("ignore:Please use 'Bot.sendMessage':UserWarning"),
]


def location_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Send my location", request_location=True)], ["Cancel"]],
        one_time_keyboard=True,
    )


async def test_a_location_is_shared_only_with_the_bots_button(
    bot: Bot, state: BotState, user: FakeUser
) -> None:
    with pytest.raises(UserActionError, match="no request_location button"):
        user.share_location(52.52, 13.405)
    await bot.send_message(user.id, "Where are you?", reply_markup=location_keyboard())
    chat = state.chat(user.id)
    assert chat.location_button(chat.reply_keyboard() or {}) == "📍 Send my location"
    update = Update.de_json(user.share_location(52.52, 13.405, horizontal_accuracy=9.5), bot)
    assert update.message is not None and update.message.location is not None
    location = update.message.location
    assert (location.latitude, location.longitude, location.horizontal_accuracy) == (
        52.52,
        13.405,
        9.5,
    )
    assert chat.reply_keyboard() is None  # a one-time keyboard hides once used
    await bot.send_message(user.id, "Again?", reply_markup=location_keyboard())
    await bot.send_message(user.id, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert chat.reply_keyboard() is None


async def test_a_request_button_must_be_one_request(bot: Bot, user: FakeUser) -> None:
    both = ReplyKeyboardMarkup(
        [[KeyboardButton("Both", request_location=True, request_contact=True)]]
    )
    with pytest.raises(BadRequest, match="only one of the optional fields"):
        await bot.send_message(user.id, "?", reply_markup=both)
    raw = {"keyboard": [[{"text": "Where", "request_location": "yes"}]]}
    with pytest.raises(BadRequest, match="(?i)must be of type boolean"):
        await bot.do_api_request(
            "sendMessage", api_kwargs={"chat_id": user.id, "text": "?", "reply_markup": raw}
        )


async def test_venues_forwards_and_live_locations_arrive_as_telegram_sends_them(
    bot: Bot, user: FakeUser
) -> None:
    venue = Update.de_json(user.send_venue(52.52, 13.405, "Café", "Markt 1"), bot).message
    assert venue is not None and venue.venue is not None and venue.location is not None
    forwarded = Update.de_json(user.forward_location(52.52, 13.405), bot).message
    assert forwarded is not None and forwarded.forward_origin is not None
    live = Update.de_json(user.send_location(52.52, 13.405, live_period=900), bot).message
    assert live is not None and live.location is not None
    assert live.location.to_dict()["live_period"] == 900
    moved = Update.de_json(user.move_live_location(live.message_id, 52.53, 13.405), bot)
    assert moved.edited_message is not None and moved.edited_message.location is not None
    assert moved.edited_message.location.latitude == 52.53
    with pytest.raises(UserActionError, match="no live location"):
        user.move_live_location(venue.message_id, 1.0, 1.0)
