"""The Caseline domain as SQLAlchemy 2 models (see ../shared/DESIGN.md for the words).

Enumerated fields are plain strings checked against the enums of storage/kinds.py, so
adding a value never needs a database-specific enum migration. Every timestamp is UTC
(`UTCDateTime`); calendar dates (target dates, follow-ups) are plain `Date`s in the
worker's local calendar. The tables of the bot's own machinery (inbox, outbox, audit
trail, persistence) are in storage/machinery.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from storage.kinds import (
    AppointmentStatus,
    ClientStatus,
    GoalStatus,
    InteractionType,
    PlanStatus,
    Program,
    ReferralStatus,
    Role,
)
from storage.localtime import day_end, day_start
from storage.types import JSONType, NameSet, UTCDateTime, WeekdaySet, plus_days, plus_minutes

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def visit_due_day(due_at: datetime, zone: ZoneInfo) -> date:
    """The local day (in `zone`) a visit due at `due_at` falls due: what workers are shown
    (`Client.visit_due_on`; the agenda, which reads `visit_due_at` as a column)."""
    return due_at.astimezone(zone).date()


def client_code(client_id: int) -> str:
    """What workers read and type for a client: C-0042."""
    return f"C-{client_id:04d}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSONType}


# A client is open while in intake or active: reminders, visits due, figures. On hold and
# discharged clients are muted (as CHT mutes a client who moved or is in hospital): no
# reminders, no figures, and unmuting does not replay what was missed. `Client.is_open`
# is the rule in Python and in SQL.
OPEN_STATUSES: tuple[ClientStatus, ...] = (ClientStatus.INTAKE, ClientStatus.ACTIVE)
MUTED_STATUSES: tuple[ClientStatus, ...] = (ClientStatus.ON_HOLD, ClientStatus.DISCHARGED)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime]
    # Whether a worker's (not a supervisor's or admin's) plan activation and discharge
    # wait for a supervisor's approval (domain/usecases/approvals.py); off by default.
    approve_plans: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    approve_discharges: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    workers: Mapped[list[Worker]] = relationship(back_populates="team")


class Worker(Base):
    """A person who uses Caseline: worker, supervisor or admin.

    `telegram_user_id` is empty until the person redeems an invite; `timezone`,
    `language` and `date_order` empty mean the organisation's defaults.
    """

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16), default=Role.WORKER)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    timezone: Mapped[str | None] = mapped_column(String(64))
    # The language Caseline speaks to them (ui.i18n.LANGUAGES); empty: the organisation's
    # (CASELINE_LANGUAGE).
    language: Mapped[str | None] = mapped_column(String(8))
    # How they type all-numbers dates, "DMY" or "MDY"; empty: CASELINE_DATE_ORDER.
    date_order: Mapped[str | None] = mapped_column(String(3))
    quiet_start: Mapped[time] = mapped_column(Time, default=time(20, 0))
    quiet_end: Mapped[time] = mapped_column(Time, default=time(8, 0))
    # ISO weekday numbers (1 = Monday) on which nothing is pushed (stored as "6,7").
    days_off: Mapped[frozenset[int]] = mapped_column(WeekdaySet(20), default=frozenset({6, 7}))
    start_of_day: Mapped[time] = mapped_column(Time, default=time(8, 0))
    digest_time: Mapped[time] = mapped_column(Time, default=time(18, 0))
    reminder_lead_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # Reminder kinds this worker opted out of (empty: all kinds; stored as "agenda,digest").
    muted_reminder_kinds: Mapped[frozenset[str]] = mapped_column(NameSet(200), default=frozenset())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # When last switched off (kept when switched on again: `active` says which they are).
    deactivated_at: Mapped[datetime | None]
    # Set when Telegram answered 403 (the worker blocked the bot); cleared by their next
    # update. Unreachable is not switched off: access and caseload stay until someone decides.
    unreachable_at: Mapped[datetime | None]
    # A supervisor's weekly trend message (bot/trend.py): the ISO weekday it comes on, at
    # the digest time (1 = Monday); None: off.
    trend_weekday: Mapped[int | None] = mapped_column(SmallInteger, default=1, server_default="1")

    team: Mapped[Team | None] = relationship(back_populates="workers")


class Invite(Base):
    """A single-use invite. Only the SHA-256 of the code is stored."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    # A pre-created worker (e.g. the first admin) to bind, or empty to create one.
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    name: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))


class Cover(Base):
    """A worker given access to a colleague's caseload until `ends_at` (leave, sickness),
    without a transfer. It ends by itself at `ends_at`, or earlier when `ended_at` is set."""

    __tablename__ = "covers"
    __table_args__ = (Index("ix_covers_covering_ends", "covering_worker_id", "ends_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    covering_worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    covered_worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # Set when the cover ended (early, by hand, or noticed after ends_at and audited).
    ended_at: Mapped[datetime | None]


class Client(Base):
    """A person served. Shown by code `C-0042`, which is the id, zero-padded."""

    __tablename__ = "clients"
    __table_args__ = (
        Index("ix_clients_worker_last_contact", "worker_id", "last_contact_at"),
        # Covers the digest's per-worker counts (open, overdue, seen): an index-only scan
        # instead of one table lookup per client of the team.
        Index(
            "ix_clients_worker_open",
            "worker_id",
            "status",
            "contact_frequency_days",
            "last_contact_at",
            "created_at",
        ),
        # The tick's look for open risks nobody acknowledged (most clients have none).
        Index("ix_clients_risk_level_since", "risk_level", "risk_since"),
        # The digest's intakes: clients each worker added, by day.
        Index("ix_clients_added_by_created", "added_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    program: Mapped[str] = mapped_column(String(20), default=Program.OTHER)
    status: Mapped[str] = mapped_column(String(16), default=ClientStatus.ACTIVE)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    contact_frequency_days: Mapped[int] = mapped_column(Integer, default=30)
    last_contact_at: Mapped[datetime | None]
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(Text)
    emergency_contact: Mapped[str | None] = mapped_column(Text)
    living_situation: Mapped[str | None] = mapped_column(Text)
    # The preferred language (free text, e.g. "Arabic") and whether an interpreter is
    # needed; None for both is "not asked yet".
    language: Mapped[str | None] = mapped_column(String(40))
    interpreter: Mapped[bool | None] = mapped_column(Boolean)
    # Intake answers by need domain (medical, housing, ...): free structure.
    needs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    risk_level: Mapped[int] = mapped_column(SmallInteger, default=0)
    # The open risk (domain/usecases/risks.py): why, since when, who flagged it (and the
    # note whose alert stands for it), who acknowledged the alert and when, and when it
    # was escalated because nobody had. All None while risk_level is RiskLevel.NONE.
    risk_reason: Mapped[str | None] = mapped_column(Text)
    risk_since: Mapped[datetime | None]
    risk_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    risk_note_id: Mapped[int | None] = mapped_column(Integer)
    risk_acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    risk_acknowledged_at: Mapped[datetime | None]
    risk_escalated_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    discharged_at: Mapped[datetime | None]
    discharge_reason: Mapped[str | None] = mapped_column(Text)
    # Where visits usually happen ("at home", "the day centre"): a new appointment's place
    # starts as this.
    usual_place: Mapped[str | None] = mapped_column(Text)
    # Why the case is on hold, and the local day it is active again (the reminder tick
    # makes it so: domain/usecases/client_details.py); both None unless on hold.
    hold_reason: Mapped[str | None] = mapped_column(Text)
    hold_until: Mapped[date | None] = mapped_column(Date)
    # Where the client lives, for visit verification: set once (a confirmed check-in or a
    # pin sent from the card), changed only with a reason; every setting is kept in
    # client_home_locations. None until set.
    home_latitude: Mapped[float | None]
    home_longitude: Mapped[float | None]
    home_set_at: Mapped[datetime | None]
    home_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    # Who took the client in from the chat (/intake or /newclient): the digest counts it
    # as their intake. None for clients imported by the operator, and for those added
    # before it was kept.
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    # When the client's personal data was erased (storage/anonymise.py) and by what rule:
    # a retention rule ("discharged:anonymise=10y") or "erasure". None while it is kept.
    anonymised_at: Mapped[datetime | None]
    anonymised_rule: Mapped[str | None] = mapped_column(String(60))

    worker: Mapped[Worker | None] = relationship(foreign_keys=[worker_id])

    @property
    def code(self) -> str:
        return client_code(self.id)

    # ── the rules about a client, each one hybrid: the same words in Python and SQL ──

    @hybrid_property
    def is_open(self) -> bool:
        """Intake or active: the client counts (see OPEN_STATUSES)."""
        return self.status in OPEN_STATUSES

    @is_open.inplace.expression
    @classmethod
    def _is_open_sql(cls) -> ColumnElement[bool]:
        return cls.status.in_(OPEN_STATUSES)

    @hybrid_property
    def is_muted(self) -> bool:
        """On hold or discharged: no reminders, no figures (see MUTED_STATUSES)."""
        return self.status in MUTED_STATUSES

    @is_muted.inplace.expression
    @classmethod
    def _is_muted_sql(cls) -> ColumnElement[bool]:
        return cls.status.in_(MUTED_STATUSES)

    @hybrid_property
    def contact_since(self) -> datetime:
        """Where the contact-frequency clock starts: the last contact, else the moment the
        client was added (a new client's first visit falls due one frequency later)."""
        return self.last_contact_at or self.created_at

    @contact_since.inplace.expression
    @classmethod
    def _contact_since_sql(cls) -> ColumnElement[datetime]:
        return func.coalesce(cls.last_contact_at, cls.created_at, type_=UTCDateTime())

    @hybrid_property
    def visit_due_at(self) -> datetime:
        """The moment the next visit falls due: `contact_since` + the contact frequency
        in days (24 hours each)."""
        return self.contact_since + timedelta(days=self.contact_frequency_days)

    @visit_due_at.inplace.expression
    @classmethod
    def _visit_due_at_sql(cls) -> ColumnElement[datetime]:
        return plus_days(cls.contact_since, cls.contact_frequency_days)

    def visit_due_on(self, zone: ZoneInfo) -> date:
        """The local day (in `zone`) the next visit falls due: what workers are shown."""
        return visit_due_day(self.visit_due_at, zone)

    @hybrid_method
    def visit_overdue(self, today: date, zone: ZoneInfo) -> bool:
        """The next visit fell due on a local day before `today`."""
        return self.visit_due_at < day_start(today, zone)

    @hybrid_method
    def visit_due_by(self, day: date, zone: ZoneInfo) -> bool:
        """The next visit falls due on `day` (local) or earlier."""
        return self.visit_due_before(day_end(day, zone))

    @hybrid_method
    def visit_due_before(self, moment: datetime) -> bool:
        """The next visit falls due before `moment` (a statement built once takes the
        moment `visit_due_by` would compute as a parameter: storage/agenda.py)."""
        return self.visit_due_at < moment

    @hybrid_method
    def seen_within_frequency(self, now: datetime) -> bool:
        """The last contact (else the intake) lies within the contact frequency as of
        `now`: the next visit is not due yet."""
        return self.visit_due_at >= now


class ClientChange(Base):
    """One corrected detail of a client (✏️ Edit on the card): which, from what, to what,
    by whom (None: the system, e.g. an on-hold that ended), when. `before` and `after` are
    the stored values as text (a date in ISO form, a program or status code); for a
    status put on hold, `reason` and `until` say why and until when."""

    __tablename__ = "client_changes"
    __table_args__ = (Index("ix_client_changes_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    field: Mapped[str] = mapped_column(String(30))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    until: Mapped[date | None] = mapped_column(Date)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    at: Mapped[datetime]


class ClientHomeLocation(Base):
    """Each time a client's home location was set: the first (from a check-in the worker
    confirmed, or a pin sent from the card) and every change, with the reason the change
    needs, who and when. Kept, never overwritten; clients.home_* is the latest."""

    __tablename__ = "client_home_locations"
    __table_args__ = (Index("ix_client_home_locations_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    latitude: Mapped[float]
    longitude: Mapped[float]
    accuracy: Mapped[float | None]
    # "check_in" (a check-in confirmed as the home) or "pin" (sent from the card).
    source: Mapped[str] = mapped_column(String(20))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    at: Mapped[datetime]


class ClientContact(Base):
    """Someone around the client: family, caregivers, neighbours and the care team (a GP,
    a nurse, the school…); `relation` is one of storage/client_people.RELATIONS. Added at
    intake or from the card's 👥 People. A relation that ended keeps its row with
    `ended_at` (listed under "Earlier"); nothing is deleted. `consent_to_share`: whether
    the client agreed to share with them (None: not asked, as at intake)."""

    __tablename__ = "client_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    relation: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[str | None] = mapped_column(String(200))
    consent_to_share: Mapped[bool | None] = mapped_column(Boolean)
    ended_at: Mapped[datetime | None]


class SafetyPlan(Base):
    """One version of a client's safety plan (Stanley–Brown; domain/rules/safety_plans.py).
    Every save and every "reviewed, no changes" is a new row; a row is never changed but
    for `superseded_at`, set when the next version is saved (None: the version in effect).
    `sections` maps each section key to its lines; `changed` names the sections (and
    "interval") that differ from the version before, comma-separated; `kind` is "saved"
    or "reviewed"."""

    __tablename__ = "safety_plans"
    __table_args__ = (
        UniqueConstraint("client_id", "version"),
        # The agenda's and the digest's reviews due: the current versions by due day.
        Index("ix_safety_plans_current_review", "superseded_at", "next_review_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    sections: Mapped[dict[str, Any]]
    changed: Mapped[str | None] = mapped_column(String(200))
    review_interval_days: Mapped[int] = mapped_column(Integer)
    next_review_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]
    superseded_at: Mapped[datetime | None]

    @hybrid_property
    def is_current(self) -> bool:
        """The version in effect: what the card, the agenda and the digest read."""
        return self.superseded_at is None

    @is_current.inplace.expression
    @classmethod
    def _is_current_sql(cls) -> ColumnElement[bool]:
        return cls.superseded_at.is_(None)

    def lines(self, key: str) -> list[str]:
        found = (self.sections or {}).get(key)
        return [line for line in found if isinstance(line, str)] if isinstance(found, list) else []


class Consent(Base):
    """A release of information: given or refused, for what, when."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    given: Mapped[bool] = mapped_column(Boolean)
    scope: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    expires_on: Mapped[date | None] = mapped_column(Date)


class Note(Base):
    """A progress note. Never overwritten: corrections are `NoteAmendment`s."""

    __tablename__ = "notes"
    __table_args__ = (
        Index("ix_notes_client_occurred", "client_id", "occurred_at"),
        # The digest counts notes by author and day.
        Index("ix_notes_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    interaction_type: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime]
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text, default="")
    dap_data: Mapped[str | None] = mapped_column(Text)
    dap_assessment: Mapped[str | None] = mapped_column(Text)
    dap_plan: Mapped[str | None] = mapped_column(Text)
    # Free text no version of Caseline ever filled; who was there is `NoteAttendee` rows.
    attendees: Mapped[str | None] = mapped_column(Text)
    risk_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_reason: Mapped[str | None] = mapped_column(Text)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    # Set when the author pressed Undo right after saving; the row stays for the audit.
    retracted_at: Mapped[datetime | None]
    # A collateral contact's person (a call with the daughter, a talk with the GP): one of
    # the client's people, or None (someone not on the card, or not a collateral note).
    about_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("client_contacts.id"), index=True
    )

    amendments: Mapped[list[NoteAmendment]] = relationship(order_by="NoteAmendment.id")
    attachments: Mapped[list[NoteAttachment]] = relationship(order_by="NoteAttachment.id")


class NoteGoal(Base):
    __tablename__ = "note_goals"

    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id"), primary_key=True)


class NoteAttendee(Base):
    """Who was there at a note: the client (`is_client`, no contact) or one of the people
    around the client (`contact_id`)."""

    __tablename__ = "note_attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("client_contacts.id"), index=True)
    is_client: Mapped[bool] = mapped_column(Boolean, default=False)


class NoteAttachment(Base):
    """A voice note, photo or document kept by its Telegram file id."""

    __tablename__ = "note_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_id: Mapped[str] = mapped_column(String(200))
    file_unique_id: Mapped[str | None] = mapped_column(String(100))
    caption: Mapped[str | None] = mapped_column(Text)


class NoteAmendment(Base):
    __tablename__ = "note_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)


# An appointment still scheduled this long after its end was left open (issue 20).
UNCLOSED_AFTER = timedelta(hours=2)


class Appointment(Base):
    """A scheduled or logged visit. Recurring series keep their RRULE and local zone
    so that a weekly 10:00 stays 10:00 across daylight-saving changes."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_worker_starts", "worker_id", "starts_at"),
        Index("ix_appointments_status_starts", "status", "starts_at"),
        # The digest's "quiet worker" check looks for each worker's latest logged visit.
        Index("ix_appointments_worker_completed", "worker_id", "completed_at"),
        # The tick's look for check-ins still open (most rows have none: NULL, NULL, NULL).
        Index(
            "ix_appointments_open_check_in", "check_out_at", "check_out_missed_at", "check_in_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    kind: Mapped[str] = mapped_column(String(20), default=InteractionType.HOME_VISIT)
    place: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=AppointmentStatus.SCHEDULED)
    outcome: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    rrule: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    # Visit verification (EVV, domain/usecases/evv.py): when and where the worker checked
    # in and out, as the phone reported it (accuracy in metres; distance in metres from
    # the client's home, None when no home was known or no position was shared), the
    # reason given for a position outside the radius (domain/rules/evv.Reason), the
    # verification (EvvStatus, None before a check-in) and its exception codes
    # (domain/rules/evv.EvvException). Positions are kept with the visit only.
    check_in_at: Mapped[datetime | None]
    check_out_at: Mapped[datetime | None]
    check_in_latitude: Mapped[float | None]
    check_in_longitude: Mapped[float | None]
    check_in_accuracy: Mapped[float | None]
    check_in_distance: Mapped[int | None] = mapped_column(Integer)
    check_in_reason: Mapped[str | None] = mapped_column(String(20))
    check_out_latitude: Mapped[float | None]
    check_out_longitude: Mapped[float | None]
    check_out_accuracy: Mapped[float | None]
    check_out_distance: Mapped[int | None] = mapped_column(Integer)
    check_out_reason: Mapped[str | None] = mapped_column(String(20))
    # When the reminder tick found the check-out missing (it reminds once, then this).
    check_out_missed_at: Mapped[datetime | None]
    evv_status: Mapped[str | None] = mapped_column(String(16))
    evv_exceptions: Mapped[frozenset[str] | None] = mapped_column(NameSet(200))
    # When the verification last changed: what the supervisor's digest looks back on.
    evv_at: Mapped[datetime | None]
    # Why the worker changed the checked-in times on the visit log (exception time_edited).
    time_edit_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]

    # ── an appointment left open: the same words in Python and SQL ──

    @hybrid_property
    def ends_at(self) -> datetime:
        """The planned end: the start plus the duration."""
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @ends_at.inplace.expression
    @classmethod
    def _ends_at_sql(cls) -> ColumnElement[datetime]:
        return plus_minutes(cls.starts_at, cls.duration_minutes)

    @hybrid_method
    def left_open(self, now: datetime) -> bool:
        """Still scheduled `UNCLOSED_AFTER` after its planned end: nobody said whether it
        happened (its worker is reminded once; the digest lists it until it is closed).
        The start alone comes first so the (status, starts_at) index narrows to the past."""
        cut = now - UNCLOSED_AFTER
        return (
            (self.status == AppointmentStatus.SCHEDULED)
            & (self.starts_at <= cut)
            & (self.ends_at <= cut)
        )


class Plan(Base):
    """A treatment or recovery plan; a review makes the next version."""

    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("client_id", "version"),
        # The digest's reviews-due count probes each open client's plans: index-only.
        Index("ix_plans_client_review", "client_id", "status", "next_review_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.ACTIVE)
    interventions: Mapped[str | None] = mapped_column(Text)
    review_interval_days: Mapped[int] = mapped_column(Integer, default=90)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))

    goals: Mapped[list[Goal]] = relationship(order_by="Goal.position")

    @hybrid_property
    def is_active(self) -> bool:
        """The version in effect: what reviews, review reminders and figures read. A
        client has at most one (activating or reviewing supersedes the one before)."""
        return self.status == PlanStatus.ACTIVE

    @is_active.inplace.expression
    @classmethod
    def _is_active_sql(cls) -> ColumnElement[bool]:
        return cls.status == PlanStatus.ACTIVE


class Goal(Base):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date)
    routine: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=GoalStatus.NOT_STARTED)


class Review(Base):
    __tablename__ = "reviews"
    # The digest counts each worker's reviews by day.
    __table_args__ = (Index("ix_reviews_reviewer_created", "reviewer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]
    summary: Mapped[str | None] = mapped_column(Text)
    next_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))


class ReviewItem(Base):
    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id"))
    status: Mapped[str] = mapped_column(String(16))
    effectiveness: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)


class Resource(Base):
    """A community resource, agency, benefit program or support group."""

    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(50), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)
    hours: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    is_benefit_program: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_status_follow_up", "status", "follow_up_on"),
        # The digest counts each worker's referrals by day.
        Index("ix_referrals_worker_created", "worker_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ReferralStatus.SENT)
    created_at: Mapped[datetime]
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    responded_at: Mapped[datetime | None]
    decline_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    application_date: Mapped[date | None] = mapped_column(Date)


# The machinery's tables share this metadata: whoever has the models has the whole schema
# (Alembic's comparison, create_all in tests). Imported last: they build on Base above.
from storage import attachment_contents as _attachment_contents  # noqa: E402, F401
from storage import machinery as _machinery  # noqa: E402, F401
from storage import supervision_tables as _supervision  # noqa: E402, F401
