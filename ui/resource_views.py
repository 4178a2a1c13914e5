"""The resource directory as Telegram shows it: category buttons, result rows, a card.

Used by /resources (bot/resources.py), its admin editor (conversations/resources.py) and
the referral dialog's resource step (conversations/referral.py). No database here.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from storage.models import Resource
from storage.resources import ResourcePage, category_key
from ui import texts
from ui.callbacks import pack
from ui.views import View
from ui.views import button_label as label


def category_rows(
    prefix: str, categories: list[tuple[str, int]]
) -> list[list[InlineKeyboardButton]]:
    """Category buttons, two a row: `<prefix>:cat:<key>` (see storage.resources.category_key)."""
    buttons = [
        InlineKeyboardButton(
            label(texts.category_button(category, count)),
            callback_data=pack(prefix, "cat", category_key(category)),
        )
        for category, count in categories
    ]
    return [buttons[index : index + 2] for index in range(0, len(buttons), 2)]


def result_rows(
    found: ResourcePage,
    open_data: Callable[[Resource], str],
    page_data: Callable[[int], str],
) -> list[list[InlineKeyboardButton]]:
    """One button per resource (`open_data(resource)`), then ◀ ▶ (`page_data(page)`)."""
    rows = [
        [
            InlineKeyboardButton(
                label(
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


def button(prefix: str, text: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label(text), callback_data=pack(prefix, action, arg))


# The callback-data prefix of /resources and its editor.
PREFIX = "rs"


def card_view(resource: Resource, *, admin: bool, sid: int, page: int) -> View:
    """A card of /resources: admins get ✏️ Edit and 🗄 Archive / ♻ Restore; ◀ Results
    returns to the remembered search `sid` at `page`."""
    prefix = PREFIX
    rows = []
    if admin:
        where = f"{resource.id}:{sid}:{page}"
        rows.append(
            [
                button(prefix, texts.EDIT, "edit", resource.id),
                button(prefix, texts.ARCHIVE, "arch", where)
                if resource.active
                else button(prefix, texts.RESTORE, "rest", where),
            ]
        )
    rows.append(
        [
            button(prefix, texts.RESULTS, "p", f"{sid}:{page}")
            if sid
            else button(prefix, texts.CATEGORIES, "home")
        ]
    )
    return View(card_text(resource), InlineKeyboardMarkup(rows))
