"""The digest's figures as lines and as buttons, and the drill-down behind them (issue 20):
a team's figures, a worker's day and caseload, one figure's list. No database here.

Every button carries ids only — `dd:<list>:<team>:<worker>:<page>` (worker 0: the whole
team), the list a DrillList code, or `t` (the team's figures) or `w` (a worker's day) —
and is checked again by domain/usecases/digest_drill.py when pressed. `dd` comes from
the digest or /team and answers below it (the digest stays to come back to); `dv` is
pressed inside a drill-down and answers in place. A client opens with the caseload's own
`cl:n:<id>` (its card below the list), re-checked by the card.

The lists are answers to a press, so they name clients as every answer does (the card,
/clients), also under CASELINE_PRIVATE_PREVIEWS; the digest push itself, and its buttons,
carry counts and worker names only.
"""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.rules.evv import ordered
from domain.usecases.digest_drill import DrillPage, TeamFigures, WorkerDay
from storage.digest import WorkerFigures
from storage.drill import DrillItem, DrillList
from ui import privacy, texts
from ui.callbacks import pack
from ui.splitting import telegram_length
from ui.timefmt import day_label, weekday_time
from ui.views import View, appointment_line, button_label, rows_that_fit

NEW = "dd"  # from the digest or /team: the answer comes below
HERE = "dv"  # inside a drill-down: the answer replaces it
TEAM = "t"
WORKER = "w"
# A client's name in a list line is cut here (the card has it whole).
NAME_MAX = 60
# A worker's day lists at most this many appointments, within this much of a message
# (the rest is counted: one message, whatever the names).
DAY_MAX = 30
DAY_ROOM = 3800


def mark(row: WorkerFigures) -> str:
    return texts.RAG_MARKS[row.rag] if row.rag else texts.NO_CLIENTS_MARK


def share(row: WorkerFigures) -> str:
    return texts.seen_share(row.clients_seen, row.open_clients) if row.open_clients else ""


def figure_lines(row: WorkerFigures) -> list[str]:
    """Today's work (visits, then desk work when there is any), then what to follow up."""
    lines = [
        texts.digest_today(
            row.visits_completed, row.no_shows, row.notes_written, row.appointments_tomorrow
        )
    ]
    desk = texts.digest_desk_work(row.intakes, row.plans_reviewed, row.referrals, row.collateral)
    if desk:
        lines.append(desk)
    concerns = texts.digest_concerns(
        row.clients_overdue,
        row.reviews_overdue,
        row.risk_flags,
        row.safety_reviews_overdue,
        row.unclosed,
    )
    if concerns:
        lines.append(concerns)
    if row.visit_exceptions:
        lines.append(texts.digest_visit_exceptions(row.visit_exceptions))
    return lines


def quiet_line(row: WorkerFigures) -> str:
    """A worker with no logged work for two working days: since when."""
    if row.last_active_on is None:
        return texts.DIGEST_NO_WORK_LONG
    return texts.digest_no_work_since(day_label(row.last_active_on))


# ── buttons ─────────────────────────────────────────────────────────────────


def _data(prefix: str, action: str, team_id: int, worker_id: int | None, page: int = 0) -> str:
    return pack(prefix, action, team_id, worker_id or 0, page)


def figures(row: WorkerFigures) -> list[tuple[DrillList, int]]:
    """The figures of a row that have a list, in the order the digest says them."""
    counted = [
        (DrillList.VISITS, row.visits_completed),
        (DrillList.NO_SHOWS, row.no_shows),
        (DrillList.NOTES, row.notes_written),
        (DrillList.TOMORROW, row.appointments_tomorrow),
        (DrillList.INTAKES, row.intakes),
        (DrillList.REVIEWED, row.plans_reviewed),
        (DrillList.REFERRALS, row.referrals),
        (DrillList.COLLATERAL, row.collateral),
        (DrillList.OVERDUE, row.clients_overdue),
        (DrillList.REVIEWS, row.reviews_overdue),
        (DrillList.SAFETY, row.safety_reviews_overdue),
        (DrillList.RISK_FLAGS, row.risk_flags),
        (DrillList.OPEN_RISKS, row.open_risks),
        (DrillList.EXCEPTIONS, row.visit_exceptions),
        (DrillList.UNCLOSED, row.unclosed),
    ]
    return [(which, count) for which, count in counted if count]


def figure_buttons(
    row: WorkerFigures, team_id: int, worker_id: int | None, prefix: str
) -> list[list[InlineKeyboardButton]]:
    """A button per figure that is not zero, laid out so each label shows whole."""
    found = [
        InlineKeyboardButton(
            texts.drill_button(which, count),
            callback_data=_data(prefix, which, team_id, worker_id),
        )
        for which, count in figures(row)
    ]
    return rows_that_fit(found)


def worker_buttons(
    rows: list[WorkerFigures], team_id: int, prefix: str
) -> list[list[InlineKeyboardButton]]:
    """A button per worker (their mark and name): their day and caseload."""
    found = [
        InlineKeyboardButton(
            button_label(f"{mark(row)} {row.name}"),
            callback_data=_data(prefix, WORKER, team_id, row.worker_id),
        )
        for row in rows
        if row.worker_id is not None
    ]
    return rows_that_fit(found, most=2)


def keyboard(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup(rows) if rows else None


# ── a team's figures (what a list goes back to) ─────────────────────────────


def team_view(found: TeamFigures) -> View:
    digest, team_id = found.digest, found.scope.team_id
    team = digest.team
    lines = [texts.digest_title(digest.team_name, day_label(digest.day))]
    if team.open_clients:
        lines.append(f"{mark(team)} {share(team)}")
    lines += figure_lines(team)
    lines.append(texts.DIGEST_TAP_HINT)
    rows = figure_buttons(team, team_id, None, HERE)
    rows += worker_buttons(digest.workers, team_id, HERE)
    return View("\n".join(lines), keyboard(rows))


# ── a worker's day and caseload ─────────────────────────────────────────────


def worker_view(found: WorkerDay, zone: ZoneInfo, *, may_manage: bool) -> View:
    row, team_id = found.figures, found.scope.team_id
    lines = [texts.worker_day_title(row.name, day_label(found.day))]
    caseload = texts.worker_caseload(row.open_clients)
    lines.append(f"{mark(row)} {share(row)} · {caseload}" if row.open_clients else caseload)
    lines += figure_lines(row)
    if row.quiet:
        lines.append(quiet_line(row))
    lines.append("")
    if not found.scope.records:
        lines.append(texts.DRILL_RECORDS_HIDDEN)
    else:
        lines.append(texts.WORKER_DAY_TODAY)
        if not found.appointments:
            lines.append(texts.WORKER_DAY_NOTHING)
        for shown, (appointment, client) in enumerate(found.appointments):
            line = appointment_line(appointment, client, zone)
            if shown == DAY_MAX or telegram_length("\n".join([*lines, line])) > DAY_ROOM:
                lines.append(texts.and_more(len(found.appointments) - shown))
                break
            lines.append(line)
    rows = figure_buttons(row, team_id, row.worker_id, HERE)
    last = [
        InlineKeyboardButton(texts.DRILL_BACK_TEAM, callback_data=_data(HERE, TEAM, team_id, None))
    ]
    if may_manage and row.worker_id is not None:
        last.append(
            InlineKeyboardButton(texts.DRILL_MANAGE, callback_data=pack("tm", "p", row.worker_id))
        )
    rows += rows_that_fit(last, most=2)
    return View("\n".join(lines), keyboard(rows))


# ── one figure's list ───────────────────────────────────────────────────────


def _detail(which: DrillList, item: DrillItem, zone: ZoneInfo) -> str:
    """What a line says about its client, beside the code and name."""
    kind = texts.KIND_NAMES.get(item.kind, item.kind) if item.kind else ""
    local = item.at.astimezone(zone) if item.at is not None else None
    when = weekday_time(local) if local is not None else "?"
    if which in (DrillList.OVERDUE, DrillList.REVIEWS, DrillList.SAFETY):
        return texts.drill_due(day_label(item.due)) if item.due else ""
    if which == DrillList.OPEN_RISKS:
        since = texts.drill_since(day_label(local.date())) if local is not None else "?"
        acknowledged = (
            texts.digest_risk_acknowledged(item.acknowledged_by)
            if item.acknowledged_by
            else texts.RISK_NOT_ACKNOWLEDGED
        )
        return f"{since} · {acknowledged}"
    if which == DrillList.EXCEPTIONS:
        codes = texts.evv_exception_list([str(code) for code in ordered(item.codes)])
        return f"{when} · {kind} · {codes}"
    if which in (DrillList.INTAKES, DrillList.REVIEWED, DrillList.REFERRALS):
        return f"{local:%H:%M}" if local is not None else ""
    return f"{when} · {kind}"


def _line(which: DrillList, item: DrillItem, zone: ZoneInfo, records: bool) -> str:
    who = (
        privacy.code_and_name_html(item.client_code, button_label(item.client_name, NAME_MAX))
        if records
        else item.client_code
    )
    detail = _detail(which, item, zone)
    return f"{who} · {detail}" if detail else who


def list_view(found: DrillPage, zone: ZoneInfo) -> View:
    scope, which = found.scope, found.which
    worker_id = found.worker.id if found.worker is not None else None
    title = texts.DRILL_TITLES.get(which, str(which))
    lines = [
        texts.drill_title(
            title,
            found.worker.name if found.worker is not None else scope.team_name,
            day_label(found.day),
        ),
        texts.drill_count(found.total, found.page + 1, found.pages),
    ]
    if not found.items:
        lines.append(texts.DRILL_EMPTY)
    current: int | None = None
    for item in found.items:
        if found.worker is None and item.worker_id != current:
            current = item.worker_id
            lines.append(f"\n<b>{escape(item.worker_name)}</b>")
        lines.append(_line(which, item, zone, scope.records))
    if found.items:
        lines.append("")
        lines.append(texts.DRILL_TAP_HINT if scope.records else texts.DRILL_RECORDS_HIDDEN)
    rows: list[list[InlineKeyboardButton]] = []
    if scope.records:
        seen: set[int] = set()
        for item in found.items:
            if item.client_id in seen:
                continue
            seen.add(item.client_id)
            label = button_label(
                item.client_code if privacy.strict() else f"{item.client_code} · {item.client_name}"
            )
            rows.append(
                [InlineKeyboardButton(label, callback_data=pack("cl", "n", item.client_id))]
            )
    nav = []
    if found.page > 0:
        nav.append(
            InlineKeyboardButton(
                texts.PREVIOUS,
                callback_data=_data(HERE, which, scope.team_id, worker_id, found.page - 1),
            )
        )
    if found.page < found.pages - 1:
        nav.append(
            InlineKeyboardButton(
                texts.NEXT,
                callback_data=_data(HERE, which, scope.team_id, worker_id, found.page + 1),
            )
        )
    if nav:
        rows.append(nav)
    back = (
        InlineKeyboardButton(
            texts.BACK, callback_data=_data(HERE, WORKER, scope.team_id, worker_id)
        )
        if worker_id is not None
        else InlineKeyboardButton(
            texts.DRILL_BACK_TEAM, callback_data=_data(HERE, TEAM, scope.team_id, None)
        )
    )
    rows.append([back])
    return View("\n".join(lines), keyboard(rows))
