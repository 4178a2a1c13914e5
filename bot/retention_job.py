"""The daily retention run in the process that sends reminders (`caseline run` with its
scheduler, or `caseline scheduler`): `caseline retention run` without a shell, when
CASELINE_RETENTION has an anonymise-after rule. It also runs a few minutes after each
start, so a process restarted more often than daily still runs it; a second run the same
day finds nothing left to do."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import JobQueue

from domain.usecases.retention import run_retention
from domain.work import Work

log = logging.getLogger("caseline.retention")
DAILY = timedelta(days=1)
FIRST = timedelta(minutes=5)
JOB_NAME = "retention"


def configured(work: Work) -> bool:
    return any(rule.anonymise is not None for rule in work.settings.retention)


async def run_once(work: Work) -> int:
    """One run; how many clients it anonymised (their codes are logged, never names)."""
    done = await run_retention(work, dry_run=False, via="scheduler")
    for item in done.clients:
        log.info("anonymised %s (%s): %d rows", item.code, item.rule, item.erased.total)
    return len(done.clients)


def add_retention_job(job_queue: JobQueue[Any], work: Work) -> None:
    """Register the daily run when retention is configured; nothing otherwise."""
    if not configured(work):
        return

    async def job(_context: object) -> None:
        await run_once(work)

    job_queue.run_repeating(job, interval=DAILY, first=FIRST, name=JOB_NAME)
