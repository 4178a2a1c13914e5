"""Texts of the supervisor's digest and /team.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr
from ui.texts.drill import digest_unclosed
from ui.texts.reminders import and_more
from ui.texts.safety_plans import digest_safety_overdue

# Supervisor digest
DIGEST_COMMANDS = [
    ("digest", N_("Today's digest of my team")),
    ("team", N_("My team's workers and figures")),
]
DIGEST_ONLY_SUPERVISORS = N_("Only supervisors can see the team digest.")
DIGEST_NO_TEAM = N_("You don't lead a team yet, so there is no team digest to show.")
DIGEST_NO_TEAMS = N_("There are no teams yet.")
DIGEST_CHART_VISITS = N_("Visits completed")
DIGEST_CHART_NOTES = N_("Notes written")
DIGEST_NO_WORKERS = N_("No workers in this team yet.")
# Under the digest's summary: the team view in the Mini App (bot/webapp/).
DIGEST_OPEN_TEAM = N_("🗂 Team")
RAG_MARKS = {"green": "🟢", "yellow": "🟡", "red": "🔴"}
NO_CLIENTS_MARK = "⚪"
QUIET_MARK = "💤"


def digest_pick_team(command: str, names: list[str], more: int) -> str:
    """For an admin outside any team: which team's figures? (`names` is not empty.)"""
    listed = ", ".join(escape(name) for name in names) + (f" {and_more(more)}" if more else "")
    example = t("<code>/{command} {names}</code>", command=command, names=escape(names[0]))
    return t(
        "Which team? Send for example {example}.\nTeams: {listed}", example=example, listed=listed
    )


def digest_unknown_team(typed: str) -> str:
    return t("There is no team called “{typed}”.", typed=escape(typed))


def digest_title(team: str, day: str) -> str:
    return t("<b>{team} · team digest · {day}</b>", team=escape(team), day=day)


def digest_continued(team: str, page: int, pages: int) -> str:
    return t(
        "<i>{team} · digest continued ({page}/{pages})</i>",
        team=escape(team),
        page=page,
        pages=pages,
    )


def digest_chart_title(team: str) -> str:
    """Plain text (drawn into the picture, not parsed as HTML)."""
    return t("{team} · visits and notes, last 14 days", team=team)


def digest_caption(team: str, day: str) -> str:
    return t(
        "📊 <b>{team}</b> · visits and notes, the 14 days up to {day}", team=escape(team), day=day
    )


def seen_share(seen: int, total: int) -> str:
    """Rounded down, so a share shown as 85 % is always green."""
    return t(
        "{seen}/{total} seen within frequency ({percent} %)",
        seen=seen,
        total=total,
        percent=seen * 100 // total,
    )


def seen_short(seen: int, total: int) -> str:
    return t("{seen}/{total} seen", seen=seen, total=total) if total else _("no open clients")


def digest_no_clients(name: str) -> str:
    return t(
        "{no_clients_mark} <b>{name}</b> · no open clients",
        no_clients_mark=tr(NO_CLIENTS_MARK),
        name=escape(name),
    )


def digest_person(mark: str, name: str, share: str, *, lead: bool) -> str:
    suffix = _(" (own caseload)") if lead else ""
    return f"{mark} <b>{escape(name)}</b>{suffix} · {share}"


def digest_today(visits: int, no_shows: int, notes: int, tomorrow: int) -> str:
    return t(
        "✅ {digest_count} · 🚫 {digest_count2} · 📝 {digest_count3} · 📅 {tomorrow} tomorrow",
        digest_count=tn("{count} visit", "{count} visits", visits),
        digest_count2=tn("{count} no-show", "{count} no-shows", no_shows),
        digest_count3=tn("{count} note", "{count} notes", notes),
        tomorrow=tomorrow,
    )


def digest_concerns(
    overdue: int, reviews: int, risks: int, safety: int = 0, unclosed: int = 0
) -> str:
    """The things to follow up; empty when there are none."""
    parts = []
    if overdue:
        parts.append(tn("⏰ {count} client overdue", "⏰ {count} clients overdue", overdue))
    if reviews:
        parts.append(
            tn("📋 {count} plan review overdue", "📋 {count} plan reviews overdue", reviews)
        )
    if safety:
        parts.append(digest_safety_overdue(safety))
    if risks:
        parts.append(tn("⚠ {count} risk flag (24 h)", "⚠ {count} risk flags (24 h)", risks))
    if unclosed:
        parts.append(digest_unclosed(unclosed))
    return " · ".join(parts)


DIGEST_ALL_CLEAR = N_("Nothing overdue, no risk flags.")
DIGEST_TAP_HINT = N_("Tap a figure for its list, a name for that worker's day.")


def digest_quiet(names: list[str], more: int) -> str:
    listed = ", ".join(f"<b>{escape(name)}</b>" for name in names)
    return t(
        "{quiet_mark} Quiet for 2 working days: {listed}", quiet_mark=tr(QUIET_MARK), listed=listed
    ) + (f" {and_more(more)}" if more else "")


def team_header(team: str, workers: int) -> str:
    return t(
        "<b>{team} · {digest_count}</b>\n<i>⏰ clients overdue · ✅ visits today · ⚠ "
        "risk flags (24 h) · {quiet_mark} quiet</i>",
        team=escape(team),
        digest_count=tn("{count} worker", "{count} workers", workers),
        quiet_mark=tr(QUIET_MARK),
    )


def team_line(
    mark: str, name: str, seen: str, overdue: int, visits: int, risks: int, quiet: bool
) -> str:
    """One worker in /team: RAG, name, share seen, overdue, today's visits, flags."""
    line = t(
        "{mark} <b>{name}</b> — {seen} · ⏰ {overdue} · ✅ {visits} today",
        mark=mark,
        name=escape(name),
        seen=seen,
        overdue=overdue,
        visits=visits,
    )
    if risks:
        line += f" · ⚠ {risks}"
    if quiet:
        line += f" · {tr(QUIET_MARK)}"
    return line
