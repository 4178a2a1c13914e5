"""The client record in the chat: the full client card, /history, transfer, discharge
and reopen — and the `caseline export | clients import | audit` commands.

Buttons name ids only; every press is re-checked on the server (storage/caseload.py)
and every look at a record, allowed or refused, is an audit event:

    cf:<flow>:<client>        the card's buttons. note/visit/appt/plan/refer start other
                              dialogs; history/export/transfer/discharge/reopen/card are here
    hi:p:<client>:<page>      a page of the history (edited in place)
    ex:pdf|csv:<client>       an export (bot/export.py)
    tr:to:<client>:<worker>   transfer to that worker (supervisors, own team)
    dc:r:<client>:<reason>    discharge for a listed reason
    dc:other:<client>         discharge for a typed reason — a one-question dialog:

    [✏️ Other…] ─► REASON ─(text)─► END: discharged, the card is shown
    /cancel or [✖ Cancel] ─► END, nothing changed

Register `handlers()` (it includes bot/export.py's) anywhere in group 0 before the
catch-all; every pattern is specific, so no other dialog's button is taken.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import export
from conversations.common import conversation, text_expected
from storage import caseload, clients
from storage.caseload import CardFacts, Outcome
from storage.history import Event, timeline
from storage.models import ClientStatus, Role
from storage.workers import names
from ui import texts
from ui.callbacks import pack, read_ids, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show
from ui.splitting import CHUNK, pack_blocks, telegram_length
from ui.timefmt import days_ago
from ui.views import View

CARD_ACTIONS = ("history", "export", "transfer", "discharge", "reopen", "card")
GOALS_SHOWN = 5
NOTE_LINE_MAX = 80

DISCHARGE_PREFIX = "dc"
DISCHARGE_DRAFT = "discharge"
REASON = 0


async def _say_not_found(update: Update, client_id: int | None) -> None:
    code = f"C-{client_id:04d}" if client_id is not None else "?"
    if update.callback_query is not None:
        await answer(update, html.unescape(texts.client_not_found(code)), alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.client_not_found(code))


# ---------------------------------------------------------------------------------------
# The full client card


async def show_client(
    update: Update, context: CaselineContext, client_id: int, *, toast: str | None = None
) -> None:
    """The full client card if the actor may see the client; the view is audited
    ("client.view"), and so is a refusal."""
    actor = context.require_actor()
    services = context.services
    now = services.clock.now()
    async with services.db.session() as session:
        client = await caseload.look(session, actor, client_id, "client.view", now=now)
        facts = await caseload.card_facts(session, client, now) if client else None
    if facts is None:
        await _say_not_found(update, client_id)
        return
    await answer(update, toast)
    await show(update, card_view(facts, actor, now, zone_of(context)))


def card_view(facts: CardFacts, actor: Any, now: datetime, zone: ZoneInfo) -> View:
    client = facts.client
    t = texts
    today = now.astimezone(zone).date()
    lines = [t.card_title(client.code, client.name)]
    lines.append(t.card_program_status(client.program, client.status))
    if client.status == ClientStatus.DISCHARGED:
        when = t.record_day(client.discharged_at, zone) if client.discharged_at else ""
        lines.append(t.card_discharged(when, client.discharge_reason))
    lines.append(t.card_worker(facts.worker_name, client.worker_id == actor.id))
    lines.append(t.card_contact(client.contact_frequency_days))
    if client.last_contact_at:
        lines.append(
            t.card_last_contact(
                days_ago(client.last_contact_at, now, zone),
                t.record_day(client.last_contact_at, zone),
            )
        )
    else:
        lines.append(t.CARD_NEVER_CONTACTED)
    if facts.next_appointment is not None:
        lines.append(
            t.card_next_appointment(
                t.record_moment(facts.next_appointment.starts_at, zone),
                facts.next_appointment.kind,
            )
        )
    elif client.is_open:
        lines.append(t.CARD_NO_APPOINTMENT)
    if client.is_open:
        # Counted as the reminders count it: from the last contact, else from intake.
        due_on = client.visit_due_on(zone)
        lines.append(t.card_visit_due(t.record_day(due_on), client.visit_overdue(today, zone)))
    elif client.status == ClientStatus.ON_HOLD:
        lines.append(t.CARD_MUTED_ON_HOLD)
    else:
        lines.append(t.CARD_MUTED_CLOSED)
    lines.append("")
    if facts.plan is not None:
        review = facts.plan.next_review_on
        lines.append(
            t.card_plan(
                facts.plan.version,
                t.record_day(review) if review else None,
                review is not None and review < today,
            )
        )
        lines += [t.card_goal(goal.description) for goal in facts.open_goals[:GOALS_SHOWN]]
        if len(facts.open_goals) > GOALS_SHOWN:
            lines.append(t.card_more_goals(len(facts.open_goals) - GOALS_SHOWN))
        if not facts.open_goals:
            lines.append(t.card_no_open_goals())
    else:
        lines.append(t.CARD_NO_PLAN)
    lines.append(t.card_open_referrals(facts.open_referrals))
    lines.append("")
    if facts.recent_notes:
        lines.append(f"<b>{t.CARD_RECENT_NOTES}</b>")
        for note in facts.recent_notes:
            first = next((line for line in (note.text or "").splitlines() if line.strip()), "")
            if not first and note.dap_data:
                first = note.dap_data.splitlines()[0] if note.dap_data.strip() else ""
            if len(first) > NOTE_LINE_MAX:
                first = first[: NOTE_LINE_MAX - 1] + "…"
            lines.append(
                t.card_note(
                    t.record_day(note.occurred_at, zone),
                    note.interaction_type,
                    first,
                    note.risk_flag,
                )
            )
    else:
        lines.append(t.CARD_NO_NOTES)
    return View("\n".join(lines), card_keyboard(facts, actor))


def card_keyboard(facts: CardFacts, actor: Any) -> InlineKeyboardMarkup:
    client_id = facts.client.id
    t = texts
    closed = facts.client.status == ClientStatus.DISCHARGED

    def button(label: str, flow: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=pack("cf", flow, client_id))

    rows = []
    if closed:
        # A closed case takes no new visits, appointments, plans or referrals (they would
        # bring reminders back); a note — a last call, a letter — still fits.
        rows.append([button(t.CARD_NOTE, "note")])
    else:
        rows.append(
            [
                button(t.CARD_NOTE, "note"),
                button(t.CARD_VISIT, "visit"),
                button(t.CARD_APPOINTMENT, "appt"),
            ]
        )
        second = [button(t.CARD_PLAN, "plan")]
        if facts.plan is not None:
            # conversations/review.py starts a review of the active plan from here.
            second.append(button(t.CARD_REVIEW, "review"))
        second.append(button(t.CARD_REFER, "refer"))
        rows.append(second)
        if facts.client.status == ClientStatus.INTAKE:
            # conversations/intake.py resumes the intake interview from here.
            rows.append([button(t.CARD_INTAKE, "intake")])
    rows.append([button(t.CARD_HISTORY, "history"), button(t.CARD_EXPORT, "export")])
    last = []
    if caseload.may_transfer(actor) and not closed:
        last.append(button(t.CARD_TRANSFER, "transfer"))
    if actor.role in caseload.DISCHARGE_ROLES:
        last.append(
            button(t.CARD_REOPEN, "reopen") if closed else button(t.CARD_DISCHARGE, "discharge")
        )
    if last:
        rows.append(last)
    rows.append([InlineKeyboardButton(texts.BACK_TO_CASELOAD, callback_data=pack("cl", "p", 0))])
    return InlineKeyboardMarkup(rows)


def _back(client_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.CARD_BACK, callback_data=pack("cf", "card", client_id))


async def card_button(update: Update, context: CaselineContext) -> None:
    """cf:<action>:<client id> for the actions handled here."""
    pressed = unpack(update.callback_query.data)
    client_id = pressed.int_arg()
    if client_id is None:
        await answer(update, texts.STALE_BUTTON)
        return
    if pressed.action == "card":
        await show_client(update, context, client_id)
    elif pressed.action == "history":
        await show_history(update, context, client_id, 0)
    elif pressed.action == "export":
        await export.export_menu(update, context, client_id)
    elif pressed.action == "transfer":
        await transfer_menu(update, context, client_id)
    elif pressed.action == "discharge":
        await discharge_menu(update, context, client_id)
    elif pressed.action == "reopen":
        await reopen_pressed(update, context, client_id)
    else:
        await answer(update, texts.STALE_BUTTON)


# ---------------------------------------------------------------------------------------
# /history


async def history_command(update: Update, context: CaselineContext) -> None:
    if not context.args:
        await update.effective_message.reply_text(texts.HISTORY_CODE_NEEDED)
        return
    typed = " ".join(context.args)
    client_id = clients.parse_code(typed)
    if client_id is None:
        await update.effective_message.reply_text(texts.client_not_found(typed[:30]))
        return
    await show_history(update, context, client_id, 0)


async def history_page(update: Update, context: CaselineContext) -> None:
    ids = read_ids(unpack(update.callback_query.data).arg, 2)
    if ids is None:
        await answer(update, texts.STALE_BUTTON)
        return
    await show_history(update, context, ids[0], ids[1])


async def show_history(update: Update, context: CaselineContext, client_id: int, page: int) -> None:
    """One page of the client's timeline, newest first; each look is audited."""
    actor = context.require_actor()
    services = context.services
    now = services.clock.now()
    async with services.db.session() as session:
        client = await caseload.look(
            session, actor, client_id, "client.history", now=now, detail={"page": page}
        )
        events = await timeline(session, client, now) if client else []
    if client is None:
        await _say_not_found(update, client_id)
        return
    zone = zone_of(context)
    blocks = [history_block(event, zone) for event in events]
    first_title = texts.history_title(client.code, client.name, 0, 2)
    pages = pack_blocks(blocks, limit=CHUNK - telegram_length(first_title)) or [""]
    page = min(max(page, 0), len(pages) - 1)
    title = texts.history_title(client.code, client.name, page, len(pages))
    body = pages[page] or texts.HISTORY_EMPTY
    nav = []
    if page > 0:
        nav.append(
            InlineKeyboardButton(
                texts.PREVIOUS, callback_data=pack("hi", "p", f"{client.id}:{page - 1}")
            )
        )
    if page < len(pages) - 1:
        nav.append(
            InlineKeyboardButton(
                texts.NEXT, callback_data=pack("hi", "p", f"{client.id}:{page + 1}")
            )
        )
    rows = [nav] if nav else []
    rows.append([_back(client.id)])
    await answer(update)
    await show(update, View(f"{title}\n\n{body}", InlineKeyboardMarkup(rows)))


def _clip(text: str, limit: int) -> str:
    """`text` escaped, cut to about `limit` characters with a note when cut."""
    if len(text) <= limit:
        return html.escape(text)
    cut = text[:limit].rstrip()
    return f"{html.escape(cut)}\n<i>{html.escape(texts.HISTORY_SHORTENED)}</i>"


# (note text, amendment text, amendments shown): tried in turn until a block fits a page.
_BLOCK_SIZES = ((1200, 400, 3), (500, 150, 1), (150, 60, 0))
BLOCK_MAX = 3000


def history_block(event: Event, zone: ZoneInfo) -> str:
    """One event as HTML, short enough to share a page with others."""
    t = texts
    head = (
        f"<b>{t.record_moment(event.at, zone)}</b> · {t.RECORD_EVENT_MARKS.get(event.kind, '')} "
        f"{html.escape(t.record_event_title(event))}"
    )
    if event.author:
        head += f" · <i>{html.escape(event.author)}</i>"
    body = t.record_event_body(event)
    block = head
    for text_max, amendment_max, shown in _BLOCK_SIZES:
        parts = [head]
        if body:
            parts.append(_clip(body, text_max))
        for amendment in event.amendments[:shown]:
            when = t.record_moment(amendment.at, zone)
            parts.append(
                f"<i>{html.escape(t.record_amendment(amendment.author, when))}</i>\n"
                + _clip(amendment.text, amendment_max)
            )
        hidden = len(event.amendments) - min(shown, len(event.amendments))
        if hidden:
            parts.append(f"<i>{html.escape(t.history_more_amendments(hidden))}</i>")
        block = "\n".join(parts)
        if telegram_length(block) <= BLOCK_MAX:
            break
    return block


# ---------------------------------------------------------------------------------------
# Transfer (supervisors: within their team)


async def transfer_menu(update: Update, context: CaselineContext, client_id: int) -> None:
    actor = context.require_actor()
    services = context.services
    action = "client.transfer"
    async with services.db.session() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None or not caseload.may_transfer(actor):
            await caseload.refuse(session, actor, client_id, action, now=services.clock.now())
        else:
            targets = await caseload.transfer_targets(session, actor, client)
            who = await names(session, {client.worker_id} if client.worker_id else set())
    if client is None:
        await _say_not_found(update, client_id)
        return
    if not caseload.may_transfer(actor):
        await answer(update, texts.TRANSFER_ONLY_LEADS, alert=True)
        return
    await answer(update)
    rows = [
        [
            InlineKeyboardButton(
                _label(worker.name + (" ★" if worker.role == Role.SUPERVISOR else "")),
                callback_data=pack("tr", "to", f"{client.id}:{worker.id}"),
            )
        ]
        for worker in targets
    ]
    rows.append([_back(client.id)])
    text = (
        texts.transfer_ask(client.code, client.name, who.get(client.worker_id or 0))
        if targets
        else texts.TRANSFER_NOBODY
    )
    await show(update, View(text, InlineKeyboardMarkup(rows)))


def _label(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def transfer_pressed(update: Update, context: CaselineContext) -> None:
    actor = context.require_actor()
    ids = read_ids(unpack(update.callback_query.data).arg, 2)
    services = context.services
    now = services.clock.now()
    async with services.db.session() as session:
        change = await caseload.transfer(
            session, actor, ids[0] if ids else None, ids[1] if ids else None, now=now
        )
        worker_name = change.worker.name if change.worker else None
    if change.outcome == Outcome.NOT_FOUND:
        await _say_not_found(update, ids[0] if ids else None)
    elif change.outcome == Outcome.NOT_ALLOWED:
        await answer(update, texts.TRANSFER_NOT_ALLOWED, alert=True)
    else:
        assert change.client is not None
        toast = (
            texts.transferred_toast(change.client.code, worker_name or "?")
            if change.outcome == Outcome.DONE
            else None
        )
        await show_client(update, context, change.client.id, toast=toast)


# ---------------------------------------------------------------------------------------
# Discharge and reopen


async def discharge_menu(update: Update, context: CaselineContext, client_id: int) -> None:
    actor = context.require_actor()
    services = context.services
    now = services.clock.now()
    async with services.db.session() as session:
        client = await clients.get_visible(session, actor, client_id)
        if client is None or actor.role not in caseload.DISCHARGE_ROLES:
            await caseload.refuse(session, actor, client_id, "client.discharge", now=now)
            client = None
        ahead = await caseload.scheduled_ahead(session, client.id, now) if client else 0
    if client is None:
        await _say_not_found(update, client_id)
        return
    if client.status == ClientStatus.DISCHARGED:
        await answer(update, texts.DISCHARGE_ALREADY, alert=True)
        return
    await answer(update)
    reasons = list(texts.DISCHARGE_REASONS.items())
    rows = [
        [
            InlineKeyboardButton(
                label, callback_data=pack(DISCHARGE_PREFIX, "r", f"{client.id}:{code}")
            )
            for code, label in reasons[index : index + 2]
        ]
        for index in range(0, len(reasons), 2)
    ]
    rows.append(
        [
            InlineKeyboardButton(
                texts.DISCHARGE_OTHER,
                callback_data=pack(DISCHARGE_PREFIX, "other", client.id),
            ),
            _back(client.id),
        ]
    )
    await show(
        update,
        View(
            texts.discharge_ask(client.code, client.name, ahead),
            InlineKeyboardMarkup(rows),
        ),
    )


async def _discharge(
    update: Update, context: CaselineContext, client_id: int | None, code: str, reason: str
) -> None:
    actor = context.require_actor()
    services = context.services
    now = services.clock.now()
    async with services.db.session() as session:
        change = await caseload.discharge(
            session, actor, client_id, reason_code=code, reason_text=reason, now=now
        )
    if change.outcome in (Outcome.NOT_FOUND, Outcome.NOT_ALLOWED) or change.client is None:
        await _say_not_found(update, client_id)
        return
    toast = (
        texts.discharged_toast(change.client.code, change.appointments)
        if change.outcome == Outcome.DONE
        else texts.DISCHARGE_ALREADY
    )
    await show_client(update, context, change.client.id, toast=toast)


async def discharge_reason_pressed(update: Update, context: CaselineContext) -> None:
    """dc:r:<client>:<reason code> — one of the listed reasons."""
    client_raw, _, code = unpack(update.callback_query.data).arg.partition(":")
    ids = read_ids(client_raw, 1)
    label = texts.DISCHARGE_REASONS.get(code)
    if ids is None or label is None:
        await answer(update, texts.STALE_BUTTON)
        return
    await _discharge(update, context, ids[0], code, label)


async def discharge_other(update: Update, context: CaselineContext) -> int:
    """dc:other:<client> — ask for the reason in words."""
    actor = context.require_actor()
    client_id = unpack(update.callback_query.data).int_arg()
    services = context.services
    async with services.db.session() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        if client is None:
            await caseload.refuse(
                session, actor, client_id, "client.discharge", now=services.clock.now()
            )
    if client is None:
        await _say_not_found(update, client_id)
        return ConversationHandler.END
    if client.status == ClientStatus.DISCHARGED:
        await answer(update, texts.DISCHARGE_ALREADY, alert=True)
        return ConversationHandler.END
    await answer(update)
    # The draft keeps the id under "id": a dialog idle too long is simply ended (no
    # draft to offer back — the reason is one line).
    context.user_data[DISCHARGE_DRAFT] = {"id": client.id}
    await update.callback_query.edit_message_text(
        texts.discharge_ask_reason(client.code),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.CANCEL, callback_data=pack(DISCHARGE_PREFIX, "cancel", "")
                    )
                ]
            ]
        ),
    )
    return REASON


async def discharge_reason_typed(update: Update, context: CaselineContext) -> int:
    draft = context.user_data.get(DISCHARGE_DRAFT) or {}
    text = " ".join((update.effective_message.text or "").split())
    if not text:
        await update.effective_message.reply_text(texts.DISCHARGE_REASON_EMPTY)
        return REASON
    if len(text) > caseload.REASON_MAX:
        await update.effective_message.reply_text(texts.DISCHARGE_REASON_TOO_LONG)
        return REASON
    context.user_data.pop(DISCHARGE_DRAFT, None)
    await _discharge(update, context, draft.get("id"), "other", text)
    return ConversationHandler.END


def discharge_dialog(timeout_minutes: int) -> ConversationHandler:
    return conversation(
        DISCHARGE_PREFIX,
        entry_points=[
            CallbackQueryHandler(discharge_other, pattern=rf"^{DISCHARGE_PREFIX}:other:")
        ],
        states={
            REASON: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, discharge_reason_typed),
                MessageHandler(~filters.COMMAND, text_expected),
            ]
        },
        draft_key=DISCHARGE_DRAFT,
        timeout_minutes=timeout_minutes,
    )


async def reopen_pressed(update: Update, context: CaselineContext, client_id: int) -> None:
    actor = context.require_actor()
    services = context.services
    async with services.db.session() as session:
        change = await caseload.reopen(session, actor, client_id, now=services.clock.now())
    if change.outcome in (Outcome.NOT_FOUND, Outcome.NOT_ALLOWED) or change.client is None:
        await _say_not_found(update, client_id)
        return
    toast = (
        texts.reopened_toast(change.client.code)
        if change.outcome == Outcome.DONE
        else texts.REOPEN_NOT_DISCHARGED
    )
    await show_client(update, context, change.client.id, toast=toast)


def handlers(timeout_minutes: int = 30) -> list:
    """Everything of the client record, for group 0 (before the catch-all)."""
    actions = "|".join(CARD_ACTIONS)
    return [
        discharge_dialog(timeout_minutes),
        CommandHandler("history", history_command),
        CallbackQueryHandler(card_button, pattern=rf"^cf:({actions}):"),
        CallbackQueryHandler(history_page, pattern=r"^hi:p:"),
        CallbackQueryHandler(transfer_pressed, pattern=r"^tr:to:"),
        CallbackQueryHandler(discharge_reason_pressed, pattern=rf"^{DISCHARGE_PREFIX}:r:"),
        *export.handlers(),
    ]


# ---------------------------------------------------------------------------------------
# The CLI: `caseline export`, `caseline clients import`, `caseline audit`

CLI_COMMANDS = ("export", "clients", "audit")


def add_cli_commands(sub: Any) -> None:
    """Add the record's subcommands to `caseline`'s argparse subparsers."""
    exporter = sub.add_parser("export", help="export one client's record as a PDF or CSV file")
    exporter.add_argument("--client", required=True, help="the client's code, e.g. C-0042")
    exporter.add_argument("--format", choices=("pdf", "csv"), default="pdf")
    exporter.add_argument("--output", help="the file to write (default: <code>.<format> here)")

    clients_parser = sub.add_parser("clients", help="clients")
    clients_sub = clients_parser.add_subparsers(dest="clients_command", required=True)
    importer = clients_sub.add_parser("import", help="import clients from a CSV file")
    importer.add_argument("file", help="CSV with a header row (see storage/client_import.py)")
    importer.add_argument("--check", action="store_true", help="check every row, import nothing")

    auditor = sub.add_parser("audit", help="list the audit trail (no client names)")
    auditor.add_argument("--client", help="only events about this client, e.g. C-0042")
    auditor.add_argument("--worker", help="only what this worker did (their name)")
    auditor.add_argument("--since", help="from this day (YYYY-MM-DD, UTC) or ISO time on")
    auditor.add_argument("--limit", type=int, default=1000, help="at most this many (latest)")


def run_cli(args: argparse.Namespace, settings: Any) -> None:
    """Run one of CLI_COMMANDS; problems the operator can fix raise bot.cli.CLIError."""
    if args.command == "export":
        print(asyncio.run(export.cli_export(settings, args.client, args.format, args.output)))
    elif args.command == "clients" and args.clients_command == "import":
        asyncio.run(cli_import_clients(settings, Path(args.file), check_only=args.check))
    elif args.command == "audit":
        for line in asyncio.run(
            cli_audit(
                settings,
                client=args.client,
                worker=args.worker,
                since=args.since,
                limit=args.limit,
            )
        ):
            print(line)


async def cli_import_clients(
    settings: Any, path: Path, *, check_only: bool = False, out: Any = None
) -> Any:
    """`caseline clients import FILE.csv`: progress and problems printed, the report
    returned; any bad row raises CLIError after listing them (nothing imported)."""
    from bot.cli import CLIError
    from domain.clock import Clock
    from storage.client_import import decode, import_clients
    from storage.db import Database

    out = out or sys.stdout
    try:
        text = decode(await asyncio.to_thread(path.read_bytes))
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    db = Database(settings.database_url)
    try:
        await export.require_schema(db)
        async with db.session() as session:
            report = await import_clients(
                session,
                text,
                now=Clock().now(),
                zone=ZoneInfo(settings.timezone),
                progress=lambda line: print(line, file=out, flush=True),
                check_only=check_only,
            )
            if not report.ok:
                # Nothing is written: leave the transaction by raising.
                for problem in report.problems:
                    print(problem.render(), file=out)
                raise CLIError(
                    f"{len(report.problems)} row(s) with problems in {path.name}; "
                    "nothing was imported"
                )
    finally:
        await db.dispose()
    if check_only:
        print(f"all {report.rows} rows are fine; nothing imported (--check)", file=out)
    else:
        first = report.imported[0][1] if report.imported else "-"
        last = report.imported[-1][1] if report.imported else "-"
        print(f"imported {len(report.imported)} clients ({first} … {last})", file=out)
    return report


async def cli_audit(
    settings: Any,
    *,
    client: str | None = None,
    worker: str | None = None,
    since: str | None = None,
    limit: int = 1000,
) -> list[str]:
    """`caseline audit`: one line per event, oldest first; the listing is audited too."""
    from bot.cli import CLIError
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        await export.require_schema(db)
        lines = await audit_listing(
            db, client=client, worker=worker, since=since, limit=limit, now=None
        )
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    finally:
        await db.dispose()
    return lines


async def audit_listing(
    db: Any,
    *,
    client: str | None = None,
    worker: str | None = None,
    since: str | None = None,
    limit: int = 1000,
    now: datetime | None = None,
) -> list[str]:
    """The lines `caseline audit` prints. ValueError for a bad code, name or date."""
    from domain.clock import Clock
    from storage import audit
    from storage.history import UnknownWorker, audit_trail, parse_since

    client_id = None
    if client is not None:
        client_id = clients.parse_code(client)
        if client_id is None:
            raise ValueError(f"not a client code: {client[:20]!r} (use e.g. C-0042)")
    since_at = parse_since(since) if since else None
    if limit < 1:
        raise ValueError("--limit must be at least 1")
    async with db.session() as session:
        try:
            lines, more = await audit_trail(
                session, client_id=client_id, worker_name=worker, since=since_at, limit=limit
            )
        except UnknownWorker as exc:
            raise ValueError(f"no worker is called {worker!r}") from exc
        await audit.record(
            session,
            "audit.list",
            now=now or Clock().now(),
            subject_type="client" if client_id else None,
            subject_id=client_id,
            client_id=client_id if client_id and await clients.exists(session, client_id) else None,
            detail={"via": "cli"},
        )
    rendered = [line.render() for line in lines]
    if more:
        print(
            f"(only the latest {limit} events; narrow with --since or raise --limit)",
            file=sys.stderr,
        )
    return rendered
