"""Bulk exports alert the admins (issue 23): one person taking more case files out in one
of the organisation's days than CASELINE_BULK_EXPORT_LIMIT is worth a look.

`watch_exports` runs inside each export's own use case, in its transaction, after the
export's audit event is written (domain/usecases/exports.py, subject_access.py): the
exports counted are the allowed `client.export` and `client.subject_access` events of that
actor that day — a worker's 📤 Export, or the operator's `caseline export` and
`caseline subject-access` (no actor: "the shell" counts as one person). Past the limit,
every active admin but the exporter gets one outbox row (bot/reminders/alerts.py words
it), keyed by day, exporter and admin, so each is alerted once per person per day however
many exports follow; the first alert is itself an audit event ("export.bulk"). The alert
names the exporter and the count, never a client.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain.rules.routine import ReminderKind
from domain.work import Work
from storage import audit, outbox, risks
from storage.localtime import day_end, day_start

EXPORT = "client.export"
SUBJECT_ACCESS = "client.subject_access"
EXPORT_ACTIONS = (EXPORT, SUBJECT_ACCESS)
BULK_EXPORT = ReminderKind.BULK_EXPORT
ALERTED = "export.bulk"


async def watch_exports(
    session: AsyncSession, work: Work, *, actor_id: int | None, now: datetime
) -> None:
    """Alert the admins once today if this actor's exports today passed the limit."""
    zone = ZoneInfo(work.settings.timezone)
    today = now.astimezone(zone).date()
    count = await audit.count_allowed(
        session,
        EXPORT_ACTIONS,
        actor_id=actor_id,
        since=day_start(today, zone),
        until=day_end(today, zone),
    )
    limit = work.settings.bulk_export_limit
    if count <= limit:
        return
    alerted = []
    for admin in await risks.active_admins(session):
        if admin.id == actor_id:
            continue
        added = await outbox.enqueue(
            session,
            key=f"{BULK_EXPORT}:{today.isoformat()}:{actor_id or 'cli'}:{admin.id}",
            kind=BULK_EXPORT,
            worker_id=admin.id,
            due_at=now,
            now=now,
            subject_type="worker" if actor_id else None,
            subject_id=actor_id,
            payload={"exporter_id": actor_id, "count": count, "limit": limit},
        )
        if added:
            alerted.append(admin.id)
    if alerted:
        await audit.record(
            session,
            ALERTED,
            now=now,
            subject_type="worker" if actor_id else None,
            subject_id=actor_id,
            detail={"count": count, "limit": limit, "to": alerted, "day": today.isoformat()},
        )
