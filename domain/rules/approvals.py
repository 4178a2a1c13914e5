"""Approvals (Primero's case-plan and closure approvals): which of a worker's actions wait
for a supervisor, and who decides. Pure rules, no I/O.

A team's setting (off by default) makes a plan's activation, a discharge, or both, wait
for a supervisor's approval when a worker does it; a supervisor's or an admin's own
action goes through directly. The team's active supervisors decide (an admin too, for
any team: a team whose supervisor is away still moves).
"""

from __future__ import annotations

from storage.kinds import ApprovalKind, Role

# A returned request's comment, as stored and pushed.
COMMENT_MAX = 500
# Who decides a request.
DECIDERS = (Role.SUPERVISOR, Role.ADMIN)


def needs_approval(role: str, team_id: int | None, flag_on: bool) -> bool:
    """Whether an action of `role` waits for approval in a team whose setting for it is
    `flag_on`: a worker's only, and only in a team."""
    return role == Role.WORKER and team_id is not None and flag_on


def may_decide(role: str, team_id: int | None, request_team_id: int | None) -> bool:
    """A supervisor of the team the request was made in, or an admin."""
    if role == Role.ADMIN:
        return True
    return role == Role.SUPERVISOR and team_id is not None and team_id == request_team_id


def clean_comment(text: str) -> str:
    """A comment as stored: surrounding whitespace gone, inner lines kept."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


KINDS = tuple(ApprovalKind)
