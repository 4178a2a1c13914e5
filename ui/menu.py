"""The command menu: the one every chat shows, and a worker's own.

Telegram can scope a menu by `language_code`, but that follows the language of the
worker's Telegram app, not the language they chose in /settings (which may differ, and
is theirs to change). So each worker's chat gets its own menu (`BotCommandScopeChat`), in
their language and for their role, when they join and when they change their language;
the default menu, in the organisation's language, is for everyone else.
"""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from storage.kinds import Role
from ui import i18n, texts


def commands_for(role: str | None) -> list[BotCommand]:
    """The menu of a role, in the language being spoken; the workers' menu for None."""
    listed = list(texts.MENU_COMMANDS)
    if role is not None and role != Role.WORKER:
        listed += texts.LEAD_MENU_COMMANDS
    return [BotCommand(name, description) for name, description in listed]


async def set_default_menu(bot: Bot) -> None:
    with i18n.speaking(None):
        commands = commands_for(None)
    await bot.set_my_commands(commands, scope=BotCommandScopeDefault())


async def set_chat_menu(bot: Bot, chat_id: int, role: str, language: str | None) -> None:
    """The menu of one worker's chat, in `language` (None: the organisation's)."""
    with i18n.speaking(language):
        commands = commands_for(role)
    await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
