"""Housekeeping of the update journal (bot/journal.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

from db.repositories import updates as updates_repo
from scheduler import JobContext, scheduled

log = logging.getLogger(__name__)


@scheduled("update-journal-prune", "cron", hour=3, minute=40)
async def prune_update_journal(ctx: JobContext) -> int:
    """Forgets handled updates older than UPDATES_KEEP_DAYS (Telegram re-delivers an
    update for at most a day). Unhandled ones are kept for the next start-up's replay."""
    keep = timedelta(days=ctx.settings.updates_keep_days)
    async with ctx.session_pool() as session:
        count = await updates_repo.prune(session, ctx.clock.now() - keep)
        await session.commit()
    if count:
        log.info("forgot %d handled updates older than %d days", count, keep.days)
    return count
