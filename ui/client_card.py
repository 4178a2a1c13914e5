"""The full client card: what a worker sees of one client, and the buttons that start
everything else about them. Facts come from domain/usecases/clients.py (`look_at_client`);
nothing here reads the database.

    cf:<flow>:<client>   the card's buttons. note/visit/appt/plan/review/refer/intake start
                         dialogs (conversations/; home: conversations/evv.py);
                         people/safety/history/export/lang/edit/transfer/
                         discharge/reopen/card are bot/record.py's
    cm:v:<note>          a supervisor's card: a recent note's page, where 💬 Comment and
                         ✍️ Co-sign are (conversations/note_comments.py)
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, WebAppInfo

from domain.results import NoneCalled, Refused, Several
from domain.rules import roles
from domain.usecases.clients import ClientRef, look_at_client
from storage.caseload import CARD_UPCOMING, CardFacts
from storage.clients import parse_code
from storage.kinds import ClientStatus
from storage.models import Client, Note
from storage.workers import Actor
from ui import privacy, texts
from ui.callbacks import pack
from ui.context import CaselineContext, zone_of
from ui.note_views import card_comment_lines, card_note_buttons
from ui.replies import answer, show
from ui.risk_views import with_risk
from ui.safety_views import with_safety_plan
from ui.timefmt import days_ago
from ui.views import View, client_button, fitted, rows_that_fit, upcoming_button

GOALS_SHOWN = 5
NOTE_LINE_MAX = 80


async def show_client(
    update: Update,
    context: CaselineContext,
    ref: ClientRef,
    *,
    toast: str | None = None,
    below: bool = False,
) -> None:
    """The full client card if the actor may see the client (the look, or the refusal,
    is audited by the use case); `toast` answers the button press that led here. A typed
    name that fits several clients asks which one."""
    actor = context.require_actor()
    facts = await look_at_client(context.services, actor, ref)
    if not isinstance(facts, CardFacts):
        await say_not_one(update, facts, ref, lambda client: pack("cl", "o", client.id))
        return
    await answer(update, toast)
    view = card_view(
        facts,
        actor,
        context.services.clock.now(),
        zone_of(context),
        webapp_url=context.services.settings.webapp_url,
    )
    await show(update, view, below=below)


async def say_not_one(
    update: Update,
    result: Several[Client] | NoneCalled | Refused,
    ref: ClientRef,
    button: Callable[[Client], str],
) -> None:
    """When a reference to a client did not come down to one the actor may see: the
    clients a typed name fits as buttons (`button` gives each one's callback data), no
    client by that name, or the answer to a code or button they may not see."""
    if isinstance(result, Several):
        rows = [[client_button(c, button(c))] for c in result.choices]
        await show(
            update,
            View(texts.clients_called(privacy.typed_back(str(ref))), InlineKeyboardMarkup(rows)),
        )
    elif isinstance(result, NoneCalled):
        await show(update, View(texts.no_client_called(privacy.typed_back(result.typed))))
    else:
        await say_not_found(update, ref)


async def say_not_found(update: Update, ref: ClientRef) -> None:
    """The one answer to a client the actor may not see or that is not there."""
    client_id = parse_code(ref) if isinstance(ref, str) else ref
    code = f"C-{client_id:04d}" if client_id is not None else "?"
    if update.callback_query is not None:
        await answer(update, html.unescape(texts.client_not_found(code)), alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.client_not_found(code))


def back_to_card(client_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.CARD_BACK, callback_data=pack("cf", "card", client_id))


def card_view(
    facts: CardFacts,
    actor: Actor,
    now: datetime,
    zone: ZoneInfo,
    *,
    webapp_url: str | None = None,
) -> View:
    client = facts.client
    t = texts
    today = now.astimezone(zone).date()
    lines = [t.card_title(client.code, privacy.client_name(client))]
    lines.append(t.card_program_status(client.program, client.status))
    if client.status == ClientStatus.ON_HOLD and client.hold_until is not None:
        lines.append(t.card_on_hold(client.hold_until, privacy.record_text(client.hold_reason)))
    # What waits for a supervisor's approval (domain/usecases/approvals.py).
    lines += [t.card_waiting(kind) for kind in facts.waiting]
    usual_place = privacy.record_text(client.usual_place)
    if usual_place:
        lines.append(t.card_usual_place(usual_place))
    spoken = t.language_line(client.language, client.interpreter)
    if spoken:
        lines.append(spoken)
    if client.status == ClientStatus.DISCHARGED:
        when = t.record_day(client.discharged_at, zone) if client.discharged_at else ""
        lines.append(t.card_discharged(when, privacy.record_text(client.discharge_reason)))
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
        # Strict mode counts the goals: their words are read in the Mini App.
        shown = [] if privacy.strict() else facts.open_goals[:GOALS_SHOWN]
        lines += [t.card_goal(goal.description) for goal in shown]
        if len(facts.open_goals) > len(shown):
            lines.append(t.card_more_goals(len(facts.open_goals) - len(shown)))
        if not facts.open_goals:
            lines.append(t.card_no_open_goals())
    else:
        lines.append(t.CARD_NO_PLAN)
    lines.append(t.card_open_referrals(facts.open_referrals))
    lines.append("")
    if facts.recent_notes:
        lines.append(f"<b>{t.CARD_RECENT_NOTES}</b>")
        for note in facts.recent_notes:
            lines.append(note_line(note, zone))
            # A supervisor's comments and co-signs, under the note they are about.
            lines += card_comment_lines(facts.comments.get(note.id, []), zone)
    else:
        lines.append(t.CARD_NO_NOTES)
    view = View("\n".join(lines), card_keyboard(facts, actor, now, zone, webapp_url))
    # A safety plan: a line under the title. An open risk: a line under the title (above
    # the safety plan's), ⚠ Risk → Lower above the last row.
    return with_risk(with_safety_plan(view, facts.safety_plan, today), client, zone)


def note_line(note: Note, zone: ZoneInfo) -> str:
    """One note in a list (the card's recent notes, a person's page): its day, kind and
    first line (of the DAP's data when it has no text), cut to NOTE_LINE_MAX; in strict
    mode its number, kind, time and length (ui/privacy.py)."""
    if privacy.strict():
        return "  " + privacy.note_summary(note, zone) + (" ⚠" if note.risk_flag else "")
    first = next((line for line in (note.text or "").splitlines() if line.strip()), "")
    if not first and note.dap_data:
        first = note.dap_data.splitlines()[0] if note.dap_data.strip() else ""
    if len(first) > NOTE_LINE_MAX:
        first = first[: NOTE_LINE_MAX - 1] + "…"
    return texts.card_note(
        texts.record_day(note.occurred_at, zone),
        note.interaction_type,
        first,
        note.risk_flag,
        amended=bool(note.amendments),
    )


def upcoming_rows(
    facts: CardFacts, now: datetime, zone: ZoneInfo
) -> list[list[InlineKeyboardButton]]:
    """The next appointments, each opening its card below this one, and when there are
    more, the way to all of them (bot/agenda.py lists them, ◀ ▶ paged)."""
    shown = facts.upcoming[:CARD_UPCOMING]
    rows = [[upcoming_button(appointment, zone, now, mark="📅 ")] for appointment in shown]
    if len(facts.upcoming) > CARD_UPCOMING:
        rows.append(
            [
                InlineKeyboardButton(
                    texts.ALL_UPCOMING, callback_data=pack("ag", "up", f"{facts.client.id}:0")
                )
            ]
        )
    return rows


def webapp_button(webapp_url: str, client_id: int) -> InlineKeyboardButton:
    """🗂 Open: the client's record in the Mini App (bot/webapp/), opened inside Telegram,
    which adds the signed init data to the page's address. The id goes in the query: the
    fragment is Telegram's."""
    return InlineKeyboardButton(
        texts.CARD_OPEN, web_app=WebAppInfo(url=f"{webapp_url}/?client={client_id}")
    )


def card_keyboard(
    facts: CardFacts,
    actor: Actor,
    now: datetime,
    zone: ZoneInfo,
    webapp_url: str | None = None,
) -> InlineKeyboardMarkup:
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
        rows += upcoming_rows(facts, now, zone)
    if roles.may_comment(actor.role):
        # Each recent note's page: 💬 Comment and ✍️ Co-sign (ui/note_views.py).
        rows += card_note_buttons(facts.recent_notes, zone)
    # With the Mini App (CASELINE_WEBAPP_URL), 🗂 Open leads the record's buttons.
    record = [webapp_button(webapp_url, client_id)] if webapp_url else []
    record += [
        button(t.CARD_PEOPLE, "people"),
        button(t.CARD_SAFETY, "safety"),
        button(t.CARD_HISTORY, "history"),
    ]
    # ✏️ Edit: conversations/details.py; 🛟 Safety plan: conversations/safety_plan.py;
    # 🏠 Home location: conversations/evv.py
    rows += rows_that_fit(
        [
            *record,
            button(t.CARD_EXPORT, "export"),
            button(t.CARD_EDIT, "edit"),
            button(t.CARD_HOME, "home"),
        ]
    )
    # On the last row, where it has room (a worker's card has Discharge only there).
    last = [button(t.CARD_LANGUAGE, "lang")]
    if roles.may_transfer(actor.role) and not closed:
        last.append(button(t.CARD_TRANSFER, "transfer"))
    if roles.may_discharge(actor.role):
        last.append(
            button(t.CARD_REOPEN, "reopen") if closed else button(t.CARD_DISCHARGE, "discharge")
        )
    rows.append(last)
    rows.append([InlineKeyboardButton(texts.BACK_TO_CASELOAD, callback_data=pack("cl", "p", 0))])
    return fitted(rows)
