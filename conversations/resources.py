"""The admins' resource editor: add an entry, or edit one from its card.

    ➕ Add (on /resources) ─┐
    ✏️ Edit (on a card) ────┴─► NAME ─► CATEGORY (buttons or typed) ─► PHONE ─► ADDRESS
        ─► HOURS ─► NOTES (each optional field: ↷ Skip; when editing: ↷ Keep, 🗑 Clear)
        ─► CONFIRM: ✅ Save · 🏛 Benefit program yes/no · ✖ Cancel ─► the card, END
    (description, email and website come from the CSV import; the editor keeps them)

Decisions:
- Only admins may add or edit; a forged press by anyone else is refused and audited
  (`domain.usecases.resources`), at the entry and again on ✅ Save.
- The editor refuses to create a second entry with the same name and address and shows the
  one that exists instead (the CSV import updates it).
- Audit: resource.create, resource.update (changed field names only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from conversations.common import conversation, text_expected, use_buttons
from domain.results import Gone, Invalid, Refused, Stale
from domain.usecases import resources as directory
from storage import resources as entries
from ui import texts
from ui.callbacks import pattern, unpack
from ui.context import CaselineContext
from ui.replies import answer, show
from ui.resource_views import PREFIX, button, card_view, category_rows
from ui.views import View

DRAFT = "resources"
NAME_MIN = 2
FIELD, CONFIRM = range(2)
STEPS = ("name", "category", "phone", "address", "hours", "notes")
OPTIONAL = ("phone", "address", "hours", "notes")
ALL_FIELDS = tuple(entries.LIMITS)


@dataclass(slots=True)
class ResourceDraft:
    """An entry being added (`id` None) or edited: the field texts, the benefit-program
    flag, and the step being asked. Stored as JSON in the layout of the dict drafts of
    before, so one kept across an upgrade still loads."""

    id: int | None = None
    values: dict[str, str | None] = field(default_factory=dict)
    benefit: bool = False
    step: str = "name"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def editing(self) -> bool:
        return self.id is not None

    def to_json(self) -> dict[str, Any]:
        return self.extra | {
            "id": self.id,
            "values": dict(self.values),
            "benefit": self.benefit,
            "step": self.step,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ResourceDraft | None:
        """None when there is no draft (a stale button after the dialog ended)."""
        if not data or not isinstance(data.get("values"), dict):
            return None
        raw_id = data.get("id")
        values = {
            str(name): (str(value) if value is not None else None)
            for name, value in data["values"].items()
        }
        return cls(
            id=raw_id if isinstance(raw_id, int) else None,
            values=values,
            benefit=bool(data.get("benefit")),
            step=str(data.get("step") or "name"),
            extra={
                key: value
                for key, value in data.items()
                if key not in ("id", "values", "benefit", "step")
            },
        )


def _draft(context: CaselineContext) -> ResourceDraft | None:
    return ResourceDraft.from_json(context.user_data.get(DRAFT))


def _put(context: CaselineContext, draft: ResourceDraft) -> None:
    context.user_data[DRAFT] = draft.to_json()


async def _refused(update: Update, context: CaselineContext) -> int:
    context.user_data.pop(DRAFT, None)
    await answer(update, texts.ADMINS_ONLY, alert=True)
    return ConversationHandler.END


async def add_pressed(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    if not actor.is_admin:
        await directory.refuse(context.services, actor, "resource.create", None)
        return await _refused(update, context)
    await answer(update)
    _put(context, ResourceDraft())
    await update.effective_message.reply_text(texts.RESOURCE_ASK_NAME)
    return FIELD


async def edit_pressed(update: Update, context: CaselineContext) -> int:
    resource_id = unpack(update.callback_query.data).int_arg()
    found = await directory.resource_to_edit(context.services, context.require_actor(), resource_id)
    if isinstance(found, Refused):
        return await _refused(update, context)
    if isinstance(found, Gone):
        await answer(update, texts.RESOURCE_GONE, alert=True)
        return ConversationHandler.END
    resource = found.value
    await answer(update)
    values = {name: getattr(resource, name) for name in ALL_FIELDS}
    _put(context, ResourceDraft(resource.id, values, resource.is_benefit_program))
    await update.effective_message.reply_text(texts.resource_edit_intro(resource.name))
    return await _ask(update, context, "name")


async def _ask(update: Update, context: CaselineContext, step: str) -> int:
    draft = _draft(context) or ResourceDraft()
    draft.step = step
    _put(context, draft)
    rows: list[list[InlineKeyboardButton]] = []
    if step == "name":
        if not draft.editing:
            await update.effective_message.reply_text(texts.RESOURCE_ASK_NAME)
            return FIELD
        question = texts.FIELD_NAMES["name"] + "?"
    elif step == "category":
        question = texts.RESOURCE_ASK_CATEGORY
        rows += category_rows(PREFIX, await directory.categories(context.services))
    else:
        question = texts.RESOURCE_ASK[step]
    if draft.editing:
        question += "\n" + texts.current_value(draft.values.get(step))
        extra = [button(PREFIX, texts.KEEP, "keep")]
        if step in OPTIONAL and draft.values.get(step):
            extra.append(button(PREFIX, texts.CLEAR, "clear"))
        rows.append(extra)
    elif step in OPTIONAL:
        rows.append([button(PREFIX, texts.SKIP_FIELD, "skip")])
    rows.append([button(PREFIX, texts.CANCEL, "cancel")])
    await update.effective_message.reply_text(question, reply_markup=InlineKeyboardMarkup(rows))
    return FIELD


async def _after(update: Update, context: CaselineContext, draft: ResourceDraft) -> int:
    """The step after the current one, or the confirmation."""
    _put(context, draft)
    index = STEPS.index(draft.step) if draft.step in STEPS else 0
    if index + 1 < len(STEPS):
        return await _ask(update, context, STEPS[index + 1])
    return await _confirm(update, context)


async def value_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    if draft is None or draft.step not in STEPS:
        return await _ask(update, context, "name")
    step = draft.step
    raw = update.effective_message.text or ""
    value = entries.one_line(raw) if step in entries.ONE_LINE else entries.free_text(raw)
    limit = entries.LIMITS[step]
    if len(value) > limit:
        await update.effective_message.reply_text(
            texts.problems([entries.Problem(step, entries.Kind.TOO_LONG, limit=limit)])
        )
        return FIELD
    if step == "name" and len(value) < NAME_MIN:
        await update.effective_message.reply_text(
            texts.problems([entries.Problem(step, entries.Kind.MISSING)])
        )
        return FIELD
    if step == "category":
        value = await directory.canonical_category(context.services, value)
        if not value:
            return await _ask(update, context, step)
    draft.values[step] = value or None
    return await _after(update, context, draft)


async def field_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    draft = _draft(context)
    if draft is None or draft.step not in STEPS:
        await answer(update, texts.STALE_BUTTON)
        return FIELD
    step = draft.step
    if pressed.action == "cat" and step == "category":
        category = await directory.category_by_key(context.services, pressed.arg)
        if category is None:
            await answer(update, texts.STALE_BUTTON)
            return FIELD
        draft.values["category"] = category
    elif pressed.action == "keep" and draft.editing:
        pass
    elif pressed.action in ("skip", "clear") and step in OPTIONAL:
        if (pressed.action == "clear") != draft.editing:
            await answer(update, texts.STALE_BUTTON)
            return FIELD
        draft.values[step] = None
    else:
        await answer(update, texts.STALE_BUTTON)
        return FIELD
    await answer(update)
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _after(update, context, draft)


def _confirm_view(draft: ResourceDraft) -> View:
    lines = [texts.resource_confirm_title(not draft.editing)]
    for name in STEPS:
        lines.append(f"{texts.FIELD_NAMES[name]}: {escape(draft.values.get(name) or '—')}")
    keyboard = InlineKeyboardMarkup(
        [
            [button(PREFIX, texts.SAVE, "save")],
            [button(PREFIX, texts.benefit_toggle(draft.benefit), "ben")],
            [button(PREFIX, texts.CANCEL, "cancel")],
        ]
    )
    return View("\n".join(lines), keyboard)


async def _confirm(update: Update, context: CaselineContext) -> int:
    draft = _draft(context) or ResourceDraft()
    draft.step = "confirm"
    _put(context, draft)
    await show(update, _confirm_view(draft))
    return CONFIRM


async def benefit_toggled(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    if draft is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    draft.benefit = not draft.benefit
    _put(context, draft)
    await answer(update)
    await show(update, _confirm_view(draft))
    return CONFIRM


async def save(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    if draft is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    saved = await directory.save_resource(
        context.services, context.require_actor(), draft.id, draft.values, benefit=draft.benefit
    )
    if isinstance(saved, Refused):
        return await _refused(update, context)
    if isinstance(saved, Invalid):
        await answer(update)
        problems = directory.invalid_fields(draft.values, benefit=draft.benefit)
        await update.effective_message.reply_text(texts.problems(problems))
        return CONFIRM
    context.user_data.pop(DRAFT, None)
    if isinstance(saved, Stale):
        await answer(update)
        await update.effective_message.reply_text(texts.resource_duplicate(saved.current.name))
        view = card_view(saved.current, admin=True, sid=0, page=0)
        await update.effective_message.reply_text(view.text, reply_markup=view.keyboard)
        return ConversationHandler.END
    if isinstance(saved, Gone):
        await answer(update, texts.RESOURCE_GONE, alert=True)
        return ConversationHandler.END
    await answer(update, texts.RESOURCE_SAVED_TOAST)
    await show(update, card_view(saved.value, admin=True, sid=0, page=0))
    return ConversationHandler.END


def editor(timeout_minutes: int) -> ConversationHandler:
    """The admins' add/edit dialog (a persistent conversation named "rs")."""
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    return conversation(
        PREFIX,
        entry_points=[
            CallbackQueryHandler(add_pressed, pattern=pattern(PREFIX) + "add:"),
            CallbackQueryHandler(edit_pressed, pattern=pattern(PREFIX) + "edit:"),
        ],
        states={
            FIELD: [
                CallbackQueryHandler(
                    field_pressed, pattern=pattern(PREFIX) + "(cat|keep|skip|clear):"
                ),
                MessageHandler(text, value_typed),
                MessageHandler(other, text_expected),
            ],
            CONFIRM: [
                CallbackQueryHandler(save, pattern=pattern(PREFIX) + "save:"),
                CallbackQueryHandler(benefit_toggled, pattern=pattern(PREFIX) + "ben:"),
                MessageHandler(other, use_buttons),
            ],
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
    )
