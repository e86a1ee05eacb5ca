"""The holiday check-in (不定期向监护人了解): one job every 5 minutes tells head teachers
which children need a call (alone, injured, "please call me") and reminds, once per
check-in, the guardians who have not finished. Idempotent (once-only timestamps claimed
by an UPDATE, outbox dedup keys), so it also runs at start-up to catch up."""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.checkins import run_due


@scheduled("checkins-due", "cron", minute="*/5")
async def checkins_due(ctx: JobContext) -> int:
    async with ctx.session_pool() as session:
        count = await run_due(session, ctx.clock, ctx.translator)
        await session.commit()
    return count
