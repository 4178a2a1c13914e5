"""Approvals, decided: a supervisor's ✅ Approve or ↩ Return of a worker's plan activation
or discharge, the worker's ✖ Withdraw, /pending, and the team's setting that turns them on.

(Asking is domain/usecases/approval_requests.py, called by activate_plan and
discharge_client.) Each function owns its transaction, authorises (domain/rules/
approvals.py: the request's team's supervisors and the admins decide; the requester
alone withdraws), audits by ids (approval.approve, .return, .withdraw, .view, .list;
refusals too) and returns one value of domain/results.py:

- Approve applies the original action through the same code as a direct one
  (plans.apply_activation, clients.apply_discharge), as of the approval and recorded by
  the approver with the request and who asked; the worker is told. When it no longer
  applies (the plan changed, the case was closed meanwhile) the request is closed as
  withdrawn and Stale says so.
- Return keeps the plan a draft and the case open, with the supervisor's comment; the
  worker is told.
- A request decided already (a double press, a second supervisor) is AlreadySaved with
  who decided; a conditional update makes sure it is decided once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import AlreadySaved, Gone, Invalid, Refused, Saved, Stale
from domain.rules import approvals as rules
from domain.usecases import approval_requests, clients, plans
from domain.work import Work
from storage import approvals, audit
from storage import plans as plan_store
from storage.approvals import TeamApprovals, WaitingPage
from storage.kinds import ApprovalKind, ApprovalStatus, ClientStatus, Role
from storage.models import Client, Team
from storage.supervision_tables import Approval
from storage.workers import Actor, names, team_named

APPROVE = "approval.approve"
RETURN = "approval.return"
WITHDRAW = "approval.withdraw"
VIEW = "approval.view"
LIST = "approval.list"
TEAM = "team.approvals"
# Invalid reasons of a comment.
COMMENT_EMPTY = "comment_empty"
COMMENT_TOO_LONG = "comment_too_long"
# How many goals a request shows.
GOALS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Request:
    """A request as a card, a push or /pending shows it."""

    id: int
    kind: str
    status: str
    client: Client
    requested_by: str
    requested_at: datetime
    team: str | None
    reason: str | None = None
    plan_version: int | None = None
    goals: tuple[str, ...] = ()
    goal_count: int = 0
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str | None = None
    # What the one who asked for it may do.
    may_decide: bool = False
    mine: bool = False

    @property
    def pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING


@dataclass(frozen=True, slots=True)
class PendingList:
    """/pending: what waits for the actor (a supervisor: their team's; an admin: all),
    or the actor's own requests (a worker)."""

    requests: list[Request]
    page: int
    pages: int
    total: int
    deciding: bool
    all_teams: bool = False
    client_ids: list[int] = field(default_factory=list)


async def _request(session: AsyncSession, approval: Approval, actor: Actor | None) -> Request:
    client = await session.get(Client, approval.client_id)
    assert client is not None  # a foreign key
    people = {approval.requested_by_id}
    if approval.decided_by_id is not None:
        people.add(approval.decided_by_id)
    who = await names(session, people)
    team = (await session.get(Team, approval.team_id)) if approval.team_id else None
    goals: tuple[str, ...] = ()
    version = None
    count = 0
    if approval.kind == ApprovalKind.PLAN_ACTIVATION and approval.plan_id is not None:
        plan = await plan_store.get_plan(session, approval.plan_id)
        if plan is not None:
            version, count = plan.version, len(plan.goals)
            goals = tuple(goal.description for goal in plan.goals[:GOALS_SHOWN])
    return Request(
        id=approval.id,
        kind=approval.kind,
        status=approval.status,
        client=client,
        requested_by=who.get(approval.requested_by_id, "?"),
        requested_at=approval.requested_at,
        team=team.name if team is not None else None,
        reason=approval.reason,
        plan_version=version,
        goals=goals,
        goal_count=count,
        decided_by=who.get(approval.decided_by_id) if approval.decided_by_id else None,
        decided_at=approval.decided_at,
        comment=approval.comment,
        may_decide=actor is not None
        and rules.may_decide(actor.role, actor.team_id, approval.team_id),
        mine=actor is not None and actor.id == approval.requested_by_id,
    )


async def request_for(session: AsyncSession, approval_id: int, reader: Actor) -> Request | None:
    """A request as it stands, for the message pushed to `reader` (bot/reminders words it
    when sent, in the sender's session; a push is not a look, as a risk alert is not)."""
    approval = await session.get(Approval, approval_id)
    return await _request(session, approval, reader) if approval is not None else None


async def _found(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    approval_id: int | None,
    action: str,
    *,
    deciding: bool,
) -> Approval | None:
    """The request, if the actor may act on it as `action` (decide it, or — not
    `deciding` — look at or withdraw it: the requester too); else None, audited."""
    approval = await session.get(Approval, approval_id) if approval_id else None
    allowed = approval is not None and (
        rules.may_decide(actor.role, actor.team_id, approval.team_id)
        or (not deciding and approval.requested_by_id == actor.id)
    )
    if approval is None or not allowed:
        await audit.refused(
            session,
            action,
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type="approval",
            subject_id=approval_id,
            client_id=approval.client_id if approval is not None else None,
        )
        return None
    return approval


async def _audit(
    session: AsyncSession,
    work: Work,
    actor: Actor,
    action: str,
    approval: Approval,
    **detail: object,
) -> None:
    await audit.record(
        session,
        action,
        now=work.clock.now(),
        actor_id=actor.id,
        subject_type="approval",
        subject_id=approval.id,
        client_id=approval.client_id,
        detail={"kind": approval.kind, **detail},
    )


# ── looking ────────────────────────────────────────────────────────────────────


async def open_request(work: Work, actor: Actor, approval_id: int | None) -> Request | Refused:
    """👁 Open: the request's summary, for whoever may decide it and the worker who asked
    (audited approval.view, a refusal too)."""
    async with work.transaction() as session:
        approval = await _found(session, work, actor, approval_id, VIEW, deciding=False)
        if approval is None:
            return Refused("approval")
        await _audit(session, work, actor, VIEW, approval)
        return await _request(session, approval, actor)


async def pending_list(work: Work, actor: Actor, page: int = 0) -> PendingList:
    """/pending, oldest first, a page at a time; the look is audited with the clients."""
    deciding = actor.role in rules.DECIDERS
    async with work.transaction() as session:
        if actor.role == Role.ADMIN:
            found = await approvals.waiting(session, page=page)
        elif actor.role == Role.SUPERVISOR:
            found = (
                await approvals.waiting(session, team_id=actor.team_id, page=page)
                if actor.team_id is not None
                else WaitingPage([], 0, 0)
            )
        else:
            found = await approvals.waiting(session, requested_by_id=actor.id, page=page)
        requests = [await _request(session, item.approval, actor) for item in found.items]
        client_ids = [request.client.id for request in requests]
        await audit.record(
            session,
            LIST,
            now=work.clock.now(),
            actor_id=actor.id,
            detail={"page": found.page, "clients": client_ids},
        )
        return PendingList(
            requests,
            found.page,
            found.pages,
            found.total,
            deciding,
            all_teams=actor.role == Role.ADMIN,
            client_ids=client_ids,
        )


# ── deciding ───────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Approved:
    request: Request
    # A plan activation: the version and its next review; a discharge: appointments
    # cancelled.
    plan_version: int | None = None
    next_review: date | None = None
    appointments_cancelled: int = 0


Decision = Saved[Approved] | AlreadySaved[Request] | Stale[Request] | Refused


async def approve(work: Work, actor: Actor, approval_id: int | None) -> Decision:
    """✅ Approve: the original action applied now, by the same code as a direct one."""
    now = work.clock.now()
    async with work.transaction() as session:
        approval = await _found(session, work, actor, approval_id, APPROVE, deciding=True)
        if approval is None:
            return Refused("approval")
        if approval.status != ApprovalStatus.PENDING or not await approvals.decide(
            session, approval, ApprovalStatus.APPROVED, by_id=actor.id, now=now
        ):
            return AlreadySaved(await _request(session, approval, actor))
        client = await session.get(Client, approval.client_id)
        assert client is not None
        detail = {"approval": approval.id, "requested_by": approval.requested_by_id}
        done: Approved | None = None
        if approval.kind == ApprovalKind.PLAN_ACTIVATION:
            card = await plans.card_for(session, client)
            fits = card.plan is not None and card.plan.id == approval.plan_id and not card.closed
            result = (
                await plans.apply_activation(session, work, actor, card, detail) if fits else None
            )
            if isinstance(result, Saved) and card.plan is not None:
                request = await _request(session, approval, actor)
                done = Approved(request, card.plan.version, card.plan.next_review_on)
        elif client.status != ClientStatus.DISCHARGED:
            cancelled = await clients.apply_discharge(
                session,
                client,
                reason_code=approval.reason_code or "other",
                reason=approval.reason or "",
                actor_id=actor.id,
                now=now,
                detail=detail,
            )
            request = await _request(session, approval, actor)
            done = Approved(request, appointments_cancelled=cancelled)
        if done is None:
            # The plan or the case moved on: nothing to apply; the request is closed.
            approval.status = ApprovalStatus.WITHDRAWN
            await _audit(session, work, actor, WITHDRAW, approval, stale=True)
            await session.flush()
            return Stale(await _request(session, approval, actor))
        await _audit(session, work, actor, APPROVE, approval, requested_by=approval.requested_by_id)
        await approval_requests.tell_requester(session, work, approval, now)
        return Saved(done)


async def return_choice(
    work: Work, actor: Actor, approval_id: int | None
) -> Request | AlreadySaved[Request] | Refused:
    """↩ Return pressed: the request to ask a comment about, if it still waits."""
    async with work.transaction() as session:
        approval = await _found(session, work, actor, approval_id, RETURN, deciding=True)
        if approval is None:
            return Refused("approval")
        request = await _request(session, approval, actor)
        return request if request.pending else AlreadySaved(request)


async def return_request(
    work: Work, actor: Actor, approval_id: int | None, comment: str
) -> Saved[Request] | AlreadySaved[Request] | Refused | Invalid:
    """↩ Return with a comment: the plan stays a draft, the case open; the worker is
    told. Invalid(COMMENT_EMPTY / COMMENT_TOO_LONG)."""
    text = rules.clean_comment(comment)
    if not text:
        return Invalid(COMMENT_EMPTY)
    if len(text) > rules.COMMENT_MAX:
        return Invalid(COMMENT_TOO_LONG)
    now = work.clock.now()
    async with work.transaction() as session:
        approval = await _found(session, work, actor, approval_id, RETURN, deciding=True)
        if approval is None:
            return Refused("approval")
        if approval.status != ApprovalStatus.PENDING or not await approvals.decide(
            session, approval, ApprovalStatus.RETURNED, by_id=actor.id, now=now, comment=text
        ):
            return AlreadySaved(await _request(session, approval, actor))
        await _audit(session, work, actor, RETURN, approval, characters=len(text))
        await approval_requests.tell_requester(session, work, approval, now)
        return Saved(await _request(session, approval, actor))


async def withdraw(
    work: Work, actor: Actor, approval_id: int | None
) -> Saved[Request] | AlreadySaved[Request] | Refused:
    """✖ Withdraw: the worker who asked takes the request back (nobody else may)."""
    now = work.clock.now()
    async with work.transaction() as session:
        approval = await session.get(Approval, approval_id) if approval_id else None
        if approval is None or approval.requested_by_id != actor.id:
            await audit.refused(
                session,
                WITHDRAW,
                now=now,
                actor_id=actor.id,
                subject_type="approval",
                subject_id=approval_id,
                client_id=approval.client_id if approval is not None else None,
            )
            return Refused("approval")
        if approval.status != ApprovalStatus.PENDING or not await approvals.decide(
            session, approval, ApprovalStatus.WITHDRAWN, by_id=actor.id, now=now
        ):
            return AlreadySaved(await _request(session, approval, actor))
        await _audit(session, work, actor, WITHDRAW, approval)
        return Saved(await _request(session, approval, actor))


# ── the team's setting ─────────────────────────────────────────────────────────


def may_set(role: str, team_id: int | None) -> bool:
    """Who may turn a team's approvals on or off in the chat: its supervisors and the
    admins (an admin from the chat: their own team; any team from the shell)."""
    return role in rules.DECIDERS and team_id is not None


async def team_setting(work: Work, actor: Actor) -> TeamApprovals | None:
    """The actor's team's setting, when the actor may change it (/settings shows it)."""
    if not may_set(actor.role, actor.team_id):
        return None
    async with work.transaction() as session:
        team = await session.get(Team, actor.team_id)
        return approvals.team_approvals(team) if team is not None else None


async def all_teams(work: Work) -> list[TeamApprovals]:
    """Every team's setting (`caseline team list`)."""
    async with work.transaction() as session:
        return await approvals.teams(session)


async def set_team_approval(
    work: Work, actor: Actor | None, team: int | str | None, kind: str, on: bool
) -> Saved[TeamApprovals] | Refused | Gone:
    """Turn approvals of `kind` on or off for a team (by id, or by name from the shell:
    `actor` None, audited via=cli). A supervisor their own team only, an admin any;
    anyone else is refused, audited. Gone: no such team."""
    if kind not in rules.KINDS:
        return Gone("kind")
    now = work.clock.now()
    async with work.transaction() as session:
        found = (
            await team_named(session, team)
            if isinstance(team, str)
            else (await session.get(Team, team) if team is not None else None)
        )
        if actor is not None and (
            found is None
            or not may_set(actor.role, actor.team_id)
            or (actor.role != Role.ADMIN and found.id != actor.team_id)
        ):
            await audit.refused(
                session,
                TEAM,
                now=now,
                actor_id=actor.id,
                subject_type="team",
                subject_id=found.id if found is not None else None,
                kind=kind,
            )
            return Refused("team")
        if found is None:
            return Gone("team")
        approvals.set_flag(found, kind, on)
        detail: dict[str, object] = {"kind": kind, "on": on}
        if actor is None:
            detail["via"] = "cli"
        await audit.record(
            session,
            TEAM,
            now=now,
            actor_id=actor.id if actor is not None else None,
            subject_type="team",
            subject_id=found.id,
            detail=detail,
        )
        return Saved(approvals.team_approvals(found))
