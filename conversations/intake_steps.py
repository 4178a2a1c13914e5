"""The intake's questions as a table: one row per question — its key, what it asks, how
an answer is read (typed text, a pressed value, ⏭ Skip), and where it is stored.

    key                asks                       read as                stored in
    name               the full name              text, 2+ characters    Client.name (new row)
    date_of_birth      date of birth              a date (DMY/MDY/ISO)   Client.date_of_birth
    phone              phone                      a phone number         Client.phone
    address            address                    text                   Client.address
    emergency_contact  emergency contact          text                   Client.emergency_contact
    language           language, interpreter?     a button | text, then  Client.language,
                                                  a button (yes/no)      Client.interpreter
    program            program                    a button               Client.program
    living_situation   living situation           a button | text        Client.living_situation
    need.<domain> ×8   level, then a note         a button, then text    Client.needs[domain]
    contacts           relation, name, phone …    buttons, text, text    ClientContact rows
    consent            decision, scope, expiry    buttons | text         a Consent row

A row's phases are the small steps inside one question (a need's note, a contact's name
and phone, the consent's scope and expiry); `texts_in` says in which phases it takes text
and how long that may be. What an answer does is an `Outcome` the dialog carries out
(conversations/intake.py): save an answer through `domain.usecases.intake` and go on,
go to a phase, or say what is wrong. Nothing here sends or stores anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from html import escape
from typing import Any

from dateutil.relativedelta import relativedelta
from telegram import InlineKeyboardButton

from conversations.pickers import ClientRef, read_day
from domain.rules import client_names
from domain.usecases.intake import (
    Answer,
    ConsentAnswer,
    ContactAnswer,
    ContactPhoneAnswer,
    FieldAnswer,
    NeedAnswer,
)
from storage import consents
from storage import intake as store
from storage.kinds import Program
from storage.models import Client, ClientContact, Consent
from ui import texts
from ui.callbacks import pack
from ui.dates import DateOrder
from ui.timefmt import plain_date, short_datetime

PREFIX = "in"
DRAFT = "intake"
DATE_TEXT_MAX = 40
MAX_AGE = 120
BIRTH_YEARS_READ = 200  # the reader's typo guard, far enough back for TOO_OLD to say it
EXPIRY_YEARS_MAX = 10
SUMMARY_FIELD = 120
SUMMARY_CONTACTS = 10
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
EXPIRY_STEPS = {"6m": relativedelta(months=6), "1y": relativedelta(years=1)}


# ── reading what was typed (pure) ─────────────────────────────────────────────


def clean(text: str) -> str:
    """One line, no control characters, single spaces."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text).split())


def read_phone(text: str) -> str | None:
    phone = clean(text)
    digits = sum(character.isdecimal() for character in phone)
    return phone if PHONE.match(phone) and 3 <= digits <= 20 else None


def _order(order: str) -> DateOrder:
    return "MDY" if order == "MDY" else "DMY"


def read_birth_date(text: str, order: str, today: date) -> date | str:
    """A date of birth, by the shared date picker's reader (pickers.read_day) with the
    intake's rules: a year in four digits, not in the future, age at most MAX_AGE."""
    return read_day(
        text,
        today=today,
        order=_order(order),
        years_back=BIRTH_YEARS_READ,
        earliest=today - relativedelta(years=MAX_AGE + 1) + timedelta(days=1),
        too_early=texts.TOO_OLD,
        latest=today,
        too_late=texts.BIRTH_IN_FUTURE,
        year_needed=texts.bad_date(order),
        no_such_day=texts.NO_SUCH_DATE,
    )


def read_expiry(text: str, order: str, today: date) -> date | str:
    """Until when a consent holds: after today, within EXPIRY_YEARS_MAX years."""
    return read_day(
        text,
        today=today,
        order=_order(order),
        years_ahead=EXPIRY_YEARS_MAX + 1,  # read a year too far, to say so in our words
        earliest=today + timedelta(days=1),
        too_early=texts.EXPIRY_NOT_FUTURE,
        latest=today + relativedelta(years=EXPIRY_YEARS_MAX),
        too_late=texts.EXPIRY_TOO_FAR,
        year_needed=texts.bad_date(order),
        no_such_day=texts.NO_SUCH_DATE,
    )


def day(value: date) -> str:
    return plain_date(value)


def short(text: str, limit: int = SUMMARY_FIELD) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def button(label: str, action: str, arg: object = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, action, arg))


# ── the draft: where the worker is in the interview ───────────────────────────


@dataclass(slots=True)
class Phase:
    """What a step's phase carries: the contact being added, the consent being given."""

    relation: str | None = None
    name: str | None = None
    contact_id: int | None = None
    given: bool | None = None
    scope: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }

    @classmethod
    def from_json(cls, data: Any) -> Phase:
        data = data if isinstance(data, dict) else {}
        contact_id, given = data.get("contact_id"), data.get("given")
        return cls(
            relation=str(data["relation"]) if data.get("relation") else None,
            name=str(data["name"]) if data.get("name") else None,
            contact_id=contact_id if isinstance(contact_id, int) else None,
            given=bool(given) if given is not None else None,
            scope=str(data["scope"]) if data.get("scope") else None,
        )


# Keys of the stored draft this class reads; everything else (touched, token, kept_at …)
# rides along in `extra`.
_KEYS = (
    "kind",
    "route",
    "pos",
    "phase",
    "sub",
    "answered",
    "review",
    "stage",
    "client",
    "msg",
    "late",
    "proposals",
    "ticked",
)


@dataclass(slots=True)
class IntakeDraft:
    """The dialog's place, stored in user_data after every update as JSON in the layout
    of the dict drafts of before (so one kept across an upgrade still loads): the route
    (all steps, or the unanswered ones when answering them at the end), the position in
    it, the phase inside a step, which steps are answered, the stage (ask, offer,
    summary, goals), and the one message whose buttons are live."""

    route: list[str] = field(default_factory=lambda: list(STEPS))
    pos: int = 0
    phase: str = ""
    sub: Phase = field(default_factory=Phase)
    answered: list[str] = field(default_factory=list)
    review: bool = False
    stage: str = "ask"
    client: ClientRef | None = None
    msg: int | None = None
    # Texts that arrived after the draft went idle (the idle guard keeps them here).
    late: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    ticked: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # Not stored: the dialog ended (or moved the draft aside) during this update.
    closed: bool = False

    def to_json(self) -> dict[str, Any]:
        data = dict(self.extra) | {
            # Any "kind" lets the idle guard keep a text sent after the timeout in "late".
            "kind": "intake",
            "route": list(self.route),
            "pos": self.pos,
            "phase": self.phase,
            "sub": self.sub.to_json(),
            "answered": list(self.answered),
            "review": self.review,
            "stage": self.stage,
        }
        if self.client is not None:
            data["client"] = self.client.to_json()
        if self.msg is not None:
            data["msg"] = self.msg
        if self.late:
            data["late"] = list(self.late)
        if self.stage == "goals":
            data.update(proposals=list(self.proposals), ticked=list(self.ticked))
        return data

    @classmethod
    def from_json(cls, data: Any) -> IntakeDraft:
        data = data if isinstance(data, dict) else {}
        known = set(STEPS)
        route = [step for step in data.get("route") or STEPS if step in known]
        client = data.get("client")
        msg, pos = data.get("msg"), data.get("pos")
        return cls(
            route=route,
            pos=pos if isinstance(pos, int) else 0,
            phase=str(data.get("phase") or ""),
            sub=Phase.from_json(data.get("sub")),
            answered=[step for step in data.get("answered") or [] if step in known],
            review=bool(data.get("review")),
            stage=str(data.get("stage") or "ask"),
            client=ClientRef.from_json(client) if isinstance(client, dict) else None,
            msg=msg if isinstance(msg, int) else None,
            late=[str(text) for text in data.get("late") or []],
            proposals=[str(domain) for domain in data.get("proposals") or []],
            ticked=[str(domain) for domain in data.get("ticked") or []],
            extra={key: value for key, value in data.items() if key not in _KEYS},
        )

    def become(self, other: IntakeDraft) -> None:
        """Take `other`'s place (a new intake, a resumed one) in this update."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(other, name))

    def close(self) -> None:
        """The dialog ends: the draft is dropped from user_data after this update."""
        self.closed = True

    @property
    def step(self) -> str | None:
        return self.route[self.pos] if 0 <= self.pos < len(self.route) else None

    def pending(self) -> list[str]:
        answered = set(self.answered)
        return [step for step in STEPS if step not in answered]

    def mark_answered(self, step: str) -> None:
        if step not in self.answered:
            self.answered.append(step)


# ── what an answer does ───────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Go:
    """Move on without saving: to the next step (`phase` None) or to a phase of this one."""

    phase: str | None = None
    sub: Phase | None = None
    lead: str = ""
    # After a press: the toast ("" for none); None leaves it to the dialog.
    toast: str | None = None
    # Mark the step answered without saving anything (contacts: ✅ Done).
    done: bool = False


@dataclass(frozen=True, slots=True)
class Save:
    """Save `answer` at once, then `then`. A field answer from a button says "Saved" in a
    toast; from text, above the next question (`adaptive`)."""

    answer: Answer
    then: Go
    adaptive: bool = False


@dataclass(frozen=True, slots=True)
class Say:
    """The answer can't be used: say why (a reply, or a toast after a press); stay."""

    text: str


@dataclass(frozen=True, slots=True)
class Begin:
    """The first answer, the name: it creates the client."""

    name: str


@dataclass(frozen=True, slots=True)
class Skip:
    """⏭ on the step itself: leave it as it is, and go on."""


Outcome = Go | Save | Say | Begin | Skip


def saved_next() -> Go:
    return Go(lead=texts.SAVED)


@dataclass(frozen=True, slots=True)
class Reading:
    """What reading an answer may look at."""

    step: str
    phase: str
    sub: Phase
    has_client: bool
    today: date
    order: str


@dataclass(frozen=True, slots=True)
class Asking:
    """What asking a question may show: the record as it stands."""

    step: str
    phase: str
    sub: Phase
    answered: list[str]
    client: Client | None
    people: list[ClientContact]
    consent: Consent | None
    today: date
    order: str
    zone: Any


@dataclass(frozen=True, slots=True)
class Question:
    lines: list[str]
    rows: list[list[InlineKeyboardButton]]
    skip: str | None  # the skip button's label; None: the step can't be skipped


def _field(step: str, value: str | date) -> Save:
    return Save(FieldAnswer(step, value), saved_next(), adaptive=True)


def consent_line(consent: Consent, zone: Any) -> str:
    return texts.consent_line(
        consent.given,
        short(consent.scope),
        short_datetime(consent.recorded_at, zone),
        day(consent.expires_on) if consent.expires_on else None,
    )


def _saved(
    question: str,
    saved: str | None,
    rows: list[list[InlineKeyboardButton]] | None = None,
    skip: str | None | bool = True,
) -> Question:
    """`skip`: True for the usual ⏭ Skip, a label of its own, or None (no skipping)."""
    lines = [question]
    if saved:
        lines.append(texts.saved_value(saved))
    return Question(lines, rows or [], texts.SKIP if skip is True else skip or None)


def _pairs(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[index : index + 2] for index in range(0, len(buttons), 2)]


# ── the rows ───────────────────────────────────────────────────────────────────


def _ask_name(a: Asking) -> Question:
    if a.client is None:
        return _saved(texts.ASK_NAME, None, skip=None)
    return _saved(texts.ASK_NAME, escape(a.client.name))


def _read_name(r: Reading, value: str) -> Outcome:
    wrong = client_names.problem(value)
    if wrong == "too_short":
        return Say(texts.NAME_TOO_SHORT)
    if wrong == "too_long":
        return Say(texts.too_long(store.NAME_MAX, len(value)))
    return _field("name", value) if r.has_client else Begin(value)


def _ask_birth(a: Asking) -> Question:
    born = a.client.date_of_birth if a.client else None
    saved = f"{day(born)} ({texts.age(store.age_on(born, a.today))})" if born else None
    return _saved(texts.ask_birth_date(a.order), saved)


def _read_birth(r: Reading, value: str) -> Outcome:
    born = read_birth_date(value, r.order, r.today)
    return Say(born) if isinstance(born, str) else _field("date_of_birth", born)


def _read_phone(r: Reading, value: str) -> Outcome:
    phone = read_phone(value)
    return Say(texts.NOT_A_PHONE) if phone is None else _field("phone", phone)


def _ask_text_field(question: Callable[[], str]) -> Callable[[Asking], Question]:
    """`question` is read when asking: texts are in the reader's language."""

    def ask(a: Asking) -> Question:
        value = getattr(a.client, a.step) if a.client else None
        return _saved(question(), escape(value) if value else None)

    return ask


def _read_text_field(r: Reading, value: str) -> Outcome:
    return _field(r.step, value)


def _ask_language(a: Asking) -> Question:
    language = a.client.language if a.client else None
    interpreter = a.client.interpreter if a.client else None
    saved = texts.language_line(language, interpreter) if language or interpreter else None
    if a.phase == "interpreter":
        rows = [[button(label, "v", key) for key, label in texts.INTERPRETER_CHOICES.items()]]
        return _saved(texts.ASK_INTERPRETER, saved, rows)
    rows = _pairs([button(shown, "v", stored) for stored, shown in texts.language_choices()])
    return _saved(texts.ASK_LANGUAGE, saved, rows)


def _language(value: str, *, lead: str = "", toast: str | None = None) -> Outcome:
    then = Go("interpreter", lead=lead, toast=toast)
    return Save(FieldAnswer("language", value), then)


def _read_language(r: Reading, value: str) -> Outcome:
    return _language(value, lead=texts.SAVED)


def _choose_language(r: Reading, value: str) -> Outcome | None:
    if not r.phase and texts.is_listed_language(value):
        return _language(value, toast=texts.SAVED_TOAST)
    if r.phase == "interpreter" and value in texts.INTERPRETER_CHOICES:
        return Save(FieldAnswer("interpreter", value == "yes"), Go(toast=texts.SAVED_TOAST))
    return None


def _skip_language(r: Reading) -> Outcome:
    # ⏭ on the interpreter question keeps the language just saved and goes on.
    return Go(toast="") if r.phase == "interpreter" else Skip()


def _ask_program(a: Asking) -> Question:
    rows = _pairs([button(label, "v", key) for key, label in texts.PROGRAM_NAMES.items()])
    saved = None
    if "program" in a.answered and a.client is not None:
        saved = texts.PROGRAM_NAMES.get(a.client.program, escape(a.client.program))
    return _saved(texts.ASK_PROGRAM, saved, rows)


def _choose_program(r: Reading, value: str) -> Outcome | None:
    return _field("program", value) if value in set(Program) else None


def _ask_living(a: Asking) -> Question:
    value = a.client.living_situation if a.client else None
    saved = escape(texts.LIVING_NAMES.get(value, value)) if value else None
    if a.phase == "other":
        return _saved(texts.ASK_LIVING_OTHER, saved)
    labels = {**texts.LIVING_NAMES, "other": texts.OTHER_TEXT}
    rows = _pairs([button(labels[key], "v", key) for key in store.LIVING_CHOICES])
    return _saved(texts.ASK_LIVING, saved, rows)


def _choose_living(r: Reading, value: str) -> Outcome | None:
    if r.phase or value not in store.LIVING_CHOICES:
        return None
    if value == "other":
        return Go(phase="other", toast="")
    return _field("living_situation", value)


def _ask_need(a: Asking) -> Question:
    domain = a.step.removeprefix("need.")
    need = ((a.client.needs if a.client else None) or {}).get(domain) or {}
    if a.phase == "note":
        saved = escape(need["note"]) if need.get("note") else None
        return _saved(texts.ask_need_note(domain), saved, skip=texts.NO_NOTE)
    rows = [[button(label, "v", key) for key, label in texts.NEED_BUTTONS.items()]]
    saved = None
    if need.get("level") in texts.NEED_LEVELS:
        level = need["level"]
        saved = f"{texts.NEED_MARKS[level]} {texts.NEED_LEVELS[level]}"
        if need.get("note"):
            saved += f" — {escape(short(need['note']))}"
    return _saved(texts.ask_need(domain), saved, rows)


def _read_need_note(r: Reading, value: str) -> Outcome:
    return Save(NeedAnswer(r.step.removeprefix("need."), note=value), saved_next())


def _choose_need(r: Reading, value: str) -> Outcome | None:
    if r.phase or value not in store.NEED_LEVELS:
        return None
    then = Go(toast=texts.SAVED_TOAST) if value == "none" else Go("note", toast=texts.SAVED_TOAST)
    return Save(NeedAnswer(r.step.removeprefix("need."), level=value), then)


def _skip_need(r: Reading) -> Outcome:
    return Go(toast=texts.SAVED_TOAST) if r.phase == "note" else Skip()


def _ask_contacts(a: Asking) -> Question:
    if a.phase == "name":
        return _saved(texts.ask_contact_name(a.sub.relation or "other"), None)
    if a.phase == "phone":
        return _saved(texts.ask_contact_phone(a.sub.name or ""), None, skip=texts.NO_PHONE)
    rows = [
        [button(label, "v", key) for key, label in texts.RELATION_NAMES.items()],
        [button(texts.DONE, "v", "done")],
    ]
    listed = [
        texts.contact_line(person.relation, person.name, person.phone)
        for person in a.people[:SUMMARY_CONTACTS]
    ]
    if len(a.people) > SUMMARY_CONTACTS:
        listed.append(texts.and_more(len(a.people) - SUMMARY_CONTACTS))
    return _saved(texts.ASK_CONTACT_RELATION, "\n" + "\n".join(listed) if listed else None, rows)


def _read_contact(r: Reading, value: str) -> Outcome:
    if r.phase == "name":
        relation = r.sub.relation
        if relation not in store.RELATIONS:
            return Go("")
        saved = Go("phone", Phase(relation, value), lead=texts.SAVED)
        return Save(ContactAnswer(relation, value), saved)
    phone = read_phone(value)
    if phone is None:
        return Say(texts.NOT_A_PHONE)
    if r.sub.contact_id is None:
        return Go("")
    return Save(ContactPhoneAnswer(r.sub.contact_id, phone), Go("", lead=texts.SAVED))


def _choose_contact(r: Reading, value: str) -> Outcome | None:
    if r.phase:
        return None
    if value == "done":
        return Go(toast="", done=True)
    if value in store.RELATIONS:
        return Go("name", Phase(relation=value), toast="")
    return None


def _skip_contact(r: Reading) -> Outcome:
    return Go("", toast="") if r.phase in ("name", "phone") else Skip()


def _ask_consent(a: Asking) -> Question:
    if a.phase == "scope":
        question = texts.ASK_SCOPE_GIVEN if a.sub.given else texts.ASK_SCOPE_REFUSED
        return _saved(
            question, None, [[button(label, "v", key)] for key, label in texts.SCOPES.items()]
        )
    if a.phase == "expiry":
        rows = [[button(label, "v", key) for key, label in texts.EXPIRIES.items()]]
        question = texts.ASK_EXPIRY.format(example=texts.date_example(a.order))
        return _saved(question, None, rows, skip=texts.NO_EXPIRY)
    rows = [[button(label, "v", key) for key, label in texts.CONSENT_CHOICES.items()]]
    saved = consent_line(a.consent, a.zone) if a.consent is not None else None
    return _saved(texts.ASK_CONSENT, saved, rows)


def _consent(
    r: Reading, until: date | None, *, scope: str | None = None, lead: str = ""
) -> Outcome:
    """Record the decision once its scope (refused) or expiry (given) is known."""
    given, scope = r.sub.given, scope or r.sub.scope
    if given is None or not scope:
        return Go("")
    return Save(ConsentAnswer(given, scope, until), Go(lead=lead, toast=texts.SAVED_TOAST))


def _scope(r: Reading, scope: str, *, lead: str = "") -> Outcome:
    if r.sub.given is None:
        return Go("")
    if r.sub.given:
        return Go("expiry", Phase(given=True, scope=scope), lead=lead)
    return _consent(r, None, scope=scope, lead=lead)


def _read_consent(r: Reading, value: str) -> Outcome:
    if r.phase == "scope":
        return _scope(r, value, lead=texts.SAVED)
    until = read_expiry(value, r.order, r.today)
    return Say(until) if isinstance(until, str) else _consent(r, until, lead=texts.SAVED)


def _choose_consent(r: Reading, value: str) -> Outcome | None:
    if not r.phase and value in ("given", "refused"):
        return Go("scope", Phase(given=value == "given"), toast="")
    if not r.phase and value == "later":
        return Skip()  # nothing recorded: it stays open
    if r.phase == "scope" and value in texts.SCOPES:
        return _scope(r, texts.SCOPES[value])
    if r.phase == "expiry" and value in EXPIRY_STEPS:
        return _consent(r, r.today + EXPIRY_STEPS[value])
    return None


def _skip_consent(r: Reading) -> Outcome:
    return _consent(r, None) if r.phase == "expiry" else Skip()


def _no_choice(r: Reading, value: str) -> Outcome | None:
    return None


def _plain_skip(r: Reading) -> Outcome:
    return Skip()


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the intake."""

    key: str
    asks: Callable[[Asking], Question]
    # Phases that take typed text, with the longest answer each accepts.
    texts_in: Mapping[str, int]
    reads: Callable[[Reading, str], Outcome] = _read_text_field
    chooses: Callable[[Reading, str], Outcome | None] = _no_choice
    skips: Callable[[Reading], Outcome] = _plain_skip
    stored_in: str = ""

    @property
    def title(self) -> str:
        if self.key.startswith("need."):
            return texts.NEED_NAMES[self.key.removeprefix("need.")]
        return texts.STEP_TITLES[self.key]

    def takes_text(self, phase: str) -> bool:
        return phase in self.texts_in


TABLE: tuple[Step, ...] = (
    Step("name", _ask_name, {"": store.NAME_MAX}, _read_name, stored_in="Client.name"),
    Step(
        "date_of_birth",
        _ask_birth,
        {"": DATE_TEXT_MAX},
        _read_birth,
        stored_in="Client.date_of_birth",
    ),
    Step(
        "phone",
        _ask_text_field(lambda: texts.ASK_PHONE),
        {"": store.PHONE_MAX},
        _read_phone,
        stored_in="Client.phone",
    ),
    Step(
        "address",
        _ask_text_field(lambda: texts.ASK_ADDRESS),
        {"": store.ADDRESS_MAX},
        stored_in="Client.address",
    ),
    Step(
        "emergency_contact",
        _ask_text_field(lambda: texts.ASK_EMERGENCY),
        {"": store.EMERGENCY_MAX},
        stored_in="Client.emergency_contact",
    ),
    Step(
        "language",
        _ask_language,
        {"": store.LANGUAGE_MAX},
        _read_language,
        _choose_language,
        _skip_language,
        stored_in="Client.language, Client.interpreter",
    ),
    Step("program", _ask_program, {}, chooses=_choose_program, stored_in="Client.program"),
    Step(
        "living_situation",
        _ask_living,
        {"": store.LIVING_MAX, "other": store.LIVING_MAX},
        chooses=_choose_living,
        stored_in="Client.living_situation",
    ),
    *(
        Step(
            f"need.{domain}",
            _ask_need,
            {"note": store.NOTE_MAX},
            _read_need_note,
            _choose_need,
            _skip_need,
            stored_in=f"Client.needs[{domain}]",
        )
        for domain in store.NEED_DOMAINS
    ),
    Step(
        "contacts",
        _ask_contacts,
        {"name": store.CONTACT_NAME_MAX, "phone": store.PHONE_MAX},
        _read_contact,
        _choose_contact,
        _skip_contact,
        stored_in="ClientContact",
    ),
    Step(
        "consent",
        _ask_consent,
        {"scope": consents.SCOPE_MAX, "expiry": DATE_TEXT_MAX},
        _read_consent,
        _choose_consent,
        _skip_consent,
        stored_in="Consent",
    ),
)
STEP_OF: Mapping[str, Step] = {step.key: step for step in TABLE}
STEPS: tuple[str, ...] = tuple(step.key for step in TABLE)
NEEDS = tuple(key for key in STEPS if key.startswith("need."))


def title(key: str) -> str:
    return STEP_OF[key].title
