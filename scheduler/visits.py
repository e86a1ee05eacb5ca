"""家访 and 帮扶 jobs: follow-up reminders to the teacher on the day they chose, and the
weekly word to admins while some left-behind student has no mentor. Both are safe to run
again (dedup keys per visit, and per school, ISO week and admin), so they also run at
start-up to catch up on what fell due while the bot was down."""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.mentoring import remind_coverage
from services.visits import send_follow_up_reminders


# Morning, with the working day (quiet hours end at 07:00).
@scheduled("visit-follow-ups", "cron", hour=7, minute=45)
async def follow_ups(ctx: JobContext) -> int:
    async with ctx.session_pool() as session:
        queued = await send_follow_up_reminders(session, ctx.clock, ctx.translator)
        await session.commit()
    return queued


# Monday morning; the dedup key makes it once per ISO week even if it runs again.
@scheduled("mentor-coverage", "cron", day_of_week="mon", hour=8, minute=15)
async def mentor_coverage(ctx: JobContext) -> int:
    async with ctx.session_pool() as session:
        queued = await remind_coverage(session, ctx.clock, ctx.translator)
        await session.commit()
    return queued
