"""Periodic tidying that keeps tables from growing without bound."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.context import CaselineContext
from storage import appointments, updates

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours; twice that is safe to forget.
KEEP_UPDATE_IDS = timedelta(hours=48)
EVERY = timedelta(hours=6)


async def prune_update_ids(context: CaselineContext) -> None:
    services = context.services
    async with services.db.session() as session:
        removed = await updates.forget_before(session, services.clock.now() - KEEP_UPDATE_IDS)
    log.info("forgot %d processed update ids", removed)


async def extend_series(context: CaselineContext) -> None:
    """Keep a year of occurrences ahead for repeating appointments."""
    services = context.services
    async with services.db.session() as session:
        added = await appointments.extend_series(session, services.clock.now())
    log.info("added %d occurrences to repeating appointments", added)
