"""📍 Check in to a home visit with the phone's location, and the client's 🏠 home location.

📍 Check in (appointment card, reminder) ─► LOCATION "tap 📍 Send my location"
      (a reply keyboard: Telegram's location button · No location · ✖ Cancel)
      ├─ a fresh location ─► checked in: judged against the home ─► END
      │     outside the radius ─► "Why?" (buttons, outside the dialog)
      │     no home yet ─► "Is this the client's home?" ✅ Yes, set it · Not now
      ├─ No location ─► checked in, unverified ("no location") ─► END
      ├─ forwarded, a venue, a live location, text ─► said kindly, asked again
      └─ ✖ Cancel, /cancel ─► nothing written ─► END
🏠 Home location (client card) ─► HOME_PIN: at the home, 📍 Send my location; else a pin
      ├─ none on record ─► saved ─► END
      └─ one on record ─► HOME_REASON "Why does it change?" ─(text)─► changed ─► END

🏁 Check out runs in the visit log's dialog (conversations/visit.py): it asks for the
location with the same keyboard (`ask_check_out`, `read_check_out`), then opens the visit
log pre-filled. The reply keyboard is removed by whatever answers the location.

Only a fresh location message counts: its position is shared once and kept with the
visit only. An edit of a location (a live location moving) is never followed (bot/commands.py
drops it without an answer). Every write: domain/usecases/evv.py.
"""

from __future__ import annotations

from typing import Any, Literal

from telegram import Message, ReplyKeyboardRemove, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations.common import conversation
from domain.results import Invalid, Refused, Saved, Stale
from domain.rules.evv import Moment, Position, visit_minutes
from domain.usecases import evv as usecases
from domain.usecases.appointments import Booked
from domain.usecases.evv import HomeLook
from ui import evv_views, privacy, texts, views
from ui.callbacks import pattern, read_id, unpack
from ui.client_card import say_not_found
from ui.context import CaselineContext, happened_at, zone_of
from ui.replies import answer, edit_message, show

PREFIX = evv_views.PREFIX
DRAFT = "evv"  # the check-in's
HOME_DRAFT = "home"  # 🏠 Home location's
HOME_NAME = "eh"  # its dialog's name (it has no buttons of its own)
LOCATION, HOME_PIN, HOME_REASON = range(3)
REMOVE = ReplyKeyboardRemove()

# What a step made of the worker's message.
NO_POSITION: Literal["none"] = "none"  # "No location"
CANCEL: Literal["cancel"] = "cancel"
AGAIN: Literal["again"] = "again"  # refused or not understood: asked again
Read = Position | Literal["none", "cancel", "again"]


async def read_location(
    update: Update, *, no_location: bool = True, venue_ok: bool = False
) -> Read:
    """The position a message brings, if it is one that counts: a fresh location (the
    📍 button, or a pin from the attachment menu). A forwarded location, a venue (unless
    `venue_ok`), a live location or anything else is answered kindly with the keyboard
    again (AGAIN); No location and ✖ Cancel from the keyboard come back as such."""
    message = update.effective_message
    assert message is not None
    location = message.location
    if location is None:
        typed = (message.text or "").strip()
        if typed == texts.CANCEL:
            return CANCEL
        if no_location and typed == texts.NO_LOCATION:
            return NO_POSITION
        return await _again(message, texts.LOCATION_EXPECTED, no_location)
    if message.forward_origin is not None:
        return await _again(message, texts.FORWARDED_REFUSED, no_location)
    if message.venue is not None and not venue_ok:
        return await _again(message, texts.VENUE_REFUSED, no_location)
    if location.to_dict().get("live_period"):  # (the attribute's type is changing in PTB)
        return await _again(message, texts.LIVE_REFUSED, no_location)
    return Position(location.latitude, location.longitude, location.horizontal_accuracy)


async def _again(message: Message | None, text: str, no_location: bool) -> Literal["again"]:
    assert message is not None  # the step answers a message
    await message.reply_text(
        text, reply_markup=evv_views.location_keyboard(no_location=no_location)
    )
    return AGAIN


async def cancelled(update: Update, context: CaselineContext) -> int:
    """✖ Cancel or /cancel while the location is asked: nothing written, keyboard gone."""
    context.user_data.pop(DRAFT, None)
    context.user_data.pop(HOME_DRAFT, None)
    await update.effective_message.reply_text(texts.CANCELLED, reply_markup=REMOVE)
    return ConversationHandler.END


async def _refused_or_stale(
    update: Update, context: CaselineContext, result: Refused | Stale[Booked], moment: Moment
) -> None:
    """A press the worker may not act on (audited by the use case), or a visit that moved
    on: one alert; an outdated card is shown as it stands."""
    if isinstance(result, Refused):
        await answer(update, texts.ONLY_ASSIGNED, alert=True)
        return
    booked = result.current
    await answer(update, evv_views.stale_text(booked.appointment, moment), alert=True)
    view = views.appointment_card(
        booked.appointment, booked.client, zone_of(context), context.services.clock.now()
    )
    await show(update, view)


def _pressed_on(update: Update) -> list[int] | None:
    message = update.callback_query.message if update.callback_query else None
    return [message.chat.id, message.message_id] if message is not None else None


# ── 📍 Check in ─────────────────────────────────────────────────────────────────


async def check_in_pressed(update: Update, context: CaselineContext) -> int:
    appointment_id = unpack(update.callback_query.data).int_arg()
    result = await usecases.may_check_in(context.services, context.require_actor(), appointment_id)
    if not isinstance(result, Booked):
        await _refused_or_stale(update, context, result, Moment.CHECK_IN)
        return ConversationHandler.END
    await answer(update)
    visit, client = result.appointment, result.client
    context.user_data[DRAFT] = {"appointment": visit.id, "card": _pressed_on(update)}
    at = f"{visit.starts_at.astimezone(zone_of(context)):%H:%M}"
    await update.effective_message.reply_text(
        texts.check_in_ask(client.code, privacy.client_name(client), at),
        reply_markup=evv_views.location_keyboard(),
    )
    return LOCATION


async def check_in_location(update: Update, context: CaselineContext) -> int:
    read = await read_location(update)
    if read == AGAIN:
        return LOCATION
    if read == CANCEL:
        return await cancelled(update, context)
    draft: dict[str, Any] = context.user_data.get(DRAFT) or {}
    result = await usecases.check_in(
        context.services,
        context.require_actor(),
        draft.get("appointment"),
        None if read == NO_POSITION else read,
        at=happened_at(update, context),
    )
    if isinstance(result, Invalid):
        await _again(update.effective_message, texts.BAD_POSITION, True)
        return LOCATION
    context.user_data.pop(DRAFT, None)
    message = update.effective_message
    if isinstance(result, Refused):
        await message.reply_text(texts.ONLY_ASSIGNED, reply_markup=REMOVE)
        return ConversationHandler.END
    if isinstance(result, Stale):
        stale = evv_views.stale_text(result.current.appointment, Moment.CHECK_IN)
        await message.reply_text(stale, reply_markup=REMOVE)
        return ConversationHandler.END
    await _say_checked(update, context, result.value, Moment.CHECK_IN)
    await _redraw(context, draft.get("card"), result.value)
    return ConversationHandler.END


async def _say_checked(
    update: Update, context: CaselineContext, booked: Booked, moment: Moment
) -> None:
    """The check-in's (or check-out's) confirmation with the verification in one line,
    the reply keyboard gone; then the questions it leaves: why outside the radius, and
    (a check-in) whether this is the client's home."""
    visit, client = booked.appointment, booked.client
    zone = zone_of(context)
    message = update.effective_message
    if moment == Moment.CHECK_IN:
        assert visit.check_in_at is not None
        head = texts.checked_in(client.code, f"{visit.check_in_at.astimezone(zone):%H:%M}")
    else:
        assert visit.check_in_at is not None and visit.check_out_at is not None
        start, end = (
            f"{at.astimezone(zone):%H:%M}" for at in (visit.check_in_at, visit.check_out_at)
        )
        minutes = visit_minutes(visit.check_in_at, visit.check_out_at)
        head = texts.checked_out(client.code, start, end, minutes)
    status = evv_views.status_line(visit)
    await message.reply_text(f"{head}\n{status}" if status else head, reply_markup=REMOVE)
    radius = context.services.settings.evv_radius_meters
    far = evv_views.outside(visit, moment, radius)
    if far is not None:
        await message.reply_text(
            texts.evv_far(far, radius), reply_markup=evv_views.reason_keyboard(visit.id, moment)
        )
    if moment == Moment.CHECK_IN and evv_views.asks_home(visit):
        await message.reply_text(
            texts.ask_home(client.code), reply_markup=evv_views.home_keyboard(visit.id)
        )


async def _redraw(context: CaselineContext, card: object, booked: Booked) -> None:
    """The appointment card 📍 Check in was pressed on, as it stands now."""
    if not isinstance(card, list) or len(card) != 2:
        return
    view = views.appointment_card(
        booked.appointment, booked.client, zone_of(context), context.services.clock.now()
    )
    await edit_message(context.bot, card[0], card[1], view)


# ── 🏁 Check out, asked from the visit log's dialog ─────────────────────────────


async def ask_check_out(update: Update, context: CaselineContext) -> Booked | None:
    """🏁 Check out pressed: the location asked (the visit log's dialog then waits for
    it), or None after saying why not."""
    appointment_id = unpack(update.callback_query.data).int_arg()
    result = await usecases.may_check_out(context.services, context.require_actor(), appointment_id)
    if not isinstance(result, Booked):
        await _refused_or_stale(update, context, result, Moment.CHECK_OUT)
        return None
    await answer(update)
    visit, client = result.appointment, result.client
    assert visit.check_in_at is not None
    since = f"{visit.check_in_at.astimezone(zone_of(context)):%H:%M}"
    await update.effective_message.reply_text(
        texts.check_out_ask(client.code, privacy.client_name(client), since),
        reply_markup=evv_views.location_keyboard(),
    )
    return result


async def read_check_out(
    update: Update, context: CaselineContext, appointment_id: int | None
) -> Booked | Literal["again", "cancel"]:
    """The check-out from the message that answers 🏁's question: the checked-out visit
    (confirmation sent), AGAIN (asked again), or CANCEL (the dialog ends; said)."""
    read = await read_location(update)
    if read == AGAIN or read == CANCEL:
        if read == CANCEL:
            await update.effective_message.reply_text(texts.CANCELLED, reply_markup=REMOVE)
        return read
    result = await usecases.check_out(
        context.services,
        context.require_actor(),
        appointment_id,
        None if read == NO_POSITION else read,
        at=happened_at(update, context),
    )
    if isinstance(result, Invalid):
        return await _again(update.effective_message, texts.BAD_POSITION, True)
    if not isinstance(result, Saved):
        text = (
            texts.ONLY_ASSIGNED
            if isinstance(result, Refused)
            else evv_views.stale_text(result.current.appointment, Moment.CHECK_OUT)
        )
        await update.effective_message.reply_text(text, reply_markup=REMOVE)
        return CANCEL
    await _say_checked(update, context, result.value, Moment.CHECK_OUT)
    return result.value


# ── the buttons under a check-in or check-out (outside any dialog) ──────────────


async def reason_pressed(update: Update, context: CaselineContext) -> None:
    """Why a position lay outside the radius: kept with the visit; the question then
    says the answer."""
    raw_id, _, rest = unpack(update.callback_query.data).arg.partition(":")
    moment, _, reason = rest.partition(":")
    result = await usecases.give_reason(
        context.services, context.require_actor(), read_id(raw_id), moment, reason
    )
    if isinstance(result, Refused):
        await answer(update, texts.ONLY_ASSIGNED, alert=True)
        return
    if not isinstance(result, Saved):
        await answer(update, texts.STALE_BUTTON)
        return
    await answer(update, texts.REASON_SAVED)
    question = update.callback_query.message
    said = question.text_html if isinstance(question, Message) and question.text else ""
    await update.callback_query.edit_message_text(f"{said}\n→ {texts.EVV_REASONS[reason]}")


async def home_pressed(update: Update, context: CaselineContext) -> None:
    """ "Is this the client's home?": ✅ Yes sets it from the check-in; Not now leaves it."""
    pressed = unpack(update.callback_query.data)
    if pressed.action == "nohome":
        await answer(update)
        await update.callback_query.edit_message_text(texts.HOME_LEFT)
        return
    result = await usecases.home_from_check_in(
        context.services, context.require_actor(), pressed.int_arg()
    )
    if isinstance(result, Refused):
        await answer(update, texts.ONLY_ASSIGNED, alert=True)
        return
    if isinstance(result, Stale):
        await answer(update, texts.HOME_ALREADY_SET, alert=True)
        await update.callback_query.edit_message_text(texts.HOME_ALREADY_SET)
        return
    await answer(update)
    visit, client = result.value.appointment, result.value.client
    status = evv_views.status_line(visit)
    said = texts.home_set_from_check_in(client.code)
    await update.callback_query.edit_message_text(f"{said}\n{status}" if status else said)


# ── 🏠 Home location, from the client card ──────────────────────────────────────


async def home_from_card(update: Update, context: CaselineContext) -> int:
    client_id = unpack(update.callback_query.data).int_arg()
    look = await usecases.home_look(context.services, context.require_actor(), client_id)
    if not isinstance(look, HomeLook):
        await say_not_found(update, client_id or 0)
        return ConversationHandler.END
    await answer(update)
    client = look.client
    context.user_data[HOME_DRAFT] = {"client_id": client.id, "code": client.code}
    lines = [texts.home_ask(client.code, privacy.client_name(client))]
    if look.known and look.set_at is not None:
        lines.append(
            texts.home_on_record(texts.record_day(look.set_at, zone_of(context)), look.set_by)
        )
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=evv_views.location_keyboard(no_location=False)
    )
    return HOME_PIN


async def home_pin(update: Update, context: CaselineContext) -> int:
    read = await read_location(update, no_location=False, venue_ok=True)
    if read == AGAIN:
        return HOME_PIN
    if not isinstance(read, Position):
        return await cancelled(update, context)
    draft = context.user_data.get(HOME_DRAFT) or {}
    draft["position"] = [read.latitude, read.longitude, read.accuracy]
    context.user_data[HOME_DRAFT] = draft
    return await _set_home(update, context, draft, None)


async def home_reason(update: Update, context: CaselineContext) -> int:
    return await _set_home(
        update,
        context,
        context.user_data.get(HOME_DRAFT) or {},
        update.effective_message.text or "",
    )


async def _set_home(
    update: Update, context: CaselineContext, draft: dict[str, Any], reason: str | None
) -> int:
    latitude, longitude, accuracy = draft.get("position") or (None, None, None)
    if latitude is None or longitude is None:
        return await cancelled(update, context)
    position = Position(float(latitude), float(longitude), accuracy)
    result = await usecases.set_home(
        context.services, context.require_actor(), draft.get("client_id"), position, reason
    )
    message = update.effective_message
    if isinstance(result, Invalid):
        if result.reason == usecases.REASON_NEEDED:
            await message.reply_text(texts.HOME_ASK_REASON, reply_markup=REMOVE)
            return HOME_REASON
        if result.reason == usecases.REASON_TOO_LONG:
            await message.reply_text(texts.HOME_REASON_TOO_LONG)
            return HOME_REASON
        await _again(message, texts.BAD_POSITION, False)
        return HOME_PIN
    context.user_data.pop(HOME_DRAFT, None)
    if isinstance(result, Refused):
        await message.reply_text(
            texts.client_not_found(str(draft.get("code") or "?")), reply_markup=REMOVE
        )
        return ConversationHandler.END
    code = result.value.client.code
    said = texts.home_changed(code) if reason else texts.home_saved(code)
    await message.reply_text(said, reply_markup=REMOVE)
    return ConversationHandler.END


# ── wiring ─────────────────────────────────────────────────────────────────────


def handler(timeout_minutes: int) -> ConversationHandler:
    """📍 Check in: from the appointment card's (or the reminder's) button."""
    return conversation(
        PREFIX,
        entry_points=[CallbackQueryHandler(check_in_pressed, pattern=pattern(PREFIX) + "in:")],
        states={
            LOCATION: [
                CommandHandler("cancel", cancelled),
                MessageHandler(~filters.COMMAND & ~filters.UpdateType.EDITED, check_in_location),
            ],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )


def home_handler(timeout_minutes: int) -> ConversationHandler:
    """🏠 Home location: from the client card."""
    not_command = ~filters.COMMAND & ~filters.UpdateType.EDITED
    cancel = CommandHandler("cancel", cancelled)
    return conversation(
        HOME_NAME,
        entry_points=[CallbackQueryHandler(home_from_card, pattern=r"^cf:home:")],
        states={
            HOME_PIN: [cancel, MessageHandler(not_command, home_pin)],
            HOME_REASON: [
                cancel,
                MessageHandler(filters.TEXT & ~filters.COMMAND, home_reason),
                MessageHandler(not_command, _text_please),
            ],
        },
        draft_key=HOME_DRAFT,
        timeout_minutes=timeout_minutes,
    )


async def _text_please(update: Update, context: CaselineContext) -> int:
    await update.effective_message.reply_text(texts.HOME_ASK_REASON)
    return HOME_REASON


async def location_on_its_own(update: Update, context: CaselineContext) -> None:
    """A location sent outside any dialog (a reply keyboard left on the phone after the
    dialog was set aside): not kept; told how to check in, the keyboard taken away."""
    await update.effective_message.reply_text(texts.LOCATION_ON_ITS_OWN, reply_markup=REMOVE)


def button_handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The buttons under a check-in or check-out, and a location outside any dialog;
    register before the catch-all."""
    return [
        CallbackQueryHandler(reason_pressed, pattern=pattern(PREFIX) + "why:"),
        CallbackQueryHandler(home_pressed, pattern=pattern(PREFIX) + "(home|nohome):"),
        MessageHandler(filters.LOCATION & ~filters.UpdateType.EDITED, location_on_its_own),
    ]
