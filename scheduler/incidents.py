"""安全应急预案: every minute, the incidents' escalation steps that fell due — the head
teacher asked to phone when the guardian has not acknowledged, the school admins warned
ahead of a deadline, a deadline that passed recorded as missed. Each step is claimed on the
incident row and every message has a dedup key, so a run twice (or in two processes, or
late after an outage) sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

from scheduler import JobContext, scheduled
from services.incidents import run_due


# A short lease: should this process die, another takes over within two minutes, not ten.
@scheduled("incident-deadlines", "interval", minutes=1, lease=timedelta(minutes=2))
async def incident_deadlines(ctx: JobContext) -> int:
    async with ctx.session_pool() as session:
        steps = await run_due(session, ctx.clock, ctx.translator, ctx.settings.incidents)
        await session.commit()
    return steps
