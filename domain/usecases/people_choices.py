"""What the chat's people admin screens offer about one person: their card, and the
choices its questions need (who takes their clients, which team, who covers them), each
answered by one call.

Only the buttons of things the actor may do are offered (domain/rules/roles.py); every
action is checked again by its own use case when the Yes is pressed
(domain/usecases/people.py, covers.py), so a forged or old button changes nothing it
should not. The look is audited "people.view", as look_person's.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.results import Gone, Refused
from domain.rules import roles
from domain.usecases.people import Person, looked_at, person_now
from domain.work import Work
from storage import people
from storage.models import Worker
from storage.workers import Actor, team_members


@dataclass(frozen=True, slots=True)
class Colleague:
    id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class TeamChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PersonChoices:
    """A person's card and what may be done to them by this actor."""

    person: Person
    to_hand_over: int  # clients not discharged: what leaving or moving hands over
    colleagues: tuple[Colleague, ...]  # active people of their team, not them
    supervisor: Colleague | None  # who clients_to="supervisor" names now
    teams: tuple[TeamChoice, ...]  # the teams they could move to
    may_manage: bool  # switch off / on, move
    may_change_role: bool
    may_cover: bool

    @property
    def takers(self) -> tuple[Colleague, ...]:
        """Who may be handed the clients, besides the team supervisor."""
        return tuple(
            colleague
            for colleague in self.colleagues
            if colleague.role in roles.TRANSFER_TARGET_ROLES
            and (self.supervisor is None or colleague.id != self.supervisor.id)
        )

    def colleague(self, worker_id: int | None) -> Colleague | None:
        return next((c for c in self.colleagues if c.id == worker_id), None)


async def person_choices(
    work: Work, actor: Actor, worker_id: int | None
) -> PersonChoices | Gone | Refused:
    """One person's card with the choices the chat offers; Gone / Refused (audited) as
    look_person."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await looked_at(session, actor, worker_id, now)
        if not isinstance(found, Worker):
            return found
        person = await person_now(session, found.id, now)
        members = await team_members(session, found.team_id) if found.team_id else []
        colleagues = tuple(
            Colleague(member.id, member.name, member.role)
            for member in members
            if member.active and member.id != found.id
        )
        first = await people.first_supervisor(session, found.team_id, besides=found.id)
        teams = await people.teams(session)
        left = await people.caseload_left(session, found.id)
        return PersonChoices(
            person=person,
            to_hand_over=len(left),
            colleagues=colleagues,
            supervisor=Colleague(first.id, first.name, first.role) if first else None,
            teams=tuple(TeamChoice(t.id, t.name) for t in teams if t.id != found.team_id),
            may_manage=roles.may_manage(actor.role, actor.team_id, found.role, found.team_id)
            and actor.id != found.id,
            may_change_role=roles.may_change_role(actor.role) and actor.id != found.id,
            may_cover=found.active
            and roles.may_cover(actor.role, actor.team_id, found.team_id, found.team_id),
        )
