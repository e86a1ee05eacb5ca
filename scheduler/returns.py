"""Weekend and holiday returns (节假日、周末 … 监护人应向学校报告).

One job every 5 minutes does whatever is due as of the clock: start the round of a
release whose time has come (asking each guardian "has <child> arrived home?"), the "not
yet" re-asks (never in quiet hours), the head teacher's list at the deadline, the "set
off back to school" question the day before school, and closing the loop from the first
school day's attendance. All of it is idempotent (services/returns.py), so it also runs
at start-up to catch up after downtime without sending anything twice.

A daily job asks school admins to enter the public holidays of a year the
chinese-calendar package does not know yet (services/holidays.py).
"""

from __future__ import annotations

from scheduler import JobContext, scheduled
from services.holidays import check_missing_years
from services.returns import ReturnRules, run_all


@scheduled("returns-rounds", "cron", minute="*/5")
async def returns_rounds(ctx: JobContext) -> int:
    rules = ReturnRules.from_settings(ctx.settings)
    async with ctx.session_pool() as session:
        count = await run_all(session, ctx.clock, ctx.translator, rules)
        await session.commit()
    return count


@scheduled("holidays-missing-years", "cron", hour=9, minute=15)
async def holidays_missing_years(ctx: JobContext) -> int:
    async with ctx.session_pool() as session:
        count = await check_missing_years(session, ctx.clock, ctx.translator)
        await session.commit()
    return count
