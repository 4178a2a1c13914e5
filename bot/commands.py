"""Commands outside any conversation: joining, help, the caseload and client cards,
invites. Each handler re-checks on the server what the actor may see or do."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from conversations import note_loose
from conversations.common import ACTIVE, end_dialogs
from domain.results import AlreadySaved, Refused, Saved
from domain.rules.roles import invitable_roles
from domain.usecases.clients import caseload_page
from domain.usecases.invites import THROTTLED, THROTTLED_AGAIN, invite_colleague, join_team
from storage.clients import OVERDUE
from storage.invites import RedeemStatus
from storage.kinds import ClientStatus, Program
from ui import i18n, menu, texts, views
from ui.callbacks import pack, pattern, read_id, unpack
from ui.client_card import show_client
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show
from ui.timefmt import short_datetime


def redeem_answer(status: RedeemStatus) -> str:
    # Read when answering, never at import: texts are in the reader's language.
    return {
        RedeemStatus.UNKNOWN: texts.INVITE_UNKNOWN,
        RedeemStatus.EXPIRED: texts.INVITE_EXPIRED,
        RedeemStatus.USED: texts.INVITE_USED,
        RedeemStatus.REVOKED: texts.INVITE_REVOKED,
    }[status]


async def start(update: Update, context: CaselineContext) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    if context.actor is not None and not context.args:
        await message.reply_text(texts.welcome_back(context.actor.name))
        return
    await join(update, context, context.args[0] if context.args else "")


async def join(update: Update, context: CaselineContext, code: str) -> None:
    """Redeem an invite code. Someone joining (again) starts with no dialog open: a
    worker let go mid-dialog must not come back into it."""
    message = update.effective_message
    user = update.effective_user
    display_name = " ".join(filter(None, [user.first_name, user.last_name])) or "Colleague"
    result = await join_team(
        context.services,
        code,
        telegram_user_id=user.id,
        chat_id=message.chat_id,
        display_name=display_name,
        language=i18n.supported(user.language_code),
    )
    if isinstance(result, Saved):
        end_dialogs(context.user_data)
        context.user_data.clear()
        worker = result.value
        i18n.use_language(worker.language)
        await message.reply_text(texts.welcome(worker.name, worker.role))
        await menu.set_chat_menu(context.bot, message.chat_id, worker.role, worker.language)
    elif isinstance(result, AlreadySaved):
        await message.reply_text(texts.already_member(result.value.name))
    elif result.reason == THROTTLED:
        await message.reply_text(texts.JOIN_TOO_MANY)
    elif result.reason != THROTTLED_AGAIN:  # told once; a script gets no more answers
        await message.reply_text(redeem_answer(RedeemStatus(result.reason)))


async def help_command(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    await update.effective_message.reply_text(texts.help_text(actor.role))


async def cancel_outside(update: Update, context: CaselineContext) -> None:
    # Also heals a marker left behind by a conversation that ended unexpectedly.
    context.user_data.pop(ACTIVE, None)
    await update.effective_message.reply_text(texts.NOTHING_TO_CANCEL)


async def clients_command(update: Update, context: CaselineContext) -> None:
    """`/clients`, or `/clients overdue|<program>|<status>` (a value or its name)."""
    only = ""
    if context.args:
        word = " ".join(context.args)
        only = _caseload_filter(word)
        if not only:
            await update.effective_message.reply_text(texts.caseload_filter_unknown(word))
            return
    await _show_caseload(update, context, page=0, only=only)


def _caseload_filter(word: str) -> str:
    wanted = word.strip().casefold()
    choices: dict[str, str] = {OVERDUE: OVERDUE, texts.CASELOAD_OVERDUE_WORD.casefold(): OVERDUE}
    choices |= {str(value): str(value) for value in [*Program, *ClientStatus]}
    choices |= {name.casefold(): value for value, name in texts.PROGRAM_NAMES.items()}
    choices |= {name.casefold(): value for value, name in texts.STATUS_NAMES.items()}
    return choices.get(wanted, "")


async def _show_caseload(
    update: Update, context: CaselineContext, page: int, only: str = ""
) -> None:
    services = context.services
    listing = await caseload_page(services, context.require_actor(), page, only)
    view = views.caseload(
        listing, services.clock.now(), zone_of(context), services.settings.webapp_url
    )
    await show(update, view)


async def client_command(update: Update, context: CaselineContext) -> None:
    if not context.args:
        await update.effective_message.reply_text(texts.CLIENT_CODE_NEEDED)
        return
    # A code, or a name or part of one (several matches: the worker chooses).
    await show_client(update, context, " ".join(context.args)[:100])


async def caseload_button(update: Update, context: CaselineContext) -> None:
    pressed = unpack(update.callback_query.data)
    page, _, only = pressed.arg.partition(":")
    number = read_id(page)
    if pressed.action == "p" and number is not None:
        await answer(update)
        await _show_caseload(update, context, page=number, only=only)
    elif pressed.action == "f":
        await answer(update)
        await _show_caseload(update, context, page=0, only=pressed.arg)
    elif pressed.action == "m" and pressed.arg in ("program", "status"):
        await answer(update)
        await show(update, views.caseload_filters(pressed.arg))
    elif pressed.action in ("o", "n") and pressed.int_arg() is not None:
        # "n": from a message that must stay (a reminder, an alert, a saved note): below.
        await show_client(update, context, pressed.int_arg() or 0, below=pressed.action == "n")
    else:
        await answer(update, texts.STALE_BUTTON)


async def invite_command(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    if not actor.can_invite:
        await update.effective_message.reply_text(texts.NOT_ALLOWED)
        return
    roles = invitable_roles(actor.role)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.INVITE_ROLE_BUTTONS[role], callback_data=pack("inv", role, "")
                )
                for role in roles
            ]
        ]
    )
    await update.effective_message.reply_text(texts.INVITE_ASK_ROLE, reply_markup=keyboard)


async def invite_button(update: Update, context: CaselineContext) -> None:
    role = unpack(update.callback_query.data).action
    result = await invite_colleague(context.services, context.require_actor(), role)
    if isinstance(result, Refused):
        await answer(update, texts.NOT_ALLOWED, alert=True)
        return
    invite = result.value
    await answer(update)
    link = invite_link(context.bot.username, invite.code)
    expires = _expiry(invite.expires_at, context)
    await update.callback_query.edit_message_text(
        texts.invite_created(invite.role, link, invite.code, expires)
    )


def invite_link(bot_username: str | None, code: str) -> str | None:
    return f"https://t.me/{bot_username}?start={code}" if bot_username else None


def _expiry(moment: datetime, context: CaselineContext) -> str:
    return short_datetime(moment, zone_of(context))


async def not_understood(update: Update, context: CaselineContext) -> None:
    if update.callback_query is not None:
        await answer(update, texts.STALE_BUTTON)
        return
    if update.effective_message is not None and not await note_loose.offer(update, context):
        await update.effective_message.reply_text(texts.NOT_UNDERSTOOD)


async def edited_message(update: Update, context: CaselineContext) -> None:
    """An edit is not an answer. A location that changes is a live location moving:
    Caseline does not follow it, and says nothing (it may move every few seconds)."""
    if update.effective_message.location is not None:
        return
    await update.effective_message.reply_text(texts.EDIT_IGNORED)


def edited_message_handler() -> MessageHandler:
    """Edits to messages already sent are not answers: say so before any conversation
    mistakes one for the next step."""
    return MessageHandler(filters.UpdateType.EDITED, edited_message)


def handlers() -> list:
    """Command handlers, in order. `catch_all` must be registered after conversations."""
    return [
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("cancel", cancel_outside),
        CommandHandler("clients", clients_command),
        CommandHandler("client", client_command),
        CommandHandler("invite", invite_command),
        CallbackQueryHandler(caseload_button, pattern=pattern("cl")),
        CallbackQueryHandler(invite_button, pattern=pattern("inv")),
    ]


def catch_all() -> list:
    return [
        MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, not_understood),
        CallbackQueryHandler(not_understood),
    ]
