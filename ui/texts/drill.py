"""Texts of the supervisor's drill-down (from the digest and /team to the case), of the
digest's work that counts, and of the reminder about an appointment left open.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from html import escape

from storage.drill import DrillList
from ui.i18n import N_, t, tn

# ── the digest: work that counts, what is left open, who logged nothing ──────


def digest_desk_work(intakes: int, reviewed: int, referrals: int, collateral: int) -> str:
    """Desk work beside visits and notes; only the kinds done today (never all zero)."""
    parts = []
    if intakes:
        parts.append(tn("🆕 {count} intake", "🆕 {count} intakes", intakes))
    if reviewed:
        parts.append(tn("🔄 {count} plan reviewed", "🔄 {count} plans reviewed", reviewed))
    if referrals:
        parts.append(tn("↗ {count} referral", "↗ {count} referrals", referrals))
    if collateral:
        parts.append(
            tn("👥 {count} collateral contact", "👥 {count} collateral contacts", collateral)
        )
    return " · ".join(parts)


def digest_unclosed(count: int) -> str:
    return tn("⌛ {count} appointment left open", "⌛ {count} appointments left open", count)


def digest_no_work_since(day: str) -> str:
    return t("💤 No work logged since {day}", day=day)


DIGEST_NO_WORK_LONG = N_("💤 No work logged in the last two weeks")

# ── the buttons under the digest and /team ──────────────────────────────────


def drill_button(which: str, count: int) -> str:
    """A figure as a button: its emoji, the count and a word or two."""
    match which:
        case DrillList.OVERDUE:
            return tn("⏰ {count} overdue", "⏰ {count} overdue", count)
        case DrillList.VISITS:
            return tn("✅ {count} visit", "✅ {count} visits", count)
        case DrillList.NO_SHOWS:
            return tn("🚫 {count} no-show", "🚫 {count} no-shows", count)
        case DrillList.NOTES:
            return tn("📝 {count} note", "📝 {count} notes", count)
        case DrillList.TOMORROW:
            return tn("📅 {count} tomorrow", "📅 {count} tomorrow", count)
        case DrillList.REVIEWS:
            return tn("📋 {count} review due", "📋 {count} reviews due", count)
        case DrillList.SAFETY:
            return tn("🛟 {count} safety review", "🛟 {count} safety reviews", count)
        case DrillList.RISK_FLAGS:
            return tn("⚠ {count} risk flag", "⚠ {count} risk flags", count)
        case DrillList.OPEN_RISKS:
            return tn("❗ {count} open risk", "❗ {count} open risks", count)
        case DrillList.EXCEPTIONS:
            return tn("📍 {count} unverified", "📍 {count} unverified", count)
        case DrillList.UNCLOSED:
            return tn("⌛ {count} left open", "⌛ {count} left open", count)
        case DrillList.INTAKES:
            return tn("🆕 {count} intake", "🆕 {count} intakes", count)
        case DrillList.REVIEWED:
            return tn("🔄 {count} reviewed", "🔄 {count} reviewed", count)
        case DrillList.REFERRALS:
            return tn("↗ {count} referral", "↗ {count} referrals", count)
        case _:
            return tn("👥 {count} collateral", "👥 {count} collateral", count)


# What each list is, as its title says it.
DRILL_TITLES = {
    DrillList.OVERDUE: N_("⏰ Clients overdue for a visit"),
    DrillList.VISITS: N_("✅ Visits today"),
    DrillList.NO_SHOWS: N_("🚫 No-shows today"),
    DrillList.NOTES: N_("📝 Notes written today"),
    DrillList.TOMORROW: N_("📅 Appointments tomorrow"),
    DrillList.REVIEWS: N_("📋 Plan reviews overdue"),
    DrillList.SAFETY: N_("🛟 Safety plan reviews overdue"),
    DrillList.RISK_FLAGS: N_("⚠ Risk flags (24 h)"),
    DrillList.OPEN_RISKS: N_("❗ Open risks"),
    DrillList.EXCEPTIONS: N_("📍 Unverified visits (24 h)"),
    DrillList.UNCLOSED: N_("⌛ Appointments left open"),
    DrillList.INTAKES: N_("🆕 Intakes today"),
    DrillList.REVIEWED: N_("🔄 Plans reviewed today"),
    DrillList.REFERRALS: N_("↗ Referrals made today"),
    DrillList.COLLATERAL: N_("👥 Collateral contacts today"),
}

# ── a list ─────────────────────────────────────────────────────────────────


def drill_title(title: str, scope: str, day: str) -> str:
    """`title` is a catalog text; `scope` a team's or a worker's name (escaped here)."""
    return t("<b>{title}</b>\n{scope} · {day}", title=title, scope=escape(scope), day=day)


def drill_count(total: int, page: int, pages: int) -> str:
    shown = tn("{count} in all", "{count} in all", total)
    if pages <= 1:
        return f"<i>{shown}</i>"
    return t("<i>{shown} · page {page} of {pages}</i>", shown=shown, page=page, pages=pages)


DRILL_EMPTY = N_("Nothing on this list (any more).")
DRILL_TAP_HINT = N_("Tap a client to open the card.")
DRILL_RECORDS_HIDDEN = N_(
    "Another team's client records are not shown in the chat; listed by code only."
)
DRILL_NOT_YOURS = N_("That list is not one you can open.")
DRILL_BACK_TEAM = N_("« Team")
DRILL_MANAGE = N_("⚙ Manage")


def drill_due(day: str) -> str:
    return t("due {day}", day=day)


def drill_since(day: str) -> str:
    return t("since {day}", day=day)


# ── a worker's day and caseload ─────────────────────────────────────────────


def worker_day_title(name: str, day: str) -> str:
    return t("<b>{name} · {day}</b>", name=escape(name), day=day)


def worker_caseload(open_clients: int) -> str:
    return tn("{count} open client", "{count} open clients", open_clients)


WORKER_DAY_TODAY = N_("<b>Today</b>")
WORKER_DAY_NOTHING = N_("No appointments today.")

# ── the reminder about an appointment left open ──────────────────────────────


def unclosed_reminder(client: str, kind: str, when: str) -> str:
    """`client` arrives as shown (code and name, or initials under private previews)."""
    return t(
        "⌛ {client} · {kind} {when} is still open, two hours after its end. "
        "Did it happen? ✅ Done logs the visit.",
        client=client,
        kind=kind,
        when=when,
    )
