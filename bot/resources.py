"""/resources — the directory of community resources; admins manage it in the chat.

    /resources ─► categories (buttons, with counts) ─(tap)─┐
    /resources food bank ───────────────────────────────────┴─► results, paged in place
        ─(tap)─► resource card ─► ◀ Results   (admins: ✏️ Edit · 🗄 Archive | ♻ Restore)
    admins: ➕ Add on the categories message, ✏️ Edit on a card ─► the editor (below)

    editor:  NAME ─► CATEGORY (buttons or typed) ─► PHONE ─► ADDRESS ─► HOURS ─► NOTES
             (each optional field: ↷ Skip; when editing: ↷ Keep, 🗑 Clear) ─► CONFIRM
             CONFIRM: ✅ Save · 🏛 Benefit program yes/no · ✖ Cancel ─► the card, END
             (description, email and website come from the CSV import; the editor keeps them)

Decisions:
- Every button carries ids only (`rs:<action>:…`) and is re-checked: archived entries are
  hidden from workers (a stale button says the resource is gone); only admins may add, edit,
  archive or restore, and a forged press by anyone else is refused and audited.
- A search (words and/or a category) is remembered in the worker's persisted user_data under
  a small number (the last 10 are kept), and the paging buttons name that number, so typed
  words of any length never have to fit into Telegram's 64-byte callback data. Paging and
  "◀ Results" edit the message in place.
- Admins also see archived entries in searches (marked 🗄) so they can restore them.
- Archiving is reversible (♻ Restore), so it takes one tap; archived entries are not offered
  for new referrals, and existing referrals keep pointing at them.
- The editor refuses to create a second entry with the same name and address and shows the
  one that exists instead (the CSV import updates it).
- Audit: resource.create, resource.update (changed field names), resource.archive,
  resource.restore; a refused admin action is audited with allowed=False.
"""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations.common import conversation, text_expected, use_buttons
from storage import audit
from storage import resources as directory
from storage.models import Resource
from storage.resources import ResourcePage
from ui import texts
from ui.callbacks import pack, pattern, read_id, unpack
from ui.context import CaselineContext
from ui.replies import answer, show
from ui.views import View

PREFIX = "rs"
DRAFT = "resources"
SEARCHES = "resource_searches"
KEEP_SEARCHES = 10
PAGE_SIZE = 6
LABEL_MAX = 40
NAME_MIN = 2


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(_label(label), callback_data=pack(PREFIX, action, arg))


def _label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


# ── views (also used by the referral dialog to pick a resource) ───────────────


def category_rows(
    prefix: str, categories: list[tuple[str, int]]
) -> list[list[InlineKeyboardButton]]:
    """Category buttons, two a row: `<prefix>:cat:<key>` (see storage.resources.category_key)."""
    buttons = [
        InlineKeyboardButton(
            _label(texts.category_button(category, count)),
            callback_data=pack(prefix, "cat", directory.category_key(category)),
        )
        for category, count in categories
    ]
    return [buttons[index : index + 2] for index in range(0, len(buttons), 2)]


def result_rows(
    found: ResourcePage, open_data: Any, page_data: Any
) -> list[list[InlineKeyboardButton]]:
    """One button per resource (`open_data(resource)`), then ◀ ▶ (`page_data(page)`)."""
    rows = [
        [
            InlineKeyboardButton(
                _label(
                    texts.resource_button(
                        resource.name, resource.category, archived=not resource.active
                    )
                ),
                callback_data=open_data(resource),
            )
        ]
        for resource in found.resources
    ]
    nav = []
    if found.page > 0:
        nav.append(InlineKeyboardButton(texts.PREVIOUS, callback_data=page_data(found.page - 1)))
    if found.page < found.pages - 1:
        nav.append(InlineKeyboardButton(texts.NEXT, callback_data=page_data(found.page + 1)))
    if nav:
        rows.append(nav)
    return rows


def results_text(found: ResourcePage) -> str:
    if not found.total:
        return texts.nothing_found(found.words, found.category)
    return texts.search_header(found.words, found.category, found.total, found.page, found.pages)


def card_text(resource: Resource) -> str:
    """A resource as the worker reads it; every stored text escaped."""
    lines = [f"<b>{escape(resource.name)}</b>", f"📂 {escape(resource.category)}"]
    if resource.is_benefit_program:
        lines.append(texts.BENEFIT_PROGRAM)
    if not resource.active:
        lines.append(texts.ARCHIVED)
    if resource.description:
        lines += ["", escape(resource.description)]
    details = [
        (name, getattr(resource, name))
        for name in ("phone", "email", "website", "address", "hours", "notes")
    ]
    shown = [f"{texts.FIELD_ICONS[name]} {escape(value)}" for name, value in details if value]
    if shown:
        lines += [""] + shown
    return "\n".join(lines)


def _home_view(categories: list[tuple[str, int]], *, admin: bool) -> View:
    rows = category_rows(PREFIX, categories)
    if admin:
        rows.append([_button(texts.ADD, "add")])
    if not categories:
        text = texts.DIRECTORY_EMPTY_ADMIN if admin else texts.DIRECTORY_EMPTY
    else:
        text = texts.directory_home(sum(count for _, count in categories), len(categories))
    return View(text, InlineKeyboardMarkup(rows) if rows else None)


def _results_view(found: ResourcePage, sid: int) -> View:
    rows = result_rows(
        found,
        lambda resource: pack(PREFIX, "o", f"{resource.id}:{sid}:{found.page}"),
        lambda page: pack(PREFIX, "p", f"{sid}:{page}"),
    )
    rows.append([_button(texts.CATEGORIES, "home")])
    return View(results_text(found), InlineKeyboardMarkup(rows))


def _card_view(resource: Resource, *, admin: bool, sid: int, page: int) -> View:
    rows = []
    if admin:
        where = f"{resource.id}:{sid}:{page}"
        rows.append(
            [
                _button(texts.EDIT, "edit", resource.id),
                _button(texts.ARCHIVE, "arch", where)
                if resource.active
                else _button(texts.RESTORE, "rest", where),
            ]
        )
    rows.append(
        [_button(texts.RESULTS, "p", f"{sid}:{page}") if sid else _button(texts.CATEGORIES, "home")]
    )
    return View(card_text(resource), InlineKeyboardMarkup(rows))


# ── remembered searches ────────────────────────────────────────────────────────


def _remember(context: CaselineContext, words: str, category: str | None) -> int:
    memory = context.user_data.setdefault(SEARCHES, {"next": 1, "items": {}})
    sid = int(memory.get("next", 1))
    memory["next"] = sid + 1
    items = memory.setdefault("items", {})
    items[str(sid)] = {"w": words, "c": category}
    for old in sorted(items, key=int)[:-KEEP_SEARCHES]:
        items.pop(old, None)
    return sid


def _recall(context: CaselineContext, sid: int) -> dict[str, Any] | None:
    return context.user_data.get(SEARCHES, {}).get("items", {}).get(str(sid))


# ── /resources and its buttons ─────────────────────────────────────────────────


async def resources_command(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    words = " ".join(context.args or [])
    if words.strip():
        sid = _remember(context, words.strip()[: directory.SEARCH_TEXT_MAX], None)
        await _show_search(update, context, sid, 0)
        return
    async with context.services.db.session() as session:
        categories = await directory.categories(session)
    await show(update, _home_view(categories, admin=actor.is_admin))


async def _show_search(update: Update, context: CaselineContext, sid: int, page: int) -> None:
    actor = context.require_actor()
    remembered = _recall(context, sid)
    if remembered is None:
        await answer(update, texts.SEARCH_GONE)
        async with context.services.db.session() as session:
            categories = await directory.categories(session)
        await show(update, _home_view(categories, admin=actor.is_admin))
        return
    async with context.services.db.session() as session:
        found = await directory.search(
            session,
            words=remembered["w"],
            category=remembered["c"],
            page=page,
            page_size=PAGE_SIZE,
            include_archived=actor.is_admin,
        )
    await answer(update)
    await show(update, _results_view(found, sid))


def _where(arg: str) -> tuple[int | None, int, int]:
    """`<id>:<sid>:<page>` → the numbers (None for a forged id; 0 for missing extras)."""
    parts = (arg.split(":") + ["", "", ""])[:3]
    numbers = [read_id(part) for part in parts]
    return numbers[0], numbers[1] or 0, numbers[2] or 0


async def directory_button(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    pressed = unpack(update.callback_query.data)
    if pressed.action == "home":
        await answer(update)
        async with context.services.db.session() as session:
            categories = await directory.categories(session)
        await show(update, _home_view(categories, admin=actor.is_admin))
        return
    if pressed.action == "cat":
        async with context.services.db.session() as session:
            category = await directory.category_by_key(session, pressed.arg)
        if category is None:
            await answer(update, texts.STALE_BUTTON)
            return
        await _show_search(update, context, _remember(context, "", category), 0)
        return
    if pressed.action == "p":
        sid, page, _ = _where(pressed.arg)
        await _show_search(update, context, sid or 0, page)
        return
    resource_id, sid, page = _where(pressed.arg)
    if pressed.action == "o":
        async with context.services.db.session() as session:
            resource = await directory.get(session, resource_id) if resource_id else None
        if resource is None or not (resource.active or actor.is_admin):
            await answer(update, texts.RESOURCE_GONE, alert=True)
            return
        await answer(update)
        await show(update, _card_view(resource, admin=actor.is_admin, sid=sid, page=page))
        return
    if pressed.action in ("arch", "rest"):
        await _archive(
            update, context, resource_id, restore=pressed.action == "rest", sid=sid, page=page
        )
        return
    await answer(update, texts.STALE_BUTTON)


async def _refuse_admin_action(
    update: Update, context: CaselineContext, action: str, resource_id: int | None
) -> None:
    actor = context.require_actor()
    async with context.services.db.session() as session:
        await audit.refused(
            session,
            action,
            now=context.services.clock.now(),
            actor_id=actor.id,
            subject_type="resource",
            subject_id=resource_id,
        )
    await answer(update, texts.ADMINS_ONLY, alert=True)


async def _archive(
    update: Update,
    context: CaselineContext,
    resource_id: int | None,
    *,
    restore: bool,
    sid: int,
    page: int,
) -> None:
    actor = context.require_actor()
    action = "resource.restore" if restore else "resource.archive"
    if not actor.is_admin:
        await _refuse_admin_action(update, context, action, resource_id)
        return
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        resource = await directory.get(session, resource_id) if resource_id else None
        if resource is not None and resource.active == (not restore):
            resource.active = restore
            await audit.record(
                session,
                action,
                now=now,
                actor_id=actor.id,
                subject_type="resource",
                subject_id=resource.id,
            )
    if resource is None:
        await answer(update, texts.RESOURCE_GONE, alert=True)
        return
    await answer(update, texts.RESTORED_TOAST if restore else texts.ARCHIVED_TOAST)
    await show(update, _card_view(resource, admin=True, sid=sid, page=page))


# ── the editor (admins) ────────────────────────────────────────────────────────

FIELD, CONFIRM = range(2)
STEPS = ("name", "category", "phone", "address", "hours", "notes")
OPTIONAL = ("phone", "address", "hours", "notes")
ALL_FIELDS = tuple(directory.LIMITS)


def _draft(context: CaselineContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


async def add_pressed(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    if not actor.is_admin:
        await _refuse_admin_action(update, context, "resource.create", None)
        return ConversationHandler.END
    await answer(update)
    context.user_data[DRAFT] = {"id": None, "values": {}, "benefit": False, "step": "name"}
    await update.effective_message.reply_text(texts.RESOURCE_ASK_NAME)
    return FIELD


async def edit_pressed(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    resource_id = unpack(update.callback_query.data).int_arg()
    if not actor.is_admin:
        await _refuse_admin_action(update, context, "resource.update", resource_id)
        return ConversationHandler.END
    async with context.services.db.session() as session:
        resource = await directory.get(session, resource_id) if resource_id else None
    if resource is None:
        await answer(update, texts.RESOURCE_GONE, alert=True)
        return ConversationHandler.END
    await answer(update)
    context.user_data[DRAFT] = {
        "id": resource.id,
        "values": {name: getattr(resource, name) for name in ALL_FIELDS},
        "benefit": resource.is_benefit_program,
        "step": "name",
    }
    await update.effective_message.reply_text(texts.resource_edit_intro(resource.name))
    return await _ask(update, context, "name")


async def _ask(update: Update, context: CaselineContext, step: str) -> int:
    draft = _draft(context)
    draft["step"] = step
    editing = draft.get("id") is not None
    rows: list[list[InlineKeyboardButton]] = []
    if step == "name":
        if not editing:
            await update.effective_message.reply_text(texts.RESOURCE_ASK_NAME)
            return FIELD
        question = texts.FIELD_NAMES["name"] + "?"
    elif step == "category":
        question = texts.RESOURCE_ASK_CATEGORY
        async with context.services.db.session() as session:
            rows += category_rows(PREFIX, await directory.categories(session))
    else:
        question = texts.RESOURCE_ASK[step]
    if editing:
        question += "\n" + texts.current_value(draft["values"].get(step))
        extra = [_button(texts.KEEP, "keep")]
        if step in OPTIONAL and draft["values"].get(step):
            extra.append(_button(texts.CLEAR, "clear"))
        rows.append(extra)
    elif step in OPTIONAL:
        rows.append([_button(texts.SKIP_FIELD, "skip")])
    rows.append([_button(texts.CANCEL, "cancel")])
    await update.effective_message.reply_text(question, reply_markup=InlineKeyboardMarkup(rows))
    return FIELD


async def _after(update: Update, context: CaselineContext) -> int:
    """The step after the current one, or the confirmation."""
    step = _draft(context).get("step", "name")
    index = STEPS.index(step) if step in STEPS else 0
    if index + 1 < len(STEPS):
        return await _ask(update, context, STEPS[index + 1])
    return await _confirm(update, context)


async def value_typed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    step = draft.get("step")
    if step not in STEPS:
        return await _ask(update, context, "name")
    raw = update.effective_message.text or ""
    value = directory.one_line(raw) if step in directory.ONE_LINE else directory.free_text(raw)
    limit = directory.LIMITS[step]
    if len(value) > limit:
        await update.effective_message.reply_text(
            texts.problems([directory.Problem(step, directory.Kind.TOO_LONG, limit=limit)])
        )
        return FIELD
    if step == "name" and len(value) < NAME_MIN:
        await update.effective_message.reply_text(
            texts.problems([directory.Problem(step, directory.Kind.MISSING)])
        )
        return FIELD
    if step == "category":
        async with context.services.db.session() as session:
            value = await directory.canonical_category(session, value)
        if not value:
            return await _ask(update, context, step)
    draft.setdefault("values", {})[step] = value or None
    return await _after(update, context)


async def field_pressed(update: Update, context: CaselineContext) -> int:
    pressed = unpack(update.callback_query.data)
    draft = _draft(context)
    step = draft.get("step")
    editing = draft.get("id") is not None
    if step not in STEPS:
        await answer(update, texts.STALE_BUTTON)
        return FIELD
    if pressed.action == "cat" and step == "category":
        async with context.services.db.session() as session:
            category = await directory.category_by_key(session, pressed.arg)
        if category is None:
            await answer(update, texts.STALE_BUTTON)
            return FIELD
        draft["values"]["category"] = category
    elif pressed.action == "keep" and editing:
        pass
    elif pressed.action == "skip" and step in OPTIONAL and not editing:
        draft["values"][step] = None
    elif pressed.action == "clear" and step in OPTIONAL and editing:
        draft["values"][step] = None
    else:
        await answer(update, texts.STALE_BUTTON)
        return FIELD
    await answer(update)
    await update.callback_query.edit_message_reply_markup(reply_markup=None)
    return await _after(update, context)


def _confirm_view(draft: dict[str, Any]) -> View:
    values = draft["values"]
    lines = [texts.resource_confirm_title(draft.get("id") is None)]
    for name in STEPS:
        lines.append(f"{texts.FIELD_NAMES[name]}: {escape(values.get(name) or '—')}")
    keyboard = InlineKeyboardMarkup(
        [
            [_button(texts.SAVE, "save")],
            [_button(texts.benefit_toggle(bool(draft.get("benefit"))), "ben")],
            [_button(texts.CANCEL, "cancel")],
        ]
    )
    return View("\n".join(lines), keyboard)


async def _confirm(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    draft["step"] = "confirm"
    await show(update, _confirm_view(draft))
    return CONFIRM


async def benefit_toggled(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    if "values" not in draft:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    draft["benefit"] = not draft.get("benefit")
    await answer(update)
    await show(update, _confirm_view(draft))
    return CONFIRM


async def save(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = dict(_draft(context))
    if "values" not in draft:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    resource_id = draft.get("id")
    action = "resource.create" if resource_id is None else "resource.update"
    if not actor.is_admin:
        await _refuse_admin_action(update, context, action, resource_id)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    data, found = directory.clean(draft["values"], benefit=bool(draft.get("benefit")))
    if data is None:
        await answer(update)
        await update.effective_message.reply_text(texts.problems(found))
        return CONFIRM
    now = context.services.clock.now()
    duplicate = resource = None
    async with context.services.db.session() as session:
        data.category = await directory.canonical_category(session, data.category)
        duplicate = await directory.find_same(
            session, data.name, data.address, exclude_id=resource_id
        )
        if duplicate is None:
            if resource_id is None:
                resource = await directory.create(session, data)
                changed = list(data.values())
            else:
                resource = await directory.get(session, resource_id)
                changed = directory.changed_fields(resource, data) if resource else []
                if resource is not None:
                    directory.apply(resource, data)
            if resource is not None:
                await audit.record(
                    session,
                    action,
                    now=now,
                    actor_id=actor.id,
                    subject_type="resource",
                    subject_id=resource.id,
                    detail={"fields": changed},
                )
    context.user_data.pop(DRAFT, None)
    if duplicate is not None:
        await answer(update)
        await update.effective_message.reply_text(texts.resource_duplicate(data.name))
        view = _card_view(duplicate, admin=True, sid=0, page=0)
        await update.effective_message.reply_text(view.text, reply_markup=view.keyboard)
        return ConversationHandler.END
    if resource is None:
        await answer(update, texts.RESOURCE_GONE, alert=True)
        return ConversationHandler.END
    await answer(update, texts.RESOURCE_SAVED_TOAST)
    await show(update, _card_view(resource, admin=True, sid=0, page=0))
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


def handlers() -> list:
    """/resources and the directory's buttons (register after `editor`)."""
    return [
        CommandHandler("resources", resources_command),
        CallbackQueryHandler(
            directory_button, pattern=pattern(PREFIX) + "(home|cat|p|o|arch|rest):"
        ),
    ]
