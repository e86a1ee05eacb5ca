"""The no-answer escalation: a guardian asked why their child is not at school who has not
answered within `attendance.no_answer_minutes` raises the "a child may be missing" alert.

Notices exist only on school days, so the job needs no calendar of its own; it looks only
at today's notices (an outage must not alert about yesterday's children).
"""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.absence import escalate_unanswered


@scheduled("absence-no-answer", "cron", minute="*/5")
async def escalate_no_answer(ctx: JobContext) -> int:
    async with ctx.session_pool() as session:
        count = await escalate_unanswered(
            session, ctx.clock, ctx.translator, ctx.settings.attendance.no_answer_minutes
        )
        await session.commit()
    return count
