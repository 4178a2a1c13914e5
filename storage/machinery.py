"""The tables of Caseline's own machinery, beside the case record of storage/models.py:
the inbox of updates, the drafts that became records, the messages the bot sent, the
persistence of python-telegram-bot, the outbox of reminders and the audit trail.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class OutboxMessage(Base):
    """A reminder to deliver exactly once; `key` = kind:subject:due makes it idempotent."""

    __tablename__ = "reminder_outbox"
    __table_args__ = (Index("ix_reminder_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]


class AuditEvent(Base):
    """Who did or saw what, when, on which record. Append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(50))
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The chain (storage/audit.py): the hash of the row before this one (by id) and this
    # row's own, sha256 over its fields and `prev_hash`; a changed or removed row breaks it.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


# The head is a single row: the trigger's SQL, the chain's lock and `walk` all find it
# by this id.
HEAD_ID = 1


class AuditChainHead(Base):
    """The audit chain's tail, one row (id HEAD_ID): the hash of the latest audit event and how
    many there are, moved by the trigger below. Every transaction that writes an audit
    event locks it (FOR UPDATE) first, so rows are chained one writer at a time
    (storage/audit_chain.py says why)."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_hash: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)


# The head follows the chain's last row inside the database: each audit event inserted
# moves it, so the row's own INSERT (storage/audit_chain.chain, which reads the head under
# its lock) is the chain's only statement. Created by migration 0022 and, for create_all
# schemas, below. SQLite drops a table's triggers when a migration rebuilds it
# (batch_alter_table): such a migration of audit_events must create these again.
HEAD_TRIGGER = "audit_chain_follows"
HEAD_TRIGGER_DDL: dict[str, list[str]] = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_chain_follow() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN UPDATE audit_chain_head SET last_hash = NEW.row_hash, rows = rows + 1 "
        f"WHERE id = {HEAD_ID}; RETURN NULL; END $$",
        f"CREATE TRIGGER {HEAD_TRIGGER} AFTER INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_chain_follow()",
    ],
    "sqlite": [
        f"CREATE TRIGGER {HEAD_TRIGGER} AFTER INSERT ON audit_events BEGIN "
        "UPDATE audit_chain_head SET last_hash = NEW.row_hash, rows = rows + 1 "
        f"WHERE id = {HEAD_ID}; END",
    ],
}
HEAD_TRIGGER_DROP: dict[str, list[str]] = {
    "postgresql": [
        f"DROP TRIGGER IF EXISTS {HEAD_TRIGGER} ON audit_events",
        "DROP FUNCTION IF EXISTS audit_chain_follow()",
    ],
    "sqlite": [f"DROP TRIGGER IF EXISTS {HEAD_TRIGGER}"],
}
for _dialect, _statements in HEAD_TRIGGER_DDL.items():
    for _statement in _statements:
        _trigger = DDL(_statement)  # type: ignore[no-untyped-call]
        event.listen(AuditEvent.__table__, "after_create", _trigger.execute_if(dialect=_dialect))


class InboxUpdate(Base):
    """Every update the bot fetched, stored before Telegram is told it arrived (the next
    getUpdates offset, the webhook's 200). `handled_at` is the gate's claim: set once, so a
    redelivered update changes nothing twice; rows not handled at a start are handled
    first. A handled row keeps only its id (the payload is dropped when it is claimed)."""

    __tablename__ = "inbox"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[dict[str, Any] | None] = mapped_column()
    received_at: Mapped[datetime] = mapped_column()
    handled_at: Mapped[datetime | None] = mapped_column(index=True)


class SavedDraft(Base):
    """Which record a dialog's draft became. A worker who presses Save again after a
    crash lost the bot's confirmation gets that record shown, not a second copy."""

    __tablename__ = "saved_drafts"
    __table_args__ = (UniqueConstraint("worker_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    token: Mapped[str] = mapped_column(String(32))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(index=True)


class BotMessage(Base):
    """A message the bot sent into a worker's chat, kept while Telegram still lets the bot
    delete it (48 hours), so switching a worker off can take client details off the phone."""

    __tablename__ = "bot_messages"
    __table_args__ = (Index("ix_bot_messages_chat_sent", "chat_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    sent_at: Mapped[datetime] = mapped_column(index=True)


class ConversationState(Base):
    """python-telegram-bot conversation state, written the moment it changes."""

    __tablename__ = "conversation_states"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime]


class PersistedData(Base):
    """user_data / chat_data / bot_data / callback_data of python-telegram-bot, as JSON."""

    __tablename__ = "persisted_data"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime]


class JobTick(Base):
    """When a repeating job last ran, one row per job: read by `caseline doctor` and by
    /healthz in any process, so a scheduler that stopped ticking is seen from outside it."""

    __tablename__ = "job_ticks"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer)
    # Which process ticked ("host:pid"), so two schedulers on one database can be told apart.
    ticked_by: Mapped[str] = mapped_column(String(120))
    # The exception's class name when the tick failed; never its message (it may quote data).
    error: Mapped[str | None] = mapped_column(String(120))
