"""Texts of the client record: the card, /history, export, transfer, discharge.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from storage.history import Event, EventKind
from storage.models import GoalStatus, ReferralStatus
from ui.texts.common import KIND_NAMES, PROGRAM_NAMES, STATUS_NAMES, every_days

# ── The client record ─────────────────────────────────────────────────────

HISTORY_COMMAND = ("history", "A client's history: /history C-0042 or a name")


def record_day(day: date | datetime, zone: ZoneInfo | None = None) -> str:
    """`Tue 3 Mar 2026` (a datetime in `zone`)."""
    if isinstance(day, datetime):
        day = day.astimezone(zone).date() if zone else day.date()
    return f"{day:%a} {day.day} {day:%b %Y}"


def record_moment(moment: datetime, zone: ZoneInfo) -> str:
    """`Tue 3 Mar 2026 14:00` in `zone`."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def _count(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


# The full client card
CARD_WORKER = "Worker"
CARD_YOU = "you"
CARD_NO_WORKER = "no worker assigned"
CARD_CONTACT = "Contact"
CARD_LAST_CONTACT = "Last contact"
CARD_NEVER_CONTACTED = "Last contact: none yet — a first visit is due"
CARD_NEXT_APPOINTMENT = "Next appointment"
CARD_NO_APPOINTMENT = "Next appointment: none scheduled"
CARD_NEXT_VISIT_DUE = "Next visit due"
CARD_OVERDUE = "⚠ overdue"
CARD_NO_PLAN = "No active plan."
CARD_NO_NOTES = "No notes yet."
CARD_RECENT_NOTES = "Recent notes"
CARD_MUTED_ON_HOLD = "On hold: no reminders for this client until the case is active again."
CARD_MUTED_CLOSED = "No reminders for this client while the case is closed."

CARD_NOTE = "📝 Note"
CARD_VISIT = "✅ Visit"
CARD_APPOINTMENT = "📅 Appointment"
CARD_PLAN = "📋 Plan"
CARD_REFER = "🤝 Refer"
CARD_REVIEW = "🔎 Review"
CARD_INTAKE = "🧾 Continue intake"
CARD_HISTORY = "🕘 History"
CARD_EXPORT = "📤 Export"
CARD_TRANSFER = "🔁 Transfer"
CARD_DISCHARGE = "🚪 Discharge"
CARD_REOPEN = "↩ Reopen"
CARD_BACK = "👤 Client"
CARD_LANGUAGE = "🗣 Language"
CARD_CLIENT_GONE = "That client isn't available to you."


def card_title(code: str, name: str) -> str:
    return f"<b>{code} · {escape(name)}</b>"


def card_program_status(program: str, status: str) -> str:
    return f"{PROGRAM_NAMES.get(program, program)} · {STATUS_NAMES.get(status, status)}"


def card_worker(name: str | None, is_actor: bool) -> str:
    if name is None:
        return f"{CARD_WORKER}: {CARD_NO_WORKER}"
    return f"{CARD_WORKER}: {escape(name)}" + (f" ({CARD_YOU})" if is_actor else "")


def card_contact(days: int) -> str:
    return f"{CARD_CONTACT}: {every_days(days)}"


def card_last_contact(ago: str, day: str) -> str:
    return f"{CARD_LAST_CONTACT}: {ago} ({day})"


def card_next_appointment(when: str, kind: str) -> str:
    return f"{CARD_NEXT_APPOINTMENT}: {when} · {KIND_NAMES.get(kind, kind)}"


def card_visit_due(day: str, overdue: bool) -> str:
    return f"{CARD_NEXT_VISIT_DUE}: {day}" + (f" {CARD_OVERDUE}" if overdue else "")


def card_discharged(day: str, reason: str | None) -> str:
    why = f" · {escape(reason)}" if reason else ""
    return f"🚪 <b>Discharged {day}</b>{why}"


def card_plan(version: int, next_review: str | None, overdue: bool) -> str:
    review = f" · next review {next_review}" if next_review else ""
    late = f" {CARD_OVERDUE}" if overdue else ""
    return f"📋 <b>Plan v{version}</b>{review}{late}"


def card_goal(description: str) -> str:
    return f"  • {escape(description)}"


def card_more_goals(count: int) -> str:
    return f"  … and {_count(count, 'more goal')}"


def card_no_open_goals() -> str:
    return "  No open goals."


def card_open_referrals(count: int) -> str:
    return f"🤝 Open referrals: {count}"


def card_note(day: str, kind: str, first_line: str, risk: bool, amended: bool = False) -> str:
    flag = (" ⚠" if risk else "") + (" · ✏️ amended" if amended else "")
    return f"  {day} · {KIND_NAMES.get(kind, kind)}{flag}: {escape(first_line)}"


# /history
HISTORY_CODE_NEEDED = (
    "Which client? Send a code or a name, for example <code>/history C-0042</code> "
    "or <code>/history Maria</code>."
)
HISTORY_EMPTY = "Nothing is recorded for this client yet."
HISTORY_SHORTENED = "… (shortened here; 📤 Export has the full text)"


def history_title(code: str, name: str, page: int, pages: int) -> str:
    suffix = f" · page {page + 1} of {pages}" if pages > 1 else ""
    return f"<b>{code} · {escape(name)} · history</b>{suffix}\n<i>Newest first.</i>"


def history_more_amendments(count: int) -> str:
    """Plain."""
    return f"… and {_count(count, 'more amendment')}"


# Timeline events (plain text)
RECORD_EVENT_KINDS = {
    EventKind.CREATED: "Client added",
    EventKind.NOTE: "Note",
    EventKind.VISIT: "Visit",
    EventKind.PLAN: "Plan",
    EventKind.REVIEW: "Plan review",
    EventKind.REFERRAL: "Referral",
    EventKind.REFERRAL_UPDATE: "Referral update",
    EventKind.CONSENT: "Consent",
    EventKind.TRANSFERRED: "Transfer",
    EventKind.DISCHARGED: "Discharge",
    EventKind.REOPENED: "Reopened",
}
RECORD_EVENT_MARKS = {
    EventKind.CREATED: "🆕",
    EventKind.NOTE: "📝",
    EventKind.VISIT: "🏠",
    EventKind.PLAN: "📋",
    EventKind.REVIEW: "🔎",
    EventKind.REFERRAL: "🤝",
    EventKind.REFERRAL_UPDATE: "🤝",
    EventKind.CONSENT: "🔏",
    EventKind.TRANSFERRED: "🔁",
    EventKind.DISCHARGED: "🚪",
    EventKind.REOPENED: "↩",
}
RECORD_GOAL_STATUS = {
    GoalStatus.NOT_STARTED: "not started",
    GoalStatus.IN_PROGRESS: "in progress",
    GoalStatus.ACHIEVED: "achieved",
    GoalStatus.DISCONTINUED: "discontinued",
}
# Keyed by the enum's members but typed by str: a record holds its status or kind as the
# plain string, which finds the member's entry (a StrEnum member is that string).
RECORD_REFERRAL_STATUS: dict[str, str] = {
    ReferralStatus.SENT: "sent",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "declined",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.WITHDRAWN: "withdrawn",
}
RECORD_VISIT_STATUS = {
    "scheduled": "scheduled, not logged",
    "completed": "completed",
    "no_show": "no-show",
    "cancelled": "cancelled",
}
RECORD_CONTACT_RELATIONS = {
    "family": "Family",
    "caregiver": "Caregiver",
    "provider": "Provider",
}


def record_event_title(event: Event) -> str:
    """One line naming what happened (plain, no date)."""
    kind = event.kind
    extra = event.extra
    if kind == EventKind.CREATED:
        return "Client added" + (" (import)" if extra.get("via") == "cli" else "")
    if kind == EventKind.NOTE:
        risk = " · ⚠ Risk" if extra.get("risk") else ""
        return f"Note N-{event.ref} · {KIND_NAMES.get(event.label or '', event.label)}{risk}"
    if kind == EventKind.VISIT:
        return (
            f"{KIND_NAMES.get(event.label or '', event.label)}, {extra.get('duration')} min"
            f" · {RECORD_VISIT_STATUS.get(event.status or '', event.status)}"
        )
    if kind == EventKind.PLAN:
        goals = len(extra.get("goals") or [])
        return (
            f"Plan v{extra.get('version')} · {_count(goals, 'goal')}"
            f" · review {every_days(extra.get('review_interval_days') or 90)}"
        )
    if kind == EventKind.REVIEW:
        return f"Plan v{extra.get('version')} reviewed"
    if kind == EventKind.REFERRAL:
        now = extra.get("now")
        current = (
            f" (now {RECORD_REFERRAL_STATUS.get(now, now)})"
            if now and now != ReferralStatus.SENT
            else ""
        )
        return f"Referral to {event.label} · sent{current}"
    if kind == EventKind.REFERRAL_UPDATE:
        return f"Referral to {event.label} · {RECORD_REFERRAL_STATUS.get(event.status or '', '')}"
    if kind == EventKind.CONSENT:
        return "Consent given" if event.status == "given" else "Consent refused"
    if kind == EventKind.TRANSFERRED:
        return (
            f"Transferred from {extra.get('from_worker') or 'nobody'}"
            f" to {extra.get('to_worker') or '?'}"
        )
    if kind == EventKind.DISCHARGED:
        cancelled = extra.get("appointments_cancelled") or 0
        suffix = f" · {_count(cancelled, 'appointment')} cancelled" if cancelled else ""
        return f"Discharged{suffix}"
    if kind == EventKind.REOPENED:
        return "Case reopened"
    return RECORD_EVENT_KINDS.get(kind, str(kind))


def record_event_body(event: Event) -> str:
    """What was written (plain, may be long; amendments are separate)."""
    extra = event.extra
    parts: list[str] = []
    if event.kind == EventKind.NOTE:
        if extra.get("attendees"):
            parts.append(f"Present: {extra['attendees']}")
        if event.text:
            parts.append(event.text)
        dap = extra.get("dap")
        if dap:
            data, assessment, plan = dap
            parts += [f"Data: {data}", f"Assessment: {assessment}", f"Plan: {plan}"]
        if extra.get("risk_reason"):
            parts.append(f"Risk: {extra['risk_reason']}")
        if extra.get("attachments"):
            parts.append(f"({_count(extra['attachments'], 'attachment')})")
    elif event.kind == EventKind.VISIT:
        if extra.get("place"):
            parts.append(f"Place: {extra['place']}")
        if event.text:
            parts.append(event.text)
    elif event.kind == EventKind.PLAN:
        if event.text:
            parts.append(f"Interventions: {event.text}")
        for description, status in extra.get("goals") or []:
            parts.append(f"• {description} ({RECORD_GOAL_STATUS.get(status, status)})")
        if extra.get("next_review_on"):
            parts.append(f"Next review: {record_day(extra['next_review_on'])}")
    elif event.kind == EventKind.REVIEW:
        for description, status, effectiveness, comment in extra.get("items") or []:
            line = f"• {description}: {RECORD_GOAL_STATUS.get(status, status)}"
            if effectiveness:
                line += f", effectiveness {effectiveness}/5"
            if comment:
                line += f" — {comment}"
            parts.append(line)
        if event.text:
            parts.append(event.text)
    elif event.kind == EventKind.REFERRAL:
        if event.text:
            parts.append(event.text)
        if extra.get("follow_up_on"):
            parts.append(f"Follow-up: {record_day(extra['follow_up_on'])}")
    elif event.kind == EventKind.CONSENT:
        parts.append(event.text)
        if extra.get("expires_on"):
            parts.append(f"Expires: {record_day(extra['expires_on'])}")
    elif event.text:
        parts.append(event.text)
    return "\n".join(part for part in parts if part)


def record_amendment(author: str | None, when: str) -> str:
    """Plain."""
    return f"— Amendment by {author or '?'}, {when}:"


# Export
EXPORT_PDF = "📄 PDF"
EXPORT_CSV = "📊 CSV"
EXPORT_SENT_TOAST = "Sent. Keep the file private."


def export_ask(code: str, name: str) -> str:
    return (
        f"<b>Export {code} · {escape(name)}</b>\n"
        "A PDF case file, or a CSV of the timeline? It is sent here, to you only."
    )


def export_caption(code: str, fmt: str, when: str) -> str:
    return f"🔒 {code} · case record ({fmt.upper()}) · exported {when}. Confidential."


PDF_CONFIDENTIAL = "Confidential — health and social care record"
PDF_IDENTITY = "Identity"
PDF_CONTACTS = "People around the client"
PDF_CONSENT = "Consent and release of information"
PDF_PLAN = "Active plan and goals"
PDF_REFERRALS = "Referrals"
PDF_TIMELINE = "Timeline of notes and visits"
PDF_NONE = "None recorded."
PDF_NO_PLAN = "No active plan."
PDF_CLI = "caseline CLI"


def pdf_exported(by: str, when: str) -> str:
    """Plain."""
    return f"Exported by {by}, {when}"


def pdf_page(number: int, total: str) -> str:
    """Plain; `total` is fpdf2's page-count placeholder."""
    return f"Page {number} of {total}"


PDF_INTERPRETER = {True: "needed", False: "not needed"}


def pdf_identity_rows(identity, zone: ZoneInfo) -> list[tuple[str, str]]:
    """(label, value) pairs, plain; empty values left out."""
    rows = [
        ("Code", identity.code),
        ("Name", identity.name),
        ("Program", PROGRAM_NAMES.get(identity.program, identity.program)),
        ("Status", STATUS_NAMES.get(identity.status, identity.status)),
        ("Worker", identity.worker or CARD_NO_WORKER),
        ("Date of birth", record_day(identity.date_of_birth) if identity.date_of_birth else ""),
        ("Phone", identity.phone or ""),
        ("Address", identity.address or ""),
        ("Emergency contact", identity.emergency_contact or ""),
        ("Living situation", identity.living_situation or ""),
        ("Language", identity.language or ""),
        ("Interpreter", PDF_INTERPRETER.get(identity.interpreter, "")),
        ("Contact", every_days(identity.contact_frequency_days)),
        (
            "Last contact",
            record_moment(identity.last_contact_at, zone) if identity.last_contact_at else "none",
        ),
        ("Client since", record_day(identity.created_at, zone)),
    ]
    if identity.discharged_at:
        rows.append(("Discharged", record_day(identity.discharged_at, zone)))
        rows.append(("Discharge reason", identity.discharge_reason or ""))
    return [(label, value) for label, value in rows if value]


def pdf_contact(relation: str, name: str, phone: str | None, notes: str | None) -> str:
    line = f"{RECORD_CONTACT_RELATIONS.get(relation, relation)}: {name}"
    if phone:
        line += f", {phone}"
    if notes:
        line += f" — {notes}"
    return line


def pdf_consent(consent, zone: ZoneInfo) -> str:
    verdict = "Given" if consent.given else "Refused"
    line = f"{verdict} {record_day(consent.recorded_at, zone)}"
    if consent.recorded_by:
        line += f" (recorded by {consent.recorded_by})"
    if consent.expires_on:
        line += f", expires {record_day(consent.expires_on)}"
    return f"{line}: {consent.scope}"


def pdf_plan_header(plan, zone: ZoneInfo) -> str:
    review = f", next review {record_day(plan.next_review_on)}" if plan.next_review_on else ""
    return (
        f"Plan v{plan.version}, since {record_day(plan.created_at, zone)}"
        f", reviewed {every_days(plan.review_interval_days)}{review}"
    )


def pdf_goal(number: int, goal) -> str:
    line = f"{number}. {goal.description} ({RECORD_GOAL_STATUS.get(goal.status, goal.status)})"
    details = []
    if goal.measure:
        details.append(f"measured by: {goal.measure}")
    if goal.target_date:
        details.append(f"target: {record_day(goal.target_date)}")
    if goal.routine:
        details.append(f"routine: {goal.routine}")
    return line + ("\n   " + "; ".join(details) if details else "")


def pdf_referral(referral, zone: ZoneInfo) -> str:
    status = RECORD_REFERRAL_STATUS.get(referral.status, referral.status)
    line = (
        f"{referral.resource} ({referral.category}) · {status}"
        f" · sent {record_day(referral.created_at, zone)}"
    )
    if referral.worker:
        line += f" by {referral.worker}"
    details = [f"Reason: {referral.reason}"]
    if referral.follow_up_on:
        details.append(f"Follow-up: {record_day(referral.follow_up_on)}")
    if referral.decline_reason:
        details.append(f"Declined: {referral.decline_reason}")
    if referral.outcome:
        details.append(f"Outcome: {referral.outcome}")
    if not referral.consent_recorded:
        details.append("No consent on record for this referral")
    return line + "\n" + "\n".join(details)


CSV_HEADER = ("date", "type", "author", "summary", "text")
CSV_AMENDMENT = "Note amendment"


def csv_amendment_summary(note_id: int | None) -> str:
    return f"Amendment to N-{note_id}"


# Transfer
TRANSFER_ONLY_LEADS = "Only supervisors can transfer clients."
TRANSFER_NOBODY = "There is nobody else in the team to transfer this client to."
TRANSFER_NOT_ALLOWED = "You can only transfer clients to active workers of your own team."


def transfer_ask(code: str, name: str, current: str | None) -> str:
    now = f" (now with {escape(current)})" if current else ""
    return f"<b>Transfer {code} · {escape(name)}</b>{now}\nTo whom?"


def transferred_toast(code: str, worker: str) -> str:
    return f"{code} transferred to {worker}."[:200]


# Discharge and reopen
DISCHARGE_REASONS = {
    "goals": "Goals met",
    "moved": "Moved away",
    "declined": "Declined further services",
    "referred": "Transferred to another service",
    "care": "Moved to residential or hospital care",
    "deceased": "Deceased",
}
DISCHARGE_OTHER = "✏️ Other…"
DISCHARGE_ALREADY = "This case is already closed."
DISCHARGE_REASON_TOO_LONG = "Please keep the reason under 500 characters."
DISCHARGE_REASON_EMPTY = "Please type the reason as text (or /cancel)."
REOPEN_NOT_DISCHARGED = "This case is open already."


def discharge_ask(code: str, name: str, appointments: int) -> str:
    cancelled = (
        f"\nIts {_count(appointments, 'scheduled appointment')} will be cancelled."
        if appointments
        else ""
    )
    return (
        f"<b>Discharge {code} · {escape(name)}?</b>{cancelled}\n"
        "The client gets no reminders until the case is reopened. Why is it closed?"
    )


def discharge_ask_reason(code: str) -> str:
    return f"Type the reason for discharging {code}. (/cancel to stop)"


def discharged_toast(code: str, appointments: int) -> str:
    cancelled = f" {_count(appointments, 'appointment')} cancelled." if appointments else ""
    return f"{code} discharged.{cancelled}"


def reopened_toast(code: str) -> str:
    return f"{code} reopened."


# The client's language, edited from the card (conversations/language.py)
LANGUAGE_OTHER = "✏️ Type it…"
INTERPRETER_YES = "🗣 Interpreter"
INTERPRETER_NO = "No interpreter"
LANGUAGE_FORGET = "🗑 Not known"
LANGUAGE_EMPTY_TEXT = "Please type the language as text, e.g. Farsi (or /cancel)."
LANGUAGE_SAVED_TOAST = "Language saved."


def language_ask(code: str, name: str, current: str | None, interpreter: bool | None) -> str:
    """`current` is the card's language line (escaped), None when nothing is known."""
    lines = [f"<b>Language · {code} · {escape(name)}</b>"]
    if current:
        lines.append(current)
    elif interpreter is False:
        lines.append("🗣 no interpreter needed")
    lines.append("Which language does the client prefer, and is an interpreter needed?")
    return "\n".join(lines)


def language_ask_typed(code: str, max_length: int) -> str:
    return f"Type the language of {code} (up to {max_length} characters). (/cancel to stop)"
