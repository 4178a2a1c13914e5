"""Texts of the supervisor's digest and /team.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.texts.reminders import and_more

# Supervisor digest
DIGEST_COMMANDS = [
    ("digest", "Today's digest of my team"),
    ("team", "My team's workers and figures"),
]
DIGEST_ONLY_SUPERVISORS = "Only supervisors can see the team digest."
DIGEST_NO_TEAM = "You don't lead a team yet, so there is no team digest to show."
DIGEST_NO_TEAMS = "There are no teams yet."
DIGEST_CHART_VISITS = "Visits completed"
DIGEST_CHART_NOTES = "Notes written"
DIGEST_NO_WORKERS = "No workers in this team yet."
RAG_MARKS = {"green": "🟢", "yellow": "🟡", "red": "🔴"}
NO_CLIENTS_MARK = "⚪"
QUIET_MARK = "💤"


def _digest_count(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def digest_pick_team(command: str, names: list[str], more: int) -> str:
    """For an admin outside any team: which team's figures? (`names` is not empty.)"""
    listed = ", ".join(escape(name) for name in names) + (f" {and_more(more)}" if more else "")
    example = f"<code>/{command} {escape(names[0])}</code>"
    return f"Which team? Send for example {example}.\nTeams: {listed}"


def digest_unknown_team(typed: str) -> str:
    return f"There is no team called “{escape(typed)}”."


def digest_title(team: str, day: str) -> str:
    return f"<b>{escape(team)} · team digest · {day}</b>"


def digest_continued(team: str, page: int, pages: int) -> str:
    return f"<i>{escape(team)} · digest continued ({page}/{pages})</i>"


def digest_chart_title(team: str) -> str:
    """Plain text (drawn into the picture, not parsed as HTML)."""
    return f"{team} · visits and notes, last 14 days"


def digest_caption(team: str, day: str) -> str:
    return f"📊 <b>{escape(team)}</b> · visits and notes, the 14 days up to {day}"


def seen_share(seen: int, total: int) -> str:
    """Rounded down, so a share shown as 85 % is always green."""
    return f"{seen}/{total} seen within frequency ({seen * 100 // total} %)"


def seen_short(seen: int, total: int) -> str:
    return f"{seen}/{total} seen" if total else "no open clients"


def digest_no_clients(name: str) -> str:
    return f"{NO_CLIENTS_MARK} <b>{escape(name)}</b> · no open clients"


def digest_person(mark: str, name: str, share: str, *, lead: bool) -> str:
    suffix = " (own caseload)" if lead else ""
    return f"{mark} <b>{escape(name)}</b>{suffix} · {share}"


def digest_today(visits: int, no_shows: int, notes: int, tomorrow: int) -> str:
    return (
        f"✅ {_digest_count(visits, 'visit')} · 🚫 {_digest_count(no_shows, 'no-show')} · "
        f"📝 {_digest_count(notes, 'note')} · 📅 {tomorrow} tomorrow"
    )


def digest_concerns(overdue: int, reviews: int, risks: int) -> str:
    """The things to follow up; empty when there are none."""
    parts = []
    if overdue:
        parts.append(f"⏰ {_digest_count(overdue, 'client')} overdue")
    if reviews:
        parts.append(f"📋 {_digest_count(reviews, 'plan review')} overdue")
    if risks:
        parts.append(f"⚠ {_digest_count(risks, 'risk flag')} (24 h)")
    return " · ".join(parts)


DIGEST_ALL_CLEAR = "Nothing overdue, no risk flags."
DIGEST_QUIET_WORKER = f"{QUIET_MARK} Quiet for 2 working days"


def digest_quiet(names: list[str], more: int) -> str:
    listed = ", ".join(f"<b>{escape(name)}</b>" for name in names)
    return f"{QUIET_MARK} Quiet for 2 working days: {listed}" + (
        f" {and_more(more)}" if more else ""
    )


def team_header(team: str, workers: int) -> str:
    return (
        f"<b>{escape(team)} · {_digest_count(workers, 'worker')}</b>\n"
        f"<i>⏰ clients overdue · ✅ visits today · ⚠ risk flags (24 h) · {QUIET_MARK} quiet</i>"
    )


def team_line(
    mark: str, name: str, seen: str, overdue: int, visits: int, risks: int, quiet: bool
) -> str:
    """One worker in /team: RAG, name, share seen, overdue, today's visits, flags."""
    line = f"{mark} <b>{escape(name)}</b> — {seen} · ⏰ {overdue} · ✅ {visits} today"
    if risks:
        line += f" · ⚠ {risks}"
    if quiet:
        line += f" · {QUIET_MARK}"
    return line
