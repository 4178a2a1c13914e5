"""Rows behind python-telegram-bot's persistence: conversation states and JSON data.

Kept free of Telegram types: keys arrive as strings and states as JSON-able values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.machinery import ConversationState, PersistedData
from storage.upsert import upsert


async def load_conversations(session: AsyncSession, name: str) -> dict[str, Any]:
    statement = select(ConversationState.key, ConversationState.state).where(
        ConversationState.name == name
    )
    return {key: state["state"] for key, state in (await session.execute(statement)).all()}


async def save_conversation(
    session: AsyncSession, name: str, key: str, state: Any, now: datetime
) -> None:
    if state is None:
        await session.execute(
            delete(ConversationState).where(
                ConversationState.name == name, ConversationState.key == key
            )
        )
        return
    await upsert(
        session,
        ConversationState,
        {"name": name, "key": key, "state": {"state": state}, "updated_at": now},
        ["name", "key"],
    )


async def load_data(session: AsyncSession, scope: str) -> dict[str, dict[str, Any]]:
    statement = select(PersistedData.key, PersistedData.data).where(PersistedData.scope == scope)
    return {key: data for key, data in (await session.execute(statement)).all()}


async def save_data(
    session: AsyncSession, scope: str, key: str, data: dict[str, Any], now: datetime
) -> None:
    await upsert(
        session,
        PersistedData,
        {"scope": scope, "key": key, "data": data, "updated_at": now},
        ["scope", "key"],
    )


async def drop_data(session: AsyncSession, scope: str, key: str) -> None:
    await session.execute(
        delete(PersistedData).where(PersistedData.scope == scope, PersistedData.key == key)
    )
