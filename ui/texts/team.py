"""Texts of the people admin under /team: the people rows, a person's card, its
questions and confirmations, the unused invites.

Worker names only — never a client's. Every name passes through `escape` here; button
labels are plain text (Telegram does not parse them), so they take names unescaped.
"""

from __future__ import annotations

from html import escape

PEOPLE_MARK_OFF = "⏸"
PEOPLE_MARK_UNREACHABLE = "⚠"
PEOPLE_MARK_COVERING = "🛟"
ROLE_NAMES = {"worker": "worker", "supervisor": "supervisor", "admin": "admin"}

TEAM_PEOPLE_EMPTY = "Nobody to show yet. Invite someone with /invite."
TEAM_INVITES_BUTTON = "✉ Unused invites"
TEAM_BACK = "« Back"
TEAM_BACK_TO_LIST = "« Team"
TEAM_BACK_TO_CARD = "« Card"
TEAM_SWITCH_OFF = "⏸ Switch off"
TEAM_SWITCH_ON = "▶ Switch on"
TEAM_MOVE = "⇄ Move to team…"
TEAM_ROLE = "👤 Role…"
TEAM_COVER = "🛟 Cover…"
TEAM_CANCEL = "Cancel"
TEAM_YES_SWITCH_OFF = "Yes, switch off"
TEAM_YES_MOVE = "Yes, move"
TEAM_YES_ROLE = "Yes, change"
TEAM_YES_COVER = "Yes, give cover"
TEAM_YES_REVOKE = "Yes, revoke"
TEAM_TO_SUPERVISOR = "🧭 Team supervisor"
TEAM_NOT_FOUND = "That person isn't on your team list."
TEAM_INVITE_NOT_FOUND = "That invite isn't on your list."
TEAM_NO_TEAMS = "There is no other team to move to. An admin can create one."
TEAM_NO_TAKERS = (
    "Nobody in the team can take these clients. Invite a colleague first, "
    "or ask an admin to make someone supervisor."
)
TEAM_NO_COVERERS = "There is no other active worker in this team who could cover."
TEAM_INVITES_EMPTY = "No unused invites."
TEAM_INVITE_HINT = "Send /invite to make a new invite code."
TEAM_SWITCHED_ON_TOAST = "Switched on."
TEAM_COVER_ENDED_TOAST = "Cover ended."
TEAM_ALREADY_TOAST = "Already done."
TEAM_SELF = "You can't do that to yourself. Ask another admin."
TEAM_LAST_ADMIN = "This is the last admin. Make someone else admin first."
TEAM_NO_SUPERVISOR = "The team has no supervisor now. Choose a colleague."
TEAM_TAKER_GONE = "That colleague can't take clients any more. Choose again."
TEAM_UNKNOWN_TEAM = "That team doesn't exist any more."
TEAM_COVER_DATE = "That date can't be used for a cover. Choose again."
TEAM_INACTIVE = "One of them is switched off, so there is no cover to give."


def _clients(count: int) -> str:
    return f"{count} client" if count == 1 else f"{count} clients"


def team_people_title(team: str | None, count: int, page: int, pages: int) -> str:
    """Above the people rows: whose people, how many; the page when there are several."""
    where = escape(team) if team else "All teams"
    people = "1 person" if count == 1 else f"{count} people"
    more = f" · page {page + 1}/{pages}" if pages > 1 else ""
    legend = f"<i>{PEOPLE_MARK_OFF} switched off · {PEOPLE_MARK_UNREACHABLE} unreachable · "
    legend += f"{PEOPLE_MARK_COVERING} covering</i>"
    return f"👥 <b>{where} · {people}</b>{more}\nTap a person to open their card.\n{legend}"


def team_person_button(mark: str, name: str, role: str, open_clients: int) -> str:
    """A people row (plain text: a button label)."""
    lead = f"{mark} " if mark else ""
    return f"{lead}{name} · {ROLE_NAMES.get(role, role)} · {open_clients} open"


def team_group_button(team: str | None) -> str:
    return f"— {team or 'No team'} —"


def person_card(
    name: str,
    role: str,
    team: str | None,
    status: str,
    open_clients: int,
    covering: list[tuple[str, str]],
    covered_by: list[tuple[str, str]],
) -> str:
    """A person's card; `covering` / `covered_by`: (colleague's name, until) pairs."""
    lines = [
        f"👤 <b>{escape(name)}</b>",
        f"{ROLE_NAMES.get(role, role).capitalize()} · {escape(team) if team else 'no team'}",
        status,
        f"Open clients: {open_clients}",
    ]
    lines += [
        f"{PEOPLE_MARK_COVERING} Covers {escape(who)} until {until}" for who, until in covering
    ]
    lines += [
        f"{PEOPLE_MARK_COVERING} Covered by {escape(who)} until {until}"
        for who, until in covered_by
    ]
    return "\n".join(lines)


def person_status(status: str, since: str | None) -> str:
    if status == "deactivated":
        return f"{PEOPLE_MARK_OFF} Switched off" + (f" since {since}" if since else "")
    if status == "unreachable":
        return (
            f"{PEOPLE_MARK_UNREACHABLE} Unreachable"
            + (f" since {since}" if since else "")
            + " (blocked the bot): access stays until you decide"
        )
    return "✅ Active"


def end_cover_button(name: str) -> str:
    return f"End cover · {name}"


def who_takes(name: str, count: int) -> str:
    return f"Who takes {escape(name)}'s {_clients(count)}?"


def taker_button(name: str, role: str) -> str:
    return f"{name} · {ROLE_NAMES.get(role, role)}"


def supervisor_button(name: str) -> str:
    return f"{TEAM_TO_SUPERVISOR} · {name}"


def confirm_switch_off(name: str, count: int, to: str | None) -> str:
    if count and to:
        return f"Switch off {escape(name)} and hand {_clients(count)} to {escape(to)}?"
    return (
        f"Switch off {escape(name)}?\nThey can't use Caseline from their next message; "
        "their records stay."
    )


def switched_off(name: str, count: int, to: str | None) -> str:
    text = f"{PEOPLE_MARK_OFF} {escape(name)} is switched off."
    if count and to:
        text += f"\n{_clients(count).capitalize()} went to {escape(to)}."
    return text


def which_team(name: str) -> str:
    return f"Move {escape(name)} to which team?"


def confirm_move(name: str, team: str, count: int, to: str | None) -> str:
    text = f"Move {escape(name)} to {escape(team)}"
    if count and to:
        text += f" and hand {_clients(count)} to {escape(to)}"
    return text + "?"


def moved(name: str, team: str, count: int, to: str | None) -> str:
    text = f"⇄ {escape(name)} is now in {escape(team)}."
    if count and to:
        text += f"\n{_clients(count).capitalize()} stayed in the old team with {escape(to)}."
    return text


def which_role(name: str, role: str) -> str:
    return f"{escape(name)} is {ROLE_NAMES.get(role, role)} now. Which role instead?"


def confirm_role(name: str, role: str) -> str:
    return f"Make {escape(name)} {ROLE_NAMES.get(role, role)}?"


def role_changed(name: str, role: str) -> str:
    return f"👤 {escape(name)} is now {ROLE_NAMES.get(role, role)}."


def who_covers(name: str) -> str:
    return f"Who covers {escape(name)}'s clients?"


def cover_until(name: str, covering: str) -> str:
    return f"{escape(covering)} covers {escape(name)} until when?"


def cover_weeks_button(weeks: int, day: str) -> str:
    return f"{weeks} week{'s' if weeks > 1 else ''} · {day}"


def confirm_cover(name: str, covering: str, day: str) -> str:
    return (
        f"Let {escape(covering)} see and work on {escape(name)}'s clients until the end of "
        f"{day}?\nNothing is transferred; it ends by itself."
    )


def cover_given(name: str, covering: str, day: str) -> str:
    return f"{PEOPLE_MARK_COVERING} {escape(covering)} covers {escape(name)} until {day}."


def clients_changed(count: int) -> str:
    return (
        f"Their clients changed since you were asked: {_clients(count)} now. "
        "Nothing was changed. Open the card and choose again."
    )


def invites_title(count: int) -> str:
    return f"✉ <b>Unused invites · {count}</b>\nOnly the number of each is kept, never its code."


def invite_line(number: int, role: str, team: str | None, by: str | None, expires: str) -> str:
    where = escape(team) if team else "no team"
    who = escape(by) if by else "the operator"
    return f"#{number} · {ROLE_NAMES.get(role, role)} · {where} · by {who} · until {expires}"


def revoke_button(number: int) -> str:
    return f"Revoke #{number}"


def confirm_revoke(number: int) -> str:
    return f"Revoke invite #{number}? Whoever has its code can't join with it any more."


def revoked(number: int) -> str:
    return f"Invite #{number} is revoked."


def invite_stale(number: int) -> str:
    return f"Invite #{number} was used, revoked or has expired already."
