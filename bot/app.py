"""Application wiring: one function builds the real python-telegram-bot Application
that production, tests, benchmarks and the demo all run."""

from __future__ import annotations

import warnings
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.warnings import PTBUserWarning

from bot import agenda, commands, texts
from bot.clock import Clock
from bot.config import Settings
from bot.context import CaselineContext, Services
from bot.errors import on_error
from bot.gate import gate
from bot.housekeeping import EVERY, prune_update_ids
from bot.persistence import SQLPersistence
from bot.processor import ChatOrderedProcessor
from conversations import amend, appointment, newclient, note, visit
from storage.db import Database

# Our conversations mix message and button steps on purpose (per_message=False).
warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")

GATE_GROUP = -1


class CaselineApplication(Application):  # type: ignore[type-arg]
    """Writes persistence right after each update, not once a minute: a crash must
    never lose a conversation step the worker already answered."""

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        await self.update_persistence()


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.WORKER_COMMANDS],
        scope=BotCommandScopeDefault(),
    )


def build_application(
    settings: Settings,
    db: Database,
    clock: Clock | None = None,
    *,
    token: str | None = None,
    rate_limiter: bool = True,
) -> Application:  # type: ignore[type-arg]
    clock = clock or Clock()
    builder: Any = (
        ApplicationBuilder()
        .application_class(CaselineApplication)
        .token(token or settings.require_token())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_api_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=CaselineContext))
        .persistence(SQLPersistence(db, clock))
        .concurrent_updates(ChatOrderedProcessor())
        .post_init(_post_init)
    )
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    application = builder.build()
    application.bot_data["services"] = Services(db=db, clock=clock, settings=settings)

    application.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
    application.add_handler(commands.edited_message_handler())
    application.add_handler(newclient.handler(settings.conversation_timeout_minutes))
    application.add_handler(note.handler(settings.conversation_timeout_minutes))
    application.add_handler(amend.handler(settings.conversation_timeout_minutes))
    application.add_handler(appointment.handler(settings.conversation_timeout_minutes))
    application.add_handler(visit.handler(settings.conversation_timeout_minutes))
    for handler in note.button_handlers():
        application.add_handler(handler)
    for handler in agenda.handlers():
        application.add_handler(handler)
    for handler in commands.handlers():
        application.add_handler(handler)
    for handler in commands.catch_all():
        application.add_handler(handler)
    application.add_error_handler(on_error)
    application.job_queue.run_repeating(prune_update_ids, interval=EVERY, first=60)
    return application
