"""The Mini App's Plan tab, writing (issue 23: in strict mode the chat types no plan, so the
page is where a strict organisation changes one). Each POST is one of /plan's buttons, by
the use case that button calls, so the rules, the refusals and the audit trail are the
chat's:

    POST /api/clients/<id>/plan/goals                  ➕ Goal        (add_goal)
         {"description": …, "measure": … | null, "target_date": "YYYY-MM-DD" | null,
          "routine": … | null}
    POST /api/clients/<id>/plan/goals/<goal>/status    a goal's status (set_goal_status)
         {"status": "not_started" | "in_progress" | "achieved" | "discontinued"}
    POST /api/clients/<id>/plan/interventions          🔧 Interventions (set_interventions)
         {"plan": <plan id, 0 without a plan yet>, "text": … | null}
    POST /api/clients/<id>/plan/interval               ⏱ Review every (set_review_interval)
         {"plan": <plan id>, "days": 30 | 60 | 90 | 180}
    POST /api/clients/<id>/plan/activate               ✅ Activate    (activate_plan)
         {"plan": <plan id>}
    POST /api/clients/<id>/plan/review                 /review's walk (save_review)
         {"plan": <the active plan's id>, "summary": …, "goals": [{"goal": <id>,
          "status": …, "effectiveness": 1–5 | null, "comment": … | null}, …]}

A body of the wrong shape is 400 and reaches no use case. A text the chat would not take
(a goal's text over its limit, an empty description, interventions too long) is 422 with
"too_long" / "empty", as the chat answers before saving; a rule of the plan it breaks is
422 with the use case's Invalid reason (plan_full, no_goals, bad_interval). A client the
worker may not see, and a plan or goal id that is not this client's (forged), are 404: the
use case audited the refusal. A plan id or goal of this client that is no longer current
(another phone changed the plan) is 409 "stale" with the card as it stands; a closed case
is 409 "case_closed". Saved: 200 with /plan's card (serialise.plan_card_json), so the page
redraws it. An activation the worker's team wants approved is 202 {"waiting": true}: the
request waits for a supervisor, who is told in the chat now, as the chat's ✅ Activate does.
The safety plan (the card's 🛟, domain/usecases/safety_plans.py), answered the same way
with the safety plan's page (serialise.safety_plan_json):

    POST /api/clients/<id>/safety_plan/save    ✏️ a draft saved      (save_plan)
         {"base": <the version it was written over, 0 for none>, "sections": {<section
          key>: [lines], …}, "interval_days": 14 | 30 | 90 | null}
    POST /api/clients/<id>/safety_plan/review  ✅ Reviewed, no changes (review_plan)
         {"version": <the version reviewed>}

Its Invalid reasons are the use case's (empty, unchanged, broken, interval, no_plan); a
base or version that is no longer the one in effect is 409 "stale" with the plan as it
stands.

A saved review is 201 {"reviewed": {"version", "next_review_on"}} (of the version it made):
the page reads the plan afresh, its new version and the reviewed one among the earlier. A
review of a plan no longer active (reviewed meanwhile on another phone) is 409
"plan_changed" with nothing saved; a goal that is not the plan's is 404, audited.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from bot.webapp.api import DeliveringHandler
from bot.webapp.serialise import plan_card_json, safety_plan_json
from domain.results import Gone, Invalid, Pending, Refused, Saved, Stale
from domain.usecases import plans as plan_cases
from domain.usecases import safety_plans as safety_cases
from domain.work import Work
from storage.workers import Actor

# Why a text was not taken (the chat says the same before it calls the use case).
TOO_LONG = "too_long"
EMPTY = "empty"
GOAL_STATUSES = frozenset(status.value for status in plan_cases.GoalStatus)

Change = Callable[[Work, Actor, int], Awaitable[object]]


class BadBody(Exception):
    """The body is not the shape this endpoint takes (400)."""


class NotTaken(Exception):
    """A text the chat would refuse before saving (422 with its reason)."""


def _body(raw: bytes, fields: set[str], required: set[str]) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        raise BadBody from None
    if not isinstance(body, dict) or not required <= body.keys() <= fields:
        raise BadBody
    return body


def _id(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 10**12:
        raise BadBody
    return value


def _text(value: Any, limit: int, *, one_line: bool) -> str | None:
    """A text as the chat keeps it (a goal's on one line), None when empty or null."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadBody
    text = " ".join(value.split()) if one_line else value.strip()
    if len(text) > limit:
        raise NotTaken(TOO_LONG)
    return text or None


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadBody
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadBody from None


def add_goal(raw: bytes, _: str | None) -> Change:
    body = _body(raw, {"description", "measure", "target_date", "routine"}, {"description"})
    limit = plan_cases.GOAL_TEXT_MAX
    description = _text(body["description"], limit, one_line=True)
    measure = _text(body.get("measure"), limit, one_line=True)
    routine = _text(body.get("routine"), limit, one_line=True)
    target = _day(body.get("target_date"))
    if description is None:
        raise NotTaken(EMPTY)

    async def change(work: Work, actor: Actor, client_id: int) -> object:
        return await plan_cases.add_goal(
            work,
            actor,
            client_id,
            description=description,
            measure=measure,
            target=target,
            routine=routine,
        )

    return change


def goal_status(raw: bytes, goal: str | None) -> Change:
    body = _body(raw, {"status"}, {"status"})
    if body["status"] not in GOAL_STATUSES:
        raise BadBody
    status, goal_id = plan_cases.GoalStatus(body["status"]), int(goal or 0)

    async def change(work: Work, actor: Actor, client_id: int) -> object:
        return await plan_cases.set_goal_status(work, actor, client_id, goal_id, status)

    return change


def interventions(raw: bytes, _: str | None) -> Change:
    body = _body(raw, {"plan", "text"}, {"plan", "text"})
    plan_id = _id(body["plan"])
    text = _text(body["text"], plan_cases.INTERVENTIONS_MAX, one_line=False)

    async def change(work: Work, actor: Actor, client_id: int) -> object:
        return await plan_cases.set_interventions(work, actor, client_id, plan_id, text)

    return change


def interval(raw: bytes, _: str | None) -> Change:
    body = _body(raw, {"plan", "days"}, {"plan", "days"})
    plan_id, days = _id(body["plan"]), _id(body["days"])

    async def change(work: Work, actor: Actor, client_id: int) -> object:
        return await plan_cases.set_review_interval(work, actor, client_id, plan_id, days)

    return change


def activate(raw: bytes, _: str | None) -> Change:
    plan_id = _id(_body(raw, {"plan"}, {"plan"})["plan"])

    async def change(work: Work, actor: Actor, client_id: int) -> object:
        return await plan_cases.activate_plan(work, actor, client_id, plan_id)

    return change


def _outcome(value: Any) -> plan_cases.Outcome:
    """What the review says of one goal, as the chat's walk asks it."""
    keys = {"goal", "status", "effectiveness", "comment"}
    if not isinstance(value, dict) or not {"goal", "status"} <= value.keys() <= keys:
        raise BadBody
    effectiveness = value.get("effectiveness")
    if value["status"] not in GOAL_STATUSES:
        raise BadBody
    if effectiveness is not None and (
        isinstance(effectiveness, bool) or effectiveness not in plan_cases.EFFECTIVENESS
    ):
        raise BadBody
    return plan_cases.Outcome(
        goal_id=_id(value["goal"]),
        status=plan_cases.GoalStatus(value["status"]),
        effectiveness=effectiveness,
        comment=_text(value.get("comment"), plan_cases.COMMENT_MAX, one_line=False),
    )


def review(raw: bytes, _: str | None) -> Change:
    body = _body(raw, {"plan", "goals", "summary"}, {"plan", "goals", "summary"})
    plan_id, goals = _id(body["plan"]), body["goals"]
    if not isinstance(goals, list) or len(goals) > plan_cases.MAX_GOALS:
        raise BadBody
    outcomes = [_outcome(goal) for goal in goals]
    if len({outcome.goal_id for outcome in outcomes}) != len(outcomes):
        raise BadBody
    summary = _text(body["summary"], plan_cases.SUMMARY_MAX, one_line=False)
    if summary is None:
        raise NotTaken(EMPTY)  # the chat's walk does not end without a summary

    async def change(work: Work, actor: Actor, client_id: int) -> object:
        return await plan_cases.save_review(work, actor, client_id, plan_id, outcomes, summary)

    return change


# Each endpoint: how its body becomes the one use case's call (the goal id from the path).
CHANGES: dict[str, Callable[[bytes, str | None], Change]] = {
    "goals": add_goal,
    "status": goal_status,
    "interventions": interventions,
    "interval": interval,
    "activate": activate,
    "review": review,
}


def safety_save(raw: bytes, _: str | None) -> Change:
    body = _body(raw, {"base", "sections", "interval_days"}, {"base", "sections"})
    base, sections, days = _id(body["base"]), body["sections"], body.get("interval_days")
    if not isinstance(sections, dict) or not all(
        isinstance(lines, list) and all(isinstance(line, str) for line in lines)
        for lines in sections.values()
    ):
        raise BadBody
    if days is not None:
        days = _id(days)
    # The rules (known sections, how many lines, how long) are the use case's: 422 "broken".
    draft = safety_cases.Draft(base=base, sections=sections, interval_days=days)

    async def change(work: Work, actor: Actor, client_id: int) -> object:
        return await safety_cases.save_plan(work, actor, client_id, draft)

    return change


def safety_review(raw: bytes, _: str | None) -> Change:
    version = _id(_body(raw, {"version"}, {"version"})["version"])

    async def change(work: Work, actor: Actor, client_id: int) -> object:
        return await safety_cases.review_plan(work, actor, client_id, version)

    return change


SAFETY_CHANGES: dict[str, Callable[[bytes, str | None], Change]] = {
    "save": safety_save,
    "review": safety_review,
}


class _ChangeHandler(DeliveringHandler):
    """A POST that is one change by one use case, answered as the module's docstring says."""

    changes: dict[str, Callable[[bytes, str | None], Change]]

    def shape(self, page: Any) -> dict[str, Any]:
        """The page JSON a change answers with."""
        raise NotImplementedError

    async def change(self, client_id: str, goal: str | None, name: str) -> None:
        actor = await self.signed_in()
        if actor is None:
            return
        try:
            change = self.changes[name](self.request.body, goal)
        except BadBody:
            self.answer(400, {"error": "bad_request"})
            return
        except NotTaken as refused:
            self.answer(422, {"error": str(refused)})
            return
        result = await change(self.work, actor, int(client_id))
        if isinstance(result, Saved) and isinstance(result.value, plan_cases.ReviewSaved):
            # The review made a new version: the page reads the plan afresh (its versions too).
            following = result.value.following
            made = {"version": following.version, "next_review_on": str(following.next_review_on)}
            self.answer_for(actor, 201, {"reviewed": made})
        elif isinstance(result, Saved):
            self.answer_for(actor, 200, self.shape(result.value))
        elif isinstance(result, Pending):
            if not result.already and self.deliver_soon is not None:
                self.deliver_soon()  # the supervisors' approval request, now
            self.answer_for(actor, 202, {"waiting": True})
        elif isinstance(result, Invalid):
            self.answer(422, {"error": result.reason})
        elif isinstance(result, Stale):
            self.answer_for(actor, 409, {"error": "stale", **self.shape(result.current)})
        elif isinstance(result, Gone):
            # The case closed, or the plan under review is no longer the active version.
            closed = result.subject == "case"
            self.answer(409, {"error": "case_closed" if closed else "plan_changed"})
        else:  # Refused: not the worker's client, or a forged plan or goal id (audited)
            assert isinstance(result, Refused)
            self.answer(404, {"error": "not_found"})


class PlanChangeHandler(_ChangeHandler):
    changes = CHANGES

    def shape(self, page: Any) -> dict[str, Any]:
        return plan_card_json(page)

    async def post(self, client_id: str, goal: str | None, name: str) -> None:
        if (goal is None) != (name != "status"):
            self.answer(404, {"error": "not_found"})  # a goal's status names its goal, only it
            return
        await self.change(client_id, goal, name)


class SafetyPlanChangeHandler(_ChangeHandler):
    changes = SAFETY_CHANGES

    def shape(self, page: Any) -> dict[str, Any]:
        return safety_plan_json(page)

    async def post(self, client_id: str, name: str) -> None:
        await self.change(client_id, None, name)
