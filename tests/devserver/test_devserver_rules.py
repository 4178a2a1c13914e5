"""Telegram's rules as PTB sees them: each violation must surface as PTB's real exception."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from devserver import BotApiServer, BotState, FakeUser

# PTB 22 warns inside RetryAfter.__init__ about retry_after becoming a timedelta; not our concern.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# -- text length ---------------------------------------------------------------------------------


async def test_text_length_limit(bot: Bot, state: BotState, user: FakeUser) -> None:
    await bot.send_message(user.id, "x" * 4096)
    with pytest.raises(BadRequest, match="^Message is too long$"):
        await bot.send_message(user.id, "x" * 4097)
    assert len(state.chat_log(user.id)) == 1


async def test_length_counts_utf16_code_units(bot: Bot, user: FakeUser) -> None:
    await bot.send_message(user.id, "😀" * 2048)  # 2048 code points = 4096 UTF-16 units
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "😀" * 2049)  # only 2049 code points, but 4098 units


async def test_empty_text_after_parsing(bot: Bot, user: FakeUser) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "<b> </b>\n", parse_mode="HTML")


# -- HTML ----------------------------------------------------------------------------------------


async def test_unsupported_tag_is_rejected(bot: Bot, state: BotState, user: FakeUser) -> None:
    with pytest.raises(BadRequest, match="(?i)can't parse entities") as caught:
        await bot.send_message(user.id, "Hello <foo>", parse_mode="HTML")
    assert 'unsupported start tag "foo" at byte offset 6' in str(caught.value)
    assert state.chat_log(user.id) == []


@pytest.mark.parametrize(
    "markup",
    ["<b>open", "<b>x</i>", "a < b", "x &mdash; y", "</b>", '<a href="x>y</a>'],
)
async def test_broken_html_is_rejected(bot: Bot, user: FakeUser, markup: str) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(user.id, markup, parse_mode="HTML")


async def test_escaped_html_and_entities(bot: Bot, state: BotState, user: FakeUser) -> None:
    sent = await bot.send_message(
        user.id, "&lt;b&gt; 😀 <b>bold</b> <a href='https://t.me/x'>link</a>", parse_mode="HTML"
    )
    assert sent.text == "<b> 😀 bold link"
    [message] = state.chat_log(user.id)
    assert message.text == "<b> 😀 bold link"
    assert message.html.startswith("&lt;b&gt;")  # type: ignore[union-attr]
    # Offsets are UTF-16: the emoji counts as two units.
    assert message.entities == [
        {"type": "bold", "offset": 7, "length": 4},
        {"type": "text_link", "offset": 12, "length": 4, "url": "https://t.me/x"},
    ]


# -- keyboards, callbacks, edits -----------------------------------------------------------------


async def test_callback_data_is_limited_to_64_bytes(bot: Bot, user: FakeUser) -> None:
    await bot.send_message(user.id, "ok", reply_markup=keyboard("x" * 64))
    with pytest.raises(BadRequest, match="^Button_data_invalid$"):
        await bot.send_message(user.id, "too long", reply_markup=keyboard("x" * 65))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "33 chars, 66 bytes", reply_markup=keyboard("é" * 33))


async def test_identical_edit_is_not_modified(bot: Bot, state: BotState, user: FakeUser) -> None:
    sent = await bot.send_message(
        user.id, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<strong>v1</strong>",  # different markup source, same result → still not modified
            chat_id=user.id,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard("a"),
        )
    await bot.edit_message_text("v2", chat_id=user.id, message_id=sent.message_id)
    [message] = state.chat_log(user.id)
    assert (message.text, message.edited, message.reply_markup) == ("v2", True, None)


async def test_edit_of_deleted_message(bot: Bot, state: BotState, user: FakeUser) -> None:
    sent = await bot.send_message(user.id, "bye")
    assert await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("again", chat_id=user.id, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)
    assert state.chat_log(user.id)[0].deleted


async def test_answer_callback_query_rules(bot: Bot, state: BotState, user: FakeUser) -> None:
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("bogus-id")
    sent = await bot.send_message(user.id, "menu", reply_markup=keyboard("a"))
    query_id = user.press(sent.message_id, "forged:data")["callback_query"]["id"]
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    assert await bot.answer_callback_query(query_id, text="Saved")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)  # one answer per query
    [event] = state.events(user.id)[-1:]
    assert (event.kind, event.params["text"]) == ("answer_callback", "Saved")


async def test_unknown_chat_and_blocked_user(bot: Bot, user: FakeUser) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "who?")
    user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "hello?")
    user.unblock()
    await bot.send_message(user.id, "welcome back")


async def test_command_validation(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("new_note", "Add a note")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "new_note"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("NewNote", "Upper case is invalid")])
    with pytest.raises(BadRequest, match="Bot_command_description_invalid"):
        await bot.set_my_commands([BotCommand("ok", "x" * 257)])


# -- flood control and faults --------------------------------------------------------------------


async def test_per_chat_rate_limit(
    bot: Bot, server: BotApiServer, state: BotState, user: FakeUser
) -> None:
    server.set_rate_limits(True)
    await bot.send_message(user.id, "one")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.id, "two")
    assert retry_seconds(caught.value) >= 1
    assert state.stats["429"] == 1
    assert [m.text for m in state.chat_log(user.id)] == ["one"]


async def test_overall_rate_limit(bot: Bot, server: BotApiServer, state: BotState) -> None:
    server.set_rate_limits(True, overall_per_second=3, per_chat_per_second=10)
    users = [state.user(2000 + i) for i in range(4)]
    for fake in users[:3]:
        await bot.send_message(fake.id, "hi")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[3].id, "hi")
    await bot.send_chat_action(users[3].id, "typing")  # not a message: never limited


async def test_injected_faults(bot: Bot, state: BotState, user: FakeUser) -> None:
    state.inject_fault("sendMessage", status=500)
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(user.id, "lost")
    assert not isinstance(caught.value, BadRequest)

    state.inject_fault("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as retry:
        await bot.send_message(user.id, "lost too")
    assert retry_seconds(retry.value) == 7

    state.inject_fault("sendMessage", drop_connection=True)
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "into the void")

    state.inject_fault("*", delay=0.05)
    await bot.send_message(user.id, "slow but fine")

    assert [m.text for m in state.chat_log(user.id)] == ["slow but fine"]
    statuses = [c.status for c in state.calls if c.method == "sendMessage"]
    assert statuses == [500, 429, 0, 200]
    assert state.stats["429"] == 1


# -- Mini App buttons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["https://caseline.example.org/app/?client=7", "http://127.0.0.1:8090/?client=7"]
)
async def test_a_web_app_button_opens_an_https_page_or_one_on_this_machine(
    bot: Bot, user: FakeUser, url: str
) -> None:
    button = InlineKeyboardButton("Open", web_app=WebAppInfo(url=url))
    await bot.send_message(user.id, "card", reply_markup=InlineKeyboardMarkup([[button]]))


@pytest.mark.parametrize("url", ["http://caseline.example.org/app", "javascript:alert(1)"])
async def test_a_web_app_button_to_a_plain_http_page_elsewhere_is_refused(
    bot: Bot, user: FakeUser, url: str
) -> None:
    button = InlineKeyboardButton("Open", web_app=WebAppInfo(url=url))
    with pytest.raises(BadRequest, match="^Button_url_invalid$"):
        await bot.send_message(user.id, "card", reply_markup=InlineKeyboardMarkup([[button]]))
