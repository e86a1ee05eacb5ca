"""WORKER_ONLY=true (bot/worker.py): the outbox sender and the scheduler run, no update is
taken (no getUpdates: with several processes only one may poll), and a stop is clean."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from bot.settings import load_settings
from bot.worker import run_worker
from db.engine import create_engine, create_session_pool
from db.models import OutboxMessage, OutboxStatus
from db.models.outbox import JobLease
from services.clock import SystemClock
from services.outbox import OutgoingMessage, enqueue
from tests.conftest import sqlite_url
from tests.e2e.fake_bot_api import FakeBotApi


async def test_worker_sends_and_schedules_without_polling(db_path: Path) -> None:
    api = FakeBotApi()
    await api.start()
    settings = load_settings(
        _env_file=None, bot_token=api.token, database_url=sqlite_url(db_path),
        telegram_api_base=api.base_url, worker_only=True,
        outbox={"quiet_start": "00:00", "quiet_end": "00:00", "poll_interval": 0.05},
    )
    engine = create_engine(settings.database_url)
    pool = create_session_pool(engine)
    async with pool() as session:
        await enqueue(session, SystemClock(), [
            OutgoingMessage(dedup_key="w:1", chat_id=555, text="明天家长会", kind="t"),
        ])
        await session.commit()
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, stop))
    try:
        await api.wait_for(lambda: api.texts_to(555), 30, what="the worker to send")
        # The scheduler's start-up catch-up runs here too: it takes job leases.
        await _wait(lambda: _leases(pool))
    finally:
        stop.set()
        await asyncio.wait_for(worker, 30)
        await api.stop()
    async with pool() as session:
        status = await session.scalar(select(OutboxMessage.status).where(OutboxMessage.dedup_key == "w:1"))
        expiries = set((await session.scalars(select(JobLease.expires_at))).all())
    await engine.dispose()
    assert api.texts_to(555) == ["明天家长会"]
    assert status == OutboxStatus.SENT
    assert api.get_updates_calls == 0
    # Leases were taken, and all handed back (expired) at the clean stop.
    assert expiries and max(e.year for e in expiries) == 2000


async def _leases(pool) -> bool:  # noqa: ANN001
    async with pool() as session:
        return (await session.scalar(select(JobLease.name).limit(1))) is not None


async def _wait(check, timeout: float = 30.0) -> None:  # noqa: ANN001
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)
