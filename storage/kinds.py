"""The values the record's enumerated columns hold (storage/models.py).

They are plain strings (or small integers) checked against these enums, so adding a value
never needs a database-specific enum migration.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Role(StrEnum):
    WORKER = "worker"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Program(StrEnum):
    ELDERLY = "elderly"
    RECOVERY = "recovery"
    CHRONIC = "chronic"
    HOSPICE = "hospice"
    DISABILITY = "disability"
    OTHER = "other"


class ClientStatus(StrEnum):
    INTAKE = "intake"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    DISCHARGED = "discharged"


class RiskLevel(IntEnum):
    """clients.risk_level: none, or high (a ⚠ Risk on a note sets it; lowering it takes a
    note). Room is left between them for a level the organisation may want later."""

    NONE = 0
    HIGH = 2


class InteractionType(StrEnum):
    HOME_VISIT = "home_visit"
    OFFICE = "office"
    PHONE = "phone"
    VIDEO = "video"
    COLLATERAL = "collateral"
    SUPERVISION = "supervision"
    OTHER = "other"
    # A one-liner that named no kind: asked after the save, never guessed (it does not
    # count as seeing the client until the worker says what it was).
    NOT_GIVEN = "not_given"


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    # A visit logged on its own and taken back with ↩ Undo: the row stays for the audit
    # trail; no agenda, history, count or last contact sees it.
    WITHDRAWN = "withdrawn"


class EvvStatus(StrEnum):
    """A checked-in visit's verification (appointments.evv_status; None before a check-in):
    domain/rules/evv.py decides it."""

    VERIFIED = "verified"
    UNVERIFIED = "unverified"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DISCONTINUED = "discontinued"


class ReferralStatus(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class ApprovalKind(StrEnum):
    """What a worker's action waiting for a supervisor's approval is (a team's setting
    says which need one: `Team.approve_plans`, `Team.approve_discharges`)."""

    PLAN_ACTIVATION = "plan_activation"
    DISCHARGE = "discharge"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
