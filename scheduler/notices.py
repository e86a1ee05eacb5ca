"""Notices with "I have read it" (敦促家长送子女入学通知, 放假前的安全教育, 家长会通知).

Every 15 minutes: the guardians who have not tapped "I have read it" a set time after a
notice was sent (NOTICES__REMIND_AFTER_HOURS, default 24) are reminded, once per notice.
Idempotent (the notice is claimed by one UPDATE, each reminder has its own dedup key), so
it also runs at start-up; reminders falling in quiet hours wait in the outbox for morning.
"""

from __future__ import annotations

from datetime import timedelta

from scheduler import JobContext, scheduled
from services.announcements import remind_unread


@scheduled("notice-reminders", "cron", minute="*/15")
async def notice_reminders(ctx: JobContext) -> int:
    after = timedelta(hours=ctx.settings.notices.remind_after_hours)
    async with ctx.session_pool() as session:
        count = await remind_unread(session, ctx.clock, ctx.translator, after)
        await session.commit()
    return count
