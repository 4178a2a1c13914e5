"""Texts of the client record: the card, /history, export, transfer, discharge.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from storage.history import Event, EventKind
from storage.kinds import GoalStatus, ReferralStatus
from ui.i18n import N_, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.approvals import approval_event_title
from ui.texts.common import KIND_NAMES, PROGRAM_NAMES, STATUS_NAMES, every_days, language_name
from ui.texts.details import DETAIL_NAMES, changed_title
from ui.texts.naming import nameless
from ui.texts.people import person_button, person_event_title
from ui.texts.safety_plans import safety_event_body, safety_event_title
from ui.timefmt import day_with_year

# ── The client record ─────────────────────────────────────────────────────

HISTORY_COMMAND = ("history", N_("A client's history: /history C-0042 or a name"))


def record_day(day: date | datetime, zone: ZoneInfo | None = None) -> str:
    """`Tue 3 Mar 2026` (a datetime in `zone`)."""
    if isinstance(day, datetime):
        day = day.astimezone(zone).date() if zone else day.date()
    return day_with_year(day)


def record_moment(moment: datetime, zone: ZoneInfo) -> str:
    """`Tue 3 Mar 2026 14:00` in `zone`."""
    local = moment.astimezone(zone)
    return f"{day_with_year(local.date())} {local:%H:%M}"


# The full client card
CARD_WORKER = N_("Worker")
CARD_YOU = N_("you")
CARD_NO_WORKER = N_("no worker assigned")
CARD_CONTACT = N_("Contact")
CARD_LAST_CONTACT = N_("Last contact")
CARD_NEVER_CONTACTED = N_("Last contact: none yet — a first visit is due")
CARD_NEXT_APPOINTMENT = N_("Next appointment")
CARD_NO_APPOINTMENT = N_("Next appointment: none scheduled")
CARD_NEXT_VISIT_DUE = N_("Next visit due")
CARD_OVERDUE = N_("⚠ overdue")
CARD_NO_PLAN = N_("No active plan.")
CARD_NO_NOTES = N_("No notes yet.")
CARD_RECENT_NOTES = N_("Recent notes")
CARD_MUTED_ON_HOLD = N_("On hold: no reminders for this client until the case is active again.")
CARD_MUTED_CLOSED = N_("No reminders for this client while the case is closed.")

CARD_NOTE = N_("📝 Note")
CARD_VISIT = N_("✅ Visit")
CARD_APPOINTMENT = N_("📅 Appointment")
CARD_PLAN = N_("📋 Plan")
CARD_REFER = N_("🤝 Refer")
CARD_REVIEW = N_("🔎 Review")
CARD_INTAKE = N_("🧾 Continue intake")
CARD_HISTORY = N_("🕘 History")
# The client card's button that opens the record in the Mini App (bot/webapp/).
CARD_OPEN = N_("🗂 Open")
CARD_EXPORT = N_("📤 Export")
CARD_TRANSFER = N_("🔁 Transfer")
CARD_DISCHARGE = N_("🚪 Discharge")
CARD_REOPEN = N_("↩ Reopen")
CARD_BACK = N_("👤 Client")
CARD_LANGUAGE = N_("🗣 Language")
CARD_CLIENT_GONE = N_("That client isn't available to you.")


@nameless
def card_title(code: str, name: str) -> str:
    return f"<b>{code} · {escape(name)}</b>"


def card_program_status(program: str, status: str) -> str:
    return f"{tr(PROGRAM_NAMES).get(program, program)} · {tr(STATUS_NAMES).get(status, status)}"


def card_worker(name: str | None, is_actor: bool) -> str:
    if name is None:
        return f"{tr(CARD_WORKER)}: {tr(CARD_NO_WORKER)}"
    return f"{tr(CARD_WORKER)}: {escape(name)}" + (f" ({tr(CARD_YOU)})" if is_actor else "")


def card_contact(days: int) -> str:
    return f"{tr(CARD_CONTACT)}: {every_days(days)}"


def card_last_contact(ago: str, day: str) -> str:
    return f"{tr(CARD_LAST_CONTACT)}: {ago} ({day})"


def card_next_appointment(when: str, kind: str) -> str:
    return f"{tr(CARD_NEXT_APPOINTMENT)}: {when} · {tr(KIND_NAMES).get(kind, kind)}"


def card_visit_due(day: str, overdue: bool) -> str:
    return f"{tr(CARD_NEXT_VISIT_DUE)}: {day}" + (f" {tr(CARD_OVERDUE)}" if overdue else "")


def card_discharged(day: str, reason: str | None) -> str:
    why = f" · {escape(reason)}" if reason else ""
    return t("🚪 <b>Discharged {day}</b>{why}", day=day, why=why)


def card_plan(version: int, next_review: str | None, overdue: bool) -> str:
    review = t(" · next review {next_review}", next_review=next_review) if next_review else ""
    late = f" {tr(CARD_OVERDUE)}" if overdue else ""
    return t("📋 <b>Plan v{version}</b>{review}{late}", version=version, review=review, late=late)


def card_goal(description: str) -> str:
    return f"  • {escape(description)}"


def card_more_goals(count: int) -> str:
    return tn("  … and {count} more goal", "  … and {count} more goals", count)


def card_no_open_goals() -> str:
    return _("  No open goals.")


def card_open_referrals(count: int) -> str:
    return t("🤝 Open referrals: {count}", count=count)


def card_note(day: str, kind: str, first_line: str, risk: bool, amended: bool = False) -> str:
    flag = (" ⚠" if risk else "") + (_(" · ✏️ amended") if amended else "")
    return f"  {day} · {tr(KIND_NAMES).get(kind, kind)}{flag}: {escape(first_line)}"


# /history
HISTORY_CODE_NEEDED = N_(
    "Which client? Send a code or a name, for example <code>/history C-0042</code> "
    "or <code>/history Maria</code>."
)
HISTORY_EMPTY = N_("Nothing is recorded for this client yet.")
HISTORY_SHORTENED = N_("… (shortened here; 📤 Export has the full text)")


@nameless
def history_title(code: str, name: str, page: int, pages: int) -> str:
    suffix = t(" · page {page} of {pages}", page=page + 1, pages=pages) if pages > 1 else ""
    return t(
        "<b>{code} · {name} · history</b>{suffix}\n<i>Newest first.</i>",
        code=code,
        name=escape(name),
        suffix=suffix,
    )


def history_more_amendments(count: int) -> str:
    """Plain."""
    return tn("… and {count} more amendment", "… and {count} more amendments", count)


# Timeline events (plain text)
RECORD_EVENT_KINDS = {
    EventKind.CREATED: N_("Client added"),
    EventKind.NOTE: N_("Note"),
    EventKind.VISIT: N_("Visit"),
    EventKind.PLAN: N_("Plan"),
    EventKind.REVIEW: N_("Plan review"),
    EventKind.REFERRAL: N_("Referral"),
    EventKind.REFERRAL_UPDATE: N_("Referral update"),
    EventKind.CONSENT: N_("Consent"),
    EventKind.TRANSFERRED: N_("Transfer"),
    EventKind.DISCHARGED: N_("Discharge"),
    EventKind.REOPENED: N_("Reopened"),
    EventKind.CHANGED: N_("Detail changed"),
    EventKind.PERSON_ADDED: N_("Person added"),
    EventKind.PERSON_ENDED: N_("Relation ended"),
    EventKind.APPROVAL: N_("Approval"),
    EventKind.SAFETY_PLAN: N_("Safety plan"),
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
    EventKind.CHANGED: "✏️",
    EventKind.PERSON_ADDED: "👥",
    EventKind.PERSON_ENDED: "👥",
    EventKind.APPROVAL: "⏳",
    EventKind.SAFETY_PLAN: "🛟",
}
RECORD_GOAL_STATUS = {
    GoalStatus.NOT_STARTED: N_("not started"),
    GoalStatus.IN_PROGRESS: N_("in progress"),
    GoalStatus.ACHIEVED: N_("achieved"),
    GoalStatus.DISCONTINUED: N_("discontinued"),
}
# Keyed by the enum's members but typed by str: a record holds its status or kind as the
# plain string, which finds the member's entry (a StrEnum member is that string).
RECORD_REFERRAL_STATUS: dict[str, str] = {
    ReferralStatus.SENT: N_("sent"),
    ReferralStatus.ACCEPTED: N_("accepted"),
    ReferralStatus.DECLINED: N_("declined"),
    ReferralStatus.COMPLETED: N_("completed"),
    ReferralStatus.WITHDRAWN: N_("withdrawn"),
}
RECORD_VISIT_STATUS = {
    "scheduled": N_("scheduled, not logged"),
    "completed": N_("completed"),
    "no_show": N_("no-show"),
    "cancelled": N_("cancelled"),
}


def record_event_title(event: Event) -> str:
    """One line naming what happened (plain, no date)."""
    kind = event.kind
    extra = event.extra
    if kind == EventKind.CREATED:
        return _("Client added") + (_(" (import)") if extra.get("via") == "cli" else "")
    if kind == EventKind.NOTE:
        risk = _(" · ⚠ Risk") if extra.get("risk") else ""
        named = tr(KIND_NAMES).get(event.label or "", event.label or "")
        if extra.get("with"):
            named += t(" · with {person}", person=person_button(*extra["with"]))
        return t("Note N-{ref} · {kind}{risk}", ref=event.ref, kind=named, risk=risk)
    if kind == EventKind.VISIT:
        return t(
            "{kind}, {minutes} min · {status}",
            kind=tr(KIND_NAMES).get(event.label or "", event.label),
            minutes=extra.get("duration"),
            status=tr(RECORD_VISIT_STATUS).get(event.status or "", event.status),
        )
    if kind == EventKind.PLAN:
        goals = len(extra.get("goals") or [])
        return t(
            "Plan v{version} · {count} · review {every_days}",
            version=extra.get("version"),
            count=tn("{count} goal", "{count} goals", goals),
            every_days=every_days(extra.get("review_interval_days") or 90),
        )
    if kind == EventKind.REVIEW:
        return t("Plan v{version} reviewed", version=extra.get("version"))
    if kind == EventKind.REFERRAL:
        now = extra.get("now")
        current = (
            t(" (now {status})", status=tr(RECORD_REFERRAL_STATUS).get(now, now))
            if now and now != ReferralStatus.SENT
            else ""
        )
        return t("Referral to {label} · sent{current}", label=event.label, current=current)
    if kind == EventKind.REFERRAL_UPDATE:
        return t(
            "Referral to {label} · {status}",
            label=event.label,
            status=tr(RECORD_REFERRAL_STATUS).get(event.status or "", ""),
        )
    if kind == EventKind.CONSENT:
        return _("Consent given") if event.status == "given" else _("Consent refused")
    if kind == EventKind.TRANSFERRED:
        return t(
            "Transferred from {from_worker} to {to_worker}",
            from_worker=extra.get("from_worker") or _("nobody"),
            to_worker=extra.get("to_worker") or "?",
        )
    if kind == EventKind.DISCHARGED:
        cancelled = extra.get("appointments_cancelled") or 0
        suffix = (
            tn(" · {count} appointment cancelled", " · {count} appointments cancelled", cancelled)
            if cancelled
            else ""
        )
        return t("Discharged{suffix}", suffix=suffix)
    if kind == EventKind.REOPENED:
        return _("Case reopened")
    if kind == EventKind.CHANGED:
        return changed_title(
            event.label or "",
            extra.get("before"),
            extra.get("after"),
            extra.get("until"),
            event.author,
        )
    if kind in (EventKind.PERSON_ADDED, EventKind.PERSON_ENDED):
        added = kind == EventKind.PERSON_ADDED
        return person_event_title(added, event.label or "", event.status or "")
    if kind == EventKind.APPROVAL:
        return approval_event_title(event.label or "", event.status or "")
    if kind == EventKind.SAFETY_PLAN:
        return safety_event_title(extra.get("version"), event.status, event.author)
    return tr(RECORD_EVENT_KINDS).get(kind, str(kind))


def record_event_body(event: Event) -> str:
    """What was written (plain, may be long; amendments are separate)."""
    extra = event.extra
    parts: list[str] = []
    if event.kind == EventKind.NOTE:
        if extra.get("present"):
            names = [
                person_button(name, relation) if relation else name
                for name, relation in extra["present"]
            ]
            parts.append(t("Present: {attendees}", attendees=", ".join(names)))
        elif extra.get("attendees"):
            parts.append(t("Present: {attendees}", attendees=extra["attendees"]))
        if event.text:
            parts.append(event.text)
        dap = extra.get("dap")
        if dap:
            data, assessment, plan = dap
            parts += [
                t("Data: {data}", data=data),
                t("Assessment: {assessment}", assessment=assessment),
                t("Plan: {plan}", plan=plan),
            ]
        if extra.get("risk_reason"):
            parts.append(t("Risk: {reason}", reason=extra["risk_reason"]))
        if extra.get("goals"):
            parts.append(t("Goals worked on: {goals}", goals="; ".join(extra["goals"])))
        if extra.get("attachments"):
            parts.append(tn("({count} attachment)", "({count} attachments)", extra["attachments"]))
    elif event.kind == EventKind.VISIT:
        if extra.get("place"):
            parts.append(t("Place: {place}", place=extra["place"]))
        if event.text:
            parts.append(event.text)
    elif event.kind == EventKind.PLAN:
        if event.text:
            parts.append(t("Interventions: {text}", text=event.text))
        for description, status in extra.get("goals") or []:
            parts.append(f"• {description} ({tr(RECORD_GOAL_STATUS).get(status, status)})")
        if extra.get("next_review_on"):
            parts.append(
                t("Next review: {record_day}", record_day=record_day(extra["next_review_on"]))
            )
    elif event.kind == EventKind.REVIEW:
        for description, status, effectiveness, comment in extra.get("items") or []:
            line = f"• {description}: {tr(RECORD_GOAL_STATUS).get(status, status)}"
            if effectiveness:
                line += t(", effectiveness {effectiveness}/5", effectiveness=effectiveness)
            if comment:
                line += f" — {comment}"
            parts.append(line)
        if event.text:
            parts.append(event.text)
    elif event.kind == EventKind.REFERRAL:
        if event.text:
            parts.append(event.text)
        if extra.get("follow_up_on"):
            parts.append(t("Follow-up: {record_day}", record_day=record_day(extra["follow_up_on"])))
    elif event.kind == EventKind.CHANGED:
        if extra.get("reason"):
            parts.append(t("Reason: {reason}", reason=extra["reason"]))
    elif event.kind == EventKind.SAFETY_PLAN:
        due = extra.get("next_review_on")
        parts.append(
            safety_event_body(extra.get("changed") or [], record_day(due) if due else None)
        )
    elif event.kind == EventKind.CONSENT:
        parts.append(event.text)
        if extra.get("expires_on"):
            parts.append(t("Expires: {record_day}", record_day=record_day(extra["expires_on"])))
    elif event.text:
        parts.append(event.text)
    return "\n".join(part for part in parts if part)


def record_amendment(author: str | None, when: str) -> str:
    """Plain."""
    return t("— Amendment by {author}, {when}:", author=author or "?", when=when)


# Export
EXPORT_PDF = N_("📄 PDF")
EXPORT_CSV = N_("📊 CSV")
EXPORT_SENT_TOAST = N_("Sent. Keep the file private.")


@nameless
def export_ask(code: str, name: str) -> str:
    return t(
        "<b>Export {code} · {name}</b>\nA PDF case file, or a CSV of the timeline? It "
        "is sent here, to you only.",
        code=code,
        name=escape(name),
    )


def export_caption(code: str, fmt: str, when: str) -> str:
    return t(
        "🔒 {code} · case record ({format}) · exported {when}. Confidential.",
        code=code,
        format=fmt.upper(),
        when=when,
    )


PDF_CONFIDENTIAL = N_("Confidential — health and social care record")
PDF_IDENTITY = N_("Identity")
PDF_CONTACTS = N_("People around the client")
PDF_CONSENT = N_("Consent and release of information")
PDF_PLAN = N_("Active plan and goals")
PDF_REFERRALS = N_("Referrals")
PDF_TIMELINE = N_("Timeline of notes and visits")
PDF_NONE = N_("None recorded.")
PDF_NO_PLAN = N_("No active plan.")
PDF_CLI = N_("caseline CLI")


def pdf_exported(by: str, when: str) -> str:
    """Plain."""
    return t("Exported by {by}, {when}", by=by, when=when)


def pdf_title(code: str) -> str:
    return t("{code} case record", code=code)


def pdf_page(number: int, total: str) -> str:
    """Plain; `total` is fpdf2's page-count placeholder."""
    return t("Page {number} of {total}", number=number, total=total)


PDF_INTERPRETER = {True: N_("needed"), False: N_("not needed")}


def pdf_status(identity) -> str:
    """The status, and for a case on hold until when and why (plain)."""
    status = tr(STATUS_NAMES).get(identity.status, identity.status)
    if identity.hold_until is None or identity.status != "on_hold":
        return status
    status = t("{status} until {day}", status=status, day=record_day(identity.hold_until))
    return f"{status} — {identity.hold_reason}" if identity.hold_reason else status


def pdf_identity_rows(identity, zone: ZoneInfo) -> list[tuple[str, str]]:
    """(label, value) pairs, plain; empty values left out."""
    rows = [
        (_("Code"), identity.code),
        (_("Name"), identity.name),
        (_("Program"), tr(PROGRAM_NAMES).get(identity.program, identity.program)),
        (_("Status"), pdf_status(identity)),
        (_("Worker"), identity.worker or tr(CARD_NO_WORKER)),
        (_("Date of birth"), record_day(identity.date_of_birth) if identity.date_of_birth else ""),
        (_("Phone"), identity.phone or ""),
        (_("Address"), identity.address or ""),
        (tr(DETAIL_NAMES)["place"], identity.usual_place or ""),
        (_("Emergency contact"), identity.emergency_contact or ""),
        (_("Living situation"), identity.living_situation or ""),
        (_("Language"), language_name(identity.language) if identity.language else ""),
        (_("Interpreter"), tr(PDF_INTERPRETER).get(identity.interpreter, "")),
        (_("Contact"), every_days(identity.contact_frequency_days)),
        (
            _("Last contact"),
            record_moment(identity.last_contact_at, zone)
            if identity.last_contact_at
            else _("none"),
        ),
        (_("Client since"), record_day(identity.created_at, zone)),
    ]
    if identity.discharged_at:
        rows.append((_("Discharged"), record_day(identity.discharged_at, zone)))
        rows.append((_("Discharge reason"), identity.discharge_reason or ""))
    return [(label, value) for label, value in rows if value]


def pdf_consent(consent, zone: ZoneInfo) -> str:
    verdict = _("Given") if consent.given else _("Refused")
    line = f"{verdict} {record_day(consent.recorded_at, zone)}"
    if consent.recorded_by:
        line += t(" (recorded by {recorded_by})", recorded_by=consent.recorded_by)
    if consent.expires_on:
        line += t(", expires {record_day}", record_day=record_day(consent.expires_on))
    return f"{line}: {consent.scope}"


def pdf_plan_header(plan, zone: ZoneInfo) -> str:
    review = (
        t(", next review {record_day}", record_day=record_day(plan.next_review_on))
        if plan.next_review_on
        else ""
    )
    return t(
        "Plan v{version}, since {record_day}, reviewed {every_days}{review}",
        version=plan.version,
        record_day=record_day(plan.created_at, zone),
        every_days=every_days(plan.review_interval_days),
        review=review,
    )


def pdf_goal(number: int, goal) -> str:
    line = f"{number}. {goal.description} ({tr(RECORD_GOAL_STATUS).get(goal.status, goal.status)})"
    details = []
    if goal.measure:
        details.append(t("measured by: {measure}", measure=goal.measure))
    if goal.target_date:
        details.append(t("target: {record_day}", record_day=record_day(goal.target_date)))
    if goal.routine:
        details.append(t("routine: {routine}", routine=goal.routine))
    return line + ("\n   " + "; ".join(details) if details else "")


def pdf_referral(referral, zone: ZoneInfo) -> str:
    status = tr(RECORD_REFERRAL_STATUS).get(referral.status, referral.status)
    line = t(
        "{resource} ({category}) · {status} · sent {record_day}",
        resource=referral.resource,
        category=referral.category,
        status=status,
        record_day=record_day(referral.created_at, zone),
    )
    if referral.worker:
        line += t(" by {worker}", worker=referral.worker)
    details = [t("Reason: {reason}", reason=referral.reason)]
    if referral.follow_up_on:
        details.append(t("Follow-up: {record_day}", record_day=record_day(referral.follow_up_on)))
    if referral.decline_reason:
        details.append(t("Declined: {decline_reason}", decline_reason=referral.decline_reason))
    if referral.outcome:
        details.append(t("Outcome: {outcome}", outcome=referral.outcome))
    if not referral.consent_recorded:
        details.append(_("No consent on record for this referral"))
    return line + "\n" + "\n".join(details)


# Fixed English columns: a file for machines (and other tools) reads the same in every language.
CSV_HEADER = ("date", "type", "author", "summary", "text")
CSV_AMENDMENT = N_("Note amendment")


def csv_amendment_summary(note_id: int | None) -> str:
    return t("Amendment to N-{note_id}", note_id=note_id)


# Transfer
TRANSFER_ONLY_LEADS = N_("Only supervisors can transfer clients.")
TRANSFER_NOBODY = N_("There is nobody else in the team to transfer this client to.")
TRANSFER_NOT_ALLOWED = N_("You can only transfer clients to active workers of your own team.")


@nameless
def transfer_ask(code: str, name: str, current: str | None) -> str:
    now = t(" (now with {current})", current=escape(current)) if current else ""
    return t(
        "<b>Transfer {code} · {name}</b>{now}\nTo whom?", code=code, name=escape(name), now=now
    )


def transferred_toast(code: str, worker: str) -> str:
    return t("{code} transferred to {worker}.", code=code, worker=worker)[:200]


# Discharge and reopen
DISCHARGE_REASONS = {
    "goals": N_("Goals met"),
    "moved": N_("Moved away"),
    "declined": N_("Declined further services"),
    "referred": N_("Transferred to another service"),
    "care": N_("Moved to residential or hospital care"),
    "deceased": N_("Deceased"),
}
DISCHARGE_OTHER = N_("✏️ Other…")
DISCHARGE_ALREADY = N_("This case is already closed.")
DISCHARGE_REASON_TOO_LONG = N_("Please keep the reason under 500 characters.")
DISCHARGE_REASON_EMPTY = N_("Please type the reason as text (or /cancel).")
REOPEN_NOT_DISCHARGED = N_("This case is open already.")


@nameless
def discharge_ask(code: str, name: str, appointments: int) -> str:
    cancelled = (
        tn(
            "\nIts {count} scheduled appointment will be cancelled.",
            "\nIts {count} scheduled appointments will be cancelled.",
            appointments,
        )
        if appointments
        else ""
    )
    return t(
        "<b>Discharge {code} · {name}?</b>{cancelled}\nThe client gets no reminders "
        "until the case is reopened. Why is it closed?",
        code=code,
        name=escape(name),
        cancelled=cancelled,
    )


def discharge_ask_reason(code: str) -> str:
    return t("Type the reason for discharging {code}. (/cancel to stop)", code=code)


def discharged_toast(code: str, appointments: int) -> str:
    cancelled = (
        tn(" {count} appointment cancelled.", " {count} appointments cancelled.", appointments)
        if appointments
        else ""
    )
    return t("{code} discharged.{cancelled}", code=code, cancelled=cancelled)


def reopened_toast(code: str) -> str:
    return t("{code} reopened.", code=code)


# The client's language, edited from the card (conversations/language.py)
LANGUAGE_OTHER = N_("✏️ Type it…")
INTERPRETER_YES = N_("🗣 Interpreter")
INTERPRETER_NO = N_("No interpreter")
LANGUAGE_FORGET = N_("🗑 Not known")
LANGUAGE_EMPTY_TEXT = N_("Please type the language as text, e.g. Farsi (or /cancel).")
LANGUAGE_SAVED_TOAST = N_("Language saved.")


@nameless
def language_ask(code: str, name: str, current: str | None, interpreter: bool | None) -> str:
    """`current` is the card's language line (escaped), None when nothing is known."""
    lines = [t("<b>Language · {code} · {name}</b>", code=code, name=escape(name))]
    if current:
        lines.append(current)
    elif interpreter is False:
        lines.append(_("🗣 no interpreter needed"))
    lines.append(_("Which language does the client prefer, and is an interpreter needed?"))
    return "\n".join(lines)


def language_ask_typed(code: str, max_length: int) -> str:
    return t(
        "Type the language of {code} (up to {max_length} characters). (/cancel to stop)",
        code=code,
        max_length=max_length,
    )
