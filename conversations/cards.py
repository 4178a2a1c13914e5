"""The draft card: one message that shows a dialog's draft, with a revision-checked ✅ Save.

A card can show more than the stored draft holds: the bot answers a step a few
milliseconds before the step is stored, and a crash in between loses the step but not
the card. So every card carries a revision number on its ✅ Save, and Save acts only
when that number is the draft's own (what you see is what is saved).

How a dialog uses it (conversations/appointment.py and visit.py do exactly this):

    @dataclass
    class MyDraft(cards.Draft):          # typed draft, stored in user_data as a dict
        ...

    def render(draft) -> tuple[str, InlineKeyboardMarkup]:
        ...  # the Save button's callback data carries draft.revise()

    async def show_card(update, context, *, new_message=False) -> int:
        draft = load(context); text, keyboard = render(draft); store(context, draft)
        await cards.show(update, text, keyboard, new_message=new_message)
        return CARD

    # in the CARD state, on a `<prefix>:save:<revision>` press:
    return await cards.save_pressed(
        update, shown=pressed.int_arg(), current=draft.revision,
        outdated=lambda: show_card(update, context), save=lambda: save(update, context),
    )

note.py does the same with its NoteDraft (conversations/note_draft.py); its `outdated`
strips the pressed card and sends the draft as a new card below.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from conversations import drafts
from ui import texts
from ui.replies import answer, edit_pressed


@dataclass
class Draft:
    """What every typed card draft carries besides its own fields (the keys that
    conversations/drafts.py's idle guard and `revise` write)."""

    token: str | None = None  # once-only saving (storage/saved_drafts)
    touched: str | None = None  # when the worker last acted (idle timeout)
    revision: int = 0  # the number the newest card's ✅ Save carries

    def revise(self) -> int:
        """A new number for the card about to show this draft."""
        self.revision += 1
        return self.revision

    def shows(self, shown: int | None) -> bool:
        return shows(self.revision, shown)

    def common_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {drafts.REVISION: self.revision}
        if self.token:
            data[drafts.TOKEN] = self.token
        if self.touched:
            data["touched"] = self.touched
        return data

    @staticmethod
    def common_from(data: dict[str, Any]) -> dict[str, Any]:
        """The common fields of a stored draft, as keyword arguments."""
        revision = data.get(drafts.REVISION)
        return {
            "token": data.get(drafts.TOKEN) or None,
            "touched": data.get("touched") or None,
            "revision": revision if isinstance(revision, int) else 0,
        }


def shows(current: int | None, shown: int | None) -> bool:
    """Whether a card carrying revision `shown` shows the draft (revision `current`)."""
    return shown is not None and current is not None and shown == current


async def show(
    update: Update, text: str, keyboard: InlineKeyboardMarkup, *, new_message: bool = False
) -> None:
    """Edit the card the worker pressed on, or send it as a new message (after typed
    text, or when `new_message`)."""
    query = update.callback_query
    if query is not None and query.message is not None and not new_message:
        await edit_pressed(query, text, keyboard)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=keyboard)


async def save_pressed(
    update: Update,
    *,
    shown: int | None,
    current: int | None,
    outdated: Callable[[], Awaitable[int]],
    save: Callable[[], Awaitable[int]],
) -> int:
    """✅ Save on a card: `save()` when the card shows the draft as it stands; else say
    the card was outdated and show the draft as it is (`outdated()`), saving nothing."""
    if not shows(current, shown):
        await answer(update, texts.CARD_OUTDATED, alert=True)
        return await outdated()
    return await save()
