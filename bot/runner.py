"""Polling runner: migrate, then bot + dispatcher + outbox sender + scheduler together."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.factory import create_bot, create_dispatcher
from bot.settings import Settings
from db.engine import create_engine, create_session_pool
from db.migrate import upgrade
from services.clock import SystemClock

log = logging.getLogger(__name__)


async def run_polling(settings: Settings) -> None:
    # Alembic runs its own event loop; a worker thread keeps it off ours.
    await asyncio.to_thread(upgrade, settings.database_url)
    engine = create_engine(settings.database_url)
    session_pool = create_session_pool(engine)
    clock = SystemClock()
    bot = create_bot(settings)
    dp = create_dispatcher(settings, session_pool, clock=clock)
    background: list[asyncio.Task[None]] = []
    try:
        log.info("bot starting (polling, api=%s)", settings.telegram_api_base)
        await dp.start_polling(bot, handle_signals=True)
    finally:
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await bot.session.close()
        await engine.dispose()
