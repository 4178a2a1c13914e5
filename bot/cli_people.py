"""`caseline worker …`, `caseline invite list|revoke` and `caseline team …`: people admin
at the shell.

Each command runs one use case of domain/usecases/people.py as the operator (no actor:
the operator may do everything, and every event says via=cli). WORKER is an id or an
unambiguous name. Nothing prompts; a problem is one line (CommandError, exit 2 in
bot/cli.py). Every name printed goes through storage.names.clean_name.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from domain.results import Gone, Invalid, Refused, Saved, Stale
from domain.usecases import approvals, people
from domain.usecases.people import (
    Ambiguous,
    ClientsTo,
    ClientsToNeeded,
    InviteRow,
    Person,
    PersonChanged,
)
from domain.work import Work
from storage.approvals import TeamApprovals
from storage.kinds import ApprovalKind, Role
from storage.names import clean_name

WORKER_COMMAND = "worker"
TEAM_COMMAND = "team"

REASONS = {
    people.LAST_ADMIN: "is the last active admin: make someone else admin first",
    people.CLIENTS_TO_BAD: "cannot hand clients there: --clients-to must be an active worker "
    "or supervisor of their team",
    people.NO_SUPERVISOR: "has no active supervisor in their team: name a colleague with "
    "--clients-to",
    people.UNKNOWN_ROLE: "cannot take that role: choose worker, supervisor or admin",
    people.TEAM_NAME: "cannot move to a team without a name: give --team a name",
    people.UNKNOWN_TEAM: "cannot move to a team that does not exist",
}


class CommandError(Exception):
    """A problem the operator can fix; printed as one line."""


WORKER_HELP = "an id or an unambiguous name, as `worker list` shows them"
CLIENTS_TO_HELP = (
    "who takes their open clients first: a colleague of their team, or `supervisor` "
    "(required while they hold any)"
)


def add_worker_commands(sub: Any) -> None:
    """`caseline worker list|deactivate|reactivate|move|role`."""
    worker = sub.add_parser(WORKER_COMMAND, help="people: list, switch off or on, move, role")
    worker_sub = worker.add_subparsers(dest="worker_command", required=True, help="what to do")
    worker_sub.add_parser("list", help="everyone, with role, team, status and open clients")
    off = worker_sub.add_parser(
        "deactivate", help="switch someone off now (their clients go to --clients-to first)"
    )
    off.add_argument("worker", metavar="WORKER", help=WORKER_HELP)
    off.add_argument("--clients-to", metavar="WORKER|supervisor", help=CLIENTS_TO_HELP)
    on = worker_sub.add_parser("reactivate", help="switch someone on again (no clients)")
    on.add_argument("worker", metavar="WORKER", help=WORKER_HELP)
    move = worker_sub.add_parser("move", help="move someone to another team")
    move.add_argument("worker", metavar="WORKER", help=WORKER_HELP)
    move.add_argument("--team", required=True, help="the team they join")
    move.add_argument("--clients-to", metavar="WORKER|supervisor", help=CLIENTS_TO_HELP)
    role = worker_sub.add_parser("role", help="change someone's role")
    role.add_argument("worker", metavar="WORKER", help=WORKER_HELP)
    role.add_argument(
        "--role", required=True, choices=[role.value for role in Role], help="the new role"
    )


def add_team_commands(sub: Any) -> None:
    """`caseline team list|approvals`."""
    team = sub.add_parser(TEAM_COMMAND, help="teams: list them, turn approvals on or off")
    team_sub = team.add_subparsers(dest="team_command", required=True, help="what to do")
    team_sub.add_parser("list", help="every team with its approvals")
    approvals_parser = team_sub.add_parser(
        "approvals",
        help="whether a worker's plan activation or discharge waits for a supervisor's "
        "approval (without --plans/--discharges: show it)",
    )
    approvals_parser.add_argument("team", metavar="TEAM", help="the team's name")
    approvals_parser.add_argument(
        "--plans", choices=("on", "off"), help="a worker's plan activation waits for approval"
    )
    approvals_parser.add_argument(
        "--discharges", choices=("on", "off"), help="a worker's discharge waits for approval"
    )


def add_invite_commands(invite: argparse.ArgumentParser) -> None:
    """`caseline invite list` and `caseline invite revoke INVITE_ID` beside the plain
    `caseline invite --role …`, which prints a new code."""
    invite_sub = invite.add_subparsers(
        dest="invite_command", required=False, help="list or revoke (none: a new invite)"
    )
    invite_sub.add_parser("list", help="unused invites (never their codes)")
    revoke = invite_sub.add_parser("revoke", help="withdraw an unused invite")
    revoke.add_argument(
        "invite_id", metavar="INVITE_ID", type=int, help="its id, as `invite list` shows it"
    )


def is_people_command(args: argparse.Namespace) -> bool:
    return args.command in (WORKER_COMMAND, TEAM_COMMAND) or (
        args.command == "invite" and getattr(args, "invite_command", None) is not None
    )


async def run(args: argparse.Namespace, work: Work) -> list[str]:
    """Run one command; the lines to print. CommandError for what the operator can fix."""
    if args.command == TEAM_COMMAND:
        return await _team(args, work)
    if args.command == "invite":
        if args.invite_command == "list":
            return await _invite_list(work)
        return await _invite_revoke(work, args.invite_id)
    command = args.worker_command
    if command == "list":
        return await _worker_list(work)
    person = await _person(work, args.worker)
    if command == "deactivate":
        clients_to = await _clients_to(work, args.clients_to)
        result: Any = await people.deactivate(work, None, person.id, clients_to=clients_to)
        return _changed(result, person, "deactivated")
    if command == "reactivate":
        return _changed(await people.reactivate(work, None, person.id), person, "reactivated")
    if command == "move":
        clients_to = await _clients_to(work, args.clients_to)
        result = await people.move(work, None, person.id, args.team, clients_to=clients_to)
        return _changed(result, person, f"moved to {clean_name(args.team, limit=100)}")
    result = await people.change_role(work, None, person.id, args.role)
    return _changed(result, person, f"now {args.role}")


def _shown(text: str) -> str:
    """What the operator typed, safe to print back."""
    return repr(clean_name(text, limit=60))


async def _person(work: Work, words: str) -> Person:
    found = await people.find_person(work, None, words)
    if isinstance(found, Ambiguous):
        ids = ", ".join(str(worker_id) for worker_id in found.ids)
        raise CommandError(f"{_shown(words)} fits several people (ids {ids}): use an id")
    if isinstance(found, Gone):
        raise CommandError(f"no worker matches {_shown(words)}")
    return found


async def _clients_to(work: Work, words: str | None) -> ClientsTo:
    if words is None:
        return None
    if words.strip().lower() == "supervisor":
        return "supervisor"
    return (await _person(work, words)).id


def _changed(result: Any, person: Person, what: str) -> list[str]:
    name = clean_name(person.name)
    if isinstance(result, Saved):
        changed: PersonChanged = result.value
        line = f"{name} (id {person.id}) {what}"
        if changed.clients_moved:
            to = clean_name(changed.clients_to_name or "")
            line += (
                f"; {changed.clients_moved} client(s) handed to {to} (id {changed.clients_to_id})"
            )
        if changed.covers_ended:
            line += f"; {changed.covers_ended} cover(s) ended"
        return [line]
    if isinstance(result, Stale):
        return [f"nothing to do: {name} (id {person.id}) is {_status_of(result.current)}"]
    if isinstance(result, ClientsToNeeded):
        raise CommandError(
            f"{name} still holds {result.count} client(s): "
            "add --clients-to WORKER or --clients-to supervisor"
        )
    if isinstance(result, Invalid):
        raise CommandError(f"{name} (id {person.id}) {REASONS.get(result.reason, result.reason)}")
    raise CommandError(f"no worker matches id {person.id}")  # Gone: deleted meanwhile


def _status_of(person: Person) -> str:
    return f"{person.status.value}, {person.role}, team {clean_name(person.team or '-')}"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


async def _worker_list(work: Work) -> list[str]:
    found = await people.list_people(work, None)
    assert not isinstance(found, Refused)  # the operator sees everyone
    lines = [f"{'id':>5}  {'name':<28} {'role':<10} {'team':<16} {'status':<11} clients"]
    for person in found:
        covers = "".join(
            [f"  covers {clean_name(row.covered_name)}" for row in person.covering]
            + [f"  covered by {clean_name(row.covering_name)}" for row in person.covered_by]
        )
        lines.append(
            f"{person.id:>5}  {clean_name(person.name)[:28]:<28} {person.role:<10} "
            f"{clean_name(person.team or '-')[:16]:<16} {person.status.value:<11} "
            f"{person.open_clients:>7}{covers}"
        )
    return lines


def _invite_line(row: InviteRow) -> str:
    by = clean_name(row.created_by) if row.created_by else "the operator"
    name = f" for {clean_name(row.name)}" if row.name else ""
    return (
        f"{row.id:>5}  {row.role:<10} {clean_name(row.team or '-')[:16]:<16} "
        f"by {by}{name}, made {_when(row.created_at)}, expires {_when(row.expires_at)}"
    )


async def _invite_list(work: Work) -> list[str]:
    found = await people.list_invites(work, None)
    assert not isinstance(found, Refused)
    if not found:
        return ["no unused invites"]
    header = f"{'id':>5}  {'role':<10} {'team':<16} made by, for, when"
    return [header, *(_invite_line(row) for row in found)]


async def _invite_revoke(work: Work, invite_id: int) -> list[str]:
    result = await people.revoke_invite(work, None, invite_id)
    if isinstance(result, Saved):
        return [f"revoked invite {invite_id}: whoever uses it is told it was withdrawn"]
    if isinstance(result, Stale):
        raise CommandError(f"invite {invite_id} was used, revoked or has expired already")
    raise CommandError(f"there is no invite {invite_id}")


def _approvals_line(team: TeamApprovals) -> str:
    kinds = (("plan activation", team.plans), ("discharge", team.discharges))
    on = ", ".join(name for name, flag in kinds if flag)
    return f"{clean_name(team.team)}: approvals {on or 'off'}"


async def _team(args: argparse.Namespace, work: Work) -> list[str]:
    if args.team_command == "list":
        teams = await approvals.all_teams(work)
        return [_approvals_line(team) for team in teams] or ["no teams yet"]
    wanted = {ApprovalKind.PLAN_ACTIVATION: args.plans, ApprovalKind.DISCHARGE: args.discharges}
    changes = {kind: value == "on" for kind, value in wanted.items() if value is not None}
    if not changes:
        found = [team for team in await approvals.all_teams(work) if team.team == args.team]
        if not found:
            raise CommandError(_no_team(args.team))
        return [_approvals_line(found[0])]
    result: Any = None
    for kind, on in changes.items():
        result = await approvals.set_team_approval(work, None, args.team, kind, on)
        if not isinstance(result, Saved):
            raise CommandError(_no_team(args.team))
    return [_approvals_line(result.value)]


def _no_team(name: str) -> str:
    return f"there is no team {_shown(name)} (`caseline team list` shows them)"
