"""The client's safety plan as Telegram messages: its page (the plan, or a draft over it),
a section's question, the earlier versions, and its line atop the client card. Facts
come from domain/usecases/safety_plans.py; nothing here reads the database.

    sp:o:<client>                     the page (the card's cf:safety opens it too)
    sp:e:<client>:<n>                 type section n's lines (conversations/safety_plan.py)
    sp:new:<client>                   write a plan step by step, one section at a time
    sp:x:<client>:<n>:<line>:<count>  remove a line of section n from the draft
    sp:clr:<client>:<n>               clear section n in the draft
    sp:skip:<client> / sp:pg:<client> the next step / back to the page, from a question
    sp:sv:<client>:<base>             💾 Save the draft written over version <base>
    sp:dd:<client> / sp:ddy:<client>  discard the draft? / discarded
    sp:rv:<client>:<version>          ✅ Reviewed, no changes, on the version shown
    sp:iv:<client> / sp:ivd:<client>:<days>   the review interval: ask / chosen
    sp:h:<client>:<page> / sp:vv:<client>:<version>   earlier versions: list / one

A long plan (six sections of up to 20 lines of 500 characters) is split into as many
messages as Telegram needs (ui/splitting.py); the buttons go under the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.rules import safety_plans as rules
from domain.usecases.safety_plans import Draft, SafetyPage, VersionList, VersionPage
from storage import safety_plans as store
from storage.models import Client, SafetyPlan
from ui import privacy, texts
from ui.callbacks import pack
from ui.splitting import CHUNK, pack_blocks
from ui.timefmt import short_day
from ui.views import View, button_label, rows_that_fit

PREFIX = "sp"


@dataclass(frozen=True, slots=True)
class Pages:
    """Messages to send in turn, the buttons under the last."""

    texts: list[str]
    keyboard: InlineKeyboardMarkup | None


def button(label: str, action: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, ":".join(map(str, args))))


def to_page(client_id: int) -> InlineKeyboardButton:
    return button(texts.CARD_SAFETY, "o", client_id)


def write_button(client_id: int) -> InlineKeyboardButton:
    """➕ Write a safety plan: the plan step by step (also under a saved risk note)."""
    return button(texts.SAFETY_WRITE, "new", client_id)


def _to_card(client_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.CARD_BACK, callback_data=pack("cf", "card", client_id))


def _paged(lines: list[str], keyboard: InlineKeyboardMarkup | None) -> Pages:
    return Pages(pack_blocks(lines, texts.continued, separator="\n", limit=CHUNK), keyboard)


def _due(plan: SafetyPlan, today: date) -> tuple[str, bool]:
    return short_day(plan.next_review_on, today), plan.next_review_on < today


# ── the card's line ────────────────────────────────────────────────────────


def with_safety_plan(view: View, plan: SafetyPlan | None, today: date) -> View:
    """The card with "🛟 Safety plan v3 · review due …" under its title (the risk line,
    added after, goes between them); as it was when the client has no plan."""
    if plan is None:
        return view
    title, _, rest = view.text.partition("\n")
    line = texts.card_safety_line(plan.version, *_due(plan, today))
    return View(f"{title}\n{line}\n{rest}", view.keyboard)


# ── the page ───────────────────────────────────────────────────────────────


def effective(plan: SafetyPlan | None, draft: Draft | None) -> dict[str, list[str]]:
    """Each section's lines as the page shows them: the draft's edits over the plan."""
    shown = {key: plan.lines(key) if plan else [] for key in rules.SECTIONS}
    if draft is not None:
        shown.update({key: list(lines) for key, lines in draft.sections.items() if key in shown})
    return shown


def pending(plan: SafetyPlan | None, draft: Draft | None) -> list[str]:
    """What the draft changes: section keys, and "interval" for the review interval."""
    if draft is None:
        return []
    before = {key: plan.lines(key) if plan else [] for key in rules.SECTIONS}
    changed = rules.changed(before, effective(plan, draft))
    interval = plan.review_interval_days if plan else rules.DEFAULT_INTERVAL_DAYS
    if draft.interval_days and draft.interval_days != interval:
        changed.append(rules.INTERVAL)
    return changed


def _sections(shown: dict[str, list[str]]) -> list[str]:
    lines: list[str] = []
    for key in rules.SECTIONS:
        lines.append("\n" + texts.safety_section_heading(rules.section_number(key), key))
        lines += [texts.safety_line(line) for line in shown[key]] or [
            f"<i>{texts.SAFETY_NOTHING_YET}</i>"
        ]
    return lines


def page_view(page: SafetyPage, draft: Draft | None, today: date, zone: ZoneInfo) -> Pages:
    """The plan as it stands, or with a draft over it: the six sections, the version, the
    last review and the next, and the buttons to edit, save, review and look back."""
    client, plan = page.client, page.plan
    lines = [texts.safety_title(client.code, privacy.client_name(client))]
    if plan is None and draft is None:
        lines += [texts.SAFETY_NONE, "", texts.SAFETY_NONE_HINT]
        rows = [[write_button(client.id)], [_to_card(client.id)]]
        return _paged(lines, InlineKeyboardMarkup(rows))
    if plan is not None:
        due, overdue = _due(plan, today)
        reviewed = texts.record_day(plan.created_at, zone)
        lines.append(
            texts.safety_status(
                plan.version, reviewed, page.author, due, overdue, plan.review_interval_days
            )
        )
    changes = pending(plan, draft)
    if draft is not None:
        lines.append(texts.safety_draft(changes, (plan.version if plan else 0) + 1))
    lines += _sections(effective(plan, draft))
    edits = [
        button(f"✏️ {number}", "e", client.id, number)
        for number in range(1, len(rules.SECTIONS) + 1)
    ]
    rows = [edits[:3], edits[3:]]
    if draft is not None:
        base = draft.base
        rows += rows_that_fit(
            [
                button(texts.SAFETY_SAVE, "sv", client.id, base),
                button(texts.SAFETY_DISCARD, "dd", client.id),
            ]
        )
    elif plan is not None:
        rows.append([button(texts.SAFETY_REVIEWED, "rv", client.id, plan.version)])
    interval = (draft.interval_days if draft else None) or (
        plan.review_interval_days if plan else rules.DEFAULT_INTERVAL_DAYS
    )
    more = [button(texts.safety_interval_button(interval, False), "iv", client.id)]
    if page.versions:
        more.append(button(texts.SAFETY_VERSIONS, "h", client.id, 0))
    rows += rows_that_fit(more, most=2)
    rows.append([_to_card(client.id)])
    return _paged(lines, InlineKeyboardMarkup(rows))


def interval_view(client: Client, current: int) -> View:
    choices = [
        button(texts.safety_interval_button(days, days == current), "ivd", client.id, days)
        for days in rules.REVIEW_INTERVALS
    ]
    rows = [*rows_that_fit(choices), [to_page(client.id)]]
    head = texts.safety_title(client.code, privacy.client_name(client))
    return View(f"{head}\n\n{texts.SAFETY_ASK_INTERVAL}", InlineKeyboardMarkup(rows))


def discard_view(client: Client) -> View:
    rows = rows_that_fit([button(texts.SAFETY_DISCARD_YES, "ddy", client.id), to_page(client.id)])
    head = texts.safety_title(client.code, privacy.client_name(client))
    return View(f"{head}\n\n{texts.SAFETY_DISCARD_ASK}", InlineKeyboardMarkup(rows))


# ── a section's question ───────────────────────────────────────────────────


def section_view(client: Client, key: str, lines: list[str], *, step: bool) -> Pages:
    """Section `key`'s question: the lines it holds now (each to copy, or ✖ to remove by
    its number), how to type new ones; writing step by step, ⏭ Skip goes on."""
    number = rules.section_number(key)
    shown = [texts.safety_ask_section(client.code, number, key, step)]
    if lines:
        shown += ["", texts.SAFETY_NOW]
        shown += [texts.safety_numbered_line(index, line) for index, line in enumerate(lines, 1)]
    shown += ["", texts.SAFETY_HOW_TO_TYPE, texts.safety_limits(rules.LINES_MAX, rules.LINE_MAX)]
    if lines:
        shown.append(texts.SAFETY_TAP_TO_REMOVE)
    removes = [
        button(f"✖ {index}", "x", client.id, number, index, len(lines))
        for index in range(1, len(lines) + 1)
    ]
    rows = rows_that_fit(removes)
    if lines:
        rows.append([button(texts.SAFETY_CLEAR, "clr", client.id, number)])
    last = [button(texts.CARD_SAFETY, "pg", client.id)]  # ends the question
    if step:
        last.insert(0, button(texts.SAFETY_SKIP, "skip", client.id))
    rows += rows_that_fit(last, most=2)
    return _paged(shown, InlineKeyboardMarkup(rows))


# ── earlier versions ───────────────────────────────────────────────────────


def versions_view(found: VersionList, today: date, zone: ZoneInfo) -> View:
    client = found.client
    rows = [
        [
            button(
                button_label(
                    texts.safety_version_button(
                        plan.version,
                        short_day(plan.created_at.astimezone(zone).date(), today),
                        plan.kind,
                    )
                ),
                "vv",
                client.id,
                plan.version,
            )
        ]
        for plan, _ in found.versions
    ]
    nav = []
    if found.page > 0:
        nav.append(button(texts.PREVIOUS, "h", client.id, found.page - 1))
    if found.more:
        nav.append(button(texts.NEXT, "h", client.id, found.page + 1))
    if nav:
        rows.append(nav)
    rows.append([to_page(client.id)])
    text = texts.safety_versions_title(client.code, privacy.client_name(client))
    if not found.versions:
        text += "\n\n" + texts.SAFETY_NO_VERSIONS
    return View(text, InlineKeyboardMarkup(rows))


def version_view(found: VersionPage, zone: ZoneInfo) -> Pages:
    plan = found.plan
    until = texts.record_day(plan.superseded_at, zone) if plan.superseded_at else None
    lines = [
        texts.safety_version_head(
            plan.version,
            plan.kind,
            texts.record_day(plan.created_at, zone),
            found.author,
            store.changed_keys(plan),
            until,
        )
    ]
    lines += _sections({key: plan.lines(key) for key in rules.SECTIONS})
    rows = rows_that_fit(
        [button(texts.SAFETY_VERSIONS, "h", found.client.id, 0), to_page(found.client.id)]
    )
    return _paged(lines, InlineKeyboardMarkup(rows))
