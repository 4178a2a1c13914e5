"""Progress notes: save a /note draft, record a one-liner, withdraw within a minute, amend.

Each use case owns its transaction (`work.transaction()`, joined when the caller holds
one), authorises against the actor's caseload, checks domain/rules/notes.py, writes,
audits (refusals too) and returns one value of domain/results.py. A risk flag queues
its alert to the author's supervisors in the note's own transaction, as facts (who,
which client, why): bot/reminders/alerts.py words it when the row is sent, so the
words and the privacy mode stay in the presentation layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import AlreadySaved, Gone, Invalid, Refused, Saved
from domain.rules import notes as rules
from domain.rules.routine import ReminderKind
from domain.usecases import risks
from domain.work import Work
from storage import (
    audit,
    caseload,
    client_people,
    clients,
    notes,
    outbox,
    plans,
    safety_plans,
    saved_drafts,
    workers,
)
from storage.kinds import InteractionType
from storage.models import Client, ClientContact, Note, client_code
from storage.notes import Attachment, NotePeople
from storage.workers import Actor

# The outbox kind of a risk alert (bot/reminders/planning.RISK names the same kind).
RISK_ALERT = ReminderKind.RISK
# What saved_drafts calls the records a draft becomes.
NOTE_RECEIPT = "note"
AMENDMENT_RECEIPT = "amendment"


@dataclass(frozen=True, slots=True)
class NewNote:
    """What the /note card holds when ✅ Save is pressed."""

    client_id: int
    kind: InteractionType
    text: str
    occurred_at: datetime | None = None  # None: now
    dap: tuple[str, str, str] | None = None
    risk_reason: str | None = None
    goal_ids: tuple[int, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # Who was there: the client, and ids of the client's people (checked when saved).
    client_present: bool = False
    attendee_ids: tuple[int, ...] = ()
    # A collateral contact's person (an id of the client's people), or None.
    about_contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class NotePerson:
    """One of the client's people as a note names them."""

    id: int
    name: str
    relation: str

    @classmethod
    def of(cls, contact: ClientContact) -> NotePerson:
        return cls(contact.id, contact.name, contact.relation)


@dataclass(frozen=True, slots=True)
class SavedNote:
    """A saved note as the worker is shown it."""

    id: int
    client_id: int
    client_code: str
    client_name: str
    kind: InteractionType
    occurred_at: datetime
    created_at: datetime
    text: str
    risk_reason: str | None
    # The supervisors a risk alert was queued for by this save: the caller delivers
    # the alerts soon and the confirmation names them.
    told: tuple[str, ...] = ()
    # Who was there, and the person a collateral note is with.
    client_present: bool = False
    present: tuple[NotePerson, ...] = ()
    about: NotePerson | None = None
    # A risk flagged for a client with no safety plan: the confirmation suggests one.
    no_safety_plan: bool = False

    @property
    def alerts(self) -> int:
        return len(self.told)

    def undoable(self, now: datetime) -> bool:
        return rules.undoable(self.created_at, None, now)


@dataclass(frozen=True, slots=True)
class WithdrawnNote:
    id: int
    client_code: str


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A note the actor may amend."""

    id: int
    client_code: str


@dataclass(frozen=True, slots=True)
class Amendment:
    author: str
    created_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class AmendedNote:
    """A note with every amendment, in order, with who and when."""

    id: int
    client_code: str
    occurred_at: datetime
    author: str
    text: str
    amendments: tuple[Amendment, ...]


@dataclass(frozen=True, slots=True)
class GoalChoice:
    id: int
    description: str


# ── the /note Save ─────────────────────────────────────────────────────────────


async def save_note(
    work: Work, actor: Actor, new: NewNote, *, token: str | None, refuse_unknown: bool = False
) -> Saved[SavedNote] | AlreadySaved[SavedNote] | Gone | Invalid:
    """Save a /note draft once (its `token` names it: a Save pressed again after a crash
    finds the note it became), with its attachments, goals, DAP parts, risk flag, who was
    there and the person a collateral contact was with; a contact moves the client's last
    contact; a risk flag alerts the supervisors.

    A goal that is not an open one of the client's active plan, or a person who is not one
    of the client's current people, is dropped: a draft kept for days may name one that
    has closed or ended since. With `refuse_unknown` (a note sent whole, as the Mini App
    sends it, chosen from what was current a moment ago) such an id is refused instead:
    Invalid("goal") or Invalid("person"), nothing saved, the attempt audited."""
    if not rules.worth_saving(new.text, new.attachments, new.dap):
        return Invalid("empty")
    if len(new.text) > rules.TEXT_MAX or any(len(part) > rules.TEXT_MAX for part in new.dap or ()):
        return Invalid("too_long")
    if new.risk_reason is not None and not 0 < len(new.risk_reason) <= rules.RISK_REASON_MAX:
        return Invalid("risk_reason")
    now = work.clock.now()
    occurred = new.occurred_at or now
    if not rules.happened(occurred, now):
        return Invalid("future")
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, new.client_id)
        if client is None:
            # Chosen while it was the actor's: transferred away or closed since.
            await _refused(session, actor, "note.create", "client", new.client_id, now)
            return Gone()
        earlier = await saved_drafts.saved_as(session, actor.id, token, NOTE_RECEIPT)
        if earlier is not None:
            # Saved before a crash lost the answer; its alert went out with it.
            note = await notes.get_note(session, earlier)
            if note is not None:
                return AlreadySaved(await _saved_with_people(session, note, client))
        # Only goals of the client's active plan (a forged or outdated id is dropped).
        goals = await plans.active_goals(session, client.id) if new.goal_ids else []
        visible_goals = {goal.id for goal in goals}
        # Only the client's current people (an ended relation, another client's person, a
        # forged id: dropped, never named back).
        about = new.about_contact_id if rules.with_someone(new.kind) else None
        current = (
            {
                person.id
                for person in await client_people.people(session, client.id)
                if person.ended_at is None
            }
            if new.attendee_ids or about
            else set()
        )
        if refuse_unknown:
            unknown = _unknown(new, visible_goals, current, about)
            if unknown is not None:
                await _refused(session, actor, "note.create", *unknown, now, client.id)
                return Invalid(unknown[0])
        note = await notes.create_note(
            session,
            client=client,
            author_id=actor.id,
            interaction_type=new.kind,
            occurred_at=occurred,
            text=new.text,
            now=now,
            dap=new.dap,
            risk_reason=new.risk_reason,
            goal_ids=[goal for goal in new.goal_ids if goal in visible_goals],
            attachments=new.attachments,
            client_present=new.client_present,
            attendee_ids=[person for person in new.attendee_ids if person in current],
            about_contact_id=about if about in current else None,
        )
        await _audit_created(session, actor, note, now)
        saved_drafts.remember(session, actor.id, token, NOTE_RECEIPT, note.id, now)
        told: list[str] = []
        no_safety_plan = False
        if note.risk_flag:
            await risks.flag_risk(session, client, note, actor, now)
            told = await _alert_risk(session, note, client, actor, now)
            no_safety_plan = await safety_plans.current(session, client.id) is None
        named = new.client_present or new.attendee_ids or note.about_contact_id
        people = (await notes.people_of(session, [note])).get(note.id) if named else None
        return Saved(_saved(note, client, told, people, no_safety_plan=no_safety_plan))


def _unknown(
    new: NewNote, goals: set[int], people: set[int], about: int | None
) -> tuple[str, int] | None:
    """The first goal or person `new` names that is not the client's to name, if any."""
    for goal in new.goal_ids:
        if goal not in goals:
            return "goal", goal
    for person in (*new.attendee_ids, *([about] if about is not None else [])):
        if person not in people:
            return "person", person
    return None


async def goals_to_choose(work: Work, actor: Actor, client_id: int) -> list[GoalChoice] | Gone:
    """The goals of the client's active plan, for the note to touch. Asked from a draft
    that may have been kept for days, so visibility is checked now, and the look is
    audited either way ("client.access", via=note.goals): Gone after a transfer."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.look(
            session, actor, client_id, "client.access", now=now, detail={"via": "note.goals"}
        )
        if client is None:
            return Gone()
        goals = await plans.active_goals(session, client.id)
        return [GoalChoice(goal.id, goal.description) for goal in goals]


# ── the one-liner ──────────────────────────────────────────────────────────────


async def record_one_liner(
    work: Work,
    actor: Actor,
    client_id: int | None,
    kind: InteractionType,
    text: str,
    *,
    occurred_at: datetime | None = None,
) -> Saved[SavedNote] | AlreadySaved[SavedNote] | Refused | Invalid:
    """`/note C-0042 phone: text`, saved at once as having happened when it was sent
    (`occurred_at`: the caller knows when that was, e.g. before an outage; None: now) and
    stored now; the same text, kind and client again within the resend window is the
    first note, kept once."""
    if len(text) > rules.TEXT_MAX:
        return Invalid("too_long")
    now = work.clock.now()
    occurred = occurred_at or now
    if not rules.happened(occurred, now):
        return Invalid("future")
    async with work.transaction() as session:
        # A one-liner has no draft to recognise a resend by (the worker sending it again
        # after the bot went quiet, a phone retrying): the same text, kind and client by
        # the same author a few minutes before this one is that resend.
        client, earlier = (
            await notes.visible_client_and_resend(
                session,
                actor,
                client_id,
                kind=kind,
                text=text,
                sent_since=occurred - rules.RESEND_WINDOW,
                stored_since=now - rules.RESEND_WINDOW,
            )
            if client_id
            else (None, None)
        )
        if client is None:
            await _refused(session, actor, "note.create", "client", client_id, now)
            return Refused()
        if earlier is not None:
            return AlreadySaved(_saved(earlier, client))
        note = await notes.create_one_liner(
            session,
            client,
            author_id=actor.id,
            interaction_type=kind,
            occurred_at=occurred,
            text=text,
            now=now,
        )
        await _audit_created(session, actor, note, now)
        return Saved(_saved(note, client))


# ── undo and amend ─────────────────────────────────────────────────────────────


async def undo_note(
    work: Work, actor: Actor, note_id: int | None
) -> Saved[WithdrawnNote] | Refused | Invalid:
    """↩ Undo: the author withdraws a note within a minute of saving it; the row stays
    for the audit and the client's last contact is recomputed without it."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _authors_note(session, actor, note_id, "note.retract", now)
        if isinstance(found, Refused):
            return found
        note, client = found
        if not rules.undoable(note.created_at, note.retracted_at, now):
            return Invalid("too_late")
        if not await notes.retract(session, note, client, now=now):
            return Invalid("too_late")  # a second press got there first
        risks.withdraw_flag(client, note)
        await audit.record(
            session,
            "note.retract",
            now=now,
            actor_id=actor.id,
            subject_type="note",
            subject_id=note.id,
            client_id=client.id,
        )
        return Saved(WithdrawnNote(note.id, client.code))


async def _authors_note(
    session: AsyncSession, actor: Actor, note_id: int | None, action: str, now: datetime
) -> tuple[Note, Client] | Refused:
    """The note and its client if `actor` wrote it and may still see the client; else the
    attempt at `action` is audited and refused."""
    found = await notes.get_visible(session, actor, note_id)
    if found is None or found[0].author_id != actor.id:
        client_id = found[1].id if found is not None else None
        await _refused(session, actor, action, "note", note_id, now, client_id)
        return Refused("note")
    return found


async def set_note_kind(
    work: Work, actor: Actor, note_id: int | None, kind: str
) -> Saved[SavedNote] | Refused | Invalid:
    """The author says what kind of contact a one-liner was: while its kind is "not
    given", or within the undo minute (a kind read from a typo). Audited with both kinds."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _authors_note(session, actor, note_id, "note.kind", now)
        if isinstance(found, Refused):
            return found
        note, client = found
        if kind not in rules.CHOSEN_KINDS:
            return Invalid("kind")
        if not rules.kind_changeable(
            note.interaction_type, note.created_at, note.retracted_at, now
        ):
            return Invalid("too_late")
        before = note.interaction_type
        await notes.set_kind(session, note, client, InteractionType(kind), now=now)
        await audit.record(
            session,
            "note.kind",
            now=now,
            actor_id=actor.id,
            subject_type="note",
            subject_id=note.id,
            client_id=client.id,
            detail={"from": before, "to": kind},
        )
        return Saved(_saved(note, client))


async def note_to_amend(work: Work, actor: Actor, note_id: int | None) -> NoteRef | Refused:
    """✏️ Amend pressed: the note, if the actor may amend it."""
    async with work.transaction() as session:
        found = await _amendable(session, actor, note_id, work.clock.now())
        if isinstance(found, Refused):
            return found
        note, client = found
        return NoteRef(note.id, client.code)


async def amend_note(
    work: Work, actor: Actor, note_id: int | None, text: str, *, token: str | None
) -> Saved[AmendedNote] | AlreadySaved[AmendedNote] | Refused | Invalid:
    """Add a correction to a note; the original is never touched. Once per draft
    (`token`): sent again after a crash, the note is shown as it stands."""
    if len(text) > rules.TEXT_MAX:
        return Invalid("too_long")
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _amendable(session, actor, note_id, now)
        if isinstance(found, Refused):
            return found
        note, client = found
        already = await saved_drafts.saved_as(session, actor.id, token, AMENDMENT_RECEIPT)
        if already is None:
            amendment = await notes.amend(session, note, author_id=actor.id, text=text, now=now)
            await audit.record(
                session,
                "note.amend",
                now=now,
                actor_id=actor.id,
                subject_type="note",
                subject_id=note.id,
                client_id=client.id,
            )
            saved_drafts.remember(session, actor.id, token, AMENDMENT_RECEIPT, amendment.id, now)
        shown = await _with_amendments(session, note.id, client)
        return Saved(shown) if already is None else AlreadySaved(shown)


# ── pieces ─────────────────────────────────────────────────────────────────────


async def _amendable(
    session: AsyncSession, actor: Actor, note_id: int | None, now: datetime
) -> tuple[Note, Client] | Refused:
    """The note with its client if the actor may amend it; else the attempt is audited."""
    found = await notes.get_visible(session, actor, note_id)
    if found is None or not rules.amendable(found[0].retracted_at):
        client_id = found[1].id if found is not None else None
        await _refused(session, actor, "note.amend", "note", note_id, now, client_id)
        return Refused("note")
    return found


async def _saved_with_people(
    session: AsyncSession, note: Note, client: Client, told: list[str] | None = None
) -> SavedNote:
    people = (await notes.people_of(session, [note])).get(note.id)
    return _saved(note, client, told, people)


def _saved(
    note: Note,
    client: Client,
    told: list[str] | None = None,
    people: NotePeople | None = None,
    *,
    no_safety_plan: bool = False,
) -> SavedNote:
    # `note` and `client` are entities, or the one-liner's rows (storage.notes
    # .create_one_liner, visible_client_and_resend) with the same attribute names.
    people = people or NotePeople()
    return SavedNote(
        id=note.id,
        client_id=client.id,
        client_code=client_code(client.id),
        client_name=client.name,
        kind=InteractionType(note.interaction_type),
        occurred_at=note.occurred_at,
        created_at=note.created_at,
        text=note.text,
        risk_reason=note.risk_reason,
        told=tuple(told or ()),
        client_present=people.client_present,
        present=tuple(NotePerson.of(person) for person in people.present),
        about=NotePerson.of(people.about) if people.about is not None else None,
        no_safety_plan=no_safety_plan,
    )


async def _with_amendments(session: AsyncSession, note_id: int, client: Client) -> AmendedNote:
    note = await notes.get_note(session, note_id)
    assert note is not None  # read in this very transaction
    authors = await workers.names(
        session, {amendment.author_id for amendment in note.amendments} | {note.author_id}
    )
    return AmendedNote(
        id=note.id,
        client_code=client.code,
        occurred_at=note.occurred_at,
        author=authors.get(note.author_id, "?"),
        text=note.text,
        amendments=tuple(
            Amendment(authors.get(a.author_id, "?"), a.created_at, a.text) for a in note.amendments
        ),
    )


async def _audit_created(session: AsyncSession, actor: Actor, note: Note, now: datetime) -> None:
    await audit.record(
        session,
        "note.create",
        now=now,
        actor_id=actor.id,
        subject_type="note",
        subject_id=note.id,
        client_id=note.client_id,
        detail={"risk": note.risk_flag},
    )


async def _refused(
    session: AsyncSession,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: int | None,
    now: datetime,
    client_id: int | None = None,
) -> None:
    await audit.refused(
        session,
        action,
        now=now,
        actor_id=actor.id,
        subject_type=subject_type,
        subject_id=subject_id,
        client_id=client_id,
    )


async def _alert_risk(
    session: AsyncSession, note: Note, client: Client, author: Actor, now: datetime
) -> list[str]:
    """Queue an alert to the author's supervisors in the note's own transaction (so no
    flagged note goes unalerted); quiet hours do not apply to risk. The payload holds the
    facts; the words (and what privacy mode leaves out) are chosen when it is sent.
    The names of those it was queued for."""
    if author.team_id is None:
        return []
    told = []
    for supervisor in await workers.supervisors_of(session, author.team_id):
        if supervisor.id == author.id:
            continue
        queued = await outbox.enqueue(
            session,
            key=f"{RISK_ALERT}:{note.id}:{supervisor.id}",
            kind=RISK_ALERT,
            worker_id=supervisor.id,
            due_at=now,
            now=now,
            client_id=client.id,
            subject_type="note",
            subject_id=note.id,
            payload=risks.alert_payload(author, client, note.risk_reason or ""),
        )
        if queued:
            told.append(supervisor.name)
    return told
