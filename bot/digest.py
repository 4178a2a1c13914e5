"""The supervisor's digest in Telegram: `/digest`, `/team`, and what the scheduler sends.

One digest is a chart (sendPhoto) followed by as few HTML messages as Telegram's 4096
characters allow: the team summary first (with who has gone quiet, so it is read without
scrolling), then one block per worker, red first — overdue first, as CHT lists tasks. A
message is only ever split between two worker blocks.

Who sees what: a supervisor their own team; an admin the team they belong to, or any team
by name (`/digest North`), and without a team and a name a short list of the teams to
choose from — never every team at once, which for an organisation would be hundreds of
messages. A worker is told that only supervisors can see it. Every look, refused or not,
is an audit event `digest.view`.

The digest holds counts, worker names and the codes of clients with an open risk (who
acknowledged its alert, or that nobody has) or an unverified visit (its exceptions); no
client name, risk reason, place or position is ever in it, so it is as safe with
`CASELINE_PRIVATE_PREVIEWS` on as off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from urllib.parse import quote

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.ext import CommandHandler

from bot import team_admin
from bot.digest_chart import chart_png
from domain.results import Confirm, Invalid, Refused, Saved
from domain.rules import roles
from domain.rules.evv import ordered
from domain.usecases import digests
from domain.usecases.digests import TeamList
from domain.work import Work
from storage.digest import TeamDigest, WorkerFigures
from storage.kinds import Role
from storage.models import Worker
from storage.workers import Actor
from ui import texts
from ui.context import CaselineContext, zone_of
from ui.digest_views import NEW, figure_buttons, keyboard, quiet_line, worker_buttons
from ui.digest_views import figure_lines as _figure_lines
from ui.digest_views import mark as _mark
from ui.digest_views import share as _share
from ui.splitting import pack_blocks, utf16_length
from ui.timefmt import day_label, weekday_time

# Quiet workers are also marked in their own blocks; the summary names them up to this
# many characters (as sent, escaped) and counts the rest, so the first message always fits.
QUIET_NAMES_MAX = 1200
# The summary lists this many open risks (oldest first) and counts the rest.
RISKS_LISTED = 20
# … and this many unverified visits (EVV exceptions).
EXCEPTIONS_LISTED = 20
# An admin outside any team is offered this many team names to choose from.
TEAMS_LISTED = 40
ATTENTION = {"red": 0, "yellow": 1, "green": 2, None: 3}


def by_attention(rows: Iterable[WorkerFigures]) -> list[WorkerFigures]:
    """Red before yellow before green, then those without clients; by name within."""
    return sorted(rows, key=lambda row: (ATTENTION[row.rag], row.name.casefold()))


def _day_label(day: date) -> str:
    return day_label(day)


def worker_block(row: WorkerFigures) -> str:
    """One worker's part of the digest; never split across messages."""
    if row.open_clients:
        head = texts.digest_person(_mark(row), row.name, _share(row), lead=row.role != Role.WORKER)
    else:
        head = texts.digest_no_clients(row.name)
    lines = [head, *_figure_lines(row)]
    if row.quiet:
        lines.append(quiet_line(row))
    return "\n".join(lines)


def _quiet_line(rows: list[WorkerFigures]) -> str | None:
    quiet = [row.name for row in rows if row.quiet]
    if not quiet:
        return None
    shown: list[str] = []
    used = 0
    for name in quiet:
        used += utf16_length(escape(name)) + len(", <b></b>")
        if shown and used > QUIET_NAMES_MAX:
            break
        shown.append(name)
    return texts.digest_quiet(shown, len(quiet) - len(shown))


def _risk_lines(digest: TeamDigest) -> list[str]:
    """Open risks, oldest first: client code, worker, since, who acknowledged."""
    if not digest.open_risks:
        return []
    lines = [texts.DIGEST_OPEN_RISKS]
    for risk in digest.open_risks[:RISKS_LISTED]:
        acknowledged = (
            texts.digest_risk_acknowledged(risk.acknowledged_by)
            if risk.acknowledged_by
            else texts.RISK_NOT_ACKNOWLEDGED
        )
        since = _day_label(risk.since) if risk.since else "?"
        lines.append(
            texts.digest_open_risk(risk.client_code, risk.worker_name, since, acknowledged)
        )
    if len(digest.open_risks) > RISKS_LISTED:
        lines.append(texts.and_more(len(digest.open_risks) - RISKS_LISTED))
    return lines


def _exception_lines(digest: TeamDigest) -> list[str]:
    """Unverified visits (EVV) of the last 24 hours: client code, worker, check-in, why."""
    if not digest.visit_exceptions:
        return []
    lines = [texts.DIGEST_EXCEPTIONS_TITLE]
    for found in digest.visit_exceptions[:EXCEPTIONS_LISTED]:
        when = weekday_time(found.checked_in) if found.checked_in is not None else "?"
        codes = [str(code) for code in ordered(found.codes)]
        lines.append(texts.digest_exception(found.client_code, found.worker_name, when, codes))
    if len(digest.visit_exceptions) > EXCEPTIONS_LISTED:
        lines.append(texts.and_more(len(digest.visit_exceptions) - EXCEPTIONS_LISTED))
    return lines


def _summary(digest: TeamDigest) -> str:
    team = digest.team
    lines = [texts.digest_title(digest.team_name, _day_label(digest.day))]
    if team.open_clients:
        lines.append(f"{_mark(team)} {_share(team)}")
    lines += _figure_lines(team)
    if not (
        team.clients_overdue
        or team.reviews_overdue
        or team.safety_reviews_overdue
        or team.risk_flags
        or team.visit_exceptions
        or team.unclosed
    ):
        lines.append(texts.DIGEST_ALL_CLEAR)
    quiet = _quiet_line(digest.workers)
    if quiet:
        lines.append(quiet)
    lines += _risk_lines(digest)
    lines += _exception_lines(digest)
    if not digest.workers:
        lines.append(texts.DIGEST_NO_WORKERS)
    else:
        lines.append(f"<i>{texts.DIGEST_TAP_HINT}</i>")
    return "\n".join(lines)


def render_digest(digest: TeamDigest, *, private: bool) -> list[str]:
    """The digest as HTML messages, each within Telegram's limit.

    `private` is the organisation's CASELINE_PRIVATE_PREVIEWS; the digest carries no
    client names or codes at all, so both settings render the same text."""
    _ = private  # Nothing to hold back: see the docstring.
    blocks = [_summary(digest), *(worker_block(row) for row in by_attention(digest.workers))]
    return pack_blocks(
        blocks,
        lambda page, pages: texts.digest_continued(digest.team_name, page, pages),
        measure=utf16_length,
    )


def digest_keyboards(
    digest: TeamDigest, pages: list[str], webapp_url: str | None = None
) -> list[InlineKeyboardMarkup | None]:
    """The buttons under each message of the digest: the team's figures under the first
    (and 🗂 Team, the team view in the Mini App, when CASELINE_WEBAPP_URL is set), and under
    each message a button per worker whose block it holds. Counts and worker names only,
    like the digest (a push under private previews too)."""
    if not digest.team_id:
        return [None for _ in pages]
    rows: list[list[list[InlineKeyboardButton]]] = [[] for _ in pages]
    if pages:
        rows[0] += figure_buttons(digest.team, digest.team_id, None, NEW)
        if webapp_url:
            rows[0].append([team_webapp_button(webapp_url, digest.team_name)])
    for index, found in _placed(
        pages, [(row, worker_block(row)) for row in by_attention(digest.workers)]
    ):
        rows[index] += worker_buttons(found, digest.team_id, NEW)
    return [keyboard(page_rows) for page_rows in rows]


def team_webapp_button(webapp_url: str, team_name: str) -> InlineKeyboardButton:
    """🗂 Team: this team's view in the Mini App, opened inside Telegram (which adds the
    signed init data). The team is named so an admin's `/digest South` opens South; a
    supervisor's own team is theirs whatever the name says (domain/usecases/digests.py)."""
    url = f"{webapp_url}/?view=team&team={quote(team_name, safe='')}"
    return InlineKeyboardButton(texts.DIGEST_OPEN_TEAM, web_app=WebAppInfo(url=url))


def _placed(
    pages: list[str], blocks: list[tuple[WorkerFigures, str]]
) -> list[tuple[int, list[WorkerFigures]]]:
    """Which workers' blocks (or lines) each page holds, in their order."""
    found: dict[int, list[WorkerFigures]] = {}
    for row, block in blocks:
        index = next((number for number, page in enumerate(pages) if block in page), None)
        if index is not None:
            found.setdefault(index, []).append(row)
    return sorted(found.items())


def _team_line(row: WorkerFigures) -> str:
    return texts.team_line(
        _mark(row),
        row.name,
        texts.seen_short(row.clients_seen, row.open_clients),
        row.clients_overdue,
        row.visits_completed,
        row.risk_flags,
        row.quiet,
    )


def render_team(digest: TeamDigest) -> list[str]:
    """`/team`: one line per worker, normally one message (split only past the limit)."""
    lines = [texts.team_header(digest.team_name, len(digest.workers))]
    lines += [_team_line(row) for row in by_attention(digest.workers)]
    if not digest.workers:
        lines.append(texts.DIGEST_NO_WORKERS)
    return pack_blocks(
        lines,
        lambda page, pages: texts.digest_continued(digest.team_name, page, pages),
        separator="\n",
        measure=utf16_length,
    )


def team_keyboards(digest: TeamDigest, pages: list[str]) -> list[InlineKeyboardMarkup | None]:
    """Under /team: the team's figures under the first message, and a button per worker
    under the message holding their line (their day and caseload)."""
    if not digest.team_id:
        return [None for _ in pages]
    rows: list[list[list[InlineKeyboardButton]]] = [[] for _ in pages]
    if pages:
        rows[0] += figure_buttons(digest.team, digest.team_id, None, NEW)
    lines = [(row, _team_line(row)) for row in by_attention(digest.workers)]
    for index, found in _placed(pages, lines):
        rows[index] += worker_buttons(found, digest.team_id, NEW)
    return [keyboard(page_rows) for page_rows in rows]


@dataclass(frozen=True, slots=True)
class DigestMessages:
    """A digest as Telegram messages: the chart (with its caption), then the texts,
    each with its buttons."""

    chart: bytes
    caption: str
    pages: list[str]
    keyboards: list[InlineKeyboardMarkup | None] = field(default_factory=list)


async def digest_messages(
    digest: TeamDigest, *, private: bool, webapp_url: str | None = None
) -> DigestMessages:
    """Drawing runs in a thread: the event loop keeps serving other workers meanwhile."""
    picture = await asyncio.to_thread(
        chart_png, digest.history, texts.digest_chart_title(digest.team_name)
    )
    pages = render_digest(digest, private=private)
    return DigestMessages(
        chart=picture,
        caption=texts.digest_caption(digest.team_name, _day_label(digest.day)),
        pages=pages,
        keyboards=digest_keyboards(digest, pages, webapp_url),
    )


async def send_digest(
    bot: Bot, chat_id: int, digest: TeamDigest, *, private: bool, webapp_url: str | None = None
) -> None:
    """The chart, then the text (on demand; the scheduled one goes through the outbox)."""
    messages = await digest_messages(digest, private=private, webapp_url=webapp_url)
    await bot.send_photo(
        chat_id,
        photo=InputFile(messages.chart, filename="digest.png"),
        caption=messages.caption,
        parse_mode=ParseMode.HTML,
    )
    for text, markup in zip(messages.pages, messages.keyboards, strict=True):
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def digest_for(work: Work, supervisor: Worker | Actor) -> TeamDigest | None:
    """The scheduled digest of a supervisor's team (see domain/usecases/digests.py)."""
    return await digests.scheduled_digest(work, supervisor)


async def _team_digest(update: Update, context: CaselineContext, command: str) -> TeamDigest | None:
    """The digest of the team the actor may see with this command, or None after saying
    why not."""
    result = await digests.view_digest(
        context.services,
        context.require_actor(),
        asked=" ".join(context.args or []).strip(),
        via=command,
        zone=zone_of(context),
    )
    if isinstance(result, Saved):
        return result.value
    await update.effective_message.reply_text(why_not(result, command))
    return None


def why_not(result: Refused | Invalid | Confirm[TeamList], command: str) -> str:
    if isinstance(result, Refused):
        return texts.DIGEST_ONLY_SUPERVISORS
    if isinstance(result, Invalid):
        return texts.DIGEST_NO_TEAM if result == digests.NO_TEAM else texts.DIGEST_NO_TEAMS
    names = result.about.names
    choose = texts.digest_pick_team(
        command, names[:TEAMS_LISTED], max(0, len(names) - TEAMS_LISTED)
    )
    asked = result.about.asked
    return f"{texts.digest_unknown_team(asked)}\n{choose}" if asked else choose


async def digest_command(update: Update, context: CaselineContext) -> None:
    digest = await _team_digest(update, context, "digest")
    if digest is None:
        return
    settings = context.services.settings
    await send_digest(
        context.bot,
        update.effective_chat.id,
        digest,
        private=settings.private_previews,
        webapp_url=settings.webapp_url,
    )


async def team_command(update: Update, context: CaselineContext) -> None:
    """The team's figures, then (supervisors and admins) the people rows as buttons
    (bot/team_admin.py). A worker gets the one refusal."""
    digest = await _team_digest(update, context, "team")
    if digest is not None:
        pages = render_team(digest)
        for text, markup in zip(pages, team_keyboards(digest, pages), strict=True):
            await update.effective_message.reply_text(text, reply_markup=markup)
    if roles.may_see_people(context.require_actor().role):
        await team_admin.send_people(update, context)


def handlers() -> list[CommandHandler[CaselineContext, None]]:
    """Register before `commands.catch_all()`, like every other command."""
    return [CommandHandler("digest", digest_command), CommandHandler("team", team_command)]
