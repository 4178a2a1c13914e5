"""People admin in the chat: the people rows under /team and everything behind them.

    /team ─► figures (bot/digest.py) + people rows (admins: every team, grouped; ‹ › pages)
      ─(row)─► card ─► ⏸ Switch off ─► [who takes N clients?] ─► confirm ─► done
                    ─► ⇄ Move to team… ─► team ─► [who takes?] ─► confirm ─► done
                    ─► 👤 Role… (admins) ─► role ─► confirm ─► done
                    ─► 🛟 Cover… ─► who covers ─► until (1, 2, 4 weeks) ─► confirm ─► done
                    ─► ▶ Switch on · End cover · « Back
      ─► ✉ Unused invites ─► Revoke #id ─► confirm ─► done

A thin shell, stateless: every press reads the ids in its data (ui/team_views.py), calls
ONE use case (domain/usecases/people.py, people_choices.py, covers.py), renders the
result. Every press is checked again by the use case, which audits a refusal: a forged
or old button gets the same "not on your list" answer whether the person does not exist
or is outside the presser's reach. A Yes carries how many clients its question counted;
when that changed meanwhile, nothing happens and the presser is told.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from domain.results import Gone, Invalid, Refused, Saved, Stale
from domain.usecases import covers, people
from domain.usecases.people import ClientsTo, ClientsToNeeded, Person
from domain.usecases.people_choices import PersonChoices, person_choices
from storage.workers import Actor
from ui import menu, texts
from ui import team_views as views
from ui.callbacks import leading_ids, pattern, read_id, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, show


def refusal(reason: str) -> str:
    """What a refused change says; read when answering (texts are in the reader's language)."""
    return {
        people.SELF: texts.TEAM_SELF,
        people.LAST_ADMIN: texts.TEAM_LAST_ADMIN,
        people.NO_SUPERVISOR: texts.TEAM_NO_SUPERVISOR,
        people.CLIENTS_TO_BAD: texts.TEAM_TAKER_GONE,
        people.UNKNOWN_TEAM: texts.TEAM_UNKNOWN_TEAM,
        covers.SAME_WORKER: texts.NOT_ALLOWED,
        covers.INACTIVE: texts.TEAM_INACTIVE,
        "until_past": texts.TEAM_COVER_DATE,
        "until_too_far": texts.TEAM_COVER_DATE,
    }.get(reason, texts.NOT_ALLOWED)


async def send_people(update: Update, context: CaselineContext) -> None:
    """The people rows as their own message under /team's figures (bot/digest.py)."""
    await _people(update, context, 0)


async def _people(update: Update, context: CaselineContext, page: int) -> None:
    actor = context.require_actor()
    found = await people.list_people(context.services, actor)
    if isinstance(found, Refused):
        await _refused(update)
        return
    await answer(update)
    await show(update, views.people_view(found, all_teams=actor.is_admin, page=page))


async def _refused(update: Update, result: Refused | Gone | None = None) -> None:
    text = texts.TEAM_NOT_FOUND if isinstance(result, Gone) else texts.NOT_ALLOWED
    if update.callback_query is not None:
        await answer(update, text, alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def _clients_to(to: str) -> ClientsTo:
    if to == views.TO_SUPERVISOR:
        return "supervisor"
    if to == views.TO_NOBODY:
        return None
    return read_id(to) if to else None


def _taker(arg: str, at: int) -> tuple[str, int] | None:
    """The taker ("s", "0" or an id) and the expected count at positions at, at+1."""
    parts = arg.split(":")
    if len(parts) != at + 2:
        return None
    to, count = parts[at], read_id(parts[at + 1])
    if count is None or not (to in (views.TO_SUPERVISOR, views.TO_NOBODY) or read_id(to)):
        return None
    return to, count


async def _choices(
    update: Update, context: CaselineContext, worker_id: int | None
) -> PersonChoices | None:
    found = await person_choices(context.services, context.require_actor(), worker_id)
    if isinstance(found, Gone | Refused):
        await _refused(update, found)
        return None
    await answer(update)
    return found


async def _after_change(
    update: Update, context: CaselineContext, result: Any, worker_id: int, done: str
) -> None:
    """Render a change's result: what was done, or why not (nothing changed)."""
    if isinstance(result, Gone | Refused):
        await _refused(update, result)
    elif isinstance(result, Stale):
        await answer(update, texts.TEAM_ALREADY_TOAST)
        await show(update, views.done_view(done, worker_id))
    elif isinstance(result, ClientsToNeeded):
        await answer(update)
        await show(update, views.done_view(texts.clients_changed(result.count), worker_id))
    elif isinstance(result, Invalid):
        await answer(update, refusal(result.reason), alert=True)
    else:
        await answer(update)
        await show(update, views.done_view(done, worker_id))


async def team_button(update: Update, context: CaselineContext) -> None:
    pressed = unpack(update.callback_query.data)
    action, arg = pressed.action, pressed.arg
    actor = context.require_actor()
    work = context.services
    zone = zone_of(context)
    if action == "ls":
        await _people(update, context, read_id(arg) or 0)
        return
    if action == "iv":
        found = await people.list_invites(work, actor)
        if isinstance(found, Refused):
            await _refused(update, found)
            return
        await answer(update)
        await show(update, views.invites_view(found, zone))
        return
    if action in ("ir", "irok"):
        await _invite(update, context, action, read_id(arg))
        return
    if action == "ce":
        ids = leading_ids(arg, 2)
        ended = await covers.end_cover(work, actor, ids[0] if ids else None)
        if isinstance(ended, Gone | Refused):
            await _refused(update, ended)
            return
        await answer(update, texts.TEAM_COVER_ENDED_TOAST)
        await show(update, views.done_view(texts.TEAM_COVER_ENDED_TOAST, ids[1] if ids else None))
        return
    ids = leading_ids(arg, 1)
    worker_id = ids[0] if ids else None
    if action in ("p", "off", "offto", "mv", "mvt", "mvto", "rl", "rlt", "cv", "cvw", "cvu"):
        await _question(update, context, action, arg, worker_id)
        return
    await _decide(update, context, actor, action, arg, worker_id)


async def _question(
    update: Update, context: CaselineContext, action: str, arg: str, worker_id: int | None
) -> None:
    """A screen before the decision: the card, a question, or a confirmation."""
    choices = await _choices(update, context, worker_id)
    if choices is None:
        return
    zone = zone_of(context)
    person = choices.person
    parts = arg.split(":")
    if action == "p":
        await show(update, views.card_view(choices, zone))
    elif action == "off":
        if choices.to_hand_over:
            await show(update, views.takers_view(choices, "offto", person.id))
        else:
            await show(update, views.confirm_off_view(choices, views.TO_NOBODY, 0))
    elif action == "offto" and (taker := _taker(arg, 1)):
        await show(update, views.confirm_off_view(choices, *taker))
    elif action == "mv":
        await show(update, views.teams_view(choices))
    elif action == "mvt" and len(parts) == 2 and (team_id := read_id(parts[1])):
        if choices.to_hand_over:
            await show(update, views.takers_view(choices, "mvto", person.id, team_id))
        else:
            await show(update, views.confirm_move_view(choices, team_id, views.TO_NOBODY, 0))
    elif action == "mvto" and (team_id := read_id(parts[1])) and (taker := _taker(arg, 2)):
        await show(update, views.confirm_move_view(choices, team_id, *taker))
    elif action == "rl":
        await show(update, views.roles_view(choices))
    elif action == "rlt" and len(parts) == 2 and parts[1] in views.ROLE_KEYS:
        await show(update, views.confirm_role_view(choices, parts[1]))
    elif action == "cv":
        await show(update, views.coverers_view(choices))
    elif action == "cvw" and len(parts) == 2 and (covering := read_id(parts[1])):
        now = context.services.clock.now()
        await show(update, views.until_view(choices, covering, now, zone))
    elif action == "cvu" and len(parts) == 3 and (day := views.read_day(parts[2])):
        await show(update, views.confirm_cover_view(choices, read_id(parts[1]) or 0, day))
    else:
        await show(update, views.card_view(choices, zone))


async def _decide(
    update: Update,
    context: CaselineContext,
    actor: Actor,
    action: str,
    arg: str,
    worker_id: int | None,
) -> None:
    """A Yes (or ▶ Switch on): the one use case that changes something."""
    work = context.services
    parts = arg.split(":")
    if action == "on":
        result: Any = await people.reactivate(work, actor, worker_id)
        await _after_change(update, context, result, worker_id or 0, texts.TEAM_SWITCHED_ON_TOAST)
    elif action == "offok" and (taker := _taker(arg, 1)):
        to, count = taker
        result = await people.deactivate(
            work, actor, worker_id, clients_to=_clients_to(to), expected_clients=count
        )
        await _after_change(update, context, result, worker_id or 0, _off_text(result))
    elif action == "mvok" and len(parts) == 4 and (taker := _taker(arg, 2)):
        to, count = taker
        team_id = read_id(parts[1])
        result = await people.move(
            work,
            actor,
            worker_id,
            team_id if team_id is not None else "",
            clients_to=_clients_to(to),
            expected_clients=count,
        )
        await _after_change(update, context, result, worker_id or 0, _move_text(result))
    elif action == "rlok" and len(parts) == 2 and parts[1] in views.ROLE_KEYS:
        role = views.ROLE_KEYS[parts[1]]
        result = await people.change_role(work, actor, worker_id, role)
        done = texts.role_changed(_person_of(result).name, role) if _person_of(result) else ""
        changed = result.value.person if isinstance(result, Saved) else None
        if changed is not None and changed.chat_id is not None:
            # Their menu gains or loses the lead commands (held until the change commits).
            await menu.set_chat_menu(context.bot, changed.chat_id, role, changed.language)
        await _after_change(update, context, result, worker_id or 0, done)
    elif action == "cvok" and len(parts) == 3 and (day := views.read_day(parts[2])):
        granted = await covers.grant_cover(work, actor, read_id(parts[1]), worker_id, day)
        done = ""
        if isinstance(granted, Saved):
            row = granted.value
            until = views.cover_until_day(row.ends_at, zone_of(context))
            done = texts.cover_given(row.covered_name, row.covering_name, until)
        await _after_change(update, context, granted, worker_id or 0, done)
    else:
        await answer(update, texts.STALE_BUTTON)


def _person_of(result: Any) -> Person | None:
    if isinstance(result, Saved):
        return result.value.person
    if isinstance(result, Stale):
        return result.current
    return None


def _off_text(result: Any) -> str:
    if isinstance(result, Saved):
        changed = result.value
        return texts.switched_off(
            changed.person.name, changed.clients_moved, changed.clients_to_name
        )
    person = _person_of(result)
    return texts.switched_off(person.name, 0, None) if person else ""


def _move_text(result: Any) -> str:
    person = _person_of(result)
    if person is None:
        return ""
    changed = result.value if isinstance(result, Saved) else None
    return texts.moved(
        person.name,
        person.team or "",
        changed.clients_moved if changed else 0,
        changed.clients_to_name if changed else None,
    )


async def _invite(
    update: Update, context: CaselineContext, action: str, invite_id: int | None
) -> None:
    if action == "ir":
        # Nothing is read for the question: the Yes is checked by revoke_invite.
        await answer(update)
        await show(update, views.confirm_revoke_view(invite_id or 0))
        return
    result = await people.revoke_invite(context.services, context.require_actor(), invite_id)
    if isinstance(result, Refused):
        await _refused(update, result)
    elif isinstance(result, Gone):
        await answer(update, texts.TEAM_INVITE_NOT_FOUND, alert=True)
    elif isinstance(result, Stale):
        await answer(update)
        await show(update, views.revoked_view(texts.invite_stale(result.current.id)))
    else:
        await answer(update)
        await show(update, views.revoked_view(texts.revoked(result.value.id)))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The buttons under /team (the command itself is bot/digest.py's)."""
    return [CallbackQueryHandler(team_button, pattern=pattern(views.PREFIX))]
