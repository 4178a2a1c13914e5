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

from sqlalchemy import ColumnElement, false, select

from storage.kinds import Role
from storage.models import Client, Worker
from storage.workers import Actor


def visible_clients(actor: Actor) -> ColumnElement[bool]:
    if actor.role not in (Role.WORKER, Role.SUPERVISOR, Role.ADMIN):
        return false()
    mine: ColumnElement[bool] = Client.worker_id == actor.id
    if actor.covering:
        mine = mine | Client.worker_id.in_(sorted(actor.covering))
    if actor.role in (Role.SUPERVISOR, Role.ADMIN) and actor.team_id is not None:
        team = select(Worker.id).where(Worker.team_id == actor.team_id).scalar_subquery()
        return Client.worker_id.in_(team) | mine
    return mine
