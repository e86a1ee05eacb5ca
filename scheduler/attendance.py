"""Missing attendance sheets: the head teacher is reminded once it is
`attendance.first_reminder` at the school (default 09:00), each school admin gets one
list of the classes still missing at `attendance.admin_reminder` (default 10:00).

The job runs every 5 minutes and decides from the clock whether the time has come, so a
run after downtime catches up, and the dedup keys make double runs harmless. Only on
school days (services.calendar), and not after `attendance.reminders_until` (default 17:00).
"""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.attendance import queue_missing_sheet_reminders


@scheduled("attendance-missing-sheets", "cron", minute="*/5")
async def remind_missing_sheets(ctx: JobContext) -> int:
    settings = ctx.settings.attendance
    async with ctx.session_pool() as session:
        count = await queue_missing_sheet_reminders(
            session, ctx.clock, ctx.translator, settings.first_reminder, settings.admin_reminder,
            until=settings.reminders_until,
        )
        await session.commit()
    return count
