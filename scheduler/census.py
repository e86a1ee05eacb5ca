"""调查摸底: the start-of-term census. One job every 15 minutes does whatever is due as of
the clock (services/census.py): the head teachers' message on the term's first day, the
reminder, the admins' change report. Dedup keys make re-runs and the start-up catch-up
harmless."""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.census import CensusRules, run_due


@scheduled("census-term", "cron", minute="*/15")
async def census_term(ctx: JobContext) -> int:
    rules = CensusRules.from_settings(ctx.settings)
    async with ctx.session_pool() as session:
        count = await run_due(session, ctx.clock, ctx.translator, rules)
        await session.commit()
    return count
