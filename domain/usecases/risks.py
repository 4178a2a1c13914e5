"""Risk that is followed up: a ⚠ Risk note sets the client's risk level; a supervisor
acknowledges the alert; nobody doing so in time escalates it, once; lowering the level
takes a note.

- `flag_risk` runs inside the note's save (domain/usecases/notes.py), in its transaction.
- `acknowledge_risk`: ✅ Acknowledge under an alert. A supervisor or admin who was sent the
  alert, or who may see the client, records who and when (audited) and the flagging worker
  is told (an outbox row, worded in their language when sent). Pressed again, or by a
  second supervisor, it says who already acknowledged.
- `escalate_unacknowledged`: the reminder tick's step. An open risk nobody acknowledged
  within CASELINE_RISK_ESCALATE_MINUTES goes to the team's supervisors not alerted yet and
  to the admins, once (the outbox key is the alert's own: nobody gets a second copy);
  quiet hours do not hold it back.
- `risk_to_lower` / `lower_risk`: ⚠ Risk → Lower on the card asks why; the answer is
  saved as a note and the level is cleared, audited.

The alerts hold facts only (who, which client, why); bot/reminders/alerts.py words them
when sent, so CASELINE_PRIVATE_PREVIEWS keeps names and reasons off the lock screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import AlreadySaved, Invalid, Refused, Saved, Stale
from domain.rules import notes as note_rules
from domain.rules.routine import ReminderKind
from domain.work import Work
from storage import audit, caseload, clients, notes, outbox, risks, workers
from storage.kinds import InteractionType, RiskLevel, Role
from storage.models import Client, Note, Worker
from storage.workers import Actor

RISK_ALERT = ReminderKind.RISK
RISK_SEEN = ReminderKind.RISK_SEEN
ACKNOWLEDGE = "risk.acknowledge"
ESCALATE = "risk.escalate"
LOWER = "risk.lower"
FLAG = "risk.flag"
# Who may acknowledge an alert (a worker is never sent one).
ACKNOWLEDGERS = (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Acknowledged:
    """Who acknowledged the risk alert about a client, and when."""

    client_code: str
    by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RiskToLower:
    client_id: int
    client_code: str


@dataclass(frozen=True, slots=True)
class LoweredRisk:
    client_id: int
    client_code: str
    note_id: int


def alert_payload(author: Worker | Actor, client: Client, reason: str) -> dict[str, object]:
    """The facts an alert carries; bot/reminders/alerts.py words them when sent."""
    return {
        "author": author.name,
        "author_id": author.id,
        "client_id": client.id,
        "reason": reason,
    }


# ── the flag, with the note ───────────────────────────────────────────────────


async def flag_risk(
    session: AsyncSession, client: Client, note: Note, actor: Actor, now: datetime
) -> None:
    """In the note's transaction: its risk becomes the client's open risk (level high),
    waiting for a supervisor's acknowledgement."""
    risks.flag(client, note, actor.id, now)
    await audit.record(
        session,
        FLAG,
        now=now,
        actor_id=actor.id,
        subject_type="note",
        subject_id=note.id,
        client_id=client.id,
        detail={"level": int(RiskLevel.HIGH)},
    )


def withdraw_flag(client: Client, note: Note) -> None:
    """A withdrawn (↩ Undo) note takes its open risk with it."""
    if client.risk_note_id == note.id:
        risks.clear(client)


# ── ✅ Acknowledge ──────────────────────────────────────────────────────────────


async def acknowledge_risk(
    work: Work, actor: Actor, note_id: int | None
) -> Saved[Acknowledged] | AlreadySaved[Acknowledged] | Stale[str] | Refused:
    """✅ Acknowledge under the alert about note `note_id`. Stale (with the client's code)
    when the risk was lowered or flagged again since; Refused (audited) for anyone who was
    not sent the alert and may not see the client, or is no supervisor or admin."""
    now = work.clock.now()
    async with work.transaction() as session:
        note = await session.get(Note, note_id) if note_id else None
        client = await session.get(Client, note.client_id) if note is not None else None
        if note is None or client is None or not await _may_acknowledge(session, actor, note):
            await audit.refused(
                session,
                ACKNOWLEDGE,
                now=now,
                actor_id=actor.id,
                subject_type="note",
                subject_id=note_id,
                client_id=client.id if client is not None else None,
            )
            return Refused("note")
        if client.risk_level == RiskLevel.NONE or client.risk_note_id != note.id:
            return Stale(client.code)
        if client.risk_acknowledged_by_id is not None and client.risk_acknowledged_at:
            names = await workers.names(session, {client.risk_acknowledged_by_id})
            by = names.get(client.risk_acknowledged_by_id, "?")
            return AlreadySaved(Acknowledged(client.code, by, client.risk_acknowledged_at))
        client.risk_acknowledged_by_id = actor.id
        client.risk_acknowledged_at = now
        await audit.record(
            session,
            ACKNOWLEDGE,
            now=now,
            actor_id=actor.id,
            subject_type="note",
            subject_id=note.id,
            client_id=client.id,
        )
        if note.author_id != actor.id:
            await outbox.enqueue(
                session,
                key=f"{RISK_SEEN}:{note.id}",
                kind=RISK_SEEN,
                worker_id=note.author_id,
                due_at=now,
                now=now,
                client_id=client.id,
                subject_type="note",
                subject_id=note.id,
                payload={"by": actor.name, "client_id": client.id},
            )
        return Saved(Acknowledged(client.code, actor.name, now))


async def _may_acknowledge(session: AsyncSession, actor: Actor, note: Note) -> bool:
    if actor.role not in ACKNOWLEDGERS:
        return False
    if await risks.was_alerted(session, RISK_ALERT, note.id, actor.id):
        return True
    return await clients.get_visible(session, actor, note.client_id) is not None


# ── escalation, from the reminder tick ─────────────────────────────────────────


async def escalate_unacknowledged(work: Work, minutes: int) -> int:
    """Alerts nobody acknowledged within `minutes` go to the author's team supervisors
    not alerted yet and to the admins, once; audited per client. How many were queued."""
    now = work.clock.now()
    queued = 0
    async with work.transaction() as session:
        for client in await risks.unacknowledged_since(session, now - timedelta(minutes=minutes)):
            author = await session.get(Worker, client.risk_by_id) if client.risk_by_id else None
            recipients = await _escalation_recipients(session, author)
            facts = (
                alert_payload(author, client, client.risk_reason or "")
                if author is not None
                else {"author": "?", "client_id": client.id, "reason": client.risk_reason or ""}
            )
            sent_to = []
            for person in recipients:
                if author is not None and person.id == author.id:
                    continue
                added = await outbox.enqueue(
                    session,
                    key=f"{RISK_ALERT}:{client.risk_note_id}:{person.id}",
                    kind=RISK_ALERT,
                    worker_id=person.id,
                    due_at=now,
                    now=now,
                    client_id=client.id,
                    subject_type="note",
                    subject_id=client.risk_note_id,
                    payload={**facts, "escalated": True},
                )
                if added:
                    sent_to.append(person.id)
            queued += len(sent_to)
            client.risk_escalated_at = now
            await audit.record(
                session,
                ESCALATE,
                now=now,
                subject_type="note",
                subject_id=client.risk_note_id,
                client_id=client.id,
                detail={"to": sent_to, "minutes": minutes},
            )
    return queued


async def _escalation_recipients(session: AsyncSession, author: Worker | None) -> list[Worker]:
    team = (
        await workers.supervisors_of(session, author.team_id)
        if author is not None and author.team_id is not None
        else []
    )
    seen = {person.id for person in team}
    return team + [admin for admin in await risks.active_admins(session) if admin.id not in seen]


# ── ⚠ Risk → Lower ─────────────────────────────────────────────────────────────


async def risk_to_lower(
    work: Work, actor: Actor, client_id: int | None
) -> RiskToLower | Stale[str] | Refused:
    """The ⚠ Risk → Lower button: the client, if the actor may see it and it has an
    open risk (Stale with its code when not)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, LOWER, now=now)
        if client is None:
            return Refused("client")
        if client.risk_level == RiskLevel.NONE:
            return Stale(client.code)
        return RiskToLower(client.id, client.code)


async def lower_risk(
    work: Work,
    actor: Actor,
    client_id: int | None,
    text: str,
    kind: InteractionType = InteractionType.OTHER,
) -> Saved[LoweredRisk] | Stale[str] | Refused | Invalid:
    """Lower the client's risk: `text` (why) is saved as a note of `kind`, the level is
    cleared; both audited. Invalid("empty" / "too_long") for the text."""
    text = text.strip()
    if not text:
        return Invalid("empty")
    if len(text) > note_rules.TEXT_MAX:
        return Invalid("too_long")
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.visible(session, actor, client_id, LOWER, now=now)
        if client is None:
            return Refused("client")
        if client.risk_level == RiskLevel.NONE:
            return Stale(client.code)
        level = client.risk_level
        note = await notes.create_note(
            session,
            client=client,
            author_id=actor.id,
            interaction_type=kind,
            occurred_at=now,
            text=text,
            now=now,
        )
        await audit.record(
            session,
            "note.create",
            now=now,
            actor_id=actor.id,
            subject_type="note",
            subject_id=note.id,
            client_id=client.id,
            detail={"risk": False, "via": LOWER},
        )
        risks.clear(client)
        await audit.record(
            session,
            LOWER,
            now=now,
            actor_id=actor.id,
            subject_type="client",
            subject_id=client.id,
            client_id=client.id,
            detail={"from": int(level), "note": note.id},
        )
        return Saved(LoweredRisk(client.id, client.code, note.id))
