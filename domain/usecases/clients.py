"""The client record: add a client, look at the card and the history, discharge, reopen,
transfer, and list or import clients.

Each function owns its transaction (`work.transaction()`), authorises (who may see the
client: storage/access.py; what a role may do: domain/rules/roles.py), writes, audits —
every look at a record and every refusal too — and returns one value of
domain/results.py:

- a change returns `Saved(...)`, `Stale(client)` when the record is already as asked
  (already discharged, not discharged, already with that worker), `Refused(...)`, or
  `Invalid(reason)` for input that breaks a rule;
- a read returns what it read, or `Refused(...)`: the look itself is audited, so the
  caller renders what came back and never opens a session.

`Refused().subject` says why: "client" — the actor may not see the client, or there is
no such client (the answer must not tell which); "role" — the actor sees the client but
their role may not do this; "worker" — the worker named as a transfer's target is not
one the actor may hand the case to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.results import (
    Confirm,
    Invalid,
    NoneCalled,
    Pending,
    Refused,
    Saved,
    Several,
    Stale,
)
from domain.rules import client_names, roles
from domain.rules.typed_names import best_matches, same_name_key
from domain.usecases import approval_requests
from domain.usecases.approval_requests import ApprovalRequest
from domain.work import Work
from storage import approvals as approval_store
from storage import audit, caseload, clients, saved_drafts
from storage.caseload import CardFacts
from storage.client_import import ImportReport, Problem, Progress, import_clients
from storage.clients import CaseloadPage
from storage.history import Event, timeline
from storage.kinds import ApprovalKind, ClientStatus, Program
from storage.models import Client, Worker, client_code
from storage.workers import Actor, names

NOT_VISIBLE = Refused("client")

# A client as a handler knows it: an id from a button, or what the worker typed after a
# command (a code such as "C-0042", or a name or part of one).
ClientRef = int | str | None
ROLE_REFUSED = Refused("role")
WORKER_REFUSED = Refused("worker")

# Invalid reasons of a discharge
REASON_EMPTY = "reason_empty"
REASON_TOO_LONG = "reason_too_long"

DRAFT_SUBJECT = "client"
# What ➕ New client asks first when the actor has a client by that name already.
SAME_NAME = "same_name"


@dataclass(frozen=True, slots=True)
class NewClient:
    """The id and code of a client /newclient saved (now or before a crash)."""

    id: int
    code: str


@dataclass(frozen=True, slots=True)
class ClientHistory:
    client: Client
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TransferChoice:
    client: Client
    targets: list[Worker]
    current_worker: str | None


@dataclass(frozen=True, slots=True)
class Transferred:
    client: Client
    worker: Worker
    appointments_moved: int


@dataclass(frozen=True, slots=True)
class DischargeChoice:
    client: Client
    appointments_ahead: int


@dataclass(frozen=True, slots=True)
class Discharged:
    client: Client
    appointments_cancelled: int


# ---------------------------------------------------------------------------------------
# New client and the caseload


async def add_client(
    work: Work,
    actor: Actor,
    *,
    name: str,
    program: Program,
    contact_frequency_days: int,
    draft_token: str | None,
) -> Saved[NewClient] | Invalid:
    """/newclient's ✅ Save: a client on the actor's own caseload, once per draft (a Save
    pressed again after a crash finds the client the draft already became)."""
    if contact_frequency_days not in clients.FREQUENCY_RANGE:
        return Invalid("frequency")
    now = work.clock.now()
    async with work.transaction() as session:
        client_id = await saved_drafts.saved_as(session, actor.id, draft_token, DRAFT_SUBJECT)
        if client_id is None:
            client = await clients.create_client(
                session,
                name=name,
                program=program,
                contact_frequency_days=contact_frequency_days,
                worker_id=actor.id,
                now=now,
                added_by_id=actor.id,
            )
            await audit.record_client(
                session, "client.create", now=now, actor_id=actor.id, client_id=client.id
            )
            saved_drafts.remember(session, actor.id, draft_token, DRAFT_SUBJECT, client.id, now)
            client_id = client.id
    # A Save pressed twice shows the same card and toast either way.
    return Saved(NewClient(client_id, client_code(client_id)))


async def add_client_checked(
    work: Work,
    actor: Actor,
    *,
    name: str,
    program: Program,
    contact_frequency_days: int,
    draft_token: str,
    anyway: bool,
) -> Saved[NewClient] | Invalid | Confirm[list[Client]]:
    """➕ New client in the Mini App: /newclient's steps in one request. The name by the
    chat's rule (Invalid "too_short"/"too_long"); unless `anyway`, the actor's clients
    already called so first (Confirm "same_name": likely the same person, as /newclient
    asks); then `add_client`. A request sent again after a lost answer finds the client it
    already became, not itself as a namesake."""
    cleaned = client_names.cleaned(name)
    wrong = client_names.problem(cleaned)
    if wrong is not None:
        return Invalid(wrong)
    async with work.transaction() as session:
        done = await saved_drafts.saved_as(session, actor.id, draft_token, DRAFT_SUBJECT)
    if done is None and not anyway:
        same = await clients_called(work, actor, cleaned)
        if same:
            return Confirm(SAME_NAME, same)
    return await add_client(
        work,
        actor,
        name=cleaned,
        program=program,
        contact_frequency_days=contact_frequency_days,
        draft_token=draft_token,
    )


async def _named(session: AsyncSession, actor: Actor, typed: str) -> list[Client]:
    """The actor's clients a typed name or code means (storage.clients.search), names
    with a word starting with it first (domain.rules.typed_names)."""
    return best_matches(typed, await clients.search(session, actor, typed))


async def clients_called(work: Work, actor: Actor, name: str) -> list[Client]:
    """The actor's clients (those they may see, discharged too) already called `name`,
    case and spacing aside: before a new client by that name is added, likely the same
    person. Nobody else's clients: the answer must not tell who exists elsewhere."""
    wanted = same_name_key(name)
    async with work.transaction() as session:
        found = await clients.search(session, actor, " ".join(name.split()))
    return [client for client in found if same_name_key(client.name) == wanted]


@dataclass(frozen=True, slots=True)
class RowsInvalid(Invalid):
    """Rows of an import that break a rule; nothing was imported."""

    problems: tuple[Problem, ...] = ()
    rows: int = 0

    @property
    def bad_lines(self) -> int:
        """How many lines have a problem (a line may have several)."""
        return len({problem.line for problem in self.problems})


async def import_client_rows(
    work: Work,
    text: str,
    *,
    zone: ZoneInfo,
    progress: Progress | None = None,
    check_only: bool = False,
) -> Saved[ImportReport] | Confirm[ImportReport] | RowsInvalid:
    """`caseline clients import`, run by the operator (no actor; each client's
    "client.import" event says via=cli): every row is checked first, and only when all
    are good are they all added, in one transaction. `check_only` writes nothing and
    returns Confirm(report): the rows are fine, run it without --check to import."""
    now = work.clock.now()
    async with work.transaction() as session:
        report = await import_clients(
            session, text, now=now, zone=zone, progress=progress, check_only=check_only
        )
    if not report.ok:
        return RowsInvalid("rows", tuple(report.problems), report.rows)
    if check_only:
        return Confirm("import", report)
    return Saved(report)


async def caseload_page(
    work: Work, actor: Actor, page: int, only: str = "", *, page_size: int = 8
) -> CaseloadPage:
    """A page of the actor's own caseload (their own clients: nothing to refuse), overdue
    visits first by the actor's own calendar; `only` as storage.clients.caseload_page. The
    chat pages by 8 (buttons); the Mini App asks for the whole list at once."""
    zone = work.zone_for(actor.timezone)
    today = work.clock.now().astimezone(zone).date()
    async with work.transaction() as session:
        return await clients.caseload_page(
            session, actor, page, today=today, zone=zone, only=only, page_size=page_size
        )


# ---------------------------------------------------------------------------------------
# Choosing a client (every dialog's picker)

CLIENT_ACCESS = "client.access"


async def recent_clients(work: Work, actor: Actor) -> list[Client]:
    """The actor's own clients they worked with most recently, for quick buttons."""
    async with work.transaction() as session:
        return await clients.recent(session, actor)


async def choose_client(
    work: Work, actor: Actor, client_id: int | None, *, via: str, action: str = CLIENT_ACCESS
) -> Client | Refused:
    """The client a picker's button names, if the actor may see it; a forged, replayed or
    outdated press is audited as `action` (what the dialog was about to do with the
    client: "client.access" unless it names its own, e.g. "referral.create"), with the
    dialog in `via`."""
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        if client is None:
            await caseload.refuse(
                session, actor, client_id, action, now=work.clock.now(), detail={"via": via}
            )
            return NOT_VISIBLE
        return client


async def find_clients(work: Work, actor: Actor, words: str) -> list[Client]:
    """The actor's clients matching what they typed. A client code that names none of
    them is an attempt on someone else's record (or a typo): audited either way."""
    async with work.transaction() as session:
        found = await _named(session, actor, words)
        code = clients.parse_code(words.split()[0]) if words.split() else None
        if not found and code is not None:
            await audit.refused(
                session,
                CLIENT_ACCESS,
                now=work.clock.now(),
                actor_id=actor.id,
                subject_type="client",
                subject_id=code,
                via="typed",
            )
        return found


# The most words of a name a worker types before the text of a one-liner.
NAME_WORDS_MAX = 3


@dataclass(frozen=True)
class NamedFirst:
    """`words` began with the name of one of the actor's clients (or part of it)."""

    client: Client
    rest: str


async def client_named_first(
    work: Work, actor: Actor, words: str
) -> NamedFirst | Several[Client] | NoneCalled:
    """`/note Maria phone: left voicemail`: the longest start of `words` (up to three
    words, leaving some text) that names exactly one of the actor's clients, and the text
    after it. Several clients for the shortest start that fits any: Several (the worker
    chooses); none: NoneCalled. Names only; codes are read before this is asked."""
    parts = words.split()
    async with work.transaction() as session:
        several: list[Client] = []
        for count in range(min(NAME_WORDS_MAX, len(parts) - 1), 0, -1):
            typed = " ".join(parts[:count])
            found = await _named(session, actor, typed)
            if len(found) == 1:
                rest = words.split(maxsplit=count)[count]
                return NamedFirst(found[0], rest)
            several = found or several
    return Several(several) if several else NoneCalled(words)


# ---------------------------------------------------------------------------------------
# The card and the history


async def _look(
    session: AsyncSession,
    actor: Actor,
    ref: ClientRef,
    action: str,
    *,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> Client | Several[Client] | NoneCalled | Refused:
    """The client `ref` names, looked at as `action` (audited, and so is a refusal). A
    typed name that fits several of the actor's clients, or none, names no record yet."""
    client_id = ref if not isinstance(ref, str) else clients.parse_code(ref)
    if isinstance(ref, str) and client_id is None:
        found = await _named(session, actor, ref)
        if not found:
            return NoneCalled(ref)
        if len(found) > 1:
            return Several(found)
        client_id = found[0].id
    client = await caseload.look(session, actor, client_id, action, now=now, detail=detail)
    return NOT_VISIBLE if client is None else client


async def look_at_client(
    work: Work, actor: Actor, ref: ClientRef
) -> CardFacts | Several[Client] | NoneCalled | Refused:
    """The facts of the full client card; the look is audited ("client.view"), and so
    is a refusal."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await _look(session, actor, ref, "client.view", now=now)
        if not isinstance(client, Client):
            return client
        return await caseload.card_facts(session, client, now)


async def history_page(
    work: Work, actor: Actor, ref: ClientRef, page: int
) -> ClientHistory | Several[Client] | NoneCalled | Refused:
    """The client's whole timeline, newest first, for one page of /history; each look
    is audited ("client.history" with the page)."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await _look(session, actor, ref, "client.history", now=now, detail={"page": page})
        if not isinstance(client, Client):
            return client
        return ClientHistory(client, await timeline(session, client, now))


# ---------------------------------------------------------------------------------------
# Transfer (supervisors within their team; admins)

TRANSFER = "client.transfer"


async def transfer_choice(
    work: Work, actor: Actor, client_id: int | None
) -> TransferChoice | Refused:
    """Whom the actor may hand the client to. Refused (and audited) when the actor may
    not see the client, or ("role") may not transfer at all."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        if client is None or not roles.may_transfer(actor.role):
            await caseload.refuse(session, actor, client_id, TRANSFER, now=now)
            return NOT_VISIBLE if client is None else ROLE_REFUSED
        targets = await caseload.transfer_targets(
            session, actor, client, roles.TRANSFER_TARGET_ROLES
        )
        who = await names(session, {client.worker_id} if client.worker_id else set())
    return TransferChoice(client, targets, who.get(client.worker_id or 0))


async def transfer_client(
    work: Work, actor: Actor, client_id: int | None, worker_id: int | None
) -> Saved[Transferred] | Stale[Client] | Refused:
    """Hand the case to `worker_id`; the client's future scheduled appointments held by
    the old worker follow it. Stale when the client is already with that worker."""
    now = work.clock.now()
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        if client is None:
            await caseload.refuse(
                session, actor, client_id, TRANSFER, now=now, detail={"to": worker_id}
            )
            return NOT_VISIBLE
        if worker_id is not None and worker_id == client.worker_id:
            return Stale(client)
        targets = (
            await caseload.transfer_targets(session, actor, client, roles.TRANSFER_TARGET_ROLES)
            if roles.may_transfer(actor.role)
            else []
        )
        target = next((worker for worker in targets if worker.id == worker_id), None)
        if target is None:
            await caseload.refuse(
                session, actor, client.id, TRANSFER, now=now, detail={"to": worker_id}
            )
            return WORKER_REFUSED
        moved = await hand_over(session, client, target, now=now, actor_id=actor.id)
    return Saved(Transferred(client, target, moved))


async def hand_over(
    session: AsyncSession,
    client: Client,
    target: Worker,
    *,
    now: datetime,
    actor_id: int | None,
    detail: dict[str, Any] | None = None,
) -> int:
    """The one transfer, inside the caller's transaction, once the caller has authorised
    it: the client goes to `target`, with its future scheduled appointments held by the
    old worker; audited as "client.transfer" (with `detail` added, e.g. via=cli or the
    offboarding it is part of). How many appointments moved."""
    previous = client.worker_id
    client.worker_id = target.id
    client.updated_at = now
    moved = 0
    if previous is not None:
        moved = await caseload.move_future_appointments(
            session, client.id, previous, target.id, now
        )
    await audit.record(
        session,
        TRANSFER,
        now=now,
        actor_id=actor_id,
        subject_type="client",
        subject_id=client.id,
        client_id=client.id,
        detail={"from": previous, "to": target.id, "appointments": moved, **(detail or {})},
    )
    return moved


# ---------------------------------------------------------------------------------------
# Discharge and reopen

DISCHARGE = "client.discharge"
REOPEN = "client.reopen"


async def _changeable(
    work: Work, actor: Actor, client_id: int | None, action: str, now: datetime
) -> Client | Refused:
    """The client, if the actor may see it and their role may discharge or reopen;
    else the refusal, audited. Call inside the use case's transaction."""
    async with work.transaction() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        if client is None or not roles.may_discharge(actor.role):
            await caseload.refuse(session, actor, client_id, action, now=now)
            return NOT_VISIBLE if client is None else ROLE_REFUSED
        return client


async def discharge_choice(
    work: Work, actor: Actor, client_id: int | None
) -> DischargeChoice | Stale[Client] | Refused | Pending[ApprovalRequest]:
    """What the discharge question needs: the client and how many future appointments a
    discharge would cancel. Stale when the case is closed already; Pending (already) when
    the actor's discharge needs approval and one waits for this client."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _changeable(work, actor, client_id, DISCHARGE, now)
        if isinstance(found, Refused):
            return found
        if found.status == ClientStatus.DISCHARGED:
            return Stale(found)
        if await approval_requests.needs_approval(session, actor, ApprovalKind.DISCHARGE):
            waiting = await approval_store.pending_for(session, found.id, ApprovalKind.DISCHARGE)
            if waiting is not None:
                request = ApprovalRequest(
                    waiting.id, waiting.kind, found.id, found.code, waiting.requested_at
                )
                return Pending(request, already=True)
        return DischargeChoice(found, await caseload.scheduled_ahead(session, found.id, now))


def check_discharge_reason(text: str) -> str | Invalid:
    """The reason as stored, or why it cannot be."""
    reason = roles.clean_reason(text)
    if not reason:
        return Invalid(REASON_EMPTY)
    if len(reason) > roles.DISCHARGE_REASON_MAX:
        return Invalid(REASON_TOO_LONG)
    return reason


async def discharge_client(
    work: Work, actor: Actor, client_id: int | None, *, reason_code: str, reason_text: str
) -> Saved[Discharged] | Stale[Client] | Refused | Invalid | Pending[ApprovalRequest]:
    """Close the case: status discharged, when and why; the client's future scheduled
    appointments are cancelled. Stale when it is closed already. When the actor's team
    wants a worker's discharge approved, nothing is applied: the request (with the reason)
    waits for a supervisor and the case stays open (Pending)."""
    reason = check_discharge_reason(reason_text)
    if isinstance(reason, Invalid):
        return reason
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _changeable(work, actor, client_id, DISCHARGE, now)
        if isinstance(found, Refused):
            return found
        client = found
        if client.status == ClientStatus.DISCHARGED:
            return Stale(client)
        if await approval_requests.needs_approval(session, actor, ApprovalKind.DISCHARGE):
            return await approval_requests.ask(
                session,
                work,
                actor,
                client,
                ApprovalKind.DISCHARGE,
                reason_code=reason_code,
                reason=reason,
            )
        cancelled = await apply_discharge(
            session, client, reason_code=reason_code, reason=reason, actor_id=actor.id, now=now
        )
        await approval_requests.close_superseded(
            session, work, actor, client.id, ApprovalKind.DISCHARGE
        )
    return Saved(Discharged(client, cancelled))


async def apply_discharge(
    session: AsyncSession,
    client: Client,
    *,
    reason_code: str,
    reason: str,
    actor_id: int,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> int:
    """The discharge itself, once authorised (the actor's own press, or a supervisor's
    approval: `detail` then names the request and who asked): discharged as of `now`,
    future scheduled appointments cancelled (so the client is muted everywhere), audited
    as client.discharge by `actor_id`. How many appointments were cancelled."""
    previous = client.status
    client.status = ClientStatus.DISCHARGED
    client.discharged_at = now
    client.discharge_reason = reason
    client.updated_at = now
    cancelled = await caseload.cancel_future_appointments(session, client.id, now)
    await audit.record_client(
        session,
        DISCHARGE,
        now=now,
        actor_id=actor_id,
        client_id=client.id,
        detail={
            "reason": reason_code,
            # The reason as typed, for the client's timeline; `caseline audit` never
            # prints free text (storage/history.py).
            "reason_text": reason,
            "previous_status": previous,
            "appointments_cancelled": cancelled,
            **(detail or {}),
        },
    )
    return cancelled


async def reopen_client(
    work: Work, actor: Actor, client_id: int | None
) -> Saved[Client] | Stale[Client] | Refused:
    """Open a discharged case again: active, discharge fields cleared; nothing missed
    is replayed. Stale when the case is not discharged."""
    now = work.clock.now()
    async with work.transaction() as session:
        found = await _changeable(work, actor, client_id, REOPEN, now)
        if isinstance(found, Refused):
            return found
        client = found
        if client.status != ClientStatus.DISCHARGED:
            return Stale(client)
        client.status = ClientStatus.ACTIVE
        client.discharged_at = None
        client.discharge_reason = None
        client.updated_at = now
        await audit.record_client(session, REOPEN, now=now, actor_id=actor.id, client_id=client.id)
    return Saved(client)


# ---------------------------------------------------------------------------------------
# The client's language and interpreter need (issue 17)

LANGUAGE = "client.language"
LANGUAGE_EMPTY = "language_empty"


async def language_choice(
    work: Work, actor: Actor, client_id: int | None
) -> Saved[Client] | Refused:
    """The client whose language the card's 🗣 button edits (the question names them): an
    allowed look is audited like any other ("client.view", via=language.menu), a refused
    one as the change it was for (client.language)."""
    return await card_menu_look(work, actor, client_id, "language.menu", LANGUAGE)


async def card_menu_look(
    work: Work, actor: Actor, client_id: int | None, via: str, refused_as: str
) -> Saved[Client] | Refused:
    """The client a card's menu is about (🗣 Language, ✏️ Edit): an allowed look audited
    like any other ("client.view", via the menu), a refused one as the change it was for."""
    async with work.transaction() as session:
        client = await caseload.look(
            session,
            actor,
            client_id,
            "client.view",
            now=work.clock.now(),
            detail={"via": via},
            refused_as=refused_as,
        )
        return NOT_VISIBLE if client is None else Saved(client)


async def set_client_language(
    work: Work,
    actor: Actor,
    client_id: int | None,
    *,
    language: str | None = None,
    interpreter: bool | None = None,
    forget: bool = False,
) -> Saved[Client] | Refused | Invalid:
    """Set the client's language (cleaned: one line, no control characters, at most
    clients.LANGUAGE_MAX) and/or whether an interpreter is needed; what is None stays.
    `forget`: both back to not known (a language set by mistake).
    Anyone who may see the client may; audited client.language naming the fields changed,
    never the value (a refusal too). Invalid(LANGUAGE_EMPTY) for a language that is empty
    once cleaned."""
    cleaned = clients.clean_language(language) if language is not None else None
    if language is not None and cleaned is None:
        return Invalid(LANGUAGE_EMPTY)
    changed = [
        name
        for name, value in (("language", cleaned), ("interpreter", interpreter))
        if value is not None or forget
    ]
    now = work.clock.now()
    async with work.transaction() as session:
        client = await caseload.look(
            session, actor, client_id, LANGUAGE, now=now, detail={"fields": changed}
        )
        if client is None:
            return NOT_VISIBLE
        if forget:
            client.language = client.interpreter = None
        if cleaned is not None:
            client.language = cleaned
        if interpreter is not None:
            client.interpreter = interpreter
        client.updated_at = now
    return Saved(client)
