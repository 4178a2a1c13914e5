"""Bot identity and profile: getMe, commands, descriptions, names, menu button, logOut/close."""

from __future__ import annotations

import json
from typing import Any

from ..errors import ApiError
from ..params import ApiRequest
from ..rules import validate_commands
from ..state import BotState
from .registry import api_method

_TEXT_LIMITS = {"description": 512, "short_description": 120, "name": 64}


@api_method("getMe")
async def get_me(state: BotState, req: ApiRequest) -> dict[str, Any]:
    return state.get_me()


@api_method("logOut")
async def log_out(state: BotState, req: ApiRequest) -> bool:
    return True


@api_method("close")
async def close(state: BotState, req: ApiRequest) -> bool:
    return True


def _commands_key(req: ApiRequest) -> tuple[str, str]:
    scope = req.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True), req.text("language_code") or ""


@api_method("setMyCommands")
async def set_my_commands(state: BotState, req: ApiRequest) -> bool:
    state.commands[_commands_key(req)] = validate_commands(req.get("commands"))
    return True


@api_method("getMyCommands")
async def get_my_commands(state: BotState, req: ApiRequest) -> list[dict[str, str]]:
    return list(state.commands.get(_commands_key(req), []))


@api_method("deleteMyCommands")
async def delete_my_commands(state: BotState, req: ApiRequest) -> bool:
    state.commands.pop(_commands_key(req), None)
    return True


def _set_text(state: BotState, req: ApiRequest, kind: str) -> bool:
    value = req.text(kind) or ""
    if len(value) > _TEXT_LIMITS[kind]:
        raise ApiError.bad_request(f"{kind.upper()}_INVALID")
    state.texts[(kind, req.text("language_code") or "")] = value
    return True


def _get_text(state: BotState, req: ApiRequest, kind: str, default: str = "") -> dict[str, str]:
    return {kind: state.texts.get((kind, req.text("language_code") or ""), default)}


@api_method("setMyDescription")
async def set_my_description(state: BotState, req: ApiRequest) -> bool:
    return _set_text(state, req, "description")


@api_method("getMyDescription")
async def get_my_description(state: BotState, req: ApiRequest) -> dict[str, str]:
    return _get_text(state, req, "description")


@api_method("setMyShortDescription")
async def set_my_short_description(state: BotState, req: ApiRequest) -> bool:
    return _set_text(state, req, "short_description")


@api_method("getMyShortDescription")
async def get_my_short_description(state: BotState, req: ApiRequest) -> dict[str, str]:
    return _get_text(state, req, "short_description")


@api_method("setMyName")
async def set_my_name(state: BotState, req: ApiRequest) -> bool:
    return _set_text(state, req, "name")


@api_method("getMyName")
async def get_my_name(state: BotState, req: ApiRequest) -> dict[str, str]:
    return _get_text(state, req, "name", default=state.config.bot_first_name)


@api_method("setChatMenuButton")
async def set_chat_menu_button(state: BotState, req: ApiRequest) -> bool:
    button = req.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or "type" not in button:
        raise ApiError.bad_request("can't parse menu button JSON object")
    chat_id = req.integer("chat_id")
    if chat_id is not None:
        state.chat(chat_id)
    state.menu_buttons[chat_id] = button
    return True


@api_method("getChatMenuButton")
async def get_chat_menu_button(state: BotState, req: ApiRequest) -> dict[str, Any]:
    chat_id = req.integer("chat_id")
    return state.menu_buttons.get(chat_id) or state.menu_buttons.get(None) or {"type": "commands"}
