"""Long polling that loses no update: each batch is journaled before it is confirmed.

aiogram's own polling confirms an update (the next getUpdates carries offset = its id + 1)
while the update may still be handled in a task; a process killed then has lost it. Here
every batch from getUpdates is written to the journal (bot/journal.py) in one transaction
BEFORE the next getUpdates, so a confirmed update is always in the database, and an
unhandled one is replayed at the next start.

The offset starts empty at each start, not at the journal's highest id: Telegram picks a
random new id sequence after a week without updates, and a stale offset would skip it.
Updates Telegram hands out again are dropped by the journal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates
from aiogram.types import Update

from bot.journal import UpdateJournal

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10  # seconds Telegram holds a getUpdates open when nothing is new (aiogram's)
MAX_TASKS = 100  # updates handled at the same time
FIRST_DELAY = 1.0
MAX_DELAY = 5.0  # between failed getUpdates, growing by half each time (as aiogram)


class JournaledPolling:
    def __init__(
        self,
        bot: Bot,
        dp: Dispatcher,
        journal: UpdateJournal,
        *,
        allowed_updates: Sequence[str] | None = None,
        poll_timeout: int = POLL_TIMEOUT,
        max_tasks: int = MAX_TASKS,
    ) -> None:
        self.bot = bot
        self.dp = dp
        self.journal = journal
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self.poll_timeout = poll_timeout
        self._slots = asyncio.Semaphore(max_tasks)
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, stop: asyncio.Event) -> None:
        """Polls until `stop` is set. Updates being handled then are given `grace`
        seconds by `drain()`; whatever is cut off stays in the journal for the next start."""
        offset: int | None = None
        delay = FIRST_DELAY
        stopping = asyncio.create_task(stop.wait())
        request_timeout = int((self.bot.session.timeout or 60) + self.poll_timeout)
        try:
            while not stop.is_set():
                method = GetUpdates(
                    offset=offset, timeout=self.poll_timeout, allowed_updates=self.allowed_updates
                )
                fetch = asyncio.create_task(self.bot(method, request_timeout=request_timeout))
                await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if not fetch.done():
                    fetch.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await fetch
                    break
                try:
                    updates = fetch.result()
                    # Journaled before the next getUpdates confirms them to Telegram.
                    fresh = await self.journal.record(updates)
                except Exception as exc:
                    # The class name only: an error's text may carry the URL with the token.
                    log.warning("getUpdates or the journal failed (%s); retrying in %.1f s",
                                type(exc).__name__, delay)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(asyncio.shield(stopping), delay)
                    delay = min(MAX_DELAY, delay * 1.5)
                    continue
                delay = FIRST_DELAY
                if updates:
                    offset = updates[-1].update_id + 1
                for update in fresh:
                    await self._slots.acquire()
                    task = asyncio.create_task(self._handle(update), name=f"update-{update.update_id}")
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
        finally:
            stopping.cancel()

    async def _handle(self, update: Update) -> None:
        try:
            await self.journal.handle(self.dp, self.bot, update)
        except Exception as exc:
            # Left unhandled in the journal: the next start tries it again.
            log.error("update %d failed (%s)", update.update_id, type(exc).__name__, exc_info=exc)
        finally:
            self._slots.release()

    async def drain(self, grace: float) -> None:
        """Waits up to `grace` seconds for updates being handled, then cancels the rest."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
