"""The weekly digest: runs every 15 minutes and decides from the clock (per school
timezone) whether it is the digest day and time; dedup keys per person and ISO week make
re-runs and the start-up catch-up harmless."""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.digest import queue_weekly_digest


@scheduled("weekly-digest", "cron", minute="*/15")
async def weekly_digest(ctx: JobContext) -> int:
    settings = ctx.settings
    async with ctx.session_pool() as session:
        count = await queue_weekly_digest(
            session, ctx.clock, ctx.translator, weekday=settings.digest.weekday, at=settings.digest.time,
            required_contacts=settings.contacts.teacher_contacts_per_term,
            overdue_days=settings.attendance.stage_overdue_days,
        )
        await session.commit()
    return count
