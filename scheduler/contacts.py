"""The monthly contact with the away parents: guardians reminded from `contacts.reminder_day`
(default the 20th) at `contacts.reminder_time`; head teachers and mentors told who is
still unconfirmed on the month's last day at `contacts.month_end_time`.

The job runs every 15 minutes and decides from the clock whether the time has come, so a
run after downtime catches up (the month-end list of the month before, too, in the first
days of a month); dedup keys make double runs harmless.
"""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.contacts import queue_month_end_lists, queue_monthly_reminders


@scheduled("contacts-monthly", "cron", minute="*/15")
async def monthly_contacts(ctx: JobContext) -> int:
    settings = ctx.settings.contacts
    async with ctx.session_pool() as session:
        count = await queue_monthly_reminders(
            session, ctx.clock, ctx.translator, settings.reminder_day, settings.reminder_time,
            settings.month_end_time,
        )
        count += await queue_month_end_lists(session, ctx.clock, ctx.translator, settings.month_end_time)
        await session.commit()
    return count
