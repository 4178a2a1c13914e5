"""Texts of /trend, the supervisor's weekly trend, and its setting.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, t, tn

TREND_COMMANDS = [("trend", N_("My team's last 8 weeks, as a chart"))]
TREND_ONLY_SUPERVISORS = N_(
    "/trend is for supervisors: it shows a team's last 8 weeks. Your own figures are in "
    "/clients and /today."
)
TREND_NO_WORKERS = N_("No workers in this team yet, so there is no trend to draw.")
TREND_PANEL_SEEN = N_("Clients seen within their frequency")
TREND_PANEL_VISITS = N_("Visits completed")
TREND_PANEL_NOTES = N_("Notes written")
TREND_PANEL_REVIEWS = N_("Plan reviews overdue")
# The chart's panels, top to bottom, in the order of each line's values.
TREND_PANELS = [TREND_PANEL_SEEN, TREND_PANEL_VISITS, TREND_PANEL_NOTES, TREND_PANEL_REVIEWS]
TREND_TEAM_LINE = N_("Team (average per worker)")
TREND_NOT_KEPT = N_("not kept yet")
# /settings
SETTINGS_TREND = N_("Weekly trend")
TREND_OFF = N_("Off")


def trend_chart_title(team: str, last_day: str) -> str:
    """Plain text (drawn into the picture, not parsed as HTML)."""
    return t("{team} · 8 weeks to {day}", team=team, day=last_day)


def trend_caption_title(team: str, first_day: str, last_day: str) -> str:
    return t(
        "📈 <b>{team}</b> · the 8 weeks from {first} to {last}",
        team=escape(team),
        first=first_day,
        last=last_day,
    )


def trend_change(change: int) -> str:
    """Against the week before: "▲ 4", "▼ 3", "="."""
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


def trend_share(percent: int) -> str:
    return t("seen within frequency {percent} %", percent=percent)


def trend_share_short(percent: int) -> str:
    """A worker's line in the caption: short, seven of them must fit."""
    return t("seen {percent} %", percent=percent)


def trend_visits(count: int) -> str:
    return tn("{count} visit", "{count} visits", count)


def trend_notes(count: int) -> str:
    return tn("{count} note", "{count} notes", count)


def trend_reviews(count: int) -> str:
    return tn("{count} plan review overdue", "{count} plan reviews overdue", count)


def trend_reviews_short(count: int) -> str:
    return tn("{count} review overdue", "{count} reviews overdue", count)


def trend_team_last_week(figures: str) -> str:
    """`figures` is already HTML-safe (numbers and words of ours)."""
    return t("<b>Team, last week:</b> {figures}", figures=figures)


def trend_worker_last_week(name: str, figures: str) -> str:
    return t("{name}: {figures}", name=escape(name), figures=figures)


def trend_shown_top(shown: int, listed: int) -> str:
    return t(
        "Lines: the team and the {shown} workers with the most clients (of {listed}).",
        shown=shown,
        listed=listed,
    )


TREND_TEAM_AVERAGE = N_("The team's line: the average per worker.")


def trend_not_kept(count: int) -> str:
    return tn(
        "{count} week of the 8 has no weekly snapshot: its visits and notes are counted "
        "again from the record, its share and reviews left blank.",
        "{count} weeks of the 8 have no weekly snapshot: their visits and notes are counted "
        "again from the record, their shares and reviews left blank.",
        count,
    )


def trend_more_workers(count: int) -> str:
    return tn("… and {count} more worker", "… and {count} more workers", count)
