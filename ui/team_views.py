"""People admin under /team as Telegram shows it: the people rows, a person's card, the
questions (who takes the clients, which team, which role, who covers and until when),
the confirmations, and the unused invites. No database here.

Every button carries ids only, `tm:<action>:<ids…>` (≤ 64 bytes, ui/callbacks.py); a
confirmation's Yes carries the whole decision, including how many clients the question
counted, so the use case can refuse to act on facts that changed since.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.usecases.people import InviteRow, Person, PersonStatus
from domain.usecases.people_choices import PersonChoices
from storage.kinds import Role
from ui import texts
from ui.callbacks import pack
from ui.i18n import sentence_start
from ui.timefmt import day_label, short_date
from ui.views import View
from ui.views import button_label as label

PREFIX = "tm"
PAGE_SIZE = 15
COVER_WEEKS = (1, 2, 4)
# In callback data: clients_to="supervisor", and no clients to hand over.
TO_SUPERVISOR = "s"
TO_NOBODY = "0"


def button(text: str, action: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label(text), callback_data=pack(PREFIX, action, *args))


def _mark(person: Person) -> str:
    if person.status == PersonStatus.DEACTIVATED:
        return texts.PEOPLE_MARK_OFF
    if person.status == PersonStatus.UNREACHABLE:
        return texts.PEOPLE_MARK_UNREACHABLE
    if person.covering:
        return texts.PEOPLE_MARK_COVERING
    return ""


def _day(day: date) -> str:
    return day_label(day)


def _until(moment: datetime, zone: ZoneInfo) -> str:
    """A cover's end is the midnight after its last day: show that last day."""
    return _day((moment.astimezone(zone) - timedelta(microseconds=1)).date())


# ---------------------------------------------------------------------------------------
# The people rows


def people_view(found: list[Person], *, all_teams: bool, page: int) -> View:
    """One button per person (admins: grouped by team under a team line), paged by
    PAGE_SIZE with ‹ ›, then ✉ Unused invites (new ones: /invite)."""
    rows: list[list[InlineKeyboardButton]] = []
    ordered = sorted(found, key=lambda p: ((p.team or "").casefold(), p.name.casefold()))
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = ordered[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    team: object = object()
    for person in shown:
        if all_teams and person.team != team:
            team = person.team
            rows.append([button(texts.team_group_button(person.team), "ls", page)])
        text = texts.team_person_button(
            _mark(person), person.name, person.role, person.open_clients
        )
        rows.append([button(text, "p", person.id)])
    nav = []
    if page > 0:
        nav.append(button("‹", "ls", page - 1))
    if page < pages - 1:
        nav.append(button("›", "ls", page + 1))
    if nav:
        rows.append(nav)
    rows.append([button(texts.TEAM_INVITES_BUTTON, "iv")])
    own = None if all_teams or not found else found[0].team
    title = texts.team_people_title(own, len(found), page, pages)
    return View(title if found else texts.TEAM_PEOPLE_EMPTY, InlineKeyboardMarkup(rows))


# ---------------------------------------------------------------------------------------
# A person's card


def card_view(choices: PersonChoices, zone: ZoneInfo) -> View:
    person = choices.person
    since = None
    if person.status == PersonStatus.DEACTIVATED and person.deactivated_at:
        since = short_date(person.deactivated_at, zone)
    if person.status == PersonStatus.UNREACHABLE and person.unreachable_at:
        since = short_date(person.unreachable_at, zone)
    text = texts.person_card(
        person.name,
        person.role,
        person.team,
        texts.person_status(person.status.value, since),
        person.open_clients,
        [(row.covered_name, _until(row.ends_at, zone)) for row in person.covering],
        [(row.covering_name, _until(row.ends_at, zone)) for row in person.covered_by],
    )
    # One button a row: the card is a narrow bubble, and on a 390 px phone two buttons
    # side by side cut "⏸ Switch off" to "⏸ Switch…".
    rows: list[list[InlineKeyboardButton]] = []
    if choices.may_manage:
        if person.status == PersonStatus.DEACTIVATED:
            rows.append([button(texts.TEAM_SWITCH_ON, "on", person.id)])
        else:
            rows.append([button(texts.TEAM_SWITCH_OFF, "off", person.id)])
            rows.append([button(texts.TEAM_MOVE, "mv", person.id)])
    if choices.may_change_role:
        rows.append([button(texts.TEAM_ROLE, "rl", person.id)])
    if choices.may_cover:
        rows.append([button(texts.TEAM_COVER, "cv", person.id)])
    for row in (*person.covering, *person.covered_by):
        other = row.covered_name if row.covering_id == person.id else row.covering_name
        rows.append([button(texts.end_cover_button(other), "ce", row.id, person.id)])
    rows.append([button(texts.TEAM_BACK, "ls", 0)])
    return View(text, InlineKeyboardMarkup(rows))


def _back(person_id: int) -> list[InlineKeyboardButton]:
    return [button(texts.TEAM_BACK, "p", person_id)]


# ---------------------------------------------------------------------------------------
# Who takes the clients (switching off: "off…"; moving: "mv…" with the team id)


def takers_view(choices: PersonChoices, action: str, *head: object) -> View:
    """`action` is "offto" or "mvto"; `head` the ids before the taker (person[, team])."""
    count = choices.to_hand_over
    rows = [
        [button(texts.taker_button(c.name, c.role), action, *head, c.id, count)]
        for c in choices.takers
    ]
    if choices.supervisor is not None:
        rows.append(
            [
                button(
                    texts.supervisor_button(choices.supervisor.name),
                    action,
                    *head,
                    TO_SUPERVISOR,
                    count,
                )
            ]
        )
    rows.append(_back(choices.person.id))
    if len(rows) == 1:
        return View(texts.TEAM_NO_TAKERS, InlineKeyboardMarkup(rows))
    return View(texts.who_takes(choices.person.name, count), InlineKeyboardMarkup(rows))


def taker_name(choices: PersonChoices, to: str) -> str | None:
    """The name behind a taker in callback data ("s", "0" or an id), or None."""
    if to == TO_SUPERVISOR:
        return choices.supervisor.name if choices.supervisor else None
    if to == TO_NOBODY:
        return None
    found = choices.colleague(int(to)) if to.isdecimal() else None
    return found.name if found else None


def confirm_off_view(choices: PersonChoices, to: str, count: int) -> View:
    person = choices.person
    text = texts.confirm_switch_off(person.name, count, taker_name(choices, to))
    rows = [
        [
            button(texts.TEAM_YES_SWITCH_OFF, "offok", person.id, to, count),
            button(texts.TEAM_CANCEL, "p", person.id),
        ]
    ]
    return View(text, InlineKeyboardMarkup(rows))


def teams_view(choices: PersonChoices) -> View:
    person = choices.person
    rows = [[button(team.name, "mvt", person.id, team.id)] for team in choices.teams]
    rows.append(_back(person.id))
    text = texts.which_team(person.name) if choices.teams else texts.TEAM_NO_TEAMS
    return View(text, InlineKeyboardMarkup(rows))


def team_name(choices: PersonChoices, team_id: int) -> str | None:
    return next((team.name for team in choices.teams if team.id == team_id), None)


def confirm_move_view(choices: PersonChoices, team_id: int, to: str, count: int) -> View:
    person = choices.person
    text = texts.confirm_move(
        person.name, team_name(choices, team_id) or "?", count, taker_name(choices, to)
    )
    rows = [
        [
            button(texts.TEAM_YES_MOVE, "mvok", person.id, team_id, to, count),
            button(texts.TEAM_CANCEL, "p", person.id),
        ]
    ]
    return View(text, InlineKeyboardMarkup(rows))


# ---------------------------------------------------------------------------------------
# Role and cover

ROLE_KEYS = {"w": Role.WORKER, "s": Role.SUPERVISOR, "a": Role.ADMIN}


def roles_view(choices: PersonChoices) -> View:
    person = choices.person
    rows = [
        [
            button(sentence_start(texts.ROLE_NAMES[role]), "rlt", person.id, key)
            for key, role in ROLE_KEYS.items()
            if role != person.role
        ],
        _back(person.id),
    ]
    return View(texts.which_role(person.name, person.role), InlineKeyboardMarkup(rows))


def confirm_role_view(choices: PersonChoices, key: str) -> View:
    person = choices.person
    rows = [
        [
            button(texts.TEAM_YES_ROLE, "rlok", person.id, key),
            button(texts.TEAM_CANCEL, "p", person.id),
        ]
    ]
    return View(texts.confirm_role(person.name, ROLE_KEYS[key]), InlineKeyboardMarkup(rows))


def coverers_view(choices: PersonChoices) -> View:
    person = choices.person
    # Workers cover workers: a supervisor sees the team's clients already.
    coverers = [c for c in choices.colleagues if c.role == Role.WORKER]
    rows = [[button(texts.taker_button(c.name, c.role), "cvw", person.id, c.id)] for c in coverers]
    rows.append(_back(person.id))
    text = texts.who_covers(person.name) if coverers else texts.TEAM_NO_COVERERS
    return View(text, InlineKeyboardMarkup(rows))


def cover_days(now: datetime, zone: ZoneInfo) -> list[tuple[int, date]]:
    today = now.astimezone(zone).date()
    return [(weeks, today + timedelta(weeks=weeks)) for weeks in COVER_WEEKS]


def day_arg(day: date) -> str:
    return f"{day:%Y%m%d}"


def read_day(arg: str) -> date | None:
    if len(arg) != 8 or not arg.isdecimal():
        return None
    try:
        return date(int(arg[:4]), int(arg[4:6]), int(arg[6:]))
    except ValueError:
        return None


def until_view(choices: PersonChoices, covering_id: int, now: datetime, zone: ZoneInfo) -> View:
    person = choices.person
    covering = choices.colleague(covering_id)
    rows = [
        [
            button(
                texts.cover_weeks_button(weeks, _day(day)),
                "cvu",
                person.id,
                covering_id,
                day_arg(day),
            )
        ]
        for weeks, day in cover_days(now, zone)
    ]
    rows.append([button(texts.TEAM_BACK, "cv", person.id)])
    text = texts.cover_until(person.name, covering.name if covering else "?")
    return View(text, InlineKeyboardMarkup(rows))


def confirm_cover_view(choices: PersonChoices, covering_id: int, day: date) -> View:
    person = choices.person
    covering = choices.colleague(covering_id)
    rows = [
        [
            button(texts.TEAM_YES_COVER, "cvok", person.id, covering_id, day_arg(day)),
            button(texts.TEAM_CANCEL, "p", person.id),
        ]
    ]
    text = texts.confirm_cover(person.name, covering.name if covering else "?", _day(day))
    return View(text, InlineKeyboardMarkup(rows))


def cover_until_day(ends_at: datetime, zone: ZoneInfo) -> str:
    return _until(ends_at, zone)


# ---------------------------------------------------------------------------------------
# After a change, and the invites


def done_view(text: str, person_id: int | None) -> View:
    """What was done, with the way back to the card and to the list."""
    rows = [button(texts.TEAM_BACK_TO_LIST, "ls", 0)]
    if person_id is not None:
        rows.insert(0, button(texts.TEAM_BACK_TO_CARD, "p", person_id))
    return View(text, InlineKeyboardMarkup([rows]))


def invites_view(found: list[InviteRow], zone: ZoneInfo) -> View:
    lines = [texts.invites_title(len(found))] if found else [texts.TEAM_INVITES_EMPTY]
    lines += [
        texts.invite_line(
            row.id, row.role, row.team, row.created_by, _day(row.expires_at.astimezone(zone).date())
        )
        for row in found
    ]
    lines.append(texts.TEAM_INVITE_HINT)
    buttons = [button(texts.revoke_button(row.id), "ir", row.id) for row in found]
    rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
    rows.append([button(texts.TEAM_BACK_TO_LIST, "ls", 0)])
    return View("\n".join(lines), InlineKeyboardMarkup(rows))


def confirm_revoke_view(invite_id: int) -> View:
    rows = [
        [
            button(texts.TEAM_YES_REVOKE, "irok", invite_id),
            button(texts.TEAM_CANCEL, "iv"),
        ]
    ]
    return View(texts.confirm_revoke(invite_id), InlineKeyboardMarkup(rows))


def revoked_view(text: str) -> View:
    rows = [[button(texts.TEAM_INVITES_BUTTON, "iv"), button(texts.TEAM_BACK_TO_LIST, "ls", 0)]]
    return View(text, InlineKeyboardMarkup(rows))
