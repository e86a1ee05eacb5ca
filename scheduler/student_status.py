"""学籍: every Monday morning, school admins are reminded of the transfers whose file has
not come yet (档案资料待转), until each is marked received. The dedup key is per school,
admin and ISO week, so running it again (or at start-up) sends nothing twice."""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.student_status import remind_pending_files


@scheduled("status-pending-files", "cron", day_of_week="mon", hour=8, minute=30)
async def pending_files(ctx: JobContext) -> int:
    async with ctx.session_pool() as session:
        queued = await remind_pending_files(session, ctx.clock, ctx.translator)
        await session.commit()
    return queued
