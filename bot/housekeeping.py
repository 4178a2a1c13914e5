"""Periodic tidying that keeps tables from growing without bound."""

from __future__ import annotations

import logging
from datetime import timedelta

from domain.rules.joining import JOIN_WINDOW
from storage import (
    appointments,
    attachment_contents,
    bot_messages,
    join_attempts,
    saved_drafts,
    updates,
)
from ui.context import CaselineContext

log = logging.getLogger(__name__)

# Telegram keeps an unconfirmed update for 24 hours; twice that is safe to forget.
KEEP_UPDATE_IDS = timedelta(hours=48)
# A kept draft is offered back for days; its saved record is remembered for longer.
KEEP_SAVED_DRAFTS = timedelta(days=30)
EVERY = timedelta(hours=6)


async def prune_update_ids(context: CaselineContext) -> None:
    services = context.services
    async with services.db.session() as session:
        now = services.clock.now()
        removed = await updates.forget_before(session, now - KEEP_UPDATE_IDS)
        drafts = await saved_drafts.forget_before(session, now - KEEP_SAVED_DRAFTS)
        # Telegram no longer lets the bot delete these, so a wipe has no use for them.
        sent = await bot_messages.forget_before(session, now - bot_messages.DELETABLE_FOR)
        # A window of failed invite codes is over after an hour: nothing more to count.
        joins = await join_attempts.forget_before(session, now - JOIN_WINDOW)
        # Files of drafts never saved: their draft is no longer offered back.
        files = await attachment_contents.forget_unsaved_before(
            session, now - attachment_contents.KEEP_UNSAVED
        )
    log.info(
        "forgot %d processed update ids, %d saved drafts, %d sent message ids, "
        "%d join attempt counts and %d files of unsaved notes",
        removed,
        drafts,
        sent,
        joins,
        files,
    )


async def extend_series(context: CaselineContext) -> None:
    """Keep a year of occurrences ahead for repeating appointments."""
    services = context.services
    async with services.db.session() as session:
        added = await appointments.extend_series(session, services.clock.now())
    log.info("added %d occurrences to repeating appointments", added)
