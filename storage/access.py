"""Least privilege, expressed as SQL: which clients an actor may see.

A worker sees their own caseload, a supervisor and an admin their team's (and their
own); someone covering a colleague (`Actor.covering`: an active cover) sees that
colleague's clients too, until the cover ends. Every query that returns client data goes
through `visible_clients`, so a forged id simply finds nothing.

Admins administer people in every team but read client records like a supervisor (least
privilege): another team's records are work for the operator's shell (`caseline export`,
`caseline audit`), not for a chat account that could be lost with its phone.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from sqlalchemy import ColumnElement, bindparam, false, select

from storage.kinds import Role
from storage.models import Client, Worker
from storage.workers import Actor

Reach = Literal["nothing", "own", "team"]


def visible_clients(actor: Actor) -> ColumnElement[bool]:
    """The rule as one SQL condition with the actor's values in it."""
    reach, covering = shape(actor)
    return visibility(reach, covering).params(visible_parameters(actor))


def visible_parameters(actor: Actor) -> dict[str, Any]:
    """The values `visibility(*shape)` leaves as parameters, for a statement built once
    with it (storage/notes.py's one-liner lookup, which runs for every note)."""
    return {
        "visible_actor_id": actor.id,
        "visible_covering": sorted(actor.covering),
        "visible_team_id": actor.team_id,
    }


def shape(actor: Actor) -> tuple[Reach, bool]:
    """What `visibility` is built from: how far the actor reads, and whether they cover
    someone. Few shapes, so a statement built with one can be cached by it."""
    if actor.role not in (Role.WORKER, Role.SUPERVISOR, Role.ADMIN):
        return "nothing", False
    team = actor.role in (Role.SUPERVISOR, Role.ADMIN) and actor.team_id is not None
    return ("team" if team else "own"), bool(actor.covering)


@cache
def visibility(reach: Reach, covering: bool) -> ColumnElement[bool]:
    """The one definition, its values as parameters (`visible_parameters`): built once
    per shape, since building SQL expressions is a good part of an answer's CPU."""
    if reach == "nothing":
        return false()
    mine: ColumnElement[bool] = Client.worker_id == bindparam("visible_actor_id")
    if covering:
        mine = mine | Client.worker_id.in_(bindparam("visible_covering", expanding=True))
    if reach == "team":
        team = (
            select(Worker.id)
            .where(Worker.team_id == bindparam("visible_team_id"))
            .scalar_subquery()
        )
        return Client.worker_id.in_(team) | mine
    return mine
