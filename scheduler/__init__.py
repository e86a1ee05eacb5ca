"""Clock-based jobs (APScheduler 3.x) that fill the outbox.

Every job is an idempotent "make sure what is due as of clock.now() exists" function: it
writes outbox rows with unique dedup keys, so running it twice, late, or in two processes
creates nothing twice. That is what makes the misfire story simple:

- APScheduler: coalesce=True (a backlog of missed runs is one run), a generous
  misfire_grace_time (a late run still happens), max_instances=1;
- `catch_up()` runs every job once at start-up, so whatever fell due while the bot was
  down is created now (APScheduler keeps no memory of missed runs across restarts);
- a lease row per job (`job_leases`) lets only one process run a job at a time.

Adding a job: write `@scheduled("name", "cron", hour=9)` over an
`async def job(ctx: JobContext) -> int` in a module of this package and add the module to
JOB_MODULES below.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from locales import Translator, get_translator
from scheduler.lease import acquire_lease, release_leases
from services.clock import Clock

log = logging.getLogger(__name__)

JOB_MODULES: tuple[str, ...] = ("scheduler.jobs", "scheduler.absence", "scheduler.dropout", "scheduler.attendance", "scheduler.contacts",
                                 "scheduler.visits", "scheduler.incidents", "scheduler.returns", "scheduler.notices", "scheduler.census", "scheduler.checkins",
                                 "scheduler.student_status", "scheduler.digest", "scheduler.updates")
MISFIRE_GRACE = timedelta(hours=6)
DEFAULT_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class JobContext:
    session_pool: async_sessionmaker[AsyncSession]
    clock: Clock
    settings: Settings
    translator: Translator


JobFunc = Callable[[JobContext], Awaitable[int | None]]


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: JobFunc
    trigger: str  # "cron" or "interval", in the school timezone
    trigger_args: Mapping[str, Any] = field(default_factory=dict)
    lease: timedelta = DEFAULT_LEASE
    run_at_startup: bool = True


JOBS: dict[str, ScheduledJob] = {}


def scheduled(
    name: str,
    trigger: str,
    *,
    lease: timedelta = DEFAULT_LEASE,
    run_at_startup: bool = True,
    **trigger_args: Any,
) -> Callable[[JobFunc], JobFunc]:
    """Register a job in the default registry."""

    def register(func: JobFunc) -> JobFunc:
        JOBS[name] = ScheduledJob(name, func, trigger, trigger_args, lease, run_at_startup)
        return func

    return register


def default_jobs() -> dict[str, ScheduledJob]:
    for module in JOB_MODULES:
        importlib.import_module(module)
    return dict(JOBS)


class Scheduler:
    """APScheduler plus leases plus the start-up catch-up."""

    def __init__(
        self,
        session_pool: async_sessionmaker[AsyncSession],
        clock: Clock,
        settings: Settings,
        translator: Translator,
        jobs: Mapping[str, ScheduledJob],
        holder: str,
    ) -> None:
        self.context = JobContext(session_pool, clock, settings, translator)
        self.jobs = dict(jobs)
        self.holder = holder
        self.aps = AsyncIOScheduler(
            timezone=settings.tz,
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
                "max_instances": 1,
            },
        )
        self._running: set[str] = set()
        self._tasks: set[asyncio.Task[object]] = set()
        self._stopping = False

    def start(self) -> None:
        for job in self.jobs.values():
            self.aps.add_job(
                self.run_job, job.trigger, args=[job.name], id=job.name, name=job.name,
                replace_existing=True, **job.trigger_args,
            )
        self.aps.start()

    async def catch_up(self) -> dict[str, int | None]:
        """Run every start-up job once now; returns what each did (None = skipped)."""
        done: dict[str, int | None] = {}
        for job in self.jobs.values():
            if job.run_at_startup:
                done[job.name] = await self.run_job(job.name)
        return done

    async def run_job(self, name: str) -> int | None:
        """Run one job if this process holds (or can take) its lease; None when skipped."""
        job = self.jobs[name]
        if name in self._running or self._stopping:
            return None
        self._running.add(name)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            async with self.context.session_pool() as session:
                mine = await acquire_lease(session, self.context.clock, name, self.holder, job.lease)
                await session.commit()
            if not mine:
                log.debug("job %s runs in another process", name)
                return None
            result = await job.func(self.context)
            log.info("job %s done: %s", name, result)
            return result if result is not None else 0
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("job %s failed", name)
            return None
        finally:
            self._running.discard(name)
            if task is not None:
                self._tasks.discard(task)

    async def shutdown(self) -> None:
        """No job starts any more; the ones running (the start-up catch-up among them) are
        cancelled, their transactions rolled back, before the leases are handed back: a
        job still running then could take a lease after the release (found by
        tests/test_worker.py)."""
        self._stopping = True
        if self.aps.running:
            self.aps.shutdown(wait=False)
        running = [t for t in self._tasks if t is not asyncio.current_task() and not t.done()]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        try:
            async with self.context.session_pool() as session:
                await release_leases(session, self.holder)
                await session.commit()
        except Exception:
            log.exception("could not release job leases (they will expire)")


def create_scheduler(
    session_pool: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    translator: Translator | None = None,
    jobs: Mapping[str, ScheduledJob] | None = None,
    holder: str | None = None,
) -> Scheduler:
    return Scheduler(
        session_pool,
        clock,
        settings,
        translator or get_translator(settings.default_language),
        default_jobs() if jobs is None else jobs,
        # job_leases.holder holds 64 characters; container host names can be nearly that long.
        holder or f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
    )


__all__ = [
    "JOBS", "JobContext", "ScheduledJob", "Scheduler", "create_scheduler", "default_jobs",
    "scheduled",
]
