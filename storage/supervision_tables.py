"""The tables of the supervisor's side, beside the case record of storage/models.py:
requests waiting for approval, comments and co-signs on notes, and the weekly snapshots
the trends are drawn from.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from storage.kinds import ApprovalStatus
from storage.models import Base

# A supervisor co-signs a note once: the partial unique index's predicate, as a literal.
COSIGN_ONLY = "cosign"


class NoteComment(Base):
    """A supervisor's (or admin's) comment on a note, or their co-sign (`cosign`: they
    reviewed the note and co-sign it; `text` is then empty). Kept beside the note, never
    changing it; a comment is never edited. One co-sign per note and person."""

    __tablename__ = "note_comments"
    __table_args__ = (
        Index(
            "uq_note_comments_cosign",
            "note_id",
            "author_id",
            unique=True,
            sqlite_where=sql_text(COSIGN_ONLY),
            postgresql_where=sql_text(COSIGN_ONLY),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text, default="")
    cosign: Mapped[bool] = mapped_column(Boolean, default=False)


# The one pending request per client and kind. Inserting against it names the predicate
# as this literal: PostgreSQL cannot match the partial index to a bound parameter.
PENDING_ONLY = "status = 'pending'"


class Approval(Base):
    """A worker's plan activation or discharge waiting for a supervisor's decision (a
    team's setting), and what became of it: approved (the action applied, as of then),
    returned with a comment, or withdrawn by the worker. At most one request per client
    and kind is pending (the partial unique index). `team_id` is the requester's team when
    asked: whose supervisors decide. A discharge keeps its reason (code and words); a plan
    activation the plan's id."""

    __tablename__ = "approvals"
    __table_args__ = (
        Index(
            "uq_approvals_pending",
            "client_id",
            "kind",
            unique=True,
            sqlite_where=sql_text(PENDING_ONLY),
            postgresql_where=sql_text(PENDING_ONLY),
        ),
        Index("ix_approvals_status_team", "status", "team_id"),
        Index("ix_approvals_client", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    reason_code: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    requested_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=ApprovalStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)


class TrendSnapshot(Base):
    """One worker's figures for one week (Monday to Sunday in the organisation's zone),
    written by the reminder tick once the week is over (domain/usecases/trends.py): what
    cannot be counted again later, since statuses, frequencies and review dates change —
    open clients, those seen within their contact frequency and plan reviews overdue, as
    at the week's end — with the week's visits completed and notes written. `team_id` is
    the worker's team then. One row per worker and week."""

    __tablename__ = "trend_snapshots"
    __table_args__ = (
        UniqueConstraint("worker_id", "week_start"),
        Index("ix_trend_snapshots_week_team", "week_start", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    week_start: Mapped[date] = mapped_column(Date)
    clients: Mapped[int] = mapped_column(Integer, default=0)
    seen_within_frequency: Mapped[int] = mapped_column(Integer, default=0)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[int] = mapped_column(Integer, default=0)
    reviews_overdue: Mapped[int] = mapped_column(Integer, default=0)
    taken_at: Mapped[datetime]
