"""The scheduler: job leases between processes, the start-up catch-up, idempotent jobs,
APScheduler's misfire settings and the outbox's stale-claim job. Two `Scheduler`
objects with different holders on one database stand in for two processes."""

from __future__ import annotations

import asyncio
import logging
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.models import OutboxMessage, OutboxStatus
from db.models.outbox import JobLease
from locales import Translator
from scheduler import (
    DEFAULT_LEASE,
    MISFIRE_GRACE,
    JobContext,
    ScheduledJob,
    Scheduler,
    create_scheduler,
    default_jobs,
)
from scheduler.jobs import STALE_CLAIM
from services.clock import FakeClock, local_today
from services.outbox import OutgoingMessage, QuietHours, claim_due, enqueue


class Counter:
    def __init__(self) -> None:
        self.runs: list[str] = []

    async def __call__(self, ctx: JobContext) -> int:
        self.runs.append(ctx.clock.now().isoformat())
        return len(self.runs)


async def remind_guardian(ctx: JobContext) -> int:
    """Like a real reminder job: what is due today, with a key naming kind, day and person."""
    today = local_today(ctx.clock, ctx.settings.tz)
    async with ctx.session_pool() as session:
        new = await enqueue(session, ctx.clock, [
            OutgoingMessage(
                dedup_key=f"test-reminder:{today.isoformat()}:person:1", chat_id=1001,
                text="reminder", kind="test-reminder",
            )
        ])
        await session.commit()
    return new


async def broken(ctx: JobContext) -> int:
    raise RuntimeError("a bug in a job")


def make(
    session_pool: async_sessionmaker[AsyncSession], clock: FakeClock, settings: Settings,
    translator: Translator, holder: str, jobs: dict[str, ScheduledJob],
) -> Scheduler:
    return Scheduler(session_pool, clock, settings, translator, jobs, holder)


async def outbox_count(session_pool: async_sessionmaker[AsyncSession]) -> int:
    async with session_pool() as s:
        return await s.scalar(select(func.count()).select_from(OutboxMessage)) or 0


async def lease(session_pool: async_sessionmaker[AsyncSession], name: str) -> JobLease:
    async with session_pool() as s:
        row = await s.get(JobLease, name)
        assert row is not None
        return row


# ----------------------------------------------------------------------------- leases


async def test_only_the_lease_holder_runs_a_job_until_it_expires_or_is_released(
    session_pool, clock: FakeClock, settings: Settings, translator: Translator,
):
    count = Counter()
    jobs = {"count": ScheduledJob("count", count, "interval", {"minutes": 5})}
    a = make(session_pool, clock, settings, translator, "host-a:1", jobs)
    b = make(session_pool, clock, settings, translator, "host-b:2", jobs)

    assert await a.run_job("count") == 1
    assert await a.run_job("count") == 2  # the holder renews its own lease
    assert await b.run_job("count") is None
    assert len(count.runs) == 2
    held = await lease(session_pool, "count")
    assert held.holder == "host-a:1" and held.expires_at == clock.now() + DEFAULT_LEASE

    # Process A stops answering: its lease runs out, then B takes the job.
    clock.advance(DEFAULT_LEASE - timedelta(seconds=1))
    assert await b.run_job("count") is None
    clock.advance(seconds=2)
    assert await b.run_job("count") == 3
    assert await a.run_job("count") is None
    assert (await lease(session_pool, "count")).holder == "host-b:2"

    # A clean shutdown hands the lease back at once.
    await b.shutdown()
    assert await a.run_job("count") == 4
    assert len(count.runs) == 4


async def test_two_processes_at_the_same_moment_run_a_job_once(
    session_pool, clock: FakeClock, settings: Settings, translator: Translator,
):
    count = Counter()
    jobs = {"count": ScheduledJob("count", count, "interval", {"minutes": 5})}
    schedulers = [
        make(session_pool, clock, settings, translator, f"host-{i}", jobs) for i in range(4)
    ]
    results = await asyncio.gather(*(s.run_job("count") for s in schedulers))
    assert sorted(results, key=lambda r: r is None) == [1, None, None, None]
    assert len(count.runs) == 1


async def test_a_job_still_running_is_not_started_again_in_the_same_process(
    session_pool, clock: FakeClock, settings: Settings, translator: Translator,
):
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(ctx: JobContext) -> int:
        started.set()
        await release.wait()
        return 7

    s = make(session_pool, clock, settings, translator, "host-a", {
        "slow": ScheduledJob("slow", slow, "interval", {"minutes": 5})
    })
    first = asyncio.create_task(s.run_job("slow"))
    await started.wait()
    assert await s.run_job("slow") is None
    release.set()
    assert await first == 7


# ---------------------------------------------------------------- catch-up, idempotence


async def test_catch_up_runs_startup_jobs_once_and_jobs_are_idempotent(
    session_pool, clock: FakeClock, settings: Settings, translator: Translator,
    caplog: pytest.LogCaptureFixture,
):
    count, not_at_startup = Counter(), Counter()
    jobs = {
        "remind": ScheduledJob("remind", remind_guardian, "cron", {"hour": 18}),
        "broken": ScheduledJob("broken", broken, "cron", {"hour": 6}),
        "count": ScheduledJob("count", count, "interval", {"minutes": 5}),
        "weekly": ScheduledJob("weekly", not_at_startup, "cron", {"day_of_week": "fri"},
                               run_at_startup=False),
    }
    a = make(session_pool, clock, settings, translator, "host-a", jobs)

    with caplog.at_level(logging.ERROR, logger="scheduler"):
        done = await a.catch_up()
    # A failing job is logged and skipped; the others still run.
    assert done == {"remind": 1, "broken": None, "count": 1}
    assert "job broken failed" in caplog.text
    assert not_at_startup.runs == [] and len(count.runs) == 1
    assert await outbox_count(session_pool) == 1

    # The job again, late, in this process and (after a restart) in another one.
    assert await a.run_job("remind") == 0
    await a.shutdown()
    b = make(session_pool, clock, settings, translator, "host-b", jobs)
    assert (await b.catch_up())["remind"] == 0
    assert await outbox_count(session_pool) == 1
    async with session_pool() as s:
        row = await s.scalar(select(OutboxMessage))
        assert row is not None and row.dedup_key == "test-reminder:2026-11-23:person:1"

    # The next school day is a new reminder.
    clock.advance(days=1)
    assert await b.run_job("remind") == 1
    assert await outbox_count(session_pool) == 2


# ------------------------------------------------------------------------ APScheduler


async def test_apscheduler_jobs_coalesce_have_a_grace_time_and_one_instance(
    session_pool, clock: FakeClock, settings: Settings, translator: Translator,
):
    jobs = {
        **default_jobs(),
        "remind": ScheduledJob("remind", remind_guardian, "cron", {"hour": 18, "minute": 30}),
    }
    s = create_scheduler(session_pool, clock, settings, translator, jobs=jobs)
    assert len(s.holder) <= 64  # fits job_leases.holder
    s.start()
    try:
        scheduled = {job.id: job for job in s.aps.get_jobs()}
        assert set(scheduled) == set(jobs) and "outbox-requeue-stale-claims" in scheduled
        for job in scheduled.values():
            # A backlog of missed runs is one run; a run up to 6 h late still happens;
            # never two at once.
            assert job.coalesce is True
            assert job.misfire_grace_time == MISFIRE_GRACE.total_seconds() == 6 * 3600
            assert job.max_instances == 1
            assert job.args == (job.id,) and job.func == s.run_job
        remind = scheduled["remind"].trigger
        assert isinstance(remind, CronTrigger) and remind.timezone == ZoneInfo("Asia/Shanghai")
        stale = scheduled["outbox-requeue-stale-claims"].trigger
        assert isinstance(stale, IntervalTrigger) and stale.interval == timedelta(minutes=2)
    finally:
        await s.shutdown()
    await asyncio.sleep(0)  # APScheduler's shutdown runs on the loop
    assert not s.aps.running


# -------------------------------------------------------------- the outbox's own job


async def test_requeue_stale_claims_job_takes_back_only_old_claims(
    session: AsyncSession, session_pool, clock: FakeClock, settings: Settings,
    translator: Translator,
):
    await enqueue(session, clock, [
        OutgoingMessage(dedup_key=f"k{i}", chat_id=i, text="x", kind="test") for i in range(3)
    ])
    quiet = QuietHours(time(21), time(7), "Asia/Shanghai")
    await claim_due(session, clock, worker_id="dead", limit=1, quiet=quiet)
    clock.advance(STALE_CLAIM - timedelta(minutes=4))
    await claim_due(session, clock, worker_id="alive", limit=1, quiet=quiet)
    await session.commit()
    s = make(session_pool, clock, settings, translator, "host-a", default_jobs())

    clock.advance(minutes=3)  # the first claim is 9 minutes old: still a live sender's
    assert await s.run_job("outbox-requeue-stale-claims") == 0
    clock.advance(minutes=2)  # 11 and 5 minutes old
    assert await s.run_job("outbox-requeue-stale-claims") == 1

    async with session_pool() as s2:
        rows = {r.dedup_key: r for r in (await s2.scalars(select(OutboxMessage))).all()}
    assert (rows["k0"].status, rows["k0"].claimed_by) == (OutboxStatus.PENDING, None)
    assert (rows["k1"].status, rows["k1"].claimed_by) == (OutboxStatus.SENDING, "alive")
    assert rows["k2"].status == OutboxStatus.PENDING
