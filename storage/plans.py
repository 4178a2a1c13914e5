"""Treatment and recovery plans (the goals a note can touch)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Goal, GoalStatus, Plan, PlanStatus


async def active_goals(session: AsyncSession, client_id: int) -> list[Goal]:
    """Open goals of the client's active plan, in plan order."""
    statement = (
        select(Goal)
        .join(Plan, Plan.id == Goal.plan_id)
        .where(
            Plan.client_id == client_id,
            Plan.status == PlanStatus.ACTIVE,
            Goal.status.in_([GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS]),
        )
        .order_by(Goal.position, Goal.id)
    )
    return list((await session.execute(statement)).scalars())
