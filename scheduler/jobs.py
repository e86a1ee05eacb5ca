"""The outbox's own housekeeping jobs."""

from __future__ import annotations

import logging
from datetime import timedelta

from scheduler import JobContext, scheduled
from services.outbox import requeue_claims

log = logging.getLogger(__name__)

# Far longer than a claim can legitimately last: a batch is about a second of sending, a
# Telegram request times out within a minute, and a 429 pause hands unsent claims back.
# The default of OUTBOX__CLAIM_LEASE; the job uses the setting.
STALE_CLAIM = timedelta(minutes=10)


@scheduled("outbox-requeue-stale-claims", "interval", minutes=2)
async def requeue_stale_claims(ctx: JobContext) -> int:
    """Rows claimed by a sender that died (another process, on PostgreSQL) go back to
    pending once the claim is older than STALE_CLAIM, so a live sender delivers them."""
    async with ctx.session_pool() as session:
        lease = timedelta(seconds=ctx.settings.outbox.claim_lease)
        count = await requeue_claims(session, ctx.clock, lease)
        await session.commit()
    if count:
        log.warning("requeued %d outbox rows from a sender that stopped answering", count)
    return count
