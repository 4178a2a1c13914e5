"""The client's safety plan: the card's 🛟 Safety plan page, its sections typed one at a
time, a draft saved as one new version, ✅ Reviewed, the review interval, earlier versions.

Edits go into a draft, one per client, kept in the worker's user_data under "safety_plans"
(persisted, so it outlives a restart, an idle dialog and another dialog in between) until
💾 Save makes it the next version or 🗑 Discard drops it. The draft names the version it
was written over; a save after someone else's is not written but shown for a second look.

    [🛟] cf:safety / sp:o ─► the page (no dialog): ✏️ 1…6 · 💾 Save · 🗑 Discard ·
         ✅ Reviewed · 🔁 interval · 🕘 versions · 👤 Client
    [✏️ n] sp:e:<client>:<n> ─► TYPING ─(text: replaces; "+ …": adds)─► the page
    [➕ Write] sp:new:<client> ─► TYPING (step 1 of 6) ─(text, or ⏭ sp:skip)─► step 2 … 6
        ─► the page with the draft, 💾 Save
    TYPING: [✖ n] sp:x, [🗑] sp:clr change the draft and ask again; [🛟] sp:pg ─► the page;
        a sticker or photo is answered (text expected); /cancel ends the question (the
        draft stays: the page shows it)

Button names and what each does: ui/safety_views.py. Every step calls one use case of
domain/usecases/safety_plans.py and renders its result.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as tg_filters

from conversations.common import conversation, text_expected
from conversations.drafts import ClientIdDraft
from conversations.plan_card import local_today
from domain.results import Invalid, Refused, Stale
from domain.rules import safety_plans as rules
from domain.usecases import safety_plans as cases
from domain.usecases.safety_plans import Draft, SafetyPage
from ui import texts
from ui.callbacks import pattern, read_id, read_ids, unpack
from ui.client_card import say_not_found
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show
from ui.safety_views import (
    PREFIX,
    Pages,
    discard_view,
    effective,
    interval_view,
    page_view,
    pending,
    section_view,
    version_view,
    versions_view,
)
from ui.views import View

DIALOG = "safety"  # the question's own draft: {"id": client, "section": key, "step": bool}
DRAFTS = "safety_plans"  # user_data: the draft over each client's plan, by client id
TYPING = 0
VERSIONS_PAGE = 10


# ── the drafts, one per client ─────────────────────────────────────────────


def _drafts(context: CaselineContext) -> dict[str, Any]:
    drafts = context.user_data.get(DRAFTS)
    if not isinstance(drafts, dict):
        drafts = context.user_data[DRAFTS] = {}
    return drafts


def load_draft(context: CaselineContext, client_id: int) -> Draft | None:
    raw = _drafts(context).get(str(client_id))
    if not isinstance(raw, dict) or not isinstance(raw.get("base"), int):
        return None
    sections = raw.get("sections")
    interval = raw.get("interval")
    return Draft(
        base=raw["base"],
        sections={
            key: [line for line in lines if isinstance(line, str)]
            for key, lines in (sections.items() if isinstance(sections, dict) else ())
            if key in rules.SECTIONS and isinstance(lines, list)
        },
        interval_days=interval if isinstance(interval, int) else None,
    )


def _keep_draft(context: CaselineContext, client_id: int, draft: Draft | None) -> None:
    drafts = _drafts(context)
    if draft is None:
        drafts.pop(str(client_id), None)
        return
    drafts[str(client_id)] = {
        "base": draft.base,
        "sections": {key: list(lines) for key, lines in draft.sections.items()},
        "interval": draft.interval_days,
    }


def _settled(context: CaselineContext, page: SafetyPage, draft: Draft | None) -> Draft | None:
    """The draft as kept: none at all once it changes nothing (every edit undone)."""
    if draft is not None and not pending(page.plan, draft):
        draft = None
    _keep_draft(context, page.client.id, draft)
    return draft


def _draft_over(context: CaselineContext, page: SafetyPage) -> Draft:
    """The worker's draft for this client, or a new one over the version in effect."""
    found = load_draft(context, page.client.id)
    return found or Draft(base=page.plan.version if page.plan else 0)


def _with_section(draft: Draft, key: str, lines: list[str]) -> Draft:
    return Draft(draft.base, {**draft.sections, key: lines}, draft.interval_days)


# ── showing ────────────────────────────────────────────────────────────────


async def show_pages(update: Update, pages: Pages) -> None:
    """The first message in place of the one pressed (or as a reply), the others below,
    the buttons under the last."""
    *before, last = pages.texts or [""]
    if not before:
        await show(update, View(last, pages.keyboard))
        return
    await show(update, View(before[0]))
    for text in before[1:]:
        await update.effective_message.reply_text(text)
    await update.effective_message.reply_text(last, reply_markup=pages.keyboard)


async def _show_page(update: Update, context: CaselineContext, page: SafetyPage) -> None:
    draft = _settled(context, page, load_draft(context, page.client.id))
    await show_pages(update, page_view(page, draft, local_today(context), zone_of(context)))


async def _look(
    update: Update, context: CaselineContext, client_id: int | None, via: str | None = None
) -> SafetyPage | None:
    """The plan as it stands (an audited look), or None after saying the client cannot
    be found."""
    page = await cases.look_at_plan(context.services, context.require_actor(), client_id, via=via)
    if isinstance(page, Refused):
        await say_not_found(update, client_id)
        return None
    return page


async def open_page(
    update: Update, context: CaselineContext, client_id: int | None, toast: str | None = None
) -> None:
    """cf:safety:<client> and sp:o:<client>: the page."""
    page = await _look(update, context, client_id)
    if page is None:
        return
    await answer(update, toast)
    await _show_page(update, context, page)


# ── the page's buttons (no dialog) ─────────────────────────────────────────


async def page_pressed(update: Update, context: CaselineContext) -> None:
    pressed = unpack(update.callback_query.data)
    client_id = read_id(pressed.arg.split(":")[0])
    action = PAGE_ACTIONS.get(pressed.action)
    if client_id is None or action is None:
        await answer(update, texts.STALE_BUTTON)
        return
    await action(update, context, client_id, pressed.arg.split(":")[1:])


async def _open(update: Update, context: CaselineContext, client_id: int, args: list[str]) -> None:
    await open_page(update, context, client_id)


async def _save(update: Update, context: CaselineContext, client_id: int, args: list[str]) -> None:
    base = read_id(args[0]) if args else None
    draft = load_draft(context, client_id)
    if draft is None or base is None or draft.base != base:
        # A second press (nothing to save), or a page older than the draft: the page as
        # it stands, never saved.
        toast = texts.SAFETY_NOTHING_TO_SAVE if draft is None else None
        await open_page(update, context, client_id, toast)
        return
    result = await cases.save_plan(context.services, context.require_actor(), client_id, draft)
    if isinstance(result, Refused):
        await say_not_found(update, client_id)
        return
    if isinstance(result, Stale):
        now = result.current
        base = now.plan.version if now.plan else 0
        _keep_draft(context, client_id, Draft(base, draft.sections, draft.interval_days))
        await answer(update, texts.safety_saved_meanwhile(base, now.author), alert=True)
        await _show_page(update, context, now)
        return
    if isinstance(result, Invalid):
        if result.reason != cases.EMPTY:
            _keep_draft(context, client_id, None)  # nothing to save, or a damaged draft
        page = await _look(update, context, client_id)
        if page is None:
            return
        said = {cases.EMPTY: texts.SAFETY_EMPTY_PLAN, cases.UNCHANGED: texts.SAFETY_UNCHANGED}
        await answer(update, said.get(result.reason, texts.STALE_BUTTON), alert=True)
        await _show_page(update, context, page)
        return
    _keep_draft(context, client_id, None)
    saved = result.value
    await answer(update, texts.safety_saved_toast(saved.versions))
    await _show_page(update, context, saved)


async def _review(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> None:
    version = read_id(args[0]) if args else None
    result = await cases.review_plan(context.services, context.require_actor(), client_id, version)
    if isinstance(result, Refused):
        await say_not_found(update, client_id)
    elif isinstance(result, Invalid):
        await open_page(update, context, client_id, texts.SAFETY_NO_PLAN_TO_REVIEW)
    elif isinstance(result, Stale):
        await answer(update, texts.SAFETY_CHANGED_MEANWHILE, alert=True)
        await _show_page(update, context, result.current)
    else:
        plan = result.value.plan
        assert plan is not None  # just reviewed
        await answer(update, texts.safety_reviewed_toast(texts.record_day(plan.next_review_on)))
        await _show_page(update, context, result.value)


async def _ask_discard(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> None:
    page = await _look(update, context, client_id)
    if page is None:
        return
    if load_draft(context, client_id) is None:
        await answer(update, texts.SAFETY_NOTHING_TO_SAVE)
        await _show_page(update, context, page)
        return
    await answer(update)
    await show(update, discard_view(page.client))


async def _discard(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> None:
    page = await _look(update, context, client_id)
    if page is None:
        return
    _keep_draft(context, client_id, None)
    await answer(update, texts.SAFETY_DISCARDED_TOAST)
    await _show_page(update, context, page)


async def _ask_interval(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> None:
    page = await _look(update, context, client_id)
    if page is None:
        return
    draft = load_draft(context, client_id)
    current = (draft.interval_days if draft else None) or (
        page.plan.review_interval_days if page.plan else rules.DEFAULT_INTERVAL_DAYS
    )
    await answer(update)
    await show(update, interval_view(page.client, current))


async def _set_interval(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> None:
    days = read_id(args[0]) if args else None
    if days not in rules.REVIEW_INTERVALS:
        await answer(update, texts.STALE_BUTTON)
        return
    page = await _look(update, context, client_id)
    if page is None:
        return
    draft = _draft_over(context, page)
    _keep_draft(context, client_id, Draft(draft.base, draft.sections, days))
    await answer(update)
    await _show_page(update, context, page)


async def _versions(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> None:
    number = read_id(args[0]) if args else None
    found = await cases.plan_versions(
        context.services, context.require_actor(), client_id, number or 0, VERSIONS_PAGE
    )
    if isinstance(found, Refused):
        await say_not_found(update, client_id)
        return
    await answer(update)
    await show(update, versions_view(found, local_today(context), zone_of(context)))


async def _version(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> None:
    number = read_id(args[0]) if args else None
    found = await cases.look_at_version(
        context.services, context.require_actor(), client_id, number
    )
    if isinstance(found, Refused):
        if found.subject == "client":
            await say_not_found(update, client_id)
        else:
            await answer(update, texts.STALE_BUTTON, alert=True)
        return
    await answer(update)
    await show_pages(update, version_view(found, zone_of(context)))


async def _change_lines(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> SafetyPage | None:
    """sp:x (remove a line) and sp:clr (clear a section): the draft changed, the page it
    is over returned (None: nothing changed, the press answered)."""
    remove = unpack(update.callback_query.data).action == "x"
    numbers = [read_id(arg) for arg in args]
    key = rules.section_at(numbers[0] if numbers else None)
    if key is None or (remove and (len(numbers) != 3 or None in numbers)):
        await answer(update, texts.STALE_BUTTON)
        return None
    page = await _look(update, context, client_id, via="edit")
    if page is None:
        return None
    draft = _draft_over(context, page)
    lines = effective(page.plan, draft)[key]
    if remove:
        line, count = numbers[1], numbers[2]
        if count != len(lines) or line is None or not 1 <= line <= len(lines):
            await answer(update, texts.STALE_BUTTON)  # a question older than the draft
            return page
        lines = lines[: line - 1] + lines[line:]
    else:
        lines = []
    _settled(context, page, _with_section(draft, key, lines))
    await answer(update)
    return page


async def _lines_changed(
    update: Update, context: CaselineContext, client_id: int, args: list[str]
) -> None:
    """sp:x and sp:clr with no question open (an old question's button): the page."""
    page = await _change_lines(update, context, client_id, args)
    if page is not None:
        await _show_page(update, context, page)


PAGE_ACTIONS = {
    "o": _open,
    "pg": _open,
    "skip": _open,
    "sv": _save,
    "rv": _review,
    "dd": _ask_discard,
    "ddy": _discard,
    "iv": _ask_interval,
    "ivd": _set_interval,
    "h": _versions,
    "vv": _version,
    "x": _lines_changed,
    "clr": _lines_changed,
}


# ── the question: a section's lines, typed ─────────────────────────────────


def _question(context: CaselineContext) -> ClientIdDraft:
    return ClientIdDraft.from_json(context.user_data.get(DIALOG))


async def _ask(
    update: Update, context: CaselineContext, page: SafetyPage, key: str, *, step: bool
) -> int:
    question = ClientIdDraft(page.client.id, {"section": key, "step": step})
    context.user_data[DIALOG] = question.to_json()
    lines = effective(page.plan, load_draft(context, page.client.id))[key]
    await show_pages(update, section_view(page.client, key, lines, step=step))
    return TYPING


async def edit_pressed(update: Update, context: CaselineContext) -> int:
    """sp:e:<client>:<n> — section n's lines, to type."""
    ids = read_ids(unpack(update.callback_query.data).arg, 2)
    key = rules.section_at(ids[1] if ids else None)
    if ids is None or key is None:
        await answer(update, texts.STALE_BUTTON)
        return ConversationHandler.END
    page = await _look(update, context, ids[0], via="edit")
    if page is None:
        return ConversationHandler.END
    await answer(update)
    return await _ask(update, context, page, key, step=False)


async def write_pressed(update: Update, context: CaselineContext) -> int:
    """sp:new:<client> — the plan step by step, from the first section."""
    client_id = unpack(update.callback_query.data).int_arg()
    page = await _look(update, context, client_id, via="edit")
    if page is None:
        return ConversationHandler.END
    await answer(update)
    return await _ask(update, context, page, rules.SECTIONS[0], step=True)


async def _next(update: Update, context: CaselineContext, page: SafetyPage) -> int:
    """After a section: the next one when writing step by step, else the page."""
    question = _question(context)
    key, step = question.rest.get("section"), question.rest.get("step") is True
    if step and key in rules.SECTIONS and key != rules.SECTIONS[-1]:
        following = rules.SECTIONS[rules.SECTIONS.index(key) + 1]
        return await _ask(update, context, page, following, step=True)
    context.user_data.pop(DIALOG, None)
    await _show_page(update, context, page)
    return ConversationHandler.END


async def lines_typed(update: Update, context: CaselineContext) -> int:
    question = _question(context)
    key = question.rest.get("section")
    if question.client_id is None or key not in rules.SECTIONS:
        context.user_data.pop(DIALOG, None)
        await update.effective_message.reply_text(texts.STALE_BUTTON)
        return ConversationHandler.END
    typed = update.effective_message.text or ""
    adding = rules.is_addition(typed)
    read = rules.read_lines(rules.without_plus(typed) if adding else typed)
    if isinstance(read, rules.TooLong):
        limit = rules.LINE_MAX
        reply = texts.safety_line_too_long(read.number, read.length, limit)
        await update.effective_message.reply_text(reply)
        return TYPING
    if isinstance(read, rules.TooMany):
        reply = texts.safety_too_many(read.count, rules.LINES_MAX)
        await update.effective_message.reply_text(reply)
        return TYPING
    if not read:
        await update.effective_message.reply_text(texts.SAFETY_EMPTY_TYPED)
        return TYPING
    page = await _look(update, context, question.client_id, via="edit")
    if page is None:
        context.user_data.pop(DIALOG, None)
        return ConversationHandler.END
    draft = _draft_over(context, page)
    lines = read
    if adding:
        together = rules.fits(effective(page.plan, draft)[key] + read)
        if isinstance(together, rules.TooMany):
            reply = texts.safety_too_many(together.count, rules.LINES_MAX)
            await update.effective_message.reply_text(reply)
            return TYPING
        lines = together
    _settled(context, page, _with_section(draft, key, lines))
    return await _next(update, context, page)


async def skip_pressed(update: Update, context: CaselineContext) -> int:
    page = await _look(update, context, _question(context).client_id)
    if page is None:
        context.user_data.pop(DIALOG, None)
        return ConversationHandler.END
    await answer(update)
    return await _next(update, context, page)


async def back_pressed(update: Update, context: CaselineContext) -> int:
    context.user_data.pop(DIALOG, None)
    await open_page(update, context, unpack(update.callback_query.data).int_arg())
    return ConversationHandler.END


async def lines_pressed(update: Update, context: CaselineContext) -> int:
    """✖ n or 🗑 on a question: the draft changed, that section's question again."""
    pressed = unpack(update.callback_query.data)
    client_id, *args = pressed.arg.split(":")
    page = await _change_lines(update, context, read_id(client_id) or 0, args)
    if page is None:
        return TYPING
    key = rules.section_at(read_id(args[0]))
    assert key is not None  # checked by _change_lines
    step = _question(context).rest.get("step") is True
    return await _ask(update, context, page, key, step=step)


def dialog(timeout_minutes: int) -> ConversationHandler:
    def pressed(actions: str, callback: Any) -> CallbackQueryHandler[Any, Any]:
        return CallbackQueryHandler(callback, pattern=pattern(PREFIX) + f"({actions}):")

    return conversation(
        PREFIX,
        entry_points=[pressed("e", edit_pressed), pressed("new", write_pressed)],
        states={
            TYPING: [
                MessageHandler(tg_filters.TEXT & ~tg_filters.COMMAND, lines_typed),
                MessageHandler(~tg_filters.COMMAND, text_expected),
                pressed("skip", skip_pressed),
                pressed("pg", back_pressed),
                pressed("x|clr", lines_pressed),
            ]
        },
        draft_key=DIALOG,
        timeout_minutes=timeout_minutes,
    )


def handlers(timeout_minutes: int) -> list[BaseHandler[Any, Any, Any]]:
    """The question dialog and the page's buttons, for group 0 (before the catch-all)."""
    actions = "|".join(PAGE_ACTIONS)
    return [
        dialog(timeout_minutes),
        CallbackQueryHandler(page_pressed, pattern=rf"^{PREFIX}:({actions}):"),
    ]
