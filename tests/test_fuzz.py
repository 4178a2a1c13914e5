"""Hostile and odd input, generated: a worker in every conversation state sends random
text (HTML, right-to-left, emoji, 4096 and 10,000 characters), stickers, locations,
contacts, photos, voice notes, documents, edits of old messages, commands, and presses
buttons with any callback data at all — real ones, forged ones, arbitrary bytes.

After every generated example:
- no unhandled exception: nothing logged at ERROR (the error handler logs there);
- every bot answer was valid for Telegram: the local Bot API server refused nothing (400);
- every message got an answer and every button press was acknowledged;
- nothing half-written: after /cancel no draft is left, and no client, note or
  appointment appeared unless a Save (or a one-line note) was asked for;
- the bot still answers /help.

Size: one explicit example per state, then CASELINE_FUZZ_EXAMPLES generated ones (default
25 per database; each is one state and up to six inputs). CASELINE_FUZZ_SHRINK=1 shrinks a
failure to its smallest form; CASELINE_FUZZ_COLLECT=1 goes on after a failure and lists
every distinct one at the end (for long exploratory runs).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from datetime import timedelta
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st
from sqlalchemy import func, or_, select, update

from storage import clients as client_store
from storage.appointments import schedule
from storage.kinds import InteractionType, Program, Role
from storage.machinery import PersistedData
from storage.models import Appointment, Client, Goal, Note, Plan
from storage.workers import Actor
from tests.harness import button_data, buttons
from ui import i18n

EXAMPLES = int(os.environ.get("CASELINE_FUZZ_EXAMPLES", "25"))
SHRINK = os.environ.get("CASELINE_FUZZ_SHRINK") == "1"
COLLECT = os.environ.get("CASELINE_FUZZ_COLLECT") == "1"
WANDA = 701
KEEP_MESSAGES = 40
# What a draft lives under in user_data; none may survive /cancel.
DRAFT_KEYS = {
    *("note", "newclient", "visit", "appt", "amend", "settings", "active_conversation"),
    *("intake", "plan", "review", "refer", "discharge", "resources", "evv", "home"),
}
# Names with HTML, quotes and emoji: every view must escape them.
CLIENT_NAMES = ["Maria Gonzalez", "Maria Lopez", 'Zoë <b>"Bold"</b> & Co 👵🏽']
# A 400 the bot expects and handles: editing a message to what it already shows.
HANDLED_400 = ("message is not modified",)


# ── what the fuzzer can do ─────────────────────────────────────────────────────

HTMLISH = [
    "<b>bold</b>",
    "</i>",
    "<a href='javascript:alert(1)'>x</a>",
    "<script>alert(1)</script>",
    "&amp; &lt; &gt; &quot; &#39; &#x1F600; &mdash; &bogus;",
    "<>",
    "a < b && c > d",
    "<code>",
    "<tg-spoiler>",
    "<pre><code class='x'>",
]
ODD = [
    "\u202egnp.exe",  # right-to-left override
    "مرحبا بالعالم",
    "שלום עולם",
    "👩‍👩‍👧‍👦🏳️‍🌈🇩🇪",
    "e\u0301\u0301\u0301",  # combining marks
    "\u200b\u200c\u200d\ufeff",  # zero-width characters
    "𝕳𝖊𝖑𝖑𝖔 𝟙𝟚𝟛",  # outside the Basic Multilingual Plane
    "² ³ ¹ ١٢ ௫ Ⅻ",  # digits Python's isdigit() accepts but int() may not
    "C-0001",
    "c1",
    "C-0004",  # another team's client
    "C-999999999",
    "maria",
    "%",
    "_",
    "\\",
    "'; DROP TABLE clients; --",
    "tomorrow 3pm",
    "yesterday 14:00",
    "2h ago",
    "31/2",
    "0:00",
    "23:59",
    "9999-12-31 23:59",
    "0001-01-01 00:00",
    "Europe/Berlin",
    "21:00-07:00",
    "30",
    "0",
    "366",
    "-1",
    "1e9",
    "home visit",
    "phone: called",
]
LONG = [
    "x" * 4096,
    "😀" * 2048,  # 4096 UTF-16 code units: as long as Telegram lets a user write
    ("word " * 2000).strip(),  # 10,000 characters
    "<" * 5000,
    "&" * 4096,
    "𝕳" * 3000,
]
COMMANDS = [
    "/cancel",
    "/help",
    "/start",
    "/start not-a-code",
    "/note",
    "/note C-0001",
    "/note C-0001 phone: fuzz one-liner",
    "/note C-0004 phone: someone else's client",
    "/note maria",
    "/newclient",
    "/newclient Fuzz Person",
    "/client C-0001",
    "/client C-0004",
    "/client",
    "/clients",
    "/visit",
    "/appt",
    "/appt maria",
    "/today",
    "/week",
    "/settings",
    "/invite",
    "/digest",
    "/team",
    "/trend",
    "/comment",
    "/comment N-1",
    "/comment N-1 fuzz <b>comment</b>",
    "/nosuchcommand",
    "/note@caseline_test_bot",
]
PREFIXES = [
    "cl",
    "cf",
    "ac",
    "nu",
    "am",
    "cm",
    "rm",
    "inv",
    "nc",
    "nt",
    "vs",
    "ap",
    "st",
    "ev",
    "x",
]
ACTIONS = [
    "o", "p", "note", "visit", "appt", "open", "done", "noshow", "move", "cancel", "cr", "crs",
    "undo", "start", "snz", "today", "worker", "admin", "supervisor", "prog", "freq", "save",
    "client", "kind", "when", "risk", "goals", "dap", "replace", "ago", "back", "at", "goal",
    "goalsdone", "resume", "menu", "dur", "out", "day", "time", "pastok", "place", "rep", "zone",
    "type", "lead", "quiet", "digest", "in", "why", "home", "nohome", "v", "c", "s", "trend", "",
    "💥",
]  # fmt: skip
ARGS = [
    "1", "2", "3", "4", "0", "-1", "²", "١", "999999999999", "9999999999999", "1:h", "1:t",
    "1:x", "1:unwell", "elderly", "nope", "30", "400", "60", "home_visit", "phone", "weekly",
    "2026-03-03", "0001-01-01", "9999-12-31", "2026-02-30", "0800", "2500", "9", "-62135596800",
    "253402300799", "yes", "no", "dur", "kind", "out", "rep", "lead", "days", "kinds", "digest",
    "start", "quiet", "none", "2008", "7", "appt", "agenda", "",
]  # fmt: skip


# Arguments that break naive parsing: digits int() refuses, out-of-range stamps and dates.
HOSTILE_ARGS = ["²", "¹²", "٣", "999999999999", "-62135596800", "0001-01-01", "9999-12-31", "0"]


def _fit_64_bytes(text: str) -> str:
    data = text.encode()[:64].decode(errors="ignore")
    return data or "x"


def _trimmed(text: str) -> str:
    # Telegram trims what a user sends and never delivers an empty message.
    return text.strip() or "x"


texts_strategy = st.one_of(
    st.text(min_size=1, max_size=80).map(_trimmed),
    st.sampled_from(HTMLISH + ODD),
    st.sampled_from(LONG),
    st.lists(st.sampled_from(HTMLISH + ODD), min_size=2, max_size=5).map(" ".join),
)
callback_strategy = st.one_of(
    st.builds(
        lambda p, a, g: _fit_64_bytes(f"{p}:{a}:{g}"),
        st.sampled_from(PREFIXES),
        st.sampled_from(ACTIONS),
        st.one_of(st.sampled_from(ARGS), st.integers(-(2**40), 2**40).map(str)),
    ),
    st.text(min_size=1, max_size=64).map(_fit_64_bytes),
    st.binary(min_size=1, max_size=64).map(lambda b: _fit_64_bytes(b.decode(errors="replace"))),
)
action_strategy = st.one_of(
    st.tuples(st.just("text"), texts_strategy),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("command"), texts_strategy.map(lambda t: "/" + t)),
    st.tuples(st.just("command"), texts_strategy.map(lambda t: "/note C-0001 " + t)),
    st.tuples(st.just("press_real"), st.integers(0, 99)),
    st.tuples(st.just("press_real"), st.integers(0, 99)),
    st.tuples(st.just("press"), callback_strategy),
    # A real button's prefix and action with a forged argument: reaches every handler.
    st.tuples(st.just("press_forged"), st.tuples(st.integers(0, 99), st.sampled_from(ARGS))),
    st.tuples(
        st.just("press_forged"), st.tuples(st.integers(0, 99), st.sampled_from(HOSTILE_ARGS))
    ),
    st.tuples(st.just("edit"), texts_strategy),
    st.tuples(st.just("sticker"), st.sampled_from(["👍", "🤡", "‍"])),
    st.tuples(
        st.just("location"),
        st.tuples(st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)),
    ),
    st.tuples(st.just("contact"), st.sampled_from(["+49 30 1234567", "<b>", ""])),
    st.tuples(st.just("photo"), st.one_of(st.none(), texts_strategy.map(lambda t: t[:1024]))),
    st.tuples(st.just("voice"), st.none()),
    st.tuples(st.just("document"), st.sampled_from(["notes.pdf", "<x>.exe", "ünïcødé.txt"])),
)


# ── reaching each state ────────────────────────────────────────────────────────


class Fuzz:
    """One harness for the whole test; every example starts from a known state."""

    def __init__(self, harness: Any, wanda: Any) -> None:
        self.harness = harness
        self.wanda = wanda
        self.clock = harness.clock
        self.tried: Counter[str] = Counter()
        self.states: Counter[str] = Counter()
        # CASELINE_FUZZ_COLLECT=1: record failures and go on (to list every distinct bug).
        self.failures: dict[str, tuple[str, list]] = {}

    def __repr__(self) -> str:
        return "fuzz"

    def fresh_start(self) -> None:
        """Each example starts clean: a draft kept aside by an earlier example would make
        /note offer it back instead of asking for a client; and the fake chat keeps only
        its recent screen (the harness copies the whole history on every exchange)."""
        self.harness.application.user_data[WANDA].pop("kept_drafts", None)
        chat = self.harness.state.chats[WANDA]
        for message_id in sorted(chat.messages)[:-KEEP_MESSAGES]:
            del chat.messages[message_id]

    async def reopen_first_client(self) -> None:
        """Real button presses may have discharged C-0001; every prefix needs it open."""
        async with self.harness.db.session() as session:
            await session.execute(
                update(Client)
                .where(Client.id == 1)
                .values(status="active", discharged_at=None, discharge_reason=None)
            )

    async def send(self, text: str) -> list:
        return await self.wanda.send(text)

    async def press(self, label: str) -> list:
        """Press the newest button whose label contains `label`."""
        for message in reversed(self.wanda.messages()):
            if any(label in text for text, _ in buttons(message)):
                return await self.wanda.press(message, label)
        raise AssertionError(f"no button {label!r} in the chat")


async def _note_compose(f: Fuzz) -> None:
    await f.send("/note")
    await f.send("C-0001")  # typed: the quick buttons show recent clients only
    await f.press("Home visit")
    await f.send("Draft before the fuzz.")


async def _visit_card(f: Fuzz) -> None:
    await f.send("/visit")
    await f.send("C-0001")
    await f.press("1 h ago")


async def _appt_day(f: Fuzz) -> None:
    await f.send("/appt")
    await f.send("C-0001")


async def _appt_card(f: Fuzz) -> None:
    await _appt_day(f)
    await f.press("Tomorrow")
    await f.press("10:00")


async def _note_resume(f: Fuzz) -> None:
    await _note_compose(f)
    f.clock.advance(timedelta(minutes=31))
    await f.send("Typed after a long pause.")
    await f.send("/note")


async def _new_client(f: Fuzz) -> None:
    """/newclient with a name an earlier example may have saved: past the question about
    a client by that name, to the program."""
    answer = await f.send("/newclient Fuzz Person")
    if any("already one of your clients" in (m.text or "") for m in answer):
        await f.press("Add a new one anyway")


async def _safety_question(f: Fuzz) -> None:
    """🛟 Safety plan's question: ➕ Write's first step, or (once an earlier example left a
    plan or a draft) ✏️ 1."""
    await f.send("/client C-0001")
    shown = await f.press("Safety")
    labels = [label for label, _ in buttons(shown[-1])]
    await f.press("Write" if any("Write" in label for label in labels) else "✏️ 1")


def _steps(*steps):
    async def prefix(f: Fuzz) -> None:
        for kind, value in steps:
            await (f.press(value) if kind == "press" else f.send(value))

    return prefix


def _after(first, *steps):
    async def prefix(f: Fuzz) -> None:
        await first(f)
        for kind, value in steps:
            await (f.press(value) if kind == "press" else f.send(value))

    return prefix


STATES = {
    "idle": _steps(),
    "client card": _steps(("send", "/client C-0001")),
    "agenda": _steps(("send", "/week")),
    "newclient name": _steps(("send", "/newclient")),
    "newclient program": _new_client,
    "newclient same name": _steps(("send", "/newclient Maria Gonzalez")),
    "newclient frequency": _after(_new_client, ("press", "Elderly")),
    "newclient confirm": _after(_new_client, ("press", "Elderly"), ("press", "30 d")),
    "note client": _steps(("send", "/note")),
    "note kind": _steps(("send", "/note"), ("send", "C-0001")),
    "note compose": _note_compose,
    "note when": _after(_note_compose, ("press", "When")),
    "note risk": _after(_note_compose, ("press", "Risk")),
    "note goals": _after(_note_compose, ("press", "Goals")),
    "note dap data": _after(_note_compose, ("press", "DAP")),
    "note dap assessment": _after(_note_compose, ("press", "DAP"), ("send", "data")),
    "note dap plan": _after(_note_compose, ("press", "DAP"), ("send", "data"), ("send", "a")),
    "note replace": _after(_note_compose, ("press", "Replace")),
    "note resume": _note_resume,
    "note saved": _steps(("send", "/note C-0001 phone: a saved note to press on")),
    "amend text": _steps(("send", "/note C-0001 office: base note"), ("press", "Amend")),
    "visit client": _steps(("send", "/visit")),
    "visit when": _steps(("send", "/visit"), ("send", "C-0001")),
    "visit card": _visit_card,
    "visit note": _after(_visit_card, ("press", "📝 Note")),
    "appt client": _steps(("send", "/appt")),
    "appt day": _appt_day,
    "appt time": _after(_appt_day, ("press", "Tomorrow")),
    "appt past ok": _after(_appt_day, ("press", "Today"), ("press", "08:00")),
    "appt card": _appt_card,
    "appt place": _after(_appt_card, ("press", "Place")),
    "settings menu": _steps(("send", "/settings")),
    "settings typed": _steps(("send", "/settings"), ("press", "Time zone")),
    # The case record's dialogs: their first step; real button presses go deeper.
    "history": _steps(("send", "/history C-0001")),
    "plan": _steps(("send", "/plan")),
    "review": _steps(("send", "/review")),
    "referral": _steps(("send", "/refer")),
    "intake": _steps(("send", "/intake")),
    # 🛟 Safety plan: a section's lines, typed; writing it step by step.
    "safety typed": _safety_question,
    # ✏️ Edit on the card: a typed detail, and an on-hold's end day.
    "details typed": _steps(("send", "/client C-0001"), ("press", "Edit"), ("press", "Phone")),
    # 🏠 Home location on the card: a location (or anything else) is the answer here.
    "home location": _steps(("send", "/client C-0001"), ("press", "Home location")),
    "details hold until": _steps(
        ("send", "/client C-0001"),
        ("press", "Edit"),
        ("press", "Status"),
        ("press", "On hold"),
        ("send", "Hospital stay"),
    ),
}


# ── one example ────────────────────────────────────────────────────────────────


class ErrorTrap(logging.Handler):
    """Collects every ERROR record (the error handler, PTB, persistence)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def describe(self) -> str:
        return "\n".join(
            f"{r.name}: {r.getMessage()}\n{self.format(r) if r.exc_info else ''}"
            for r in self.records
        )

    def signature(self) -> str:
        """Exception type and the innermost frame of our own code, for collect mode."""
        import traceback

        parts = []
        for record in self.records:
            if not record.exc_info:
                parts.append(record.getMessage())
                continue
            error = record.exc_info[1]
            frames = [
                f"{frame.filename.rsplit('/main/', 1)[-1]}:{frame.lineno}"
                for frame in traceback.extract_tb(error.__traceback__)
                if "/main/" in frame.filename and "/tests/" not in frame.filename
            ]
            parts.append(f"{type(error).__name__}({str(error)[:80]}) at {frames[-1:]}")
        return "; ".join(parts)


async def _counts(db) -> dict[str, int]:
    async with db.session() as session:
        masters = or_(Appointment.series_id.is_(None), Appointment.series_id == Appointment.id)
        return {
            "clients": (await session.execute(select(func.count(Client.id)))).scalar_one(),
            "notes": (await session.execute(select(func.count(Note.id)))).scalar_one(),
            "appointments": (
                await session.execute(select(func.count(Appointment.id)).where(masters))
            ).scalar_one(),
        }


async def _user_data(db) -> dict:
    async with db.session() as session:
        row = await session.get(PersistedData, ("user", str(WANDA)))
        return dict(row.data) if row else {}


async def _apply(f: Fuzz, action: tuple[str, Any]) -> tuple[str, str]:
    """Do one input; return (what, the callback data or text summary)."""
    kind, value = action
    person, state = f.wanda, f.harness.state
    fake = person.fake
    if kind in ("press", "press_real", "press_forged"):
        messages = person.messages()
        target = next((m for m in reversed(messages) if buttons(m)), messages[-1])
        if kind != "press":
            choices = [data for _, data in buttons(target) if data]
            if not choices:
                return "skip", ""
            if kind == "press_real":
                value = choices[value % len(choices)]
            else:
                index, arg = value
                prefix, _, rest = choices[index % len(choices)].partition(":")
                action = rest.partition(":")[0]
                value = _fit_64_bytes(f"{prefix}:{action}:{arg}")
        await person.press_data(target.message_id, value)
        return "press", value
    if kind == "edit":
        own = [m for m in state.transcript(WANDA) if not m.from_bot and m.text]
        if not own:
            await person.send(value)
            return "message", value
        await f.harness.exchange(WANDA, lambda: fake.edit_text(own[-1].message_id, value))
        return "message", value
    if kind in ("text", "command"):
        await person.send(value)
        return "message", value
    senders = {
        "sticker": lambda: fake.send_sticker(value),
        "location": lambda: fake.send_location(*value),
        "contact": lambda: fake.send_contact(value or "+1", "Someone"),
        "photo": lambda: fake.send_photo(caption=value),
        "voice": lambda: fake.send_voice(),
        "document": lambda: fake.send_document(b"%PDF-1.4 fuzz", file_name=value),
    }
    await f.harness.exchange(WANDA, senders[kind])
    return "message", kind


def _saves(done: list[tuple[str, str]]) -> dict[str, int]:
    """How many rows the example's inputs may legitimately have created."""
    presses = [value for what, value in done if what == "press"]
    messages = [value for what, value in done if what == "message"]
    one_liners = sum(
        1 for text in messages if text.startswith("/note ") and len(text.split(maxsplit=2)) == 3
    )
    return {
        "clients": sum(1 for data in presses if data.startswith("nc:save:")),
        # A visit with a note saves one; amendments are not notes.
        "notes": sum(1 for data in presses if data.startswith(("nt:save:", "vs:save:")))
        + one_liners,
        # A logged visit is an appointment row too.
        "appointments": sum(1 for data in presses if data.startswith(("ap:save:", "vs:save:"))),
    }


async def _run_example(
    f: Fuzz, state_name: str, actions: list[tuple[str, Any]], language: str = "en"
) -> None:
    """The state is reached in English (its steps press English labels), then the inputs
    come while the bot speaks `language`: every answer, split and button of that language
    must pass the same checks."""
    harness = f.harness
    trap = ErrorTrap()
    logging.getLogger().addHandler(trap)
    try:
        await f.send("/cancel")
        f.fresh_start()
        await f.reopen_first_client()
        await STATES[state_name](f)
        i18n.set_default_language(language)
        before_calls = len(harness.state.calls)
        before_seq = harness.state.last_seq
        before = await _counts(harness.db)
        done: list[tuple[str, str]] = []
        for action in actions:
            seq = harness.state.last_seq
            what, value = await _apply(f, action)
            if what == "skip":
                continue
            done.append((what, value))
            f.tried[action[0]] += 1
            answered = [
                e
                for e in harness.state.events(WANDA)
                if e.seq > seq and e.kind in ("send", "edit", "answer_callback")
            ]
            if what == "press":
                assert any(e.kind == "answer_callback" for e in answered), (
                    f"press {value!r} in state {state_name!r} was never acknowledged"
                )
            else:
                assert any(e.kind in ("send", "edit") for e in answered), (
                    f"input {value[:60]!r} in state {state_name!r} got no answer"
                )
        refused = [
            call
            for call in harness.state.calls[before_calls:]
            if 400 <= call.status < 499 and not any(ok in (call.error or "") for ok in HANDLED_400)
        ]
        if trap.records and COLLECT:
            raise AssertionError("unhandled: " + trap.signature())
        assert not trap.records, f"unhandled error in state {state_name!r}:\n{trap.describe()}"
        assert not refused, "Telegram would refuse: " + "; ".join(
            f"{c.method} {c.status} {c.error}" for c in refused
        )

        cancelled = await f.send("/cancel")
        assert cancelled, "/cancel got no answer"
        left = DRAFT_KEYS & set(await _user_data(harness.db))
        assert not left, f"/cancel left a draft behind: {sorted(left)}"
        after = await _counts(harness.db)
        allowed = _saves(done)
        if "intake" in state_name or any("intake" in value for _, value in done):
            # An intake saves each answer as it goes (and pauses on /cancel), by design.
            allowed["clients"] = after["clients"] - before["clients"]
        for table, count in after.items():
            assert count - before[table] <= allowed[table], (
                f"{count - before[table]} new {table} but only {allowed[table]} saves asked for"
            )
        help_reply = await f.send("/help")
        with i18n.speaking(language):
            help_title = i18n.gettext("<b>What I can do</b>").replace("<b>", "").replace("</b>", "")
        assert help_reply and help_reply[0].text.startswith(help_title)
        sent = [e for e in harness.state.events(WANDA) if e.seq > before_seq]
        assert all("Sam's Client" not in (e.params.get("text") or "") for e in sent)
        assert not trap.records, trap.describe()
        f.states[state_name] += 1
    finally:
        i18n.set_default_language(i18n.SOURCE_LANGUAGE)
        logging.getLogger().removeHandler(trap)


async def _seed(harness) -> Fuzz:
    wanda = await harness.seed_worker(WANDA, "Wanda Worker", team="North")
    await harness.seed_worker(710, "Sue Supervisor", role=Role.SUPERVISOR, team="North")
    await harness.seed_worker(702, "Sam Southern", team="South")
    now = harness.clock.now()
    wanda_id, sam_id = await _id(harness, WANDA), await _id(harness, 702)
    async with harness.db.session() as session:
        made = []
        for name in CLIENT_NAMES:
            made.append(
                await client_store.create_client(
                    session,
                    name=name,
                    program=Program.ELDERLY,
                    contact_frequency_days=14,
                    worker_id=wanda_id,
                    now=now,
                )
            )
        await client_store.create_client(
            session,
            name="Sam's Client",
            program=Program.OTHER,
            contact_frequency_days=30,
            worker_id=sam_id,
            now=now,
        )
        plan = Plan(client_id=made[0].id, version=1, created_at=now)
        session.add(plan)
        await session.flush()
        session.add_all(
            [
                Goal(plan_id=plan.id, position=1, description="Eat <two> meals & drink"),
                Goal(plan_id=plan.id, position=2, description="🎯" * 40),
            ]
        )
        actor = Actor(
            id=wanda_id,
            name="Wanda Worker",
            role="worker",
            team_id=None,
            timezone=None,
            chat_id=WANDA,
        )
        from zoneinfo import ZoneInfo

        await schedule(
            session,
            client=made[0],
            worker_id=actor.id,
            starts_at=now + timedelta(days=1, hours=1),
            duration_minutes=60,
            kind=InteractionType.HOME_VISIT,
            zone=ZoneInfo("Europe/Berlin"),
            now=now,
            place="12 <Baker> Street",
        )
    return Fuzz(harness, wanda)


async def _id(harness, user_id: int) -> int:
    return await harness.worker_id(user_id)


def _settings():
    phases = [hypothesis.Phase.explicit, hypothesis.Phase.generate]
    if SHRINK:
        phases.append(hypothesis.Phase.shrink)
    return hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=phases,
        suppress_health_check=[
            hypothesis.HealthCheck.function_scoped_fixture,
            hypothesis.HealthCheck.too_slow,
            hypothesis.HealthCheck.data_too_large,
        ],
    )


@pytest.fixture
async def fuzz(harness):
    f = await _seed(harness)
    yield f
    for key, (state_name, actions) in f.failures.items():
        print(f"\nFAILURE {key}\n  in {state_name!r} after {str(actions)[:300]}")
    total = sum(f.tried.values())
    print(
        f"\nfuzz: {total} inputs in {sum(f.states.values())} examples over "
        f"{len(f.states)} states: {dict(f.tried)}"
    )


def _every_state_once(test):
    """An explicit example per state, so each run visits them all (random draws favour
    a few): a forged press on the first button, then HTML with an emoji; the languages
    take turns."""
    languages = sorted(i18n.LANGUAGES)
    for index, name in enumerate(sorted(STATES)):
        test = hypothesis.example(
            state_name=name,
            actions=[("press_forged", (0, "²")), ("text", "<b>x</b> & <i 😀")],
            language=languages[index % len(languages)],
        )(test)
    return test


@_settings()
@hypothesis.given(
    state_name=st.sampled_from(sorted(STATES)),
    actions=st.lists(action_strategy, min_size=1, max_size=6),
    language=st.sampled_from(sorted(i18n.LANGUAGES)),
)
@_every_state_once
async def test_any_input_in_any_state_is_answered_safely(fuzz, state_name, actions, language):
    if not COLLECT:
        await _run_example(fuzz, state_name, actions, language)
        return
    try:
        await _run_example(fuzz, state_name, actions, language)
    except AssertionError as failure:
        key = str(failure).splitlines()[0][:200]
        fuzz.failures.setdefault(key, (state_name, actions))
        await fuzz.send("/cancel")


# ── what the fuzzer found, pinned down ─────────────────────────────────────────


async def _crashes(fuzz: Fuzz, inputs: list[tuple[str, str]]) -> list[str]:
    """Each (`press`|`send`, value) in a fresh example; the ones that logged an ERROR."""
    crashed = []
    for kind, value in inputs:
        trap = ErrorTrap()
        logging.getLogger().addHandler(trap)
        try:
            if kind == "press":
                await fuzz.wanda.press_data(fuzz.wanda.messages()[-1].message_id, value)
            else:
                await fuzz.send(value)
        finally:
            logging.getLogger().removeHandler(trap)
        if trap.records:
            crashed.append(f"{value!r}: {trap.signature()}")
    return crashed


async def test_forged_ids_in_other_digits_or_too_large_are_refused_not_crashed(fuzz):
    """`"²".isdigit()` is True but `int("²")` fails; a 12-digit id passes our checks but
    not PostgreSQL's 32-bit id columns. Either must be a stale-button answer."""
    await fuzz.send("/client C-0001")
    forged = [
        template.format(arg)
        for arg in ("²", "¹²", "999999999999")
        for template in (
            "cl:o:{}",
            "cl:p:{}",
            "cf:card:{}",
            "cf:note:{}",
            "cf:history:{}",
            "cf:people:{}",
            "pp:l:{}",
            "pp:o:1:{}",
            "cf:safety:{}",
            "sp:o:{}",
            "sp:e:{}:1",
            "sp:vv:1:{}",
            "sp:x:1:1:{}:1",
            "sp:sv:1:{}",
            "hi:p:{}:0",
            "ex:pdf:{}",
            "nu:undo:{}",
            "am:start:{}",
            "ac:open:{}",
            "ac:noshow:{}",
            "ac:done:{}",
            "rm:snz:{}:h",
            "rc:o:{}",
            "tr:to:1:{}",
            "dc:r:{}:moved",
            "cf:lang:{}",
            "lg:l:{}:Arabic",
            "lg:i:{}:y",
            "lg:other:{}",
            "cf:edit:{}",
            "cd:ask:{}:name",
            "cd:p:{}:hospice",
            "cd:hold:{}",
        )
    ]
    crashed = await _crashes(fuzz, [("press", data) for data in forged])
    await fuzz.send("/newclient Fuzz Person")
    await fuzz.press("Elderly")
    crashed += await _crashes(fuzz, [("send", "²"), ("send", "/cancel")])
    await fuzz.send("/settings")
    crashed += await _crashes(fuzz, [("press", "st:lead:²"), ("press", "st:day:²")])
    await fuzz.send("/cancel")
    await _note_compose(fuzz)
    await fuzz.press("When")
    crashed += await _crashes(fuzz, [("press", "nt:ago:²"), ("press", "nt:at:999999999999")])
    await fuzz.send("/cancel")
    await _appt_day(fuzz)
    crashed += await _crashes(
        fuzz, [("press", "ap:day:0001-01-01"), ("press", "ap:time:0000"), ("press", "ap:at:-1")]
    )
    await fuzz.send("/cancel")
    await _appt_day(fuzz)
    await fuzz.press("Tomorrow")
    crashed += await _crashes(fuzz, [("press", "ap:time:999999999999")])
    await fuzz.send("/cancel")
    assert not crashed, f"{len(crashed)} forged presses crashed:\n" + "\n".join(crashed)


async def test_a_long_note_in_emoji_is_confirmed_in_pages_telegram_accepts(fuzz):
    """Telegram counts UTF-16 code units, and an emoji is two of them. A one-line note as
    long as Telegram lets a worker write it, a note of two such messages, an amendment:
    each confirmation must be split by Telegram's measure, not by Python's characters."""
    one_liner = "😀" * 2038  # with "/note C-0001 phone: " exactly 4096 code units
    crashed = await _crashes(fuzz, [("send", f"/note C-0001 phone: {one_liner}")])
    await fuzz.send("/cancel")
    await _note_compose(fuzz)
    crashed += await _crashes(fuzz, [("send", "🌻" * 2048)])
    card = fuzz.wanda.messages()[-1]
    crashed += await _crashes(fuzz, [("press", button_data(card, "Save"))])
    await fuzz.send("/cancel")
    saved = await fuzz.send("/note C-0001 office: a short one")
    await fuzz.wanda.press(saved[-1], "Amend")
    crashed += await _crashes(fuzz, [("send", "✍🏽" * 1340)])  # 4,020 code units
    await fuzz.send("/cancel")
    refused = [c.error for c in fuzz.harness.state.calls if c.status == 400]
    assert not crashed and not refused, "\n".join(c[:160] for c in crashed) + str(refused)
    async with fuzz.harness.db.session() as session:
        saved_texts = (await session.execute(select(Note.text).order_by(Note.id))).scalars()
    assert list(saved_texts)[:2] == [one_liner, "Draft before the fuzz.\n\n" + "🌻" * 2048]
