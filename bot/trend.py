"""A team's weekly trend in Telegram: `/trend`, and the weekly message the scheduler sends.

One chart in one message (sendPhoto): the last eight complete weeks in four panels —
share of clients seen within their contact frequency, visits, notes, plan reviews
overdue — with the team's line and up to seven workers' (a larger team: the seven with
the most open clients, and the caption says so). The caption (1024 characters at most)
sums up last week for the team and each worker shown, with the change from the week
before. Weeks before snapshots were kept show visits and notes counted again from the
record and no share or reviews, and the caption says how many.

Who sees what is the digest's rule (`/trend North` for an admin); a worker is told it
is for supervisors. The chart and caption hold worker names and counts, never a client,
so they are the same under CASELINE_PRIVATE_PREVIEWS.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from telegram import Bot, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler

from bot.digest import why_not
from bot.trend_chart import Series, chart_png
from domain.results import Refused, Saved
from domain.usecases import trends
from domain.usecases.trends import Trend
from domain.work import Work
from storage.models import Worker
from storage.trends import Line, WeekFigures
from storage.workers import Actor
from ui import texts
from ui.context import CaselineContext
from ui.splitting import utf16_length
from ui.timefmt import day_label, month_day

CAPTION_MAX = 1024


@dataclass(frozen=True, slots=True)
class TrendMessage:
    chart: bytes
    caption: str


def _percent(week: WeekFigures) -> int | None:
    """Rounded down, as the digest's shares are (85 % shown is always green)."""
    if week.seen is None or not week.clients:
        return None
    return week.seen * 100 // week.clients


def _change(now: int | None, before: int | None) -> str:
    if now is None or before is None:
        return ""
    return f" ({texts.trend_change(now - before)})"


def _figures(line: Line, *, team: bool) -> str:
    """Last week's figures of a line, each with its change from the week before (the
    team's) or plain (a worker's, to stay short)."""
    last = line.weeks[-1]
    before = line.weeks[-2] if len(line.weeks) > 1 else None
    parts = []
    percent = _percent(last)
    if percent is not None:
        earlier = _percent(before) if before is not None else None
        share = texts.trend_share if team else texts.trend_share_short
        parts.append(share(percent) + (_change(percent, earlier) if team else ""))
    reviews = texts.trend_reviews if team else texts.trend_reviews_short
    for count, earlier, word in (
        (last.visits, before.visits if before else None, texts.trend_visits),
        (last.notes, before.notes if before else None, texts.trend_notes),
        (last.reviews, before.reviews if before else None, reviews),
    ):
        if count is not None:
            parts.append(word(count) + (_change(count, earlier) if team else ""))
    return ", ".join(parts) if team else " · ".join(parts)


def caption(trend: Trend) -> str:
    """The summary under the chart, within Telegram's 1024 characters: the title, the
    team's last week, each worker shown (dropped from the end, counted, if it would not
    fit), then what the lines are and which weeks were not kept."""
    figures = trend.figures
    weeks = figures.weeks
    head = [
        texts.trend_caption_title(
            figures.team_name, month_day(weeks[0]), day_label(weeks[-1] + timedelta(days=6))
        ),
        texts.trend_team_last_week(_figures(figures.team, team=True)),
    ]
    tail = [texts.TREND_TEAM_AVERAGE]
    if len(trend.shown) < trend.listed:
        tail.append(texts.trend_shown_top(len(trend.shown), trend.listed))
    missing = sum(1 for kept in figures.kept if not kept)
    if missing:
        tail.append(texts.trend_not_kept(missing))
    people = [
        texts.trend_worker_last_week(line.name, _figures(line, team=False)) for line in trend.shown
    ]
    while True:
        dropped = len(trend.shown) - len(people)
        more = [texts.trend_more_workers(dropped)] if dropped else []
        text = "\n".join([*head, *people, *more, "", *tail])
        if utf16_length(text) <= CAPTION_MAX or not people:
            break
        people.pop()
    if utf16_length(text) > CAPTION_MAX:  # a very long team name: the title alone
        text = head[0][: CAPTION_MAX // 2]
    return text


def _average(total: int | None, people: int) -> float | None:
    return None if total is None or people == 0 else total / people


def _series(trend: Trend) -> list[Series]:
    team = trend.figures.team
    lines = [
        Series(
            texts.TREND_TEAM_LINE,
            True,
            (
                [week.share for week in team.weeks],
                [_average(week.visits, week.people) for week in team.weeks],
                [_average(week.notes, week.people) for week in team.weeks],
                [_average(week.reviews, week.people) for week in team.weeks],
            ),
        )
    ]
    for line in trend.shown:
        lines.append(
            Series(
                line.name,
                False,
                (
                    [week.share for week in line.weeks],
                    [week.visits for week in line.weeks],
                    [week.notes for week in line.weeks],
                    [week.reviews for week in line.weeks],
                ),
            )
        )
    return lines


async def trend_message(trend: Trend) -> TrendMessage:
    """Drawing runs in a thread: the event loop keeps serving other workers meanwhile."""
    weeks = trend.figures.weeks
    picture = await asyncio.to_thread(
        chart_png,
        texts.trend_chart_title(trend.figures.team_name, day_label(weeks[-1] + timedelta(days=6))),
        [month_day(week) for week in weeks],
        texts.TREND_PANELS,
        _series(trend),
        texts.TREND_NOT_KEPT,
    )
    return TrendMessage(picture, caption(trend))


async def trend_for(work: Work, supervisor: Worker | Actor) -> Trend | None:
    """The scheduled weekly trend of a supervisor's team (domain/usecases/trends.py)."""
    return await trends.scheduled_trend(work, supervisor)


async def send_trend(bot: Bot, chat_id: int, trend: Trend) -> None:
    message = await trend_message(trend)
    await bot.send_photo(
        chat_id,
        photo=InputFile(message.chart, filename="trend.png"),
        caption=message.caption,
        parse_mode=ParseMode.HTML,
    )


async def trend_command(update: Update, context: CaselineContext) -> None:
    result = await trends.view_trend(
        context.services,
        context.require_actor(),
        asked=" ".join(context.args or []).strip(),
        via="trend",
    )
    if isinstance(result, Refused):
        await update.effective_message.reply_text(texts.TREND_ONLY_SUPERVISORS)
        return
    if not isinstance(result, Saved):
        await update.effective_message.reply_text(why_not(result, "trend"))
        return
    if not result.value.listed:
        await update.effective_message.reply_text(texts.TREND_NO_WORKERS)
        return
    await send_trend(context.bot, update.effective_chat.id, result.value)


def handlers() -> list[CommandHandler[CaselineContext, None]]:
    """Register before `commands.catch_all()`, like every other command."""
    return [CommandHandler("trend", trend_command)]
