"""The Mini App's JSON API. Each request carries the init data Telegram signed for the page
(`Authorization: tma <initData>`, as Telegram's own documentation sends it); the worker
behind it is found by domain/usecases/webapp.py (refusals audited there, answered 401).
Each endpoint then calls the one use case the chat calls for the same thing, so who may
see what, and what the audit trail says, is the chat's:

    GET  /api/clients                the caseload   (caseload_page, as /clients)
    GET  /api/clients/<id>           the card       (look_at_client, as /client C-0042)
    GET  /api/clients/<id>/history   the timeline   (history_page, as /history C-0042)
    GET  /api/clients/<id>/notes/people  who a note may name (people_for_note, as 👥 Who was there)
    POST /api/clients/<id>/notes     a note         (save_note, as /note's ✅ Save)
    GET  /api/clients/<id>/export.pdf|csv  the case file (export_client, as 📤 Export),
                                     a download: in strict mode the chat does not send it
    GET  /api/clients/<id>/plan      the plan       (plan_versions, as /plan's 📜 Versions)
    GET  /api/clients/<id>/safety_plan  the safety plan (look_at_plan, as the card's 🛟)
    GET  /api/clients/<id>/referrals the referrals  (client_referrals, each as its card)
    GET  /api/clients/<id>/people    the people     (list_people, as the card's 👥 People)
    GET  /api/team[?team=<name>]     the team view  (view_digest, as /digest [North])
    GET  /api/words/<language>       the page's words (ui/webapp_words.py; no data, no sign-in)
    GET  /api/attachments/<id>       a note's file  (look_at_attachment: its stored bytes)

The card says `may_see_team` (domain/rules/roles.py) so the page offers the team view; the
team view itself is the digest's: a worker is 403 with the refusal audited as /digest's,
an admin without a team who names none is 409 with the teams to choose from.

A note's body is JSON, the /note card's fields: {"kind": an interaction type, "text": …,
"token": 32 hex digits the page draws for each note, and optionally "dap": [data,
assessment, plan], "risk": the risk flag's reason, "goals": [goal ids], "client_present":
true/false, "present": [person ids], "with": a collateral contact's person id}. A value of
the wrong shape is 400 (a "with" on a note that is not collateral too); a goal or person
that is not this client's open goal or current person is 422 with nothing saved (save_note
refuses it and audits the attempt, where the chat's days-old draft would drop it). The
token makes a retried POST find the note it already became (save_note's draft receipt), as
a ✅ Save pressed twice does: 201 the first time, 200 after. A risk flag queues the
supervisors' alert in the note's transaction and the bot's sender is asked to send it now.

An address refused (401) more than ten times a minute is answered 429 without being checked
(domain/rules/refusal_budget.py), audited once a minute as "webapp.throttled".

A client the worker may not see, or that does not exist, is 404 either way (the chat's
answer does not say which either); the use case has audited the refusal.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from tornado.web import RequestHandler

from bot.export import render
from bot.webapp.serialise import (
    card_json,
    caseload_json,
    history_json,
    people_for_note_json,
    people_json,
    plan_json,
    referrals_json,
    safety_plan_json,
    saved_note_json,
    team_json,
)
from domain.results import AlreadySaved, Confirm, Invalid, Refused, Saved
from domain.rules import roles
from domain.rules.notes import RISK_REASON_MAX, with_someone
from domain.rules.refusal_budget import RefusalBudget
from domain.usecases.attachments import look_at_attachment
from domain.usecases.client_people import People, PeopleForNote, list_people, people_for_note
from domain.usecases.clients import ClientHistory, caseload_page, history_page, look_at_client
from domain.usecases.digests import view_digest
from domain.usecases.exports import export_client
from domain.usecases.notes import NewNote, save_note
from domain.usecases.plans import Versions, plan_versions
from domain.usecases.referrals import ReferralList, client_referrals
from domain.usecases.safety_plans import SafetyPage, look_at_plan
from domain.usecases.webapp import NotSignedIn, turned_away, webapp_actor
from domain.work import Work
from storage.attachment_contents import StoredContent
from storage.caseload import CardFacts
from storage.kinds import InteractionType
from storage.workers import Actor
from ui.i18n import supported
from ui.webapp_words import page_words

SCHEME = "tma "
EXPORT_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}
# The caseload page lists at most this many clients (the chat's /clients pages by 8).
CASELOAD_AT_MOST = 500
# What the page's note token looks like (storage's draft receipts hold 32 characters).
NOTE_TOKEN = re.compile(r"^[0-9a-f]{32}$")
# The kinds a note written on the page may be: the chat's, but the one-liner's "not given".
NOTE_KINDS = frozenset(kind.value for kind in InteractionType) - {InteractionType.NOT_GIVEN}


class _JsonHandler(RequestHandler):
    def compute_etag(self) -> None:
        return None  # each answer is as of now, and audited as a look

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        # A client record: kept by no cache, proxy or browser history.
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def answer(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.finish(json.dumps(body, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # Never a traceback: the status says enough, the log has the error.
        self.finish(json.dumps({"error": self._reason.lower().replace(" ", "_")}))


class _ApiHandler(_JsonHandler):
    def initialize(self, work: Work, refusals: RefusalBudget) -> None:
        self.work = work
        self.refusals = refusals

    async def signed_in(self) -> Actor | None:
        """The worker asking, or None once 401 (or 429: refused too often) is answered."""
        address = self.request.remote_ip or "unknown"
        now = self.work.clock.now()
        if self.refusals.exhausted(address, now):
            if self.refusals.first_turned_away(address, now):
                await turned_away(self.work, address)
            self.set_header("Retry-After", str(int(self.refusals.window.total_seconds())))
            self.answer(429, {"error": "too_many_refusals"})
            return None
        header = self.request.headers.get("Authorization", "")
        init_data = header[len(SCHEME) :].strip() if header.startswith(SCHEME) else ""
        actor = await webapp_actor(self.work, init_data)
        if isinstance(actor, NotSignedIn):
            self.refusals.spend(address, now)
            self.set_header("WWW-Authenticate", "tma")
            self.answer(401, {"error": "sign_in"})
            return None
        return actor

    def answer_for(self, actor: Actor, status: int, body: dict[str, Any]) -> None:
        """`body`, with how its reader reads times and dates: their zone (their own, else the
        organisation's, as the chat shows them), their language, not the phone's, and their
        today by Caseline's clock (what is overdue is judged by it, not by the phone's)."""
        zone = self.work.zone_for(actor.timezone)
        reader = {
            "zone": str(zone),
            "language": actor.language or self.work.settings.language,
            "today": self.work.clock.now().astimezone(zone).date().isoformat(),
        }
        self.answer(status, {**body, "reader": reader})


class CaseloadHandler(_ApiHandler):
    async def get(self) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        # The whole list at once (a page scrolls); far above any one worker's caseload.
        listing = await caseload_page(self.work, actor, 0, page_size=CASELOAD_AT_MOST)
        self.answer_for(actor, 200, caseload_json(listing))


class ClientCardHandler(_ApiHandler):
    async def get(self, client_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        facts = await look_at_client(self.work, actor, int(client_id))
        if not isinstance(facts, CardFacts):
            self.answer(404, {"error": "not_found"})
            return
        may_see_team = roles.may_see_team(actor.role)
        zone = self.work.zone_for(actor.timezone)
        body = {**card_json(facts, zone), "may_see_team": may_see_team}
        self.answer_for(actor, 200, body)


class ClientHistoryHandler(_ApiHandler):
    async def get(self, client_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        # The page shows the whole timeline at once; the audit names it page 0 as /history.
        history = await history_page(self.work, actor, int(client_id), 0)
        if not isinstance(history, ClientHistory):
            self.answer(404, {"error": "not_found"})
            return
        self.answer_for(actor, 200, history_json(history))


class ClientExportHandler(_ApiHandler):
    async def get(self, client_id: str, fmt: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        record = await export_client(self.work, actor, int(client_id), fmt)
        if isinstance(record, Refused):
            self.answer(404, {"error": "not_found"})
            return
        data = await asyncio.to_thread(
            render,
            record,
            fmt,
            exported_by=actor.name,
            at=self.work.clock.now(),
            zone=self.work.zone_for(actor.timezone),
        )
        self.set_header("Content-Type", EXPORT_TYPES[fmt])
        self.set_header(
            "Content-Disposition", f'attachment; filename="{record.identity.code}.{fmt}"'
        )
        self.finish(data)


@dataclass(frozen=True, slots=True)
class ClientPage:
    """A page of the client: the one use case that reads it (as the chat reads the same),
    the answer it gives when the look is allowed, and that answer's JSON."""

    read: Callable[[Work, Actor, int], Awaitable[object]]
    allowed: type
    shape: Callable[[Any], dict[str, Any]]


PAGES: dict[str, ClientPage] = {
    # The card and its versions in one look, audited as /plan's 📜 Versions.
    "plan": ClientPage(plan_versions, Versions, plan_json),
    "safety_plan": ClientPage(partial(look_at_plan, via="webapp"), SafetyPage, safety_plan_json),
    "referrals": ClientPage(client_referrals, ReferralList, referrals_json),
    "people": ClientPage(list_people, People, people_json),
}


class ClientPageHandler(_ApiHandler):
    async def get(self, client_id: str, name: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        page = PAGES[name]
        found = await page.read(self.work, actor, int(client_id))
        if not isinstance(found, page.allowed):
            # Refused by the use case, which audited it as the chat's refusal.
            self.answer(404, {"error": "not_found"})
            return
        self.answer_for(actor, 200, page.shape(found))


class DeliveringHandler(_ApiHandler):
    """An endpoint whose use case may queue a message (an alert, an approval request):
    the bot's sender is asked to send it now."""

    def initialize(
        self,
        work: Work,
        refusals: RefusalBudget,
        deliver_soon: Callable[[], object] | None = None,
    ) -> None:
        super().initialize(work, refusals)
        self.deliver_soon = deliver_soon


class ClientNotesHandler(DeliveringHandler):
    async def post(self, client_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        new = new_note(self.request.body, int(client_id))
        if new is None:
            self.answer(400, {"error": "bad_request"})
            return
        token, note = new
        saved = await save_note(self.work, actor, note, token=token, refuse_unknown=True)
        if isinstance(saved, Invalid):
            self.answer(422, {"error": saved.reason})
        elif isinstance(saved, Saved | AlreadySaved):
            if saved.value.alerts and self.deliver_soon is not None:
                self.deliver_soon()  # the risk alert, now (committed by save_note)
            status = 201 if isinstance(saved, Saved) else 200
            self.answer_for(actor, status, saved_note_json(saved.value))
        else:  # Gone: not the actor's client (the refusal is audited as the chat's)
            self.answer(404, {"error": "not_found"})


class NotePeopleHandler(_ApiHandler):
    async def get(self, client_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        found = await people_for_note(self.work, actor, int(client_id), via=NOTE_PRESENT)
        if not isinstance(found, PeopleForNote):
            self.answer(404, {"error": "not_found"})
            return
        self.answer_for(actor, 200, people_for_note_json(found))


# The audited look's `via`, as the chat's 👥 Who was there says it.
NOTE_PRESENT = "note.present"


def _ids(value: Any) -> tuple[int, ...] | None:
    """A list of distinct ids, or None when it is anything else."""
    if not isinstance(value, list) or len(value) > 100:
        return None
    if not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        return None
    return tuple(dict.fromkeys(value))


def _dap(value: Any) -> tuple[str, str, str] | None | bool:
    """The three DAP parts stripped (None when all are empty), or False when malformed."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 3:
        return False
    if not all(isinstance(part, str) for part in value):
        return False
    data, assessment, plan = (part.strip() for part in value)
    return (data, assessment, plan) if data or assessment or plan else None


def _risk(value: Any) -> str | None | bool:
    """The risk flag's reason in one line as the chat keeps it, None, or False."""
    if value is None:
        return None
    if not isinstance(value, str):
        return False
    reason = " ".join(value.split())
    return reason if 0 < len(reason) <= RISK_REASON_MAX else False


def new_note(raw: bytes, client_id: int) -> tuple[str, NewNote] | None:
    """The body of a POSTed note as the /note card's fields, or None when it is not one."""
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    kind, text, token = body.get("kind"), body.get("text"), body.get("token")
    if kind not in NOTE_KINDS or not isinstance(text, str):
        return None
    if not isinstance(token, str) or not NOTE_TOKEN.match(token):
        return None
    dap, risk = _dap(body.get("dap")), _risk(body.get("risk"))
    goals, present = _ids(body.get("goals", [])), _ids(body.get("present", []))
    client_present, about = body.get("client_present", False), body.get("with")
    if dap is False or risk is False or goals is None or present is None:
        return None
    if not isinstance(client_present, bool):
        return None
    # A person the note is with: a collateral contact only, as the chat's 🗣 With whom.
    if about is not None and not (_ids([about]) and with_someone(InteractionType(kind))):
        return None
    # Stripped as Telegram strips a message the chat's note is typed in.
    note = NewNote(
        client_id=client_id,
        kind=InteractionType(kind),
        text=text.strip(),
        dap=dap if isinstance(dap, tuple) else None,
        risk_reason=risk if isinstance(risk, str) else None,
        goal_ids=goals,
        client_present=client_present,
        attendee_ids=present,
        about_contact_id=about,
    )
    return token, note


class TeamHandler(_ApiHandler):
    async def get(self) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        # The chat's /digest, so the page's figures are the digest's (and audited as a look).
        result = await view_digest(
            self.work,
            actor,
            asked=self.get_argument("team", "").strip(),
            via="webapp",
            zone=self.work.zone_for(actor.timezone),
        )
        if isinstance(result, Saved):
            self.answer_for(actor, 200, team_json(result.value))
        elif isinstance(result, Refused):
            self.answer(403, {"error": "only_supervisors"})
        elif isinstance(result, Invalid):
            self.answer(404, {"error": result.reason})
        elif isinstance(result, Confirm):
            self.answer_for(actor, 409, {"error": "pick_team", "teams": result.about.names})


class WordsHandler(_JsonHandler):
    def initialize(self, work: Work) -> None:
        self.organisation_language = work.settings.language

    def get(self, language: str) -> None:
        # Words hold no client data, so the page may read them before it is signed in (to
        # say "open it again from the chat" in the phone's language); unknown → the org's.
        self.answer(200, page_words(supported(language) or self.organisation_language))


class AttachmentHandler(_ApiHandler):
    """A note's voice note, photo or document, as Caseline stored it: for a worker who may
    see the note's client (audited as a look), else 404 like a card."""

    async def get(self, attachment_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        stored = await look_at_attachment(self.work, actor, int(attachment_id))
        if not isinstance(stored, StoredContent):
            self.answer(404, {"error": "not_found"})
            return
        self.set_header("Content-Type", stored.mime_type)
        self.set_header("Content-Disposition", "inline")
        self.finish(stored.content)


class NotFoundHandler(_JsonHandler):
    def get(self) -> None:
        self.answer(404, {"error": "not_found"})
