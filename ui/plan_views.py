"""Plans as messages: the plan card's text, a goal's details, the earlier versions, a
review's recap. Shared by /plan (conversations/plan.py) and /review
(conversations/review.py); the words themselves are in ui/texts/. No database here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from domain.usecases.plans import PlanCard
from storage.kinds import PlanStatus
from storage.models import Client, Plan
from storage.plans import Version
from ui import privacy, texts
from ui.splitting import CHUNK, pack_blocks, telegram_length

# Measured as Telegram counts (ui.splitting.telegram_length); room left for the buttons.
MESSAGE_BUDGET = CHUNK


def goal_details(measure: str | None, target: date | None, routine: str | None) -> str:
    """A goal's measure, target date and routine on one line ("" when it has none)."""
    return texts.plan_goal_details(measure, texts.plan_day(target) if target else None, routine)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _goal_lines(plan: Plan, *, compact: bool) -> list[str]:
    lines = []
    for number, goal in enumerate(plan.goals, 1):
        description = goal.description
        if compact and len(description) > 80:
            description = description[:79] + "…"
        lines.append(texts.plan_goal_line(number, goal.status, description))
        if not compact:
            details = goal_details(goal.measure, goal.target_date, goal.routine)
            if details:
                lines.append(details)
    return lines


def card_text(card: PlanCard, today: date) -> str:
    """The plan card: title, status and next review, interventions, the goals; the short
    form (and then the first goals only) when the whole would not fit one message."""
    client, plan = card.client, card.plan
    head = [
        texts.plan_title(plan.version if plan else None, client.code, privacy.client_name(client))
    ]
    if card.closed:
        head.append(texts.PLAN_CASE_CLOSED)
    if plan is None:
        return "\n".join(head + ([] if card.closed else [texts.PLAN_NOTHING_YET]))
    active = plan.status == PlanStatus.ACTIVE
    due = plan.next_review_on if active else None
    head.append(
        texts.plan_status_line(
            plan.status,
            plan.review_interval_days,
            texts.plan_day(due) if due else None,
            bool(due and due < today),
        )
    )
    if plan.status == PlanStatus.DRAFT and not card.closed:
        head.append(texts.PLAN_DRAFT_HINT)
        if card.waiting:
            head.append(texts.PLAN_ACTIVATION_WAITING)
    if card.beside is not None:
        head.append(texts.plan_draft_beside(card.beside.version))
    goals_title = ["", f"<b>{texts.PLAN_GOALS}</b>"]
    if not plan.goals:
        return "\n".join(
            head
            + [texts.plan_interventions(plan.interventions)]
            + goals_title
            + [texts.PLAN_NO_GOALS_YET]
        )
    full = "\n".join(
        head
        + [texts.plan_interventions(plan.interventions)]
        + goals_title
        + _goal_lines(plan, compact=False)
    )
    if telegram_length(full) <= MESSAGE_BUDGET:
        return full
    # Too long for one message with its buttons: the short form (details stay in
    # 📜 and in the database), and if even that is too long, the first goals.
    interventions = plan.interventions or ""
    if len(interventions) > 300:
        interventions = interventions[:299] + "…"
    lines = (
        head
        + [texts.plan_interventions(interventions or None)]
        + goals_title
        + _goal_lines(plan, compact=True)
    )
    while telegram_length("\n".join(lines)) > MESSAGE_BUDGET - 60:
        lines.pop()
    shown = len(lines) - len(head) - 3
    if shown < len(plan.goals):
        lines.append(texts.plan_more_goals(len(plan.goals) - shown))
    return "\n".join(lines)


def version_pages(client: Client, versions: list[Version], zone: ZoneInfo) -> list[str]:
    """The earlier versions as HTML pages, each under Telegram's limit; days are the
    worker's local ones."""
    lines = [texts.plan_versions_title(client.code, privacy.client_name(client))]
    for version in versions:
        plan, review = version.plan, version.review
        lines.append(
            texts.plan_version_header(
                plan.version,
                texts.plan_day(plan.created_at.astimezone(zone).date()),
                texts.plan_day(review.created_at.astimezone(zone).date()) if review else None,
                version.reviewer,
            )
        )
        interventions = texts.plan_version_interventions(plan.interventions)
        if interventions:
            lines.append(interventions)
        for number, goal in enumerate(plan.goals, 1):
            item = version.items.get(goal.id)
            lines.append(
                texts.plan_version_goal(
                    number,
                    goal.description,
                    item.status if item else goal.status,
                    item.effectiveness if item else None,
                    item.comment if item else None,
                )
            )
        if review is not None:
            lines.append(texts.plan_version_summary(review.summary))
    return pages_of(lines)


def pages_of(lines: list[str], budget: int = MESSAGE_BUDGET) -> list[str]:
    """Whole lines per page (a line is never cut, so its HTML stays balanced)."""
    return pack_blocks(lines, separator="\n", limit=budget)


@dataclass(frozen=True, slots=True)
class RecapRow:
    """One goal of a review's recap: the goal and what the review says about it."""

    description: str
    status: str
    effect: int | None
    comment: str | None


def recap_text(
    version: int,
    code: str,
    name: str,
    rows: Sequence[RecapRow],
    summary: str,
    carried: int,
    next_review: date,
) -> str:
    """What a review will save, before ✅ Save review; long texts are cut until it fits."""
    title = texts.review_recap_title(version, code, name)
    ending = texts.review_recap_next(version + 1, carried, texts.plan_day(next_review))

    def render(limit: int | None) -> str:
        lines = [title]
        for number, row in enumerate(rows, 1):
            description, comment = row.description, row.comment
            if limit is not None:
                description = cut(description, limit)
                comment = cut(comment, limit) if comment else None
            lines.append(
                texts.review_recap_goal(number, description, row.status, row.effect, comment)
            )
        lines.append(texts.review_recap_summary(cut(summary, limit * 8) if limit else summary))
        lines.append(ending)
        return "\n".join(lines)

    text = render(None)
    for limit in (120, 60, 30):
        if telegram_length(text) <= MESSAGE_BUDGET:
            break
        text = render(limit)
    return text
