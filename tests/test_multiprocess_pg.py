"""Several processes on one PostgreSQL database (issue #7), at the level of the queries:
each test opens several connections (what several processes would have) and races them.

- outbox claims (`FOR UPDATE SKIP LOCKED`): many claimers at once, every row claimed once;
- job leases: many holders at once, exactly one gets the lease;
- dedup keys: the same reminders queued from several connections at once exist once;
- taking back a dead sender's claims never takes a live sender's own.

Skipped unless JIAXIAO_TEST_POSTGRES_URL is set; uses the database `jiaxiao_t_multi`.
The end-to-end version with real processes is tests/e2e/test_two_processes.py.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_session_pool
from db.migrate import upgrade
from db.models import OutboxMessage, OutboxStatus
from db.models.outbox import JobLease
from scheduler.lease import acquire_lease
from services.clock import FakeClock
from services.outbox import OutgoingMessage, QuietHours, claim_due, enqueue, requeue_claims
from tests.e2e.two_processes import scratch_database

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio(loop_scope="module")]

PG = os.environ.get("JIAXIAO_TEST_POSTGRES_URL")
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
NO_QUIET = QuietHours(time(0, 0), time(0, 0), "Asia/Shanghai")
WORKERS = 6


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def engine() -> AsyncIterator[AsyncEngine]:
    if not PG:
        pytest.skip("JIAXIAO_TEST_POSTGRES_URL not set")
    async with scratch_database(PG, "jiaxiao_t_multi") as url:
        await asyncio.to_thread(upgrade, url)
        engine = create_engine(url, pool_size=WORKERS + 2)
        yield engine
        await engine.dispose()


@pytest_asyncio.fixture(loop_scope="module")
async def pool(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    pool = create_session_pool(engine)
    yield pool
    async with pool() as session:
        await session.execute(delete(OutboxMessage))
        await session.execute(delete(JobLease))
        await session.commit()


def reminders(n: int, prefix: str = "r") -> list[OutgoingMessage]:
    return [
        OutgoingMessage(dedup_key=f"{prefix}:{i}", chat_id=900_000 + i, text=f"提醒 {i}", kind="t")
        for i in range(n)
    ]


async def test_concurrent_claimers_never_share_a_row(pool: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock(NOW)
    async with pool() as session:
        await enqueue(session, clock, reminders(600))
        await session.commit()
    claimed: Counter[int] = Counter()
    by_worker: Counter[str] = Counter()

    async def worker(name: str) -> None:
        while True:
            async with pool() as session:
                batch = await claim_due(session, clock, worker_id=name, limit=15, quiet=NO_QUIET)
                # Hold the row locks a moment, as the sender does between claim and commit,
                # so the other claimers really meet locked rows.
                await asyncio.sleep(0.005)
                await session.commit()
            if not batch:
                return
            claimed.update(m.id for m in batch)
            by_worker[name] += len(batch)

    await asyncio.gather(*(worker(f"w{i}") for i in range(WORKERS)))

    assert len(claimed) == 600 and max(claimed.values()) == 1
    assert len(by_worker) > 1, f"one worker took everything: {by_worker}"
    async with pool() as session:
        rows = (await session.execute(select(OutboxMessage.status, OutboxMessage.claimed_by))).all()
    assert all(status == OutboxStatus.SENDING for status, _ in rows)
    assert Counter(holder for _, holder in rows) == by_worker


async def test_one_holder_gets_a_job_lease(pool: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock(NOW)

    async def take(holder: str) -> bool:
        async with pool() as session:
            mine = await acquire_lease(session, clock, "digest", holder, timedelta(minutes=10))
            await session.commit()
            return mine

    first = await asyncio.gather(*(take(f"p{i}") for i in range(WORKERS)))
    assert sum(first) == 1
    # Within the lease nobody else gets it; after it, exactly one again.
    assert sum(await asyncio.gather(*(take(f"q{i}") for i in range(WORKERS)))) == 0
    clock.advance(timedelta(minutes=11))
    assert sum(await asyncio.gather(*(take(f"q{i}") for i in range(WORKERS)))) == 1


async def test_the_same_reminders_queued_at_once_exist_once(
    pool: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(NOW)

    async def queue() -> int:
        async with pool() as session:
            new = await enqueue(session, clock, reminders(300, "same"))
            await asyncio.sleep(0.01)  # both transactions open at once
            await session.commit()
            return new

    news = await asyncio.gather(*(queue() for _ in range(WORKERS)))
    async with pool() as session:
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert rows == 300 and sum(news) == 300


async def test_taking_back_stale_claims_spares_the_live_senders_own(
    pool: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(NOW)
    async with pool() as session:
        await enqueue(session, clock, reminders(20))
        await session.commit()
    for name in ("dead", "alive"):
        async with pool() as session:
            await claim_due(session, clock, worker_id=name, limit=10, quiet=NO_QUIET)
            await session.commit()
    clock.advance(timedelta(minutes=11))
    async with pool() as session:
        taken = await requeue_claims(session, clock, timedelta(minutes=10), keep_worker="alive")
        await session.commit()
        left = Counter(
            (await session.scalars(
                select(OutboxMessage.claimed_by).where(OutboxMessage.status == OutboxStatus.SENDING)
            )).all()
        )
    assert taken == 10 and left == {"alive": 10}
