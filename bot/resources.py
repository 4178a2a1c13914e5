"""/resources — the directory of community resources; admins manage it in the chat.

    /resources ─► categories (buttons, with counts) ─(tap)─┐
    /resources food bank ───────────────────────────────────┴─► results, paged in place
        ─(tap)─► resource card ─► ◀ Results   (admins: ✏️ Edit · 🗄 Archive | ♻ Restore)
    admins: ➕ Add on the categories message, ✏️ Edit on a card ─► the editor
            (conversations/resources.py)

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
- Reading and archiving go through `domain.usecases.resources`; the views are
  ui/resource_views.py (shared with the editor and the referral dialog).
- Audit: resource.archive, resource.restore; a refused admin action is audited with
  allowed=False.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from domain.results import Gone, Refused
from domain.usecases import resources as directory
from storage.resources import SEARCH_TEXT_MAX, ResourcePage
from ui import texts
from ui.callbacks import pack, pattern, read_id, unpack
from ui.context import CaselineContext
from ui.replies import answer, show
from ui.resource_views import PREFIX, button, card_view, category_rows, result_rows, results_text
from ui.views import View

SEARCHES = "resource_searches"
KEEP_SEARCHES = 10
PAGE_SIZE = 6


def _home_view(categories: list[tuple[str, int]], *, admin: bool) -> View:
    rows = category_rows(PREFIX, categories)
    if admin:
        rows.append([button(PREFIX, texts.ADD, "add")])
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
    rows.append([button(PREFIX, texts.CATEGORIES, "home")])
    return View(results_text(found), InlineKeyboardMarkup(rows))


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


async def _show_home(update: Update, context: CaselineContext) -> None:
    categories = await directory.categories(context.services)
    await show(update, _home_view(categories, admin=context.require_actor().is_admin))


async def resources_command(update: Update, context: CaselineContext) -> None:
    words = " ".join(context.args or [])
    if words.strip():
        sid = _remember(context, words.strip()[:SEARCH_TEXT_MAX], None)
        await _show_search(update, context, sid, 0)
        return
    await _show_home(update, context)


async def _show_search(update: Update, context: CaselineContext, sid: int, page: int) -> None:
    remembered = _recall(context, sid)
    if remembered is None:
        await answer(update, texts.SEARCH_GONE)
        await _show_home(update, context)
        return
    found = await directory.search(
        context.services,
        context.require_actor(),
        words=remembered["w"],
        category=remembered["c"],
        page=page,
        page_size=PAGE_SIZE,
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
        await _show_home(update, context)
        return
    if pressed.action == "cat":
        category = await directory.category_by_key(context.services, pressed.arg)
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
        opened = await directory.open_resource(context.services, actor, resource_id)
        if isinstance(opened, Gone):
            await answer(update, texts.RESOURCE_GONE, alert=True)
            return
        await answer(update)
        await show(update, card_view(opened.value, admin=actor.is_admin, sid=sid, page=page))
        return
    if pressed.action in ("arch", "rest"):
        changed = await directory.set_archived(
            context.services, actor, resource_id, archived=pressed.action == "arch"
        )
        if isinstance(changed, Refused):
            await answer(update, texts.ADMINS_ONLY, alert=True)
        elif isinstance(changed, Gone):
            await answer(update, texts.RESOURCE_GONE, alert=True)
        else:
            toast = texts.ARCHIVED_TOAST if pressed.action == "arch" else texts.RESTORED_TOAST
            await answer(update, toast)
            await show(update, card_view(changed.value, admin=True, sid=sid, page=page))
        return
    await answer(update, texts.STALE_BUTTON)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """/resources and the directory's buttons (register after the editor,
    conversations/resources.py)."""
    return [
        CommandHandler("resources", resources_command),
        CallbackQueryHandler(
            directory_button, pattern=pattern(PREFIX) + "(home|cat|p|o|arch|rest):"
        ),
    ]
