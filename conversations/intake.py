"""/intake — a guided, resumable intake interview that creates a client in status intake.

    /intake ─► RESUME ─(▶ C-0042 … | ➕ Start a new one)─┐  (only when an intake is kept
    /intake Maria Gonzalez ──────────────────────────────┤   aside or still in progress)
    cf:intake:<client id> (client card button) ──────────┤
                                                          ▼
    QUESTION, one step after the other (each: answer · ⏭ Skip · ◀ Back · ✖ Cancel):
      name ─► date_of_birth ─► phone ─► address ─► emergency_contact ─► program (buttons)
      ─► living_situation (buttons | typed | Other… ─► typed)
      ─► need.medical … need.daily_living (No need | Some need | 🔴 Urgent ─► optional note)
      ─► contacts (Family | Caregiver | Provider | Other ─► name ─► phone, again … ✅ Done)
      ─► consent (✅ Given | 🚫 Refused ─► scope ─► expiry (given only) | ⏳ Later)
                                                          ▼
    OFFER "You skipped 3 questions — answer them now?" ─(✍)─► QUESTION over those only
                                                          ▼
    SUMMARY ─(✅ Finish intake)─► status active ─► GOALS (tick proposed goals) ─► END
    /cancel or ✖ anywhere ─► END; every answer given so far stays saved; /intake resumes

Decisions:
- The client row is created the moment the name is given (status `intake`, the actor as
  worker, program "other" until asked) and every answer is written to it at once, each
  with an `intake.answer` audit event naming the step (never the answer). Needs go to
  `Client.needs` as {domain: {"level": "none|some|urgent", "note": "…"}}, people to
  `ClientContact` rows (saved when the name is typed; the phone is added after), consent
  through `storage.consents.record` (refused: once the scope is known; given: once the
  expiry is known). Each write re-checks that the actor may still see the client and that
  it is still in intake.
- The dialog's place lives in user_data["intake"] (persisted after every update): the
  route (all steps, or only the unanswered ones when answering them at the end), the
  position in it, the phase inside a step (a need's note, a contact's name or phone, the
  consent's scope or expiry), which steps are answered, and the id of the one message whose
  buttons are live — presses on any older message are refused as stale.
- "Skipped" is not a list of its own: a step is pending until it has an answer, so a
  skipped question, consent left for "later" and a question nobody reached are the same
  thing; the end offers them once ("answer them now?") and the summary lists them.
  ⏭ Skip on a step that already has an answer keeps it (so ◀ Back to look is harmless).
- The name is required (it makes the record): its question has no ⏭ Skip until saved.
  In a phase, ⏭ means "none": no note, no phone, no expiry; ◀ Back in a phase returns to
  the start of the step; from the first phase to the previous step.
- Idle for CASELINE_CONVERSATION_TIMEOUT minutes: the common idle guard keeps the draft
  aside; a text sent at that moment is kept in the draft ("late") and offered back as a
  📥 button on the question it answered. /cancel keeps the draft aside too (the intake is
  saved as far as it got). /intake then offers to resume it, and lists the worker's other
  clients still in intake (their place is rebuilt from what the record holds), or starts a
  new one. `cf:intake:<id>` (a client card button) resumes that client's intake when it is
  still in intake, after `clients.get_visible`; every resume, allowed or refused, is
  audited as `intake.resume`.
- Dates of birth: d/m/yyyy (m/d/yyyy when CASELINE_DATE_ORDER=MDY; "." and "-" work too)
  or yyyy-mm-dd, a four-digit year, not in the future, age at most 120. Consent expiry:
  6 months, 1 year, none, or a typed date after today and within 10 years.
- Finishing sets the status to active (`intake.finish`), then proposes one first goal per
  need marked some or urgent (urgent first, and pre-ticked); the ticked ones are stored as
  a draft plan (`storage.intake.create_draft_plan`: `Plan(status="draft")` + `Goal` rows,
  or added to the client's draft plan if one exists; audited as `plan.create`) for the
  plan dialog to take over.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from html import escape
from typing import Any

from dateutil.relativedelta import relativedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from conversations import drafts
from conversations.common import conversation, use_buttons
from conversations.pickers import ClientRef
from storage import audit, clients, consents
from storage import intake as store
from storage.models import Client, ClientStatus, Program
from ui import texts
from ui.callbacks import pack, pattern, read_id, unpack
from ui.context import CaselineContext, zone_of
from ui.replies import answer, edit_pressed
from ui.timefmt import short_datetime

RESUME, QUESTION, OFFER, SUMMARY, GOALS = range(5)
PREFIX = "in"
DRAFT = "intake"
CARD_PATTERN = r"^cf:intake:"
NEEDS = tuple(f"need.{domain}" for domain in store.NEED_DOMAINS)
STEPS = (
    "name",
    "date_of_birth",
    "phone",
    "address",
    "emergency_contact",
    "program",
    "living_situation",
    *NEEDS,
    "contacts",
    "consent",
)
NAME_MIN = 2
DATE_TEXT_MAX = 40
MAX_AGE = 120
EXPIRY_YEARS_MAX = 10
RESUME_CHOICES = 5
SUMMARY_FIELD = 120
SUMMARY_CONTACTS = 10
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
NUMERIC_DATE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d+)$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
EXPIRY_STEPS = {"6m": relativedelta(months=6), "1y": relativedelta(years=1)}
GONE = object()  # what `_save` returns when the client is no longer this worker's intake

Change = Callable[[Any, Client, datetime], Awaitable[Any]]


# ── reading what was typed (pure) ─────────────────────────────────────────────


def clean(text: str) -> str:
    """One line, no control characters, single spaces."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())


def read_phone(text: str) -> str | None:
    phone = clean(text)
    digits = sum(character.isdecimal() for character in phone)
    return phone if PHONE.match(phone) and 3 <= digits <= 20 else None


def read_date(text: str, order: str) -> date | str:
    """A calendar date, or the reason (HTML) it is not one."""
    typed = text.strip().rstrip(".")
    iso = ISO_DATE.match(typed)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        numeric = NUMERIC_DATE.match(typed)
        if numeric is None or len(numeric.group(4)) != 4:
            return texts.bad_date(order)
        first, second, year = int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4))
        day, month = (first, second) if order == "DMY" else (second, first)
    try:
        return date(year, month, day)
    except ValueError:
        return texts.NO_SUCH_DATE


def read_birth_date(text: str, order: str, today: date) -> date | str:
    born = read_date(text, order)
    if isinstance(born, str):
        return born
    if born > today:
        return texts.BIRTH_IN_FUTURE
    if store.age_on(born, today) > MAX_AGE:
        return texts.TOO_OLD
    return born


def read_expiry(text: str, order: str, today: date) -> date | str:
    until = read_date(text, order)
    if isinstance(until, str):
        return until
    if until <= today:
        return texts.EXPIRY_NOT_FUTURE
    if until > today + relativedelta(years=EXPIRY_YEARS_MAX):
        return texts.EXPIRY_TOO_FAR
    return until


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _short(text: str, limit: int = SUMMARY_FIELD) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ── the draft ──────────────────────────────────────────────────────────────────


def _new_draft() -> dict[str, Any]:
    return {
        # Any "kind" lets the idle guard keep a text sent after the timeout in "late".
        "kind": "intake",
        "route": list(STEPS),
        "pos": 0,
        "phase": "",
        "sub": {},
        "answered": [],
        "review": False,
        "stage": "ask",
    }


def _draft(context: CaselineContext) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, _new_draft())


def _ref(draft: dict[str, Any]) -> ClientRef | None:
    return ClientRef.from_json(draft["client"]) if draft.get("client") else None


def _step(draft: dict[str, Any]) -> str | None:
    route, pos = draft.get("route") or [], draft.get("pos", 0)
    return route[pos] if 0 <= pos < len(route) else None


def _pending(draft: dict[str, Any]) -> list[str]:
    answered = set(draft.get("answered", []))
    return [step for step in STEPS if step not in answered]


def _mark_answered(draft: dict[str, Any], step: str) -> None:
    if step not in draft.setdefault("answered", []):
        draft["answered"].append(step)


def _title(step: str) -> str:
    if step.startswith("need."):
        return texts.NEED_NAMES[step.removeprefix("need.")]
    return texts.STEP_TITLES[step]


def _takes_text(step: str, phase: str) -> bool:
    if step in ("name", "date_of_birth", "phone", "address", "emergency_contact"):
        return True
    if step == "living_situation":
        return True
    if step.startswith("need."):
        return phase == "note"
    if step == "contacts":
        return phase in ("name", "phone")
    if step == "consent":
        return phase in ("scope", "expiry")
    return False


def _limit(step: str, phase: str) -> int:
    if step.startswith("need."):
        return store.NOTE_MAX
    if step == "contacts":
        return store.CONTACT_NAME_MAX if phase == "name" else store.PHONE_MAX
    if step == "consent":
        return consents.SCOPE_MAX if phase == "scope" else DATE_TEXT_MAX
    return {
        "name": store.NAME_MAX,
        "date_of_birth": DATE_TEXT_MAX,
        "phone": store.PHONE_MAX,
        "address": store.ADDRESS_MAX,
        "emergency_contact": store.EMERGENCY_MAX,
        "living_situation": store.LIVING_MAX,
    }[step]


def _today(context: CaselineContext) -> date:
    return context.services.clock.now().astimezone(zone_of(context)).date()


def _button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


# ── entry and resuming ─────────────────────────────────────────────────────────


async def start(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    stale = context.user_data.pop(DRAFT, None)
    if stale and stale.get("client") and not drafts.kept(context, DRAFT):
        context.user_data.setdefault(drafts.KEPT, {})[DRAFT] = stale
    if context.args:
        context.user_data[DRAFT] = _new_draft()
        return await _name_typed(update, context, " ".join(context.args))
    kept = drafts.kept(context, DRAFT)
    kept_ref = ClientRef.from_json(kept["client"]) if kept and kept.get("client") else None
    async with context.services.db.session() as session:
        in_progress = await store.open_intakes(session, actor.id, limit=RESUME_CHOICES)
        kept_client = await clients.get_visible(session, actor, kept_ref.id) if kept_ref else None
    if kept_ref and (
        kept_client is None
        or (kept_client.status != ClientStatus.INTAKE and kept.get("stage") != "goals")
    ):
        drafts.take(context, DRAFT)  # finished or reassigned meanwhile: nothing to resume
        kept_ref = None
    refs = [kept_ref] if kept_ref else []
    refs += [
        ClientRef.of(client) for client in in_progress if client.id not in {r.id for r in refs}
    ]
    refs = refs[:RESUME_CHOICES]
    if not refs:
        context.user_data[DRAFT] = _new_draft()
        return await _show(update, context)
    rows = [[_button(texts.resume_button(ref.code, ref.name), "resume", ref.id)] for ref in refs]
    rows.append([_button(texts.START_NEW, "new"), _button(texts.CANCEL, "cancel")])
    await update.effective_message.reply_text(
        texts.resume_offer([(ref.code, ref.name) for ref in refs]),
        reply_markup=InlineKeyboardMarkup(rows),
    )
    return RESUME


async def resume_pressed(update: Update, context: CaselineContext) -> int:
    client_id = read_id(unpack(update.callback_query.data).arg)
    resumed = await _resume(update, context, client_id, strip=True)
    return RESUME if resumed is None else resumed


async def new_pressed(update: Update, context: CaselineContext) -> int:
    await answer(update)
    await _strip(update)
    context.user_data[DRAFT] = _new_draft()
    return await _show(update, context)


async def from_card(update: Update, context: CaselineContext) -> int:
    """A client card's "intake" button: resume that client's intake, if it is ours to."""
    client_id = read_id(unpack(update.callback_query.data).arg)
    resumed = await _resume(update, context, client_id, strip=False)
    return ConversationHandler.END if resumed is None else resumed


async def _resume(
    update: Update, context: CaselineContext, client_id: int | None, *, strip: bool
) -> int | None:
    actor = context.require_actor()
    now = context.services.clock.now()
    kept = drafts.kept(context, DRAFT)
    kept_here = kept if kept and (kept.get("client") or {}).get("id") == client_id else None
    draft = None
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, client_id) if client_id else None
        known = client is not None or (
            client_id is not None and await clients.exists(session, client_id)
        )
        open_here = client is not None and (
            client.status == ClientStatus.INTAKE
            or (kept_here is not None and kept_here.get("stage") == "goals")
        )
        await audit.record(
            session,
            "intake.resume",
            now=now,
            actor_id=actor.id,
            subject_type="client",
            subject_id=client_id,
            client_id=client_id if known else None,
            allowed=client is not None,
        )
        if open_here and kept_here is None:
            draft = await _rebuilt(session, client)
    if client is None:
        await answer(update, texts.CLIENT_GONE, alert=True)
        return None
    if not open_here:
        await answer(update, texts.not_in_intake(client.code), alert=True)
        return None
    await answer(update)
    if draft is None:
        draft = drafts.take(context, DRAFT) or {}
    draft["client"] = ClientRef.of(client).to_json()
    context.user_data[DRAFT] = draft
    if strip:
        await _strip(update)
    return await _show(update, context)


async def _rebuilt(session: Any, client: Client) -> dict[str, Any]:
    """A draft for an intake whose place was not kept: start at its first open step."""
    people = await store.contacts(session, client.id)
    consent = await store.latest_consent(session, client.id)
    done = store.answered(client, contact_count=len(people), has_consent=consent is not None)
    draft = _new_draft()
    draft["answered"] = [step for step in STEPS if step in done]
    draft["pos"] = next((i for i, step in enumerate(STEPS) if step not in done), len(STEPS))
    draft["client"] = ClientRef.of(client).to_json()
    return draft


async def reshow(update: Update, context: CaselineContext) -> int:
    """/intake in the middle of the intake: the current question again, at the bottom."""
    return await _show(update, context, fresh=True)


# ── showing the current screen ─────────────────────────────────────────────────


async def _send(
    update: Update,
    context: CaselineContext,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    *,
    fresh: bool = False,
) -> None:
    """Edit the live message after a press on it; else strip its buttons and send anew."""
    draft = _draft(context)
    query = update.callback_query
    live = draft.get("msg")
    if (
        not fresh
        and query is not None
        and query.message is not None
        and query.message.message_id == live
    ):
        await edit_pressed(query, text, keyboard)
        return
    if live:
        try:
            await context.bot.edit_message_reply_markup(
                update.effective_chat.id, live, reply_markup=None
            )
        except BadRequest:
            pass  # already without buttons, or gone
    sent = await update.effective_message.reply_text(text, reply_markup=keyboard)
    draft["msg"] = sent.message_id


async def _strip(update: Update) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            pass  # already without buttons


def _is_live(update: Update, draft: dict[str, Any]) -> bool:
    query = update.callback_query
    return (
        query is not None
        and query.message is not None
        and (query.message.message_id == draft.get("msg"))
    )


async def _show(
    update: Update, context: CaselineContext, *, lead: str = "", fresh: bool = False
) -> int:
    draft = _draft(context)
    stage = draft.get("stage", "ask")
    if stage == "offer":
        return await _show_offer(update, context, fresh=fresh)
    if stage == "summary":
        return await _show_summary(update, context, fresh=fresh)
    if stage == "goals":
        return await _show_goals(update, context, lead=lead, fresh=fresh)
    if _step(draft) is None:
        draft["stage"] = "summary" if draft.get("review") or not _pending(draft) else "offer"
        return await _show(update, context, lead=lead, fresh=fresh)
    built = await _question(context, draft)
    if built is None:
        return await _gone(update, context)
    text, keyboard = built
    await _send(update, context, f"{lead}\n{text}" if lead else text, keyboard, fresh=fresh)
    return QUESTION


async def _question(
    context: CaselineContext, draft: dict[str, Any]
) -> tuple[str, InlineKeyboardMarkup] | None:
    step = _step(draft) or ""
    phase = draft.get("phase", "")
    ref = _ref(draft)
    client, people, consent = None, [], None
    if ref is not None:
        async with context.services.db.session() as session:
            client = await clients.get_visible(session, context.require_actor(), ref.id)
            if client is None:
                return None
            if step == "contacts":
                people = await store.contacts(session, client.id)
            if step == "consent":
                consent = await store.latest_consent(session, client.id)
    if client is None:
        lines = [texts.NEW_INTAKE]
    else:
        route = draft["route"]
        show = texts.review_progress if draft.get("review") else texts.progress
        lines = [show(ref.code, client.name, draft["pos"] + 1, len(route), _title(step))]
    body, rows, skip = _ask(context, draft, step, phase, client, people, consent)
    lines += body
    late = [text for text in draft.get("late", []) if not text.startswith("/")]
    if late and _takes_text(step, phase):
        rows.insert(0, [_button(texts.late_button(late[-1]), "late")])
    nav = []
    if draft.get("pos", 0) > 0 or phase:
        nav.append(_button(texts.BACK, "back"))
    if skip:
        nav.append(_button(skip, "skip"))
    nav.append(_button(texts.CANCEL, "cancel"))
    rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _ask(
    context: CaselineContext,
    draft: dict[str, Any],
    step: str,
    phase: str,
    client: Client | None,
    people: list[Any],
    consent: Any,
) -> tuple[list[str], list[list[InlineKeyboardButton]], str | None]:
    """The question of one step and phase: lines, answer buttons, and the ⏭ label."""
    rows: list[list[InlineKeyboardButton]] = []
    saved: str | None = None
    skip: str | None = texts.SKIP
    sub = draft.get("sub") or {}
    if step == "name":
        question = texts.ASK_NAME
        if client is None:
            skip = None
        else:
            saved = escape(client.name)
    elif step == "date_of_birth":
        question = texts.ask_birth_date(context.services.settings.date_order)
        if client.date_of_birth:
            years = store.age_on(client.date_of_birth, _today(context))
            saved = f"{_day(client.date_of_birth)} ({texts.age(years)})"
    elif step in ("phone", "address", "emergency_contact"):
        question = {
            "phone": texts.ASK_PHONE,
            "address": texts.ASK_ADDRESS,
            "emergency_contact": texts.ASK_EMERGENCY,
        }[step]
        value = getattr(client, step)
        saved = escape(value) if value else None
    elif step == "program":
        question = texts.ASK_PROGRAM
        buttons = [_button(label, "v", key) for key, label in texts.PROGRAM_NAMES.items()]
        rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
        if "program" in draft.get("answered", []):
            saved = texts.PROGRAM_NAMES.get(client.program, escape(client.program))
    elif step == "living_situation":
        value = client.living_situation
        saved = escape(texts.LIVING_NAMES.get(value, value)) if value else None
        if phase == "other":
            question = texts.ASK_LIVING_OTHER
        else:
            question = texts.ASK_LIVING
            labels = {**texts.LIVING_NAMES, "other": texts.OTHER_TEXT}
            buttons = [_button(labels[key], "v", key) for key in store.LIVING_CHOICES]
            rows = [buttons[index : index + 2] for index in range(0, len(buttons), 2)]
    elif step.startswith("need."):
        domain = step.removeprefix("need.")
        need = (client.needs or {}).get(domain) or {}
        if phase == "note":
            question = texts.ask_need_note(domain)
            saved = escape(need["note"]) if need.get("note") else None
            skip = texts.NO_NOTE
        else:
            question = texts.ask_need(domain)
            rows = [[_button(label, "v", key) for key, label in texts.NEED_BUTTONS.items()]]
            if need.get("level") in texts.NEED_LEVELS:
                level = need["level"]
                saved = f"{texts.NEED_MARKS[level]} {texts.NEED_LEVELS[level]}"
                if need.get("note"):
                    saved += f" — {escape(_short(need['note']))}"
    elif step == "contacts":
        if phase == "name":
            question = texts.ask_contact_name(sub.get("relation", "other"))
        elif phase == "phone":
            question = texts.ask_contact_phone(sub.get("name", ""))
            skip = texts.NO_PHONE
        else:
            question = texts.ASK_CONTACT_RELATION
            rows = [
                [_button(label, "v", key) for key, label in texts.RELATION_NAMES.items()],
                [_button(texts.DONE, "v", "done")],
            ]
            listed = [
                texts.contact_line(person.relation, person.name, person.phone)
                for person in people[:SUMMARY_CONTACTS]
            ]
            if len(people) > SUMMARY_CONTACTS:
                listed.append(texts.and_more(len(people) - SUMMARY_CONTACTS))
            saved = "\n" + "\n".join(listed) if listed else None
    else:  # consent
        order = context.services.settings.date_order
        if phase == "scope":
            question = texts.ASK_SCOPE_GIVEN if sub.get("given") else texts.ASK_SCOPE_REFUSED
            rows = [[_button(label, "v", key)] for key, label in texts.SCOPES.items()]
        elif phase == "expiry":
            question = texts.ASK_EXPIRY.format(example=texts.date_example(order))
            rows = [[_button(label, "v", key) for key, label in texts.EXPIRIES.items()]]
            skip = texts.NO_EXPIRY
        else:
            question = texts.ASK_CONSENT
            rows = [[_button(label, "v", key) for key, label in texts.CONSENT_CHOICES.items()]]
            if consent is not None:
                saved = _consent_line(context, consent)
    lines = [question]
    if saved:
        lines.append(texts.saved_value(saved))
    return lines, rows, skip


def _consent_line(context: CaselineContext, consent: Any) -> str:
    return texts.consent_line(
        consent.given,
        _short(consent.scope),
        short_datetime(consent.recorded_at, zone_of(context)),
        _day(consent.expires_on) if consent.expires_on else None,
    )


# ── answers ────────────────────────────────────────────────────────────────────


async def _save(
    update: Update, context: CaselineContext, step: str, change: Change, **detail: Any
) -> Any:
    """Apply `change(session, client, now)` to the intake's client and audit it.

    GONE when the client is no longer visible to the actor or no longer in intake.
    """
    actor = context.require_actor()
    ref = _ref(_draft(context))
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id) if ref else None
        allowed = client is not None and client.status == ClientStatus.INTAKE
        result = await change(session, client, now) if allowed else GONE
        known = client is not None or (ref is not None and await clients.exists(session, ref.id))
        await audit.record(
            session,
            "intake.answer",
            now=now,
            actor_id=actor.id,
            subject_type="client",
            subject_id=ref.id if ref else None,
            client_id=ref.id if known else None,
            allowed=allowed,
            detail={"step": step, **detail},
        )
    if result is not GONE:
        _mark_answered(_draft(context), step)
    return result


async def _gone(update: Update, context: CaselineContext) -> int:
    context.user_data.pop(DRAFT, None)
    if update.callback_query is not None:
        await answer(update, texts.GONE, alert=True)
    await update.effective_message.reply_text(texts.GONE)
    return ConversationHandler.END


async def _advance(update: Update, context: CaselineContext, *, lead: str = "") -> int:
    draft = _draft(context)
    draft["pos"] = draft.get("pos", 0) + 1
    draft["phase"] = ""
    draft["sub"] = {}
    return await _show(update, context, lead=lead)


async def _phase(
    update: Update, context: CaselineContext, phase: str, *, lead: str = "", **sub: Any
) -> int:
    draft = _draft(context)
    draft["phase"] = phase
    draft["sub"] = {**(draft.get("sub") or {}), **sub} if phase else {}
    return await _show(update, context, lead=lead)


async def typed(update: Update, context: CaselineContext) -> int:
    _draft(context).pop("late", None)
    return await _typed_answer(update, context, update.effective_message.text or "")


async def _typed_answer(update: Update, context: CaselineContext, raw: str) -> int:
    draft = _draft(context)
    step, phase = _step(draft), draft.get("phase", "")
    message = update.effective_message
    if step is None:
        return await _show(update, context, fresh=True)
    if not _takes_text(step, phase):
        await message.reply_text(texts.USE_BUTTONS)
        return QUESTION
    value = clean(raw)
    limit = _limit(step, phase)
    if not value:
        await message.reply_text(texts.EMPTY_ANSWER)
        return QUESTION
    if len(value) > limit:
        await message.reply_text(texts.too_long(limit, len(value)))
        return QUESTION
    if step == "name":
        return await _name_typed(update, context, value)
    order = context.services.settings.date_order
    if step == "date_of_birth":
        born = read_birth_date(value, order, _today(context))
        if isinstance(born, str):
            await message.reply_text(born)
            return QUESTION
        return await _field(update, context, step, born)
    if step == "phone" or (step == "contacts" and phase == "phone"):
        phone = read_phone(value)
        if phone is None:
            await message.reply_text(texts.NOT_A_PHONE)
            return QUESTION
        if step == "phone":
            return await _field(update, context, step, phone)
        return await _contact_phone(update, context, phone)
    if step in ("address", "emergency_contact", "living_situation"):
        return await _field(update, context, step, value)
    if step.startswith("need."):
        domain = step.removeprefix("need.")
        saved = await _save(
            update,
            context,
            step,
            lambda session, client, now: store.set_need(
                session, client, domain, note=value, now=now
            ),
        )
        if saved is GONE:
            return await _gone(update, context)
        return await _advance(update, context, lead=texts.SAVED)
    if step == "contacts":
        return await _contact_name(update, context, value)
    if phase == "scope":
        return await _scope_chosen(update, context, value, lead=texts.SAVED)
    until = read_expiry(value, order, _today(context))
    if isinstance(until, str):
        await message.reply_text(until)
        return QUESTION
    return await _record_consent(update, context, until, lead=texts.SAVED)


async def _name_typed(update: Update, context: CaselineContext, raw: str) -> int:
    name = clean(raw)
    message = update.effective_message
    if len(name) < NAME_MIN:
        await message.reply_text(texts.NAME_TOO_SHORT)
        return QUESTION
    if len(name) > store.NAME_MAX:
        await message.reply_text(texts.too_long(store.NAME_MAX, len(name)))
        return QUESTION
    draft = _draft(context)
    if draft.get("client"):
        return await _field(update, context, "name", name)
    actor = context.require_actor()
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        client = await store.start(session, name=name, worker_id=actor.id, now=now)
        await audit.record_client(
            session,
            "intake.start",
            now=now,
            actor_id=actor.id,
            client_id=client.id,
            detail={"step": "name"},
        )
        ref = ClientRef.of(client)
    draft["client"] = ref.to_json()
    _mark_answered(draft, "name")
    return await _advance(update, context, lead=texts.started(ref.code))


async def _field(update: Update, context: CaselineContext, step: str, value: Any) -> int:
    saved = await _save(
        update,
        context,
        step,
        lambda session, client, now: store.set_field(session, client, step, value, now),
    )
    if saved is GONE:
        return await _gone(update, context)
    if step == "name":
        _draft(context)["client"]["name"] = value
    if update.callback_query is not None:
        await answer(update, texts.SAVED_TOAST)
        return await _advance(update, context)
    return await _advance(update, context, lead=texts.SAVED)


async def _contact_name(update: Update, context: CaselineContext, name: str) -> int:
    relation = (_draft(context).get("sub") or {}).get("relation")
    if relation not in store.RELATIONS:
        return await _phase(update, context, "")
    contact = await _save(
        update,
        context,
        "contacts",
        lambda session, client, now: store.add_contact(
            session, client, relation=relation, name=name, now=now
        ),
        relation=relation,
    )
    if contact is GONE:
        return await _gone(update, context)
    return await _phase(
        update, context, "phone", lead=texts.SAVED, contact_id=contact.id, name=name
    )


async def _contact_phone(update: Update, context: CaselineContext, phone: str) -> int:
    contact_id = (_draft(context).get("sub") or {}).get("contact_id")
    if not isinstance(contact_id, int):
        return await _phase(update, context, "")
    saved = await _save(
        update,
        context,
        "contacts",
        lambda session, client, now: store.set_contact_phone(
            session, client, contact_id, phone, now
        ),
    )
    if saved is GONE:
        return await _gone(update, context)
    return await _phase(update, context, "", lead=texts.SAVED)


async def _scope_chosen(
    update: Update, context: CaselineContext, scope: str, *, lead: str = ""
) -> int:
    sub = _draft(context).get("sub") or {}
    if "given" not in sub:
        return await _phase(update, context, "")
    if sub["given"]:
        return await _phase(update, context, "expiry", lead=lead, scope=scope)
    _draft(context)["sub"]["scope"] = scope
    return await _record_consent(update, context, None, lead=lead)


async def _record_consent(
    update: Update, context: CaselineContext, until: date | None, *, lead: str = ""
) -> int:
    sub = _draft(context).get("sub") or {}
    if "given" not in sub or not sub.get("scope"):
        return await _phase(update, context, "")
    given, scope = bool(sub["given"]), str(sub["scope"])
    actor = context.require_actor()
    recorded = await _save(
        update,
        context,
        "consent",
        lambda session, client, now: consents.record(
            session,
            client_id=client.id,
            given=given,
            scope=scope,
            recorded_by_id=actor.id,
            now=now,
            expires_on=until,
        ),
        given=given,
    )
    if recorded is GONE:
        return await _gone(update, context)
    await answer(update, texts.SAVED_TOAST)
    return await _advance(update, context, lead=lead)


async def pressed(update: Update, context: CaselineContext) -> int:
    """A button on the live question: an answer, ⏭, ◀, or 📥 (the text sent late)."""
    draft = _draft(context)
    if not _is_live(update, draft):
        await answer(update, texts.STALE_BUTTON)
        return QUESTION
    late = [text for text in draft.pop("late", []) if not text.startswith("/")]
    pressed_ = unpack(update.callback_query.data)
    if pressed_.action == "late" and late:
        await answer(update, texts.LATE_USED)
        return await _typed_answer(update, context, late[-1])
    if pressed_.action == "back":
        return await _back(update, context)
    if pressed_.action == "skip":
        return await _skip(update, context)
    if pressed_.action == "v":
        return await _chosen(update, context, pressed_.arg)
    await answer(update, texts.STALE_BUTTON)
    return await _show(update, context)


async def _back(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    if draft.get("phase"):
        await answer(update)
        return await _phase(update, context, "")
    if draft.get("pos", 0) > 0:
        await answer(update)
        draft["pos"] -= 1
        draft["sub"] = {}
        return await _show(update, context)
    await answer(update, texts.STALE_BUTTON)
    return QUESTION


async def _skip(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    step, phase = _step(draft) or "", draft.get("phase", "")
    if step == "name" and not draft.get("client"):
        await answer(update, texts.STALE_BUTTON)
        return QUESTION
    if step == "contacts" and phase in ("name", "phone"):
        await answer(update)
        return await _phase(update, context, "")
    if step == "consent" and phase == "expiry":
        return await _record_consent(update, context, None)
    if step.startswith("need.") and phase == "note":
        await answer(update, texts.SAVED_TOAST)
        return await _advance(update, context)
    answered = step in draft.get("answered", [])
    await answer(update, texts.KEPT_TOAST if answered else texts.SKIPPED_TOAST)
    return await _advance(update, context)


async def _chosen(update: Update, context: CaselineContext, value: str) -> int:
    draft = _draft(context)
    step, phase = _step(draft) or "", draft.get("phase", "")
    if step == "program" and value in set(Program):
        return await _field(update, context, step, value)
    if step == "living_situation" and not phase and value in store.LIVING_CHOICES:
        if value == "other":
            await answer(update)
            return await _phase(update, context, "other")
        return await _field(update, context, step, value)
    if step.startswith("need.") and not phase and value in store.NEED_LEVELS:
        domain = step.removeprefix("need.")
        saved = await _save(
            update,
            context,
            step,
            lambda session, client, now: store.set_need(
                session, client, domain, level=value, now=now
            ),
        )
        if saved is GONE:
            return await _gone(update, context)
        await answer(update, texts.SAVED_TOAST)
        if value == "none":
            return await _advance(update, context)
        return await _phase(update, context, "note")
    if step == "contacts" and not phase:
        if value == "done":
            _mark_answered(draft, "contacts")
            await answer(update)
            return await _advance(update, context)
        if value in store.RELATIONS:
            await answer(update)
            return await _phase(update, context, "name", relation=value)
    if step == "consent":
        if not phase and value in ("given", "refused"):
            await answer(update)
            return await _phase(update, context, "scope", given=value == "given")
        if not phase and value == "later":
            return await _skip(update, context)  # nothing recorded: it stays open
        if phase == "scope" and value in texts.SCOPES:
            await answer(update)
            return await _scope_chosen(update, context, texts.SCOPES[value])
        if phase == "expiry" and value in EXPIRY_STEPS:
            return await _record_consent(update, context, _today(context) + EXPIRY_STEPS[value])
    await answer(update, texts.STALE_BUTTON)
    return QUESTION


async def not_text(update: Update, context: CaselineContext) -> int:
    """A sticker, photo or the like: say what this question takes."""
    draft = _draft(context)
    step, phase = _step(draft), draft.get("phase", "")
    takes_text = step is not None and _takes_text(step, phase)
    await update.effective_message.reply_text(
        texts.TYPE_ANSWER if takes_text else texts.USE_BUTTONS
    )
    return QUESTION


# ── the end: skipped questions, summary, finishing, goals ─────────────────────


async def _show_offer(update: Update, context: CaselineContext, *, fresh: bool = False) -> int:
    pending = _pending(_draft(context))
    text = texts.skipped_offer(len(pending)) + "\n" + ", ".join(_title(step) for step in pending)
    keyboard = InlineKeyboardMarkup(
        [
            [_button(texts.ANSWER_NOW, "now")],
            [_button(texts.TO_SUMMARY, "summary")],
            [_button(texts.BACK, "back"), _button(texts.CANCEL, "cancel")],
        ]
    )
    await _send(update, context, text, keyboard, fresh=fresh)
    return OFFER


async def _show_summary(update: Update, context: CaselineContext, *, fresh: bool = False) -> int:
    draft = _draft(context)
    ref = _ref(draft)
    people, consent = [], None
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, context.require_actor(), ref.id)
        if client is not None and client.status == ClientStatus.INTAKE:
            people = await store.contacts(session, client.id)
            consent = await store.latest_consent(session, client.id)
    if client is None or client.status != ClientStatus.INTAKE:
        return await _gone(update, context)
    lines = [texts.summary_title(client.code, client.name)]
    if client.date_of_birth:
        years = store.age_on(client.date_of_birth, _today(context))
        lines.append(
            f"{_title('date_of_birth')}: {_day(client.date_of_birth)} ({texts.age(years)})"
        )
    for field in ("phone", "address", "emergency_contact"):
        value = getattr(client, field)
        if value:
            lines.append(f"{_title(field)}: {escape(_short(value))}")
    lines.append(f"{_title('program')}: {texts.PROGRAM_NAMES.get(client.program, '')}")
    if client.living_situation:
        living = texts.LIVING_NAMES.get(client.living_situation, client.living_situation)
        lines.append(f"{_title('living_situation')}: {escape(_short(living))}")
    lines.append(f"\n<b>{texts.NEEDS_TITLE}</b>")
    no_need = []
    for domain in store.proposed_goals(client.needs):
        need = client.needs[domain]
        line = f"{texts.NEED_MARKS[need['level']]} {texts.NEED_NAMES[domain]}"
        if need.get("note"):
            line += f" — {escape(_short(need['note']))}"
        lines.append(line)
    for domain in store.NEED_DOMAINS:
        if (client.needs or {}).get(domain, {}).get("level") == "none":
            no_need.append(texts.NEED_NAMES[domain])
    if no_need:
        lines.append(texts.needs_none(no_need))
    lines.append(f"\n<b>{texts.PEOPLE_TITLE}</b>")
    lines += [
        texts.contact_line(person.relation, _short(person.name), person.phone)
        for person in people[:SUMMARY_CONTACTS]
    ] or [texts.PEOPLE_NONE]
    if len(people) > SUMMARY_CONTACTS:
        lines.append(texts.and_more(len(people) - SUMMARY_CONTACTS))
    consent_text = _consent_line(context, consent) if consent else texts.CONSENT_NONE
    lines.append(f"\n<b>{texts.CONSENT_TITLE}:</b> {consent_text}")
    pending = _pending(draft)
    if pending:
        lines.append("\n" + texts.unanswered([_title(step) for step in pending]))
    lines.append("\n" + texts.SUMMARY_HINT)
    rows = [[_button(texts.FINISH, "finish")]]
    if pending:
        rows.append([_button(f"{texts.ANSWER_NOW} ({len(pending)})", "now")])
    rows.append([_button(texts.BACK, "back"), _button(texts.CANCEL, "cancel")])
    await _send(update, context, "\n".join(lines), InlineKeyboardMarkup(rows), fresh=fresh)
    return SUMMARY


async def end_pressed(update: Update, context: CaselineContext) -> int:
    """Buttons of the skipped-questions offer and of the summary."""
    draft = _draft(context)
    current = OFFER if draft.get("stage") == "offer" else SUMMARY
    if not _is_live(update, draft):
        await answer(update, texts.STALE_BUTTON)
        return current
    action = unpack(update.callback_query.data).action
    if action == "now" and _pending(draft):
        await answer(update)
        draft.update(route=_pending(draft), pos=0, phase="", sub={}, review=True, stage="ask")
        return await _show(update, context)
    if action == "summary" and current == OFFER:
        await answer(update)
        draft["stage"] = "summary"
        return await _show(update, context)
    if action == "back":
        await answer(update)
        draft.update(route=list(STEPS), pos=len(STEPS) - 1, phase="", sub={}, review=False)
        draft["stage"] = "ask"
        return await _show(update, context)
    if action == "finish" and current == SUMMARY:
        return await _finish(update, context)
    await answer(update, texts.STALE_BUTTON)
    return current


async def _finish(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = _draft(context)
    ref = _ref(draft)
    now = context.services.clock.now()
    proposals: list[str] = []
    urgent: list[str] = []
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id)
        finishing = client is not None and client.status == ClientStatus.INTAKE
        if finishing:
            await store.finish(session, client, now)
            await audit.record_client(
                session,
                "intake.finish",
                now=now,
                actor_id=actor.id,
                client_id=client.id,
                detail={"unanswered": len(_pending(draft))},
            )
            proposals = store.proposed_goals(client.needs)
            urgent = [domain for domain in proposals if client.needs[domain]["level"] == "urgent"]
    if not finishing:
        return await _gone(update, context)
    await answer(update, texts.SAVED_TOAST)
    await _strip(update)
    if not proposals:
        context.user_data.pop(DRAFT, None)
        await update.effective_message.reply_text(texts.finished(ref.code))
        return ConversationHandler.END
    draft.update(stage="goals", proposals=proposals, ticked=urgent)
    return await _show(update, context, lead=texts.finished(ref.code), fresh=True)


async def _show_goals(
    update: Update, context: CaselineContext, *, lead: str = "", fresh: bool = False
) -> int:
    draft = _draft(context)
    ref = _ref(draft)
    ticked = set(draft.get("ticked", []))
    rows = [
        [
            _button(
                ("☑ " if domain in ticked else "☐ ") + texts.GOAL_FOR_NEED[domain],
                "goal",
                domain,
            )
        ]
        for domain in draft.get("proposals", [])
    ]
    rows.append([_button(texts.SAVE_GOALS, "save"), _button(texts.NO_GOALS, "nogoals")])
    text = texts.propose_goals(ref.code)
    await _send(
        update,
        context,
        f"{lead}\n\n{text}" if lead else text,
        InlineKeyboardMarkup(rows),
        fresh=fresh,
    )
    return GOALS


async def goals_pressed(update: Update, context: CaselineContext) -> int:
    draft = _draft(context)
    if not _is_live(update, draft):
        await answer(update, texts.STALE_BUTTON)
        return GOALS
    pressed_ = unpack(update.callback_query.data)
    proposals = draft.get("proposals", [])
    if pressed_.action == "goal" and pressed_.arg in proposals:
        await answer(update)
        ticked = set(draft.get("ticked", [])) ^ {pressed_.arg}
        draft["ticked"] = [domain for domain in proposals if domain in ticked]
        return await _show_goals(update, context)
    if pressed_.action == "nogoals":
        await answer(update)
        context.user_data.pop(DRAFT, None)
        await update.callback_query.edit_message_text(texts.no_goals(_ref(draft).code))
        return ConversationHandler.END
    if pressed_.action == "save":
        if not draft.get("ticked"):
            await answer(update, texts.PICK_GOALS, alert=True)
            return GOALS
        return await _save_goals(update, context)
    await answer(update, texts.STALE_BUTTON)
    return GOALS


async def _save_goals(update: Update, context: CaselineContext) -> int:
    actor = context.require_actor()
    draft = _draft(context)
    ref = _ref(draft)
    goals = [texts.GOAL_FOR_NEED[domain] for domain in draft["ticked"]]
    now = context.services.clock.now()
    async with context.services.db.session() as session:
        client = await clients.get_visible(session, actor, ref.id)
        if client is None:
            return await _gone(update, context)
        plan = await store.create_draft_plan(
            session, client_id=client.id, goals=goals, created_by_id=actor.id, now=now
        )
        await audit.record(
            session,
            "plan.create",
            now=now,
            actor_id=actor.id,
            subject_type="plan",
            subject_id=plan.id,
            client_id=client.id,
            detail={"status": "draft", "goals": len(goals), "from": "intake"},
        )
    await answer(update, texts.SAVED_TOAST)
    context.user_data.pop(DRAFT, None)
    await update.callback_query.edit_message_text(texts.plan_saved(ref.code, goals))
    return ConversationHandler.END


# ── leaving ────────────────────────────────────────────────────────────────────


async def cancel(update: Update, context: CaselineContext) -> int:
    """/cancel or ✖: what was answered stays saved; the place is kept for /intake."""
    draft = context.user_data.pop(DRAFT, None) or {}
    ref = _ref(draft)
    if draft.get("stage") == "goals" and ref:
        text = texts.no_goals(ref.code)
    elif ref:
        draft["kept_at"] = context.services.clock.now().isoformat()
        draft.pop("late", None)
        context.user_data.setdefault(drafts.KEPT, {})[DRAFT] = draft
        text = texts.cancelled_kept(ref.code)
    else:
        text = texts.CANCELLED
    await answer(update)
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.edit_message_text(text)
        return ConversationHandler.END
    if draft.get("msg"):
        try:
            await context.bot.edit_message_reply_markup(
                update.effective_chat.id, draft["msg"], reply_markup=None
            )
        except BadRequest:
            pass  # already without buttons
    await update.effective_message.reply_text(text)
    return ConversationHandler.END


def handler(timeout_minutes: int) -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND

    def leaving(*handlers: Any) -> list[Any]:
        # Ahead of the common fallbacks: our /cancel keeps what was saved.
        return [
            CommandHandler("cancel", cancel),
            CallbackQueryHandler(cancel, pattern=pattern(PREFIX) + "cancel:"),
            CommandHandler("intake", reshow),
            *handlers,
        ]

    return conversation(
        PREFIX,
        entry_points=[
            CommandHandler("intake", start),
            CallbackQueryHandler(from_card, pattern=CARD_PATTERN),
        ],
        states={
            RESUME: [
                CommandHandler("cancel", cancel),
                CallbackQueryHandler(cancel, pattern=pattern(PREFIX) + "cancel:"),
                CommandHandler("intake", start),
                CallbackQueryHandler(resume_pressed, pattern=pattern(PREFIX) + "resume:"),
                CallbackQueryHandler(new_pressed, pattern=pattern(PREFIX) + "new:"),
                MessageHandler(other, use_buttons),
            ],
            QUESTION: leaving(
                CallbackQueryHandler(pressed, pattern=pattern(PREFIX)),
                MessageHandler(text, typed),
                MessageHandler(other, not_text),
            ),
            OFFER: leaving(
                CallbackQueryHandler(end_pressed, pattern=pattern(PREFIX)),
                MessageHandler(other, use_buttons),
            ),
            SUMMARY: leaving(
                CallbackQueryHandler(end_pressed, pattern=pattern(PREFIX)),
                MessageHandler(other, use_buttons),
            ),
            GOALS: leaving(
                CallbackQueryHandler(goals_pressed, pattern=pattern(PREFIX)),
                MessageHandler(other, use_buttons),
            ),
        },
        draft_key=DRAFT,
        timeout_minutes=timeout_minutes,
        text_key="late",
    )
