"""Worker-only runner (WORKER_ONLY=true): the outbox sender and the scheduler, no updates.

With several processes on one PostgreSQL database, every process may send and run jobs
(claims are taken with FOR UPDATE SKIP LOCKED, each job under a lease), but only one may
poll: Telegram answers a second getUpdates on the same token with 409 Conflict. So one
process polls (or webhook mode takes the updates) and the others run as workers.
See docs/outbox.md, "Several processes".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.runner import prepare, stop_on_signals
from bot.settings import Settings

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 10.0


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Send and schedule until SIGTERM/SIGINT (or `stop` is set)."""
    parts = await prepare(settings)
    bot, sender, scheduler = parts.bot, parts.sender, parts.scheduler
    stop = stop_on_signals(stop)
    catch_up: asyncio.Task[object] | None = None
    sending: asyncio.Task[None] | None = None
    try:
        await sender.recover()
        sending = asyncio.create_task(sender.run(), name="outbox-sender")
        scheduler.start()
        catch_up = asyncio.create_task(scheduler.catch_up(), name="scheduler-catch-up")
        log.info("bot starting (worker only: outbox and scheduler, no updates)")
        await stop.wait()
    finally:
        await scheduler.shutdown()
        await sender.stop()
        if sending is not None and not sending.done():
            # A clean stop hands back unsent claims and waits for answers on their way.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(sending), STOP_GRACE_SECONDS)
        for task in (sending, catch_up):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        await bot.session.close()
        await parts.engine.dispose()
        log.info("worker stopped")
