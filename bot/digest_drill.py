"""The buttons under the digest and /team, and inside the drill-down (issue 20).

    digest / /team ─(figure)─► its list (the team's) ─(client)─► the client card
                   ─(worker)─► their day and caseload ─(figure)─► their list ─► card
    list ◀ ▶ pages in place · « Back / « Team goes up in place · ⚙ Manage: /team's card

A thin shell, stateless: every press reads the ids in its data (ui/digest_views.py),
calls ONE use case (domain/usecases/digest_drill.py), which checks the presser may look
into that team and audits the look (or the refusal), and renders its result. A press
from the digest answers below it, so the digest stays to come back to; a press inside
the drill-down answers in place. A forged or unreadable press is refused kindly.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from domain.results import Refused
from domain.rules import roles
from domain.usecases import digest_drill
from ui import digest_views as views
from ui import texts
from ui.callbacks import pattern, read_ids, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show
from ui.views import View


async def drill_button(update: Update, context: CaselineContext) -> None:
    pressed = unpack(update.callback_query.data)
    ids = read_ids(pressed.arg, 3)
    team_id, worker, page = ids if ids is not None else (None, None, 0)
    worker_id = worker or None  # 0: the whole team
    actor = context.require_actor()
    work = context.services
    zone = zone_of(context)
    view: View
    if pressed.action == views.TEAM:
        found = await digest_drill.team_figures(work, actor, team_id, zone=zone)
        if isinstance(found, Refused):
            await _refused(update)
            return
        view = views.team_view(found.value)
    elif pressed.action == views.WORKER:
        day = await digest_drill.worker_day(work, actor, team_id, worker_id, zone=zone)
        if isinstance(day, Refused):
            await _refused(update)
            return
        view = views.worker_view(day.value, zone, may_manage=roles.may_see_people(actor.role))
    else:
        listed = await digest_drill.drill_list(
            work, actor, team_id, pressed.action, worker_id, page or 0, zone=zone
        )
        if isinstance(listed, Refused):
            await _refused(update)
            return
        view = views.list_view(listed.value, zone)
    await answer(update)
    await show(update, view, below=pressed.prefix == views.NEW)


async def _refused(update: Update) -> None:
    """Another team's list, a worker's press, a forged or outdated one: one alert, never
    which it was (the use case audited it)."""
    await answer(update, texts.DRILL_NOT_YOURS, alert=True)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(drill_button, pattern=pattern(views.NEW)),
        CallbackQueryHandler(drill_button, pattern=pattern(views.HERE)),
    ]
