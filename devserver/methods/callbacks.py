"""answerCallbackQuery: the toast/alert after a button press, with Telegram's one-answer rule."""

from __future__ import annotations

from ..params import ApiRequest
from ..rules import validate_callback_answer_text
from ..state import BotState
from .registry import api_method


@api_method("answerCallbackQuery")
async def answer_callback_query(state: BotState, req: ApiRequest) -> bool:
    query = state.unanswered_callback_query(req.text("callback_query_id"))
    validate_callback_answer_text(req.text("text"))
    query.answered = True
    state.record_event(
        "answer_callback", query.chat_id, query.message_id, "answerCallbackQuery", req.summary()
    )
    return True
