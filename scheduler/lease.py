"""Job leases: with several processes, a scheduled job runs in one of them.

A lease is one row per job name. Taking it is a single UPDATE that succeeds only when the
lease has expired or is already ours, so two processes can never both hold it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.outbox import JobLease
from services.clock import Clock
from services.outbox import insert_ignoring_duplicates

_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


async def acquire_lease(
    session: AsyncSession, clock: Clock, name: str, holder: str, ttl: timedelta
) -> bool:
    """Take or renew the lease on `name` until now + ttl. Does not commit."""
    now = clock.now()
    await insert_ignoring_duplicates(
        session, JobLease.__table__, [{"name": name, "holder": "", "expires_at": _LONG_AGO}]  # type: ignore[arg-type]
    )
    result = await session.execute(
        update(JobLease)
        .where(JobLease.name == name, or_(JobLease.expires_at < now, JobLease.holder == holder))
        .values(holder=holder, expires_at=now + ttl)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_leases(session: AsyncSession, holder: str) -> int:
    """A clean shutdown hands its leases back so a restart can run its catch-up at once."""
    result = await session.execute(
        update(JobLease).where(JobLease.holder == holder).values(expires_at=_LONG_AGO)
    )
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
