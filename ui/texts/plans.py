"""Texts of /plan and /review.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from datetime import date
from html import escape

from storage.models import GoalStatus, PlanStatus

# ── Plans and reviews ─────────────────────────────────────────────────────

PLAN_COMMANDS = [
    ("plan", "A client's plan: goals, interventions, review"),
    ("review", "Review a client's plan"),
]

# Keyed by the enum's members but typed by str: a record holds its status or kind as the
# plain string, which finds the member's entry (a StrEnum member is that string).
GOAL_STATUS_NAMES: dict[str, str] = {
    GoalStatus.NOT_STARTED: "Not started",
    GoalStatus.IN_PROGRESS: "In progress",
    GoalStatus.ACHIEVED: "Achieved",
    GoalStatus.DISCONTINUED: "Discontinued",
}
GOAL_STATUS_MARKS: dict[str, str] = {
    GoalStatus.NOT_STARTED: "⚪",
    GoalStatus.IN_PROGRESS: "🔵",
    GoalStatus.ACHIEVED: "✅",
    GoalStatus.DISCONTINUED: "⛔",
}
PLAN_STATUS_NAMES: dict[str, str] = {
    PlanStatus.DRAFT: "📝 Draft",
    PlanStatus.ACTIVE: "✅ Active",
    PlanStatus.SUPERSEDED: "🗄 Superseded",
}


def goal_status_label(status: str) -> str:
    return f"{GOAL_STATUS_MARKS.get(status, '•')} {GOAL_STATUS_NAMES.get(status, status)}"


def plan_day(day: date) -> str:
    """`Mon 15 Jun 2026`: a calendar date (target dates, reviews) in the worker's calendar."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def plan_days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def plan_too_long(what: str, limit: int, got: int) -> str:
    return (
        f"That is {got:,} characters; {what} can hold {limit:,}. "
        "Please shorten it and send it again."
    )


# ── /plan: the card ────────────────────────────────────────────────────────────
PLAN_ASK_CLIENT = "<b>Plan.</b> Which client?"
PLAN_ADD_GOAL = "➕ Goal"
PLAN_INTERVENTIONS = "🔧 Interventions"
PLAN_INTERVAL = "🔁 Review interval"
PLAN_ACTIVATE = "✅ Activate"
PLAN_REVIEW = "🔎 Review"
PLAN_VERSIONS = "📜 Versions"
PLAN_CLOSE = "✖ Close"
PLAN_OPEN = "📋 Plan"
PLAN_SKIP = "⏭ Skip"
PLAN_CLEAR = "🧹 Clear"
PLAN_GOALS = "Goals"
PLAN_NO_GOALS_YET = "No goals yet — ➕ Goal adds the first."
PLAN_NOTHING_YET = (
    "No plan yet. ➕ Goal adds the first goal and starts version 1 as a draft; "
    "✅ Activate then puts it into effect."
)
PLAN_DRAFT_HINT = "Draft: not in effect until ✅ Activate (the next review is set then)."
PLAN_MEASURE = "📏"
PLAN_TARGET = "🎯"
PLAN_ROUTINE = "🔁"
PLAN_CLOSED_TOAST = "Plan closed."
PLAN_CHANGED = "This plan changed meanwhile (a colleague or another device). Here it is now."
PLAN_NEEDS_GOAL_TOAST = "Add at least one goal before activating."
PLAN_NO_VERSIONS_TOAST = "There are no earlier versions yet."
PLAN_FULL_TOAST = "A plan holds at most 20 goals. Review it to close the finished ones."
PLAN_NOT_ACTIVE_TOAST = "Only an active plan can be reviewed."
PLAN_CASE_CLOSED = "This case is closed: its plan is kept as it was, read-only."
PLAN_CASE_CLOSED_TOAST = "This case is closed; its plan can't be changed."


def plan_draft_beside(active_version: int) -> str:
    return (
        f"Version {active_version} stays in effect until this draft is activated "
        "(activating ends it without a review)."
    )


def plan_edit_goal(number: int) -> str:
    return f"✏️ {number}"


def plan_title(version: int | None, code: str, name: str) -> str:
    head = f"Plan v{version}" if version else "Plan"
    return f"📋 <b>{head} · {code} · {escape(name)}</b>"


def plan_status_line(
    status: str, interval_days: int, next_review: str | None, overdue: bool
) -> str:
    line = f"{PLAN_STATUS_NAMES.get(status, status)} · review every {plan_days(interval_days)}"
    if next_review:
        line += f"\nNext review: {next_review}" + (" (overdue)" if overdue else "")
    return line


def plan_interventions(text: str | None) -> str:
    return f"🔧 <b>Interventions:</b> {escape(text) if text else '—'}"


def plan_goal_line(number: int, status: str, description: str) -> str:
    return f"{number}. {GOAL_STATUS_MARKS.get(status, '•')} {escape(description)}"


def plan_goal_details(measure: str | None, target: str | None, routine: str | None) -> str:
    """The goal's second line; empty when nothing was given."""
    parts = []
    if measure:
        parts.append(f"{PLAN_MEASURE} {escape(measure)}")
    if target:
        parts.append(f"{PLAN_TARGET} by {target}")
    if routine:
        parts.append(f"{PLAN_ROUTINE} {escape(routine)}")
    return "    " + " · ".join(parts) if parts else ""


def plan_more_goals(count: int) -> str:
    return f"… {count} more (shortened to fit)"


def plan_activated_toast(version: int, next_review: str) -> str:
    return f"Plan v{version} is active. Next review {next_review}."


def plan_interval_toast(days: int) -> str:
    return f"Review every {plan_days(days)}."


def plan_status_toast(number: int, status: str) -> str:
    return f"Goal {number}: {GOAL_STATUS_NAMES.get(status, status)}."


def plan_ask_status(number: int, description: str) -> str:
    return f"<b>Goal {number}:</b> {escape(description)}\nWhat is its status now?"


def plan_ask_interval(current: int) -> str:
    return f"Review this plan every … (now every {plan_days(current)})"


def plan_ask_interventions(current: str | None) -> str:
    now = f"\nNow: {escape(current)}" if current else ""
    return (
        "<b>Interventions.</b> Type the services and supports (who does what, how often). "
        f"It replaces what is there now.{now}"
    )


def plan_kept(code: str, name: str, goal: str | None) -> str:
    if goal:
        return (
            f"You were adding a goal to the plan of <b>{code} · {escape(name)}</b>: "
            f"“{escape(goal)}”. Pick it up again?"
        )
    return f"You had the plan of <b>{code} · {escape(name)}</b> open. Open it again?"


def plan_not_found(code: str) -> str:
    return f"I can't find {escape(code)} among the clients you can see."


# ── /plan: adding a goal ───────────────────────────────────────────────────────
GOAL_ASK_WHAT = "<b>New goal.</b> What is the goal? One sentence, e.g. “Eats two warm meals a day”."
GOAL_ASK_MEASURE = (
    "<b>How is it measured?</b> e.g. “meals logged by the carer, 5 of 7 days”. Or ⏭ Skip."
)
GOAL_ASK_TARGET = "<b>Target date?</b> Type e.g. “15/6”, “in 3 months”, “2026-09-30”. Or ⏭ Skip."
GOAL_ASK_ROUTINE = (
    "<b>Which routine or schedule supports it?</b> e.g. “lunch delivery Mon–Fri”. Or ⏭ Skip."
)
GOAL_TARGET_PASSED = "That date has passed. Type a date ahead, or ⏭ Skip."
GOAL_DESCRIPTION = "a goal"
GOAL_MEASURE_WHAT = "a measure"
GOAL_ROUTINE_WHAT = "a routine"
PLAN_INTERVENTIONS_WHAT = "the interventions"


def plan_goal_so_far(description: str) -> str:
    return f"<i>{escape(description)}</i>"


def goal_target_set(day: str) -> str:
    return f"🎯 Target: {day}"


# ── /plan: earlier versions ────────────────────────────────────────────────────
def plan_versions_title(code: str, name: str) -> str:
    return f"📜 <b>Earlier plan versions · {code} · {escape(name)}</b>"


def plan_version_header(
    version: int, since: str, reviewed: str | None, reviewer: str | None
) -> str:
    until = f" → reviewed {reviewed}" if reviewed else ""
    by = f" by {escape(reviewer)}" if reviewer else ""
    return f"\n<b>Version {version}</b> · from {since}{until}{by}"


def plan_version_goal(
    number: int,
    description: str,
    status: str,
    effectiveness: int | None,
    comment: str | None,
) -> str:
    line = f"{number}. {escape(description)} → {goal_status_label(status)}"
    if effectiveness:
        line += f" · {effectiveness}/5"
    if comment:
        line += f" · “{escape(comment)}”"
    return line


def plan_version_summary(summary: str | None) -> str:
    return f"📝 <i>Summary:</i> {escape(summary) if summary else '—'}"


def plan_version_interventions(text: str | None) -> str:
    return f"🔧 {escape(text)}" if text else ""


# ── /review ────────────────────────────────────────────────────────────────────
REVIEW_ASK_CLIENT = "<b>Plan review.</b> Which client?"
REVIEW_START = "▶ Start review"
REVIEW_SAVE = "✅ Save review"
REVIEW_KEEP = "↩ Keep it"
REVIEW_SKIP = "⏭ Skip"
REVIEW_ASK_STATUS = "Where does this goal stand now?"
REVIEW_ASK_EFFECT = "How effective was the approach? 1 = not at all … 5 = very. Or ⏭ Skip."
REVIEW_ASK_COMMENT = "A short comment on this goal? Type it, or ⏭ Skip."
REVIEW_COMMENT_WHAT = "a comment"
REVIEW_SUMMARY_WHAT = "a summary"
REVIEW_NO_GOALS = "This version has no goals; the review is the summary alone."
REVIEW_CHANGED = (
    "This plan was reviewed or changed meanwhile, so nothing was saved. "
    "Open it with /plan to see where it stands."
)
REVIEW_SAVED_TOAST = "Review saved."
REVIEW_NOT_CURRENT_TOAST = "That goal isn't the one being reviewed now."


def review_offer(version: int, code: str, name: str, goals: int, due: str | None) -> str:
    due_text = f" It is due {due}." if due else ""
    return (
        f"🔎 Review plan v{version} of <b>{code} · {escape(name)}</b>?{due_text}\n"
        f"{goals} goal(s), one at a time: where it stands, how effective the approach was "
        f"(1–5) and a comment; then a summary. Saving makes version {version + 1}."
    )


def review_no_plan(code: str) -> str:
    return f"{code} has no active plan to review. Start one with /plan."


def review_case_closed(code: str) -> str:
    return f"{code} is discharged; the plan is kept as it was, so there is nothing to review."


def review_draft_only(code: str, version: int) -> str:
    return f"Plan v{version} of {code} is still a draft. Activate it in /plan first."


def review_goal(
    number: int,
    total: int,
    version: int,
    code: str,
    description: str,
    details: str,
    status: str,
) -> str:
    lines = [
        f"🔎 <b>Review v{version} · {code} · goal {number} of {total}</b>",
        escape(description),
    ]
    if details:
        lines.append(details)
    lines.append(f"Before the review: {goal_status_label(status)}")
    return "\n".join(lines)


def review_answer_line(status: str | None, effectiveness: int | None) -> str:
    parts = []
    if status:
        parts.append(f"Now: {goal_status_label(status)}")
    if effectiveness:
        parts.append(f"effectiveness {effectiveness}/5")
    return " · ".join(parts)


def review_current_comment(comment: str) -> str:
    return f"Comment so far: “{escape(comment)}”"


def review_ask_summary(version: int, code: str, current: str | None) -> str:
    now = f"\nSo far: “{escape(current)}”" if current else ""
    return (
        f"🔎 <b>Review v{version} · {code}</b>\nLast step: a <b>summary</b> — what changed, "
        f"what comes next (a few sentences).{now}"
    )


def review_recap_title(version: int, code: str, name: str) -> str:
    return f"🔎 <b>Review of plan v{version} · {code} · {escape(name)}</b>"


def review_recap_goal(
    number: int,
    description: str,
    status: str,
    effectiveness: int | None,
    comment: str | None,
) -> str:
    line = f"{number}. {escape(description)} → {goal_status_label(status)}"
    line += f" · {effectiveness}/5" if effectiveness else " · —"
    if comment:
        line += f"\n    “{escape(comment)}”"
    return line


def review_recap_summary(summary: str) -> str:
    return f"\n📝 <b>Summary:</b> {escape(summary)}"


def review_recap_next(version: int, carried: int, next_review: str) -> str:
    return (
        f"\nSaving makes <b>version {version}</b> with {carried} open goal(s) carried over; "
        f"next review {next_review}."
    )


def review_saved(old: int, new: int, code: str, name: str, carried: int, next_review: str) -> str:
    return (
        f"✅ <b>Review of v{old} saved</b> · {code} · {escape(name)}\n"
        f"Plan v{new} is now active with {carried} goal(s). Next review {next_review}."
    )


def review_kept(code: str, name: str, done: int, total: int) -> str:
    return (
        f"You have an unfinished review for <b>{code} · {escape(name)}</b> "
        f"({done} of {total} goals done). Pick it up again?"
    )
