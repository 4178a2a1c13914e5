"""Texts of /plan and /review.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from datetime import date
from html import escape

from storage.kinds import GoalStatus, PlanStatus
from ui.i18n import N_, number, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.naming import nameless
from ui.timefmt import day_with_year

# ── Plans and reviews ─────────────────────────────────────────────────────

PLAN_COMMANDS = [
    ("plan", N_("A client's plan: goals, interventions, review")),
    ("review", N_("Review a client's plan")),
]

# Keyed by the enum's members but typed by str: a record holds its status or kind as the
# plain string, which finds the member's entry (a StrEnum member is that string).
GOAL_STATUS_NAMES: dict[str, str] = {
    GoalStatus.NOT_STARTED: N_("Not started"),
    GoalStatus.IN_PROGRESS: N_("In progress"),
    GoalStatus.ACHIEVED: N_("Achieved"),
    GoalStatus.DISCONTINUED: N_("Discontinued"),
}
GOAL_STATUS_MARKS: dict[str, str] = {
    GoalStatus.NOT_STARTED: "⚪",
    GoalStatus.IN_PROGRESS: "🔵",
    GoalStatus.ACHIEVED: "✅",
    GoalStatus.DISCONTINUED: "⛔",
}
PLAN_STATUS_NAMES: dict[str, str] = {
    PlanStatus.DRAFT: N_("📝 Draft"),
    PlanStatus.ACTIVE: N_("✅ Active"),
    PlanStatus.SUPERSEDED: N_("🗄 Superseded"),
}


def goal_status_label(status: str) -> str:
    return f"{tr(GOAL_STATUS_MARKS).get(status, '•')} {tr(GOAL_STATUS_NAMES).get(status, status)}"


def plan_day(day: date) -> str:
    """`Mon 15 Jun 2026`: a calendar date (target dates, reviews) in the worker's calendar."""
    return day_with_year(day)


def plan_days(days: int) -> str:
    return tn("{count} day", "{count} days", days)


def plan_too_long(what: str, limit: int, got: int) -> str:
    return t(
        "That is {got} characters; {what} can hold {limit}. Please shorten it and send it again.",
        got=number(got),
        what=what,
        limit=number(limit),
    )


# ── /plan: the card ────────────────────────────────────────────────────────────
PLAN_ASK_CLIENT = N_("<b>Plan.</b> Which client?")
PLAN_ADD_GOAL = N_("➕ Goal")
PLAN_INTERVENTIONS = N_("🔧 Interventions")
PLAN_INTERVAL = N_("🔁 Review interval")
PLAN_ACTIVATE = N_("✅ Activate")
PLAN_REVIEW = N_("🔎 Review")
PLAN_VERSIONS = N_("📜 Versions")
PLAN_CLOSE = N_("✖ Close")
PLAN_OPEN = N_("📋 Plan")
PLAN_SKIP = N_("⏭ Skip")
PLAN_CLEAR = N_("🧹 Clear")
PLAN_GOALS = N_("Goals")
PLAN_NO_GOALS_YET = N_("No goals yet — ➕ Goal adds the first.")
PLAN_NOTHING_YET = N_(
    "No plan yet. ➕ Goal adds the first goal and starts version 1 as a draft; "
    "✅ Activate then puts it into effect."
)
PLAN_DRAFT_HINT = N_("Draft: not in effect until ✅ Activate (the next review is set then).")
PLAN_MEASURE = "📏"
PLAN_TARGET = "🎯"
PLAN_ROUTINE = "🔁"
PLAN_CLOSED_TOAST = N_("Plan closed.")
PLAN_CHANGED = N_("This plan changed meanwhile (a colleague or another device). Here it is now.")
PLAN_NEEDS_GOAL_TOAST = N_("Add at least one goal before activating.")
PLAN_NO_VERSIONS_TOAST = N_("There are no earlier versions yet.")
PLAN_FULL_TOAST = N_("A plan holds at most 20 goals. Review it to close the finished ones.")
PLAN_NOT_ACTIVE_TOAST = N_("Only an active plan can be reviewed.")
PLAN_CASE_CLOSED = N_("This case is closed: its plan is kept as it was, read-only.")
PLAN_CASE_CLOSED_TOAST = N_("This case is closed; its plan can't be changed.")


def plan_draft_beside(active_version: int) -> str:
    return t(
        "Version {active_version} stays in effect until this draft is activated "
        "(activating ends it without a review).",
        active_version=active_version,
    )


def plan_edit_goal(number: int) -> str:
    return f"✏️ {number}"


@nameless
def plan_title(version: int | None, code: str, name: str) -> str:
    head = t("Plan v{version}", version=version) if version else _("Plan")
    return f"📋 <b>{head} · {code} · {escape(name)}</b>"


def plan_status_line(
    status: str, interval_days: int, next_review: str | None, overdue: bool
) -> str:
    line = t(
        "{status} · review every {plan_days}",
        status=tr(PLAN_STATUS_NAMES).get(status, status),
        plan_days=plan_days(interval_days),
    )
    if next_review:
        line += t("\nNext review: {next_review}", next_review=next_review) + (
            _(" (overdue)") if overdue else ""
        )
    return line


def plan_interventions(text: str | None) -> str:
    return t(
        "🔧 <b>Interventions:</b> {interventions}", interventions=escape(text) if text else "—"
    )


def plan_goal_line(number: int, status: str, description: str) -> str:
    return f"{number}. {tr(GOAL_STATUS_MARKS).get(status, '•')} {escape(description)}"


def plan_goal_details(measure: str | None, target: str | None, routine: str | None) -> str:
    """The goal's second line; empty when nothing was given."""
    parts = []
    if measure:
        parts.append(f"{tr(PLAN_MEASURE)} {escape(measure)}")
    if target:
        parts.append(t("{plan_target} by {target}", plan_target=tr(PLAN_TARGET), target=target))
    if routine:
        parts.append(f"{tr(PLAN_ROUTINE)} {escape(routine)}")
    return "    " + " · ".join(parts) if parts else ""


def plan_more_goals(count: int) -> str:
    return t("… {count} more (shortened to fit)", count=count)


def plan_activated_toast(version: int, next_review: str) -> str:
    return t(
        "Plan v{version} is active. Next review {next_review}.",
        version=version,
        next_review=next_review,
    )


def plan_interval_toast(days: int) -> str:
    return t("Review every {plan_days}.", plan_days=plan_days(days))


def plan_status_toast(number: int, status: str) -> str:
    return t(
        "Goal {number}: {status}.", number=number, status=tr(GOAL_STATUS_NAMES).get(status, status)
    )


def plan_ask_status(number: int, description: str) -> str:
    return t(
        "<b>Goal {number}:</b> {description}\nWhat is its status now?",
        number=number,
        description=escape(description),
    )


def plan_ask_interval(current: int) -> str:
    return t("Review this plan every … (now every {plan_days})", plan_days=plan_days(current))


def plan_ask_interventions(current: str | None) -> str:
    now = t("\nNow: {current}", current=escape(current)) if current else ""
    return t(
        "<b>Interventions.</b> Type the services and supports (who does what, how "
        "often). It replaces what is there now.{now}",
        now=now,
    )


@nameless
def plan_kept(code: str, name: str, goal: str | None) -> str:
    if goal:
        return t(
            "You were adding a goal to the plan of <b>{code} · {name}</b>: “{goal}”. "
            "Pick it up again?",
            code=code,
            name=escape(name),
            goal=escape(goal),
        )
    return t(
        "You had the plan of <b>{code} · {name}</b> open. Open it again?",
        code=code,
        name=escape(name),
    )


def plan_not_found(code: str) -> str:
    return t("I can't find {code} among the clients you can see.", code=escape(code))


# ── /plan: adding a goal ───────────────────────────────────────────────────────
GOAL_ASK_WHAT = N_(
    "<b>New goal.</b> What is the goal? One sentence, e.g. “Eats two warm meals a day”."
)
GOAL_ASK_MEASURE = N_(
    "<b>How is it measured?</b> e.g. “meals logged by the carer, 5 of 7 days”. Or ⏭ Skip."
)
GOAL_ASK_TARGET = N_(
    "<b>Target date?</b> Type e.g. “15/6”, “in 3 months”, “2026-09-30”. Or ⏭ Skip."
)
GOAL_ASK_ROUTINE = N_(
    "<b>Which routine or schedule supports it?</b> e.g. “lunch delivery Mon–Fri”. Or ⏭ Skip."
)
GOAL_TARGET_PASSED = N_("That date has passed. Type a date ahead, or ⏭ Skip.")
GOAL_DESCRIPTION = N_("a goal")
GOAL_MEASURE_WHAT = N_("a measure")
GOAL_ROUTINE_WHAT = N_("a routine")
PLAN_INTERVENTIONS_WHAT = N_("the interventions")


def plan_goal_so_far(description: str) -> str:
    return f"<i>{escape(description)}</i>"


def goal_target_set(day: str) -> str:
    return t("🎯 Target: {day}", day=day)


# ── /plan: earlier versions ────────────────────────────────────────────────────
@nameless
def plan_versions_title(code: str, name: str) -> str:
    return t("📜 <b>Earlier plan versions · {code} · {name}</b>", code=code, name=escape(name))


def plan_version_header(
    version: int, since: str, reviewed: str | None, reviewer: str | None
) -> str:
    until = t(" → reviewed {reviewed}", reviewed=reviewed) if reviewed else ""
    by = t(" by {reviewer}", reviewer=escape(reviewer)) if reviewer else ""
    return t(
        "\n<b>Version {version}</b> · from {since}{until}{by}",
        version=version,
        since=since,
        until=until,
        by=by,
    )


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
    return t("📝 <i>Summary:</i> {summary}", summary=escape(summary) if summary else "—")


def plan_version_interventions(text: str | None) -> str:
    return f"🔧 {escape(text)}" if text else ""


# ── /review ────────────────────────────────────────────────────────────────────
REVIEW_ASK_CLIENT = N_("<b>Plan review.</b> Which client?")
REVIEW_START = N_("▶ Start review")
REVIEW_SAVE = N_("✅ Save review")
REVIEW_KEEP = N_("↩ Keep it")
REVIEW_SKIP = N_("⏭ Skip")
REVIEW_ASK_STATUS = N_("Where does this goal stand now?")
REVIEW_ASK_EFFECT = N_("How effective was the approach? 1 = not at all … 5 = very. Or ⏭ Skip.")
REVIEW_ASK_COMMENT = N_("A short comment on this goal? Type it, or ⏭ Skip.")
REVIEW_COMMENT_WHAT = N_("a comment")
REVIEW_SUMMARY_WHAT = N_("a summary")
REVIEW_NO_GOALS = N_("This version has no goals; the review is the summary alone.")
REVIEW_CHANGED = N_(
    "This plan was reviewed or changed meanwhile, so nothing was saved. "
    "Open it with /plan to see where it stands."
)
REVIEW_SAVED_TOAST = N_("Review saved.")
REVIEW_NOT_CURRENT_TOAST = N_("That goal isn't the one being reviewed now.")


@nameless
def review_offer(version: int, code: str, name: str, goals: int, due: str | None) -> str:
    due_text = t(" It is due {due}.", due=due) if due else ""
    return t(
        "🔎 Review plan v{version} of <b>{code} · {name}</b>?{due_text}\n{goals} "
        "goal(s), one at a time: where it stands, how effective the approach was "
        "(1–5) and a comment; then a summary. Saving makes version {value}.",
        version=version,
        code=code,
        name=escape(name),
        due_text=due_text,
        goals=goals,
        value=version + 1,
    )


def review_no_plan(code: str) -> str:
    return t("{code} has no active plan to review. Start one with /plan.", code=code)


def review_case_closed(code: str) -> str:
    return t(
        "{code} is discharged; the plan is kept as it was, so there is nothing to review.",
        code=code,
    )


def review_draft_only(code: str, version: int) -> str:
    return t(
        "Plan v{version} of {code} is still a draft. Activate it in /plan first.",
        version=version,
        code=code,
    )


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
        t(
            "🔎 <b>Review v{version} · {code} · goal {number} of {total}</b>",
            version=version,
            code=code,
            number=number,
            total=total,
        ),
        escape(description),
    ]
    if details:
        lines.append(details)
    lines.append(
        t("Before the review: {goal_status_label}", goal_status_label=goal_status_label(status))
    )
    return "\n".join(lines)


def review_answer_line(status: str | None, effectiveness: int | None) -> str:
    parts = []
    if status:
        parts.append(t("Now: {goal_status_label}", goal_status_label=goal_status_label(status)))
    if effectiveness:
        parts.append(t("effectiveness {effectiveness}/5", effectiveness=effectiveness))
    return " · ".join(parts)


def review_current_comment(comment: str) -> str:
    return t("Comment so far: “{comment}”", comment=escape(comment))


def review_ask_summary(version: int, code: str, current: str | None) -> str:
    now = t("\nSo far: “{current}”", current=escape(current)) if current else ""
    return t(
        "🔎 <b>Review v{version} · {code}</b>\nLast step: a <b>summary</b> — what "
        "changed, what comes next (a few sentences).{now}",
        version=version,
        code=code,
        now=now,
    )


@nameless
def review_recap_title(version: int, code: str, name: str) -> str:
    return t(
        "🔎 <b>Review of plan v{version} · {code} · {name}</b>",
        version=version,
        code=code,
        name=escape(name),
    )


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
    return t("\n📝 <b>Summary:</b> {summary}", summary=escape(summary))


def review_recap_next(version: int, carried: int, next_review: str) -> str:
    return t(
        "\nSaving makes <b>version {version}</b> with {carried} open goal(s) carried "
        "over; next review {next_review}.",
        version=version,
        carried=carried,
        next_review=next_review,
    )


@nameless
def review_saved(old: int, new: int, code: str, name: str, carried: int, next_review: str) -> str:
    return t(
        "✅ <b>Review of v{old} saved</b> · {code} · {name}\nPlan v{new} is now active "
        "with {carried} goal(s). Next review {next_review}.",
        old=old,
        code=code,
        name=escape(name),
        new=new,
        carried=carried,
        next_review=next_review,
    )


@nameless
def review_kept(code: str, name: str, done: int, total: int) -> str:
    return t(
        "You have an unfinished review for <b>{code} · {name}</b> ({done} of {total} "
        "goals done). Pick it up again?",
        code=code,
        name=escape(name),
        done=done,
        total=total,
    )
