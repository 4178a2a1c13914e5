"""Approvals as messages: a request (pushed to the supervisors, or opened), the worker's
notice of the decision, and /pending. The words are in ui/texts/approvals.py; no database
here.

    av:ok:<approval>    ✅ Approve               av:ret:<approval>  ↩ Return (a comment)
    av:o:<approval>     👁 Open (the summary)    av:wd:<approval>   ✖ Withdraw (the worker)
    av:p:<page>         /pending's pages

Under CASELINE_PRIVATE_PREVIEWS a push (`private`) names the client by code and initials
and carries no reason, goal or comment: 👁 Open shows them, as an answer.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.results import Pending
from domain.usecases.approval_requests import ApprovalRequest
from domain.usecases.approvals import PendingList, Request
from storage.approvals import PAGE
from storage.kinds import ApprovalKind, ApprovalStatus
from ui import privacy, texts
from ui.callbacks import pack
from ui.splitting import telegram_length
from ui.timefmt import short_datetime
from ui.views import View, client_label, rows_that_fit

PREFIX = "av"
# What /pending shows of one request: the first goal and a reason, cut.
SUMMARY_MAX = 160
# A goal in a request (ten at most are shown).
GOAL_MAX = 300
# A message with its buttons stays under Telegram's 4096.
MESSAGE_MAX = 3800


def _button(label: str, action: str, arg: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(request: Request, label: str) -> list[str]:
    """Who asks for what, with the goals or the reason."""
    if request.kind == ApprovalKind.PLAN_ACTIVATION:
        lines = [
            texts.approval_asked_plan(
                request.requested_by, label, request.plan_version or 0, request.goal_count
            )
        ]
        # Strict mode counts the goals: their words are read in the Mini App.
        goals = [] if privacy.strict() else request.goals
        lines += [
            texts.approval_goal(number, _cut(goal, GOAL_MAX))
            for number, goal in enumerate(goals, 1)
        ]
        if request.goal_count > len(goals):
            lines.append(texts.approval_more_goals(request.goal_count - len(goals)))
        return lines
    reason = privacy.LOCKED if privacy.strict() and request.reason else request.reason or "—"
    return [texts.approval_asked_discharge(request.requested_by, label, reason)]


def _decision(request: Request, zone: ZoneInfo, now: datetime) -> list[str]:
    if request.pending or request.decided_at is None:
        return []
    lines = [
        texts.approval_decided(
            request.status,
            request.decided_by or "?",
            short_datetime(request.decided_at, zone, now),
        )
    ]
    if request.comment:
        lines.append(texts.approval_comment(privacy.record_text(request.comment) or privacy.LOCKED))
    return lines


def _actions(request: Request, *, opened: bool) -> list[InlineKeyboardButton]:
    buttons = []
    if request.pending and request.may_decide:
        buttons += [
            _button(texts.APPROVE, "ok", request.id),
            _button(texts.RETURN, "ret", request.id),
        ]
        if not opened:
            buttons.append(_button(texts.OPEN_REQUEST, "o", request.id))
    if request.pending and request.mine:
        buttons.append(_button(texts.WITHDRAW, "wd", request.id))
    buttons.append(
        InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", request.client.id))
    )
    return buttons


def request_view(request: Request, zone: ZoneInfo, now: datetime) -> View:
    """The request opened (👁 Open, /pending): everything, with what the reader may do."""
    lines = [texts.approval_title(request.kind)]
    lines += _summary(request, client_label(request.client, False))
    lines.append(
        texts.approval_asked_at(short_datetime(request.requested_at, zone, now), request.team)
    )
    lines += _decision(request, zone, now)
    text = _fit(lines)
    return View(text, InlineKeyboardMarkup(rows_that_fit(_actions(request, opened=True))))


def push_view(request: Request, zone: ZoneInfo, now: datetime, *, private: bool) -> View:
    """The request as pushed to a supervisor: under private previews, who asks about
    which client (code and initials) and 👁 Open; else the summary too."""
    if private:
        label = client_label(request.client, True)
        lines = [
            texts.approval_title(request.kind),
            texts.approval_asked_private(request.requested_by, label),
        ]
    else:
        lines = [texts.approval_title(request.kind)]
        lines += _summary(request, client_label(request.client, False))
    buttons = _actions(request, opened=not private)
    return View(_fit(lines), InlineKeyboardMarkup(rows_that_fit(buttons)))


def told_view(request: Request, *, private: bool) -> View | None:
    """The requesting worker told what was decided: the client by code; the comment of a
    return unless private previews keep it behind 👁 Open."""
    code = request.client.code
    who = request.decided_by or "?"
    buttons = [
        InlineKeyboardButton(texts.OPEN_CLIENT, callback_data=pack("cl", "n", request.client.id))
    ]
    if request.status == ApprovalStatus.APPROVED:
        text = texts.approval_told_approved(who, request.kind, code)
    elif request.status == ApprovalStatus.RETURNED:
        text = texts.approval_told_returned(who, request.kind, code)
        if request.comment and (private or privacy.strict()):
            text += "\n" + texts.APPROVAL_COMMENT_BEHIND_OPEN
            buttons.insert(0, _button(texts.OPEN_REQUEST, "o", request.id))
        elif request.comment:
            text += "\n" + texts.approval_comment(request.comment)
    else:
        return None  # withdrawn meanwhile: nothing to tell
    return View(_fit([text]), InlineKeyboardMarkup(rows_that_fit(buttons)))


def pending_view(listing: PendingList, zone: ZoneInfo, now: datetime) -> View:
    """A page of /pending: each request's line and summary, and its buttons (✅ ↩ 👁 for
    who decides, ✖ Withdraw for the worker who asked); ◀ ▶ between pages."""
    mine = not listing.deciding
    if not listing.total:
        return View(texts.PENDING_NONE_OF_MINE if mine else texts.PENDING_NONE_TO_DECIDE)
    start = listing.page * PAGE
    lines = [texts.pending_title(listing.total, listing.page, listing.pages, mine)]
    rows: list[list[InlineKeyboardButton]] = []
    for number, request in enumerate(listing.requests, start + 1):
        label = client_label(request.client, False)
        when = short_datetime(request.requested_at, zone, now)
        item = texts.pending_item(number, request.kind, label, request.requested_by, when)
        if listing.all_teams and request.team:
            item += " · " + texts.pending_team(request.team)
        lines += ["", item]
        if request.kind == ApprovalKind.PLAN_ACTIVATION:
            first = _cut(request.goals[0], SUMMARY_MAX) if request.goals else None
            lines.append(
                texts.pending_plan_summary(request.plan_version or 0, request.goal_count, first)
            )
        else:
            lines.append(texts.pending_reason(_cut(request.reason or "—", SUMMARY_MAX)))
        code = request.client.code
        if listing.deciding:
            rows.append(
                [
                    _button(f"✅ {number}", "ok", request.id),
                    _button(f"↩ {number}", "ret", request.id),
                    _button(f"👁 {number} · {code}", "o", request.id),
                ]
            )
        else:
            rows.append(
                [
                    _button(f"{texts.WITHDRAW} {number}", "wd", request.id),
                    _button(f"👁 {number} · {code}", "o", request.id),
                ]
            )
    paging = []
    if listing.page > 0:
        paging.append(_button(texts.PREVIOUS, "p", listing.page - 1))
    if listing.page < listing.pages - 1:
        paging.append(_button(texts.NEXT, "p", listing.page + 1))
    if paging:
        rows.append(paging)
    return View(_fit(lines), InlineKeyboardMarkup(rows))


def waiting_toast(result: Pending[ApprovalRequest], zone: ZoneInfo) -> str:
    """What the worker is told when their action waits for approval: sent, or already
    waiting since it was asked."""
    if not result.already:
        return texts.APPROVAL_SENT
    return texts.approval_already_waiting(short_datetime(result.value.requested_at, zone))


def _fit(lines: list[str]) -> str:
    """The lines, the last ones dropped until the message fits (a line is never cut, so
    its HTML stays whole)."""
    while len(lines) > 1 and telegram_length("\n".join(lines)) > MESSAGE_MAX:
        lines = lines[:-1]
    return "\n".join(lines)
