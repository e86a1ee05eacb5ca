"""控辍保学 jobs: open cases for students who keep missing school, and remind the head
teacher and admins of cases stuck in one stage. Both are safe to run again (a partial
unique index allows one open case per student; reminders have dedup keys), so they also
run once at start-up to catch up on what fell due while the bot was down."""

from __future__ import annotations

import logging

from scheduler import JobContext, scheduled
from services.dropout import open_due_cases, remind_overdue

log = logging.getLogger(__name__)


# After school, when the day's sheets are in.
@scheduled("dropout-open-cases", "cron", hour=18, minute=0)
async def open_cases(ctx: JobContext) -> int:
    settings = ctx.settings.attendance
    async with ctx.session_pool() as session:
        report = await open_due_cases(
            session, ctx.clock, ctx.translator,
            consecutive=settings.consecutive_absences, ratio=settings.term_absence_ratio,
        )
        await session.commit()
    if report.opened:
        log.info("dropout cases opened: %s", report.by_trigger)
    return report.opened


# In the morning, so the reminder arrives with the working day (quiet hours hold the rest).
@scheduled("dropout-overdue-reminders", "cron", hour=8, minute=30)
async def overdue_reminders(ctx: JobContext) -> int:
    async with ctx.session_pool() as session:
        queued = await remind_overdue(
            session, ctx.clock, ctx.translator, overdue_days=ctx.settings.attendance.stage_overdue_days
        )
        await session.commit()
    return queued
