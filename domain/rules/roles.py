"""What each role may do to a client's record and to the team: pure rules, no I/O.

Who may SEE a client is a query (storage/access.py: `visible_clients`); these rules say
what a role may do with a record it can see.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from storage.kinds import Role
from storage.localtime import day_end

# Transfer: supervisors (within their team) and admins.
TRANSFER_ROLES: frozenset[str] = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Discharge and reopen: whoever may see the client.
DISCHARGE_ROLES: frozenset[str] = frozenset(Role)
# Who may be handed a case.
TRANSFER_TARGET_ROLES: tuple[Role, ...] = (Role.WORKER, Role.SUPERVISOR)
# A discharge reason, as stored and shown.
DISCHARGE_REASON_MAX = 500
# Comment on a note and co-sign it: supervisors and admins, on the notes of clients
# they may see (their team's: storage/access.py).
REVIEW_ROLES: frozenset[str] = frozenset({Role.SUPERVISOR, Role.ADMIN})


def may_transfer(role: str) -> bool:
    return role in TRANSFER_ROLES


def may_comment(role: str) -> bool:
    """💬 Comment on a note and ✍️ co-sign it (of a client the actor may see)."""
    return role in REVIEW_ROLES


def may_see_team(role: str) -> bool:
    """A team's digest figures (/digest, /team, /trend, the Mini App's team view): not a
    worker's; which team is domain/usecases/digests.py's `team_choice`."""
    return role != Role.WORKER


def may_discharge(role: str) -> bool:
    """Discharge, and reopen a discharged case."""
    return role in DISCHARGE_ROLES


def invitable_roles(role: str) -> tuple[Role, ...]:
    """The roles someone of `role` may invite: a supervisor workers, an admin anyone."""
    if role == Role.SUPERVISOR:
        return (Role.WORKER,)
    if role == Role.ADMIN:
        return tuple(Role)
    return ()


def clean_reason(text: str) -> str:
    """A discharge reason as stored: whitespace collapsed to single spaces."""
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------
# People: who may manage whom, and covers

# How far ahead a cover may end.
COVER_MAX_DAYS = 90


def may_see_people(role: str) -> bool:
    """The team list and a person's card: supervisors (their team) and admins (everyone)."""
    return role in (Role.SUPERVISOR, Role.ADMIN)


def within_reach(actor_role: str, actor_team_id: int | None, target_team_id: int | None) -> bool:
    """Whether a person is someone the actor may look at: an admin anyone, a supervisor
    the people of their own team."""
    if actor_role == Role.ADMIN:
        return True
    return (
        actor_role == Role.SUPERVISOR
        and actor_team_id is not None
        and target_team_id == actor_team_id
    )


def may_manage(
    actor_role: str, actor_team_id: int | None, target_role: str, target_team_id: int | None
) -> bool:
    """Deactivate, reactivate, move, and revoke an invite: admins everyone; supervisors
    the workers (role worker) of their own team."""
    if actor_role == Role.ADMIN:
        return True
    return target_role == Role.WORKER and within_reach(actor_role, actor_team_id, target_team_id)


def may_change_role(actor_role: str) -> bool:
    """Only admins change roles."""
    return actor_role == Role.ADMIN


def may_cover(
    actor_role: str,
    actor_team_id: int | None,
    covering_team_id: int | None,
    covered_team_id: int | None,
) -> bool:
    """Grant or end a cover: admins; a supervisor when both people are of their team."""
    return within_reach(actor_role, actor_team_id, covering_team_id) and within_reach(
        actor_role, actor_team_id, covered_team_id
    )


def cover_ends_at(until: date, zone: ZoneInfo, now: datetime) -> datetime | str:
    """When a cover "until `until`" ends: the end of that day in `zone`, in UTC; or why
    it cannot ("until_past": not in the future, "until_too_far": more than
    COVER_MAX_DAYS ahead)."""
    ends_at = day_end(until, zone)
    if ends_at <= now:
        return "until_past"
    if (until - now.astimezone(zone).date()).days > COVER_MAX_DAYS:
        return "until_too_far"
    return ends_at
