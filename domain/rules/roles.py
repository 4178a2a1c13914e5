"""What each role may do to a client's record and to the team: pure rules, no I/O.

Who may SEE a client is a query (storage/access.py: `visible_clients`); these rules say
what a role may do with a record it can see.
"""

from __future__ import annotations

from storage.models import Role

# Transfer: supervisors (within their team) and admins.
TRANSFER_ROLES: frozenset[str] = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Discharge and reopen: whoever may see the client.
DISCHARGE_ROLES: frozenset[str] = frozenset(Role)
# Who may be handed a case.
TRANSFER_TARGET_ROLES: tuple[Role, ...] = (Role.WORKER, Role.SUPERVISOR)
# A discharge reason, as stored and shown.
DISCHARGE_REASON_MAX = 500


def may_transfer(role: str) -> bool:
    return role in TRANSFER_ROLES


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
