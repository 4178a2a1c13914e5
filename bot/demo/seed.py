"""The demo's team: a supervisor, two workers, a dozen clients and their week.

Everything is written through the same storage services the bot uses (workers,
clients, appointments, notes, consents) and, where no service exists yet, through the
models (plans and goals, the resource and referral). Times are relative to `now`, so
whenever the demo starts there is something due: visits overdue by contact frequency,
plan reviews due, a referral follow-up today, an appointment whose reminder falls due
within the next hour, a risk flag from yesterday and two weeks of visits and notes for
the supervisor's chart, eight weeks of kept figures for the team's trend (/trend), and
Maria's safety plan, due for review in two days. Sam, the supervisor, can drill from his
digest to a case: clients overdue in both caseloads, and yesterday's visit to Rosa that
Will left open. Every
client has a home location on record, so a visit can be checked in to from the page
(its "📍 Share location" offers the home or a point 2 km away).

The seeded people have no quiet hours and no days off, so every jump of the demo clock
shows what the clock would bring on a working day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.rules.trends import last_weeks
from storage import (
    appointments,
    client_people,
    clients,
    consents,
    evv,
    notes,
    safety_plans,
    workers,
)
from storage.db import Database
from storage.kinds import (
    AppointmentStatus,
    GoalStatus,
    InteractionType,
    PlanStatus,
    Program,
    ReferralStatus,
    Role,
)
from storage.models import (
    Appointment,
    Client,
    Goal,
    Plan,
    Referral,
    Resource,
    Team,
    Worker,
    client_code,
)
from storage.supervision_tables import TrendSnapshot

TEAM = "North"
# Quiet hours that start and end at the same minute mean "never quiet".
NEVER_QUIET = time(0, 0)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """A seeded worker and the fake Telegram account that is theirs."""

    user_id: int
    name: str
    role: Role
    # The language Caseline speaks to them (None: the organisation's, English in the demo).
    language: str | None = None

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


WANDA = DemoPerson(710001, "Wanda Worker", Role.WORKER)
WILL = DemoPerson(710002, "Will Worker", Role.WORKER)
SAM = DemoPerson(710003, "Sam Supervisor", Role.SUPERVISOR)
# A worker who reads Caseline in Spanish; her notes are in Spanish too, as she writes them.
LUCIA = DemoPerson(710004, "Lucía Fernández", Role.WORKER, language="es")
PEOPLE = (WANDA, WILL, SAM, LUCIA)


@dataclass(frozen=True, slots=True)
class ClientSeed:
    name: str
    program: Program
    frequency: int
    worker: DemoPerson
    # Days since the last contact (a home visit or call, with its note); None: never seen.
    last_contact_days: int | None
    review_in_days: int
    goals: tuple[str, ...]
    contact_kind: InteractionType = InteractionType.HOME_VISIT
    history: tuple[int, ...] = ()  # earlier contacts, days ago
    story: str = ""


CLIENTS: tuple[ClientSeed, ...] = (
    ClientSeed(
        "Maria Gonzalez",
        Program.ELDERLY,
        14,
        WANDA,
        3,
        2,
        ("Eats a hot meal every day", "Keeps her GP appointments"),
        history=(9, 13),
        story="Pantry nearly empty again; daughter visits on Sundays only.",
    ),
    ClientSeed(
        "Tomasz Nowak",
        Program.RECOVERY,
        7,
        WANDA,
        10,
        -5,
        ("Attends group twice a week", "Finds stable housing"),
        contact_kind=InteractionType.PHONE,
        history=(12,),
        story="Missed Tuesday's group; says work shifts clash.",
    ),
    ClientSeed(
        "Amina Yusuf",
        Program.CHRONIC,
        14,
        WANDA,
        5,
        40,
        ("Checks blood sugar twice daily", "Walks 20 minutes a day"),
        history=(8,),
        story="Glucose diary complete for the week; asked about a podiatrist.",
    ),
    ClientSeed(
        "Helga Schmidt",
        Program.HOSPICE,
        7,
        WANDA,
        2,
        20,
        ("Pain controlled at home", "Family has respite twice a week"),
        history=(6, 11),
        story="Comfortable today; son asks about night respite.",
    ),
    ClientSeed(
        "Jamal Carter",
        Program.DISABILITY,
        30,
        WANDA,
        33,
        60,
        ("Gets the wheelchair repaired", "Starts the day programme"),
        contact_kind=InteractionType.PHONE,
        story="Wheelchair repair quote received; waiting for approval.",
    ),
    ClientSeed(
        "Li Wei",
        Program.ELDERLY,
        30,
        WANDA,
        12,
        75,
        ("Takes medication as prescribed",),
        contact_kind=InteractionType.VIDEO,
        story="Pill organiser in use; granddaughter helps with the video call.",
    ),
    ClientSeed(
        "Rosa Ferreira",
        Program.ELDERLY,
        14,
        WILL,
        20,
        -12,
        ("Safe at home after the fall", "Goes to the lunch club"),
        history=(26,),
        story="Grab rails fitted in the bathroom; still afraid of the stairs.",
    ),
    ClientSeed(
        "Daniel O'Brien",
        Program.RECOVERY,
        7,
        WILL,
        4,
        30,
        ("Stays sober", "Keeps the job at the bakery"),
        history=(8, 13),
        story="Started the new shift pattern; sponsor call on Fridays.",
    ),
    ClientSeed(
        "Fatima Haddad",
        Program.CHRONIC,
        30,
        LUCIA,
        9,
        1,
        ("Attends dialysis three times a week",),
        contact_kind=InteractionType.PHONE,
        story="Transporte a diálisis confirmado para todo el mes.",
    ),
    ClientSeed(
        "Peter Müller",
        Program.DISABILITY,
        30,
        WILL,
        40,
        50,
        ("Applies for the personal budget",),
        story="Application form started; needs the doctor's letter.",
    ),
    ClientSeed(
        "Grace Okafor",
        Program.HOSPICE,
        7,
        WILL,
        4,
        25,
        ("Stays at home as she wishes", "Family knows the care plan"),
        history=(7, 10),
        story="Niece staying this week; bed moved downstairs.",
    ),
    ClientSeed(
        "Sven Larsen",
        Program.RECOVERY,
        14,
        LUCIA,
        None,
        85,
        ("Completes the intake assessment",),
    ),
)


# Where the demo's clients live (Berlin, like their addresses): each its own street corner,
# so the page's "📍 Share location" can send the home of the client being checked in to,
# or a point 2 km away.
HOMES_AROUND = (52.5200, 13.4050)
HOME_STEP = 0.0045  # about 500 m of latitude between neighbouring homes


def home_of(index: int) -> tuple[float, float]:
    """The seeded home of the `index`th client: on a ring of homes around the centre."""
    lat, lon = HOMES_AROUND
    return round(lat + HOME_STEP * (index % 4 - 1.5), 6), round(
        lon + HOME_STEP * (index // 4 - 1), 6
    )


@dataclass
class SeedReport:
    team_id: int = 0
    workers: dict[int, int] = field(default_factory=dict)  # telegram user id → worker id
    clients: int = 0
    plans: int = 0
    goals: int = 0
    appointments: int = 0
    notes: int = 0
    risk_notes: int = 0
    referrals: int = 0
    # The appointment whose reminder falls due within the next hour.
    soon_appointment_id: int = 0


def _quarter_after(moment: datetime) -> datetime:
    """The first quarter hour at or after `moment` (appointments start on the quarter)."""
    minutes = math.ceil((moment.minute + moment.second / 60) / 15) * 15
    base = moment.replace(minute=0, second=0, microsecond=0)
    return base + timedelta(minutes=minutes)


def _local_at(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


async def contents(db: Database) -> str:
    """ "empty", "demo" (made by this module) or "other" — a real database the demo must
    never touch (its reminders would be marked sent to nobody)."""
    async with db.session() as session:
        teams = (await session.execute(select(func.count()).select_from(Team))).scalar_one()
        people = (await session.execute(select(func.count()).select_from(Worker))).scalar_one()
        if not teams and not people:
            return "empty"
        wanda = await workers.by_telegram_id(session, WANDA.user_id)
    return "demo" if wanda is not None and wanda.name == WANDA.name else "other"


async def seed(db: Database, *, now: datetime, zone: ZoneInfo) -> SeedReport:
    """Write the demo team into an empty database (one transaction)."""
    report = SeedReport()
    async with db.session() as session:
        team = await workers.get_or_create_team(session, TEAM, now - timedelta(days=120))
        report.team_id = team.id
        by_person: dict[DemoPerson, Worker] = {}
        for person in PEOPLE:
            by_person[person] = await _worker(session, person, team, now)
            report.workers[person.user_id] = by_person[person].id
        seeded: dict[str, Client] = {}
        for index, row in enumerate(CLIENTS):
            worker = by_person[row.worker]
            seeded[row.name] = await _client(session, row, worker, now, zone, report)
            latitude, longitude = home_of(index)
            evv.set_home(
                session,
                seeded[row.name],
                latitude=latitude,
                longitude=longitude,
                accuracy=None,
                source=evv.FROM_PIN,
                worker_id=worker.id,
                now=now - timedelta(days=30),
            )
        await _today_and_tomorrow(session, seeded, by_person, now, zone, report)
        await _risk_and_referral(session, seeded, by_person, now, zone, report)
        await _people_around(session, seeded["Maria Gonzalez"], now, by_person[WANDA], report)
        await _safety_plan(session, seeded["Maria Gonzalez"], by_person[WANDA], now, zone)
        _trend_weeks(session, by_person, team, now, zone)
    return report


# Eight weeks of each worker's kept figures, oldest first: (seen %, visits, notes, plan
# reviews overdue). Wanda steadies above 85 %, Will climbs out of the red, Lucía dips
# while on leave in week 5 and comes back.
TREND_WEEKS = {
    WANDA: ((78, 6, 9, 2), (80, 7, 10, 2), (84, 8, 11, 1), (86, 7, 12, 1), (88, 8, 10, 1),
            (85, 6, 9, 0), (90, 9, 13, 0), (91, 8, 12, 1)),
    WILL: ((55, 4, 5, 3), (58, 5, 6, 3), (62, 5, 7, 2), (66, 6, 8, 2), (70, 7, 8, 2),
           (72, 6, 9, 1), (76, 8, 10, 1), (80, 7, 10, 1)),
    LUCIA: ((82, 6, 8, 1), (84, 7, 9, 1), (83, 6, 9, 1), (85, 7, 10, 0), (70, 2, 3, 1),
            (74, 5, 7, 1), (81, 7, 9, 0), (86, 8, 11, 0)),
}  # fmt: skip


def _trend_weeks(
    session: AsyncSession,
    by_person: dict[DemoPerson, Worker],
    team: Team,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """The weekly snapshots the reminder tick would have kept over the last eight weeks,
    so /trend (and Sam's weekly trend) draws lines at once; each worker's open clients as
    seeded, the share of them seen as the numbers above say."""
    weeks = last_weeks(now.astimezone(zone).date())
    caseload = {person: sum(1 for row in CLIENTS if row.worker is person) for person in TREND_WEEKS}
    for person, figures in TREND_WEEKS.items():
        clients_open = caseload[person]
        for week, (percent, visits, notes_written, reviews) in zip(weeks, figures, strict=True):
            session.add(
                TrendSnapshot(
                    worker_id=by_person[person].id,
                    team_id=team.id,
                    week_start=week,
                    clients=clients_open,
                    seen_within_frequency=round(clients_open * percent / 100),
                    visits=visits,
                    notes=notes_written,
                    reviews_overdue=reviews,
                    taken_at=_local_at(week + timedelta(days=7), time(0, 5), zone),
                )
            )


# The people around Maria: the daughter her story names, a neighbour, and her care team.
MARIA_PEOPLE = (
    ("family", "Ana Gonzalez", "+49 170 5550123", None, True),
    ("neighbour", "Herr Becker", None, None, None),
    ("gp", "Dr. Anna Weber", "+49 30 1234567", "Praxis am Park", True),
    ("pharmacist", "Linden-Apotheke", "+49 30 7654321", "Linden-Apotheke", True),
)


async def homes(db: Database) -> dict[str, tuple[float, float]]:
    """Every client's home location by code (C-0001): what the page offers to share."""
    statement = select(Client.id, Client.home_latitude, Client.home_longitude).where(
        Client.home_latitude.is_not(None), Client.home_longitude.is_not(None)
    )
    async with db.session() as session:
        rows = (await session.execute(statement)).tuples().all()
    return {client_code(client_id): (lat, lon) for client_id, lat, lon in rows if lat and lon}


async def _people_around(
    session: AsyncSession, client: Client, now: datetime, worker: Worker, report: SeedReport
) -> None:
    added = [
        await client_people.add_person(
            session,
            client,
            relation=relation,
            name=name,
            phone=phone,
            organisation=organisation,
            consent=consent,
            now=now - timedelta(days=60),
        )
        for relation, name, phone, organisation, consent in MARIA_PEOPLE
    ]
    # A call with the daughter (a collateral contact: her page lists it; it does not move
    # Maria's last contact).
    called = now - timedelta(days=4)
    await notes.create_note(
        session,
        client=client,
        author_id=worker.id,
        interaction_type=InteractionType.COLLATERAL,
        occurred_at=called,
        text="Ana called: her mother forgets the evening tablets. Ana fills the pill box "
        "on Sundays from now on.",
        now=called + timedelta(minutes=5),
        about_contact_id=added[0].id,
    )
    report.notes += 1


# Maria's safety plan, written with her and her daughter: gentle, in her own words.
MARIA_SAFETY_PLAN = {
    "warning_signs": [
        "Stops eating, leaves her lunch untouched",
        "Says she is a burden to Ana",
        "Keeps the curtains closed all day",
    ],
    "coping": [
        "Listening to her radio programme in the afternoon",
        "Gardening on the balcony: the tomatoes need her",
        "Looking through the photo album of Valencia",
    ],
    "distraction": [
        "The Tuesday senior café at the community centre",
        "A cup of coffee with her neighbour Herr Becker",
    ],
    "help": [
        "Her daughter Ana Gonzalez, +49 170 5550123",
        "Herr Becker next door (knocks twice)",
    ],
    "professionals": [
        "Dr. Anna Weber (GP), Praxis am Park, +49 30 1234567",
        "Wanda, her case worker, weekdays",
        "Crisis line 0800 111 0 111 (free, day and night)",
        "Emergency 112",
    ],
    "environment": [
        "Linden-Apotheke prepares blister packs weekly: no stockpiled medication at home",
        "Ana keeps the spare sleeping pills",
    ],
}


async def _safety_plan(
    session: AsyncSession, client: Client, wanda: Worker, now: datetime, zone: ZoneInfo
) -> None:
    """Written two months ago (v1), then gone through with her a month ago (v2, no
    changes): its next review falls in two days, so the morning agenda lists it."""
    today = now.astimezone(zone).date()
    for days_ago, kind in ((58, safety_plans.SAVED), (28, safety_plans.REVIEWED)):
        await safety_plans.add_version(
            session,
            client,
            kind=kind,
            sections=MARIA_SAFETY_PLAN,
            changed=[],
            interval_days=30,
            next_review_on=today - timedelta(days=days_ago) + timedelta(days=30),
            by=wanda.id,
            now=now - timedelta(days=days_ago),
        )


async def _worker(session: AsyncSession, person: DemoPerson, team: Team, now: datetime) -> Worker:
    worker = await workers.create_worker(
        session, name=person.name, role=person.role, now=now - timedelta(days=90), team=team
    )
    worker.telegram_user_id = person.user_id
    worker.chat_id = person.user_id
    worker.language = person.language
    worker.quiet_start = worker.quiet_end = NEVER_QUIET
    worker.days_off = frozenset()
    return worker


async def _client(
    session: AsyncSession,
    row: ClientSeed,
    worker: Worker,
    now: datetime,
    zone: ZoneInfo,
    report: SeedReport,
) -> Client:
    today = now.astimezone(zone).date()
    added = now - timedelta(days=3 if row.last_contact_days is None else 60)
    client = await clients.create_client(
        session,
        name=row.name,
        program=row.program,
        contact_frequency_days=row.frequency,
        worker_id=worker.id,
        now=added,
    )
    report.clients += 1
    plan = Plan(
        client_id=client.id,
        version=1,
        status=PlanStatus.ACTIVE,
        review_interval_days=90,
        next_review_on=today + timedelta(days=row.review_in_days),
        created_at=added,
        created_by_id=worker.id,
    )
    session.add(plan)
    await session.flush()
    report.plans += 1
    for position, description in enumerate(row.goals):
        session.add(
            Goal(
                plan_id=plan.id,
                position=position,
                description=description,
                target_date=today + timedelta(days=60 + 30 * position),
                status=GoalStatus.IN_PROGRESS if position == 0 else GoalStatus.NOT_STARTED,
            )
        )
        report.goals += 1
    if row.last_contact_days is None:
        return client
    # Older contacts first: a note never moves the last contact backwards anyway.
    for days in sorted((*row.history, row.last_contact_days), reverse=True):
        moment = _local_at(today - timedelta(days=days), time(9 + (days * 3) % 8), zone)
        text = row.story if days == row.last_contact_days else _routine_text(row, days)
        await _contact(session, client, worker, row.contact_kind, moment, text, report)
    return client


def _routine_text(row: ClientSeed, days: int) -> str:
    first = row.name.split()[0]
    options = (
        f"{first} in good spirits; reviewed the plan together.",
        f"Checked in with {first}; no new concerns.",
        f"{first} tired today; agreed to call again next week.",
    )
    return options[days % len(options)]


async def _contact(
    session: AsyncSession,
    client: Client,
    worker: Worker,
    kind: InteractionType,
    moment: datetime,
    text: str,
    report: SeedReport,
) -> None:
    """A visit or call that happened: a completed appointment (home visits) and its note."""
    appointment_id = None
    if kind == InteractionType.HOME_VISIT:
        visit = await appointments.log_visit(
            session,
            client=client,
            worker_id=worker.id,
            starts_at=moment,
            duration_minutes=60,
            kind=kind,
            status=AppointmentStatus.COMPLETED,
            now=moment + timedelta(hours=1),
        )
        appointment_id = visit.id
        report.appointments += 1
    await notes.create_note(
        session,
        client=client,
        author_id=worker.id,
        interaction_type=kind,
        occurred_at=moment,
        text=text,
        now=moment + timedelta(hours=1, minutes=5),
        appointment_id=appointment_id,
    )
    report.notes += 1


async def _today_and_tomorrow(
    session: AsyncSession,
    seeded: dict[str, Client],
    people: dict[DemoPerson, Worker],
    now: datetime,
    zone: ZoneInfo,
    report: SeedReport,
) -> None:
    """Scheduled visits: one whose reminder (60 min ahead) is due within the next hour."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    soon = _quarter_after(now + timedelta(minutes=75))
    home, phone, office = (
        InteractionType.HOME_VISIT,
        InteractionType.PHONE,
        InteractionType.OFFICE,
    )
    plan = (
        # (client, worker, starts at, minutes, kind, place)
        ("Maria Gonzalez", WANDA, soon, 60, home, "Lindenstraße 12, 2nd floor"),
        ("Amina Yusuf", WANDA, _quarter_after(now + timedelta(hours=4)), 30, phone, None),
        ("Tomasz Nowak", WANDA, _local_at(tomorrow, time(10), zone), 45, office, "Team office"),
        ("Helga Schmidt", WANDA, _local_at(tomorrow, time(14), zone), 60, home, "Birkenweg 4"),
        ("Grace Okafor", WILL, _quarter_after(now + timedelta(hours=2.5)), 60, home, "Am Hang 9"),
        ("Rosa Ferreira", WILL, _local_at(tomorrow, time(9, 30), zone), 60, home, "Kastanie 31"),
    )
    for name, person, starts_at, minutes, kind, place in plan:
        appointment = await appointments.schedule(
            session,
            client=seeded[name],
            worker_id=people[person].id,
            starts_at=starts_at,
            duration_minutes=minutes,
            kind=kind,
            zone=zone,
            now=now - timedelta(days=2),
            place=place,
        )
        report.appointments += 1
        if starts_at == soon:
            report.soon_appointment_id = appointment.id
    local_now = now.astimezone(zone)
    if local_now.time() >= time(10, 30):
        # Started in the day: this morning's visit already happened and has its note.
        await _contact(
            session,
            seeded["Helga Schmidt"],
            people[WANDA],
            InteractionType.HOME_VISIT,
            _local_at(local_now.date(), time(9, 0), zone),
            "Slept better; the new mattress arrived. Son will call about night respite.",
            report,
        )
    # Yesterday's no-show: the digest counts it.
    missed = Appointment(
        client_id=seeded["Peter Müller"].id,
        worker_id=people[WILL].id,
        starts_at=now - timedelta(days=1, hours=2),
        duration_minutes=60,
        kind=InteractionType.HOME_VISIT,
        status=AppointmentStatus.NO_SHOW,
        outcome="Nobody answered the door.",
        created_at=now - timedelta(days=5),
        completed_at=now - timedelta(days=1, hours=1),
    )
    session.add(missed)
    report.appointments += 1
    # Yesterday afternoon's visit to Rosa that Will never closed: left open, so he is
    # reminded once and Sam's digest lists it (⌛) until someone says what happened.
    yesterday = now.astimezone(zone).date() - timedelta(days=1)
    left_open = Appointment(
        client_id=seeded["Rosa Ferreira"].id,
        worker_id=people[WILL].id,
        starts_at=_local_at(yesterday, time(14), zone),
        duration_minutes=60,
        kind=InteractionType.HOME_VISIT,
        place="Kastanie 31",
        status=AppointmentStatus.SCHEDULED,
        created_at=now - timedelta(days=6),
    )
    session.add(left_open)
    report.appointments += 1
    await session.flush()


async def _risk_and_referral(
    session: AsyncSession,
    seeded: dict[str, Client],
    people: dict[DemoPerson, Worker],
    now: datetime,
    zone: ZoneInfo,
    report: SeedReport,
) -> None:
    # A call three hours ago with a risk flag: inside the digest's 24 hours. (User text is
    # stored as typed; the bot escapes it wherever it shows it.)
    called = now - timedelta(hours=3)
    await notes.create_note(
        session,
        client=seeded["Daniel O'Brien"],
        author_id=people[WILL].id,
        interaction_type=InteractionType.PHONE,
        occurred_at=called,
        text="Missed two meetings & mentioned drinking again <not sure how much>.",
        now=called + timedelta(minutes=10),
        risk_reason="Relapse risk: talked about drinking again",
    )
    report.notes += 1
    report.risk_notes += 1

    maria = seeded["Maria Gonzalez"]
    consent = await consents.record(
        session,
        client_id=maria.id,
        given=True,
        scope="Share contact details and food needs with the food bank",
        recorded_by_id=people[WANDA].id,
        now=now - timedelta(days=10),
    )
    food_bank = Resource(
        name="Tafel food bank (Mitte)",
        category="food",
        phone="+49 30 1234 5678",
        address="Markthalle, Tor 2",
        hours="Tue and Fri 10:00–14:00",
    )
    session.add(food_bank)
    await session.flush()
    session.add(
        Referral(
            client_id=maria.id,
            resource_id=food_bank.id,
            worker_id=people[WANDA].id,
            consent_id=consent.id,
            reason="Weekly food parcel",
            status=ReferralStatus.SENT,
            created_at=now - timedelta(days=10),
            follow_up_on=now.astimezone(zone).date(),
        )
    )
    report.referrals += 1
    await session.flush()
