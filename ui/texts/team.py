"""Texts of the people admin under /team: the people rows, a person's card, its
questions and confirmations, the unused invites.

Worker names only — never a client's. Every name passes through `escape` here; button
labels are plain text (Telegram does not parse them), so they take names unescaped.
"""

from __future__ import annotations

from html import escape

from ui.i18n import N_, sentence_start, t, tn
from ui.i18n import gettext as _
from ui.i18n import translated as tr

PEOPLE_MARK_OFF = "⏸"
PEOPLE_MARK_UNREACHABLE = "⚠"
PEOPLE_MARK_COVERING = "🛟"
ROLE_NAMES = {"worker": N_("worker"), "supervisor": N_("supervisor"), "admin": N_("admin")}

TEAM_PEOPLE_EMPTY = N_("Nobody to show yet. Invite someone with /invite.")
TEAM_INVITES_BUTTON = N_("✉ Unused invites")
TEAM_BACK = N_("« Back")
TEAM_BACK_TO_LIST = N_("« Team")
TEAM_BACK_TO_CARD = N_("« Card")
TEAM_SWITCH_OFF = N_("⏸ Switch off")
TEAM_SWITCH_ON = N_("▶ Switch on")
TEAM_MOVE = N_("⇄ Move to team…")
TEAM_ROLE = N_("👤 Role…")
TEAM_COVER = N_("🛟 Cover…")
TEAM_CANCEL = N_("Cancel")
TEAM_YES_SWITCH_OFF = N_("Yes, switch off")
TEAM_YES_MOVE = N_("Yes, move")
TEAM_YES_ROLE = N_("Yes, change")
TEAM_YES_COVER = N_("Yes, give cover")
TEAM_YES_REVOKE = N_("Yes, revoke")
TEAM_TO_SUPERVISOR = N_("🧭 Team supervisor")
TEAM_NOT_FOUND = N_("That person isn't on your team list.")
TEAM_INVITE_NOT_FOUND = N_("That invite isn't on your list.")
TEAM_NO_TEAMS = N_("There is no other team to move to. An admin can create one.")
TEAM_NO_TAKERS = N_(
    "Nobody in the team can take these clients. Invite a colleague first, "
    "or ask an admin to make someone supervisor."
)
TEAM_NO_COVERERS = N_("There is no other active worker in this team who could cover.")
TEAM_INVITES_EMPTY = N_("No unused invites.")
TEAM_INVITE_HINT = N_("Send /invite to make a new invite code.")
TEAM_SWITCHED_ON_TOAST = N_("Switched on.")
TEAM_COVER_ENDED_TOAST = N_("Cover ended.")
TEAM_ALREADY_TOAST = N_("Already done.")
TEAM_SELF = N_("You can't do that to yourself. Ask another admin.")
TEAM_LAST_ADMIN = N_("This is the last admin. Make someone else admin first.")
TEAM_NO_SUPERVISOR = N_("The team has no supervisor now. Choose a colleague.")
TEAM_TAKER_GONE = N_("That colleague can't take clients any more. Choose again.")
TEAM_UNKNOWN_TEAM = N_("That team doesn't exist any more.")
TEAM_COVER_DATE = N_("That date can't be used for a cover. Choose again.")
TEAM_INACTIVE = N_("One of them is switched off, so there is no cover to give.")


def _clients(count: int) -> str:
    return tn("{count} client", "{count} clients", count)


def team_people_title(team: str | None, count: int, page: int, pages: int) -> str:
    """Above the people rows: whose people, how many; the page when there are several."""
    where = escape(team) if team else _("All teams")
    people = tn("{count} person", "{count} people", count)
    more = t(" · page {page}/{pages}", page=page + 1, pages=pages) if pages > 1 else ""
    legend = t(
        "<i>{people_mark_off} switched off · {people_mark_unreachable} unreachable · ",
        people_mark_off=tr(PEOPLE_MARK_OFF),
        people_mark_unreachable=tr(PEOPLE_MARK_UNREACHABLE),
    )
    legend += t(
        "{people_mark_covering} covering</i>", people_mark_covering=tr(PEOPLE_MARK_COVERING)
    )
    return t(
        "👥 <b>{where} · {people}</b>{more}\nTap a person to open their card.\n{legend}",
        where=where,
        people=people,
        more=more,
        legend=legend,
    )


def team_person_button(mark: str, name: str, role: str, open_clients: int) -> str:
    """A people row (plain text: a button label)."""
    lead = f"{mark} " if mark else ""
    return t(
        "{lead}{name} · {role} · {open_clients} open",
        lead=lead,
        name=name,
        role=tr(ROLE_NAMES).get(role, role),
        open_clients=open_clients,
    )


def team_group_button(team: str | None) -> str:
    name = team or _("No team")
    return f"— {name} —"


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
    role_name = sentence_start(tr(ROLE_NAMES).get(role, role))
    team_name = escape(team) if team else _("no team")
    lines = [
        f"👤 <b>{escape(name)}</b>",
        f"{role_name} · {team_name}",
        status,
        t("Open clients: {open_clients}", open_clients=open_clients),
    ]
    lines += [
        t(
            "{people_mark_covering} Covers {who} until {until}",
            people_mark_covering=tr(PEOPLE_MARK_COVERING),
            who=escape(who),
            until=until,
        )
        for who, until in covering
    ]
    lines += [
        t(
            "{people_mark_covering} Covered by {who} until {until}",
            people_mark_covering=tr(PEOPLE_MARK_COVERING),
            who=escape(who),
            until=until,
        )
        for who, until in covered_by
    ]
    return "\n".join(lines)


def person_status(status: str, since: str | None) -> str:
    if status == "deactivated":
        return t("{people_mark_off} Switched off", people_mark_off=tr(PEOPLE_MARK_OFF)) + (
            t(" since {since}", since=since) if since else ""
        )
    if status == "unreachable":
        return (
            t(
                "{people_mark_unreachable} Unreachable",
                people_mark_unreachable=tr(PEOPLE_MARK_UNREACHABLE),
            )
            + (t(" since {since}", since=since) if since else "")
            + _(" (blocked the bot): access stays until you decide")
        )
    return _("✅ Active")


def end_cover_button(name: str) -> str:
    return t("End cover · {name}", name=name)


def who_takes(name: str, count: int) -> str:
    return t("Who takes {name}'s {clients}?", name=escape(name), clients=_clients(count))


def taker_button(name: str, role: str) -> str:
    return f"{name} · {tr(ROLE_NAMES).get(role, role)}"


def supervisor_button(name: str) -> str:
    return f"{tr(TEAM_TO_SUPERVISOR)} · {name}"


def confirm_switch_off(name: str, count: int, to: str | None) -> str:
    if count and to:
        return t(
            "Switch off {name} and hand {clients} to {to}?",
            name=escape(name),
            clients=_clients(count),
            to=escape(to),
        )
    return t(
        "Switch off {name}?\nThey can't use Caseline from their next message; their records stay.",
        name=escape(name),
    )


def switched_off(name: str, count: int, to: str | None) -> str:
    text = t(
        "{people_mark_off} {name} is switched off.",
        people_mark_off=tr(PEOPLE_MARK_OFF),
        name=escape(name),
    )
    if count and to:
        text += t(
            "\n{clients} went to {to}.", clients=sentence_start(_clients(count)), to=escape(to)
        )
    return text


def which_team(name: str) -> str:
    return t("Move {name} to which team?", name=escape(name))


def confirm_move(name: str, team: str, count: int, to: str | None) -> str:
    text = t("Move {name} to {team}", name=escape(name), team=escape(team))
    if count and to:
        text += t(" and hand {clients} to {to}", clients=_clients(count), to=escape(to))
    return text + "?"


def moved(name: str, team: str, count: int, to: str | None) -> str:
    text = t("⇄ {name} is now in {team}.", name=escape(name), team=escape(team))
    if count and to:
        text += t(
            "\n{clients} stayed in the old team with {to}.",
            clients=sentence_start(_clients(count)),
            to=escape(to),
        )
    return text


def which_role(name: str, role: str) -> str:
    return t(
        "{name} is {role} now. Which role instead?",
        name=escape(name),
        role=tr(ROLE_NAMES).get(role, role),
    )


def confirm_role(name: str, role: str) -> str:
    return t("Make {name} {role}?", name=escape(name), role=tr(ROLE_NAMES).get(role, role))


def role_changed(name: str, role: str) -> str:
    return t("👤 {name} is now {role}.", name=escape(name), role=tr(ROLE_NAMES).get(role, role))


def who_covers(name: str) -> str:
    return t("Who covers {name}'s clients?", name=escape(name))


def cover_until(name: str, covering: str) -> str:
    return t("{covering} covers {name} until when?", covering=escape(covering), name=escape(name))


def cover_weeks_button(weeks: int, day: str) -> str:
    return tn("{count} week · {day}", "{count} weeks · {day}", weeks, day=day)


def confirm_cover(name: str, covering: str, day: str) -> str:
    return t(
        "Let {covering} see and work on {name}'s clients until the end of "
        "{day}?\nNothing is transferred; it ends by itself.",
        covering=escape(covering),
        name=escape(name),
        day=day,
    )


def cover_given(name: str, covering: str, day: str) -> str:
    return t(
        "{people_mark_covering} {covering} covers {name} until {day}.",
        people_mark_covering=tr(PEOPLE_MARK_COVERING),
        covering=escape(covering),
        name=escape(name),
        day=day,
    )


def clients_changed(count: int) -> str:
    return t(
        "Their clients changed since you were asked: {clients} now. Nothing was "
        "changed. Open the card and choose again.",
        clients=_clients(count),
    )


def invites_title(count: int) -> str:
    return t(
        "✉ <b>Unused invites · {count}</b>\nOnly the number of each is kept, never its code.",
        count=count,
    )


def invite_line(number: int, role: str, team: str | None, by: str | None, expires: str) -> str:
    where = escape(team) if team else _("no team")
    who = escape(by) if by else _("the operator")
    return t(
        "#{number} · {role} · {where} · by {who} · until {expires}",
        number=number,
        role=tr(ROLE_NAMES).get(role, role),
        where=where,
        who=who,
        expires=expires,
    )


def revoke_button(number: int) -> str:
    return t("Revoke #{number}", number=number)


def confirm_revoke(number: int) -> str:
    return t(
        "Revoke invite #{number}? Whoever has its code can't join with it any more.", number=number
    )


def revoked(number: int) -> str:
    return t("Invite #{number} is revoked.", number=number)


def invite_stale(number: int) -> str:
    return t("Invite #{number} was used, revoked or has expired already.", number=number)
