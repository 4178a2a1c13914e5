"""The Mini App's writes to a client's referrals and people: what the chat's /refer and
👥 People dialogs do, so a strict organisation (whose chat sends neither) can make a
referral and record a person. Each request is signed in as api.py's, validated strictly
(a body of the wrong shape is 400, nothing called), then calls the ONE use case the
chat's dialog calls for the same step; its answer is the page as it now is, read by the
page's own use case (so the tab redraws; that look is audited as the tab's is):

    POST /api/clients/<id>/referrals/<rid>/move  {"from": status, "to": status, "text": …}
         move_referral, as the card's ✅ 🚫 🏁 ↩ (a decline's reason, a completion's outcome)
    GET  /api/clients/<id>/referrals/new     the consent in force and the directory's
         resources (consent_state, then search for a referral: the chat's two questions)
    POST /api/clients/<id>/referrals/consent {"given": bool, "scope": text when given}
         record_consent, as /refer's ✅ Consent given │ 🚫 Client refused
    POST /api/clients/<id>/referrals         {"resource": id, "reason": …, "follow_up_on":
         day, "application_date": day or null} make_referral, as /refer's ✅ Send
    POST /api/clients/<id>/people            {"relation", "name", "phone", "organisation",
         "consent": true/false/null, "anyway": bool} add_person, as 👥 ➕ Add
    POST /api/clients/<id>/people/<pid>      {"field": name|phone|organisation|notes|consent,
         "value": …} edit_person, as a person's ✏️
    POST /api/clients/<id>/people/<pid>/end  end_relation, as ⏹ End relation

The use case's Invalid reason is 422 (nothing saved); its refusal — another team's
client, another client's referral or person — is 404, audited by it as the chat's. A
stale move (the referral moved meanwhile) or a relation ended already is 409 with the
page as it is; a person of the same name already listed is 409 "already_listed" (sent
again with "anyway": true, as the chat's ➕ Add anyway).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.webapp.api import ClientPageHandler, _ApiHandler
from bot.webapp.serialise import jsonable, people_json, referrals_json
from domain.results import Confirm, Gone, Invalid, Refused, Saved, Stale
from domain.rules import referrals as rule
from domain.usecases import resources as directory
from domain.usecases.client_people import (
    NewPerson,
    People,
    add_person,
    edit_person,
    end_relation,
    list_people,
)
from domain.usecases.referrals import (
    AUDIT_OF,
    ReferralList,
    client_referrals,
    consent_state,
    make_referral,
    move_referral,
    record_consent,
)
from storage import client_people as people_store
from storage.consents import SCOPE_MAX
from storage.kinds import ReferralStatus
from storage.referrals import OUTCOME_MAX, REASON_MAX
from storage.workers import Actor

# The directory offered at once on the page (the chat pages it by 8; a town's directory
# is far smaller than this).
RESOURCES_AT_MOST = 300
# A text the page sends, at most (the longest the record keeps is the outcome's).
TEXT_MAX = max(OUTCOME_MAX, REASON_MAX, SCOPE_MAX, 2000)
PERSON_FIELDS = (*people_store.TEXT_FIELDS, "consent")


def _body(raw: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _text(value: Any, limit: int = TEXT_MAX) -> str | None:
    """A text field, stripped; None when it is not a string or is longer than `limit`."""
    if not isinstance(value, str) or len(value) > limit:
        return None
    return value.strip()


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _optional_text(body: dict[str, Any], key: str) -> tuple[bool, str | None]:
    """(well formed, the text or None when absent, null or blank)."""
    value = body.get(key)
    if value is None:
        return True, None
    text = _text(value)
    return text is not None, text or None


class _RecordHandler(_ApiHandler):
    async def refreshed_referrals(self, actor: Actor, client_id: int, status: int) -> None:
        found = await client_referrals(self.work, actor, client_id)
        if not isinstance(found, ReferralList):
            self.answer(404, {"error": "not_found"})
            return
        self.answer_for(actor, status, referrals_json(found))

    async def refreshed_people(self, actor: Actor, client_id: int, status: int) -> None:
        found = await list_people(self.work, actor, client_id)
        if not isinstance(found, People):
            self.answer(404, {"error": "not_found"})
            return
        self.answer_for(actor, status, people_json(found))

    def bad_request(self) -> None:
        self.answer(400, {"error": "bad_request"})

    async def signed_body(self) -> tuple[Actor, dict[str, Any]] | None:
        """The worker asking and the request's JSON object, or None once 401, 429 or 400
        (not a JSON object) is answered."""
        actor = await self.signed_in()
        if actor is None:
            return None
        body = _body(self.request.body)
        if body is None:
            self.bad_request()
            return None
        return actor, body


class ReferralMoveHandler(_RecordHandler):
    async def post(self, client_id: str, referral_id: str) -> None:
        signed = await self.signed_body()
        if signed is None:
            return
        actor, body = signed
        expected, to = body.get("from"), body.get("to")
        if expected not in set(ReferralStatus) or to not in AUDIT_OF:
            return self.bad_request()
        text = body.get("text")
        needs_text = to in rule.NEEDS_TEXT
        # The chat asks a decline's reason and a completion's outcome, and nothing else.
        if needs_text != (text is not None):
            return self.bad_request()
        limit = REASON_MAX if to == ReferralStatus.DECLINED else OUTCOME_MAX
        words = _text(text, limit) if needs_text else ""
        if words is None:
            return self.bad_request()
        if needs_text and not words:
            self.answer(422, {"error": "empty"})
            return
        if to == ReferralStatus.DECLINED:
            words = " ".join(words.split())  # one line, as the chat keeps a typed reason
        moved = await move_referral(
            self.work,
            actor,
            int(referral_id),
            expected=expected,
            to=to,
            decline_reason=words if to == ReferralStatus.DECLINED else None,
            outcome=words if to == ReferralStatus.COMPLETED else None,
            client_id=int(client_id),
        )
        if isinstance(moved, Refused):
            self.answer(404, {"error": "not_found"})
            return
        await self.refreshed_referrals(
            actor, int(client_id), 200 if isinstance(moved, Saved) else 409
        )


class ReferralChoicesHandler(_RecordHandler):
    async def get(self, client_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        state = await consent_state(self.work, actor, int(client_id))
        if isinstance(state, Gone):
            self.answer(404, {"error": "not_found"})
            return
        in_force, refused = state.value.in_force, state.value.refused
        found = await directory.search(
            self.work,
            actor,
            words="",
            category=None,
            page=0,
            page_size=RESOURCES_AT_MOST,
            for_referral=True,
        )
        body = {
            "consent": {"scope": in_force.scope, "recorded_at": jsonable(in_force.recorded_at)}
            if in_force
            else None,
            "refused_on": jsonable(refused.recorded_at) if refused else None,
            "resources": [
                {
                    "id": resource.id,
                    "name": resource.name,
                    "category": resource.category,
                    "benefit": resource.is_benefit_program,
                }
                for resource in found.resources
            ],
        }
        self.answer_for(actor, 200, body)


class ReferralConsentHandler(_RecordHandler):
    async def post(self, client_id: str) -> None:
        signed = await self.signed_body()
        if signed is None:
            return
        actor, body = signed
        given = body.get("given")
        if not isinstance(given, bool):
            return self.bad_request()
        scope = _text(body.get("scope", ""), SCOPE_MAX)
        if scope is None:
            return self.bad_request()
        if given and not scope:
            self.answer(422, {"error": "empty"})
            return
        recorded = await record_consent(
            self.work, actor, int(client_id), given=given, scope=scope, via="webapp"
        )
        if isinstance(recorded, Gone):
            self.answer(404, {"error": "not_found"})
            return
        self.answer_for(actor, 201, {"consent": {"id": recorded.value.id, "given": given}})


class ReferralNewHandler(ClientPageHandler, _RecordHandler):
    """POST a referral; GET is the referrals page (the same path)."""

    async def post(self, client_id: str, _page: str) -> None:
        signed = await self.signed_body()
        if signed is None:
            return
        actor, body = signed
        resource, reason = body.get("resource"), _text(body.get("reason"), REASON_MAX)
        follow_up = _day(body.get("follow_up_on"))
        applied_raw = body.get("application_date")
        applied = _day(applied_raw) if applied_raw is not None else None
        if not isinstance(resource, int) or isinstance(resource, bool) or reason is None:
            return self.bad_request()
        if follow_up is None or (applied_raw is not None and applied is None):
            return self.bad_request()
        today = self.work.clock.now().astimezone(self.work.zone_for(actor.timezone)).date()
        # As the chat's pickers: a follow-up not in the past, an application not in future.
        if not reason:
            self.answer(422, {"error": "empty"})
            return
        if follow_up < today or (applied is not None and applied > today):
            self.answer(422, {"error": "day"})
            return
        made = await make_referral(
            self.work,
            actor,
            client_id=int(client_id),
            resource_id=resource,
            reason=reason,
            follow_up_on=follow_up,
            application_date=applied,
        )
        if isinstance(made, Invalid):
            self.answer(422, {"error": made.reason})
        elif isinstance(made, Refused):
            self.answer(404, {"error": "not_found"})
        else:
            await self.refreshed_referrals(actor, int(client_id), 201)


class PeopleAddHandler(ClientPageHandler, _RecordHandler):
    """POST a person; GET is the people page (the same path)."""

    async def post(self, client_id: str, _page: str) -> None:
        signed = await self.signed_body()
        if signed is None:
            return
        actor, body = signed
        relation, name = body.get("relation"), _text(body.get("name"))
        phone_ok, phone = _optional_text(body, "phone")
        organisation_ok, organisation = _optional_text(body, "organisation")
        consent, anyway = body.get("consent"), body.get("anyway", False)
        if not isinstance(relation, str) or name is None or not (phone_ok and organisation_ok):
            return self.bad_request()
        if not (consent is None or isinstance(consent, bool)) or not isinstance(anyway, bool):
            return self.bad_request()
        new = NewPerson(relation, name, phone, organisation, consent)
        added = await add_person(self.work, actor, int(client_id), new, anyway=anyway)
        if isinstance(added, Invalid):
            self.answer(422, {"error": added.reason})
        elif isinstance(added, Refused):
            self.answer(404, {"error": "not_found"})
        elif isinstance(added, Confirm):
            self.answer(409, {"error": "already_listed", "person": added.about.id})
        else:
            self.answer_for(actor, 201, people_json(added.value.people))


class PersonEditHandler(_RecordHandler):
    async def post(self, client_id: str, person_id: str) -> None:
        signed = await self.signed_body()
        if signed is None:
            return
        actor, body = signed
        field = body.get("field")
        if field not in PERSON_FIELDS:
            return self.bad_request()
        value = body.get("value")
        if field == "consent":
            if not isinstance(value, bool):
                return self.bad_request()
        else:
            value = _text(value)
            if value is None:
                return self.bad_request()
        edited = await edit_person(self.work, actor, int(client_id), int(person_id), field, value)
        if isinstance(edited, Invalid):
            self.answer(422, {"error": edited.reason})
        elif isinstance(edited, Refused):
            self.answer(404, {"error": "not_found"})
        else:
            await self.refreshed_people(actor, int(client_id), 200)


class PersonEndHandler(_RecordHandler):
    async def post(self, client_id: str, person_id: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        ended = await end_relation(self.work, actor, int(client_id), int(person_id))
        if isinstance(ended, Refused):
            self.answer(404, {"error": "not_found"})
            return
        await self.refreshed_people(actor, int(client_id), 409 if isinstance(ended, Stale) else 200)


def record_routes(api: dict[str, Any]) -> list[tuple[str, type, dict[str, Any]]]:
    """The routes above, before the pages' own (a POST to a page's path is its write)."""
    client = r"/api/clients/([0-9]{1,12})"
    return [
        (client + r"/referrals/([0-9]{1,12})/move", ReferralMoveHandler, api),
        (client + r"/referrals/new", ReferralChoicesHandler, api),
        (client + r"/referrals/consent", ReferralConsentHandler, api),
        (client + r"/(referrals)", ReferralNewHandler, api),
        (client + r"/(people)", PeopleAddHandler, api),
        (client + r"/people/([0-9]{1,12})", PersonEditHandler, api),
        (client + r"/people/([0-9]{1,12})/end", PersonEndHandler, api),
    ]
