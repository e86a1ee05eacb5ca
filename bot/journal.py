"""The update journal: no update lost when the process dies, none handled twice.

Telegram delivers an update at least once: polling hands it out until a later getUpdates
confirms it, a webhook posts it again until the bot answers 200. So every update goes
through here, in both modes:

1. `record()` writes it to `received_updates` (update_id, JSON) in one short transaction,
   before anything acts on it. Polling records a whole batch before the next getUpdates
   confirms it to Telegram; the webhook records before it answers. An update already
   marked handled is dropped here: a second delivery has no second effect.
2. `handle()` feeds it to the dispatcher. The row is marked handled (and its JSON, which
   may carry names and phone numbers, emptied) by the first commit of the update's OWN
   session, the one DbSessionMiddleware opens and CommitBeforeSpeaking commits before
   each Bot API call: the mark and the update's writes commit together, or not at all.
   If the mark finds the row already handled (another process handled it meanwhile), the
   update's writes are rolled back and it does nothing.
3. An update whose handler failed, but whose error handler answered the user, is marked
   handled afterwards in its own transaction; one whose handling raised is left
   unhandled (the webhook answers 500, Telegram sends it again).
4. `replay()` runs at start-up, before polling or serving: what a killed process had
   recorded but not handled is handled now, oldest first. One that fails
   MAX_REPLAYS times in a row is given up (logged by id).

The window that is left: the writes before the handler's first Bot API call commit with
the mark; whatever the handler writes after that call commits at its end. A process
killed in between keeps the first part and loses the rest (the update is not handled
again, because it is marked). Handlers here write before they speak, so what can be lost
is a dialog's bookkeeping after a reply, not a guardian's answer. A reply sent but killed
before any commit of the update (a handler that says something before writing) is sent
again on replay: messages are at least once, database effects exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject, Update
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from db.repositories import updates as repo
from services.clock import Clock

log = logging.getLogger(__name__)

MAX_REPLAYS = 3
# Test only (tests/e2e/test_webhook.py): seconds each journaled update waits inside its
# open transaction before its handler runs, so a test can kill the process mid-update.
HANDLER_DELAY_ENV = "JIAXIAO_TEST_HANDLER_DELAY"


class AlreadyHandled(Exception):
    """The update's row was marked handled by someone else while this copy ran."""


@dataclass
class _Claim:
    update_id: int
    journal: UpdateJournal
    done: bool = False


_current: ContextVar[_Claim | None] = ContextVar("jiaxiao_update_claim", default=None)


class UpdateJournal:
    def __init__(
        self,
        session_pool: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        handler_delay: float | None = None,
    ) -> None:
        self.session_pool = session_pool
        self.clock = clock
        if handler_delay is None:
            handler_delay = float(os.environ.get(HANDLER_DELAY_ENV) or 0)
        self.handler_delay = handler_delay
        self._in_flight: dict[int, asyncio.Event] = {}

    # ---------------------------------------------------------------- recording

    async def record(self, updates: Sequence[Update]) -> list[Update]:
        """Journals the updates in one transaction; returns those not handled yet."""
        if not updates:
            return []
        rows = [(u.update_id, u.model_dump_json(exclude_unset=True)) for u in updates]
        async with self.session_pool() as session:
            await repo.record(session, rows, self.clock.now())
            handled = await repo.handled_ids(session, [u.update_id for u in updates])
            await session.commit()
        return [u for u in updates if u.update_id not in handled]

    # ---------------------------------------------------------------- handling

    async def handle(self, dp: Dispatcher, bot: Bot, update: Update) -> bool:
        """Handles a recorded update. True if it was handled now, False if it had been
        already; raises if handling failed (the row stays unhandled)."""
        uid = update.update_id
        while (running := self._in_flight.get(uid)) is not None:
            # The same update twice in this process at once (a webhook re-send while the
            # first copy still runs): the second waits and then finds it handled.
            await running.wait()
        if not await self._unhandled(uid):
            return False
        done = asyncio.Event()
        self._in_flight[uid] = done
        token = _current.set(_Claim(uid, self))
        try:
            response = await dp.feed_update(bot, update)
            if isinstance(response, TelegramMethod):
                await dp.silent_call_request(bot, response)
        finally:
            _current.reset(token)
            del self._in_flight[uid]
            done.set()
        # The handler may have failed and its error handler answered the user: its own
        # transaction (with the mark) was rolled back, so the mark is made here.
        async with self.session_pool() as session:
            await repo.claim(session, uid, self.clock.now())
            await session.commit()
        return response is not UNHANDLED

    async def _unhandled(self, update_id: int) -> bool:
        async with self.session_pool() as session:
            return not await repo.handled_ids(session, [update_id])

    async def replay(self, dp: Dispatcher, bot: Bot) -> int:
        """Handles, oldest first, what a stopped process recorded but did not handle."""
        handled = 0
        seen: set[int] = set()
        while True:
            async with self.session_pool() as session:
                rows = [r for r in await repo.unhandled(session) if r.update_id not in seen]
            if not rows:
                return handled
            for row in rows:
                seen.add(row.update_id)
                handled += await self._replay_one(dp, bot, row.update_id, row.payload, row.attempts)

    async def _replay_one(
        self, dp: Dispatcher, bot: Bot, update_id: int, payload: str | None, attempts: int
    ) -> int:
        if attempts >= MAX_REPLAYS or payload is None:
            log.error("update %d given up after %d start-up attempts", update_id, attempts)
            async with self.session_pool() as session:
                await repo.claim(session, update_id, self.clock.now())
                await session.commit()
            return 0
        async with self.session_pool() as session:
            await repo.add_attempt(session, update_id)
            await session.commit()
        try:
            update = Update.model_validate_json(payload, context={"bot": bot})
            log.info("replaying update %d left unhandled by the last run", update_id)
            return int(await self.handle(dp, bot, update))
        except Exception as exc:
            log.error("replayed update %d failed (%s)", update_id, type(exc).__name__, exc_info=exc)
            return 0

    async def prune(self, keep: timedelta) -> int:
        async with self.session_pool() as session:
            count = await repo.prune(session, self.clock.now() - keep)
            await session.commit()
        return count


class JournalMiddleware(BaseMiddleware):
    """Inside DbSessionMiddleware: makes the journal's mark part of the update's own
    transaction. Updates fed without the journal (most tests) pass untouched."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event_: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        claim = _current.get()
        session: AsyncSession | None = data.get("session")
        if claim is None or session is None or not isinstance(event_, Update) \
                or event_.update_id != claim.update_id:
            return await handler(event_, data)

        def before_commit(sync_session: Session) -> None:
            # Runs inside every commit of this session (CommitBeforeSpeaking's too); the
            # first one carries the mark. Sync code, run by SQLAlchemy's asyncio bridge.
            if claim.done:
                return
            claim.done = True
            stmt = repo.claim_statement(claim.update_id, claim.journal.clock.now())
            if sync_session.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
                raise AlreadyHandled(claim.update_id)

        event.listen(session.sync_session, "before_commit", before_commit)
        try:
            if claim.journal.handler_delay:
                await asyncio.sleep(claim.journal.handler_delay)
            result = await handler(event_, data)
            if not claim.done:
                claim.done = True
                if not await repo.claim(session, claim.update_id, claim.journal.clock.now()):
                    raise AlreadyHandled(claim.update_id)
            return result
        except AlreadyHandled:
            log.warning("update %d was handled elsewhere meanwhile; this copy did nothing",
                        claim.update_id)
            await session.rollback()
            return UNHANDLED
        finally:
            event.remove(session.sync_session, "before_commit", before_commit)


def install_journal(dp: Dispatcher) -> Dispatcher:
    """Adds the journal's middleware after the session and actor middlewares."""
    dp.update.outer_middleware(JournalMiddleware())
    return dp
